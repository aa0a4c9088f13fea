"""GET /v1/rules and GET /v1/rules/{rule_id}: the catalogue of rules, duties and considerations, read from the loaded
rule files (what a lean answer names by id).

Everything here is presentation of what `rules/` says — the statute text, the validity, the condition as the
rule file writes it — so a caseworker or auditor can see why the engine answers as it does.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from api.errors import (
    UNKNOWN_RULE,
    ProblemException,
    correlation_id,
    field_errors,
    invalid_fields,
    problem,
    responses,
)
from engine.answer.citation import legal_basis
from engine.answer.models import CONSIDERATION_SOURCE, Bilingual, LegalBasis
from engine.case.types import CalendarDate
from engine.law.rulebook import Duty, Provision, Rule, Rulebook
from engine.law.schema import Basis, Consideration
from engine.models import OutputModel

TAG = "rules"
CACHE_CONTROL = "public, max-age=86400"
UNKNOWN_ID = "No rule, duty or consideration has this id; GET /v1/rules lists them."


class ProvisionRef(OutputModel):
    act: str = Field(description="The act, by its Lovdata id.")
    act_short_name: str = Field(description="The act's short name.")
    act_version: str = Field(description="The act's version (the year it was passed).")
    section: str = Field(description="Paragraf — the section the rule file encodes.")
    title: Bilingual = Field(description="The section's heading.")
    valid_from: dt.date = Field(description="Gyldig fra — the first day this version of the section applies.")
    valid_to: dt.date | None = Field(description="Gyldig til — the last day it applies; null while in force.")
    rule_file: str = Field(description="The rule file, relative to `rules/`.")


class StatuteText(OutputModel):
    status: Literal["quoted", "unverified"] = Field(description="`quoted` from the named source, or `unverified` "
                                                                "(a reconstruction; `not_verified` says what could "
                                                                "not be verified).")
    source: str = Field(description="Where the text is taken from.")
    version_date: dt.date | None = Field(None, description="The date of the text's version, where known.")
    nb: str = Field(description="Lovteksten — the statute text in Norwegian.")
    not_verified: str | None = Field(None, description="What of the section could not be verified, and why.")


class _Item(OutputModel):
    """What every entry of the catalogue has, first; each kind of entry narrows `kind` to its own."""

    id: str = Field(description="The stable id: `<act>/<section>/<name>`.")
    kind: str
    provision: ProvisionRef = Field(description="The provision (rule file) it belongs to, with its validity.")


class RuleEntry(_Item):
    kind: Literal["rule"] = Field(description="A rule concludes an outcome for a question.")
    basis: LegalBasis = Field(description="Hjemmel — the exact legal basis.")
    question: str = Field(description="The question it answers, e.g. '5-1'.")
    outcome: str = Field(description="The outcome it concludes when its condition is definitely true.")


class DutyEntry(_Item):
    kind: Literal["duty"] = Field(description="A duty the office has toward the client.")
    basis: LegalBasis = Field(description="Hjemmel — the exact legal basis.")
    source: str | None = Field(None, description="The circular, regulation, preparatory works or practice the duty "
                                                 "rests on beside its basis, with its date.")
    duty: Bilingual = Field(description="What the duty asks of the office.")


class RuleDetail(RuleEntry):
    statute: StatuteText = Field(description="The text of the section the rule encodes.")
    condition: str = Field(description="Vilkåret — the condition as the rule file writes it (the rule language of "
                                       "engine/law/expressions.py).")
    overrides: list[str] = Field(description="Rules this one is an exception to: where both conditions hold, "
                                             "this rule's conclusion stands.")
    because: Bilingual = Field(description="The reason the answer gives when the rule fires; `{name}` is filled "
                                           "in with the case's fact.")


class DutyDetail(DutyEntry):
    statute: StatuteText = Field(description="The text of the section the duty rests on (its rule file's).")
    applies_when: str = Field(description="When the duty applies, as the rule file writes it.")
    fulfilled_when: str = Field(description="What in the case record fulfils it, as the rule file writes it (a "
                                            "choice: its options joined by `or`).")
    fulfil_by: Bilingual = Field(description="What the caseworker should record to fulfil it.")


class ConsiderationEntry(_Item):
    kind: Literal["consideration"] = Field(description="What the caseworker must weigh.")
    consideration: Bilingual = Field(description="Hensynet — what to weigh.")
    source: str | None = Field(None, description=CONSIDERATION_SOURCE)


class ConsiderationDetail(ConsiderationEntry):
    statute: StatuteText = Field(description="The text of the section it belongs to (its rule file's).")
    when: str | None = Field(description="When the facts call for it, as the rule file writes it (listed on the "
                                         "decision whatever its outcome); null: listed under a discretionary "
                                         "outcome.")


Entry = Annotated[RuleEntry | DutyEntry | ConsiderationEntry, Field(discriminator="kind")]
Detail = Annotated[RuleDetail | DutyDetail | ConsiderationDetail, Field(discriminator="kind")]


def _basis(rulebook: Rulebook, basis: Basis, provision: Provision) -> LegalBasis:
    return legal_basis(rulebook, basis, provision.act.id)


def _provision(provision: Provision) -> ProvisionRef:
    spec = provision.spec
    return ProvisionRef(act=provision.act.id, act_short_name=provision.act.short_name,
                        act_version=provision.act.version, section=spec.section,
                        title=Bilingual(nb=spec.title.nb, en=spec.title.en), valid_from=spec.valid.valid_from,
                        valid_to=spec.valid.valid_to, rule_file=provision.path)


def _statute(provision: Provision) -> StatuteText:
    text = provision.spec.text
    return StatuteText(status=text.status, source=text.source, version_date=text.version_date, nb=text.nb,
                       not_verified=text.not_verified)


def _rule(rulebook: Rulebook, rule: Rule) -> RuleDetail:
    spec = rule.spec
    return RuleDetail(id=rule.id, kind="rule", provision=_provision(rule.provision),
                      basis=_basis(rulebook, spec.basis, rule.provision), question=rule.question,
                      outcome=rule.outcome, statute=_statute(rule.provision), condition=spec.when,
                      overrides=list(spec.overrides), because=Bilingual(nb=spec.because.nb, en=spec.because.en))


def _duty(rulebook: Rulebook, duty: Duty) -> DutyDetail:
    spec = duty.spec
    return DutyDetail(id=duty.id, kind="duty", provision=_provision(duty.provision),
                      basis=_basis(rulebook, spec.basis, duty.provision), source=spec.source,
                      duty=Bilingual(nb=spec.duty.nb, en=spec.duty.en), statute=_statute(duty.provision),
                      applies_when=spec.applies_when, fulfilled_when=spec.fulfilled_source,
                      fulfil_by=Bilingual(nb=spec.fulfil_by.nb, en=spec.fulfil_by.en))


def _consideration(provision: Provision, consideration: Consideration) -> ConsiderationDetail:
    return ConsiderationDetail(id=provision.item_id(consideration.id), kind="consideration",
                               provision=_provision(provision),
                               consideration=Bilingual(nb=consideration.nb, en=consideration.en),
                               source=consideration.source, statute=_statute(provision), when=consideration.when)


_ENTRY_OF = {"rule": RuleEntry, "duty": DutyEntry, "consideration": ConsiderationEntry}


def _summary(detail: RuleDetail | DutyDetail | ConsiderationDetail) -> RuleEntry | DutyEntry | ConsiderationEntry:
    model = _ENTRY_OF[detail.kind]
    return model.model_validate(detail.model_dump(include=set(model.model_fields)))


class Catalogue:
    """Every rule, duty and consideration on file, built once: the rule files do not change while the service runs."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        found = [(_rule(rulebook, r), r.provision) for r in rulebook.rules.values()]
        found += [(_duty(rulebook, d), d.provision) for d in rulebook.duties.values()]
        found += [(_consideration(p, c), p) for p in rulebook.provisions for c in p.contents.considerations]
        self.details: dict[str, RuleDetail | DutyDetail | ConsiderationDetail] = {d.id: d for d, _ in found}
        self.detail_json = {d.id: d.json_bytes() for d, _ in found}  # each answer serialised once
        self.etag = f'"{rulebook.digest}"'
        self._entries = {d.id: _summary(d) for d, _ in found}
        self._provisions = {d.id: provision for d, provision in found}

    @staticmethod
    def _names(act) -> tuple[str, ...]:
        """Every name an act is known by: Lovdata id, slug, short name (as the answers show it), and the short
        name with the version, as a citation writes it ("sosialtjenesteloven (1991)")."""
        return act.id, act.slug, act.short_name, f"{act.short_name} ({act.version})"

    def act_names(self) -> list[str]:
        return sorted({name for act in self.rulebook.acts.values() for name in self._names(act)})

    def act_ids(self, name: str) -> set[str]:
        """The Lovdata ids of the acts a name names: one for an id, a slug or a citation's name; every act of
        that name for a short name that several acts share (sosialtjenesteloven 1991 and 2009)."""
        wanted = name.strip().casefold()
        return {act.id for act in self.rulebook.acts.values()
                if wanted in {known.casefold() for known in self._names(act)}}

    def entries(self, acts: set[str] | None = None, in_force_on: dt.date | None = None) \
            -> list[RuleEntry | DutyEntry | ConsiderationEntry]:
        """`acts` are Lovdata ids; each matches the item's own act and the act of its legal basis."""
        chosen = []
        for item_id, entry in self._entries.items():
            provision = self._provisions[item_id]
            based_on = entry.basis.act if isinstance(entry, RuleEntry | DutyEntry) else provision.act.id
            if acts is not None and not acts & {provision.act.id, based_on}:
                continue
            if in_force_on is not None and not provision.valid.covers(in_force_on):
                continue
            chosen.append(entry)
        return chosen


