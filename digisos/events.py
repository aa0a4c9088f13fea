"""Candidate Digisos events (JsonDigisosSoker `hendelser`) from an Evaluation and its mapping report.

The events are what a case-management system can publish once the caseworker has decided. Every legal
conclusion in them is the Evaluation's: this module only translates.

- `saksStatus`, one per question: a sak for each provision the engine answered, and one for each need the
  application lists and each question answered for it (the immediate need, a kindergarten bill …), titled by the
  need. Financial assistance is UNDER_BEHANDLING (BEHANDLES_IKKE where the question does not arise); any other
  question, such as the individual plan, is IKKE_INNSYN, the status the format gives saker that are not
  financial assistance.
- `vedtakFattet` with a suggested `utfall` only where the law leaves no discretion: INNVILGET for `entitled`,
  AVSLATT for `not_entitled`. Never for `discretionary` or `undetermined`, and never DELVIS_INNVILGET or
  AVVIST, which are the caseworker's. The decision letter's document id is a placeholder the system replaces.
- `dokumentasjonkrav` for each document the mapping report asks for: one that would settle a case field the
  application leaves unknown, or an item of unknown amount (a bill without its period, a valuable without its
  value). Its `frist` is the end of the deadline day the caller sets (by default some days after the decision
  date: `REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS`).
- `vilkar` for each condition the law requires: a duty that is fulfilled by setting a condition, such as
  activity conditions under 30 (sotjl § 20 a), and that applies to the case as the caseworker receives it —
  before any condition, or any exception to one, is on record. That is the *baseline* evaluation: the same case
  with `conditions` recorded as empty (no condition set, no weighty reasons found), which the engine evaluates
  like any other. A duty that does not apply in the real evaluation gives no `vilkar`.

References are derived from the question (and the need's id), the document kind or the duty id alone, so
evaluating the same
application again gives the same references, and the new events replace the old ones. Every event is
validated against the vendored `digisos-soker.json` before it is returned.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo

from digisos import vocabulary as v
from digisos.answer import CandidateEvent, Document, MappingReport
from digisos.schema import validate_event
from engine import ENGINE_VERSION
from engine.answer.models import Bilingual, Decision, DutyStatus, Evaluation
from engine.case.model import Matter, NeedKind
from engine.law.expressions import questions_in
from engine.law.rulebook import UNDETERMINED, RuleSet
from engine.run.runtime import Firing

AVSENDER = {"systemnavn": "regelmotor", "systemversjon": ENGINE_VERSION}
NORWAY = ZoneInfo("Europe/Oslo")
# The nil UUID (RFC 9562): a well-formed Dokumentlager id that names no document.
PLACEHOLDER_DOCUMENT_ID = "00000000-0000-0000-0000-000000000000"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sak_reference(question: str) -> str:
    return "regelmotor-sak-" + _slug(question)


def documentation_reference(document: Document) -> str:
    return "regelmotor-dokumentasjonkrav-" + _slug(document.code)


def condition_reference(duty_id: str) -> str:
    return "regelmotor-vilkar-" + _slug(duty_id)


def timestamp(moment: dt.datetime) -> str:
    """A `tidspunkt`: UTC, millisecond precision, e.g. 2018-10-04T13:37:00.134Z."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def end_of_day(day: dt.date) -> str:
    """The end of `day` in Norway, as a `tidspunkt` (UTC): a deadline is the whole of its last day where the
    applicant lives, whatever the season."""
    return timestamp(dt.datetime.combine(day, dt.time(23, 59, 59, 999_000), tzinfo=NORWAY))


def _citation(decision: Decision) -> str:
    return f"{decision.provision.short_name} § {decision.provision.section}"


class Sak(NamedTuple):
    """A sak: one question answered for the case, or for one need the application lists."""

    reference: str
    title: str
    decision: Decision
    basis: tuple[str, ...]  # what the sak is: the question, and the need


