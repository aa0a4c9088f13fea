"""The fact vocabulary: the named facts rule conditions may use, and how each is read off a case.

A fact is an observation, not a legal conclusion: sums of itemised amounts, counts, flags copied from the
record. Every legal condition on those facts is written in `rules/`. Each fact names the case-field paths it
is read from, so an undetermined answer can tell the caller exactly which fields to fill in.

A fact whose inputs are absent is *unknown* and is left out of the observations — never 0 or False. Money facts
are whole øre (int) so that comparisons in the engine are exact. A money fact that sums items keeps the items
(`Observations.items`), so the answer can show a sum line by line without reading the case again.

What the case does say about an unknown money fact is kept: every money fact is a sum of amounts that are never
negative (or a rate looked up in a table of such amounts), so the part the case gives is a lower bound, and an
upper bound exists where the case model gives one (an asset not yet judged can add at most its value; a rate is
one of the few the table has for the household's unknown field). A reader says so by returning `Unknown` with
the bounds and the case-field paths that would settle the fact; a reader that returns None leaves a money fact
between 0 and no limit, missing whichever of its declared paths the case leaves out (`Observations.paths`). The
engines compare money on these bounds (`lower`, `upper`; an exactly known amount has both equal to it), so a
comparison the known part already settles is decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from engine.case.glossary import glossary
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
    money = "money"  # whole øre in the engine, never negative; shown as kroner
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


@dataclass(frozen=True)
class Unknown:
    """What a reader returns for a fact the case does not settle: the case-field paths that would settle it, and,
    for a money fact, the least and the most it can be on what the case does give (øre; `most` None: no limit)."""

    paths: tuple[str, ...]
    least: int = 0
    most: int | None = None


Reader = Callable[[Case, Rates], Any]
NeedReader = Callable[[Need], Any]
NEED_PATH = "request.needs"  # a need fact's paths are relative to one item of this list


def lower(name: str) -> str:
    """The engines' name for the least a money fact can be."""
    return name + ":lo"


def upper(name: str) -> str:
    """The engines' name for the most a money fact can be (absent when there is no limit)."""
    return name + ":hi"


def fact_of(name: str) -> str:
    """The fact a name the engines read is about: the fact itself, or the money fact whose bound it is."""
    return name.partition(":")[0]


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: FactKind
    paths: tuple[str, ...]  # case-field paths; for a need fact, paths within the need (request.needs.<i>.…)
    description: str
    read: Reader | None  # a fact of the case
    nb: str = ""  # a Norwegian label (every amount has one), for an amount breakdown's lines and what would settle it
    read_need: NeedReader | None = None  # a fact of one need the application lists

    @property
    def per_need(self) -> bool:
        return self.read_need is not None


@dataclass
class Observations:
    """What the engines read off a case: every known fact by name (unknown facts are absent) and every money fact's
    bounds (`lower`, `upper`); the items behind the summed facts; for each fact the case does not settle, the
    case-field paths that would; and, for each need the application lists, that need's own facts and bounds
    (`needs`: need id → facts), which its answers read besides the case's (`of_need`)."""

    values: dict[str, Any]
    items: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    rates: Rates | None = None
    unknown: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # None: see `paths`
    case: Case | None = None
    needs: dict[str, dict[str, Any]] = field(default_factory=dict)
    need_unknown: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # need id -> fact -> paths

    def paths(self, name: str) -> tuple[str, ...]:
        """The case-field paths that would settle an unknown fact: as its reader named them, or else those of the
        fact's declared paths the case leaves out (worked out when first asked: most answers never ask)."""
        paths = self.unknown[name]
        if paths is None:
            paths = self.unknown[name] = tuple(path for path in VOCABULARY[name].paths if _get(self.case, path) is None)
        return paths

    def of_need(self, need_id: str) -> Observations:
        """What a need's session reads: the case's facts with that need's own, and what either leaves unknown."""
        return Observations(self.values | self.needs[need_id], self.items, self.rates,
                            self.unknown | self.need_unknown[need_id], self.case)


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


