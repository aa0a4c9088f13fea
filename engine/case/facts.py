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
from functools import cache
from operator import attrgetter
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
            paths = self.unknown[name] = tuple(path for path in VOCABULARY[name].paths
                                               if _field(path)(self.case) is None)
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


@cache
def _field(path: str) -> Callable[[Any], Any]:
    """The reader of a case-field path (`household.children`): the value, or None where it or an object on its way
    is absent. Made once per path, rather than the path split on every case."""
    parts = tuple(path.split("."))

    def read(value: Any) -> Any:
        for part in parts:
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    return read


# Facts read off one sub-object of the case (a section, a list) are read in one group: `observe` walks to the
# sub-object once for all of them, and when the case leaves it out, they are all unknown without a call each.
Group = Callable[[Case, Rates], tuple[Any, ...]]
_PART_OF: dict[Reader, tuple[Group, int, int]] = {}  # a fact's reader → its group, its place there, the group's size


def _group(source: str, reads: list[Callable[[Any], Any]],
           prepare: Callable[[Any], Any] | None = None) -> list[Reader]:
    """The readers of facts read off the sub-object at the case-field path `source`: each of `reads` gives one fact
    (None: unknown) from the sub-object, or from what `prepare` makes of it once for them all; without the
    sub-object every fact is unknown. Each reader reads the whole group (the fact's reader, for whoever reads one
    fact); `observe` reads the group once (`_readers`)."""
    sub_object = _field(source)
    unknown = (None,) * len(reads)

    def group(case: Case, _rates: Rates) -> tuple[Any, ...]:
        part = sub_object(case)
        if part is None:
            return unknown
        if prepare is not None:
            part = prepare(part)
        return tuple([read(part) for read in reads])

    def part(index: int) -> Reader:
        def read(case: Case, rates: Rates) -> Any:
            return group(case, rates)[index]

        _PART_OF[read] = (group, index, len(reads))
        return read

    return [part(index) for index in range(len(reads))]


def _copies(copied: list[tuple[str, FactKind, str, str]]) -> None:
    """Facts copied straight from a field of a section of the case (name, kind, `section.field`, description), read
    a section at a time, each field by an `attrgetter` (in C)."""
    sections: dict[str, list[str]] = {}
    for _, _, path, _ in copied:
        section, name = path.split(".")
        sections.setdefault(section, []).append(name)
    readers = {section: dict(zip(names, _group(section, [attrgetter(name) for name in names]), strict=True))
               for section, names in sections.items()}
    for name, kind, path, description in copied:  # in the order given, which is the vocabulary's
        section, field_name = path.split(".")
        fact(name, kind, [path], description)(readers[section][field_name])


def _facts_of(source: str, declared: list[tuple[str, FactKind, str, Callable[[Any], Any]]],
              prepare: Callable[[Any], Any] | None = None, nb: Mapping[str, str] = {}) -> None:
    """Facts (name, kind, description, how it is read) read off the sub-object at `source` (`_group`), with the
    Norwegian labels `nb` of those that have one."""
    readers = _group(source, [read for *_, read in declared], prepare)
    for (name, kind, description, _), read in zip(declared, readers, strict=True):
        fact(name, kind, [source], description, nb.get(name, ""))(read)


def _columns(names: tuple[str, ...]) -> Callable[[Iterable[Any]], dict[str, tuple[Any, ...]]]:
    """What reads the fields `names` (two or more) of a list's items: a tuple of the items' values for each field,
    read in C rather than an item and a field at a time."""
    fields = attrgetter(*names)

    def columns(items: Iterable[Any]) -> dict[str, tuple[Any, ...]]:
        rows = list(map(fields, items))
        return dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else dict.fromkeys(names, ())

    return columns


