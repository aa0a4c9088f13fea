"""A rule set compiled to one plain Python function: the bulk engine, and what durable-rules is checked against.

The function is generated from the same normal form the durable-rules compiler reads (`engine.law.normal_form`):
each conjunction becomes one `and` of its literals, each T or F form one `or` of its conjunctions, with exactly the
meaning `normal_form.holds` gives a literal and durable-rules gives its compiled pattern:

    IsKnown(f, present)    the fact is (not) in the observations
    Equals(f, v, equal)    the fact is known and equals (differs from) v
    Linear(terms, c, op)   every term is known and sum(coefficient * value) + c op 0
    OutcomeIs(q, o, equal) some conclusion of q is o (is a conclusion other than o) — all of a conjunction's
                           tests on q on one conclusion, as durable-rules joins one conclusion fact per question

Questions are answered in dependency order, each rule then each joint conclusion, then the duties and the
considerations — so every conclusion a condition asks about is known when it is read, as it is at the end of a
durable-rules session (its patterns are purely positive: what fires does not depend on the order). It records the
same `Record`s as `runtime.DurableEngine` (with `ruled_out=True`, the F forms of the rules too), in that order.

The source is built from the parsed condition trees only: fact names become local variables (`f0`, `f1`, …), and the
only constants written into it are the rule files' codes, flags and integers (`repr` of a str, bool or int) —
nothing a case sends. `compile` turns that source into the function once per rule set; `source` keeps it for
reading.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.law.normal_form import DNF, Conjunction, Equals, IsKnown, Linear, OutcomeIs, reads
from engine.law.rulebook import RuleSet
from engine.run.compiler import false_form, true_form
from engine.run.runtime import Firing, Record

_OPERATORS = ("<", "<=", ">", ">=")


class _Source:
    """The generated function's text for one rule set, and the names it binds."""

    def __init__(self, ruleset: RuleSet, ruled_out: bool) -> None:
        self.variables: dict[str, str] = {}  # fact name -> local variable
        self.questions: dict[str, str] = {}  # question -> local variable holding its concluded outcomes
        self.records: dict[Record, str] = {}  # record -> global name
        body = self._body(ruleset, ruled_out)
        reads_facts = [f"    {variable} = get({name!r})" for name, variable in self.variables.items()]
        self.text = "\n".join(["def evaluate(facts):", "    records = []", "    record = records.append",
                               "    get = facts.get", *reads_facts, *body, "    return records", ""])

    def _body(self, ruleset: RuleSet, ruled_out: bool) -> list[str]:
        lines: list[str] = []
        for question in ruleset.question_order:
            outcomes = self.questions[question] = f"q{len(self.questions)}"
            lines.append(f"    # question {question}")
            lines.append(f"    {outcomes} = set()")
            for rule in ruleset.rules_by_question[question]:
                lines += self._fires(Record(rule.id, Firing.concludes), rule.true_form, (outcomes, rule.outcome))
                if ruled_out:
                    lines += self._fires(Record(rule.id, Firing.ruled_out), false_form(rule.effective))
            for joint in ruleset.joints[question]:
                lines += self._fires(Record(joint.id, Firing.concludes_jointly), joint.true_form,
                                     (outcomes, joint.outcome))
        for duty in ruleset.duties:
            lines += self._fires(Record(duty.id, Firing.duty_applies), true_form(duty.applies))
            lines += self._fires(Record(duty.id, Firing.duty_not_applicable), false_form(duty.applies))
            lines += self._fires(Record(duty.id, Firing.duty_fulfilled), true_form(duty.fulfilled))
        for weighing in ruleset.weighings:
            lines += self._fires(Record(weighing.id, Firing.consideration_applies), true_form(weighing.condition))
        return lines

    def _fires(self, record: Record, dnf: DNF, conclusion: tuple[str, str] | None = None) -> list[str]:
        """`if <dnf>: record it (and add the conclusion to its question's outcomes)`; nothing for "never"."""
        if not dnf:
            return []
        name = self.records.setdefault(record, f"r{len(self.records)}")
        test = " or ".join(f"({self._conjunction(conjunction)})" for conjunction in dnf)
        lines = [f"    if {test}:  # {record.item_id} {record.firing.value}", f"        record({name})"]
        if conclusion is not None:
            lines.append(f"        {conclusion[0]}.add({_constant(conclusion[1])})")
        return lines

    def _conjunction(self, conjunction: Conjunction) -> str:
        """Equalities first (they fail most often, and imply the fact is known), then each other fact the
        conjunction needs known tested once, then the other tests and the conclusions."""
        equal: dict[str, str] = {}  # variable -> its test
        known: dict[str, None] = {}  # variables that must not be None, in order
        tests: list[str] = []
        by_question: dict[str, list[OutcomeIs]] = {}
        for literal in conjunction:
            if isinstance(literal, OutcomeIs):
                by_question.setdefault(literal.question, []).append(literal)
            elif isinstance(literal, IsKnown):
                variable = self._variable(literal.fact)
                if literal.present:
                    known[variable] = None
                else:
                    tests.append(f"{variable} is None")
            elif isinstance(literal, Equals):
                variable = self._variable(literal.fact)
                if literal.equal:  # an unknown fact (None) equals no constant of the rule files
                    equal[variable] = f"{variable} == {_constant(literal.value)}"
                else:
                    known[variable] = None
                    tests.append(f"{variable} != {_constant(literal.value)}")
            else:
                known.update((self._variable(name), None) for name in reads(literal))
                tests.append(self._linear(literal))
        tests = [*equal.values(), *(f"{variable} is not None" for variable in known if variable not in equal), *tests]
        tests += [self._outcome(question, literals) for question, literals in by_question.items()]
        return " and ".join(tests) or "True"

    def _variable(self, fact: str) -> str:
        return self.variables.setdefault(fact, f"f{len(self.variables)}")

    def _linear(self, literal: Linear) -> str:
        if literal.op not in _OPERATORS:
            raise ValueError(f"a comparison the normal form does not make: {literal.op!r}")
        total = " ".join(("+ " if c > 0 else "- ") + ("" if abs(c) == 1 else f"{abs(c)} * ") + self._variable(name)
                         for name, c in literal.terms)
        constant = f" {'+' if literal.constant >= 0 else '-'} {abs(literal.constant)}" if literal.constant else ""
        return f"{total.removeprefix('+ ')}{constant} {literal.op} 0"

    def _outcome(self, question: str, literals: list[OutcomeIs]) -> str:
        """Some one conclusion of `question` passes every test on it (one conclusion fact joined per question)."""
        outcomes = self.questions[question]  # dependency order: answered above
        equal = {literal.outcome for literal in literals if literal.equal}
        differ = {literal.outcome for literal in literals if not literal.equal}
        if len(equal) > 1 or equal & differ:
            return "False"
        if equal:
            return f"{_constant(next(iter(equal)))} in {outcomes}"
        # some conclusion is none of `differ`: a set comparison in C, where any() over a generator costs a call
        return f"not {outcomes} <= {_constant(frozenset(differ))}"


