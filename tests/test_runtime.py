"""The durable-rules runtime: sessions are always cleaned up, threads are serialised, faults stay contained."""

import threading

import pytest

from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run.runtime import DurableEngine
from tests.conftest import EXAMPLES, essence, load_example

CASES = [Case.model_validate(load_example(path)["case"]) for path in EXAMPLES]


def test_more_evaluations_than_durable_rules_has_live_sessions(evaluator):
    # durable-rules fails on its 1,025th live session: every evaluation must delete its own.
    for index in range(1100):
        evaluator.evaluate(CASES[index % len(CASES)])


def test_eight_threads_give_the_sequential_answers(evaluator):
    expected = [essence(evaluator.evaluate(case), mode="python") for case in CASES]
    failures = []

    def worker(offset):
        try:
            for round_ in range(15):
                index = (offset + round_) % len(CASES)
                if essence(evaluator.evaluate(CASES[index]), mode="python") != expected[index]:
                    failures.append(index)
        except Exception as error:  # noqa: BLE001 — reported below, the thread must not die silently
            failures.append(repr(error))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_a_failing_action_fails_that_evaluation_only():
    armed = {"fail": False}

    def hook(_record):
        if armed["fail"]:
            raise RuntimeError("injected fault")

    evaluator = Evaluator(engine=DurableEngine(fault_hook=hook))
    expected = essence(evaluator.evaluate(CASES[0]), mode="python")
    armed["fail"] = True
    for _ in range(1100):  # would exhaust durable-rules' sessions if a failed one were left behind
        with pytest.raises(RuntimeError, match="injected fault"):
            evaluator.evaluate(CASES[0])
    armed["fail"] = False
    assert essence(evaluator.evaluate(CASES[0]), mode="python") == expected
