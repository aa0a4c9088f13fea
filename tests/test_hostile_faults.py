"""Fault isolation, in-process: when a rule action, the native engine or the answer builder fails, that request
gets a 500 problem+json with its correlation id, the durable-rules session is deleted, nothing of the case is
logged, and every other request — concurrent or later — is answered correctly.

Faults are injected through `DurableEngine(fault_hook=...)` (an action raises), by wrapping the native
durable-rules module that engine/run/runtime.py calls (the engine raises mid-session), and by an engine that reports
a contradiction (the answer builder raises ConflictError). A worker process that dies is the subject of
tests/test_load.py (SIGKILL under load; gunicorn's arbiter replaces it).
"""

from __future__ import annotations

import logging
import threading

import pytest

from api.logs import JsonLinesFormatter
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run import runtime
from engine.run.runtime import DurableEngine, Firing, Record
from tests.conftest import EXAMPLES, ROOT, app_client, essence, load_example

PROBLEM = "application/problem+json"
KINDERGARTEN = load_example(ROOT / "examples" / "kindergarten-bill.json")["case"]
POISONED = {**KINDERGARTEN, "case_id": "poison-Kari-Nordmann"}
SECRET = "Kari-Nordmann"  # in the poisoned case and in every injected exception message
SESSIONS_BEFORE_DURABLE_RULES_RUNS_OUT = 1024


class PoisonableEvaluator(Evaluator):
    """Marks, for the thread evaluating it, a case whose id starts with "poison"; the fault hook fires on it."""

    local = threading.local()

    def _builder(self, case: Case, lean: bool):  # where both views run the engine
        self.local.poisoned = (case.case_id or "").startswith("poison")
        try:
            return super()._builder(case, lean)
        finally:
            self.local.poisoned = False


def _engine_failure(response, correlation: str | None = None) -> dict:
    assert response.status_code == 500, response.text[:300]
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:regelmotor:problem:engine-failure"
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    if correlation is not None:
        assert body["correlation_id"] == correlation
    assert SECRET not in response.text and "Traceback" not in response.text
    return body


def _failures_logged(caplog) -> list[dict]:
    return [record.fields for record in caplog.records if getattr(record, "fields", {}).get("event") == "failure"]


def _nothing_of_the_case_logged(caplog) -> None:
    text = "\n".join(JsonLinesFormatter().format(record) for record in caplog.records)
    assert SECRET not in text and "poison" not in text


@pytest.fixture(scope="module")
def expected(evaluator) -> dict[str, dict]:
    cases = {path.stem: load_example(path)["case"] for path in EXAMPLES}
    return {name: essence(evaluator.evaluate_lean(Case.model_validate(case)))
            for name, case in cases.items()}


# More failures than durable-rules has live sessions, once: a session left behind by a failure would show.
@pytest.mark.parametrize("fault,attempts", [(RuntimeError, SESSIONS_BEFORE_DURABLE_RULES_RUNS_OUT + 76),
                                            (MemoryError, 30), (KeyError, 30), (RecursionError, 30)])
def test_a_failing_rule_action_fails_its_request_only_and_every_session_is_deleted(evaluator, expected, caplog,
                                                                                  fault, attempts):
    def hook(_record: Record) -> None:
        if getattr(PoisonableEvaluator.local, "poisoned", False):
            raise fault(f"injected fault in an action on {SECRET}")

    failing = PoisonableEvaluator(rulebook=evaluator.rulebook, engine=DurableEngine(fault_hook=hook))
    with app_client(failing) as client, caplog.at_level(logging.INFO, logger="regelmotor"):
        for attempt in range(attempts):
            correlation = f"{attempt:032x}"  # the service's own form of correlation id: kept
            _engine_failure(client.post("/v1/evaluations", json=POISONED, headers={"X-Correlation-ID": correlation}),
                            correlation)
            if attempt % 200 == 0:
                response = client.post("/v1/evaluations", json=KINDERGARTEN)
                assert response.status_code == 200 and essence(response.json()) == expected["kindergarten-bill"]
        for name in expected:  # every scenario afterwards, answered as the engine answers it
            case = load_example(ROOT / "examples" / f"{name}.json")["case"]
            response = client.post("/v1/evaluations", json=case)
            assert response.status_code == 200 and essence(response.json()) == expected[name], name
    failures = _failures_logged(caplog)
    assert len(failures) == attempts
    assert failures[0]["correlation_id"] == f"{0:032x}"
    assert {f["error_type"] for f in failures} == {f"builtins.{fault.__name__}"}
    assert all(f["frames"] for f in failures)
    _nothing_of_the_case_logged(caplog)