def need_fact(name: str, kind: FactKind, attribute: str, description: str, nb: str = "") -> None:
    """A fact of one need: the need's attribute, copied."""
    if name in VOCABULARY:
        raise ValueError(f"fact {name} declared twice")

    money = kind == FactKind.money

    def read(need: Need) -> Any:
        value = getattr(need, attribute)
        return to_ore(value) if money and value is not None else value

    VOCABULARY[name] = FactSpec(name, kind, (attribute,), description, None, nb, read_need=read)


def _at(list_path: str, index: int, name: str) -> str:
    """The path of one field of one item of a list, as `missing_facts` names it: `assets[2].value`."""
    return f"{list_path}[{index}].{name}"


def _sum_in_part(list_path: str, name: str, counted: Iterable[tuple[int, Decimal | None]],
                 unsure: Iterable[tuple[int, str, Decimal | None]] = ()) -> int | Unknown:
    """A sum of amounts that are never negative, the field `name` of items of the list at `list_path`: the `counted`
    items' (each the item's index, and its amount or None when the item is listed without it), plus each `unsure`
    item's (its index, its field that would settle whether it counts, and its amount or None), which may or may not
    count. Exact when nothing is unknown; otherwise bounded below by the known amounts counted, and above by every
    amount that may count, if all are known. The paths of what is unknown are written out only then."""
    paths: list[str] = []
    least, most = 0, 0
    for index, amount in counted:
        if amount is None:
            paths.append(_at(list_path, index, name))
            most = None
        else:
            ore = to_ore(amount)
            least += ore
            if most is not None:
                most += ore
    for index, whether, amount in unsure:
        paths.append(_at(list_path, index, whether))
        if amount is None:
            paths.append(_at(list_path, index, name))
            most = None
        elif most is not None:
            most += to_ore(amount)
    return Unknown(tuple(paths), least, most) if paths else least


def _sum_where(list_path: str, name: str, keys: tuple[Any, ...], amounts: tuple[Decimal | None, ...],
               wanted: Iterable[Any]) -> int | Unknown:
    """The sum of the amounts (`amounts`: the field `name` of the items of the list at `list_path`, `_columns`) of the
    items whose key (`keys`, another of their fields) is one of `wanted`; an item listed without its amount leaves
    the sum at least the known amounts (`_sum_in_part`)."""
    return _sum_in_part(list_path, name, ((index, amount) for index, (key, amount)
                                          in enumerate(zip(keys, amounts, strict=True)) if key in wanted))


def _itemised(list_path: str, codes: tuple[str, ...], amounts: tuple[Decimal | None, ...], name: str,
              listed: str) -> Itemised | Unknown:
    """The items of a list by code and amount (`codes` and `amounts`: two of their fields, `_columns`; the amounts
    the field `name`), sorted, each labelled by the code's Norwegian label (in the glossary's codes `listed`) and by
    the code itself; while an item has no amount, only the bounds of their sum."""
    if None in amounts:
        return _sum_in_part(list_path, name, enumerate(amounts))
    label = glossary().code
    return Itemised(tuple(Item(label(listed, code), code, to_ore(amount))
                          for code, amount in sorted(zip(codes, amounts, strict=True))))


# --- copied straight from the record ----------------------------------------------------------------------

_copies([
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
])


@fact("full_time_student", FactKind.boolean, ["education.student", "education.full_time"],
      "the applicant is a full-time student")
def _full_time_student(case: Case, _rates: Rates) -> bool | None:
    student, full_time = _field("education.student")(case), _field("education.full_time")(case)
    if student is False or full_time is False:
        return False
    return True if student and full_time else None


@fact("acute_need", FactKind.boolean, ["request.acute_need"],
      "no food or shelter here and now: request.acute_need, or an immediate need listed")
def _acute_need(case: Case, _rates: Rates) -> bool | None:
    if any(need.kind == NeedKind.immediate for need in _field(NEED_PATH)(case) or ()):
        return True
    return _field("request.acute_need")(case)


# --- sums and counts over itemised lists -------------------------------------------------------------------


