"""Outcomes the rules of a question conclude together, though none of them does alone.

Rules are written one conclusion at a time, and the law's rules come in complementary pairs: "the means cover the
need" (not entitled) and "the means do not cover it, but with the benefits not yet claimed they would" (not
entitled as well). When the case leaves the means open between two bounds, neither rule is definitely true — yet
every value the means can have makes one of them true, so the outcome is settled. Three-valued logic cannot see
that by itself (it is `x < 5 or x >= 5` with x unknown), so the rule book adds what it needs: for the rules of one
question and outcome, every consensus of two of their conditions on a complementary comparison — (p and X) or
(not p and Y) holds whenever X and Y do — is a condition of its own, a *joint* conclusion, compiled and evaluated
like any rule's. Resolution repeats until nothing new comes out.

Only comparisons and memberships on facts are resolved on: every completion of a case decides them. A consensus
that would keep a `known(...)` or `shown(...)` is left out: it reads the case as it is rather than the facts (and
`not known(...)`, `not shown(...)` can turn false as facts are filled in), so a joint conclusion holds on every
completion of the case, as its rules' conclusions do.

A rule that asks for another question's outcome is read, for this purpose, with that question's rules in its place
(`outcome("5-1") == "entitled"` as "one of the rules concluding it holds"): on a completion of a case each
question's outcome is exactly what its rules say, so § 5-4 (forms of assistance whenever § 5-1 entitles or § 5-2 is
open to discretion) is settled when every value of an amount makes one of them so, though neither is yet. Of the
conjunctions resolution derives only the most general are kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from engine.law.expressions import MIRRORED, NEGATED, And, Compare, Condition, InSet, Known, Not, OutcomeRef, Shown
from engine.law.normal_form import TooLarge, disjunctive

MAX_JOINT = 100  # joint conditions per question and outcome: resolution stops there

Atom = tuple[Condition, bool]  # a comparison, membership, known() or shown(), and the value it must have


Premises = Callable[[str], list[tuple[str, Condition]]]  # a question -> (outcome, effective condition) per rule


def _atoms(premises: Premises):
    """The leaves of a condition for resolution: each comparison, membership, known() and shown() as an atom; a
    question's outcome as the conditions of the rules that conclude it (or another outcome, for `!=`)."""
    def leaf(node: Condition, want: bool) -> list[tuple[Atom, ...]]:
        asked = _asked(node)
        if asked is None:
            return [((node, want),)]
        question, concluded = asked
        return [conjunction for outcome, condition in premises(question) if concluded(outcome) == want
                for conjunction in disjunctive(condition, True, leaf)]

    return leaf


def _asked(node: Condition) -> tuple[str, Callable[[str], bool]] | None:
    """For a test of a question's outcome: the question, and which of its outcomes make the test true."""
    if isinstance(node, InSet) and isinstance(node.subject, OutcomeRef):
        return node.subject.question, lambda outcome: outcome in node.options
    if isinstance(node, Compare) and (isinstance(node.left, OutcomeRef) or isinstance(node.right, OutcomeRef)):
        ref, value = (node.left, node.right) if isinstance(node.left, OutcomeRef) else (node.right, node.left)
        return ref.question, lambda outcome: (outcome == value.value) == (node.op == "==")
    return None


def _key(atom: Atom) -> tuple:
    """One key for an atom and every way of writing it: `a < b`, `not a >= b` and `b > a` are one comparison."""
    node, want = atom
    if isinstance(node, Compare) and node.bounds is not None:
        terms, constant = node.bounds
        op = node.op if want else NEGATED[node.op]
        if terms and terms[0][2] < 0:
            terms, constant, op = tuple((low, high, -c) for low, high, c in terms), -constant, MIRRORED[op]
        return ("comparison", terms, constant, op)
    return ("atom", node, want)


def _complement(key: tuple) -> tuple:
    if key[0] == "comparison":
        return (*key[:3], NEGATED[key[3]])
    return ("atom", key[1], not key[2])


def _resolvable(key: tuple) -> bool:
    """A comparison or membership on facts: every completion of a case makes it true or false."""
    if key[0] == "comparison":
        return True
    node = key[1]
    sides = (node.left, node.right) if isinstance(node, Compare) else (node.subject,) if isinstance(node, InSet) else ()
    return bool(sides) and not any(isinstance(side, OutcomeRef) for side in sides)


def _on_the_facts(key: tuple) -> bool:
    """A comparison or membership (on facts or outcomes), not a known() or shown() of the case as it is."""
    return not (key[0] == "atom" and isinstance(key[1], Known | Shown))


def joint_conditions(rules: Iterable[tuple[str, Condition]], premises: Premises
                     ) -> list[tuple[tuple[str, ...], Condition]]:
    """For the rules (id, effective condition) of one question that conclude one outcome: the joint conditions
    that resolution on complementary comparisons adds, each with the ids of the rules it comes from. `premises`
    gives the rules of a question asked about."""
    terms: dict[frozenset, tuple[dict, frozenset[str], bool]] = {}  # atom keys -> atoms, rules behind, joint?
    try:
        for rule_id, condition in rules:
            for conjunction in disjunctive(condition, True, _atoms(premises)):
                atoms = {_key(atom): atom for atom in conjunction}
                term = frozenset(atoms)
                if not any(_complement(key) in term for key in term):
                    terms[term] = (atoms, terms.get(term, ({}, frozenset()))[1] | {rule_id}, False)
    except TooLarge:
        return []  # too many to resolve: the rules conclude one by one
    for _ in range(MAX_JOINT):
        found = next(_resolvents(terms), None)
        if found is None:
            break
        term, atoms, origin = found
        for subsumed in [t for t, (_, _, joint) in terms.items() if joint and term < t]:
            del terms[subsumed]
        terms[term] = (atoms, origin, True)
    return [(tuple(sorted(origin)), And(tuple(node if want else Not(node) for node, want in
                                               sorted(atoms.values(), key=repr))))
            for atoms, origin, joint in terms.values() if joint]


def _resolvents(terms: dict[frozenset, tuple[dict, frozenset[str], bool]]):
    """Conjunctions resolution derives from two already there — with their atoms and the rules behind them — that
    no conjunction already there subsumes."""
    for first, second in itertools.combinations(list(terms), 2):
        for key in sorted(first, key=repr):  # not in hash order: the same joints, in the same order, in every process
            if not _resolvable(key) or _complement(key) not in second:
                continue
            term = (first - {key}) | (second - {_complement(key)})
            if any(_complement(other) in term for other in term) or not all(_on_the_facts(k) for k in term) or \
                    any(existing <= term for existing in terms):
                continue
            atoms = {**terms[first][0], **terms[second][0]}
            yield term, {k: atoms[k] for k in term}, terms[first][1] | terms[second][1]
