"""Compiling rule conditions into durable-rules' declarative JSON patterns.

durable-rules matches facts; it has no notion of "unknown". So every three-valued condition C is compiled
twice, into two purely positive patterns:

    T(C) — matches exactly when C is *definitely true*  (the rule fires)
    F(C) — matches exactly when C is *definitely false* (the rule is ruled out)

and when neither matches, C is unknown. Negation never reaches the engine: `not` swaps T and F, and a
comparison's F form is the negated comparison guarded by "both sides exist". Because no pattern tests for
the *absence* of a fact, what fires cannot depend on the order in which facts and conclusions arrive — the
pitfall of negation over absent facts does not arise.

Both forms are the condition's normal form (`engine.law.normal_form`, which `check` reads too); its conjunctions
become durable-rules rules joining the case fact with the conclusion facts (`outcome(q)`) they need — one rule for
the conjunctions that test the same conclusions (`durable_rules`).
"""

from __future__ import annotations

from typing import Any

from engine.law.expressions import MIRRORED, Condition, ConditionError
from engine.law.normal_form import DNF, Conjunction, Equals, IsKnown, Linear, OutcomeIs, normal_form

CASE = "case"
OUTCOME = "outcome"
_DURABLE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def true_form(node: Condition) -> DNF:
    return normal_form(node, True)


def false_form(node: Condition) -> DNF:
    return normal_form(node, False)


def _case_test(literal: IsKnown | Equals | Linear) -> Any:
    """A literal on the case fact as a durable-rules expression."""
    if isinstance(literal, IsKnown):
        return {"$ex" if literal.present else "$nex": {literal.fact: 1}}
    if isinstance(literal, Equals):
        return _durable_compare(literal.fact, "==" if literal.equal else "!=", literal.value)
    terms, constant, op = dict(literal.terms), literal.constant, literal.op
    pivot = _pivot(literal)
    if pivot is None:
        raise ConditionError(f"cannot compile a comparison where every fact is counted twice: {literal}")
    if terms[pivot] == -1:  # -pivot + rest op 0  <=>  pivot op' rest
        terms = {name: -c for name, c in terms.items()}
        constant, op = -constant, MIRRORED[op]
    rest = {name: -c for name, c in terms.items() if name != pivot}  # pivot op -(rest + constant)
    return _durable_compare(pivot, op, _durable_sum(rest, -constant))


def _pivot(literal: Linear) -> str | None:
    """The fact a comparison is written on (its left side): the first counted once."""
    return next((name for name, coefficient in literal.terms if abs(coefficient) == 1), None)


def _case_tests(literals: list[IsKnown | Equals | Linear]) -> list[IsKnown | Equals | Linear]:
    """A conjunction's tests on the case fact, as durable-rules' alpha network best takes them.

    That network walks the tests depth first and keeps every matching next test pending on a stack of 64
    (MAX_STACK_SIZE in its events.c); more is error 303, which a case with every fact known reached once a few
    facts were added. A test of "the fact is known" matches whenever the case gives the fact, so it is left out
    where it adds nothing: a test on a property the fact lacks does not match, so "known" is redundant before a
    test whose left side is that fact. Only a fact a comparison reads on its right side is tested for first: there
    a missing property is an error, not a mismatch. Value tests come first, since fewer of them match.
    """
    lefts = {lit.fact for lit in literals if isinstance(lit, Equals)} | {
        _pivot(lit) for lit in literals if isinstance(lit, Linear)}
    kept = [lit for lit in literals if not (isinstance(lit, IsKnown) and lit.present and lit.fact in lefts)]

    def rank(literal: IsKnown | Equals | Linear) -> int:
        if isinstance(literal, IsKnown):
            return 1
        if isinstance(literal, Linear) and len(literal.terms) > 1:
            return 2  # after the tests that the facts on its right side are known
        return 0

    return sorted(kept, key=rank)


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


def durable_rules(dnf: DNF) -> list[dict]:
    """A normal form as durable-rules rules: one per set of conclusion tests its conjunctions make, joining the case
    fact (where they test it) with one conclusion fact per question tested.

    Each pattern of a rule is a beta node, and durable-rules allocates and clears a few KB for every beta node of
    the ruleset in every session it creates — most of what a session costs. So conjunctions that test the same
    conclusions share one rule, their tests on the case fact joined by `$or` (alpha nodes, which cost a session
    nothing); and a rule that tests only conclusions does not join the case fact at all.
    """
    groups: dict[tuple[OutcomeIs, ...], list[Conjunction]] = {}
    for conjunction in dnf:
        outcomes = tuple(sorted({lit for lit in conjunction if isinstance(lit, OutcomeIs)},
                                key=lambda lit: (lit.question, lit.outcome, lit.equal)))
        groups.setdefault(outcomes, []).append(tuple(lit for lit in conjunction if not isinstance(lit, OutcomeIs)))
    return [_durable_rule(outcomes, cases) for outcomes, cases in groups.items()]


def _durable_rule(outcomes: tuple[OutcomeIs, ...], cases: list[Conjunction]) -> dict:
    """One rule: any of `cases` (tests on the case fact) and every one of `outcomes` (tests on conclusions)."""
    alternatives = [[_case_test(lit) for lit in _case_tests(list(case))] for case in cases]
    tests: list[Any] = []  # nothing asked of the case, if some alternative asks nothing
    if all(alternatives):
        tests = alternatives[0] if len(alternatives) == 1 else [{"$or": [{"$and": each} for each in alternatives]}]
    patterns = [{"case": {"$and": [{"t": CASE}] + tests}}] if tests or not outcomes else []
    by_question: dict[str, list[OutcomeIs]] = {}
    for lit in outcomes:
        by_question.setdefault(lit.question, []).append(lit)
    for index, (question, tests) in enumerate(sorted(by_question.items())):
        clauses: list[Any] = [{"t": OUTCOME}, {"q": question}]
        clauses += [{"o": t.outcome} if t.equal else {"$neq": {"o": t.outcome}} for t in tests]
        patterns.append({f"o{index}": {"$and": clauses}})
    return {"all": patterns}


def catch_all(kind: str) -> dict:
    """A rule that matches every fact of one kind, so that no fact is ever left unhandled."""
    return {"all": [{"m": {"t": kind}}]}
