"""The answer's shape — the Evaluation contract — as pydantic models the API also documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from engine.models import OutputModel


class DutyStatus(StrEnum):
    """A duty's status, as the answer builder reads it off the firings (not law: see engine/answer/build.py)."""

    open = "open"
    fulfilled = "fulfilled"
    not_applicable = "not_applicable"


class Bilingual(OutputModel):
    nb: str = Field(description="Norsk bokmål.")
    en: str = Field(description="English.")


class Law(OutputModel):
    act: str = Field(description="The act applied, by its Lovdata id, e.g. LOV-1991-12-13-81.")
    short_name: str = Field(description="The act's short name, e.g. sosialtjenesteloven.")
    version: str = Field(description="The act's version: the year it was passed.")


class LegalBasis(OutputModel):
    act: str = Field(description="The act the basis is in, by its Lovdata id.")
    short_name: str = Field(description="The act's short name.")
    section: str = Field(description="Paragraf — the section, e.g. 5-1.")
    ledd: int | None = Field(None, description="Ledd — the subsection, counted from 1.")
    punktum: int | None = Field(None, description="Punktum — the sentence within the ledd, counted from 1.")
    bokstav: str | None = Field(None, description="Bokstav — the lettered item.")
    citation: str = Field(description="The basis as a lawyer writes it, e.g. 'sosialtjenesteloven (1991) § 5-1 "
                                      "første ledd første punktum'.")
    url: str = Field(description="The act on Lovdata.")


class Provision(OutputModel):
    act: str = Field(description="The act, by its Lovdata id.")
    short_name: str = Field(description="The act's short name.")
    section: str = Field(description="Paragraf — the section.")
    title: str = Field(description="The section's heading (Norwegian).")
    url: str = Field(description="The act on Lovdata.")
    valid_from: dt.date = Field(description="Gyldig fra — the first day this version of the section applies.")
    valid_to: dt.date | None = Field(description="Gyldig til — the last day it applies; null while in force.")


class Reason(OutputModel):
    rule_id: str = Field(description="The rule that concluded, e.g. sosialtjenesteloven-1991/5-1/self-supporting "
                                     "(GET /v1/rules/{rule_id} shows it with its statute text).")
    basis: LegalBasis = Field(description="Hjemmel — the rule's exact legal basis.")
    text_nb: str = Field(description="Begrunnelse — the reason in Norwegian, with the case's figures.")
    text_en: str = Field(description="The reason in English, with the case's figures.")
    facts: dict[str, Any] = Field(description="The facts the rule looked at, as the case gave them "
                                              "(money in kroner).")
    provisional: bool = Field(description="Concluded before the facts are complete, as the law allows for emergency "
                                          "help (nødhjelp); more facts may revise it.")
    jointly: bool = Field(False, description="Concluded together with the other reasons so marked: the case does not "
                                             "say which of them holds, but whatever values the facts it leaves out "
                                             "have, one of them does.")


CONSIDERATION_SOURCE = ("The source the consideration rests on (the circular, the preparatory works, ombud "
                        "practice), with its date.")


class ConsiderationOut(OutputModel):
    id: str = Field(description="The consideration's id within its rule file.")
    nb: str = Field(description="Hensynet — what to weigh, in Norwegian.")
    en: str = Field(description="What to weigh, in English.")
    source: str | None = Field(None, description=CONSIDERATION_SOURCE)


class ScopeOut(OutputModel):
    id: str = Field(description="The limit's id, e.g. emergency_help.")
    nb: str = Field(description="What the conclusion is limited to, in Norwegian.")
    en: str = Field(description="What the conclusion is limited to, in English.")


class RateTableUsed(OutputModel):
    id: str = Field(description="The rate table's id, e.g. national-guideline-rates.")
    title: str = Field(description="The table's title (Norwegian).")
    row_from: dt.date = Field(description="The date of the table row that was used.")
    source: str = Field(description="Where that row's figures come from.")


