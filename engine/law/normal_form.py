"""A condition in disjunctive normal form over simple literals: the one form the compiler and `check` both read.

`normal_form(C, True)` lists the conjunctions under which C is *definitely true*, `normal_form(C, False)` those
under which it is *definitely false* (Kleene). Negation never reaches a literal: `not` swaps the two forms, and a
comparison's false form is the negated comparison, which — like every literal on a fact — holds only where the
fact is known. A comparison of amounts is read on the amounts' bounds (`engine.case.facts.lower`/`upper`): it is
definitely true when it holds at the end of the bounds that is worst for it — `means >= need` when the least the
means can be is at least the most the need can be — and a bound that does not exist (no upper limit) cannot
satisfy it. So the literals are purely positive: none tests for the absence of a fact except `known(...)` and
`shown(...)` written in a rule file, which read the case as it is and never wait for a conclusion. The compiler
(`engine.run.compiler`) turns each conjunction into one durable-rules rule; the solver (`engine.verify.solver`)
decides whether two conditions can hold together.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.case.facts import fact_of, lower
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
    Shown,
)

MAX_CONJUNCTIONS = 20_000


class TooLarge(ConditionError):
    """A condition whose normal form would have more than MAX_CONJUNCTIONS conjunctions."""


@dataclass(frozen=True)
class IsKnown:
    """The case gives the fact (`present`), or does not. `fact` may also name a money fact's bound (`lower`,
    `upper`): whether the case bounds it so."""

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
    """sum(coefficient * value) + constant `op` 0, where each value is a count fact or a money fact's bound (each
    present: see IsKnown)."""

    terms: tuple[tuple[str, int], ...]  # sorted by name, no zero coefficients
    constant: int
    op: str  # < <= > >=


Literal = IsKnown | Equals | OutcomeIs | Linear
Conjunction = tuple[Literal, ...]
DNF = list[Conjunction]  # [] is "never"; [()] is "always"


def normal_form(node: Condition, want: bool = True) -> DNF:
    """The conjunctions under which `node` is definitely `want`, without repeated literals or conjunctions."""
    return simplify(disjunctive(node, want, _literals))


def disjunctive(node: Condition, want: bool, leaf: Callable[[Condition, bool], list[tuple]]) -> list[tuple]:
    """The conjunctions under which `node` is `want`, over what `leaf` makes of each comparison, membership,
    known() and shown() (`leaf(node, want)`: the conjunctions under which that one is `want`)."""
    if isinstance(node, Const):
        return [()] if bool(node.value) == want else []
    if isinstance(node, Not):
        return disjunctive(node.item, not want, leaf)
    if isinstance(node, And | Or):
        parts = [disjunctive(item, want, leaf) for item in node.items]
        if isinstance(node, And) == want:  # T(and) and F(or): every part must hold
            size = 1
            for part in parts:
                size *= len(part)
            if size > MAX_CONJUNCTIONS:
                raise TooLarge(f"a condition with more than {MAX_CONJUNCTIONS} alternatives")
            return [sum(choice, ()) for choice in itertools.product(*parts)]
        return [conjunction for part in parts for conjunction in part]
    return leaf(node, want)


def _literals(node: Condition, want: bool) -> DNF:
    if isinstance(node, Known):
        return [(IsKnown(node.name, want),)]
    if isinstance(node, Shown):
        shown = normal_form(node.item, True)
        return shown if want else _complement(shown)
    if isinstance(node, InSet):
        return _membership(node, want)
    return _comparison(node if want else Compare(NEGATED[node.op], node.left, node.right))


def _complement(dnf: DNF) -> DNF:
    """The conjunctions under which no conjunction of `dnf` holds (literals on facts only: see `shown`)."""
    result: DNF = [()]
    for conjunction in dnf:
        alternatives = [alternative for literal in conjunction for alternative in _negated(literal)]
        if len(result) * len(alternatives) > MAX_CONJUNCTIONS:
            raise TooLarge(f"a condition with more than {MAX_CONJUNCTIONS} alternatives")
        result = simplify([kept + alternative for kept in result for alternative in alternatives])
    return result


def _negated(literal: Literal) -> DNF:
    if isinstance(literal, IsKnown):
        return [(IsKnown(literal.fact, not literal.present),)]
    if isinstance(literal, Equals):
        return [(IsKnown(literal.fact, False),),
                (IsKnown(literal.fact, True), Equals(literal.fact, literal.value, not literal.equal))]
    if isinstance(literal, Linear):
        present = _guards(name for name, _ in literal.terms)
        return [(IsKnown(guard.fact, False),) for guard in present] + \
            [present + (Linear(literal.terms, literal.constant, NEGATED[literal.op]),)]
    raise ConditionError(f"shown() of a condition on outcome(): {literal}")


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

    if node.bounds is None:
        raise ConditionError(f"compare a code or a flag with a literal, not with another fact: {node}")
    terms, constant = node.bounds
    if node.op == "!=":
        return _bounded(terms, constant, "<") + _bounded(terms, constant, ">")
    if node.op == "==":
        return [below + above for below in _bounded(terms, constant, "<=") for above in _bounded(terms, constant, ">=")]
    return _bounded(terms, constant, node.op)


def _bounded(terms: tuple, constant: int, op: str) -> DNF:
    """`sum(c * fact) + constant op 0` for every value within the facts' bounds: on the most the sum can be for
    < and <=, on the least for > and >= (a count fact's bounds are the fact itself)."""
    on_most = op in ("<", "<=")
    chosen = tuple(sorted(((high if (c > 0) == on_most else low), c) for low, high, c in terms))
    present = _guards(name for name, _ in chosen)
    if not chosen:  # both sides constant: decide now
        return [present] if satisfies(constant, op) else []
    return [present + (Linear(chosen, constant, op),)]


def _guards(names: Iterable[str]) -> tuple[IsKnown, ...]:
    """"The values a comparison reads are there": a count fact, a money fact's upper bound — not a money fact's lower
    bound, which always is (0 at least: `engine.case.facts`)."""
    return tuple(IsKnown(name, True) for name in names if name != lower(fact_of(name)))


def holds(literal: Literal, facts: dict[str, Any], outcomes: dict[str, str]) -> bool:
    """Whether a literal holds on the observations and the concluded outcomes — what its compiled pattern matches."""
    if isinstance(literal, IsKnown):
        return (literal.fact in facts) == literal.present
    if isinstance(literal, Equals):
        return literal.fact in facts and (facts[literal.fact] == literal.value) == literal.equal
    if isinstance(literal, OutcomeIs):
        outcome = outcomes.get(literal.question)
        return outcome is not None and (outcome == literal.outcome) == literal.equal
    total = literal.constant
    for name, coefficient in literal.terms:
        value = facts.get(name)
        if value is None:
            return False
        total += coefficient * value
    return satisfies(total, literal.op)


def reads(literal: Literal) -> tuple[str, ...]:
    """What a literal reads off the case: fact names and money facts' bounds (an outcome literal: nothing)."""
    if isinstance(literal, Linear):
        return tuple(name for name, _ in literal.terms)
    return () if isinstance(literal, OutcomeIs) else (literal.fact,)


def satisfies(value: Any, op: str) -> bool:
    """`value op 0`."""
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