class NativeProxy:
    """durable-rules' native module as engine/run/runtime.py sees it, failing `assert_fact` on demand and counting
    the sessions created and deleted."""

    def __init__(self, real) -> None:
        self.real = real
        self.fail = False
        self.asserted: set[str] = set()
        self.deleted: set[str] = set()

    def assert_fact(self, handle, message):
        import json

        sid = json.loads(message)["sid"]
        self.asserted.add(sid)
        if self.fail:
            raise RuntimeError(f"injected native failure on {SECRET}")
        return self.real.assert_fact(handle, message)

    def delete_state(self, handle, sid):
        self.deleted.add(sid)
        return self.real.delete_state(handle, sid)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_failure_inside_durable_rules_deletes_the_session_and_fails_that_request_only(evaluator, expected,
                                                                                      monkeypatch, caplog):
    native = NativeProxy(runtime.native)
    monkeypatch.setattr(runtime, "native", native)
    with app_client(evaluator) as client, caplog.at_level(logging.INFO, logger="regelmotor"):
        native.fail = True
        for _ in range(50):
            _engine_failure(client.post("/v1/evaluations", json=POISONED))
        batch = client.post("/v1/evaluations/batch", json=[POISONED, {"decision_date": "x"}])
        assert [(item["index"], item["status"]) for item in batch.json()] == [(0, 500), (1, 422)]
        native.fail = False
        response = client.post("/v1/evaluations", json=KINDERGARTEN)
        assert response.status_code == 200 and essence(response.json()) == expected["kindergarten-bill"]
    assert native.asserted and native.asserted == native.deleted, "every session created was deleted"
    assert len(_failures_logged(caplog)) == 51
    _nothing_of_the_case_logged(caplog)


class ContradictoryEngine(DurableEngine):
    """An engine whose firings conclude two outcomes for one question: the answer builder must refuse it."""

    def run(self, ruleset, facts):
        records = super().run(ruleset, facts)
        if getattr(PoisonableEvaluator.local, "poisoned", False):
            question = next(iter(ruleset.questions))
            rules = [rule for rule in ruleset.rules if rule.question == question]
            entitles = next(rule for rule in rules if rule.outcome == "entitled")
            refuses = next(rule for rule in rules if rule.outcome != "entitled")
            records += [Record(entitles.id, Firing.concludes), Record(refuses.id, Firing.concludes)]
        return records


def test_a_contradiction_in_the_engine_is_a_500_and_concurrent_requests_are_unaffected(evaluator, expected, caplog):
    failing = PoisonableEvaluator(rulebook=evaluator.rulebook, engine=ContradictoryEngine())
    cases = [(path.stem, load_example(path)["case"]) for path in EXAMPLES]
    problems: list[str] = []
    with app_client(failing) as client, caplog.at_level(logging.INFO, logger="regelmotor"):

        def good_client(offset: int) -> None:
            for index in range(offset, offset + 40):
                name, case = cases[index % len(cases)]
                response = client.post("/v1/evaluations", json=case)
                if response.status_code != 200 or essence(response.json()) != expected[name]:
                    problems.append(f"{name}: {response.status_code}")

        def poisoned_client() -> None:
            for _ in range(40):
                response = client.post("/v1/evaluations", json=POISONED)
                if response.status_code != 500 or response.headers["content-type"] != PROBLEM:
                    problems.append(f"poisoned: {response.status_code}")

        threads = [threading.Thread(target=good_client, args=(n * 7,)) for n in range(3)]
        threads.append(threading.Thread(target=poisoned_client))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert problems == []
    failures = _failures_logged(caplog)
    assert len(failures) == 40 and {f["error_type"] for f in failures} == {"engine.answer.build.ConflictError"}
    _nothing_of_the_case_logged(caplog)