def _saker(evaluation: Evaluation) -> list[Sak]:
    """The case's saker, one per question, then each need's, one per question answered for it."""
    found = [Sak(sak_reference(d.question), f"{d.provision.title} ({_citation(d)})", d, (f"question:{d.question}",))
             for d in evaluation.decisions]
    found += [Sak(sak_reference(f"{d.question}-{need.id}"),
                  f"{v.NEED_TITLES[NeedKind(need.kind)]}: {d.provision.title.lower()} ({_citation(d)})", d,
                  (f"question:{d.question}", f"need:{need.id}"))
              for need in evaluation.needs for d in need.decisions]
    return found


def candidate_events(evaluation: Evaluation, report: MappingReport, ruleset: RuleSet, deadline: dt.date,
                     baseline: Evaluation | None = None) -> list[CandidateEvent]:
    """The events for one evaluated application. `deadline` is the last day for the documents asked for.
    `baseline` is the evaluation of the same case with its `conditions` recorded as empty; without it, only
    duties that already apply give a `vilkar`."""
    at = timestamp(evaluation.receipt.evaluated_at)
    # The saker the applicant follows on nav.no are those on financial assistance (økonomisk sosialhjelp): the
    # questions whose provision decides that matter. The format publishes any other sak as IKKE_INNSYN.
    financial = {q for q, p in ruleset.questions.items() if p.spec.matter == Matter.financial_assistance}
    all_saker = _saker(evaluation)
    events = [_case_status(sak, sak.decision.question in financial, at) for sak in all_saker]
    events += _documentation(all_saker, report, financial, at, end_of_day(deadline))
    events += _conditions(evaluation, baseline or evaluation, ruleset, financial, at)
    events += [event for sak in all_saker if sak.decision.question in financial
               and (event := _decision(sak, at)) is not None]
    for candidate in events:
        validate_event(candidate.event, AVSENDER)
    return events


def _case_status(sak: Sak, financial: bool, at: str) -> CandidateEvent:
    decision = sak.decision
    if not financial:
        status = "IKKE_INNSYN"
        explanation = Bilingual(nb="Saken gjelder ikke økonomisk sosialhjelp, så søkeren får ikke innsyn i den her.",
                                en="The sak is not financial assistance, so the applicant does not follow it here.")
    elif decision.outcome == v.NOT_DEALT_WITH:
        status = "BEHANDLES_IKKE"
        explanation = Bilingual(nb="Spørsmålet oppstår ikke i denne saken.",
                                en="The question does not arise in this case.")
    else:
        status = "UNDER_BEHANDLING"
        explanation = Bilingual(nb="Søknaden vurderes etter denne bestemmelsen.",
                                en="The application is assessed under this provision.")
    return CandidateEvent(
        reference=sak.reference,
        event={"type": "saksStatus", "hendelsestidspunkt": at, "referanse": sak.reference, "tittel": sak.title,
               "status": status},
        basis=[*sak.basis, f"outcome:{decision.outcome}"], explanation=explanation,
        placeholders=[])


def _decision(sak: Sak, at: str) -> CandidateEvent | None:
    decision = sak.decision
    utfall = v.SUGGESTED_UTFALL.get(decision.outcome)
    if utfall is None:
        return None
    rules = [reason.rule_id for reason in decision.reasons]
    return CandidateEvent(
        reference=sak.reference,
        event={"type": "vedtakFattet", "hendelsestidspunkt": at, "saksreferanse": sak.reference, "utfall": utfall,
               "vedtaksfil": {"referanse": {"type": "dokumentlager", "id": PLACEHOLDER_DOCUMENT_ID}}},
        basis=[*sak.basis, f"outcome:{decision.outcome}", *(f"rule:{r}" for r in rules)],
        explanation=Bilingual(
            nb=f"Forslag til utfall etter {_citation(decision)}: {utfall}. Loven gir ikke rom for skjønn i dette "
               "spørsmålet (se reglene i basis). Vedtaket fattes av saksbehandler, som også fastsetter beløpet.",
            en=f"Suggested outcome under {_citation(decision)}: {utfall}. The law leaves no discretion on this "
               "question (see the rules in basis). The caseworker decides, and sets the amount."),
        placeholders=["/vedtaksfil/referanse/id"])


