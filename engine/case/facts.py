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

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache, cached_property, partial
from itertools import compress
from operator import attrgetter
from typing import Any, NamedTuple

from engine.case.glossary import glossary
from engine.case.model import (
    AssetKind,
    Case,
    DecisionResult,
    EconomicRight,
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


# The records below are made anew for every case, a few dozen of them: named tuples, which cost half what a frozen
# dataclass does (it sets each field through object.__setattr__).


class Item(NamedTuple):
    """One item behind a summed money fact: a household member's guideline rate, an income, an expense."""

    nb: str
    en: str
    ore: int


class Itemised(NamedTuple):
    """What a summing reader returns: the sum (øre), and what lists the items summed, in a canonical order (never
    the order of the case's lists), when an answer shows them (most never do)."""

    total: int
    items: Callable[[], tuple[Item, ...]]


class Rates(NamedTuple):
    """The rate table that applies to the case, and its row in force on the decision date (looked up once)."""

    table: RateTable
    row: RateRow | None


class Unknown(NamedTuple):
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


class Observations:
    """What the engines read off a case: every known fact by name (unknown facts are absent) and every money fact's
    bounds (`lower`, `upper`); the items behind the summed facts; for each fact the case does not settle, the
    case-field paths that would (`unknown`, `paths`); and, for each need the application lists, that need's own
    facts and bounds (`needs`: need id → facts), which its answers read besides the case's (`of_need`)."""

    def __init__(self, values: dict[str, Any], listing: dict[str, Callable[[], tuple[Item, ...]]], rates: Rates,
                 case: Case, unknown: dict[str, tuple[str, ...] | None], needs: dict[str, dict[str, Any]],
                 need_unknown: dict[str, dict[str, None]], need: int | None = None) -> None:
        """`listing`: what lists the items of each summed fact (`Itemised`); `unknown`: each fact the session reads
        that the case does not settle, with its paths as its reader named them, else None until `paths` works them
        out; `need_unknown`: need id → the need's facts it does not settle; `need`: the place in the application of
        the need whose facts `values` holds besides the case's (`of_need`), if any."""
        self.values, self.rates, self.case, self.unknown = values, rates, case, unknown
        self.needs, self.need_unknown = needs, need_unknown
        self._listing, self._need = listing, need

    @cached_property
    def items(self) -> dict[str, tuple[Item, ...]]:
        """The items behind each summed fact, by fact. Listed when first asked for: only an amount breakdown shows
        them."""
        return {name: list_items() for name, list_items in self._listing.items()}

    def paths(self, name: str) -> tuple[str, ...]:
        """The case-field paths that would settle an unknown fact: as its reader named them, or else those of the
        fact's declared paths the case leaves out (for a need's fact, the need's field: `request.needs[0].amount`).
        Worked out when first asked: most answers never ask."""
        paths = self.unknown[name]
        if paths is None:
            spec = VOCABULARY[name]
            if spec.per_need:
                paths = tuple(_at(NEED_PATH, self._need, path) for path in spec.paths)
            else:
                paths = tuple(path for path in spec.paths if _field(path)(self.case) is None)
            self.unknown[name] = paths
        return paths

    def of_need(self, need_id: str) -> Observations:
        """What a need's session reads: the case's facts with that need's own, and what either leaves unknown."""
        return Observations(self.values | self.needs[need_id], self._listing, self.rates, self.case,
                            self.unknown | self.need_unknown[need_id], self.needs, self.need_unknown,
                            need=list(self.needs).index(need_id))  # `needs` is in the application's order


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
    """The reader of a field path (`household.children`) from an object that has its first field, as the case has
    every field of its own: the value, or None where an object on the way is absent. Made once per path, each field
    read in C."""
    first, _, rest = path.partition(".")
    read_first = attrgetter(first)
    if not rest:
        return read_first
    read_rest = _field(rest)

    def read(value: Any) -> Any:
        value = read_first(value)
        return None if value is None else read_rest(value)

    return read


# Facts read off one sub-object of the case (a section, a list) are read in one group: `observe` walks to the
# sub-object once for all of them, and when the case leaves it out, they are all unknown without a call each.
Group = Callable[[Case, Rates], Sequence[Any]]  # gives the facts of a group, in its order (None: unknown)
_PART_OF: dict[Reader, tuple[Group, int, int]] = {}  # a fact's reader → its group, its place there, the group's size


def _group(source: str, size: int, read_all: Callable[[Any], Sequence[Any]]) -> list[Reader]:
    """The readers of `size` facts that `read_all` gives off the sub-object at the case-field path `source`; without
    the sub-object every fact is unknown. Each reader reads the whole group (the fact's reader, for whoever reads
    one fact); `observe` reads the group once (`_plan`)."""
    sub_object = _field(source)
    unknown = (None,) * size

    def group(case: Case, _rates: Rates) -> Sequence[Any]:
        part = sub_object(case)
        return unknown if part is None else read_all(part)

    def part(index: int) -> Reader:
        def read(case: Case, rates: Rates) -> Any:
            return group(case, rates)[index]

        _PART_OF[read] = (group, index, size)
        return read

    return [part(index) for index in range(size)]


def _fields(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What reads the fields `names` of an object, all in one call in C."""
    read = attrgetter(*names)
    return read if len(names) > 1 else lambda value: (read(value),)


def _copies(copied: list[tuple[str, FactKind, str, str]]) -> None:
    """Facts copied straight from a field of a section of the case (name, kind, `section.field`, description), read
    a section at a time (`_fields`)."""
    sections: dict[str, list[str]] = {}
    for _, _, path, _ in copied:
        section, name = path.split(".")
        sections.setdefault(section, []).append(name)
    readers = {section: dict(zip(names, _group(section, len(names), _fields(tuple(names))), strict=True))
               for section, names in sections.items()}
    for name, kind, path, description in copied:  # in the order given, which is the vocabulary's
        section, field_name = path.split(".")
        fact(name, kind, [path], description)(readers[section][field_name])


def _facts_of(source: str, declared: list[tuple[str, FactKind, str, Callable[[Any], Any]]],
              prepare: Callable[[Any], Any] | None = None, nb: Mapping[str, str] = {}) -> None:
    """Facts (name, kind, description, how it is read) read off the sub-object at `source` (`_group`), or off what
    `prepare` makes of it once for them all, with the Norwegian labels `nb` of those that have one."""
    reads = [read for *_, read in declared]

    def read_all(part: Any) -> list[Any]:
        if prepare is not None:
            part = prepare(part)
        return [read(part) for read in reads]

    _facts_read_together(source, [(name, kind, description) for name, kind, description, _ in declared], read_all, nb)


def _facts_read_together(source: str, declared: list[tuple[str, FactKind, str]],
                         read_all: Callable[[Any], Sequence[Any]], nb: Mapping[str, str] = {}) -> None:
    """Facts (name, kind, description) that `read_all` gives all at once, in that order, off the sub-object at
    `source` (`_group`), with the Norwegian labels `nb` of those that have one. For a family of facts read alike,
    one loop over them, rather than a reader's call each."""
    for (name, kind, description), read in zip(declared, _group(source, len(declared), read_all), strict=True):
        fact(name, kind, [source], description, nb.get(name, ""))(read)


def _columns(names: tuple[str, ...], amounts: tuple[str, ...] = ()) -> Callable[[Iterable[Any]],
                                                                                 dict[str, tuple[Any, ...]]]:
    """What reads the fields `names` of a list's items: a tuple of the items' values for each field, read in C
    rather than an item and a field at a time; the fields `amounts` among them (kroner) in whole øre, converted once
    for every fact that sums them."""
    fields = [(name, attrgetter(name), name in amounts) for name in names]

    def columns(items: Iterable[Any]) -> dict[str, tuple[Any, ...]]:
        return {name: tuple(map(_in_ore, map(field, items)) if in_ore else map(field, items))
                for name, field, in_ore in fields}

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


def _in_ore(amount: Decimal | None) -> int | None:
    return None if amount is None else to_ore(amount)


def _sum_in_part(list_path: str, name: str, counted: Iterable[tuple[int, int | None]],
                 unsure: Iterable[tuple[int, str, int | None]] = ()) -> int | Unknown:
    """A sum of amounts (øre) that are never negative, the field `name` of items of the list at `list_path`: the
    `counted` items' (each the item's index, and its amount or None when the item is listed without it), plus each
    `unsure` item's (its index, its field that would settle whether it counts, and its amount or None), which may or
    may not count. Exact when nothing is unknown; otherwise bounded below by the known amounts counted, and above by
    every amount that may count, if all are known. The paths of what is unknown are written out only then."""
    paths: list[str] = []
    least, most = 0, 0
    for index, amount in counted:
        if amount is None:
            paths.append(_at(list_path, index, name))
            most = None
        else:
            least += amount
            if most is not None:
                most += amount
    for index, whether, amount in unsure:
        paths.append(_at(list_path, index, whether))
        if amount is None:
            paths.append(_at(list_path, index, name))
            most = None
        elif most is not None:
            most += amount
    return Unknown(tuple(paths), least, most) if paths else least


def _sum_where(list_path: str, name: str, keys: tuple[Any, ...], amounts: tuple[int | None, ...],
               wanted: Container[Any]) -> int | Unknown:
    """The sum of the amounts (`amounts`: the field `name` of the items of the list at `list_path`, in øre,
    `_columns`) of the items whose key (`keys`, another of their fields) is one of `wanted`; an item listed without
    its amount leaves the sum at least the known amounts (`_sum_in_part`)."""
    if None not in amounts:  # the common case: the amounts whose key is wanted, summed in C
        return sum(compress(amounts, map(wanted.__contains__, keys)))
    counted = [(index, amount) for index, (key, amount) in enumerate(zip(keys, amounts, strict=True)) if key in wanted]
    return _sum_in_part(list_path, name, counted)


def _itemised(list_path: str, codes: tuple[str, ...], amounts: tuple[int | None, ...], name: str,
              listed: str) -> Itemised | Unknown:
    """The items of a list by code and amount (`codes` and `amounts`: two of their fields, `_columns`; the amounts
    the field `name`, in øre), sorted, each labelled by the code's Norwegian label (in the glossary's codes `listed`)
    and by the code itself; while an item has no amount, only the bounds of their sum."""
    if None in amounts:
        return _sum_in_part(list_path, name, enumerate(amounts))
    return Itemised(sum(amounts), partial(_coded_items, listed, codes, amounts))


def _coded_items(listed: str, codes: tuple[str, ...], amounts: tuple[int, ...]) -> tuple[Item, ...]:
    label = glossary().code
    return tuple(Item(label(listed, code), code, amount) for code, amount in sorted(zip(codes, amounts, strict=True)))


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
], prepare=_columns(("kind", "monthly_amount", "belongs_to"), amounts=("monthly_amount",)), nb={
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
                        ((index, _in_ore(asset.value)) for index, asset in deposits
                         if asset.needed_for_daily_living is False),
                        ((index, "needed_for_daily_living", _in_ore(asset.value))
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
], prepare=_columns(("kind", "monthly_amount"), amounts=("monthly_amount",)), nb={
    "expenses_total": "boutgifter, strøm, forsikring og andre nødvendige utgifter",
    "expenses_mortgage_repayment": "avdrag på boliglån", "expenses_child_support": "barnebidrag søkeren betaler"})


def _rights(status: RightStatus, unguided: bool):
    """The number of economic rights with `status`; or, if `unguided`, of those the client has not been guided to
    claim, unknown while one of them does not say."""
    def read(rights: list[EconomicRight]) -> int | None:
        guided = [right.guidance_given for right in rights if right.status == status]
        if not unguided:
            return len(guided)
        return None if None in guided else guided.count(False)

    return read


_facts_of("economic_rights", [
    ("rights_not_claimed", FactKind.count, "economic rights not yet claimed",
     _rights(RightStatus.not_claimed, unguided=False)),
    ("rights_not_claimed_without_guidance", FactKind.count,
     "economic rights not yet claimed that the client has not been guided to claim",
     _rights(RightStatus.not_claimed, unguided=True)),
    ("pending_rights", FactKind.count, "economic rights claimed and still pending",
     _rights(RightStatus.pending, unguided=False)),
])


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
    table, ore = rates.table, rates.row.in_ore
    adults, paths = _adult_categories(household, table.household)
    ages = [child.age for child in household.children or ()]
    members = [(adults, None, paths)]  # each member's categories, age if a child's is known, and unknown paths
    members += [([table.child_categories[age]], age, ()) for age in sorted([age for age in ages if age is not None])]
    if None in ages:
        bands = [band.category for band in table.household.children]
        members += [(bands, None, (_at("household.children", index, "age"),))
                    for index, age in enumerate(ages) if age is None]
    lines, known, least, most, missing = [], 0, 0, 0, []
    for categories, age, member_paths in members:
        if len(categories) == 1:  # the household says which
            amount = ore[categories[0]]
        else:
            amounts = [ore[category] for category in categories]
            amount, most_amount = min(amounts), max(amounts)
            if amount != most_amount:  # which of them it is matters
                least, most = least + amount, most + most_amount
                missing += member_paths
                continue
        lines.append((categories, age, amount))
        known += amount
    if household.children is None:
        return Unknown(tuple(missing + ["household.children"]), known + least, None)
    if missing:
        return Unknown(tuple(missing), known + least, known + most)
    return Itemised(known, partial(_rate_items, table, lines))


def _rate_items(table: RateTable, lines: list[tuple[list[str], int | None, int]]) -> tuple[Item, ...]:
    """The items of a guideline rate (`_rate_lines`: each member's categories, age and rate), labelled by the
    categories' labels (those of a few with one rate, when the household leaves it open which) and a child's age."""
    items = []
    for categories, age, amount in lines:
        labels = [table.categories[category] for category in categories]
        nb, en = ("", "") if age is None else (f" ({age} år)", f" ({age})")
        items.append(Item(" / ".join(label.nb for label in labels) + nb,
                          " / ".join(label.en for label in labels) + en, amount))
    return tuple(items)


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
                             for i, item in enumerate(items) if results[i] is None
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


def _conditions_failing(flag: str):
    """The number of conditions whose `flag` (a field of `_columns`) is false; unknown while one's is missing."""
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
_facts_of("conditions.stipulated", [
    ("conditions_stipulated", FactKind.count, "conditions attached to the assistance",
     lambda columns: len(columns["kind"])),
    ("activity_conditions_stipulated", FactKind.count, "activity conditions set",
     lambda columns: columns["kind"].count("activity")),
    *[(name, FactKind.count, text, _conditions_failing(flag)) for name, flag, text in _CONDITIONS_FAILING],
], prepare=_columns(("kind", *(flag for _, flag, _ in _CONDITIONS_FAILING))))

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


def _pairs(first: str, second: str) -> Callable[[Iterable[Any]], set[tuple[Any, Any]]]:
    """What reads the pairs of the fields `first` and `second` that a list's items hold (in C)."""
    fields = attrgetter(first, second)
    return lambda items: set(map(fields, items))


def _with_party(matter: Matter, parties: set[Party]):
    """Whether a consultation or a view (of the `_pairs` of their matter and their party) is on `matter` and held
    with, or stated by, one of `parties`."""
    wanted = frozenset((matter, party) for party in parties)
    return lambda pairs: not wanted.isdisjoint(pairs)


_NO_PROPOSAL = Unknown(("participation.proposals",))


def _shown_on(matter: Matter, shown: list[tuple[str, Callable[[Any], bool] | None]]):
    """For each (field, test) of `shown`: whether some proposal on `matter` shows what `test` reads off its `field`
    (without `test`: the field is true); unknown while a proposal on the matter does not say (that field is
    missing), or while the record has no proposal on the matter (one is). The fields of a proposal are read at once,
    in C."""
    fields = attrgetter(*(name for name, _ in shown))

    def read_all(proposals: list[Any]) -> list[bool | Unknown]:
        rows = [(index, fields(proposal)) for index, proposal in enumerate(proposals) if proposal.matter == matter]
        if not rows:
            return [_NO_PROPOSAL] * len(shown)
        facts: list[bool | Unknown] = []
        for place, (name, test) in enumerate(shown):
            column = [row[place] for _, row in rows]
            if None in column:
                facts.append(Unknown(tuple([_at("participation.proposals", index, name)
                                            for index, row in rows if row[place] is None])))
            else:
                facts.append(any(column) if test is None else any(map(test, column)))
        return facts

    return read_all


_facts_of("participation.consultations", [
    entry for _matter in Matter for entry in [
        (f"consulted_client_on_{_matter.value}", FactKind.boolean, f"the client was consulted on {_matter.value}",
         _with_party(_matter, {Party.client})),
        (f"consulted_representative_on_{_matter.value}", FactKind.boolean,
         f"a guardian or representative was consulted on {_matter.value}",
         _with_party(_matter, {Party.guardian, Party.representative})),
    ]
], prepare=_pairs("matter", "with_"))

# The view, the proposal and its reasons are asked about for the decision on financial assistance only.
_m = Matter.financial_assistance.value
_facts_of("participation.client_views", [
    (f"view_stated_by_client_on_{_m}", FactKind.boolean, f"the client's own view on {_m} is recorded",
     _with_party(Matter.financial_assistance, {Party.client})),
    (f"view_stated_by_representative_on_{_m}", FactKind.boolean,
     f"a guardian's or representative's account of the client's view on {_m} is recorded",
     _with_party(Matter.financial_assistance, {Party.guardian, Party.representative})),
], prepare=_pairs("matter", "stated_by"))
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
_SHOWN_BY = [  # a proposal's field that shows what the fact says by what it holds
    ("result", lambda result: result != DecisionResult.granted, "decision_not_granted_in_full",
     "the decision refuses or only partly grants what was applied for"),
    ("form", lambda form: form == FormOfAssistance.loan, "assistance_as_loan", "the assistance is given as a loan"),
]
_facts_read_together("participation.proposals", [
    *[(f"{shown}_on_{_m}", FactKind.boolean, f"{text} ({_m})") for shown, text in _SHOWN],
    *[(f"{name}_on_{_m}", FactKind.boolean, f"{text} ({_m})") for _, _, name, text in _SHOWN_BY],
], _shown_on(Matter.financial_assistance, [*((shown, None) for shown, _ in _SHOWN),
                                           *((field, test) for field, test, _, _ in _SHOWN_BY)]))


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
    plan = _plan()
    values: dict[str, Any] = {}
    listing: dict[str, Callable[[], tuple[Item, ...]]] = {}  # what lists the items of each summed fact
    unknown: dict[str, tuple[str, ...] | None] = {}  # None: see `Observations.paths`
    for read, names, bounds in plan.case_reads:
        if bounds is None:  # no amounts among them: each fact is known, or unknown and absent
            # enumerate, not zip(…, strict=True): a keyword argument is parsed anew on every call
            for index, value in enumerate(read(case, rates)):
                if value is None:
                    unknown[names[index]] = None
                elif type(value) is Unknown:
                    unknown[names[index]] = value.paths
                else:
                    values[names[index]] = value
        else:
            _observe_amounts(names, bounds, read(case, rates), values, listing, unknown)
    for name in plan.codes:  # the engines hold a code by value, and a field's default can be an enum member
        if name in values:
            values[name] = _known(values[name])
    values.update(plan.no_need)
    needs: dict[str, dict[str, Any]] = {}
    need_unknown: dict[str, dict[str, None]] = {}
    for need in _field(NEED_PATH)(case) or ():
        facts = needs[need.id] = {}
        missing = need_unknown[need.id] = {}
        for read, (name, bounds, code) in plan.need_reads:
            value = read(need)
            if value is None:
                missing[name] = None
                if bounds is not None:
                    facts[bounds[0]] = 0
            elif bounds is not None:
                facts[name] = facts[bounds[0]] = facts[bounds[1]] = value
            else:
                facts[name] = _known(value) if code else value
    return Observations(values, listing, rates, case, unknown, needs, need_unknown)


Bounds = tuple[str, str]  # the names of the least and the most a money fact can be (`lower`, `upper`)


def _observe_amounts(names: tuple[str, ...], bounds: tuple[Bounds, ...], read: Sequence[Any],
                     values: dict[str, Any], listing: dict[str, Callable[[], tuple[Item, ...]]],
                     unknown: dict[str, tuple[str, ...] | None]) -> None:
    """`observe` for money facts (`read`, as a group gives them): a known amount with both its bounds, an unknown
    one between what the case says it is at least and at most (0 and no limit if it says nothing)."""
    for index, value in enumerate(read):
        name, (least, most) = names[index], bounds[index]
        if value is None:
            unknown[name] = None
            values[least] = 0
            continue
        kind = type(value)
        if kind is Unknown:
            if value.least != value.most:
                unknown[name] = value.paths
                values[least] = value.least
                if value.most is not None:
                    values[most] = value.most
                continue
            value = value.least  # the bounds meet: whatever the case leaves open, the amount is this
        elif kind is Itemised:
            listing[name] = value.items
            value = value.total
        values[name] = values[least] = values[most] = value


Target = tuple[str, Bounds | None, bool]  # a need fact, the names of its bounds if it is money, if it is a code


@dataclass(frozen=True)
class _Plan:
    """How `observe` reads the vocabulary, made once (`_plan`)."""

    size: int  # the number of facts it reads
    # each reader of the case's facts, the facts it gives, and the names of their bounds if they are money
    case_reads: list[tuple[Group, tuple[str, ...], tuple[Bounds, ...] | None]]
    codes: tuple[str, ...]  # the case's facts that are codes
    need_reads: list[tuple[NeedReader, Target]]  # each need fact's reader
    no_need: dict[str, int]  # the case's own session reads no need: there a need's amount is only at least 0


_PLANS: list[_Plan] = []


def _plan() -> _Plan:
    """How `observe` reads the vocabulary: every case fact in the vocabulary's order, but the facts of a group
    (`_group`) together, where the first of them is, and the group read once for them (a fact whose reader is not
    its group's any more, as the tests of adding a fact may make it, stands alone); then each need fact by its
    reader. Made once rather than per case (again if the vocabulary changes size, as it does when a test adds a
    fact)."""
    if _PLANS and _PLANS[0].size == len(VOCABULARY):
        return _PLANS[0]

    def bounds(spec: FactSpec) -> Bounds | None:
        return (lower(spec.name), upper(spec.name)) if spec.kind == FactKind.money else None

    planned: dict[Any, tuple[Group, int, list[tuple[int, FactSpec]]]] = {}  # group or fact -> reader, size, facts
    for spec in VOCABULARY.values():
        if not spec.per_need:
            group, index, size = _PART_OF.get(spec.read, (None, 0, 1))
            planned.setdefault(group or spec.name, (group or _alone(spec.read), size, []))[2].append((index, spec))
    case_reads = []
    for read, size, facts in planned.values():
        places, specs = [index for index, _ in facts], [spec for _, spec in facts]
        money = {spec.kind == FactKind.money for spec in specs}
        if len(money) > 1:
            raise ValueError(f"facts {', '.join(spec.name for spec in specs)} are read together: all of them money, "
                             "or none")
        case_reads.append((read if places == list(range(size)) else _some_of(read, places),
                           tuple(spec.name for spec in specs), tuple(map(bounds, specs)) if True in money else None))
    case_specs = [spec for _, _, facts in planned.values() for _, spec in facts]
    need_specs = [spec for spec in VOCABULARY.values() if spec.per_need]
    _PLANS[:] = [_Plan(len(VOCABULARY), case_reads, tuple(spec.name for spec in case_specs
                                                          if spec.kind == FactKind.code),
                       [(spec.read_need, (spec.name, bounds(spec), spec.kind == FactKind.code)) for spec in need_specs],
                       {lower(spec.name): 0 for spec in need_specs if spec.kind == FactKind.money})]
    return _PLANS[0]


def _alone(read: Reader) -> Group:
    """A fact read on its own, as a group of one."""
    return lambda case, rates: (read(case, rates),)


def _some_of(group: Group, places: list[int]) -> Group:
    """A group's reader giving only the facts at `places` (the others are read otherwise now)."""
    def read(case: Case, rates: Rates) -> list[Any]:
        read_all = group(case, rates)
        return [read_all[index] for index in places]

    return read
