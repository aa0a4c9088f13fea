"""A condition in disjunctive normal form over simple literals: the one form the compiler and `check` both read.

`normal_form(C, True)` lists the conjunctions under which C is *definitely true*, `normal_form(C, False)` those
under which it is *definitely false* (Kleene). Negation never reaches a literal: `not` swaps the two forms, and a
comparison's false form is the negated comparison, which — like every literal on a fact — holds only where the
fact is known. So the literals are purely positive: none tests for the absence of a fact except `known(...)`
written in a rule file. The compiler (`engine.run.compiler`) turns each conjunction into one durable-rules rule;
the solver (`engine.verify.solver`) decides whether two conditions can hold together.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from engine.law.expressions import (
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
)

MAX_CONJUNCTIONS = 20_000


class TooLarge(ConditionError):
    """A condition whose normal form would have more than MAX_CONJUNCTIONS conjunctions."""


@dataclass(frozen=True)
class IsKnown:
    """The case gives the fact (`present`), or does not."""

    fact: str
    present: bool


@dataclass(frozen=True)
class Equals:
    """A code or flag fact equals `value` (`equal`), or differs from it. Comes with IsKnown(fact, True)."""

    fact: str
    value: Any
    equal: bool


@dataclass(frozen=True)
class OutcomeIs:
    """The question's concluded outcome is `outcome` (`equal`), or a concluded outcome other than it."""

    question: str
    outcome: str
    equal: bool


@dataclass(frozen=True)
class Linear:
    """sum(coefficient * fact) + constant `op` 0, over money and count facts (each known: see IsKnown)."""

    terms: tuple[tuple[str, int], ...]  # sorted by fact, no zero coefficients
    constant: int
    op: str  # < <= > >= ==


Literal = IsKnown | Equals | OutcomeIs | Linear
Conjunction = tuple[Literal, ...]
DNF = list[Conjunction]  # [] is "never"; [()] is "always"


def normal_form(node: Condition, want: bool = True) -> DNF:
    """The conjunctions under which `node` is definitely `want`, without repeated literals or conjunctions."""
    return simplify(_form(node, want))


def _form(node: Condition, want: bool) -> DNF:
    if isinstance(node, Const):
        return [()] if bool(node.value) == want else []
    if isinstance(node, Not):
        return _form(node.item, not want)
    if isinstance(node, And | Or):
        parts = [_form(item, want) for item in node.items]
        if isinstance(node, And) == want:  # T(and) and F(or): every part must hold
            size = 1
            for part in parts:
                size *= len(part)
            if size > MAX_CONJUNCTIONS:
                raise TooLarge(f"a condition with more than {MAX_CONJUNCTIONS} alternatives")
            return [sum(choice, ()) for choice in itertools.product(*parts)]
        return [conjunction for part in parts for conjunction in part]
    if isinstance(node, Known):
        return [(IsKnown(node.name, want),)]
    if isinstance(node, InSet):
        return _membership(node, want)
    return _comparison(node if want else Compare(NEGATED[node.op], node.left, node.right))


def _membership(node: InSet, want: bool) -> DNF:
    options = [str(option) for option in node.options] if isinstance(node.subject, OutcomeRef) else node.options
    if isinstance(node.subject, OutcomeRef):
        tests = [OutcomeIs(node.subject.question, option, want) for option in options]
        return [(test,) for test in tests] if want else [tuple(tests)]
    known = IsKnown(node.subject.name, True)
    if want:
        return [(known, Equals(node.subject.name, option, True)) for option in options]
    return [(known, *(Equals(node.subject.name, option, False) for option in options))]


def _comparison(node: Compare) -> DNF:
    left, right, op = node.left, node.right, node.op
    if isinstance(right, OutcomeRef):
        left, right, op = right, left, MIRRORED[op]
    if isinstance(left, OutcomeRef):
        return [(OutcomeIs(left.question, str(right.value), op == "=="),)]
    if isinstance(left, Const) and isinstance(right, FactRef):
        left, right, op = right, left, MIRRORED[op]
    if isinstance(right, Const) and isinstance(right.value, str | bool):  # a code or a flag: no arithmetic
        if not isinstance(left, FactRef):
            raise ConditionError(f"compare a fact, not an expression, with {right.value!r}")
        return [(IsKnown(left.name, True), Equals(left.name, right.value, op == "=="))]

    terms, constant = linear_terms(left, 1)
    right_terms, right_constant = linear_terms(right, -1)
    for name, coefficient in right_terms.items():
        terms[name] = terms.get(name, 0) + coefficient
    constant += right_constant
    # Every fact the comparison names must be known, even one whose terms cancel: the value of a term over an
    # unknown fact is unknown (`expressions.value_of`).
    known = tuple(IsKnown(name, True) for name in sorted(terms))
    nonzero = tuple(sorted((name, c) for name, c in terms.items() if c))
    if not nonzero:  # both sides constant once the facts are known: decide now
        return [known] if _holds(op, constant) else []
    if op == "!=":
        return [known + (Linear(nonzero, constant, "<"),), known + (Linear(nonzero, constant, ">"),)]
    return [known + (Linear(nonzero, constant, op),)]


def _holds(op: str, value: int) -> bool:
    return {"<": value < 0, "<=": value <= 0, ">": value > 0, ">=": value >= 0, "==": value == 0,
            "!=": value != 0}[op]


def simplify(dnf: DNF) -> DNF:
    """Drop repeated literals, conjunctions that contradict themselves on known-ness or on an outcome, and repeated
    conjunctions."""
    result: list[Conjunction] = []
    for conjunction in dnf:
        unique = tuple(dict.fromkeys(conjunction))
        if unique not in result and not _contradicts(unique):
            result.append(unique)
    return result


def _contradicts(conjunction: Conjunction) -> bool:
    known = {(lit.fact, lit.present) for lit in conjunction if isinstance(lit, IsKnown)}
    if any((fact, not present) in known for fact, present in known):
        return True
    demanded: dict[str, set[str]] = {}
    refused = set()
    for lit in conjunction:
        if isinstance(lit, OutcomeIs):
            if lit.equal:
                demanded.setdefault(lit.question, set()).add(lit.outcome)
            else:
                refused.add((lit.question, lit.outcome))
    return any(len(outcomes) > 1 or any((q, o) in refused for o in outcomes) for q, outcomes in demanded.items())
