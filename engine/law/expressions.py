"""The condition language of the rule files, parsed safely and evaluated in three-valued (Kleene) logic.

A condition is a Python *expression* in syntax only: it is parsed with `ast.parse(mode="eval")` and every node
is checked against a short whitelist — nothing is ever passed to `eval`. What the language has:

    fact names                      income_total, lawful_residence (a boolean fact alone means "is true")
    definitions                     names defined in a rule file, expanded where they are used
    numbers, strings, True/False    kr(500) is 500 kroner (money facts are whole øre)
    + and -                         on money and count facts
    < <= > >= == !=                 one comparison at a time
    x in ("a", "b")                 membership in a literal tuple
    and, or, not
    outcome("5-1")                  the outcome another rule has concluded for a question
    need_outcome("5-1")             in a rule answered per need: the outcome concluded for the same need
    known(fact_or_definition)       whether the case gives the fact (never unknown itself)
    shown(condition)                whether the case shows the condition true (never unknown itself)

A fact the case does not give is *unknown*; so is an outcome not (yet) concluded. `and`/`or`/`not` follow
Kleene's strong three-valued logic, so a condition over an unknown fact can still be decided when the known
parts settle it (False and unknown is False). A comparison of amounts is decided on the amounts' bounds
(`engine.case.facts`): true when it holds for every amount within them, false when for none — so "income of
24 000 kr covers a need of 16 000 kr" is true whatever the unrecorded savings add.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.case.facts import VOCABULARY, FactKind, lower, upper


class ConditionError(ValueError):
    """A rule condition that does not parse, names an unknown fact, or mixes types."""


NEED_SUFFIX = ":need"  # a question answered once per need the application lists: "19:need"


def need_question(question: str) -> str:
    return question + NEED_SUFFIX


# --- the expression tree ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class FactRef:
    name: str


@dataclass(frozen=True)
class OutcomeRef:
    question: str


@dataclass(frozen=True)
class Arith:
    op: str  # "+" or "-"
    left: Value
    right: Value


@dataclass(frozen=True)
class Compare:
    op: str  # "<", "<=", ">", ">=", "==", "!="
    left: Value
    right: Value
    # A comparison of numbers as `sum(c * fact) + constant op 0` read on bounds: ((name of the fact's least, name of
    # its most, c), ...) and the constant — for a count, both names are the fact's own. None for codes and flags.
    bounds: tuple[tuple[tuple[str, str, int], ...], Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        difference = Arith("-", self.left, self.right)
        if any(isinstance(side, OutcomeRef) or (isinstance(side, Const) and isinstance(side.value, str | bool))
               for side in (self.left, self.right)) or any(
                VOCABULARY[name].kind not in NUMERIC_KINDS for name in facts_in(difference)):
            return
        terms, constant = linear_terms(difference)
        object.__setattr__(self, "bounds", (tuple(
            (lower(name), upper(name), c) if VOCABULARY[name].kind == FactKind.money else (name, name, c)
            for name, c in sorted(terms.items()) if c), constant))


@dataclass(frozen=True)
class InSet:
    subject: FactRef | OutcomeRef
    options: tuple[Any, ...]


@dataclass(frozen=True)
class Known:
    name: str  # a fact


@dataclass(frozen=True)
class Shown:
    """True when the condition is definitely true on what the case gives, false otherwise: "the record shows"."""

    item: Condition


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Value = Const | FactRef | OutcomeRef | Arith
Condition = Const | Compare | InSet | Known | Shown | And | Or | Not

NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_AST_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
NUMERIC_KINDS = {FactKind.money, FactKind.count}


# --- parsing ------------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, definitions: Mapping[str, str], expanding: tuple[str, ...] = ()):
        self.definitions = definitions
        self.expanding = expanding

    def condition(self, source: str) -> Condition:
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as error:
            raise ConditionError(f"cannot parse {source!r}: {error.msg}") from None
        return self._boolean(tree.body)

    def _definition(self, name: str, as_boolean: bool):
        if name in self.expanding:
            raise ConditionError(f"definition {name} refers to itself via {' -> '.join(self.expanding)}")
        inner = _Parser(self.definitions, self.expanding + (name,))
        tree = ast.parse(self.definitions[name].strip(), mode="eval").body
        return inner._boolean(tree) if as_boolean else inner._value(tree)

    def _boolean(self, node: ast.expr) -> Condition:
        if isinstance(node, ast.BoolOp):
            items = tuple(self._boolean(value) for value in node.values)
            return And(items) if isinstance(node.op, ast.And) else Or(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self._boolean(node.operand))
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return Const(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.definitions:
                return self._definition(node.id, as_boolean=True)
            ref = self._fact(node.id)
            if VOCABULARY[ref.name].kind != FactKind.boolean:
                raise ConditionError(f"{node.id} is not a boolean fact; compare it to something")
            return Compare("==", ref, Const(True))
        if isinstance(node, ast.Call) and _call_name(node) == "known":
            return self._known(node)
        if isinstance(node, ast.Call) and _call_name(node) == "shown":
            return self._shown(node)
        raise ConditionError(f"not a condition: {ast.unparse(node)!r}")

    def _shown(self, node: ast.Call) -> Condition:
        if len(node.args) != 1:
            raise ConditionError("shown() takes one condition")
        condition = self._boolean(node.args[0])
        if questions_in(condition):  # "not concluded" cannot be told from "not concluded yet"
            raise ConditionError(f"shown() of a condition on outcome(): {ast.unparse(node)!r}")
        return Shown(condition)

    def _known(self, node: ast.Call) -> Condition:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise ConditionError("known() takes one fact or definition name")
        name = node.args[0].id
        if name in self.definitions:
            expanded = self._definition(name, as_boolean=_is_boolean_source(self.definitions[name]))
            return And(tuple(Known(fact) for fact in sorted(facts_in(expanded))))
        return Known(self._fact(name).name)

    def _compare(self, node: ast.Compare) -> Condition:
        if len(node.ops) != 1:
            raise ConditionError(f"one comparison at a time: {ast.unparse(node)!r}")
        op, right = node.ops[0], node.comparators[0]
        left = self._value(node.left)
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(right, ast.Tuple) or not all(isinstance(e, ast.Constant) for e in right.elts):
                raise ConditionError(f"'in' needs a tuple of literals: {ast.unparse(node)!r}")
            if not isinstance(left, FactRef | OutcomeRef):
                raise ConditionError(f"'in' needs a fact or outcome() on the left: {ast.unparse(node)!r}")
            membership = InSet(left, tuple(e.value for e in right.elts))
            return Not(membership) if isinstance(op, ast.NotIn) else membership
        if type(op) not in _AST_COMPARE:
            raise ConditionError(f"operator not allowed: {ast.unparse(node)!r}")
        comparison = Compare(_AST_COMPARE[type(op)], left, self._value(right))
        _check_types(comparison)
        return comparison

    def _value(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | str | bool):
            return Const(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.definitions:
                return self._definition(node.id, as_boolean=False)
            return self._fact(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            arith = Arith("+" if isinstance(node.op, ast.Add) else "-", self._value(node.left),
                          self._value(node.right))
            for side in (arith.left, arith.right):
                if _kind_of(side) not in NUMERIC_KINDS | {None}:
                    raise ConditionError(f"arithmetic on a non-numeric value: {ast.unparse(node)!r}")
            return arith
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in ("outcome", "need_outcome") and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
                question = str(node.args[0].value)
                return OutcomeRef(need_question(question) if name == "need_outcome" else question)
            if name == "kr" and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, int):
                return Const(node.args[0].value * 100)
        raise ConditionError(f"not a value: {ast.unparse(node)!r}")

    @staticmethod
    def _fact(name: str) -> FactRef:
        if name not in VOCABULARY:
            raise ConditionError(f"unknown fact {name!r}")
        return FactRef(name)


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) and not node.keywords else None


def _is_boolean_source(source: str) -> bool:
    body = ast.parse(source.strip(), mode="eval").body
    return isinstance(body, ast.BoolOp | ast.UnaryOp | ast.Compare) or (
        isinstance(body, ast.Name) and body.id in VOCABULARY and VOCABULARY[body.id].kind == FactKind.boolean)


def _kind_of(value: Value) -> FactKind | None:
    if isinstance(value, FactRef):
        return VOCABULARY[value.name].kind
    if isinstance(value, Arith):
        return FactKind.money if FactKind.money in {_kind_of(value.left), _kind_of(value.right)} \
            else _kind_of(value.left) or _kind_of(value.right)
    return None


def _check_types(comparison: Compare) -> None:
    kinds = {_kind_of(comparison.left), _kind_of(comparison.right)} - {None}
    if len(kinds) > 1 and not kinds <= NUMERIC_KINDS:
        raise ConditionError(f"comparison mixes {sorted(kinds)}")
    if comparison.op not in ("==", "!=") and kinds and not kinds <= NUMERIC_KINDS:
        raise ConditionError(f"ordering comparison on {sorted(kinds)}")
    if any(isinstance(side, OutcomeRef) for side in (comparison.left, comparison.right)):
        sides = (comparison.left, comparison.right)
        if comparison.op not in ("==", "!=") or not any(
                isinstance(side, Const) and isinstance(side.value, str) for side in sides):
            raise ConditionError("outcome() may only be compared with == or != to an outcome name")


def parse_condition(source: str, definitions: Mapping[str, str] | None = None) -> Condition:
    return _Parser(definitions or {}).condition(source)


def parse_value(source: str, definitions: Mapping[str, str] | None = None) -> Value:
    """An arithmetic expression (an amount), e.g. the guideline calculation's shortfall."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise ConditionError(f"cannot parse {source!r}: {error.msg}") from None
    return _Parser(definitions or {})._value(tree.body)