def _constant(value: Any) -> str:
    """A constant of the rule files as Python source: only a code, a flag, an integer, or a set of codes."""
    if isinstance(value, frozenset) and all(isinstance(item, str) for item in value):
        return "{" + ", ".join(repr(item) for item in sorted(value)) + "}"
    if not isinstance(value, str | bool | int):
        raise ValueError(f"a constant the rule files cannot hold: {type(value).__name__}")
    return repr(value)


class CompiledRuleSet:
    """One rule set's generated function, its source, and the records it returns."""

    def __init__(self, ruleset: RuleSet, ruled_out: bool) -> None:
        generated = _Source(ruleset, ruled_out)
        self.source = generated.text
        namespace: dict[str, Any] = {name: record for record, name in generated.records.items()}
        namespace["__builtins__"] = {"set": set}
        exec(compile(self.source, f"<rule set {ruleset.digest}>", "exec"), namespace)  # noqa: S102 — our own source
        self.evaluate: Callable[[dict[str, Any]], list[Record]] = namespace["evaluate"]


class CompiledEngine:
    """Same interface as `runtime.DurableEngine`: each rule set compiled once to a Python function, then called
    per evaluation. No lock, no native state: thread-safe, and it cannot leak a session."""

    def __init__(self, ruled_out: bool = False) -> None:
        self.records_ruled_out = ruled_out
        self._compiled: dict[str, CompiledRuleSet] = {}  # by rule-set digest: bounded by the rule book

    def prepare(self, ruleset: RuleSet) -> CompiledRuleSet:
        compiled = self._compiled.get(ruleset.digest)
        if compiled is None:
            compiled = self._compiled[ruleset.digest] = CompiledRuleSet(ruleset, self.records_ruled_out)
        return compiled

    def run(self, ruleset: RuleSet, facts: dict[str, Any]) -> list[Record]:
        return self.prepare(ruleset).evaluate(facts)

    def run_need(self, ruleset: RuleSet, facts: dict[str, Any], records: list[Record],
                 need_facts: dict[str, Any]) -> list[Record]:
        """A need's session (`DurableEngine.run_need`): the whole function again, on the case's facts and the need's
        (a few µs; the case's `records` would save little)."""
        return self.run(ruleset, facts | need_facts)