def _income_of(kinds: set[str] | None = None, member: Member | None = None):
    """All income items (itemised), or the sum of those of some kinds, or the sum of one member's; while one of the
    items summed has no amount, the known amounts are the least it can be."""
    def read(income: dict[str, tuple[Any, ...]]) -> Itemised | int | Unknown:
        amounts = income["monthly_amount"]
        if member is not None:
            return _sum_where("income", "monthly_amount", income["belongs_to"], amounts, (member,))
        if kinds is None:
            return _itemised("income", income["kind"], amounts, "monthly_amount", "IncomeKind")
        return _sum_where("income", "monthly_amount", income["kind"], amounts, kinds)

    return read


_facts_of("income", [
    ("income_total", FactKind.money, "all monthly income in the household", _income_of()),
    ("income_child_benefit", FactKind.money, "monthly child benefit (barnetrygd)", _income_of({"child_benefit"})),
    ("income_child_benefit_abroad", FactKind.money, "monthly child benefit paid by another state",
     _income_of({"child_benefit_abroad"})),
    ("income_children_leisure_work", FactKind.money, "children's monthly income from leisure and holiday work",
     _income_of({"children_leisure_work"})),
    ("income_cohabitant", FactKind.money, "a cohabitant's monthly income", _income_of(member=Member.cohabitant)),
], prepare=_columns(("kind", "monthly_amount", "belongs_to")), nb={
    "income_total": "all inntekt i husstanden", "income_child_benefit": "barnetrygd",
    "income_child_benefit_abroad": "barnetrygd fra utlandet",
    "income_children_leisure_work": "barns inntekt fra fritids- og feriearbeid",
    "income_cohabitant": "samboerens inntekt"})


@fact("bank_deposits_not_needed", FactKind.money, ["assets"],
      "bank deposits the caseworker judged not necessary for daily living",
      nb="bankinnskudd som ikke er nødvendig for livsoppholdet")
def _deposits_available(case: Case, _rates: Rates) -> int | Unknown | None:
    if case.assets is None:
        return None
    deposits = [(index, asset) for index, asset in enumerate(case.assets) if asset.kind == AssetKind.bank_deposit]
    # A deposit judged needed for daily living adds nothing, so its value, known or not, does not matter.
    return _sum_in_part("assets", "value",
                        ((index, asset.value) for index, asset in deposits if asset.needed_for_daily_living is False),
                        ((index, "needed_for_daily_living", asset.value)
                         for index, asset in deposits if asset.needed_for_daily_living is None))


@fact("other_assets_not_judged_needed", FactKind.count, ["assets"],
      "assets other than bank deposits (a home, a vehicle, other property) not judged necessary for daily living")
def _other_assets(case: Case, _rates: Rates) -> int | None:
    if case.assets is None:
        return None
    return sum(1 for asset in case.assets
               if asset.kind != AssetKind.bank_deposit and asset.needed_for_daily_living is not True)


def _expenses_of(kind: ExpenseKind):
    return lambda expenses: _sum_where("expenses", "monthly_amount", expenses["kind"], expenses["monthly_amount"],
                                       (kind,))


_facts_of("expenses", [
    ("expenses_total", FactKind.money, "monthly housing, power, insurance and other expenses",
     lambda expenses: _itemised("expenses", expenses["kind"], expenses["monthly_amount"], "monthly_amount",
                                "ExpenseKind")),
    ("expenses_mortgage_repayment", FactKind.money, "monthly repayment of a mortgage (avdrag)",
     _expenses_of(ExpenseKind.mortgage_repayment)),
    ("expenses_child_support", FactKind.money, "monthly child support the applicant pays",
     _expenses_of(ExpenseKind.child_support)),
], prepare=_columns(("kind", "monthly_amount")), nb={
    "expenses_total": "boutgifter, strøm, forsikring og andre nødvendige utgifter",
    "expenses_mortgage_repayment": "avdrag på boliglån", "expenses_child_support": "barnebidrag søkeren betaler"})


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
    needed = _field("services.needed")(case)
    return None if needed is None else len(set(needed))