def need_fact(name: str, kind: FactKind, attribute: str, description: str, nb: str = "") -> None:
    """A fact of one need: the need's attribute, copied."""
    if name in VOCABULARY:
        raise ValueError(f"fact {name} declared twice")

    def read(need: Need) -> Any:
        value = getattr(need, attribute)
        return to_ore(value) if kind == FactKind.money and value is not None else value

    VOCABULARY[name] = FactSpec(name, kind, (attribute,), description, None, nb, read_need=read)


def _at(list_path: str, index: int, name: str) -> str:
    """The path of one field of one item of a list, as `missing_facts` names it: `assets[2].value`."""
    return f"{list_path}[{index}].{name}"


def _sum_in_part(counted: Iterable[tuple[str, Decimal | None]],
                 unsure: Iterable[tuple[str, str, Decimal | None]] = ()) -> int | Unknown:
    """A sum of amounts that are never negative: the `counted` ones (each the path of the amount, and the amount or
    None when the item is listed without it), plus each `unsure` one (the path that would settle whether it counts,
    the path of its amount, and the amount or None) that may or may not count. Exact when nothing is unknown;
    otherwise bounded below by the known amounts counted, and above by every amount that may count, if all are
    known."""
    paths: list[str] = []
    least, most = 0, 0
    for path, amount in counted:
        if amount is None:
            paths.append(path)
            most = None
        else:
            least += to_ore(amount)
            most = None if most is None else most + to_ore(amount)
    for whether, path, amount in unsure:
        paths.append(whether)
        if amount is None:
            paths.append(path)
        most = None if most is None or amount is None else most + to_ore(amount)
    return Unknown(tuple(paths), least, most) if paths else least


def _sum_of(list_path: str, items: Iterable[Any], name: str,
            counts: Callable[[Any], bool] = lambda _: True) -> int | Unknown:
    """The sum of the amounts (field `name`) of the items of a list that `counts` keeps; an item listed without its
    amount leaves that amount unknown (`list_path[i].name`) and the sum at least the known amounts."""
    return _sum_in_part((_at(list_path, index, name), getattr(item, name))
                        for index, item in enumerate(items) if counts(item))


def _itemised(list_path: str, items: list[Any], code: str, name: str, codes: str) -> Itemised | Unknown:
    """Items by code and amount (fields `code` and `name`), sorted, each labelled by the code's Norwegian label (in
    the glossary's `codes`) and by the code itself; while an item has no amount, only the bounds of their sum."""
    if any(getattr(item, name) is None for item in items):
        return _sum_of(list_path, items, name)
    label = glossary().code
    return Itemised(tuple(Item(label(codes, kind), kind, to_ore(amount))
                          for kind, amount in sorted((getattr(item, code), getattr(item, name)) for item in items)))


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
    """All income items (itemised), or the sum of those of some kinds, or the sum of one member's; while one of the
    items summed has no amount, the known amounts are the least it can be."""
    def read(case: Case, _rates: Rates) -> Itemised | int | Unknown | None:
        if case.income is None:
            return None
        if member is not None:
            return _sum_of("income", case.income, "monthly_amount", lambda item: item.belongs_to == member)
        if kinds is None:
            return _itemised("income", case.income, "kind", "monthly_amount", "IncomeKind")
        return _sum_of("income", case.income, "monthly_amount", lambda item: item.kind in kinds)

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
def _deposits_available(case: Case, _rates: Rates) -> int | Unknown | None:
    if case.assets is None:
        return None
    deposits = [(index, asset) for index, asset in enumerate(case.assets) if asset.kind == AssetKind.bank_deposit]
    # A deposit judged needed for daily living adds nothing, so its value, known or not, does not matter.
    return _sum_in_part(((_at("assets", index, "value"), asset.value)
                         for index, asset in deposits if asset.needed_for_daily_living is False),
                        ((_at("assets", index, "needed_for_daily_living"), _at("assets", index, "value"), asset.value)
                         for index, asset in deposits if asset.needed_for_daily_living is None))


@fact("other_assets_not_judged_needed", FactKind.count, ["assets"],
      "assets other than bank deposits (a home, a vehicle, other property) not judged necessary for daily living")