class AmountLine(OutputModel):
    class Detail(OutputModel):
        label: Bilingual = Field(description="One item behind the line, e.g. a household member's rate or an "
                                             "income.")
        amount: Decimal = Field(description="Its monthly amount in kroner.")

    part: Literal["need", "means"] = Field(description="Whether the line adds to the need or to the means.")
    fact: str = Field(description="The fact the line is, by its name in the rule files.")
    label: Bilingual = Field(description="What the line is, in words.")
    counted: bool = Field(description="False for a term the act subtracts from the means, i.e. income that is "
                                      "not counted (e.g. child benefit under sotjl § 18 from 2022-09-01).")
    amount: Decimal = Field(description="Whole kroner; negative where the term reduces its part.")
    details: list[Detail] = Field(description="The items that make up the line.")


class AmountBreakdown(OutputModel):
    kind: Literal["shortfall", "surplus"] = Field(
        description="shortfall: what the household lacks (entitled); surplus: by how much the means exceed the "
                    "need (not entitled).")
    need: Decimal = Field(description="Behov — the household's monthly need in kroner (the need lines added up).")
    counted_means: Decimal = Field(description="Midler — the monthly means counted, in kroner (the means lines "
                                               "added up).")
    shortfall: Decimal = Field(description="Need minus means, in kroner, where positive; else 0.")
    surplus: Decimal = Field(description="Means minus need, in kroner, where positive; else 0.")
    lines: list[AmountLine] = Field(description="The calculation line by line.")
    rate_table: RateTableUsed | None = Field(description="The guideline-rate table and row used; null when none "
                                                         "applied.")
    basis: LegalBasis = Field(description="The legal basis of the calculation.")
    note: Bilingual = Field(description="How to read the figures: a starting point for the caseworker's "
                                        "assessment.")


class Settling(OutputModel):
    """A range of one amount the case does not give, and the outcome the question would have while it is in it."""

    fact: str = Field(description="The amount, by its fact name in the rule files, e.g. "
                                  "assets_not_needed_for_daily_living.")
    paths: list[str] = Field(description="The case fields it is read from that the case does not give.")
    outcome: str = Field(description="The outcome the question has while the amount is in the range.")
    at_least: Decimal = Field(description="The lower end of the range in kroner, included.")
    at_most: Decimal | None = Field(description="The upper end of the range in kroner, included; null: no limit.")
    text: Bilingual = Field(description="The range in words, e.g. 'entitled if … is at most 6 639.99 kr'.")


class Decision(OutputModel):
    question: str = Field(description="The provision asked about, e.g. '5-1'.")
    provision: Provision = Field(description="The provision that answers the question, with its validity.")
    outcome: str = Field(description="The outcome: one of those the API description lists (rules/outcomes.yaml).")
    reasons: list[Reason] = Field(description="Every rule that concluded this outcome, with its legal basis.")
    missing_facts: list[str] = Field(description="Case-field paths the case does not give whose values would settle "
                                                 "an undetermined outcome; those that alone could settle it first, "
                                                 "then by how many of the question's rules wait for them.")
    settles: list[Settling] = Field([], description="What would settle an undetermined outcome: for each amount "
                                                    "the case does not give that alone could settle it, the ranges "
                                                    "of it that give each outcome (read off the rules' own "
                                                    "conditions, everything else as the case gives it).")
    considerations: list[ConsiderationOut] = Field(description="What the caseworker must weigh: the provision's "
                                                               "considerations when the outcome is discretionary, "
                                                               "and those the case's facts call for.")
    scope: ScopeOut | None = Field(None, description="The limit the law sets on what the outcome gives (emergency "
                                                     "help: the immediate need, a short period); null when none.")
    amount: AmountBreakdown | None = Field(None, description="The guideline calculation, where the provision "
                                                             "has one, the facts allow it and no scope limits the "
                                                             "outcome.")


class DutyOptionOut(OutputModel):
    id: str = Field(description="The option's id within its duty.")
    fulfil_by: Bilingual = Field(description="What the case record must show for this option.")
    fulfilled: bool = Field(description="The record shows this option taken.")


