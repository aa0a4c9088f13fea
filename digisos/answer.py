"""The adapter's answer: the Evaluation, the mapping report and the candidate Digisos events (pydantic models
that the API also documents).

Nothing here carries personal data. The mapping report names the application's fields by their paths, never by
their values; an item whose type code the adapter does not know is named by its path, and the code is not
echoed.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from engine.answer.models import Bilingual, Evaluation
from engine.models import OutputModel


class Document(OutputModel):
    """A kind of document the applicant can send (NAV's attachment vocabulary: `type|tilleggsinfo`)."""

    code: str = Field(description="Vedleggstype — NAV's attachment type and subtype, e.g. `lonnslipp|arbeid`.")
    title: Bilingual = Field(description="What the document is, e.g. Lønnsslipp / Payslip.")


class FieldStatus(StrEnum):
    set = "set"
    partial = "partial"
    unknown = "unknown"


class FieldMapping(OutputModel):
    case_field: str = Field(description="A case-field path (as in `missing_facts`), e.g. `income` or "
                                        "`household.children`.")
    status: FieldStatus = Field(description="`set`: the case has a value from the application; `partial`: the case "
                                            "lists the items, and the amount of one or more of them is unknown "
                                            "(left out of the item); `unknown`: the case leaves it out, and `note` "
                                            "says why.")
    sources: list[str] = Field(description="The application's fields it was read from, as paths, e.g. "
                                           "`data.okonomi.oversikt.inntekt[0]`.")
    note: str = Field(description="How the value was read, or why it is unknown.")
    documents: list[Document] = Field(description="Documents that would settle the field while it is unknown (or "
                                                  "a part of it, such as an amount); empty where it is the "
                                                  "caseworker's own assessment.")


class IgnoredReason(StrEnum):
    outdated = "outdated"
    overridden_by_applicant = "overridden_by_applicant"
    not_a_counted_expense = "not_a_counted_expense"
    paid_to_municipality = "paid_to_municipality"
    counted_elsewhere = "counted_elsewhere"
    lives_elsewhere = "lives_elsewhere"
    adult = "adult"
    earlier_period = "earlier_period"


class Ignored(OutputModel):
    soknad_field: str = Field(description="The application's field, as a path.")
    reason: IgnoredReason = Field(description="outdated (`kilde: utdatert`: no longer relevant, and not to be "
                                              "shown to the caseworker); overridden_by_applicant (register data "
                                              "the applicant corrected, `overstyrtAvBruker`); not_a_counted_expense;"
                                              " paid_to_municipality; counted_elsewhere (the same income is "
                                              "counted from another field); lives_elsewhere (a child who does "
                                              "not live in the household); adult (a child of 18 or over); "
                                              "earlier_period (a payment for a period before the one applied for).")
    note: str = Field(description="Why the item was not counted, in words.")


class FlagKind(StrEnum):
    contradiction = "contradiction"
    impossible_date = "impossible_date"
    attention = "attention"


class Flag(OutputModel):
    kind: FlagKind = Field(description="contradiction (two answers that cannot both hold: neither is preferred, and "
                                       "the case fields they bear on are left unknown); impossible_date (a date the "
                                       "format's pattern lets through that is no calendar date, such as 2017-13-01: "
                                       "not read as any date); attention (nothing contradicts, but the caseworker "
                                       "should look: rent beside a mortgage, shared residence, more people in the "
                                       "home than the family listed).")
    soknad_fields: list[str] = Field(description="The application's fields it concerns, as paths.")
    text: Bilingual = Field(description="What the caseworker should look at, in words (never the application's "
                                        "values beyond amounts, shares and dates).")


class LookupFailed(OutputModel):
    register_name: str = Field(description="The register NAV could not reach when the application was made.")
    soknad_field: str = Field(description="The `driftsinformasjon` flag that says so.")
    consequence: str = Field(description="What that leaves unknown in the case.")


class DecisionDate(OutputModel):
    value: dt.date = Field(description="Vedtaksdato — the date the application was evaluated as of.")
    source: Literal["request", "today"] = Field(description="`request`: the `decision_date` the caller gave; "
                                                            "`today`: the server's date, because none was given.")
    note: str = Field(description="Where the date came from, in words: an application has no decision date.")


class SchemaUsed(OutputModel):
    layout: Literal["current", "older"] = Field(description="`current`: `driftsinformasjon` is an object; "
                                                            "`older`: it is a string (schema version 1.0.2, "
                                                            "which NAV's generated examples follow).")
    schema_file: str = Field(description="The vendored schema the application was validated against.")
    version: str | None = Field(description="The application's own `version`.")


class MappingReport(OutputModel):
    soknad_schema: SchemaUsed = Field(description="The schema the application was validated against.")
    decision_date: DecisionDate = Field(description="The decision date used, and where it came from.")
    fields: list[FieldMapping] = Field(description="Every case field the adapter fills or leaves unknown, in the "
                                                   "case model's order.")
    ignored: list[Ignored] = Field(description="Items of the application that were read and deliberately not "
                                               "counted.")
    flags: list[Flag] = Field(description="Contradictions, impossible dates and what else the caseworker should "
                                          "look at. A contradiction is never resolved by the mapping: the fields it "
                                          "bears on stay unknown.")
    unknown_type_codes: list[str] = Field(description="Paths of items whose `type` code the adapter does not know "
                                                      "(the format requires consumers to accept new codes): "
                                                      "incomes and assets are counted as `other`, expenses are not "
                                                      "counted.")
    register_lookups_failed: list[LookupFailed] = Field(description="The register look-ups `driftsinformasjon` "
                                                                    "says had failed.")
    personal_data_dropped: list[str] = Field(description="Fields of the application with personal data that it "
                                                         "had, by path (`*` for every item of a list): identity "
                                                         "numbers, names, account and phone numbers, addresses, "
                                                         "employers, free text. None of them enters the case, the "
                                                         "answer or the logs; the date of birth is read only for "
                                                         "the age, and the free text only for a few keywords.")
    case: dict[str, Any] = Field(description="The case the application was mapped to: a request body for "
                                             "`POST /v1/evaluations`, to be completed with the caseworker's own "
                                             "assessments.")


class CandidateEvent(OutputModel):
    reference: str = Field(description="The event's reference (`referanse`, `saksreferanse` for a decision, "
                                       "`dokumentasjonkravreferanse`, `vilkarreferanse`). Derived from the "
                                       "question, fact or duty alone, so a new evaluation of the same application "
                                       "gives the same reference and the new event replaces the old one.")
    event: dict[str, Any] = Field(description="The event as a JsonDigisosSoker `hendelse`; it validates against "
                                              "`digisos-soker.json`.")
    basis: list[str] = Field(description="What the event follows from: the question and the rule ids that "
                                         "concluded, the missing case fields, or the duty id.")
    explanation: Bilingual = Field(description="Why the event is suggested, for the caseworker (not part of the "
                                               "event).")
    placeholders: list[str] = Field(description="JSON pointers into `event` whose values stand in for what only "
                                                "the case-management system has (the decision letter's document "
                                                "id): replace them before publishing.")


class DigisosEvaluation(OutputModel):
    evaluation: Evaluation = Field(description="The engine's answer for the case the application was mapped to, "
                                               "as POST /v1/evaluations gives it.")
    mapping: MappingReport = Field(description="How the application became the case.")
    candidate_events: list[CandidateEvent] = Field(description="Events a case-management system can publish "
                                                               "after the caseworker's decision. Open duties "
                                                               "toward the client have no Digisos event: they "
                                                               "stay in `evaluation.duties`.")
