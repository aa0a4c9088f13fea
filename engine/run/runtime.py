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
  process (into two native rulesets, see below), named by its digest, and shared by every `DurableEngine`.
* Every session id is live until `delete_state`; the 1,025th live one fails. Each session (the case's, and each
  need's) is a fresh one, deleted in `finally`, whatever happened.
* The library cannot say which rules fired, so our action loop records every firing by rule name.
* Creating a session allocates and clears a few KB for every pattern of every rule of the ruleset (its beta
  nodes): most of what a session costs. So the compiler makes as few rules and patterns as the normal form allows
  (`compiler.durable_rules`), and each need's session runs a second, smaller ruleset: what a need's facts can
  change, given the case session's conclusions it asks about (`Compiled`), rather than the whole rule set again.
* The alpha network walks every property of the fact at every node it reaches, and each action's message copies
  the facts it joined. So the case fact carries only the facts the ruleset's patterns read, under short keys.
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
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

import durable_rules_engine as native

from engine.case.facts import VOCABULARY
from engine.law.expressions import Condition, facts_in, questions_in
from engine.law.normal_form import DNF, Linear, Literal, OutcomeIs, reads
from engine.law.rulebook import RuleSet
from engine.run.compiler import CASE, OUTCOME, catch_all, durable_rules, false_form, true_form

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
    # (item id, firing as a plain str), made once with the record: what the answer looks a firing up by, as a tuple of
    # plain strings hashes in C (a StrEnum, and so the record itself, hashes in Python).
    key: tuple[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.item_id, str(self.firing)))

    def __hash__(self) -> int:  # equal records hash equal
        return hash(self.key)


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


def fact_json(fact: dict[str, Any]) -> str:
    """A fact as `run_session` takes it: its JSON without the opening brace (the session id goes first)."""
    return _FACT_JSON(fact)[1:]


def run_session(ruleset: NativeRuleset, facts: list[str],
                hook: Callable[[Record], None] | None = None) -> list[Record]:
    """Assert `facts` (each as `fact_json` gives it) in a fresh session, run every action the engine queues, delete
    the session.

    Our actions never change the session state, so unlike the Python layer we do not write it back
    (`update_state`, a native call per action that re-asserts an unchanged state fact no rule matches).
    """
    records: list[Record] = []
    seen: set[int] = set()  # ids of the records taken: every action of one item shares its Record (see `_part`)
    sid = f"s{next(_SIDS)}"
    prefix = f'{{"sid":"{sid}",'
    handle, actions = ruleset.handle, ruleset.actions
    assert_fact, complete_and_start = native.assert_fact, native.complete_and_start_action
    with _LOCK:
        try:
            for fact in facts:
                result = assert_fact(handle, prefix + fact)
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


class _Item(NamedTuple):
    """One firing of one item to compile."""

    id: str
    firing: Firing
    dnf: DNF
    conclusion: tuple[str, str] | None  # (question, outcome)
    per_need: bool  # whether a need's facts can change it


@dataclass(frozen=True)
class _Part:
    """A native ruleset compiled from some of a rule set's items, and the facts its patterns read, each under a short
    key of its own: the case fact asserted in it carries those facts only, so keyed (the rest, and long names, would
    be encoded, parsed and copied into every action's message for nothing)."""

    ruleset: NativeRuleset
    keys: dict[str, str]  # fact name -> its key in the case fact

    def case_fact(self, facts: dict[str, Any]) -> str:
        key = self.keys.get
        return fact_json({"t": CASE, **{k: value for name, value in facts.items() if (k := key(name)) is not None}})


@dataclass(frozen=True)
class Compiled:
    """A rule set in durable-rules: the whole of it, for the case's session, and the part a need's facts can change,
    for each need's session.

    A need's session used to run the whole rule set on the case's facts and the need's. Everything no need fact
    reads, directly or through a question that asks about one, fires there exactly as in the case's session; so a
    need's session runs `need` only — the per-need questions and whatever depends on them — with the case
    session's conclusions it asks about asserted as outcome facts, and its records are the case session's firings
    of everything else followed by its own: the records the whole rule set would give, in another order."""

    case: _Part
    need: _Part
    varies: frozenset[str]  # the ids of the items compiled into `need`
    given: dict[Record, str]  # a conclusion `need` asks about and does not derive itself -> its outcome fact


_COMPILED: dict[str, Compiled] = {}  # by the name of its case ruleset, as the native rulesets are (process-wide)