def _other_assets(case: Case, _rates: Rates) -> int | None:
    if case.assets is None:
        return None
    return sum(1 for asset in case.assets
               if asset.kind != AssetKind.bank_deposit and asset.needed_for_daily_living is not True)


@fact("expenses_total", FactKind.money, ["expenses"], "monthly housing, power, insurance and other expenses",
      nb="boutgifter, strøm, forsikring og andre nødvendige utgifter")
def _expenses(case: Case, _rates: Rates) -> Itemised | Unknown | None:
    return None if case.expenses is None else _itemised("expenses", case.expenses, "kind", "monthly_amount",
                                                        "ExpenseKind")


def _expenses_of(kind: ExpenseKind):
    def read(case: Case, _rates: Rates) -> int | Unknown | None:
        if case.expenses is None:
            return None
        return _sum_of("expenses", case.expenses, "monthly_amount", lambda item: item.kind == kind)

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
def _guideline_rate(case: Case, rates: Rates) -> Itemised | Unknown:
    if rates.row is None:  # no rates on file on this day: only a table of the case's own could say
        return Unknown(("rate_table",) if case.rate_table is None else ())
    return _rate_lines(rates, case.household or _NO_HOUSEHOLD)


_NO_HOUSEHOLD = Household()  # a case that says nothing about the household: every field unknown


def _adult_categories(household: Household, arrangement) -> tuple[list[str], list[str]]:
    """The rate categories the adults may have on what the household says, and the paths that would narrow them."""
    spouse, sharing = household.has_spouse_or_cohabitant, household.shares_home_with_other_adults
    if spouse is True:
        return [arrangement.partner], []
    if spouse is False and sharing is not None:
        return [arrangement.sharing_home if sharing else arrangement.alone], []
    categories = [] if spouse is False else [arrangement.partner]
    paths = [] if spouse is not None else ["household.has_spouse_or_cohabitant"]
    if spouse is not True:
        categories += [c for c, own in ((arrangement.sharing_home, True), (arrangement.alone, False))
                       if sharing is None or sharing is own]
        if sharing is None:
            paths.append("household.shares_home_with_other_adults")
    return categories, paths


def _rate_lines(rates: Rates, household: Household) -> Itemised | Unknown:
    """The guideline rate of each member of the household, as the rate table assigns them: the adults first, then
    the children by age. A member whose category the household leaves open (a field unknown, a child's age unknown)
    is one of a few categories: where their rates are equal the rate is known all the same, else it lies between
    the least and the most of them. Unknown children add at least nothing and have no limit."""
    table, row = rates.table, rates.row
    adults, paths = _adult_categories(household, table.household)
    ages = [child.age for child in household.children or ()]
    members = [(adults, "", "", paths)]
    members += [([table.child_category(age)], f" ({age} år)", f" ({age})", ())
                for age in sorted(age for age in ages if age is not None)]
    if None in ages:
        bands = [band.category for band in table.household.children]
        members += [(bands, "", "", (_at("household.children", index, "age"),))
                    for index, age in enumerate(ages) if age is None]
    items, least, most, missing = [], 0, 0, []
    for categories, nb, en, member_paths in members:
        if len(categories) == 1:  # the household says which
            label = table.categories[categories[0]]
            items.append(Item(label.nb + nb, label.en + en, to_ore(row.rates[categories[0]])))
            continue
        amounts = {to_ore(row.rates[category]) for category in categories}
        if len(amounts) == 1:
            labels = [table.categories[category] for category in categories]
            items.append(Item(" / ".join(label.nb for label in labels) + nb,
                              " / ".join(label.en for label in labels) + en, amounts.pop()))
        else:
            least, most = least + min(amounts), most + max(amounts)
            missing += member_paths
    if household.children is None:
        return Unknown(tuple(missing + ["household.children"]), sum(i.ore for i in items) + least, None)
    if missing:
        known = sum(item.ore for item in items)
        return Unknown(tuple(missing), known + least, known + most)
    return Itemised(tuple(items))


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


