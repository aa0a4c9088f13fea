"""The fact vocabulary: the named facts rule conditions may use, and how each is read off a case.

A fact is an observation, not a legal conclusion: sums of itemised amounts, counts, flags copied from the
record. Every legal condition on those facts is written in `rules/`. Each fact names the case-field paths it
is read from, so an undetermined answer can tell the caller exactly which fields to fill in.

A fact whose inputs are absent is *unknown* and is left out of the observations — never 0 or False. Money facts
are whole øre (int) so that comparisons in the engine are exact. A money fact that sums items keeps the items
(`Observations.items`), so the answer can show a sum line by line without reading the case again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from engine.case.model import (
    AssetKind,
    Case,
    DecisionResult,
    ExpenseKind,
    FormOfAssistance,
    GatheredHow,
    Household,
    Matter,
    Member,
    Need,
    NeedKind,
    Party,
    RepresentativeKind,
    RightStatus,
)
from engine.case.rates import RateRow, RateTable
from engine.case.types import to_ore


class FactKind(StrEnum):
    boolean = "boolean"
    money = "money"  # whole øre in the engine; shown as kroner
    count = "count"
    code = "code"  # a string from a closed vocabulary


@dataclass(frozen=True)
class Item:
    """One item behind a summed money fact: a household member's guideline rate, an income, an expense."""

    nb: str
    en: str
    ore: int


@dataclass(frozen=True)
class Itemised:
    """What a summing reader returns: the items, in a canonical order (never the order of the case's lists)."""

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Rates:
    """The rate table that applies to the case, and its row in force on the decision date (looked up once)."""

    table: RateTable
    row: RateRow | None


Reader = Callable[[Case, Rates], Any]
NeedReader = Callable[[Need], Any]
NEED_PATH = "request.needs"  # a need fact's paths are relative to one item of this list


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: FactKind
    paths: tuple[str, ...]  # case-field paths; for a need fact, paths within the need (request.needs.<i>.…)
    description: str
    read: Reader | None  # a fact of the case
    nb: str = ""  # a Norwegian label, for the lines of an amount breakdown
    read_need: NeedReader | None = None  # a fact of one need the application lists

    @property
    def per_need(self) -> bool:
        return self.read_need is not None


@dataclass
class Observations:
    """Every known fact of a case (unknown facts are absent), with the items behind the summed ones; and, for each
    need the application lists, that need's own facts (`needs`: need id → facts), which its answers read besides
    the case's."""

    values: dict[str, Any]
    items: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    rates: Rates | None = None
    needs: dict[str, dict[str, Any]] = field(default_factory=dict)


VOCABULARY: dict[str, FactSpec] = {}


def fact(name: str, kind: FactKind, paths: Iterable[str], description: str, nb: str = ""):
    def register(read: Reader) -> Reader:
        if name in VOCABULARY:
            raise ValueError(f"fact {name} declared twice")
        VOCABULARY[name] = FactSpec(name, kind, tuple(paths), description, read, nb)
        return read

    return register


_PATH_PARTS: dict[str, tuple[str, ...]] = {}


def _get(case: Case, path: str) -> Any:
    parts = _PATH_PARTS.get(path)
    if parts is None:
        parts = _PATH_PARTS[path] = tuple(path.split("."))
    value: Any = case
    for part in parts:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _copy(name: str, kind: FactKind, path: str, description: str) -> None:
    fact(name, kind, [path], description)(lambda case, _rates: _get(case, path))


def need_fact(name: str, kind: FactKind, attribute: str, description: str) -> None:
    """A fact of one need: the need's attribute, copied."""
    if name in VOCABULARY:
        raise ValueError(f"fact {name} declared twice")

    def read(need: Need) -> Any:
        value = getattr(need, attribute)
        return to_ore(value) if kind == FactKind.money and value is not None else value

    VOCABULARY[name] = FactSpec(name, kind, (attribute,), description, None, read_need=read)


