"""The schema of the rule files (`rules/`): what a provision file, `acts.yaml` and `outcomes.yaml` may say.

These models only describe the files' shape; `engine.law.rulebook` loads them and checks what spans files.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from engine.case.model import Matter
from engine.models import InputModel


class Texts(InputModel):
    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Validity(InputModel):
    valid_from: dt.date = Field(alias="from")
    valid_to: dt.date | None = Field(None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Validity:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("validity ends before it starts")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: Validity) -> bool:
        ends = dt.date.max
        return self.valid_from <= (other.valid_to or ends) and other.valid_from <= (self.valid_to or ends)


class Succession(InputModel):
    """An act that replaced another: which section of the old act became which section of the new."""

    act: str
    sections: dict[str, str]


class Act(InputModel):
    """An act (LOV-…) or a regulation (FOR-…) that a rule or duty may cite, by its Lovdata id."""

    id: str = Field(pattern=r"^(LOV|FOR)-\d{4}-\d{2}-\d{2}(-\d+)?$")
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    short_name: str
    title: str
    version: str
    url: str
    succeeds: Succession | None = None
    in_force: Validity | None = Field(None, description="The days the act is in force, for an act cited but not "
                                                       "encoded; `source` says where the dates come from.")
    sections: dict[str, Validity] = Field({}, description="Sections cited but not encoded, with the days each is "
                                                         "in force (where that differs from the act's).")
    source: str | None = Field(None, description="Where the dates and the title come from.")

    def cites_in_force(self, section: str, day: dt.date) -> bool:
        """Whether a section of this act that no rule file encodes was in force on `day`, by acts.yaml."""
        validity = self.sections.get(section, self.in_force)
        return validity is not None and validity.covers(day)


class Basis(InputModel):
    act: str | None = Field(None, description="Another act than the file's own (its id in acts.yaml).")
    section: str = Field(min_length=1)
    ledd: int | None = Field(None, ge=1)
    punktum: int | None = Field(None, ge=1)
    bokstav: str | None = None


class StatuteText(InputModel):
    status: Literal["quoted", "unverified"] = Field(description="quoted: `nb` is the statute's wording as `source` "
                                                                "shows it; unverified: `nb` is a reconstruction.")
    source: str = Field(min_length=3)
    version_date: dt.date | None = None
    nb: str = Field(min_length=1)
    not_verified: str | None = Field(None, description="What of the section could not be verified, and why.")

    @model_validator(mode="after")
    def _unverified_says_why(self) -> StatuteText:
        if self.status == "unverified" and not self.not_verified:
            raise ValueError("an unverified text must say what could not be verified, and why (not_verified)")
        return self


OutcomeId = Annotated[str, Field(pattern=r"^[a-z_]+$", max_length=40)]


class OutcomeSpec(InputModel):
    """An outcome a question can have (`rules/outcomes.yaml`)."""

    id: OutcomeId
    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    discretion: bool = Field(False, description="The outcome leaves the decision to the caseworker: the answer "
                                                "lists the provision's considerations.")


class Conclusion(InputModel):
    question: str
    outcome: OutcomeId
    per: Literal["need"] | None = Field(
        None, description="`need`: the rule answers the question for each need the application lists "
                          "(request.needs), on the case's facts and that need's own; absent: for the case.")


class Scope(InputModel):
    """A limit the law sets on what a conclusion gives (emergency help: the immediate need, a short period)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)


class RuleSpec(InputModel):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    basis: Basis
    source: str | None = Field(None, description="The circular, preparatory works or practice the rule rests on "
                                                 "beside the statute, with its date.")
    when: str = Field(min_length=1)
    then: Conclusion
    because: Texts
    overrides: list[str] = []
    provisional: bool = Field(False, description="The law lets the office conclude this before the facts are "
                                                 "complete (emergency help); more facts may revise it.")
    scope: Scope | None = Field(None, description="The conclusion holds only within this limit: the answer shows "
                                                  "it, and no guideline calculation of a full month's shortfall.")
    source: str | None = Field(None, min_length=3, description="Where the rule rests on the circular, the "
                                                                "preparatory works or ombud practice rather than "
                                                                "the statute's words: the source and its date.")