def _gathered_failing(test, fields: tuple[str, ...]):
    """The number of items failing `test` (which gives None for an item it cannot tell: what is missing is then
    those of the item's `fields` the record leaves out)."""
    def read(case: Case, _rates: Rates) -> int | Unknown | None:
        items = _get(case, "participation.information_gathering")
        if items is None:
            return None
        results = [test(item) for item in items]
        if None not in results:
            return results.count(False)
        return Unknown(tuple(_at("participation.information_gathering", i, name)
                             for i, (item, result) in enumerate(zip(items, results, strict=True)) if result is None
                             for name in fields if getattr(item, name) is None))

    return read


fact("information_items_without_client_knowledge", FactKind.count, ["participation.information_gathering"],
     "pieces of information gathered neither with the client nor with the client's knowledge")(
    _gathered_failing(lambda item: None if item.how is None else item.how != GatheredHow.neither, ("how",)))
fact("information_items_not_put_to_client", FactKind.count, ["participation.information_gathering"],
     "pieces of information from others the client has not been told of and given the chance to comment on")(
    _gathered_failing(lambda item: True if item.how == GatheredHow.with_client else item.client_could_comment,
                      ("how", "client_could_comment")))


@fact("conditions_stipulated", FactKind.count, ["conditions.stipulated"], "conditions attached to the assistance")
def _conditions(case: Case, _rates: Rates) -> int | None:
    stipulated = _get(case, "conditions.stipulated")
    return None if stipulated is None else len(stipulated)


@fact("activity_conditions_stipulated", FactKind.count, ["conditions.stipulated"], "activity conditions set")
def _activity_conditions(case: Case, _rates: Rates) -> int | None:
    stipulated = _get(case, "conditions.stipulated")
    return None if stipulated is None else sum(1 for c in stipulated if c.kind == "activity")


def _conditions_failing(flag: str):
    def read(case: Case, _rates: Rates) -> int | Unknown | None:
        stipulated = _get(case, "conditions.stipulated")
        if stipulated is None:
            return None
        unknown = [_at("conditions.stipulated", i, flag) for i, c in enumerate(stipulated) if getattr(c, flag) is None]
        return Unknown(tuple(unknown)) if unknown else sum(1 for c in stipulated if getattr(c, flag) is False)

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


def _proposals(matter: Matter, name: str, value=lambda v: v):
    """Whether some proposal on `matter` shows what `value` reads off its field `name`; unknown while a proposal on
    it does not say (that field is missing), or while the record has no proposal on it (one is)."""
    def read(case: Case, _rates: Rates) -> bool | Unknown | None:
        proposals = _get(case, "participation.proposals")
        if proposals is None:
            return None
        on_matter = [(i, getattr(p, name)) for i, p in enumerate(proposals) if p.matter == matter]
        if not on_matter:
            return Unknown(("participation.proposals",))
        unknown = [_at("participation.proposals", i, name) for i, field in on_matter if field is None]
        return Unknown(tuple(unknown)) if unknown else any(value(field) for _, field in on_matter)

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
        _proposals(Matter.financial_assistance, _attribute))
fact(f"decision_not_granted_in_full_on_{_m}", FactKind.boolean, ["participation.proposals"],
     f"the decision refuses or only partly grants what was applied for ({_m})")(
    _proposals(Matter.financial_assistance, "result", lambda result: result != DecisionResult.granted))
fact(f"assistance_as_loan_on_{_m}", FactKind.boolean, ["participation.proposals"],
     f"the assistance is given as a loan ({_m})")(
    _proposals(Matter.financial_assistance, "form", lambda form: form == FormOfAssistance.loan))


def as_observed(known: Mapping[str, Any], bounds: Mapping[str, tuple[int, int | None]] = {}) -> dict[str, Any]:
    """Facts as `observe` hands them to the engines, from facts and bounds stated directly (a solver's solution, a
    test's assignment): the `known` facts, a known money fact with both bounds equal to it, and every other money
    fact between its `bounds` (least, most or None for no limit) or, if none are given, from 0 without limit."""
    values = dict(known)
    for name, spec in VOCABULARY.items():
        if spec.kind != FactKind.money:
            continue
        least, most = (known[name], known[name]) if name in known else bounds.get(name, (0, None))
        values[lower(name)] = least
        if most is not None:
            values[upper(name)] = most
    return values