def _sum_ore(amounts: Iterable[Decimal | None]) -> int | None:
    """The sum in øre, or None when an amount is unknown (an item the case lists without its amount)."""
    amounts = list(amounts)
    return None if None in amounts else sum((to_ore(amount) for amount in amounts), 0)


def _itemised(items: Iterable[tuple[str, Decimal | None]]) -> Itemised | None:
    """Items by code and amount, sorted, each labelled by its code; None when an amount is unknown."""
    items = list(items)
    if any(amount is None for _, amount in items):
        return None
    return Itemised(tuple(Item(code, code, to_ore(amount)) for code, amount in sorted(items)))


# --- copied straight from the record ----------------------------------------------------------------------

for _name, _kind, _path, _text in [
    ("lawful_residence", FactKind.boolean, "residence.lawful_residence", "lawful residence in Norway"),
    ("means_at_hand", FactKind.boolean, "request.means_at_hand",
     "money at hand today that would meet the immediate need"),
    ("state_accommodation_available", FactKind.boolean, "residence.state_accommodation_available",
     "in, or can get, state accommodation"),
    ("partner", FactKind.code, "household.partner", "the partner is a spouse or a cohabitant"),
    ("can_support_self_through_work", FactKind.boolean, "work.can_support_self_through_work",
     "realistic work would cover the living costs"),
    ("applicant_age", FactKind.count, "applicant.age", "the applicant's age"),
    ("difficult_life_situation", FactKind.boolean, "life_situation.difficult", "in a difficult life situation"),
    ("help_could_overcome_or_adapt", FactKind.boolean, "life_situation.help_could_overcome_or_adapt",
     "help would let the person overcome or adapt to the situation"),
    ("long_term_need", FactKind.boolean, "services.long_term_need", "needs long-term services"),
    ("needs_coordination", FactKind.boolean, "services.needs_coordination", "the services need coordinating"),
    ("qualification_programme", FactKind.boolean, "services.qualification_programme",
     "takes part in the qualification programme"),
    ("compulsory_mental_health_care", FactKind.boolean, "services.compulsory_mental_health_care",
     "under compulsory mental health care"),
    ("individual_plan_consent", FactKind.code, "services.individual_plan_consent",
     "consent to an individual plan: consented, refused or not_asked"),
    ("individual_plan_made_with_client", FactKind.boolean, "services.individual_plan_made_with_client",
     "the individual plan was made together with the client"),
    ("coordinator_appointed", FactKind.boolean, "services.coordinator_appointed", "a coordinator is appointed"),
    ("individual_plan_consent_given_by", FactKind.code, "services.individual_plan_consent_given_by",
     "who answered the offer of a plan: client, guardian or representative"),
    ("takes_part_in_institution_plan", FactKind.boolean, "services.takes_part_in_institution_plan",
     "the office takes part in the plan the mental-health institution makes"),
    ("client_can_take_part", FactKind.boolean, "participation.client_can_take_part",
     "the client can express views and take part"),
    ("guardianship_need_reported", FactKind.boolean, "participation.guardianship_need_reported",
     "the need for a guardian is reported to the county governor"),
]:
    _copy(_name, _kind, _path, _text)


@fact("full_time_student", FactKind.boolean, ["education.student", "education.full_time"],
      "the applicant is a full-time student")
def _full_time_student(case: Case, _rates: Rates) -> bool | None:
    student, full_time = _get(case, "education.student"), _get(case, "education.full_time")
    if student is False or full_time is False:
        return False
    return True if student and full_time else None


@fact("acute_need", FactKind.boolean, ["request.acute_need"],
      "no food or shelter here and now: request.acute_need, or an immediate need listed")
def _acute_need(case: Case, _rates: Rates) -> bool | None:
    if any(need.kind == NeedKind.immediate for need in _get(case, "request.needs") or ()):
        return True
    return _get(case, "request.acute_need")


# --- sums and counts over itemised lists -------------------------------------------------------------------


