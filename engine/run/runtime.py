"""The only module that touches durable-rules.

We drive durable-rules' native engine (`durable_rules_engine`, the C core that the `durable.lang`/`durable.engine`
Python layer wraps) directly. What we rely on, and why it is shaped this way (measured on durable-rules 2.0.28;
see docs/engine.md and docs/performance.md):

* The library is not thread-safe, so every call into it holds one process-wide lock (module-level, because the
  native engine's rulesets and sessions are process-global, whichever `DurableEngine` object made them).
* The Python `Host` starts two timer threads that poll the native engine outside any lock of ours, and spends
  most of an evaluation's time serialising the session state around every action. We need neither timers nor
  state, so we skip that layer: assert the fact, then take the queued actions one by one
  (`start_action_for_state` / `complete_and_start_action`), exactly as the Python layer does, minus the rest.
* Ruleset names are process-global and cannot be registered twice: each rule set is compiled once per
  process, named by its digest, and shared by every `DurableEngine`.
* Every session id is live until `delete_state`; the 1,025th live one fails. Each evaluation uses a fresh
  session and deletes it in `finally`, whatever happened.
* The library cannot say which rules fired, so our action loop records every firing by rule name.
* A fact no rule matches is refused — and deleting a session whose facts were never handled segfaults (we hit it
  with a case that gives no facts at all). So every ruleset has a catch-all rule for case facts and for
  conclusions; nothing is ever left unhandled.
* An action that fails is abandoned in the native engine before the session is deleted, and the error fails
  its own evaluation only.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

import durable_rules_engine as native

from engine.law.rulebook import RuleSet
from engine.run.compiler import CASE, OUTCOME, catch_all, durable_rule, false_form, true_form

_LOCK = threading.Lock()
_SIDS = itertools.count()
_NOT_HANDLED = 1
# The case fact as durable-rules reads it: compact (no spaces for its parser to skip) and flat (no cycles to check).
_FACT_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


class Firing(StrEnum):
    """What a compiled durable-rules rule records when it matches."""

    concludes = "concludes"  # a rule's condition is true: its conclusion holds
    concludes_jointly = "concludes_jointly"  # the rules of a question conclude an outcome together (a `Joint`)
    ruled_out = "ruled_out"  # a rule's condition is false
    duty_applies = "duty_applies"
    duty_not_applicable = "duty_not_applicable"
    duty_fulfilled = "duty_fulfilled"  # what fulfils the duty is on record (whether or not it applies)
    consideration_applies = "consideration_applies"  # a consideration's `when` is true on the facts


@dataclass(frozen=True)
class Record:
    item_id: str  # a rule id or a duty id
    firing: Firing

    def __hash__(self) -> int:  # equal records hash equal; the firing as a plain str (an enum hashes in Python)
        return hash((self.item_id, str(self.firing)))


@dataclass(frozen=True)
class Action:
    """What matching one durable-rules rule means: a firing to record, and a conclusion to assert (if any)."""

    record: Record | None  # None for the catch-all rules
    conclusion: dict[str, str] | None = None  # the outcome fact to assert

    @cached_property
    def conclusion_json(self) -> str | None:
        """The conclusion fact as JSON without its opening brace (the session id goes first)."""
        return None if self.conclusion is None else json.dumps(self.conclusion, separators=(",", ":"))[1:]


@dataclass
class NativeRuleset:
    """A ruleset registered in the native engine, and what each of its rules means."""

    handle: int
    actions: dict[str, Action] = field(default_factory=dict)


_REGISTERED: dict[str, NativeRuleset] = {}


def register(name: str, rules: dict[str, tuple[dict, Action]]) -> NativeRuleset:
    """Register durable-rules JSON rules under a process-wide name (once; later calls reuse it)."""
    with _LOCK:
        if name not in _REGISTERED:
            definitions = {rule_name: pattern for rule_name, (pattern, _) in rules.items()}
            for kind in (CASE, OUTCOME):  # see the module docstring: no fact may go unhandled
                definitions[f"#catch-all-{kind}"] = catch_all(kind)
            handle = native.create_ruleset(name, json.dumps(definitions))
            actions = {rule_name: action for rule_name, (_, action) in rules.items()}
            actions |= {f"#catch-all-{kind}": Action(None) for kind in (CASE, OUTCOME)}
            _REGISTERED[name] = NativeRuleset(handle, actions)
        return _REGISTERED[name]


def run_session(ruleset: NativeRuleset, facts: list[dict[str, Any]],
                hook: Callable[[Record], None] | None = None) -> list[Record]:
    """Assert `facts` in a fresh session, run every action the engine queues, delete the session.

    Our actions never change the session state, so unlike the Python layer we do not write it back
    (`update_state`, a native call per action that re-asserts an unchanged state fact no rule matches).
    """
    records: list[Record] = []
    seen: set[int] = set()  # ids of the records taken: every action of one item shares its Record (see _rules)
    sid = f"s{next(_SIDS)}"
    prefix = f'{{"sid":"{sid}",'
    handle, actions = ruleset.handle, ruleset.actions
    assert_fact, complete_and_start = native.assert_fact, native.complete_and_start_action
    with _LOCK:
        try:
            for fact in facts:
                result = assert_fact(handle, _FACT_JSON({"sid": sid, **fact}))
                if result[0] == _NOT_HANDLED:  # cannot happen with the catch-all rules; never ignore it
                    raise RuntimeError("durable-rules handled no rule for a fact")
                state_handle = result[1]
                pending = native.start_action_for_state(handle, state_handle)
                message_json = pending[1] if pending else None
                while message_json:
                    try:
                        # The message is '{"<rule name>":{…}}'; our rule names hold no quote, so the name ends at the
                        # next one — which saves decoding the whole case fact for every action.
                        action = actions[message_json[2:message_json.index('"', 2)]]
                        record = action.record
                        if record is not None:
                            if hook is not None:
                                hook(record)
                            if id(record) not in seen:  # another disjunct of one condition matched too
                                seen.add(id(record))
                                records.append(record)
                                if action.conclusion_json is not None:  # chaining: the conclusion becomes a fact
                                    assert_fact(handle, prefix + action.conclusion_json)
                    except BaseException:
                        native.abandon_action(handle, state_handle)
                        raise
                    message_json = complete_and_start(handle, state_handle)
        finally:
            native.delete_state(handle, sid)
    return records


class DurableEngine:
    """Compiles rule sets into durable-rules and runs one session per evaluation.

    What it records decides the answer: every rule whose condition is true (`concludes`) and, per duty, whether
    it applies, does not apply, or is fulfilled. A rule whose condition is definitely false (`ruled_out`) decides
    nothing; the answer needs it only to list what an undetermined question is missing, and asks the compiled
    evaluator then (engine/answer/build.py). Compiling the F forms of the rules too (`ruled_out=True`)
    records those firings as well — the property tests compare them with the compiled evaluator's — at twice the cost
    per session (more than a third of the rules and of the actions; docs/performance.md).
    """

    def __init__(self, fault_hook: Callable[[Record], None] | None = None, ruled_out: bool = False) -> None:
        self._fault_hook = fault_hook  # tests inject failures into actions through this
        self.records_ruled_out = ruled_out

    def _name(self, ruleset: RuleSet) -> str:
        return ("regelmotor-" + ("explain-" if self.records_ruled_out else "")
                + ruleset.digest.removeprefix("sha256:")[:24])

    def _rules(self, ruleset: RuleSet) -> dict[str, tuple[dict, Action]]:
        rules: dict[str, tuple[dict, Action]] = {}

        def add(item_id: str, firing: Firing, dnf, conclusion: dict[str, str] | None = None) -> None:
            action = Action(Record(item_id, firing), conclusion)
            for index, conjunction in enumerate(dnf):
                rules[f"{item_id}#{firing}#{index}"] = (durable_rule(conjunction), action)

        for rule in ruleset.rules:
            conclusion = {"t": OUTCOME, "q": rule.question, "o": rule.outcome, "r": rule.id}
            add(rule.id, Firing.concludes, rule.true_form, conclusion)
            if self.records_ruled_out:
                add(rule.id, Firing.ruled_out, false_form(rule.effective))
        for joint in (joint for joints in ruleset.joints.values() for joint in joints):
            conclusion = {"t": OUTCOME, "q": joint.question, "o": joint.outcome, "r": joint.id}
            add(joint.id, Firing.concludes_jointly, joint.true_form, conclusion)
        for duty in ruleset.duties:
            add(duty.id, Firing.duty_applies, true_form(duty.applies))
            add(duty.id, Firing.duty_not_applicable, false_form(duty.applies))
            add(duty.id, Firing.duty_fulfilled, true_form(duty.fulfilled))
        for weighing in ruleset.weighings:
            add(weighing.id, Firing.consideration_applies, true_form(weighing.condition))
        return rules

    def prepare(self, ruleset: RuleSet) -> NativeRuleset:
        """Compile and register a rule set now (at start-up) rather than on its first evaluation."""
        name = self._name(ruleset)
        return _REGISTERED.get(name) or register(name, self._rules(ruleset))

    def run(self, ruleset: RuleSet, facts: dict[str, Any]) -> list[Record]:
        """Assert the case's facts in a fresh session and return every firing, in order."""
        return run_session(self.prepare(ruleset), [{"t": CASE, **facts}], self._fault_hook)