class DutyOut(OutputModel):
    id: str = Field(description="The duty's stable id (GET /v1/rules/{rule_id} shows it).")
    provision: LegalBasis = Field(description="Hjemmel — the duty's exact legal basis.")
    source: str | None = Field(None, description="The circular, regulation, preparatory works or practice the duty "
                                                 "rests on beside its basis, with its date.")
    status: DutyStatus = Field(description="open · fulfilled · not_applicable (see the API description).")
    duty: Bilingual = Field(description="What the duty asks of the office.")
    reason: Bilingual = Field(description="Why the duty has this status in this case.")
    fulfil_by: Bilingual = Field(description="What the case record must show for the duty to be fulfilled.")
    options: list[DutyOptionOut] = Field([], description="For duties that exclude each other, shown as one choice: "
                                                         "the ways to fulfil it; any one of them does.")


class NeedAnswer(OutputModel):
    id: str = Field(description="The need's id, as the case gave it (request.needs[].id).")
    kind: str = Field(description="The need's kind, as the case gave it.")
    decisions: list[Decision] = Field(description="The need's own answer under each provision answered per need "
                                                  "(the right to assistance, assistance in special cases).")
    duties: list[DutyOut] = Field([], description="The duties owed on the need's own decision (an enkeltvedtak of "
                                                  "its own), with their status; the case's duties are in `duties`.")


class TraceEntry(OutputModel):
    step: int = Field(description="The firing's position, from 1.")
    id: str = Field(description="The rule, joint conclusion or duty that matched.")
    firing: str = Field(description="concludes, concludes_jointly (the rules of a question together, when no one "
                                    "of them does: the id ends in /jointly-<outcome>-<n>), duty_applies, "
                                    "duty_not_applicable or duty_fulfilled.")
    facts: dict[str, Any] = Field(description="The facts the rule or duty looked at (money in kroner).")


class Receipt(OutputModel):
    engine_version: str = Field(description="The regelmotor version that answered.")
    rule_files: dict[str, str] = Field(description="sha256 digest of each rule and parameter file.")
    rulebook_digest: str = Field(description="Digest of the whole rule set on file.")
    ruleset_digest: str = Field(description="Digest of the provisions in force on the decision date.")
    input_digest: str = Field(description="sha256 of the case as validated, as compact JSON: fields in the case "
                                          "model's order, lists and maps in the order received, absent fields left "
                                          "out.")
    evaluated_at: dt.datetime = Field(description="When the answer was computed (UTC).")


class Evaluation(OutputModel):
    case_id: str | None = Field(description="The caller's case reference, echoed back.")
    decision_date: dt.date = Field(description="Vedtaksdato — the date the law and the rates were chosen by.")
    law: Law = Field(description="The act applied on the decision date.")
    decisions: list[Decision] = Field(description="One answer per question (provision) in force, in dependency "
                                                  "order.")
    needs: list[NeedAnswer] = Field(description="Each need the application lists (request.needs), with its own "
                                                "answers, by id.")
    duties: list[DutyOut] = Field(description="The duties toward the client, each with its status.")
    warnings: list[Bilingual] = Field(description="What the caseworker should know about the answer, e.g. that the "
                                            "newest rates on file were used.")
    trace: list[TraceEntry] = Field(description="Every rule and duty that fired, in order, with the facts it "
                                                "matched.")
    receipt: Receipt = Field(description="What produced the answer: engine version, rule-file digests, input "
                                         "digest, time.")


# --- the lean answer: the default ------------------------------------------------------------------------------
# What a case's answer says that the rule book does not: every field is the full answer's field of that name (a
# test holds them to it), and what is the same in every answer — provision metadata, statute references beyond the
# citation, the texts of duties and considerations, the rule-file digests, the trace — is left to `?view=full` and
# named by id for GET /v1/rules/{id}: `consideration_ids`, and an open duty's `open_because` (with the duty it
# waits for or the fields that would tell), from which the full answer's `reason` text is written. A field at its
# default (null, an empty list, false) is left out, as the schema gives the default: most reasons are not joint,
# most decisions have no limit and no calculation, most duties wait for nothing.


def _at_default(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, list) and not value)


LEFT_OUT_AT_DEFAULT = {"exclude_if": _at_default}


