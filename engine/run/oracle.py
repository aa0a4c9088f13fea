"""A pure-Python reference evaluator of the rule files: the oracle the durable-rules engine is checked against.

It reads the same rule files through the same loader and parser, but never touches durable-rules: it evaluates
each rule's effective condition tree directly, in Kleene three-valued logic (`expressions.truth`), question by
question in dependency order, and reports the same `Record`s the durable-rules runtime records:

    rule    concludes            its effective condition is definitely true   (T form)
            ruled_out            its effective condition is definitely false  (F form)
    joint   concludes_jointly    its condition is definitely true (the rules of a question conclude together)
    duty    duty_applies         `applies_when` is definitely true
            duty_not_applicable  `applies_when` is definitely false
            duty_fulfilled       `fulfilled_when` is definitely true
    consideration  consideration_applies  its `when` is definitely true

So `Evaluator(engine=OracleEngine())` gives a whole Evaluation through the shared answer builder, and a property
test can compare it with the durable-rules answer on any case. The oracle is simple on purpose: what it shares
with the engine is the tree; what it does not share is everything the engine's pitfalls live in — the T/F
compilation, negation over absent attributes, joins on conclusion facts and chaining.

Chaining, exactly as durable-rules sees it: the conclusions of a question are facts, one per rule that fired.
A condition that asks `outcome(q)` matches any one of them, so when (by a defect) rules concluded different
outcomes for `q`, each is tried: a firing is recorded if the condition is true (or false) for *some* choice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product
from typing import Any

from engine.law.expressions import Condition, questions_in, truth
from engine.law.rulebook import RuleSet
from engine.run.runtime import Firing, Record


def _choices(condition: Condition, concluded: Mapping[str, set[str]]) -> Iterator[dict[str, str]]:
    """Every way to pick one concluded outcome per question the condition asks about (none: unknown)."""
    asked = sorted(questions_in(condition))
    options = [sorted(concluded.get(q, ())) or [None] for q in asked]
    for picked in product(*options):
        yield {q: o for q, o in zip(asked, picked, strict=True) if o is not None}


def truths(condition: Condition, facts: Mapping[str, Any], concluded: Mapping[str, set[str]]) -> set[bool | None]:
    """The Kleene truth values `condition` takes over the possible readings of the concluded outcomes."""
    return {truth(condition, facts, outcomes) for outcomes in _choices(condition, concluded)}


class OracleEngine:
    """Same interface as `runtime.DurableEngine`; stateless, thread-safe, no durable-rules."""

    records_ruled_out = True  # like DurableEngine(ruled_out=True): every firing, ruled-out rules included

    def prepare(self, ruleset: RuleSet) -> None:
        """Nothing to compile."""

    def run(self, ruleset: RuleSet, facts: dict[str, Any]) -> list[Record]:
        records: list[Record] = []
        concluded: dict[str, set[str]] = {}
        for question in ruleset.question_order:
            outcomes: set[str] = set()
            for rule in ruleset.rules_by_question[question]:
                values = truths(rule.effective, facts, concluded)
                if True in values:
                    records.append(Record(rule.id, Firing.concludes))
                    outcomes.add(rule.outcome)
                if False in values:
                    records.append(Record(rule.id, Firing.ruled_out))
            for joint in ruleset.joints[question]:
                if True in truths(joint.condition, facts, concluded):
                    records.append(Record(joint.id, Firing.concludes_jointly))
                    outcomes.add(joint.outcome)
            concluded[question] = outcomes
        for duty in ruleset.duties:
            applies = truths(duty.applies, facts, concluded)
            if True in applies:
                records.append(Record(duty.id, Firing.duty_applies))
            if False in applies:
                records.append(Record(duty.id, Firing.duty_not_applicable))
            if True in truths(duty.fulfilled, facts, concluded):
                records.append(Record(duty.id, Firing.duty_fulfilled))
        for weighing in ruleset.weighings:
            if True in truths(weighing.condition, facts, concluded):
                records.append(Record(weighing.id, Firing.consideration_applies))
        return records