class DutyOption(InputModel):
    """One way to fulfil a duty that can be fulfilled in more than one way, each excluding the others."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    fulfilled_when: str = Field(min_length=1)
    fulfil_by: Texts


class DutySpec(InputModel):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    basis: Basis
    source: str | None = Field(None, description="The circular, preparatory works, regulation or practice the duty "
                                                 "rests on beside its basis, with its date.")
    applies_when: str = Field(min_length=1)
    fulfilled_when: str | None = Field(None, min_length=1, description="What fulfils the duty; or `options`.")
    options: list[DutyOption] = Field([], description="Duties that exclude each other, as one duty: it is fulfilled "
                                                      "by any one option, and open as one choice until then.")
    after: str | None = Field(None, pattern=r"^[a-z0-9-]+$", description="A duty of the same file that must be "
                                                                          "fulfilled first; the answer says so.")
    duty: Texts
    fulfil_by: Texts

    @model_validator(mode="after")
    def _fulfilled_one_way(self) -> DutySpec:
        if (self.fulfilled_when is None) == (not self.options):
            raise ValueError("a duty has either fulfilled_when or options (two or more), not both")
        if self.options and len(self.options) < 2:
            raise ValueError("a choice needs two options or more")
        return self

    @property
    def fulfilled_source(self) -> str:
        """What fulfils the duty, as one condition: the options joined by `or`."""
        return self.fulfilled_when or " or ".join(f"({option.fulfilled_when})" for option in self.options)


class Consideration(InputModel):
    """What the caseworker must weigh. Without `when`: listed under a discretionary outcome. With `when`: listed on
    the decision, whatever its outcome, when the condition is definitely true on the case's facts."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    nb: str
    en: str
    when: str | None = Field(None, min_length=1)
    source: str | None = Field(None, min_length=3, description="The source the consideration rests on, with its "
                                                                "date.")


class SectionRef(InputModel):
    act: str
    section: str


class SharedRules(InputModel):
    """Take the rules, duties and considerations of an earlier act's provision whose text is the same.

    The copies get this file's ids, act and question; the act's `succeeds.sections` (acts.yaml) maps the earlier
    act's section numbers to this act's (in bases, in `outcome(...)` and in reason texts), so every conclusion
    still names the act it rests on. This file's own definitions replace the earlier file's where the acts differ.
    """

    provision: str = Field(pattern=r"^[a-z0-9-]+/[0-9a-zA-Z-]+(@\d{4}-\d{2}-\d{2})?$",
                           description="'<act slug>/<section>', or '<act slug>/<section>@<amended>' for a later "
                                       "version; an earlier version of the same act's section shares as it is")
    note: str = Field(min_length=1, description="Why the rules are the same, and what differs.")


class AmountSpec(InputModel):
    """The guideline calculation: shortfall = need - means; each term of the two sums is a line."""

    need: str = Field(min_length=1, description="what the household needs a month, as a sum of facts")
    means: str = Field(min_length=1, description="what the household has (counted means), as a sum of facts")
    basis: Basis
    source: str | None = Field(None, min_length=3, description="What the amounts rest on besides the basis (the "
                                                                "yearly circular with the guideline rates).")
    shortfall_when: OutcomeId = Field(description="the outcome under which the answer shows the shortfall")
    surplus_when: OutcomeId = Field(description="the outcome under which the answer shows by how much the means "
                                                "exceed the need")


class ProvisionFile(InputModel):
    act: str
    section: str
    title: Texts
    question: str | None = None
    matter: Matter | None = Field(None, description="The matter the question decides, as the participation record "
                                                    "names it (financial assistance, the individual plan).")
    valid: Validity
    amended: dt.date | None = Field(None, description="The amendment this version encodes; part of its rule ids.")
    succeeds: SectionRef | None = None
    text: StatuteText
    same_rules_as: SharedRules | None = None
    amount: AmountSpec | None = None
    outcomes: list[OutcomeId] = []
    definitions: dict[str, str] = {}
    rules: list[RuleSpec] = []
    duties: list[DutySpec] = []
    considerations: list[Consideration] = []

    @model_validator(mode="after")
    def _question_has_rules(self) -> ProvisionFile:
        if self.rules and self.question is None:
            raise ValueError("a file with rules must name the question they answer")
        return self