class DurableEngine:
    """Compiles rule sets into durable-rules and runs one session per evaluation, and one per need.

    What it records decides the answer: every rule whose condition is true (`concludes`) and, per duty, whether
    it applies, does not apply, or is fulfilled. A rule whose condition is definitely false (`ruled_out`) decides
    nothing; the answer needs it only to list what an undetermined question is missing, and then reads the F forms
    of the rules it asks about itself (engine/answer/missing.py). Compiling the F forms of the rules too
    (`ruled_out=True`) records those firings as well — the property tests compare them with the compiled
    evaluator's — at twice the cost per session (more than a third of the rules and of the actions;
    docs/performance.md).
    """

    def __init__(self, fault_hook: Callable[[Record], None] | None = None, ruled_out: bool = False) -> None:
        self._fault_hook = fault_hook  # tests inject failures into actions through this
        self.records_ruled_out = ruled_out

    def _name(self, ruleset: RuleSet, part: str) -> str:
        return ("regelmotor-" + part + ("explain-" if self.records_ruled_out else "")
                + ruleset.digest.removeprefix("sha256:")[:24])

    def _items(self, ruleset: RuleSet) -> list[_Item]:
        """What to compile, firing by firing."""
        changed = set(ruleset.need_questions)

        def varies(*conditions: Condition) -> bool:
            return any(questions_in(condition) & changed or any(VOCABULARY[name].per_need
                                                                for name in facts_in(condition))
                       for condition in conditions)

        for question in ruleset.question_order:  # premises first: a question asking about a changed one changes
            if any(varies(rule.effective) for rule in ruleset.rules_by_question[question]):
                changed.add(question)
        items = []
        for rule in ruleset.rules:
            per_need = rule.question in changed
            items.append(_Item(rule.id, Firing.concludes, rule.true_form, (rule.question, rule.outcome), per_need))
            if self.records_ruled_out:
                items.append(_Item(rule.id, Firing.ruled_out, false_form(rule.effective), None, per_need))
        for joint in (joint for joints in ruleset.joints.values() for joint in joints):
            items.append(_Item(joint.id, Firing.concludes_jointly, joint.true_form, (joint.question, joint.outcome),
                               joint.question in changed))
        for duty in ruleset.duties:
            per_need = varies(duty.applies, duty.fulfilled)
            items += [_Item(duty.id, Firing.duty_applies, true_form(duty.applies), None, per_need),
                      _Item(duty.id, Firing.duty_not_applicable, false_form(duty.applies), None, per_need),
                      _Item(duty.id, Firing.duty_fulfilled, true_form(duty.fulfilled), None, per_need)]
        for weighing in ruleset.weighings:
            items.append(_Item(weighing.id, Firing.consideration_applies, true_form(weighing.condition), None,
                               varies(weighing.condition)))
        return items

    def _part(self, name: str, items: list[_Item]) -> tuple[_Part, set[str]]:
        """A native ruleset of `items` (`compiler.durable_rules`), and the questions its patterns ask about."""
        literals = [literal for item in items for conjunction in item.dnf for literal in conjunction]
        keys = {fact: f"f{index}" for index, fact in enumerate(dict.fromkeys(
            fact for literal in literals for fact in reads(literal)))}
        rules: dict[str, tuple[dict, Action]] = {}
        for item in items:
            conclusion = item.conclusion and {"t": OUTCOME, "q": item.conclusion[0], "o": item.conclusion[1],
                                              "r": item.id}
            action = Action(Record(item.id, item.firing), conclusion)
            keyed = [tuple(_keyed(literal, keys) for literal in conjunction) for conjunction in item.dnf]
            for index, rule in enumerate(durable_rules(keyed)):
                rules[f"{item.id}#{item.firing}#{index}"] = (rule, action)
        return (_Part(register(name, rules), keys),
                {literal.question for literal in literals if isinstance(literal, OutcomeIs)})

    def prepare(self, ruleset: RuleSet) -> Compiled:
        """Compile and register a rule set now (at start-up) rather than on its first evaluation."""
        name = self._name(ruleset, "")
        compiled = _COMPILED.get(name)
        if compiled is None:
            items = self._items(ruleset)
            need_items = [item for item in items if item.per_need]
            varies = frozenset(item.id for item in need_items)
            case, _ = self._part(name, items)
            need, asked = self._part(self._name(ruleset, "need-"), need_items)
            given = {Record(item.id, item.firing): fact_json({"t": OUTCOME, "q": item.conclusion[0],
                                                              "o": item.conclusion[1]})
                     for item in items
                     if item.conclusion is not None and item.id not in varies and item.conclusion[0] in asked}
            compiled = _COMPILED.setdefault(name, Compiled(case, need, varies, given))
        return compiled

    def run(self, ruleset: RuleSet, facts: dict[str, Any]) -> list[Record]:
        """Assert the case's facts in a fresh session and return every firing, in order."""
        case = self.prepare(ruleset).case
        return run_session(case.ruleset, [case.case_fact(facts)], self._fault_hook)

    def run_need(self, ruleset: RuleSet, facts: dict[str, Any], records: list[Record],
                 need_facts: dict[str, Any]) -> list[Record]:
        """A need's session: the firings `run(ruleset, facts | need_facts)` gives, from `records`, the firings of
        `run(ruleset, facts)`, and a session of the part of the rule set the need's facts can change (`Compiled`)."""
        compiled = self.prepare(ruleset)
        varies, given = compiled.varies, compiled.given
        carried = [record for record in records if record.item_id not in varies]
        # One outcome fact per question and outcome, however many rules concluded it: the patterns read no more.
        outcomes = dict.fromkeys(given[record] for record in carried if record in given)
        need = compiled.need
        return carried + run_session(need.ruleset, [*outcomes, need.case_fact(facts | need_facts)], self._fault_hook)


def _keyed(literal: Literal, keys: dict[str, str]) -> Literal:
    """A literal on the facts as their keys in the case fact name them."""
    if isinstance(literal, OutcomeIs):
        return literal
    if isinstance(literal, Linear):  # the terms in their order: the same pivot (compiler._pivot)
        return replace(literal, terms=tuple((keys[fact], coefficient) for fact, coefficient in literal.terms))
    return replace(literal, fact=keys[literal.fact])

