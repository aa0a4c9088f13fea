"""Outcomes the rules of a question conclude together, though none of them does alone.

Rules are written one conclusion at a time, and where a rule's condition compares amounts, another's may compare
them the other way: "the means cover the need" under one rule, "they do not" under another, both leading to one
outcome by different roads. When the case leaves an amount open between two bounds, neither rule is definitely
true — yet every value the amount can have makes one of them true, so the outcome is settled. Three-valued logic
cannot see that by itself (it is `x < 5 or x >= 5` with x unknown), so the rule book adds what it needs: for the
rules of one question and outcome, every consensus of two of their conditions on a complementary comparison of
amounts — (p and X) or (not p and Y) holds whenever X and Y do — is a condition of its own, a *joint* conclusion,
compiled and evaluated like any rule's. Resolution repeats until nothing new comes out.

Only comparisons of amounts are resolved on: they are what partial knowledge bounds (`engine.case.facts`), and
every completion of a case decides them. Resolving on every flag and code as well would settle a few more cases
whose unknown is a yes/no, at the price of thirty times the joint conclusions (63 against 2 in today's rule set)
and a quarter of the time of every evaluation (docs/performance.md). A consensus that would keep a `known(...)` or
`shown(...)` is left out: it reads the case as it is rather than the facts (and `not known(...)`, `not shown(...)`
can turn false as facts are filled in), so a joint conclusion holds on every completion of the case, as its
rules' conclusions do.

A rule that asks for another question's outcome is read, for this purpose, with that question's rules in its place
(`outcome("5-1") == "entitled"` as "one of the rules concluding it holds"): on a completion of a case each
question's outcome is exactly what its rules say, so § 5-4 (forms of assistance whenever § 5-1 entitles or § 5-2 is
open to discretion) is settled when every value of an amount makes one of them so, though neither is yet. Of the
conjunctions resolution derives only the most general are kept.
"""

from __future__ import annotations

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


class _Keys:
    """One key for an atom and every way of writing it — `a < b`, `not a >= b` and `b > a` are one comparison — made
    of strings and numbers, so that keys hash and sort cheaply and in the same order in every process."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Condition, str]] = {}  # id(node) -> (node, its text): each written once

    def __call__(self, atom: Atom) -> tuple:
        node, want = atom
        if isinstance(node, Compare) and node.bounds is not None:
            terms, constant = node.bounds
            op = node.op if want else NEGATED[node.op]
            if terms and terms[0][2] < 0:
                terms, constant, op = tuple((low, high, -c) for low, high, c in terms), -constant, MIRRORED[op]
            return ("comparison", terms, constant, op)
        if id(node) not in self._texts:
            self._texts[id(node)] = (node, repr(node))
        return ("atom", self._texts[id(node)][1], want, isinstance(node, Known | Shown))  # reads the case as it is


def _complement(key: tuple) -> tuple:
    if key[0] == "comparison":
        return (*key[:3], NEGATED[key[3]])
    return ("atom", key[1], not key[2], key[3])


Term = tuple[dict, frozenset[str], bool]  # its atoms by key, the rules behind it, whether resolution derived it


def joint_conditions(rules: Iterable[tuple[str, Condition]], premises: Premises
                     ) -> list[tuple[tuple[str, ...], Condition]]:
    """For the rules (id, effective condition) of one question that conclude one outcome: the joint conditions
    that resolution on complementary comparisons adds, each with the ids of the rules it comes from. `premises`
    gives the rules of a question asked about."""
    key = _Keys()
    terms: dict[frozenset, Term] = {}
    try:
        for rule_id, condition in rules:
            for conjunction in disjunctive(condition, True, _atoms(premises)):
                atoms = {key(atom): atom for atom in conjunction}
                term = frozenset(atoms)
                if not any(_complement(k) in term for k in term):
                    terms[term] = (atoms, terms.get(term, ({}, frozenset(), False))[1] | {rule_id}, False)
    except TooLarge:
        return []  # too many to resolve: the rules conclude one by one
    _close(terms)
    return [(tuple(sorted(origin)), And(tuple(node if want else Not(node) for node, want in
                                               (atoms[k] for k in sorted(atoms)))))
            for atoms, origin, joint in terms.values() if joint]


def _close(terms: dict[frozenset, Term]) -> None:
    """Add to `terms` every resolvent of two of them that none subsumes, each new one resolved with those before
    it in turn; a new one takes the place of the derived ones it subsumes. At most MAX_JOINT are derived."""
    queue, done, derived = list(terms), [], 0
    while queue and derived < MAX_JOINT:
        term = queue.pop(0)
        if term not in terms:
            continue  # subsumed meanwhile
        for other in done:
            if term not in terms:
                break  # a resolvent of its own took its place
            if other not in terms:
                continue  # subsumed meanwhile
            for resolvent, atoms, origin in list(_resolvents(term, terms[term], other, terms[other])):
                if any(existing <= resolvent for existing in terms):
                    continue
                for subsumed in [t for t, (_, _, joint) in terms.items() if joint and resolvent < t]:
                    del terms[subsumed]
                terms[resolvent] = (atoms, origin, True)
                queue.append(resolvent)
                derived += 1
        done.append(term)


def _resolvents(first: frozenset, first_term: Term, second: frozenset, second_term: Term):
    """What resolution derives from two conjunctions: for each comparison of amounts one has and the other has the
    complement of, the rest of both — unless it contradicts itself or reads the case as it is."""
    for key in sorted(first):
        if key[0] != "comparison" or _complement(key) not in second:
            continue
        term = (first - {key}) | (second - {_complement(key)})
        if any(_complement(other) in term for other in term) or any(k[0] == "atom" and k[3] for k in term):
            continue
        atoms = {**first_term[0], **second_term[0]}
        yield term, {k: atoms[k] for k in term}, first_term[1] | second_term[1]