@fact("applied_for_financial_assistance", FactKind.boolean, ["request.applied_for"],
      "the request includes financial assistance of some kind")
def _applied_for_money(case: Case, _rates: Rates) -> bool | None:
    applied = _field("request.applied_for")(case)
    return None if applied is None else any(kind != "individual_plan" for kind in applied)


@fact("has_representative", FactKind.boolean, ["participation.representative"],
      "someone (guardian, relative, trusted or appointed person) speaks for the client")
def _has_representative(case: Case, _rates: Rates) -> bool | None:
    kind = _field("participation.representative")(case)
    return None if kind is None else kind != RepresentativeKind.none


def _gathered_failing(test, fields: tuple[str, ...]):
    """The number of items failing `test` (which gives None for an item it cannot tell: what is missing is then
    those of the item's `fields` the record leaves out)."""
    def read(items: list[Any]) -> int | Unknown:
        results = [test(item) for item in items]
        if None not in results:
            return results.count(False)
        return Unknown(tuple(_at("participation.information_gathering", i, name)
                             for i, (item, result) in enumerate(zip(items, results, strict=True)) if result is None
                             for name in fields if getattr(item, name) is None))

    return read


_facts_of("participation.information_gathering", [
    ("information_items", FactKind.count, "pieces of information gathered about the client", len),
    ("information_items_without_client_knowledge", FactKind.count,
     "pieces of information gathered neither with the client nor with the client's knowledge",
     _gathered_failing(lambda item: None if item.how is None else item.how != GatheredHow.neither, ("how",))),
    ("information_items_not_put_to_client", FactKind.count,
     "pieces of information from others the client has not been told of and given the chance to comment on",
     _gathered_failing(lambda item: True if item.how == GatheredHow.with_client else item.client_could_comment,
                       ("how", "client_could_comment"))),
])


_facts_of("conditions.stipulated", [
    ("conditions_stipulated", FactKind.count, "conditions attached to the assistance", len),
    ("activity_conditions_stipulated", FactKind.count, "activity conditions set",
     lambda stipulated: sum(1 for c in stipulated if c.kind == "activity")),
])


def _conditions_failing(flag: str):
    """The number of conditions whose `flag` (of `_columns`) is false; unknown while one's is missing."""
    def read(flags: dict[str, tuple[bool | None, ...]]) -> int | Unknown:
        column = flags[flag]
        if None in column:
            return Unknown(tuple(_at("conditions.stipulated", i, flag) for i, v in enumerate(column) if v is None))
        return column.count(False)

    return read


_CONDITIONS_FAILING = [
    ("conditions_not_closely_connected", "closely_connected", "conditions not closely related to the decision"),
    ("conditions_disproportionate", "proportionate", "conditions disproportionately burdensome"),
    ("conditions_limiting_freedom", "respects_freedom_of_action", "conditions unreasonably limiting freedom"),
    ("conditions_not_discussed", "discussed_with_client", "conditions not discussed with the client"),
    ("conditions_unlawful", "lawful", "conditions in conflict with this act or other law"),
]
_facts_of("conditions.stipulated", [(name, FactKind.count, text, _conditions_failing(flag))
                                    for name, flag, text in _CONDITIONS_FAILING],
          prepare=_columns(tuple(flag for _, flag, _ in _CONDITIONS_FAILING)))

_copies([
    ("weighty_reasons_against_activity_conditions", FactKind.boolean, "conditions.weighty_reasons_against_activity",
     "weighty reasons speak against activity conditions"),
    ("weighty_reasons_recorded", FactKind.boolean, "conditions.weighty_reasons_recorded",
     "the weighty reasons are recorded"),
    ("assistance_reduced_for_breach", FactKind.boolean, "conditions.reduced_for_breach",
     "assistance reduced for a broken condition"),
    ("reduction_announced_in_decision", FactKind.boolean, "conditions.reduction_announced_in_decision",
     "the decision told the client that a broken condition may reduce the assistance"),
])


