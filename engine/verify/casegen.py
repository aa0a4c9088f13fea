"""Generated cases: valid `Case` objects across the whole case model, for `regelmotor check` and property tests.

The generator walks the pydantic case model itself, so a field added to `engine/case/model.py` is generated without a
change here: every optional field may be absent (unknown), lists may be empty or hold several items, enums take
every value, money takes 0, small, large and øre amounts. It knows nothing legal. Two things it takes from the
rule book, never from Python:

* decision dates: the periods in which one rule set is in force (from the provisions' validity), with their
  edges — first and last day, and the days on either side of a rate-table row;
* edge amounts: it picks a comparison of money facts that some rule or duty in force makes (for example the
  means against the need) and adds one income, expense, asset or unclaimed-right item so that the two sides
  are equal or one krone (or one øre) apart. The item's size is found by probing the comparison with the
  engine's own facts and expression evaluator, so no legal definition is re-stated.

Every draw goes through a `Source`: `RandomSource` (a seeded `random.Random`, used by `regelmotor check`) or a
hypothesis-backed source in `tests/strategies.py`, so the property tests shrink what this module generates.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Protocol, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from engine.case.facts import VOCABULARY, FactKind, observe
from engine.case.model import Case, Need, NeedKind
from engine.case.rates import RateTable
from engine.law.expressions import Arith, Compare, FactRef, _children, value_of
from engine.law.rulebook import Rulebook, RuleSet

T = TypeVar("T")
DAY = dt.timedelta(days=1)
MAX_KRONER = Decimal("9999999999.99")  # the case model's Kroner: 12 digits, 2 decimals
ABSENT = object()


class Source(Protocol):
    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...


class RandomSource:
    """Draws from a seeded `random.Random`: the same seed gives the same cases."""

    def __init__(self, seed: int | str = 0) -> None:
        self.random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]


# --- decision dates ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days on which one rule set is in force."""

    start: dt.date
    end: dt.date
    ruleset: RuleSet
    edges: tuple[dt.date, ...]  # the first and last day, and the days around rate-table rows inside


def law_periods(rulebook: Rulebook, latest: dt.date, rates: RateTable | None = None) -> list[Period]:
    """The periods between changes of the law in force (up to `latest` for open-ended provisions), where at
    least one question is answered."""
    rates = rates or rulebook.rates
    cuts = {p.valid.valid_from for p in rulebook.provisions}
    cuts |= {p.valid.valid_to + DAY for p in rulebook.provisions if p.valid.valid_to is not None}
    cuts = sorted(day for day in cuts if day <= latest)
    table_days = {row.valid_from for row in rates.rows} | {gap.valid_from for gap in rates.known_gaps} | \
        {gap.valid_to + DAY for gap in rates.known_gaps}
    periods = []
    for start, following in zip(cuts, cuts[1:] + [latest + DAY], strict=True):
        end = following - DAY
        ruleset = rulebook.ruleset_on(start)
        if not ruleset.questions:
            continue
        inside = {d for day in table_days for d in (day - DAY, day) if start <= d <= end}
        periods.append(Period(start, end, ruleset, tuple(sorted({start, end} | inside))))
    return periods


def pick_date(src: Source, period: Period) -> dt.date:
    if src.choice([False, True]):
        return src.choice(period.edges)
    return period.start + dt.timedelta(days=src.integer(0, (period.end - period.start).days))


# --- values, read off the case model's own annotations ---------------------------------------------------

CODES: dict[str, list[str]] = {  # example codes for free-text code fields: "<Model>.<field>"
    "Case.case_id": ["case-1", "K:2024.17"],
    "EconomicRight.kind": ["housing_allowance", "sickness_benefit", "child_support", "unemployment_benefit"],
    "LifeSituation.kind": ["substance_use", "child_may_lose_kindergarten_place", "debt", "illness"],
    "Services.needed": ["financial_assistance", "housing", "qualification_programme", "gp", "mental_health"],
    "InformationGathering.source": ["bank", "employer", "tax", "nav", "gp"],
    "ClientView.summary": ["Ønsker hjelp til husleie.", "Vil ikke ha plan."],
}


@dataclass
class Context:
    decision_date: dt.date
    absent: int  # out of 10: how often an optional field is left out in this case
    rulebook: Rulebook


def money(src: Source, max_value: Decimal = MAX_KRONER) -> Decimal:
    kind = src.choice(["zero", "hundreds", "kroner", "ore", "extreme"])
    if kind == "zero":
        value = Decimal(0)
    elif kind == "hundreds":
        value = Decimal(src.integer(0, 300) * 100)
    elif kind == "kroner":
        value = Decimal(src.integer(0, 40000))
    elif kind == "ore":
        value = Decimal(src.integer(0, 4_000_000)) / 100
    else:
        value = src.choice([Decimal("0.01"), Decimal("1"), max_value])
    return min(value, max_value)