def _income_of(kinds: set[str] | None = None, member: Member | None = None):
    """All income items (itemised), or the sum of those of some kinds, or the sum of one member's; unknown while
    one of the items summed has no amount."""
    def read(case: Case, _rates: Rates) -> Itemised | int | None:
        if case.income is None:
            return None
        if member is not None:
            return _sum_ore(item.monthly_amount for item in case.income if item.belongs_to == member)
        if kinds is None:
            return _itemised((item.kind, item.monthly_amount) for item in case.income)
        return _sum_ore(item.monthly_amount for item in case.income if item.kind in kinds)

    return read


fact("income_total", FactKind.money, ["income"], "all monthly income in the household",
     nb="all inntekt i husstanden")(_income_of())
fact("income_child_benefit", FactKind.money, ["income"], "monthly child benefit (barnetrygd)",
     nb="barnetrygd")(_income_of({"child_benefit"}))
fact("income_child_benefit_abroad", FactKind.money, ["income"], "monthly child benefit paid by another state",
     nb="barnetrygd fra utlandet")(_income_of({"child_benefit_abroad"}))
fact("income_children_leisure_work", FactKind.money, ["income"],
     "children's monthly income from leisure and holiday work",
     nb="barns inntekt fra fritids- og feriearbeid")(_income_of({"children_leisure_work"}))
fact("income_cohabitant", FactKind.money, ["income"], "a cohabitant's monthly income",
     nb="samboerens inntekt")(_income_of(member=Member.cohabitant))


@fact("bank_deposits_not_needed", FactKind.money, ["assets"],
      "bank deposits the caseworker judged not necessary for daily living",
      nb="bankinnskudd som ikke er nødvendig for livsoppholdet")
def _deposits_available(case: Case, _rates: Rates) -> int | None:
    if case.assets is None:
        return None
    deposits = [asset for asset in case.assets if asset.kind == AssetKind.bank_deposit]
    if any(asset.needed_for_daily_living is None for asset in deposits):
        return None
    # A deposit judged needed for daily living adds nothing, so its value, known or not, does not matter.
    return _sum_ore(asset.value for asset in deposits if asset.needed_for_daily_living is False)


@fact("other_assets_not_judged_needed", FactKind.count, ["assets"],
      "assets other than bank deposits (a home, a vehicle, other property) not judged necessary for daily living")
def _other_assets(case: Case, _rates: Rates) -> int | None:
    if case.assets is None:
        return None
    return sum(1 for asset in case.assets
               if asset.kind != AssetKind.bank_deposit and asset.needed_for_daily_living is not True)


@fact("expenses_total", FactKind.money, ["expenses"], "monthly housing, power, insurance and other expenses",
      nb="boutgifter, strøm, forsikring og andre nødvendige utgifter")
def _expenses(case: Case, _rates: Rates) -> Itemised | None:
    return None if case.expenses is None else _itemised((item.kind, item.monthly_amount) for item in case.expenses)


def _expenses_of(kind: ExpenseKind):
    def read(case: Case, _rates: Rates) -> int | None:
        if case.expenses is None:
            return None
        return _sum_ore(item.monthly_amount for item in case.expenses if item.kind == kind)

    return read


fact("expenses_mortgage_repayment", FactKind.money, ["expenses"], "monthly repayment of a mortgage (avdrag)",
     nb="avdrag på boliglån")(_expenses_of(ExpenseKind.mortgage_repayment))
fact("expenses_child_support", FactKind.money, ["expenses"], "monthly child support the applicant pays",
     nb="barnebidrag søkeren betaler")(_expenses_of(ExpenseKind.child_support))


def _rights(status: RightStatus, unguided: bool):
    def read(case: Case, _rates: Rates) -> int | None:
        rights = case.economic_rights
        if rights is None or (unguided and any(r.guidance_given is None for r in rights if r.status == status)):
            return None
        return sum(1 for r in rights if r.status == status and not (unguided and r.guidance_given))

    return read


