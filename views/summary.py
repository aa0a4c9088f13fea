"""The short answer a caseworker reads: per question the outcome in Norwegian, the reasons with their citations,
the missing facts named in Norwegian with what would settle the question (the outcome for each range of an amount
the case does not give), what is left to discretion or called for by the facts, what the law limits
the outcome to, the guideline calculation, and the duties (a choice with its options, a duty that waits for
another); then the same for each need the application lists.

It is built from an `Evaluation` and nothing else — the outcome labels come from rules/outcomes.yaml, the field and
fact names from the glossary — so it can only say what the answer says. `POST /v1/evaluations?view=summary`
returns it as JSON, `regelmotor evaluate --format text` prints it (`text`), and the page renders it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from pydantic import Field

from engine.answer.models import (
    AmountBreakdown,
    Decision,
    DutyOut,
    DutyStatus,
    Evaluation,
    LegalBasis,
    NeedAnswer,
    Provision,
)
from engine.case.glossary import glossary, kroner, show
from engine.law.schema import OutcomeSpec
from engine.models import OutputModel


def section_url(basis: LegalBasis | Provision) -> str:
    """The section on Lovdata: the act's address with `/§<section>`, which Lovdata opens at the section."""
    return f"{basis.url}/§{basis.section}"


class Fact(OutputModel):
    name: str = Field(description="The fact, by its name in the rule files.")
    label: str = Field(description="The fact in Norwegian.")
    value: str = Field(description="Its value as the reason read it, in Norwegian (ja/nei, kroner, a count).")


class SummaryReason(OutputModel):
    text: str = Field(description="Begrunnelse — the reason in Norwegian, with the case's figures.")
    citation: str = Field(description="Hjemmel — the exact legal basis.")
    url: str = Field(description="The section on Lovdata.")
    facts: list[Fact] = Field(description="The facts the rule read.")
    provisional: bool = Field(description="Concluded before the facts are complete (emergency help).")


class MissingFact(OutputModel):
    path: str = Field(description="The case field, as a path (the form field the page highlights).")
    label: str = Field(description="Feltet — the field in Norwegian.")


class SummaryLine(OutputModel):
    part: str = Field(description="need or means.")
    label: str = Field(description="The line in Norwegian.")
    amount: Decimal = Field(description="Whole kroner; negative where the term reduces its part.")
    details: list[tuple[str, Decimal]] = Field(description="The items behind the line, in Norwegian, with amounts.")


class SummaryAmount(OutputModel):
    kind: str = Field(description="shortfall or surplus.")
    label: str = Field(description="Udekket behov or overskudd.")
    need: Decimal = Field(description="Behov — the monthly need in kroner.")
    counted_means: Decimal = Field(description="Midler — the monthly means counted, in kroner.")
    difference: Decimal = Field(description="The shortfall or the surplus, in kroner.")
    lines: list[SummaryLine] = Field(description="The calculation line by line.")
    rate_table: str | None = Field(description="The rate table and row used, with its source.")
    citation: str = Field(description="The calculation's legal basis.")
    url: str = Field(description="The section on Lovdata.")
    note: str = Field(description="How to read the figures.")


class SummaryDecision(OutputModel):
    question: str = Field(description="The question, e.g. '5-1'.")
    provision: str = Field(description="The provision as a lawyer names it, with its heading.")
    url: str = Field(description="The section on Lovdata.")
    outcome: str = Field(description="The outcome's code (rules/outcomes.yaml).")
    outcome_label: str = Field(description="Utfallet — the outcome in Norwegian.")
    discretion: bool = Field(description="The outcome leaves the decision to the caseworker.")
    reasons: list[SummaryReason] = Field(description="Why: every rule that concluded the outcome.")
    missing_facts: list[MissingFact] = Field(description="What would settle an undetermined outcome.")
    settles: list[str] = Field(description="Hva som avgjør spørsmålet — for an amount the case does not give, the "
                                           "outcome in each range of it (the thresholds), in Norwegian.")
    considerations: list[str] = Field(description="Hensyn — what to weigh: the provision's where discretion is "
                                                  "left, and those the case's facts call for.")
    scope: str | None = Field(None, description="Avgrensning — what the law limits the outcome to (emergency help: "
                                                "the immediate need, a short period), in Norwegian.")
    amount: SummaryAmount | None = Field(description="The guideline calculation, where the answer has one.")


class SummaryOption(OutputModel):
    fulfil_by: str = Field(description="One way to fulfil the duty, in Norwegian.")
    fulfilled: bool = Field(description="The record shows this way taken.")