def router(catalogue: Catalogue) -> APIRouter:
    routes = APIRouter(prefix="/v1/rules", tags=[TAG])
    first = next(iter(catalogue.details), "sosialtjenesteloven-1991/5-1/not-self-supporting")

    @routes.get("", response_model=list[Entry], summary="List the rules, duties and considerations",
                responses=responses(422, s422="An unknown act or an invalid date."),
                description="The catalogue: every rule (which concludes an outcome), every duty (toward the "
                            "client) with its legal basis, and every consideration (what a caseworker weighs), each "
                            "with the validity of its provision. Filter by act and by the day the provision must be "
                            "in force.")
    def list_rules(
        request: Request,
        act: Annotated[str | None, Query(
            description="Lov — an act, by Lovdata id (`LOV-1991-12-13-81`), slug (`sosialtjenesteloven-1991`), "
                        "the short name the answers show (`sosialtjenesteloven`: both its acts, 1991 and 2009) or "
                        "as a citation names it (`sosialtjenesteloven (1991)`). Matches the rule's own act and the "
                        "act of its legal basis.")] = None,
        in_force_on: Annotated[CalendarDate | None, Query(
            description="I kraft på — only provisions in force on this day (YYYY-MM-DD).")] = None,
    ) -> list[RuleEntry | DutyEntry]:
        acts = None if act is None else catalogue.act_ids(act)
        if acts == set():
            known = ", ".join(catalogue.act_names())
            error = {"loc": ("act",), "msg": f"unknown act; known: {known}", "msg_nb": f"Ukjent lov; kjente: {known}"}
            raise ProblemException(invalid_fields(field_errors([error], body_prefix=None), correlation_id(request)))
        return catalogue.entries(acts, in_force_on)

    @routes.get("/{rule_id:path}", response_model=Detail, summary="One rule, duty or consideration, with statute text",
                description=f"The rule, duty or consideration with the statute text of its section, its validity, "
                            f"and its condition as written. Ids contain slashes; send them as they are, e.g. "
                            f"`/v1/rules/{first}`.",
                responses=responses(404, s404="No rule, duty or consideration has this id."))
    async def get_rule(request: Request, rule_id: str) -> Response:  # dict lookups only: on the event loop
        detail = catalogue.details.get(rule_id)
        if detail is None:
            # The id is not repeated: a path is client-chosen text (SECURITY.md, privacy).
            raise ProblemException(problem(UNKNOWN_RULE, UNKNOWN_ID, correlation_id(request)))
        # What a lean answer refers to by id: the same while the rule files are (the rule book's digest), so a
        # client or a proxy may keep it for a day and then ask again with If-None-Match.
        headers = {"cache-control": CACHE_CONTROL, "etag": catalogue.etag}
        if request.headers.get("if-none-match") == catalogue.etag:
            return Response(status_code=304, headers=headers)
        return Response(catalogue.detail_json[rule_id], media_type="application/json", headers=headers)

    return routes