# --- inspection ---------------------------------------------------------------------------------------------


def _children(node) -> tuple:
    if isinstance(node, And | Or):
        return node.items
    if isinstance(node, Not | Shown):
        return (node.item,)
    if isinstance(node, Arith | Compare):
        return (node.left, node.right)
    if isinstance(node, InSet):
        return (node.subject,)
    return ()


def facts_in(node) -> set[str]:
    if isinstance(node, FactRef | Known):
        return {node.name}
    return set().union(*(facts_in(child) for child in _children(node)))


def questions_in(node) -> set[str]:
    if isinstance(node, OutcomeRef):
        return {node.question}
    return set().union(*(questions_in(child) for child in _children(node)))


def linear_terms(value: Value, sign: int = 1) -> tuple[dict[str, int], Any]:
    """`value * sign` as ({fact: coefficient}, constant): sums and differences of facts and numbers."""
    if isinstance(value, Const):
        return {}, value.value * sign
    if isinstance(value, FactRef):
        return {value.name: sign}, 0
    if isinstance(value, Arith):
        terms, constant = linear_terms(value.left, sign)
        right_terms, right_constant = linear_terms(value.right, sign if value.op == "+" else -sign)
        for name, coefficient in right_terms.items():
            terms[name] = terms.get(name, 0) + coefficient
        return terms, constant + right_constant
    raise ConditionError(f"not a sum of facts: {value}")