# --- per matter: the participation record ------------------------------------------------------------------


def _consulted(matter: Matter, parties: set[Party]):
    return lambda held: any(c.matter == matter and c.with_ in parties for c in held)


def _view_stated(matter: Matter, parties: set[Party]):
    return lambda views: any(v.matter == matter and v.stated_by in parties for v in views)


def _on_matter(matter: Matter, names: tuple[str, ...]):
    """The proposals on `matter`: their indexes in the record, and their fields `names` (`_columns`)."""
    columns = _columns(names)

    def on_matter(proposals: list[Any]) -> tuple[list[int], dict[str, tuple[Any, ...]]]:
        indexes = [i for i, p in enumerate(proposals) if p.matter == matter]
        return indexes, columns([proposals[i] for i in indexes])

    return on_matter


_NO_PROPOSAL = Unknown(("participation.proposals",))


def _proposals(name: str, value: Callable[[Any], bool] | None = None):
    """Whether some proposal on a matter (`_on_matter`) shows what `value` reads off its field `name` (without
    `value`: its field `name` is true); unknown while a proposal does not say (that field is missing), or while the
    record has no proposal on the matter (one is)."""
    def read(on_matter: tuple[list[int], dict[str, tuple[Any, ...]]]) -> bool | Unknown:
        indexes, columns = on_matter
        if not indexes:
            return _NO_PROPOSAL
        fields = columns[name]
        if None in fields:
            return Unknown(tuple(_at("participation.proposals", i, name)
                                 for i, field in zip(indexes, fields, strict=True) if field is None))
        return any(fields) if value is None else any(map(value, fields))

    return read


_facts_of("participation.consultations", [
    entry for _matter in Matter for entry in [
        (f"consulted_client_on_{_matter.value}", FactKind.boolean, f"the client was consulted on {_matter.value}",
         _consulted(_matter, {Party.client})),
        (f"consulted_representative_on_{_matter.value}", FactKind.boolean,
         f"a guardian or representative was consulted on {_matter.value}",
         _consulted(_matter, {Party.guardian, Party.representative})),
    ]
])