def _documentation(all_saker: list[Sak], report: MappingReport, financial: set[str], at: str,
                   frist: str) -> list[CandidateEvent]:
    """One dokumentasjonkrav per document the mapping report asks for: every document that would settle a case
    field the application leaves unknown or partly unknown (an item of unknown amount), whether or not the
    question it bears on is already decided — the caseworker needs it to set the amount, if not the outcome. It
    belongs to the sak of the first question still waiting for that field, else to the household's sak on
    financial assistance."""
    household = next((sak for sak in all_saker if len(sak.basis) == 1 and sak.decision.question in financial
                      and sak.decision.outcome != v.NOT_DEALT_WITH), all_saker[0])
    wanted: dict[str, tuple[Document, Sak, list[str]]] = {}
    for field in report.fields:
        sak = next((sak for sak in all_saker if sak.decision.outcome == UNDETERMINED and any(
            path == field.case_field or path.startswith((field.case_field + ".", field.case_field + "["))
            for path in sak.decision.missing_facts)), household)
        for document in field.documents:
            _, _, fields = wanted.setdefault(document.code, (document, sak, []))
            if field.case_field not in fields:
                fields.append(field.case_field)
    events = []
    for document, sak, fields in wanted.values():
        reference = documentation_reference(document)
        events.append(CandidateEvent(
            reference=reference,
            event={"type": "dokumentasjonkrav", "hendelsestidspunkt": at, "dokumentasjonkravreferanse": reference,
                   "saksreferanse": sak.reference, "tittel": document.title.nb,
                   "beskrivelse": f"Vi trenger dette for å vurdere søknaden etter {_citation(sak.decision)}.",
                   "frist": frist, "status": "RELEVANT"},
            basis=[*sak.basis, *(f"missing:{field}" for field in fields)],
            explanation=Bilingual(
                nb=f"{document.title.nb} avgjør opplysninger søknaden ikke gir: {', '.join(fields)}.",
                en=f"{document.title.en} settles what the application does not give: {', '.join(fields)}."),
            placeholders=[]))
    return events


def _conditions(evaluation: Evaluation, baseline: Evaluation, ruleset: RuleSet, financial: set[str],
                at: str) -> list[CandidateEvent]:
    applies = {entry.id for entry in baseline.trace if entry.firing == Firing.duty_applies.value}
    duties = {duty.id: duty for duty in ruleset.duties}
    financial = [d.question for d in evaluation.decisions if d.question in financial]
    events = []
    for out in evaluation.duties:
        duty = duties.get(out.id)
        if duty is None or out.id not in applies or out.status == DutyStatus.not_applicable:
            continue
        kinds = [v.CONDITION_FACTS[name] for name in sorted(duty.fulfilled_facts) if name in v.CONDITION_FACTS]
        if not kinds:
            continue
        premises = [q for q in ruleset.question_order if q in questions_in(duty.applies)]
        question = premises[0] if premises else financial[0] if financial else None
        reference = condition_reference(out.id)
        event = {"type": "vilkar", "hendelsestidspunkt": at, "vilkarreferanse": reference, "tittel": kinds[0].nb,
                 "beskrivelse": f"{kinds[0].nb} ({out.provision.citation}). Hva vilkåret går ut på, fastsettes i "
                                "vedtaket.",
                 "status": "RELEVANT"}
        if question is not None:
            event["saksreferanse"] = sak_reference(question)
        events.append(CandidateEvent(
            reference=reference, event=event, basis=[f"duty:{out.id}", f"duty_status:{out.status}"],
            explanation=Bilingual(
                nb=f"{out.duty.nb} Plikten gjelder saken slik den står før vilkår eller unntak er registrert, og "
                   "den står åpen i evaluation.duties til det er gjort.",
                en=f"{out.duty.en} The duty applies to the case as it stands before any condition or exception is "
                   "recorded, and it stays open in evaluation.duties until one is."),
            placeholders=[]))
    return events