fact("rights_not_claimed", FactKind.count, ["economic_rights"], "economic rights not yet claimed")(
    _rights(RightStatus.not_claimed, unguided=False))
fact("rights_not_claimed_without_guidance", FactKind.count, ["economic_rights"],
     "economic rights not yet claimed that the client has not been guided to claim")(
    _rights(RightStatus.not_claimed, unguided=True))


fact("pending_rights", FactKind.count, ["economic_rights"], "economic rights claimed and still pending")(
    _rights(RightStatus.pending, unguided=False))


@fact("guideline_rate_monthly", FactKind.money,
      ["decision_date", "household.has_spouse_or_cohabitant", "household.shares_home_with_other_adults",
       "household.children"],
      "the guideline rate for the household on the decision date",
      nb="veiledende sats for husstanden")
def _guideline_rate(case: Case, rates: Rates) -> Itemised | None:
    return None if rates.row is None else _rate_lines(rates, case.household)


def _rate_lines(rates: Rates, household: Household | None) -> Itemised | None:
    """The guideline rate of each member of the household, as the rate table assigns them: the adults first, then
    the children by age. None when the household is not known well enough to say which rates apply."""
    if household is None or household.has_spouse_or_cohabitant is None or household.children is None:
        return None
    arrangement = rates.table.household
    if household.has_spouse_or_cohabitant:
        adults = arrangement.partner
    elif household.shares_home_with_other_adults is None:
        return None
    else:
        adults = arrangement.sharing_home if household.shares_home_with_other_adults else arrangement.alone
    members = [(adults, "", "")]
    for age in sorted(child.age for child in household.children if child.age is not None):
        members.append((rates.table.child_category(age), f" ({age} år)", f" ({age})"))
    if len(members) <= len(household.children):  # a child's age is unknown
        return None
    labels, row = rates.table.categories, rates.row
    return Itemised(tuple(Item(labels[category].nb + nb, labels[category].en + en, to_ore(row.rates[category]))
                          for category, nb, en in members))


@fact("services_needed_count", FactKind.count, ["services.needed"], "number of distinct services the client needs")
def _services_needed(case: Case, _rates: Rates) -> int | None:
    needed = _get(case, "services.needed")
    return None if needed is None else len(set(needed))


@fact("applied_for_financial_assistance", FactKind.boolean, ["request.applied_for"],
      "the request includes financial assistance of some kind")
def _applied_for_money(case: Case, _rates: Rates) -> bool | None:
    applied = _get(case, "request.applied_for")
    return None if applied is None else any(kind != "individual_plan" for kind in applied)


@fact("has_representative", FactKind.boolean, ["participation.representative"],
      "someone (guardian, relative, trusted or appointed person) speaks for the client")
def _has_representative(case: Case, _rates: Rates) -> bool | None:
    kind = _get(case, "participation.representative")
    return None if kind is None else kind != RepresentativeKind.none


@fact("information_items", FactKind.count, ["participation.information_gathering"],
      "pieces of information gathered about the client")
def _information_items(case: Case, _rates: Rates) -> int | None:
    items = _get(case, "participation.information_gathering")
    return None if items is None else len(items)


def _gathered_failing(test):
    """The number of items failing `test` (which gives None for an item it cannot tell)."""
    def read(case: Case, _rates: Rates) -> int | None:
        items = _get(case, "participation.information_gathering")
        results = None if items is None else [test(item) for item in items]
        return None if results is None or None in results else results.count(False)

    return read


fact("information_items_without_client_knowledge", FactKind.count, ["participation.information_gathering"],
     "pieces of information gathered neither with the client nor with the client's knowledge")(
    _gathered_failing(lambda item: None if item.how is None else item.how != GatheredHow.neither))
fact("information_items_not_put_to_client", FactKind.count, ["participation.information_gathering"],
     "pieces of information from others the client has not been told of and given the chance to comment on")(
    _gathered_failing(lambda item: True if item.how == GatheredHow.with_client else item.client_could_comment))


