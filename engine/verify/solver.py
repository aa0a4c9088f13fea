"""Can two conditions hold together? Decided on their normal forms (`engine.law.normal_form`), over the facts.

Each pair of conjunctions is solved: codes and flags by trying the values the literals name, known/unknown by the
`known` literals, premise outcomes by the outcomes their questions can have, and the money and count sums by
Fourier–Motzkin elimination over whole øre ≥ 0. A money fact the literals read is tried known (both bounds equal
to it), bounded (its least below its most) and unbounded above, as far as the literals allow. A solution is
confirmed by evaluating both conditions on it, so a reported overlap is never an artefact of the solver.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import ceil, floor
from typing import Any

from engine.case.facts import VOCABULARY, FactKind, as_observed, fact_of, lower, upper
from engine.law.expressions import Condition, truth
from engine.law.normal_form import Conjunction, Equals, IsKnown, Linear, OutcomeIs, normal_form


def _linear_solution(constraints: list[Linear]) -> dict[str, int] | None:
    """Whole numbers >= 0 satisfying every `sum + constant op 0`, by Fourier-Motzkin elimination and back-
    substitution; None when there are none (or none was found)."""
    rows: list[tuple[dict[str, Fraction], Fraction]] = []  # sum + constant <= 0
    names = sorted({name for constraint in constraints for name, _ in constraint.terms})
    for constraint in constraints:
        terms, constant, op = {n: Fraction(c) for n, c in constraint.terms}, constraint.constant, constraint.op
        if op in ("<", "<=", "=="):
            rows.append((terms, Fraction(constant) + (1 if op == "<" else 0)))
        if op in (">", ">=", "=="):
            rows.append(({n: -c for n, c in terms.items()}, -Fraction(constant) + (1 if op == ">" else 0)))
    rows += [({name: Fraction(-1)}, Fraction(0)) for name in names]
    stages = [rows]
    for name in names:
        current = stages[-1]
        lower = [r for r in current if r[0].get(name, 0) < 0]
        upper = [r for r in current if r[0].get(name, 0) > 0]
        rest = [r for r in current if r[0].get(name, 0) == 0]
        for (lt, lc), (ut, uc) in itertools.product(lower, upper):
            a, b = -lt[name], ut[name]
            combined = {n: lt.get(n, 0) * b + ut.get(n, 0) * a for n in set(lt) | set(ut)}
            combined = {n: c for n, c in combined.items() if c and n != name}
            rest.append((combined, lc * b + uc * a))
        if len(rest) > 5000:
            return None
        stages.append(rest)
    if any(not terms and constant > 0 for terms, constant in stages[-1]):
        return None
    values: dict[str, int] = {}
    for index in reversed(range(len(names))):
        name, low, high = names[index], Fraction(0), None
        for terms, constant in stages[index]:
            coefficient = terms.get(name, 0)
            if not coefficient:
                continue
            if any(n not in values for n in terms if n != name):
                continue
            bound = -(constant + sum(c * values[n] for n, c in terms.items() if n != name)) / coefficient
            if coefficient > 0:
                high = bound if high is None else min(high, bound)
            else:
                low = max(low, bound)
        value = ceil(low)
        if high is not None and value > floor(high):
            return None
        values[name] = value
    return values


def _placeholder(name: str) -> Any:
    kind = VOCABULARY[name].kind
    return {FactKind.boolean: False, FactKind.code: "other"}.get(kind, 0)


_MODES = ("known", "bounded", "open")  # a money fact known exactly, between two bounds, or bounded below only
_MAX_MODE_CHOICES = 256


def _modes(fact: str, present: set[str], absent: set[str]) -> list[str]:
    """The ways a money fact may be given that agree with the conjunction's `known` literals on it and its bounds."""
    allowed = []
    for mode in _MODES:
        has = {fact: mode == "known", lower(fact): True, upper(fact): mode != "open"}
        if all(has[name] for name in present if name in has) and not any(has[name] for name in absent if name in has):
            allowed.append(mode)
    return allowed