def _strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(the type, whether None is allowed, Annotated metadata)."""
    metadata: list[Any] = []
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        for item in extra:
            metadata.extend(getattr(item, "metadata", [item]))
    return annotation, optional, metadata


def _bound(metadata: list[Any], attribute: str, default: int) -> int:
    return next((getattr(item, attribute) for item in metadata if hasattr(item, attribute)), default)


def _value(annotation: Any, metadata: list[Any], owner: str, src: Source, ctx: Context) -> Any:
    annotation, _, more = _strip(annotation)
    metadata = metadata + more
    override = OVERRIDES.get(owner)
    if override is not None:
        return override(src, ctx)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_data(annotation, src, ctx)
    if get_origin(annotation) is list:
        (item_type,) = get_args(annotation)
        longest = _bound(metadata, "max_length", 10)
        length = src.integer(0, min(longest, src.choice([3, 3, 8])))
        return [_value(item_type, [], owner, src, ctx) for _ in range(length)]
    if annotation is bool:
        return src.choice([False, True])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return src.choice([member.value for member in annotation])
    if annotation is int:
        low = _bound(metadata, "ge", 0)
        high = _bound(metadata, "le", low + 100)
        return src.integer(low, high)
    if annotation is Decimal:
        digits = next((getattr(m, "max_digits", None) for m in metadata if getattr(m, "max_digits", None)), 12)
        return money(src, Decimal(10) ** (digits - 2) - Decimal("0.01"))
    if annotation is dt.date:
        return ctx.decision_date - dt.timedelta(days=src.integer(0, 90))
    if annotation is str:
        return src.choice(CODES.get(owner, ["other"]))
    raise TypeError(f"casegen: no generator for {owner} ({annotation!r}); add one to engine/verify/casegen.py")


def model_data(model: type[BaseModel], src: Source, ctx: Context, skip: frozenset[str] = frozenset()) -> dict:
    """A JSON-like dict (by alias, absent fields left out) that `model` validates."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        owner = f"{model.__name__}.{name}"
        if not field.is_required() and src.integer(0, 9) < ctx.absent:
            continue  # absent: unknown (or the field's default)
        value = _value(field.annotation, list(field.metadata), owner, src, ctx)
        if value is not ABSENT:
            data[field.alias or name] = value
    return data


def _rate_table(src: Source, ctx: Context) -> Any:
    """A municipality's own table, now and then: the national one with its rates shifted, or cut short."""
    if src.integer(0, 9) < 7:
        return ABSENT
    national = ctx.rulebook.rates.model_dump(by_alias=True)
    shift = Decimal(src.choice([0, 100, -100, 250]))
    rows = [{**row, "rates": {k: max(Decimal(0), v + shift) for k, v in row["rates"].items()}}
            for row in national["rows"]]
    keep = src.integer(1, len(rows))
    return {**national, "id": "municipal-test", "rows": rows[-keep:] if src.choice([False, True]) else rows[:keep]}


def _needs(src: Source, ctx: Context) -> list[dict]:
    """Needs, each with an id of its own (the case model refuses two needs with one id)."""
    return [{**model_data(Need, src, ctx), "id": f"need-{index}"} for index in range(src.integer(0, 3))]


def _need_kind(src: Source, _ctx: Context) -> str:
    """Any kind but the immediate need, which comes with `request.acute_need: true` (the model lists it then, and
    refuses it beside `acute_need: false`)."""
    return src.choice([kind.value for kind in NeedKind if kind != NeedKind.immediate])


OVERRIDES: dict[str, Callable[[Source, Context], Any]] = {"Case.rate_table": _rate_table, "Request.needs": _needs,
                                                         "Need.kind": _need_kind}


# --- edge amounts -----------------------------------------------------------------------------------------

# How to add an amount to a case: one item of a list the case model has (no legal meaning here; the facts
# engine decides what each item counts towards).
ADJUSTERS: list[tuple[str, Callable[[Decimal], dict]]] = [
    ("income", lambda amount: {"kind": "other", "monthly_amount": amount}),
    ("expenses", lambda amount: {"kind": "other_necessary", "monthly_amount": amount}),
    ("assets", lambda amount: {"kind": "bank_deposit", "value": amount, "needed_for_daily_living": False}),
    ("economic_rights", lambda amount: {"kind": "other_benefit", "status": "not_claimed",
                                        "expected_monthly_amount": amount}),
]
EDGE_OFFSETS = [0, -100, 100, -1, 1]  # øre: equal, one krone either side, one øre either side


def _walk(node):
    yield node
    for child in _children(node):
        yield from _walk(child)


def money_comparisons(ruleset: RuleSet) -> list[Compare]:
    """Every comparison on money facts that a rule or duty of the rule set makes, in a stable order."""
    found: dict[str, Compare] = {}
    conditions = [rule.effective for rule in ruleset.rules]
    conditions += [c for duty in ruleset.duties for c in (duty.applies, duty.fulfilled)]
    for condition in conditions:
        for node in _walk(condition):
            if isinstance(node, Compare) and any(
                    isinstance(n, FactRef) and VOCABULARY[n.name].kind == FactKind.money for n in _walk(node)):
                found.setdefault(repr(node), node)
    return [found[key] for key in sorted(found)]


def _difference(comparison: Compare, data: dict, rates: RateTable) -> int | None:
    case = Case.model_validate(data)
    facts = observe(case, case.rate_table or rates).values
    return value_of(Arith("-", comparison.left, comparison.right), facts, {})


