"""The durable-rules runtime: sessions are always cleaned up, threads are serialised, faults stay contained."""

import threading

import pytest

from engine.case.facts import VOCABULARY, observe
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run.compiled import CompiledEngine
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


# Found by the property test of durable-rules against the pure-Python oracle of the time (issue 17): a case that
# gives every fact of the vocabulary, most of them false or zero. With the F forms compiled (`ruled_out=True`)
# durable-rules' alpha network had more tests pending at once than its stack of 64 holds (error 303) once three
# facts were added; the compiler now leaves out the "known" tests a value test makes redundant
# (engine/run/compiler.py, `_case_tests`).
EVERY_FACT = {
    "household": {"has_spouse_or_cohabitant": False, "partner": "spouse", "shares_home_with_other_adults": False,
                  "children": []},
    "applicant": {"age": 16}, "income": [], "assets": [], "expenses": [], "economic_rights": [],
    "work": {"can_support_self_through_work": False}, "education": {"student": False, "full_time": False},
    "residence": {"lawful_residence": False, "state_accommodation_available": False},
    "request": {"acute_need": False, "means_at_hand": False, "applied_for": [], "requested_monthly_amount": 0,
                "needs": [{"id": "need-0", "kind": "living_costs", "amount": 0, "part_of_living_costs": False,
                           "help_could_overcome_or_adapt": False}]},
    "life_situation": {"difficult": False, "kind": "substance_use", "help_could_overcome_or_adapt": False},
    "services": {"long_term_need": False, "needs_coordination": False, "needed": [], "qualification_programme": False,
                 "compulsory_mental_health_care": False, "individual_plan_consent": "consented",
                 "individual_plan_consent_given_by": "client", "takes_part_in_institution_plan": False,
                 "individual_plan_made_with_client": False, "coordinator_appointed": False},
    "conditions": {"stipulated": [], "weighty_reasons_against_activity": False, "weighty_reasons_recorded": False,
                   "reduced_for_breach": False, "reduction_announced_in_decision": False},
    "participation": {"client_can_take_part": False, "representative": "guardian", "guardianship_need_reported": False,
                      "consultations": [], "client_views": [], "information_gathering": [],
                      "proposals": [{"matter": "financial_assistance", "result": "granted", "form": "grant",
                                     **dict.fromkeys(["departs_from_client_view", "departure_justified_in_writing",
                                                      "written_reasons", "reasons_cite_rules", "reasons_state_facts",
                                                      "reasons_name_main_considerations", "loan_reasons_given",
                                                      "appeal_information_given"], False)}]},
}


@pytest.mark.parametrize("day", ["2004-01-01", "2013-08-01", "2022-09-01"])
def test_a_case_that_gives_every_fact_is_answered_by_both_compilations(evaluator, day):
    case = Case.model_validate({"decision_date": day, **EVERY_FACT})
    known = observe(case, evaluator.rates).values
    assert all(name in known for name, spec in VOCABULARY.items() if not spec.per_need)
    compiled = Evaluator(rulebook=evaluator.rulebook, engine=CompiledEngine(ruled_out=True), rates=evaluator.rates)
    explaining = Evaluator(rulebook=evaluator.rulebook, engine=DurableEngine(ruled_out=True), rates=evaluator.rates)
    expected = _in_any_order(essence(compiled.evaluate(case)))
    assert _in_any_order(essence(evaluator.evaluate(case))) == expected
    assert _in_any_order(essence(explaining.evaluate(case))) == expected


def _in_any_order(answer: dict) -> dict:
    """An answer with its trace as a set of firings: the compiled evaluator fires in dependency order, a question's
    rules before its joint conclusions, durable-rules in the order its agenda gives."""
    return answer | {"trace": sorted((entry["id"], entry["firing"], repr(entry["facts"])) for entry in answer["trace"])}