def _numbers(linear: list[Linear], money: list[str], modes: tuple[str, ...]) -> dict[str, int] | None:
    """Whole numbers for the literals with each money fact given as `modes` says: a known fact's bounds are one
    number, a bounded fact's least is below its most."""
    rename: dict[str, str] = {}
    constraints: list[Linear] = []
    for fact, mode in zip(money, modes, strict=True):
        if mode == "known":
            rename[lower(fact)] = rename[upper(fact)] = fact
        elif mode == "bounded":
            constraints.append(Linear(((lower(fact), 1), (upper(fact), -1)), 1, "<="))
    for literal in linear:
        terms: dict[str, int] = {}
        for name, coefficient in literal.terms:
            if name == upper(fact_of(name)) and modes[money.index(fact_of(name))] == "open":
                return None  # no upper bound to read
            terms[rename.get(name, name)] = terms.get(rename.get(name, name), 0) + coefficient
        constraints.append(Linear(tuple(sorted((n, c) for n, c in terms.items() if c)), literal.constant, literal.op))
    return _linear_solution(constraints)


def solve(conjunction: Conjunction, outcomes_of: dict[str, set[str]]) -> tuple[dict, dict] | None:
    """Facts (as the engines read them: `engine.case.facts.as_observed`) and premise outcomes under which every
    literal holds, or None when they contradict."""
    present = {lit.fact for lit in conjunction if isinstance(lit, IsKnown) and lit.present}
    absent = {lit.fact for lit in conjunction if isinstance(lit, IsKnown) and not lit.present}
    if present & absent:
        return None
    outcomes: dict[str, str] = {}
    asked = [lit for lit in conjunction if isinstance(lit, OutcomeIs)]
    for question in {lit.question for lit in asked}:
        tests = [lit for lit in asked if lit.question == question]
        candidates = sorted(outcomes_of.get(question, set()) | {t.outcome for t in tests if t.equal})
        fitting = [o for o in candidates if all((o == t.outcome) == t.equal for t in tests)]
        if not fitting:
            return None
        outcomes[question] = fitting[0]
    known: dict[str, Any] = {}
    equalities = [lit for lit in conjunction if isinstance(lit, Equals)]
    for name in {lit.fact for lit in equalities}:
        tests = [lit for lit in equalities if lit.fact == name]
        candidates = [True, False] if VOCABULARY[name].kind == FactKind.boolean else \
            sorted({str(t.value) for t in tests}) + ["(another value)"]
        fitting = [v for v in candidates if all((v == t.value) == t.equal for t in tests)]
        if not fitting:
            return None
        known[name] = fitting[0]
    linear = [lit for lit in conjunction if isinstance(lit, Linear)]
    named = present | absent | {name for lit in linear for name, _ in lit.terms}
    money = sorted({fact_of(name) for name in named if VOCABULARY[fact_of(name)].kind == FactKind.money})
    choices = list(itertools.islice(itertools.product(*(_modes(f, present, absent) for f in money)),
                                    _MAX_MODE_CHOICES))
    for modes in choices:
        numbers = _numbers(linear, money, modes)
        if numbers is None:
            continue
        bounds = {}
        for fact, mode in zip(money, modes, strict=True):
            if mode == "known":
                known[fact] = numbers.get(fact, 0)
            else:
                bounds[fact] = (numbers.get(lower(fact), 0), numbers.get(upper(fact), 0) if mode == "bounded" else None)
        known.update((name, value) for name, value in numbers.items() if fact_of(name) not in money)
        for name in present - known.keys():
            if fact_of(name) not in money:
                known[name] = _placeholder(name)
        return as_observed(known, bounds), outcomes
    return None


def together(first: Condition, second: Condition, outcomes_of: dict[str, set[str]]) -> tuple[dict, dict] | None:
    """Facts and premise outcomes on which both conditions are definitely true — confirmed by evaluating them —
    or None when their literals contradict in every pair of conjunctions. Raises TooLarge."""
    for a, b in itertools.product(normal_form(first), normal_form(second)):
        solution = solve(a + b, outcomes_of)
        if solution is not None:
            facts, outcomes = solution
            if truth(first, facts, outcomes) is True and truth(second, facts, outcomes) is True:
                return solution
    return None
