"""The answer's shape (the Evaluation contract of docs/design.md), as pydantic models the API also documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.rulebook import DutyStatus, Outcome


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Bilingual(_Out):
    nb: str
    en: str


class Law(_Out):
    act: str = Field(description="The act applied, by its Lovdata id, e.g. LOV-1991-12-13-81.")
    short_name: str
    version: str


class LegalBasis(_Out):
    act: str
    short_name: str
    section: str
    ledd: int | None = None
    punktum: int | None = None
    bokstav: str | None = None
    citation: str = Field(description="The basis as a lawyer writes it, e.g. 'sosialtjenesteloven (1991) § 5-1 "
                                      "første ledd første punktum'.")
    url: str


class Provision(_Out):
    act: str
    short_name: str
    section: str
    title: str
    url: str
    valid_from: dt.date
    valid_to: dt.date | None


class Reason(_Out):
    rule_id: str
    basis: LegalBasis
    text_nb: str
    text_en: str
    facts: dict[str, Any] = Field(description="The facts the rule looked at, as the case gave them "
                                              "(money in kroner).")


class ConsiderationOut(_Out):
    id: str
    nb: str
    en: str


class RateTableUsed(_Out):
    id: str
    title: str
    row_from: dt.date = Field(description="The date of the table row that was used.")
    source: str


class AmountLine(_Out):
    class Detail(_Out):
        label: str
        amount: Decimal

    part: Literal["need", "means"]
    fact: str
    label: Bilingual
    counted: bool = Field(description="False for a term the act subtracts from the means, i.e. income that is "
                                      "not counted (e.g. child benefit under sotjl § 18 from 2022-09-01).")
    amount: Decimal = Field(description="Whole kroner; negative where the term reduces its part.")
    details: list[Detail]


class AmountBreakdown(_Out):
    kind: Literal["shortfall", "surplus"] = Field(
        description="shortfall: what the household lacks (entitled); surplus: by how much the means exceed the "
                    "need (not entitled).")
    need: Decimal
    counted_means: Decimal
    shortfall: Decimal
    surplus: Decimal
    lines: list[AmountLine]
    rate_table: RateTableUsed | None
    basis: LegalBasis
    note: Bilingual


class Decision(_Out):
    question: str = Field(description="The provision asked about, e.g. '5-1'.")
    provision: Provision
    outcome: Outcome
    reasons: list[Reason]
    missing_facts: list[str] = Field(description="Case-field paths whose values would settle an undetermined "
                                                 "outcome.")
    considerations: list[ConsiderationOut] = Field(description="What the caseworker must weigh when the outcome "
                                                               "is discretionary.")
    amount: AmountBreakdown | None = None


class DutyOut(_Out):
    id: str
    provision: LegalBasis
    status: DutyStatus
    duty: Bilingual = Field(description="What the duty asks of the office.")
    reason: Bilingual = Field(description="Why the duty has this status in this case.")
    fulfil_by: Bilingual = Field(description="What the case record must show for the duty to be fulfilled.")


class TraceEntry(_Out):
    step: int
    id: str = Field(description="The rule or duty that matched.")
    firing: str = Field(description="concludes, duty_applies, duty_not_applicable or duty_fulfilled.")
    facts: dict[str, Any]


class Receipt(_Out):
    engine_version: str
    rule_files: dict[str, str] = Field(description="sha256 digest of each rule and parameter file.")
    rulebook_digest: str = Field(description="Digest of the whole rule set on file.")
    ruleset_digest: str = Field(description="Digest of the provisions in force on the decision date.")
    input_digest: str = Field(description="Digest of the case as received (canonical JSON).")
    evaluated_at: dt.datetime


class Evaluation(_Out):
    case_id: str | None
    decision_date: dt.date
    law: Law
    decisions: list[Decision]
    duties: list[DutyOut]
    warnings: list[str]
    trace: list[TraceEntry]
    receipt: Receipt