class SummaryDuty(OutputModel):
    id: str = Field(description="The duty's id (GET /v1/rules/{rule_id}).")
    citation: str = Field(description="Hjemmel — the duty's legal basis.")
    url: str = Field(description="The section on Lovdata.")
    status: DutyStatus = Field(description="open, fulfilled or not_applicable.")
    status_label: str = Field(description="Åpen, oppfylt or gjelder ikke.")
    duty: str = Field(description="What the duty asks of the office, in Norwegian.")
    fulfil_by: str = Field(description="What the record must show, in Norwegian.")
    reason: str = Field(description="Why the duty has this status, in Norwegian (for an open duty that waits for "
                                    "another: what must be done first).")
    options: list[SummaryOption] = Field([], description="For a choice: the ways to fulfil it; any one of them "
                                                         "does.")


class SummaryNeed(OutputModel):
    id: str = Field(description="The need's id, as the case gave it.")
    kind: str = Field(description="The need's kind, as the case gave it (a code).")
    label: str = Field(description="The need in Norwegian: its kind and its id.")
    decisions: list[SummaryDecision] = Field(description="The need's own answer, per question.")
    open_duties: list[SummaryDuty] = Field(description="The duties owed on the need's own decision, still open.")
    fulfilled_duties: list[SummaryDuty] = Field(description="The need's duties the record shows fulfilled.")


class Summary(OutputModel):
    case_id: str | None = Field(description="The caller's case reference, echoed back.")
    decision_date: dt.date = Field(description="Vedtaksdato.")
    law: str = Field(description="The act applied, e.g. 'sosialtjenesteloven (1991)'.")
    decisions: list[SummaryDecision] = Field(description="Per question, in the answer's order.")
    needs: list[SummaryNeed] = Field([], description="Each need the application lists, with its own answer and "
                                                     "duties.")
    open_duties: list[SummaryDuty] = Field(description="The duties still open: a checklist with what fulfils each.")
    fulfilled_duties: list[SummaryDuty] = Field(description="The duties the record shows fulfilled.")
    warnings: list[str] = Field(description="Merknader — what the caseworker should know, in Norwegian.")


def _reason_facts(facts: dict) -> list[Fact]:
    words = glossary()
    return [Fact(name=name, label=words.fact(name), value=words.fact_value(name, value))
            for name, value in facts.items()]


def _amount(amount: AmountBreakdown) -> SummaryAmount:
    words = glossary()
    table = amount.rate_table
    return SummaryAmount(
        kind=amount.kind, label=words.code("AmountKind", amount.kind), need=amount.need,
        counted_means=amount.counted_means,
        difference=amount.shortfall if amount.kind == "shortfall" else amount.surplus,
        lines=[SummaryLine(part=line.part, label=line.label.nb, amount=line.amount,
                           details=[(detail.label.nb, detail.amount) for detail in line.details])
               for line in amount.lines],
        rate_table=f"{table.title}, satser fra {show(table.row_from)} ({table.source})" if table else None,
        citation=amount.basis.citation, url=section_url(amount.basis), note=amount.note.nb)


def _decision(decision: Decision, outcomes: dict[str, OutcomeSpec]) -> SummaryDecision:
    provision = decision.provision
    spec = outcomes.get(decision.outcome)
    words = glossary()
    return SummaryDecision(
        question=decision.question,
        provision=f"{provision.short_name} § {provision.section} {provision.title}",
        url=section_url(provision), outcome=decision.outcome,
        outcome_label=spec.nb if spec else decision.outcome, discretion=bool(spec and spec.discretion),
        reasons=[SummaryReason(text=r.text_nb, citation=r.basis.citation, url=section_url(r.basis),
                               facts=_reason_facts(r.facts), provisional=r.provisional) for r in decision.reasons],
        missing_facts=[MissingFact(path=path, label=words.field(path)) for path in decision.missing_facts],
        settles=[settling.text.nb for settling in decision.settles],
        considerations=[c.nb for c in decision.considerations], scope=decision.scope.nb if decision.scope else None,
        amount=_amount(decision.amount) if decision.amount else None)


def _duty(duty: DutyOut) -> SummaryDuty:
    return SummaryDuty(id=duty.id, citation=duty.provision.citation, url=section_url(duty.provision),
                       status=duty.status, status_label=glossary().code("DutyStatus", duty.status),
                       duty=duty.duty.nb, fulfil_by=duty.fulfil_by.nb, reason=duty.reason.nb,
                       options=[SummaryOption(fulfil_by=o.fulfil_by.nb, fulfilled=o.fulfilled) for o in duty.options])


def _with_status(duties: list[DutyOut], status: DutyStatus) -> list[SummaryDuty]:
    return [_duty(d) for d in duties if d.status == status]


def need_label(need: NeedAnswer, with_id: bool = True) -> str:
    """A need as the caseworker knows it: its kind in Norwegian, and the id the case gave it (`with_id`)."""
    kind = glossary().code("NeedKind", need.kind)
    return f"{kind} «{need.id}»" if with_id else kind