@fact("conditions_stipulated", FactKind.count, ["conditions.stipulated"], "conditions attached to the assistance")
def _conditions(case: Case, _rates: Rates) -> int | None:
    stipulated = _get(case, "conditions.stipulated")
    return None if stipulated is None else len(stipulated)


@fact("activity_conditions_stipulated", FactKind.count, ["conditions.stipulated"], "activity conditions set")
def _activity_conditions(case: Case, _rates: Rates) -> int | None:
    stipulated = _get(case, "conditions.stipulated")
    return None if stipulated is None else sum(1 for c in stipulated if c.kind == "activity")


def _conditions_failing(flag: str):
    def read(case: Case, _rates: Rates) -> int | None:
        stipulated = _get(case, "conditions.stipulated")
        if stipulated is None or any(getattr(c, flag) is None for c in stipulated):
            return None
        return sum(1 for c in stipulated if getattr(c, flag) is False)

    return read


for _name, _flag, _text in [
    ("conditions_not_closely_connected", "closely_connected", "conditions not closely related to the decision"),
    ("conditions_disproportionate", "proportionate", "conditions disproportionately burdensome"),
    ("conditions_limiting_freedom", "respects_freedom_of_action", "conditions unreasonably limiting freedom"),
    ("conditions_not_discussed", "discussed_with_client", "conditions not discussed with the client"),
    ("conditions_unlawful", "lawful", "conditions in conflict with this act or other law"),
]:
    fact(_name, FactKind.count, ["conditions.stipulated"], _text)(_conditions_failing(_flag))

for _name, _path, _text in [
    ("weighty_reasons_against_activity_conditions", "conditions.weighty_reasons_against_activity",
     "weighty reasons speak against activity conditions"),
    ("weighty_reasons_recorded", "conditions.weighty_reasons_recorded", "the weighty reasons are recorded"),
    ("assistance_reduced_for_breach", "conditions.reduced_for_breach", "assistance reduced for a broken condition"),
    ("reduction_announced_in_decision", "conditions.reduction_announced_in_decision",
     "the decision told the client that a broken condition may reduce the assistance"),
]:
    _copy(_name, FactKind.boolean, _path, _text)


# --- per matter: the participation record ------------------------------------------------------------------


def _consulted(matter: Matter, parties: set[Party]):
    def read(case: Case, _rates: Rates) -> bool | None:
        held = _get(case, "participation.consultations")
        return None if held is None else any(c.matter == matter and c.with_ in parties for c in held)

    return read


def _view_stated(matter: Matter, parties: set[Party]):
    def read(case: Case, _rates: Rates) -> bool | None:
        views = _get(case, "participation.client_views")
        return None if views is None else any(v.matter == matter and v.stated_by in parties for v in views)

    return read


def _proposals(matter: Matter, value):
    """Whether some proposal on `matter` shows what `value` reads off it; unknown while a proposal does not say."""
    def read(case: Case, _rates: Rates) -> bool | None:
        proposals = _get(case, "participation.proposals") or []
        values = [value(p) for p in proposals if p.matter == matter]
        if not values or any(v is None for v in values):
            return None
        return any(values)

    return read


for _matter in Matter:
    _m = _matter.value
    fact(f"consulted_client_on_{_m}", FactKind.boolean, ["participation.consultations"],
         f"the client was consulted on {_m}")(_consulted(_matter, {Party.client}))
    fact(f"consulted_representative_on_{_m}", FactKind.boolean, ["participation.consultations"],
         f"a guardian or representative was consulted on {_m}")(
        _consulted(_matter, {Party.guardian, Party.representative}))

# The view, the proposal and its reasons are asked about for the decision on financial assistance only.
_m = Matter.financial_assistance.value
fact(f"view_stated_by_client_on_{_m}", FactKind.boolean, ["participation.client_views"],
     f"the client's own view on {_m} is recorded")(_view_stated(Matter.financial_assistance, {Party.client}))