# --- per need: what one need of the application says -------------------------------------------------------

for _name, _kind, _attribute, _text, _nb in [
    ("need_kind", FactKind.code, "kind", "what the need is: the immediate need (no food or shelter here and now), "
                                         "living costs for the period, or a particular expense", ""),
    ("need_amount", FactKind.money, "amount", "what the need costs", "behovets beløp"),
    ("need_part_of_living_costs", FactKind.boolean, "part_of_living_costs",
     "the caseworker judged the expense part of the living costs", ""),
    ("need_help_could_overcome_or_adapt", FactKind.boolean, "help_could_overcome_or_adapt",
     "help with the need would let the person overcome or adapt to the situation", ""),
]:
    need_fact(_name, _kind, _attribute, _text, _nb)


def _known(value: Any) -> Any:
    """A fact's value as the engine holds it: enum members by value."""
    return value.value if isinstance(value, StrEnum) else value


def observe(case: Case, table: RateTable) -> Observations:
    """Every known fact of the case and of each need it lists, and the bounds of every money fact, read with the
    given rate table."""
    rates = Rates(table, table.row_on(case.decision_date))
    values: dict[str, Any] = {}
    items: dict[str, tuple[Item, ...]] = {}
    unknown: dict[str, tuple[str, ...] | None] = {}
    case_readers, need_readers = _READERS if sum(map(len, _READERS)) == len(VOCABULARY) else _readers()
    for name, read, bounds in case_readers:
        value = read(case, rates)
        if value is None:
            unknown[name] = None
            if bounds is not None:
                values[bounds[0]] = 0
            continue
        kind = type(value)
        if kind is Unknown:
            if bounds is None or value.least != value.most:
                unknown[name] = value.paths
                if bounds is not None:
                    values[bounds[0]] = value.least
                    if value.most is not None:
                        values[bounds[1]] = value.most
                continue
            value = value.least  # the bounds meet: whatever the case leaves open, the amount is this
        elif kind is Itemised:
            items[name] = value.items
            value = sum(item.ore for item in value.items)
        if bounds is None:
            values[name] = _known(value)
        else:
            values[name] = values[bounds[0]] = values[bounds[1]] = value
    needs: dict[str, dict[str, Any]] = {}
    need_unknown: dict[str, dict[str, tuple[str, ...]]] = {}
    for _, _, bounds in need_readers:
        if bounds is not None:
            values[bounds[0]] = 0  # the case's own session reads no need: there a need's amount is only at least 0
    for index, need in enumerate(_get(case, NEED_PATH) or ()):
        facts: dict[str, Any] = {}
        missing: dict[str, tuple[str, ...]] = {}
        needs[need.id], need_unknown[need.id] = facts, missing
        for name, read, bounds in need_readers:
            value = read(need)
            if value is None:
                missing[name] = tuple(_at(NEED_PATH, index, path) for path in VOCABULARY[name].paths)
                if bounds is not None:
                    facts[bounds[0]] = 0
            elif bounds is None:
                facts[name] = _known(value)
            else:
                facts[name] = facts[bounds[0]] = facts[bounds[1]] = value
    return Observations(values, items, rates, unknown, case, needs, need_unknown)


Readers = list[tuple[str, Any, tuple[str, str] | None]]
_READERS: list[Readers] = []


def _readers() -> list[Readers]:
    """(name, reader, the names of its bounds if it is money) of every case fact and of every need fact, in
    vocabulary order: looked up once rather than per case (again if a fact is added, as the tests of adding a
    provision do)."""
    def bounds(spec: FactSpec) -> tuple[str, str] | None:
        return (lower(spec.name), upper(spec.name)) if spec.kind == FactKind.money else None

    _READERS[:] = [[(s.name, s.read, bounds(s)) for s in VOCABULARY.values() if not s.per_need],
                   [(s.name, s.read_need, bounds(s)) for s in VOCABULARY.values() if s.per_need]]
    return _READERS