class LeanReason(OutputModel):
    rule_id: str = Field(description="The rule that concluded (GET /v1/rules/{rule_id}: its provision, basis and "
                                     "statute text).")
    citation: str = Field(description="Hjemmel — the rule's legal basis as a lawyer writes it.")
    text_nb: str = Field(description="Begrunnelse — the reason in Norwegian, with the case's figures.")
    text_en: str = Field(description="The reason in English, with the case's figures.")
    facts: dict[str, Any] = Field(description="The facts the rule looked at (money in kroner).")
    provisional: bool = Field(description="Concluded before the facts are complete (emergency help).")
    jointly: bool = Field(False, description="Concluded together with the other reasons so marked.",
                          **LEFT_OUT_AT_DEFAULT)


class LeanDecision(OutputModel):
    question: str = Field(description="The provision asked about, e.g. '5-1'.")
    outcome: str = Field(description="The outcome (rules/outcomes.yaml).")
    reasons: list[LeanReason] = Field(description="Every rule that concluded this outcome.")
    missing_facts: list[str] = Field(description="For an undetermined outcome: the case-field paths that would "
                                                 "settle it.")
    settles: list[Settling] = Field([], description="For an undetermined outcome: the ranges of an amount the case "
                                                    "does not give that would settle it.", **LEFT_OUT_AT_DEFAULT)
    consideration_ids: list[str] = Field(description="What the caseworker must weigh, by id (GET /v1/rules/{id}: "
                                                     "the consideration's texts and source).")
    scope: ScopeOut | None = Field(None, description="The limit the law sets on what the outcome gives.",
                                   **LEFT_OUT_AT_DEFAULT)
    amount: AmountBreakdown | None = Field(None, description="The guideline calculation, where there is one.",
                                           **LEFT_OUT_AT_DEFAULT)


class OpenBecause(StrEnum):
    """Why an open duty is open: the reasons of the full answer's `reason` text, by name."""

    applies = "applies"
    blocked = "blocked"
    may_apply = "may_apply"


class LeanDuty(OutputModel):
    id: str = Field(description="The duty's id (GET /v1/rules/{id}: what it asks, what fulfils it — `fulfil_by` — "
                                "its basis and statute text).")
    status: DutyStatus = Field(description="open: the lean answer lists the duties still open only.")
    open_because: OpenBecause = Field(description="applies: the duty applies and the record does not yet show it "
                                                  "fulfilled. blocked: it cannot be fulfilled before the duty "
                                                  "`waits_for` is. may_apply: whether it applies depends on what "
                                                  "the case does not give (`missing_facts`) or on a question not yet "
                                                  "determined (`missing_facts` empty).")
    waits_for: str | None = Field(None, description="blocked: the id of the duty to fulfil first.",
                                  **LEFT_OUT_AT_DEFAULT)
    missing_facts: list[str] = Field([], description="may_apply: the case-field paths whose values would tell.",
                                     **LEFT_OUT_AT_DEFAULT)


class LeanNeed(OutputModel):
    id: str = Field(description="The need's id, as the case gave it.")
    kind: str = Field(description="The need's kind, as the case gave it.")
    decisions: list[LeanDecision] = Field(description="The need's own answer under each provision answered per need.")
    duties: list[LeanDuty] = Field([], description="The duties owed on the need's own decision still open.",
                                   **LEFT_OUT_AT_DEFAULT)


class LeanReceipt(OutputModel):
    engine_version: str = Field(description="The regelmotor version that answered.")
    ruleset_digest: str = Field(description="Digest of the provisions in force on the decision date (the rule files "
                                            "behind it: `?view=full`).")
    evaluated_at: dt.datetime = Field(description="When the answer was computed (UTC).")


class LeanEvaluation(OutputModel):
    """The default answer: what is particular to the case. `?view=full` (`--view full`) gives the Evaluation."""

    case_id: str | None = Field(description="The caller's case reference, echoed back.")
    decision_date: dt.date = Field(description="Vedtaksdato — the date the law and the rates were chosen by.")
    law: Law = Field(description="The act applied on the decision date.")
    decisions: list[LeanDecision] = Field(description="One answer per question in force, in dependency order.")
    needs: list[LeanNeed] = Field(description="Each need the application lists, with its own answers, by id.")
    duties: list[LeanDuty] = Field(description="The duties toward the client still open.")
    warnings: list[Bilingual] = Field(description="What the caseworker should know about the answer.")
    receipt: LeanReceipt = Field(description="What produced the answer: engine version, rule-set digest, time.")