# The view, the proposal and its reasons are asked about for the decision on financial assistance only.
_m = Matter.financial_assistance.value
_facts_of("participation.client_views", [
    (f"view_stated_by_client_on_{_m}", FactKind.boolean, f"the client's own view on {_m} is recorded",
     _view_stated(Matter.financial_assistance, {Party.client})),
    (f"view_stated_by_representative_on_{_m}", FactKind.boolean,
     f"a guardian's or representative's account of the client's view on {_m} is recorded",
     _view_stated(Matter.financial_assistance, {Party.guardian, Party.representative})),
])
_SHOWN = [  # a proposal's field that shows what the fact says, and what it says
    ("departs_from_client_view", "the proposed outcome departs from the client's view"),
    ("departure_justified_in_writing", "the departure is justified in writing"),
    ("written_reasons", "the decision has written reasons"),
    ("reasons_cite_rules", "the reasons cite the rules the decision rests on"),
    ("reasons_state_facts", "the reasons state the facts the decision rests on"),
    ("reasons_name_main_considerations", "the reasons name the main considerations of the discretion"),
    ("loan_reasons_given", "the reasons say why the assistance is a loan"),
    ("appeal_information_given", "the decision tells of the right to appeal, the time limit and where to appeal"),
]
_facts_of("participation.proposals", [
    *[(f"{shown}_on_{_m}", FactKind.boolean, f"{text} ({_m})", _proposals(shown)) for shown, text in _SHOWN],
    (f"decision_not_granted_in_full_on_{_m}", FactKind.boolean,
     f"the decision refuses or only partly grants what was applied for ({_m})",
     _proposals("result", lambda result: result != DecisionResult.granted)),
    (f"assistance_as_loan_on_{_m}", FactKind.boolean, f"the assistance is given as a loan ({_m})",
     _proposals("form", lambda form: form == FormOfAssistance.loan)),
], prepare=_on_matter(Matter.financial_assistance, (*(shown for shown, _ in _SHOWN), "result", "form")))


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
    _, case_readers, need_readers = _READERS if _READERS and _READERS[0] == len(VOCABULARY) else _readers()
    group: tuple[Any, ...] = ()
    for read, index, name, bounds, code in case_readers:
        if index is None:
            value = read(case, rates)
        else:  # a fact of a group: the group is read at its first fact
            if read is not None:
                group = read(case, rates)
            value = group[index]
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
        if bounds is not None:
            values[name] = values[bounds[0]] = values[bounds[1]] = value
        else:
            values[name] = _known(value) if code else value
    needs: dict[str, dict[str, Any]] = {}
    need_unknown: dict[str, dict[str, tuple[str, ...]]] = {}
    for _, _, (_, bounds, _) in need_readers:
        if bounds is not None:
            values[bounds[0]] = 0  # the case's own session reads no need: there a need's amount is only at least 0
    for index, need in enumerate(_field(NEED_PATH)(case) or ()):
        facts: dict[str, Any] = {}
        missing: dict[str, tuple[str, ...]] = {}
        needs[need.id], need_unknown[need.id] = facts, missing
        for read, paths, (name, bounds, code) in need_readers:
            value = read(need)
            if value is None:
                missing[name] = tuple(_at(NEED_PATH, index, path) for path in paths)
                if bounds is not None:
                    facts[bounds[0]] = 0
            elif bounds is not None:
                facts[name] = facts[bounds[0]] = facts[bounds[1]] = value
            else:
                facts[name] = _known(value) if code else value
    return Observations(values, items, rates, unknown, case, needs, need_unknown)


Target = tuple[str, tuple[str, str] | None, bool]  # a fact, the names of its bounds if it is money, if it is a code
# (a reader, or None; the fact's place in its group, or None; the fact): the reader of a fact of a group is the group's
# at the group's first fact and None at the others, which follow it
CaseReaders = list[tuple[Any, int | None, str, tuple[str, str] | None, bool]]
NeedReaders = list[tuple[NeedReader, tuple[str, ...], Target]]  # a need fact's reader, its paths within the need
_READERS: list[Any] = []  # the number of facts they read, and what `_readers` made of them


def _readers() -> tuple[int, CaseReaders, NeedReaders]:
    """How `observe` reads the vocabulary: every case fact by its reader, in the vocabulary's order, but the facts
    of a group (`_group`) together, where the first of them is, and the group read once for them (a fact whose
    reader is not its group's any more, as the tests of adding a fact may make it, stands alone); then each need
    fact by its reader. Made once rather than per case (again if the vocabulary changes size, as it does when a
    test adds a fact). Only a code can be an enum member, which the engines hold by value (`_known`)."""
    def target(spec: FactSpec) -> Target:
        bounds = (lower(spec.name), upper(spec.name)) if spec.kind == FactKind.money else None
        return spec.name, bounds, spec.kind == FactKind.code

    planned: dict[Any, tuple[Any, list[tuple[int | None, Target]]]] = {}  # group or fact -> reader, facts
    for spec in VOCABULARY.values():
        if not spec.per_need:
            group, index, _ = _PART_OF.get(spec.read, (None, None, 1))
            planned.setdefault(group or spec.name, (group or spec.read, []))[1].append((index, target(spec)))
    case_readers: CaseReaders = [(read if place == 0 else None, index, *fact_target)
                                 for read, facts in planned.values()
                                 for place, (index, fact_target) in enumerate(facts)]
    need_readers = [(s.read_need, s.paths, target(s)) for s in VOCABULARY.values() if s.per_need]
    _READERS[:] = [len(VOCABULARY), case_readers, need_readers]
    return len(VOCABULARY), case_readers, need_readers
