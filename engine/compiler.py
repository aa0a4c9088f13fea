"""Compiling rule conditions into durable-rules' declarative JSON patterns.

durable-rules matches facts; it has no notion of "unknown". So every three-valued condition C is compiled
twice, into two purely positive patterns:

    T(C) — matches exactly when C is *definitely true*  (the rule fires)
    F(C) — matches exactly when C is *definitely false* (the rule is ruled out)

and when neither matches, C is unknown. Negation never reaches the engine: `not` swaps T and F, and a
comparison's F form is the negated comparison guarded by "both sides exist". Because no pattern tests for
the *absence* of a fact, what fires cannot depend on the order in which facts and conclusions arrive — the
pitfall of negation over absent facts does not arise.

Each form is brought into disjunctive normal form; each conjunction becomes one durable-rules rule joining the
case fact with the conclusion facts (`outcome(q)`) it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

from engine.expressions import (
    MIRRORED,
    NEGATED,
    And,
    Compare,
    Condition,
    ConditionError,
    Const,
    FactRef,
    InSet,
    Known,
    Not,
    Or,
    OutcomeRef,
    linear_terms,
    truth,
)

CASE = "case"
OUTCOME = "outcome"
_DURABLE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


@dataclass(frozen=True)
class CaseTest:
    """A test on the case fact, as a durable-rules expression."""

    pattern: Any  # JSON-able; compared by its repr when conjunctions are simplified


@dataclass(frozen=True)
class OutcomeTest:
    question: str
    equal: bool
    outcome: str


Conjunction = tuple[CaseTest | OutcomeTest, ...]
DNF = list[Conjunction]  # [] is "never"; [()] is "always"


def true_form(node: Condition) -> DNF:
    return _form(node, True)


def false_form(node: Condition) -> DNF:
    return _form(node, False)


def _form(node: Condition, want: bool) -> DNF:
    if isinstance(node, Const):
        return [()] if bool(node.value) == want else []
    if isinstance(node, Not):
        return _form(node.item, not want)
    if isinstance(node, And | Or):
        parts = [_form(item, want) for item in node.items]
        if isinstance(node, And) == want:  # T(and) and F(or): every part must hold
            return [sum(choice, ()) for choice in product(*parts)]
        return [conj for part in parts for conj in part]
    if isinstance(node, Known):
        return [(CaseTest({"$ex" if want else "$nex": {node.name: 1}}),)]
    if isinstance(node, InSet):
        return _membership(node, want)
    return _comparison(node if want else Compare(NEGATED[node.op], node.left, node.right))


def _exists(names) -> tuple[CaseTest, ...]:
    return tuple(CaseTest({"$ex": {name: 1}}) for name in sorted(names))


def _membership(node: InSet, want: bool) -> DNF:
    if isinstance(node.subject, OutcomeRef):
        tests = [OutcomeTest(node.subject.question, want, str(option)) for option in node.options]
        return [(test,) for test in tests] if want else [tuple(tests)]
    name = node.subject.name
    if want:
        return [_exists([name]) + (CaseTest({name: option}),) for option in node.options]
    return [_exists([name]) + tuple(CaseTest({"$neq": {name: option}}) for option in node.options)]


def _comparison(node: Compare) -> DNF:
    left, right, op = node.left, node.right, node.op
    if isinstance(right, OutcomeRef):
        left, right, op = right, left, MIRRORED[op]
    if isinstance(left, OutcomeRef):
        return [(OutcomeTest(left.question, op == "==", str(right.value)),)]
    if isinstance(left, Const) and isinstance(right, FactRef):
        left, right, op = right, left, MIRRORED[op]
    if isinstance(right, Const) and isinstance(right.value, str | bool):  # a code or a flag: no arithmetic
        if not isinstance(left, FactRef):
            raise ConditionError(f"compare a fact, not an expression, with {right.value!r}")
        return [_exists([left.name]) + (CaseTest(_durable_compare(left.name, op, right.value)),)]

    terms, constant = linear_terms(left, 1)
    right_terms, right_constant = linear_terms(right, -1)
    for name, coefficient in right_terms.items():
        terms[name] = terms.get(name, 0) + coefficient
    constant += right_constant
    terms = {name: c for name, c in terms.items() if c}
    names = [name for name in terms]
    if not names:  # both sides constant: decide now
        holds = Compare(op, Const(constant), Const(0))
        return [()] if _constant_truth(holds) else []

    pivot = next((name for name in names if abs(terms[name]) == 1), None)
    if pivot is None:
        raise ConditionError(f"cannot compile a comparison where every fact is counted twice: {node}")
    if terms[pivot] == -1:  # -pivot + rest op 0  <=>  pivot op' rest
        terms = {name: -c for name, c in terms.items()}
        constant, op = -constant, MIRRORED[op]
    rest = {name: -c for name, c in terms.items() if name != pivot}  # pivot op -(rest + constant)
    return [_exists(names) + (CaseTest(_durable_compare(pivot, op, _durable_sum(rest, -constant))),)]


def _constant_truth(node: Compare) -> bool:
    return bool(truth(node, {}, {}))


def _durable_sum(terms: dict[str, int], constant: Any) -> Any:
    """A durable-rules arithmetic expression for sum(c * fact) + constant (c in {1, -1} after pivoting)."""
    expression: Any = None
    for name, coefficient in sorted(terms.items(), key=lambda item: -item[1]):
        for _ in range(abs(coefficient)):
            ref = {"$m": name}
            if expression is None and coefficient > 0:
                expression = ref
            else:
                base = expression if expression is not None else 0
                expression = {"$add" if coefficient > 0 else "$sub": {"$l": base, "$r": ref}}
    if expression is None:
        return constant
    if constant == 0:
        return expression
    return {"$add" if constant > 0 else "$sub": {"$l": expression, "$r": abs(constant)}}


def _durable_compare(name: str, op: str, right: Any) -> Any:
    if op == "==":
        return {name: right}
    return {_DURABLE_OP[op]: {name: right}}


# --- assembling durable-rules rules -----------------------------------------------------------------------


def simplify(dnf: DNF) -> DNF:
    """Drop repeated tests within a conjunction and conjunctions that contradict themselves on an outcome."""
    result: list[Conjunction] = []
    for conjunction in dnf:
        unique: list[CaseTest | OutcomeTest] = []
        for test in conjunction:
            if test not in unique:
                unique.append(test)
        demanded = {(t.question, t.outcome) for t in unique if isinstance(t, OutcomeTest) and t.equal}
        refused = {(t.question, t.outcome) for t in unique if isinstance(t, OutcomeTest) and not t.equal}
        per_question = {}
        for question, outcome in demanded:
            per_question.setdefault(question, set()).add(outcome)
        if demanded & refused or any(len(outcomes) > 1 for outcomes in per_question.values()):
            continue
        if tuple(unique) not in result:
            result.append(tuple(unique))
    return result


def durable_rule(conjunction: Conjunction) -> dict:
    """One durable-rules rule: the case fact, joined with one conclusion fact per question it tests."""
    case_tests = [{"t": CASE}] + [test.pattern for test in conjunction if isinstance(test, CaseTest)]
    patterns = [{"case": {"$and": case_tests}}]
    by_question: dict[str, list[OutcomeTest]] = {}
    for test in conjunction:
        if isinstance(test, OutcomeTest):
            by_question.setdefault(test.question, []).append(test)
    for index, (question, tests) in enumerate(sorted(by_question.items())):
        clauses: list[Any] = [{"t": OUTCOME}, {"q": question}]
        clauses += [{"o": t.outcome} if t.equal else {"$neq": {"o": t.outcome}} for t in tests]
        patterns.append({f"o{index}": {"$and": clauses}})
    return {"all": patterns}


def catch_all(kind: str) -> dict:
    """A rule that matches every fact of one kind, so that no fact is ever left unhandled."""
    return {"all": [{"m": {"t": kind}}]}
