"""JsonSoknad → Case, with a report of where each case field came from and why the others are unknown.

The application answers the applicant's questions; the case model asks the law's. Where an answer settles a
case field, the field is set and the report names the application's fields it came from. Where it does not —
an answer is missing, an amount is missing, a register look-up failed, or the field is the caseworker's own
assessment (whether work is realistic, whether an asset is needed for daily living, the life situation) — the
field is left out of the case (unknown, never 0 or False), and the report says why and which document would
settle it.

One module for each part of the application, in the order `map_soknad` reads them:

    core.py           reading the application's JSON; the report being recorded (`Mapper`)
    lookups.py        register look-ups that failed (driftsinformasjon)
    household.py      the applicant's age, a spouse or cohabitant, the children, who else shares the home
    income.py         income stated and payments received, for the period they cover
    child_support.py  child support paid or received, against the applicant's answer
    assets.py         savings and valuables
    expenses.py       housing, power and heating costs, mortgage repayment, child support paid
    education.py      whether the applicant is a student, full-time or part-time
    residence.py      lawful residence, from citizenship
    request.py        what is applied for and whether the need is acute, from the applicant's own words
    participation.py  information NAV fetched from registers, and whether the applicant knew of it
    assessments.py    the fields that are the caseworker's own assessment
    personal_data.py  the fields with personal data, never read into the case

How the format's own rules are followed:
- `kilde: utdatert` marks a datum that is no longer relevant and must not be shown to the caseworker: it is not
  read (and the report lists it as `outdated`).
- `overstyrtAvBruker: true` on register data means the applicant corrected it: the register item is not read.
- Unknown `type` codes are accepted: an income or asset of an unknown type is counted as `other`; an expense of
  an unknown type is not counted (it is not known to be a housing cost). The report lists them.
- A missing field means "not answered".
- A date the format's pattern lets through but the calendar does not have is flagged and read as no date.

What a caseworker would stop at is flagged in the report (`flags`): answers that contradict each other (the
fields they bear on stay unknown: the mapping never picks a side), impossible dates, and what else to look at.

Personal data is never read into the case: identity numbers, names, account and phone numbers, addresses, the
employer's and payer's names. The date of birth is read only to compute the age on the decision date, and the
free-text reasons only to find a few keywords (`vocabulary.REQUEST_WORDS`); neither is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from digisos import vocabulary as v
from digisos.answer import DecisionDate, MappingReport, SchemaUsed
from digisos.mapping.assessments import assessments
from digisos.mapping.assets import assets
from digisos.mapping.core import Mapper
from digisos.mapping.education import education
from digisos.mapping.expenses import expenses
from digisos.mapping.household import applicant_age, children, shares_home, spouse
from digisos.mapping.income import income
from digisos.mapping.lookups import record_failed_lookups
from digisos.mapping.participation import information_gathering
from digisos.mapping.personal_data import personal_data_present
from digisos.mapping.request import request
from digisos.mapping.residence import lawful_residence
from digisos.schema import Layout
from engine.case.model import Case

__all__ = ["map_soknad"]

# The report lists the case fields in the case model's order, whichever part of the application set them.
FIELD_ORDER = [
    "applicant.age", "household.has_spouse_or_cohabitant", "household.shares_home_with_other_adults",
    "household.children", "income", "assets", "expenses", "economic_rights", "work.can_support_self_through_work",
    "education.student", "education.full_time",
    "residence.lawful_residence", "request.acute_need", "request.means_at_hand", "request.needs",
    "request.applied_for",
    "life_situation.difficult", "life_situation.help_could_overcome_or_adapt", "participation.information_gathering",
]


def map_soknad(document: dict[str, Any], layout: Layout, decision_date: dt.date,
               date_source: Literal["request", "today"]) -> tuple[Case, MappingReport]:
    """The case an application gives, and the report of how. `document` must have passed `validate_soknad`."""
    m = Mapper(document, layout, decision_date, date_source)
    # The order matters: income reads the failed look-ups and whether there is a spouse, and sharing the home
    # needs the family; the report's `ignored` and `unknown_type_codes` list items in the order they were read.
    record_failed_lookups(m)
    age = applicant_age(m)
    has_spouse = spouse(m)
    kids, adult_child = children(m)
    shares = shares_home(m, has_spouse, kids, adult_child)
    income_items, asset_items, expense_items = income(m, has_spouse), assets(m), expenses(m)
    student, full_time = education(m)
    lawful = lawful_residence(m)
    requested = request(m)
    gathering = information_gathering(m)
    assessments(m)

    values: dict[str, Any] = {
        "decision_date": decision_date,
        "applicant": {"age": age},
        "household": {"has_spouse_or_cohabitant": has_spouse, "shares_home_with_other_adults": shares,
                      "children": kids},
        "income": income_items, "assets": asset_items, "expenses": expense_items,
        "education": {"student": student, "full_time": full_time},
        "residence": {"lawful_residence": lawful},
        "request": requested,
        "participation": {"information_gathering": gathering},
    }
    case = Case.model_validate(_without_none(values))
    report = MappingReport(
        soknad_schema=SchemaUsed(layout=layout.value, schema_file=layout.schema_file,
                                 version=v.shown_version(document.get("version"))),
        decision_date=DecisionDate(value=decision_date, source=date_source, note=_date_note(date_source)),
        fields=[m.fields[name] for name in FIELD_ORDER if name in m.fields],
        ignored=m.ignored, flags=m.flags, unknown_type_codes=m.unknown_codes, register_lookups_failed=m.lookups,
        personal_data_dropped=personal_data_present(document),
        case=case.model_dump(mode="json", by_alias=True, exclude_none=True))
    return case, report


def _date_note(date_source: Literal["request", "today"]) -> str:
    if date_source == "request":
        return "An application has no decision date; this one is the request's decision_date."
    return ("An application has no decision date, and the request gave none: today's date (the server's) is "
            "used. Pass decision_date to evaluate as of another day.")


def _without_none(value: Any) -> Any:
    """A nested dict without None values and without dicts that are left empty (the case's unknown fields)."""
    if isinstance(value, dict):
        cleaned = {key: _without_none(item) for key, item in value.items() if item is not None}
        return {key: item for key, item in cleaned.items() if item != {}}
    return value