def _need(need: NeedAnswer, outcomes: dict[str, OutcomeSpec]) -> SummaryNeed:
    return SummaryNeed(id=need.id, kind=need.kind, label=need_label(need),
                       decisions=[_decision(d, outcomes) for d in need.decisions],
                       open_duties=_with_status(need.duties, DutyStatus.open),
                       fulfilled_duties=_with_status(need.duties, DutyStatus.fulfilled))


def summarise(evaluation: Evaluation, outcomes: dict[str, OutcomeSpec]) -> Summary:
    """The summary of an answer; `outcomes` are the rule book's outcome descriptions (labels, discretion)."""
    law = evaluation.law
    return Summary(
        case_id=evaluation.case_id, decision_date=evaluation.decision_date, law=f"{law.short_name} ({law.version})",
        decisions=[_decision(d, outcomes) for d in evaluation.decisions],
        needs=[_need(n, outcomes) for n in evaluation.needs],
        open_duties=_with_status(evaluation.duties, DutyStatus.open),
        fulfilled_duties=_with_status(evaluation.duties, DutyStatus.fulfilled),
        warnings=[w.nb for w in evaluation.warnings])


# --- as text, for a terminal ------------------------------------------------------------------------------


def _wrapped(text: str, indent: str, hanging: str = "", width: int = 100) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + hanging) or [indent]


def _decision_text(decision: SummaryDecision, indent: str) -> list[str]:
    inner = indent + "    "
    lines = [f"{indent}{decision.provision}: {decision.outcome_label.upper()}"]
    for reason in decision.reasons:
        lines += _wrapped(reason.text, inner)
        lines.append(f"{inner}({reason.citation}{'; foreløpig' if reason.provisional else ''})")
    if decision.scope:
        lines += _wrapped(f"Avgrensning: {decision.scope}", inner)
    if decision.missing_facts:
        lines += _wrapped("Mangler: " + "; ".join(fact.label for fact in decision.missing_facts), inner)
    if decision.settles:
        lines.append(f"{inner}Slik avhenger utfallet av beløpet:")
        for settling in decision.settles:
            lines += _wrapped(f"- {settling}", inner + "  ", "  ")
    if decision.considerations:
        lines.append(inner + ("Hensyn å vurdere:" if decision.discretion else "Hensyn sakens opplysninger gjør "
                                                                              "aktuelle:"))
        for consideration in decision.considerations:
            lines += _wrapped(f"- {consideration}", inner + "  ", "  ")
    if decision.amount:
        amount = decision.amount
        lines.append(f"{inner}Veiledende beregning ({amount.citation}): {amount.label.lower()} "
                     f"{kroner(amount.difference)}")
        for line in amount.lines:
            part = glossary().code("AmountPart", line.part)
            lines.append(f"{inner}  {part:<7} {line.label:<60} {kroner(line.amount):>12}")
        lines.append(f"{inner}  {'':<7} {'Behov i alt':<60} {kroner(amount.need):>12}")
        lines.append(f"{inner}  {'':<7} {'Midler i alt':<60} {kroner(amount.counted_means):>12}")
    return lines


def _duties_text(heading: str, open_duties: list[SummaryDuty], fulfilled: list[SummaryDuty], indent: str) -> list[str]:
    lines = []
    if open_duties:
        lines.append(f"{indent}{heading}:")
        for duty in open_duties:
            lines += _wrapped(f"[ ] {duty.duty} ({duty.citation})", indent + "  ", "    ")
            lines += _wrapped(duty.reason, indent + "      ")
            if duty.options:
                lines.append(f"{indent}      Oppfylles ved ett av disse:")
                lines += [line for option in duty.options
                          for line in _wrapped(f"[{'x' if option.fulfilled else ' '}] {option.fulfil_by}",
                                               indent + "        ", "    ")]
            else:
                lines += _wrapped(f"Oppfylles ved: {duty.fulfil_by}", indent + "      ")
    if fulfilled:
        lines.append(f"{indent}Oppfylte plikter: {len(fulfilled)}")
    return lines


def text(summary: Summary) -> str:
    """The summary as plain text, readable in a terminal."""
    head = f"Sak {summary.case_id} — " if summary.case_id else ""
    lines = [f"{head}vedtaksdato {show(summary.decision_date)} — {summary.law}", ""]
    for decision in summary.decisions:
        lines += [*_decision_text(decision, ""), ""]
    for need in summary.needs:
        lines.append(f"Behov: {need.label}")
        for decision in need.decisions:
            lines += _decision_text(decision, "  ")
        lines += _duties_text("Åpne plikter for behovet", need.open_duties, need.fulfilled_duties, "  ")
        lines.append("")
    duties = _duties_text("Åpne plikter", summary.open_duties, summary.fulfilled_duties, "")
    lines += [*duties, ""] if duties else []
    for warning in summary.warnings:
        lines += _wrapped(f"Merk: {warning}", "")
    return "\n".join(lines).rstrip() + "\n"