def hit_edge(data: dict, ruleset: RuleSet, src: Source, rates: RateTable) -> dict:
    """Add one item so that the two sides of a money comparison are equal or one krone/øre apart (if the
    case gives both sides)."""
    comparisons = money_comparisons(ruleset)
    if not comparisons:
        return data
    comparison = src.choice(comparisons)
    target = src.choice(EDGE_OFFSETS)
    before = _difference(comparison, data, rates)
    if before is None:
        return data
    options = []
    for field, item in ADJUSTERS:
        if data.get(field) is None or len(data[field]) >= 20:
            continue
        probe = {**data, field: [*data[field], item(Decimal(1))]}
        after = _difference(comparison, probe, rates)
        if after is None:
            continue
        slope = after - before  # the change per krone added
        numerator = (target - before) * 100
        if slope == 0 or numerator % slope:
            continue
        ore = numerator // slope
        if 0 <= ore <= int(MAX_KRONER * 100):
            options.append((field, item(Decimal(ore) / 100)))
    if not options:
        return data
    field, item = src.choice(options)
    return {**data, field: [*data[field], item]}


# --- whole cases ------------------------------------------------------------------------------------------


def case_data(src: Source, rulebook: Rulebook, periods: Sequence[Period]) -> dict:
    """One generated case, as the dict a client would send (validated by `Case`)."""
    period = src.choice(periods)
    ctx = Context(decision_date=pick_date(src, period), absent=src.choice([3, 0, 1, 6]), rulebook=rulebook)
    data = {"decision_date": ctx.decision_date, **model_data(Case, src, ctx, skip=frozenset({"decision_date"}))}
    if src.choice([False, True]):
        data = hit_edge(data, period.ruleset, src, rulebook.rates)
    return data


def generate_case(src: Source, rulebook: Rulebook, periods: Sequence[Period]) -> Case:
    return Case.model_validate(case_data(src, rulebook, periods))


# --- unknown fields, and filling them in -------------------------------------------------------------------

Path = tuple[str | int, ...]
# Optional fields whose absence is not an unknown fact: no reference given, or the configured rate table used.
NOT_UNKNOWN_WHEN_ABSENT = {"Case.case_id", "Case.rate_table"}


def holes(data: dict, model: type[BaseModel] = Case, path: Path = (), given: bool = False
          ) -> list[tuple[Path, type[BaseModel], str]]:
    """Every optional field the case leaves out (unknown), at any depth: (path, model, field name). With `given`,
    every optional field the case gives instead: the fields that leaving out would make unknown."""
    found = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        inner, _, _ = _strip(field.annotation)
        may_be_unknown = not field.is_required() and field.default is None and \
            f"{model.__name__}.{name}" not in NOT_UNKNOWN_WHEN_ABSENT
        if data.get(key) is None:
            if may_be_unknown and not given:
                found.append((path + (key,), model, name))
            continue
        if may_be_unknown and given:
            found.append((path + (key,), model, name))
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            found += holes(data[key], inner, path + (key,), given)
        elif get_origin(inner) is list:
            item_type = _strip(get_args(inner)[0])[0]
            if isinstance(item_type, type) and issubclass(item_type, BaseModel):
                for index, item in enumerate(data[key]):
                    found += holes(item, item_type, path + (key, index), given)
    return found


def hole_at(path: str) -> tuple[Path, type[BaseModel], str]:
    """The hole a case-field path names, as `missing_facts` writes it (`household.children[1].age`)."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    model: type[BaseModel] = Case
    for position, part in enumerate(parts):
        if isinstance(part, int):
            continue
        name = next(n for n, f in model.model_fields.items() if part in (n, f.alias))
        if position == len(parts) - 1:
            return tuple(parts), model, name
        inner, _, _ = _strip(model.model_fields[name].annotation)
        model = _strip(get_args(inner)[0])[0] if get_origin(inner) is list else inner
    raise ValueError(f"not a path to a field: {path}")


def fill(data: dict, hole: tuple[Path, type[BaseModel], str], src: Source, rulebook: Rulebook,
         absent: int | None = None) -> dict:
    """The case with one unknown field given a (generated) value, and the objects around it if they are absent
    too. `absent` (out of 10) is how often an optional field inside the value is left out (0: none)."""
    path, model, name = hole
    field = model.model_fields[name]
    ctx = Context(decision_date=data["decision_date"], absent=src.choice([3, 0, 6]) if absent is None else absent,
                  rulebook=rulebook)
    value = ABSENT
    while value is ABSENT:
        value = _value(field.annotation, list(field.metadata), f"{model.__name__}.{name}", src, ctx)
    result = copy.deepcopy(data)
    target = result
    for part in path[:-1]:
        target = target[part] if isinstance(part, int) else target.setdefault(part, {})
    target[path[-1]] = value
    return result


def complete(data: dict, src: Source, rulebook: Rulebook) -> dict:
    """The case with every unknown field, at any depth, given a value: one completion of it."""
    while found := holes(data):
        data = fill(data, found[0], src, rulebook, absent=0)
    return data