fact(f"view_stated_by_representative_on_{_m}", FactKind.boolean, ["participation.client_views"],
     f"a guardian's or representative's account of the client's view on {_m} is recorded")(
    _view_stated(Matter.financial_assistance, {Party.guardian, Party.representative}))
for _attribute, _text in [
    ("departs_from_client_view", "the proposed outcome departs from the client's view"),
    ("departure_justified_in_writing", "the departure is justified in writing"),
    ("written_reasons", "the decision has written reasons"),
    ("reasons_cite_rules", "the reasons cite the rules the decision rests on"),
    ("reasons_state_facts", "the reasons state the facts the decision rests on"),
    ("reasons_name_main_considerations", "the reasons name the main considerations of the discretion"),
    ("loan_reasons_given", "the reasons say why the assistance is a loan"),
    ("appeal_information_given", "the decision tells of the right to appeal, the time limit and where to appeal"),
]:
    fact(f"{_attribute}_on_{_m}", FactKind.boolean, ["participation.proposals"], f"{_text} ({_m})")(
        _proposals(Matter.financial_assistance, lambda p, attribute=_attribute: getattr(p, attribute)))
fact(f"decision_not_granted_in_full_on_{_m}", FactKind.boolean, ["participation.proposals"],
     f"the decision refuses or only partly grants what was applied for ({_m})")(
    _proposals(Matter.financial_assistance, lambda p: p.result and p.result != DecisionResult.granted))
fact(f"assistance_as_loan_on_{_m}", FactKind.boolean, ["participation.proposals"],
     f"the assistance is given as a loan ({_m})")(
    _proposals(Matter.financial_assistance, lambda p: p.form and p.form == FormOfAssistance.loan))


# --- per need: what one need of the application says -------------------------------------------------------

for _name, _kind, _attribute, _text in [
    ("need_kind", FactKind.code, "kind", "what the need is: the immediate need (no food or shelter here and now), "
                                         "living costs for the period, or a particular expense"),
    ("need_amount", FactKind.money, "amount", "what the need costs"),
    ("need_part_of_living_costs", FactKind.boolean, "part_of_living_costs",
     "the caseworker judged the expense part of the living costs"),
    ("need_help_could_overcome_or_adapt", FactKind.boolean, "help_could_overcome_or_adapt",
     "help with the need would let the person overcome or adapt to the situation"),
]:
    need_fact(_name, _kind, _attribute, _text)


def _known(value: Any) -> Any:
    """A fact's value as the engine holds it: enum members by value."""
    return value.value if isinstance(value, StrEnum) else value


def observe(case: Case, table: RateTable) -> Observations:
    """Every known fact of the case, and of each need it lists, read with the given rate table."""
    rates = Rates(table, table.row_on(case.decision_date))
    values: dict[str, Any] = {}
    items: dict[str, tuple[Item, ...]] = {}
    case_readers, need_readers = _READERS if sum(map(len, _READERS)) == len(VOCABULARY) else _readers()
    for name, read in case_readers:
        value = read(case, rates)
        if value is None:
            continue
        if isinstance(value, Itemised):
            items[name] = value.items
            value = sum(item.ore for item in value.items)
        values[name] = _known(value)
    needs = {}
    for need in _get(case, "request.needs") or ():
        facts = ((name, read(need)) for name, read in need_readers)
        needs[need.id] = {name: _known(value) for name, value in facts if value is not None}
    return Observations(values, items, rates, needs)


_READERS: list[list[tuple[str, Any]]] = []


def _readers() -> list[list[tuple[str, Any]]]:
    """(name, reader) of every case fact and of every need fact, in vocabulary order: looked up once rather than
    per case (again if a fact is added, as the tests of adding a provision do)."""
    _READERS[:] = [[(s.name, s.read) for s in VOCABULARY.values() if not s.per_need],
                   [(s.name, s.read_need) for s in VOCABULARY.values() if s.per_need]]
    return _READERS