# --- three-valued evaluation --------------------------------------------------------------------------------


def value_of(node: Value, facts: Mapping[str, Any], outcomes: Mapping[str, str]) -> Any:
    """The value of a term, or None when it depends on something unknown."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, FactRef):
        return facts.get(node.name)
    if isinstance(node, OutcomeRef):
        return outcomes.get(node.question)
    left, right = value_of(node.left, facts, outcomes), value_of(node.right, facts, outcomes)
    if left is None or right is None:
        return None
    return left + right if node.op == "+" else left - right


_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def _range(bounds: tuple, facts: Mapping[str, Any]) -> tuple[Any, Any]:
    """The least and the most `sum(c * fact) + constant` can be on the facts' bounds (None: not bounded so)."""
    terms, least = bounds
    most = least
    for low_name, high_name, c in terms:
        low, high = facts.get(low_name), facts.get(high_name)
        if c < 0:
            low, high = high, low
        least = None if least is None or low is None else least + c * low
        most = None if most is None or high is None else most + c * high
    return least, most


def _decided(op: str, least: Any, most: Any) -> bool | None:
    """`x op 0` for every x from `least` to `most` (True), for none (False), or it depends (None)."""
    if op in ("==", "!="):
        equal = True if least is not None and most is not None and least >= 0 >= most else \
            False if (least is not None and least > 0) or (most is not None and most < 0) else None
        return equal if op == "==" or equal is None else not equal
    if op in (">", ">="):  # x > 0  is  -x < 0
        op, least, most = {">": "<", ">=": "<="}[op], None if most is None else -most, None if least is None else -least
    compare = _COMPARE[op]
    if most is not None and compare(most, 0):
        return True
    if least is not None and not compare(least, 0):
        return False
    return None


def truth(node: Condition, facts: Mapping[str, Any], outcomes: Mapping[str, str]) -> bool | None:
    """Kleene truth value: True, False, or None for unknown. `facts` are the observations (with the money facts'
    bounds): a comparison of numbers is decided when the bounds settle it."""
    if isinstance(node, Const):
        return bool(node.value)
    if isinstance(node, Known):
        return node.name in facts
    if isinstance(node, Compare):
        if node.bounds is not None:
            return _decided(node.op, *_range(node.bounds, facts))
        left, right = value_of(node.left, facts, outcomes), value_of(node.right, facts, outcomes)
        return None if left is None or right is None else _COMPARE[node.op](left, right)
    if isinstance(node, Shown):
        return truth(node.item, facts, outcomes) is True
    if isinstance(node, InSet):
        subject = value_of(node.subject, facts, outcomes)
        return None if subject is None else subject in node.options
    if isinstance(node, Not):
        inner = truth(node.item, facts, outcomes)
        return None if inner is None else not inner
    values = [truth(item, facts, outcomes) for item in node.items]
    decisive = isinstance(node, Or)  # True decides an `or`, False decides an `and`
    if decisive in values:
        return decisive
    return None if None in values else not decisive
