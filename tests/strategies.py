"""Hypothesis strategies for the property tests: valid cases across the whole case model, and the changes to a
case that the properties reason about (more income, more need, filling in an unknown, adding evidence).

The cases themselves come from `engine.verify.casegen` (shared with `regelmotor check`), driven through hypothesis so
that a failing case shrinks. Decision dates come from the rule book: every period in which one rule set is in
force, with its edges — so a new act or a new version of a provision is covered as soon as its file exists.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from hypothesis import strategies as st

from engine.case.facts import VOCABULARY, FactKind
from engine.case.model import Case, Matter, Need, NeedKind, Party, PlanConsent
from engine.law.rulebook import Rulebook, load_rulebook
from engine.verify import casegen

T = TypeVar("T")


class HypothesisSource:
    """`casegen.Source` on top of hypothesis' `data.draw`, so generated cases shrink."""

    def __init__(self, draw) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))


@cache
def rulebook() -> Rulebook:
    return load_rulebook()


def latest_decision_date() -> dt.date:
    """Open-ended provisions are generated up to a year ahead: within the engine's default horizon."""
    return dt.date.today() + dt.timedelta(days=365)


@cache
def periods() -> tuple[casegen.Period, ...]:
    return tuple(casegen.law_periods(rulebook(), latest_decision_date()))


@st.composite
def case_data(draw) -> dict:
    """A generated case as the dict a client sends (dates and Decimals as Python objects)."""
    return casegen.case_data(HypothesisSource(draw), rulebook(), periods())


def cases() -> st.SearchStrategy[Case]:
    return case_data().map(Case.model_validate)


def as_data(case: Case) -> dict:
    return case.model_dump(mode="python", by_alias=True, exclude_none=True)


# --- changes to a case ------------------------------------------------------------------------------------


