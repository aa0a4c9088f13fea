"""The only module that touches durable-rules.

What we rely on, and why it is shaped this way (measured on durable-rules 2.0.28, see docs/design.md):

* The library is not thread-safe, so every call into it holds one process-wide lock. Its `Host` also starts
  two timer threads that poll the C engine twice a second; we use neither timers nor queued actions, so our
  host does not start them — otherwise they would touch the engine outside our lock.
* Ruleset names are process-global and cannot be registered twice: each rule set is compiled once per
  process, named by its digest.
* Every session id is live until `delete_state`; the 1,025th live one fails. Each evaluation uses a fresh
  session and deletes it in `finally`, whatever happened.
* The library cannot say which rules fired, so every action records its own firing.
* A fact no rule matches raises `MessageNotHandledException` — and deleting a session whose facts were never
  handled segfaults (we hit it with a case that gives no facts at all). So every ruleset has a catch-all rule
  for case facts and for conclusions; nothing is ever left unhandled.
* An exception in an action is swallowed by the library (written into the session state). Our actions keep
  the first one and `run` raises it once the session is gone, so a fault fails its own evaluation, loudly.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from durable import engine as durable

from engine.compiler import CASE, OUTCOME, durable_rule, false_form, simplify, true_form
from engine.rulebook import RuleSet


class Firing(StrEnum):
    """What a compiled durable-rules rule records when it matches."""

    concludes = "concludes"  # a rule's condition is true: its conclusion holds
    ruled_out = "ruled_out"  # a rule's condition is false
    duty_applies = "duty_applies"
    duty_not_applicable = "duty_not_applicable"
    duty_fulfilled = "duty_fulfilled"  # what fulfils the duty is on record (whether or not it applies)


@dataclass(frozen=True)
class Record:
    item_id: str  # a rule id or a duty id
    firing: Firing


def _ignore(_closure: Any) -> None:
    pass


class QuietHost(durable.Host):
    def _run(self) -> None:  # no timer threads: see the module docstring
        pass


class _Session:
    """What one evaluation's actions write to. Only touched while the engine lock is held."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.seen: set[Record] = set()
        self.error: BaseException | None = None


class DurableEngine:
    def __init__(self, fault_hook: Callable[[Record], None] | None = None) -> None:
        self._host = QuietHost()
        self._lock = threading.Lock()
        self._compiled: set[str] = set()
        self._session: _Session | None = None
        self._sids = itertools.count()
        self._fault_hook = fault_hook  # tests inject failures into actions through this

    def _name(self, ruleset: RuleSet) -> str:
        return "regelmotor-" + ruleset.digest.removeprefix("sha256:")[:24]

    def _compile(self, ruleset: RuleSet) -> None:
        definitions: dict[str, dict] = {}

        def add(item_id: str, firing: Firing, dnf, outcome: tuple[str, str] | None = None) -> None:
            for index, conjunction in enumerate(simplify(dnf)):
                definitions[f"{item_id}#{firing}#{index}"] = durable_rule(
                    conjunction, self._action(Record(item_id, firing), outcome))

        for kind in (CASE, OUTCOME):  # see the module docstring: no fact may go unhandled
            definitions[f"#catch-all-{kind}"] = {"all": [{"m": {"t": kind}}], "run": _ignore}
        for rule in ruleset.rules:
            add(rule.id, Firing.concludes, true_form(rule.effective), (rule.question, rule.outcome.value))
            add(rule.id, Firing.ruled_out, false_form(rule.effective))
        for duty in ruleset.duties:
            add(duty.id, Firing.duty_applies, true_form(duty.applies))
            add(duty.id, Firing.duty_not_applicable, false_form(duty.applies))
            add(duty.id, Firing.duty_fulfilled, true_form(duty.fulfilled))
        self._host.set_rulesets({self._name(ruleset): definitions})

    def _action(self, record: Record, outcome: tuple[str, str] | None):
        def act(closure: Any) -> None:
            session = self._session
            try:
                if self._fault_hook is not None:
                    self._fault_hook(record)
                if record in session.seen:  # another disjunct of the same condition matched too
                    return
                session.seen.add(record)
                session.records.append(record)
                if outcome is not None:
                    question, value = outcome
                    # the conclusion becomes a fact that further rules can match (chaining)
                    closure.assert_fact({"t": OUTCOME, "q": question, "o": value, "r": record.item_id})
            except BaseException as error:  # noqa: BLE001 — durable-rules would swallow it; see run()
                session.error = session.error or error

        return act

    def prepare(self, ruleset: RuleSet) -> None:
        """Compile and register a rule set now (at start-up) rather than on its first evaluation."""
        with self._lock:
            self._ensure(ruleset)

    def _ensure(self, ruleset: RuleSet) -> str:
        name = self._name(ruleset)
        if name not in self._compiled:
            self._compile(ruleset)
            self._compiled.add(name)
        return name

    def run(self, ruleset: RuleSet, facts: dict[str, Any]) -> list[Record]:
        """Assert the case's facts in a fresh session and return every firing, in order."""
        with self._lock:
            name = self._ensure(ruleset)
            sid = f"s{next(self._sids)}"
            session = self._session = _Session()
            try:
                self._host.assert_fact(name, {"sid": sid, "t": CASE, **facts})
            finally:
                self._session = None
                self._host.delete_state(name, sid)
            if session.error is not None:
                raise session.error
            return session.records

