"""What an undetermined question is missing, and what would settle it. It decides nothing legal.

The missing facts are the case-field paths the case leaves out behind the unknown facts of every rule not ruled
out (and of the undetermined questions those rules ask about): each fact's reader names exactly the paths it lacks
(`engine.case.facts`), so a field the case gives is never listed. They come in the order of how much they settle:
first the paths that alone could settle the question — the only thing one of its rules still waits for — then by
how many of its rules wait for them.

What would settle it is read off the same conditions the engine runs: each rule's conjunctions under which it is
definitely true (`Rule.true_form`, what the compiler compiles). For an amount that alone could settle the question,
every conjunction is solved for that amount with the other facts as the case gives them: the ranges of the amount
under which each outcome would be concluded ("entitled if the savings are at most 6 639.99 kr").
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor
from typing import Any

from engine.case.facts import VOCABULARY, FactKind, Observations, fact_of, lower, upper
from engine.case.glossary import kroner
from engine.case.types import kroner_range, kroner_text, to_kroner
from engine.law.expressions import MIRRORED
from engine.law.normal_form import Conjunction, IsKnown, Literal, OutcomeIs, holds, satisfies
from engine.law.rulebook import UNDETERMINED, Rule, Rulebook, RuleSet
from engine.run.runtime import Firing

_RULED_OUT = str(Firing.ruled_out)  # a plain string, as the builder's set of firings holds it
Interval = tuple[int | None, int | None]  # whole øre, both ends included; None: no end
ALL: list[Interval] = [(None, None)]


class Missing:
    """Missing facts and what would settle them, for the undetermined questions of one evaluation."""

    def __init__(self, rulebook: Rulebook, ruleset: RuleSet, observations: Observations, outcomes: dict[str, str],
                 fired: set[tuple[str, str]] | None) -> None:
        """`fired`: the session's firings as (item id, firing), rules ruled out included; None when the engine did
        not record which rules are ruled out (durable-rules by default), so each rule asked about is read off its
        F form here."""
        self.rulebook, self.ruleset = rulebook, ruleset
        self.observations, self.facts, self.unknown = observations, observations.values, observations.unknown
        self.outcomes = outcomes
        self.concluded = {q: o for q, o in outcomes.items() if o != UNDETERMINED}
        self.fired = fired
        self._waiting: dict[str, list[tuple[Rule, set[str]]]] = {}
        self._alone: dict[str, set[str]] = {}
        self._unknown = set(observations.unknown)
        # what a literal may wait for: an unknown fact, or an undetermined question as ("outcome", q)
        self._pending = self._unknown | {("outcome", q) for q, o in outcomes.items() if o == UNDETERMINED}
        self._regions: dict[tuple[str, str], dict[str, list[Interval]]] = {}
        self._ruled_out: dict[str, bool] = {}

    def ruled_out(self, rule: Rule) -> bool:
        """Whether the rule's condition is definitely false: its F form fired in the session, or (where the session
        did not record F forms) one of its conjunctions holds on the facts and outcomes — the same normal form the
        compiler compiles, for the few rules an undetermined question asks about rather than the whole rule set."""
        if self.fired is not None:
            return (rule.id, _RULED_OUT) in self.fired
        ruled_out = self._ruled_out.get(rule.id)
        if ruled_out is None:
            ruled_out = self._ruled_out[rule.id] = any(map(self._holds, rule.false_form))
        return ruled_out

    def _holds(self, conjunction: Conjunction) -> bool:
        facts, concluded = self.facts, self.concluded
        for literal in conjunction:
            if not holds(literal, facts, concluded):
                return False
        return True

    # --- missing facts -----------------------------------------------------------------------------------

    def unknown_paths(self, names: frozenset[str], premises: frozenset[str]) -> set[str]:
        """Case-field paths behind the unknown facts among `names` (the facts a condition reads), and behind what
        the undetermined questions among `premises` (the questions it asks about) are missing."""
        paths: set[str] = set().union(*map(self.observations.paths, names & self._unknown))
        for premise in premises:
            if self.outcomes[premise] == UNDETERMINED:
                for _, rule_paths in self.waiting(premise):
                    paths |= rule_paths
        return paths

    def waiting(self, question: str) -> list[tuple[Rule, set[str]]]:
        """The rules of the question that were not ruled out and miss something, with the paths they miss: those
        behind the conjunctions of the rule that filling in could still make hold (the questions a rule asks about
        come before it, and never round in a circle: `RuleSet.question_order`)."""
        found = self._waiting.get(question)
        if found is None:
            found = self._waiting[question] = []
            for rule in self.ruleset.rules_by_question[question]:
                if rule.facts.isdisjoint(self._unknown) and self._pending.isdisjoint(rule.depends_on_outcomes):
                    continue  # waits for nothing
                if self.ruled_out(rule):
                    continue
                paths = self._open_paths(rule) if len(rule.true_form_reads) > 1 else \
                    self.unknown_paths(rule.facts, rule.depends_on)  # one conjunction, open as the rule is
                if paths:  # a rule missing nothing cannot be settled by anything
                    found.append((rule, paths))
        return found

    def _open_paths(self, rule: Rule) -> set[str]:
        """The paths behind the conjunctions of a rule that filling in could still make hold. A conjunction waiting
        for the literals another one waits for and more adds nothing: wherever it would hold, so does the other
        (whose other literals hold already)."""
        open_ = [(waits, facts, asks) for conjunction, facts, asks, about in rule.true_form_reads
                 if (waits := self._waits(conjunction, about)) is not None]
        kept = [(facts, asks) for waits, facts, asks in open_ if not any(other < waits for other, _, _ in open_)]
        return self.unknown_paths(frozenset().union(*(facts for facts, _ in kept)),
                                  frozenset().union(*(asks for _, asks in kept)))

    def _waits(self, conjunction: Conjunction, about: tuple[frozenset, ...]) -> frozenset | None:
        """The literals of the conjunction that wait for something — an unknown fact, an undetermined question
        ("outcome", q) — or None when filling in can never make it hold: a literal reading only what the case gives
        fails."""
        waits, pending = [], self._pending
        for literal, on in zip(conjunction, about, strict=True):
            if not on.isdisjoint(pending):
                waits.append(literal)
            elif not holds(literal, self.facts, self.concluded):
                return None
        return frozenset(waits)

    def paths(self, question: str) -> list[str]:
        """The missing facts of an undetermined question, those that alone could settle it first."""
        waiting: dict[str, int] = {}  # path -> how many rules wait for it (a Counter costs a microsecond more)
        for _, paths in self.waiting(question):
            for path in paths:
                waiting[path] = waiting.get(path, 0) + 1
        if len(waiting) < 2:
            return list(waiting)
        alone = {path for fact in self.alone(question) if len(paths := self.observations.paths(fact)) == 1
                 for path in paths}
        return sorted(waiting, key=lambda path: (path not in alone, -waiting[path], path))

    def alone(self, question: str) -> set[str]:
        """The unknown facts each of which alone could settle the question: in some conjunction of a rule not
        ruled out, every literal holds but those on that fact (or on an undetermined premise it alone settles)."""
        if question not in self._alone:
            self._alone[question] = set()  # a question never settles itself through its premises
            found: set[str] = set()
            unknown, outcomes = self._unknown, self.outcomes
            for rule, _ in self.waiting(question):
                for conjunction, facts, asks, about in rule.true_form_reads:
                    waiting: set = facts & unknown
                    if asks:
                        waiting |= {("outcome", q) for q in asks if outcomes[q] == UNDETERMINED}
                    if len(waiting) == 1:
                        (what,) = waiting
                        if self._could_hold(conjunction, about, what):
                            found |= self.alone(what[1]) if isinstance(what, tuple) else {what}
            self._alone[question] = found
        return self._alone[question]

    def _could_hold(self, conjunction: Conjunction, about: tuple[frozenset, ...], waiting: str | tuple) -> bool:
        """Whether the conjunction could hold once `waiting` — its one unknown fact, or its one undetermined premise
        ("outcome", q) — is settled: every other literal holds now, and none on it asks for a fact to be unknown."""
        facts, concluded = self.facts, self.concluded
        for literal, on in zip(conjunction, about, strict=True):
            if waiting in on:
                if isinstance(literal, IsKnown) and not literal.present and literal.fact in facts:
                    return False  # filling in never makes a fact unknown
            elif not holds(literal, facts, concluded):
                return False
        return True

    # --- what would settle it ----------------------------------------------------------------------------

    def settles(self, question: str) -> list[dict[str, Any]]:
        """`Settling`s, as dicts: for each amount that alone could settle the question, the ranges of it that
        would conclude each outcome."""
        entries = []
        for fact in sorted(fact for fact in self.alone(question) if VOCABULARY[fact].kind == FactKind.money):
            domain = [(self.facts[lower(fact)], self.facts.get(upper(fact)))]
            for outcome, intervals in sorted(self.regions(question, fact).items()):
                for start, end in _intersect(intervals, domain):
                    entries.append(self._settling(fact, outcome, start, end, domain[0][0]))
        return entries

    def regions(self, question: str, fact: str) -> dict[str, list[Interval]]:
        """For each outcome, the values of the amount `fact` (everything else as the case gives it) under which a
        rule of the question concluding that outcome is definitely true."""
        key = (question, fact)
        if key not in self._regions:
            regions: dict[str, list[Interval]] = {}
            for rule, _ in self.waiting(question):
                for conjunction, _, _, about in rule.true_form_reads:
                    where = self._where(conjunction, about, fact)
                    if where:
                        regions[rule.outcome] = _union(regions.get(rule.outcome, []) + where)
            self._regions[key] = regions
        return self._regions[key]

    def _where(self, conjunction: Conjunction, about: tuple[frozenset, ...], fact: str) -> list[Interval]:
        """The values of `fact` under which every literal of the conjunction holds."""
        where = ALL
        for literal, on in zip(conjunction, about, strict=True):
            if fact in on:
                where = _intersect(where, self._solved(literal, fact))
            elif holds(literal, self.facts, self.concluded):
                continue
            elif isinstance(literal, OutcomeIs) and self.outcomes[literal.question] == UNDETERMINED:
                premise = self.regions(literal.question, fact)
                where = _intersect(where, _union([part for outcome, parts in premise.items()
                                                  if (outcome == literal.outcome) == literal.equal for part in parts]))
            else:
                return []
            if not where:
                return []
        return where

    def _solved(self, literal: Literal, fact: str) -> list[Interval]:
        """The values of `fact` (known exactly: both its bounds equal to it) under which the literal holds."""
        if isinstance(literal, IsKnown):
            return ALL if literal.present else []
        slope, rest = 0, literal.constant
        for name, coefficient in literal.terms:
            if fact_of(name) == fact:
                slope += coefficient
            elif name in self.facts:
                rest += coefficient * self.facts[name]
            else:
                return []
        if slope == 0:
            return ALL if satisfies(rest, literal.op) else []
        root = Fraction(-rest, slope)  # slope * x + rest op 0  <=>  x op' root
        op = literal.op if slope > 0 else MIRRORED[literal.op]
        return [{"<": (None, ceil(root) - 1), "<=": (None, floor(root)),
                 ">": (floor(root) + 1, None), ">=": (ceil(root), None)}[op]]

    def _settling(self, fact: str, outcome: str, start: int | None, end: int | None, least: int) -> dict[str, Any]:
        label = self.rulebook.outcomes[outcome]
        spec = VOCABULARY[fact]
        if end is None:
            nb, en = f"minst {kroner(to_kroner(start))}", f"at least {kroner_text(to_kroner(start))}"
        elif start == least:
            nb, en = f"høyst {kroner(to_kroner(end))}", f"at most {kroner_text(to_kroner(end))}"
        else:
            nb = f"fra og med {kroner(to_kroner(start))} til og med {kroner(to_kroner(end))}"
            en = kroner_range(start, end)
        return dict(fact=fact, paths=list(self.observations.paths(fact)), outcome=outcome, at_least=to_kroner(start),
                    at_most=None if end is None else to_kroner(end),
                    text=dict(nb=f"{label.nb} hvis {spec.nb} er {nb}",
                              en=f"{label.en} if {spec.description} is {en}"))


def _intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    result = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start = b_start if a_start is None or (b_start is not None and b_start > a_start) else a_start
            end = b_end if a_end is None or (b_end is not None and b_end < a_end) else a_end
            if start is None or end is None or start <= end:
                result.append((start, end))
    return _union(result)


def _union(intervals: list[Interval]) -> list[Interval]:
    """The same values as sorted, disjoint, non-adjacent intervals."""
    result: list[Interval] = []
    for start, end in sorted(intervals, key=lambda interval: (interval[0] is not None, interval[0] or 0)):
        if result and (result[-1][1] is None or (start is not None and start <= result[-1][1] + 1)):
            last_start, last_end = result[-1]
            result[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            result.append((start, end))
    return result