def _lists(data: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every list in the case (at any depth) with two or more items; not the rows of a rate table,
    whose order is their validity."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key != "rate_table":
                found += _lists(value, path + (key,))
    elif isinstance(data, list):
        if len(data) > 1:
            found.append(path)
        for index, item in enumerate(data):
            found += _lists(item, path + (index,))
    return found


def _at(data: dict, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def pairs(draw, change) -> tuple[Case, Case, Any]:
    """(a generated case, the case changed by `change`, what was changed)."""
    case = draw(cases())
    changed, what = draw(change(case))
    return case, changed, what


@st.composite
def permuted(draw, case: Case) -> tuple[Case, dict[str, list[int]]]:
    """The same case with the items of its lists in another order (every list, at any depth); and, for each list
    by its path as the answer names it (`participation.proposals`), the original place of each item in its new
    order."""
    data = copy.deepcopy(as_data(case))
    orders = {}
    for path in _lists(data):
        target = _at(data, path)
        order = draw(st.permutations(range(len(target))))
        target[:] = [target[index] for index in order]
        orders[dotted(path)] = order
    return Case.model_validate(data), orders


def dotted(path: tuple) -> str:
    """A path into the case as the answer names it: `household.children[1].age`."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


@st.composite
def filled_in(draw, case: Case) -> tuple[Case, tuple]:
    """The case with one unknown field (absent, at any depth) given a value; and the field's path."""
    data = as_data(case)
    holes = casegen.holes(data)
    if not holes:
        return case, ()
    hole = draw(st.sampled_from(holes))
    return Case.model_validate(casegen.fill(data, hole, HypothesisSource(draw), rulebook())), hole[0]


@st.composite
def completed(draw, case: Case) -> tuple[Case, str]:
    """One completion of the case: every unknown field, at any depth, given a value."""
    return Case.model_validate(casegen.complete(as_data(case), HypothesisSource(draw), rulebook())), "completed"


@st.composite
def amount_left_out(draw) -> tuple[Case, str]:
    """A complete case with one of the fields an amount is read from (at any depth, as the fact vocabulary names
    them: `income`, `income[0].monthly_amount`, `assets[1].needed_for_daily_living`, `household.children[0].age` …)
    left out again; and the field's path. An item's amount left out is an item listed without its amount."""
    data = casegen.complete(draw(case_data()), HypothesisSource(draw), rulebook())
    money = tuple({path for spec in VOCABULARY.values() if spec.kind == FactKind.money for path in spec.paths})
    path, _, _ = draw(st.sampled_from([hole for hole in casegen.holes(data, given=True)
                                       if dotted(hole[0]).startswith(money)]))
    target = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return Case.model_validate(data), dotted(path)


def filled(draw, case: Case, path: str) -> Case:
    """The case with the field at `path` (as `missing_facts` names it) given a whole value."""
    return Case.model_validate(casegen.fill(as_data(case), casegen.hole_at(path), HypothesisSource(draw),
                                            rulebook(), absent=0))


def _amount(draw) -> Decimal:
    return draw(st.sampled_from([Decimal("0.01"), Decimal(1), Decimal(100)])) * draw(st.integers(1, 100_000))


def _append(data: dict, field: str, item: dict) -> dict:
    return {**data, field: [*data[field], item]}


def _raise_amount(draw, data: dict, field: str, amount_key: str, keep=lambda item: True) -> dict | None:
    """Some existing item of `data[field]` made larger; None when there is no such item. An item whose amount is
    unknown is not one: making an unknown amount larger says nothing."""
    indices = [i for i, item in enumerate(data.get(field) or []) if keep(item) and item.get(amount_key) is not None]
    if not indices:
        return None
    index = draw(st.sampled_from(indices))
    items = copy.deepcopy(data[field])
    items[index][amount_key] = min(items[index][amount_key] + _amount(draw), casegen.MAX_KRONER)
    return {**data, field: items}


def needs_of(case: Case) -> list[Need]:
    return list(case.request.needs or []) if case.request else []


@st.composite
def another_need(draw, case: Case) -> tuple[Case, set[str]]:
    """The case with one need added, changed or removed; and the ids of the needs left as they were."""
    data = copy.deepcopy(as_data(case))
    request = data.setdefault("request", {})
    needs = request.get("needs") or []
    # The immediate need stays what it is while `acute_need` stands for it; another need can be changed.
    changeable = [i for i, need in enumerate(needs) if need["kind"] != NeedKind.immediate]
    how = draw(st.sampled_from(["add", "change", "remove"] if changeable else ["add"]))
    context = casegen.Context(decision_date=data["decision_date"], absent=draw(st.sampled_from([0, 3])),
                              rulebook=rulebook())
    fresh = casegen.model_data(Need, HypothesisSource(draw), context)
    if how == "add":
        if len(needs) >= 20:
            return case, {need["id"] for need in needs}
        needs.append({**fresh, "id": "another-need"})
        touched = "another-need"
    else:
        index = draw(st.sampled_from(changeable))
        touched = needs[index]["id"]
        if how == "change":
            needs[index] = {**fresh, "id": touched}
        else:
            del needs[index]
    request["needs"] = needs
    return Case.model_validate(data), {need["id"] for need in needs} - {touched}


@st.composite
def more_means(draw, case: Case) -> tuple[Case, str]:
    """The case with more income or more assets: an item added to a list the case gives, or one made larger.
    An added asset has been judged (needed for daily living or not): an unjudged one would take away
    information, not add means."""
    data = as_data(case)
    options = []
    if data.get("income") is not None:
        options += ["add income", "raise income"]
    if data.get("assets") is not None:
        options += ["add asset", "raise asset"]
    if not options:
        return case, "nothing to change"
    how = draw(st.sampled_from(options))
    changed = None
    if how == "add income":
        changed = _append(data, "income", {"kind": draw(st.sampled_from(["wages", "benefits", "other"])),
                                           "monthly_amount": _amount(draw)})
    elif how == "raise income":
        changed = _raise_amount(draw, data, "income", "monthly_amount")
    elif how == "add asset":
        changed = _append(data, "assets", {"kind": "bank_deposit", "value": _amount(draw),
                                           "needed_for_daily_living": draw(st.booleans())})
    else:
        changed = _raise_amount(draw, data, "assets", "value")
    return (Case.model_validate(changed), how) if changed else (case, "nothing to change")


@st.composite
def more_need(draw, case: Case) -> tuple[Case, str]:
    """The case with more need: an expense added or made larger, or a child (of known age) added."""
    data = as_data(case)
    options = []
    if data.get("expenses") is not None:
        options += ["add expense", "raise expense"]
    if (data.get("household") or {}).get("children") is not None:
        options += ["add child"]
    if not options:
        return case, "nothing to change"
    how = draw(st.sampled_from(options))
    if how == "add expense":
        changed = _append(data, "expenses", {"kind": draw(st.sampled_from(["housing", "power_and_heating"])),
                                             "monthly_amount": _amount(draw)})
    elif how == "raise expense":
        changed = _raise_amount(draw, data, "expenses", "monthly_amount")
    else:
        household = copy.deepcopy(data["household"])
        if len(household["children"]) >= 30:
            return case, "nothing to change"
        household["children"].append({"age": draw(st.integers(0, 17))})
        changed = {**data, "household": household}
    return (Case.model_validate(changed), how) if changed else (case, "nothing to change")


@st.composite
def more_evidence(draw, case: Case) -> tuple[Case, str]:
    """The case with one more piece of evidence on record: a consultation, a recorded view, a written
    justification or written reasons on a proposal, or the client's answer to the offer of a plan."""
    data = copy.deepcopy(as_data(case))
    participation = data.setdefault("participation", {})
    how = draw(st.sampled_from(["consultation", "view", "justification", "reasons", "consent"]))
    if how == "consultation":
        participation["consultations"] = [*participation.get("consultations", []), {
            "matter": draw(st.sampled_from(list(Matter))).value, "with": draw(st.sampled_from(list(Party))).value}]
    elif how == "view":
        participation["client_views"] = [*participation.get("client_views", []),
                                         {"matter": draw(st.sampled_from(list(Matter))).value}]
    elif how in ("justification", "reasons"):
        proposals = participation.get("proposals") or []
        if not proposals:
            return case, "no proposal to justify"
        index = draw(st.integers(0, len(proposals) - 1))
        flag = "departure_justified_in_writing" if how == "justification" else "written_reasons"
        proposals[index][flag] = True
    else:
        services = data.setdefault("services", {})
        if services.get("individual_plan_consent") not in (None, PlanConsent.not_asked.value):
            return case, "consent already recorded"
        answer = draw(st.sampled_from([PlanConsent.consented, PlanConsent.refused])).value
        services["individual_plan_consent"] = answer
        how = f"consent: {answer}"
    return Case.model_validate(data), how
