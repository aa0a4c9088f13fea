"""Properties of the rule files and the engine, checked on generated cases (hypothesis; see tests/strategies.py).

Each property is a claim about every case, so each can fail: hypothesis looks for a counter-example, shrinks it,
saves it in .hypothesis/ and replays it first next time. The default `quick` profile keeps the suite fast; run
`HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_properties.py` for many thousands of cases.

Nothing here re-states a legal condition: the properties speak of outcomes, duties, provisions and validity,
never of what a rule's condition is.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.answer.build import ConflictError
from engine.answer.models import DutyStatus
from engine.case.facts import observe
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run.oracle import OracleEngine
from engine.run.runtime import DurableEngine, Firing
from engine.verify.check import sessions
from tests import strategies as gen
from tests.conftest import essence

# The right to assistance for living costs, and assistance in special cases that is only open without it,
# under each act: question names from the rule files.
RIGHT_TO_ASSISTANCE = {"5-1", "18"}
SPECIAL_CASES = {"5-2": "5-1", "19": "18"}
EMPTY_1991 = Case(decision_date=dt.date(2008, 1, 1))  # no facts at all: durable-rules used to segfault on it
EMPTY_2009 = Case(decision_date=dt.date(2010, 1, 1))


@pytest.fixture(scope="module")
def oracle(evaluator) -> Evaluator:
    return Evaluator(rulebook=evaluator.rulebook, engine=OracleEngine(), rates=evaluator.rates)


@pytest.fixture(scope="module")
def explaining(evaluator) -> Evaluator:
    """durable-rules with the F forms of the rules compiled too, so that it records `ruled_out` as the oracle does
    (the default engine leaves them out for speed: engine/run/runtime.py, docs/performance.md)."""
    return Evaluator(rulebook=evaluator.rulebook, engine=DurableEngine(ruled_out=True), rates=evaluator.rates)


def _outcomes(evaluation) -> dict[str, str]:
    return {d.question: d.outcome for d in evaluation.decisions}


def _statuses(evaluation) -> dict[str, DutyStatus]:
    """Every duty's status: the case's by id, and those owed on a need's decision by need and id."""
    return {d.id: d.status for d in evaluation.duties} | {
        f"{need.id}: {d.id}": d.status for need in evaluation.needs for d in need.duties}


def _records(evaluator: Evaluator, case: Case) -> set:
    """Every firing of every session a case is evaluated in (the case's, and one per need), by session."""
    ruleset = evaluator.rulebook.ruleset_on(case.decision_date)
    observations = observe(case, case.rate_table or evaluator.rates)
    return {(index, record) for index, (facts, _) in enumerate(sessions(observations))
            for record in evaluator.engine.run(ruleset, facts)}


def _listed(records) -> list[str]:
    return sorted(f"session {index}: {r.item_id} {r.firing.value}" for index, r in records)


def _evaluate_or_conflict(evaluator: Evaluator, case: Case):
    try:
        return evaluator.evaluate(case)
    except ConflictError as error:
        return error


# --- the oracle -------------------------------------------------------------------------------------------


@settings(max_examples=settings().max_examples * 3)
@given(gen.cases())
@example(EMPTY_1991)
@example(EMPTY_2009)
def test_durable_rules_and_the_oracle_agree(evaluator, explaining, oracle, case):
    engine_records, oracle_records = _records(explaining, case), _records(oracle, case)
    assert engine_records == oracle_records, (
        f"only durable-rules: {_listed(engine_records - oracle_records)}; "
        f"only the oracle: {_listed(oracle_records - engine_records)}")
    assert _records(evaluator, case) == {(i, r) for i, r in engine_records if r.firing != Firing.ruled_out}
    engine, reference = _evaluate_or_conflict(evaluator, case), _evaluate_or_conflict(oracle, case)
    if isinstance(engine, ConflictError) or isinstance(reference, ConflictError):
        assert str(engine) == str(reference)
    else:
        # the served engine (no ruled-out firings: missing facts read off the condition trees) gives the same
        # decisions, missing facts included, and duties as the oracle's firings do
        assert essence(engine)["decisions"] == essence(reference)["decisions"]
        assert essence(engine)["duties"] == essence(reference)["duties"]
        assert {(e.id, e.firing) for e in engine.trace} == {(e.id, e.firing) for e in reference.trace}
        assert essence(engine)["needs"] == essence(reference)["needs"]


# --- one answer per question ------------------------------------------------------------------------------


@given(gen.cases())
def test_no_rule_conflict_is_reachable(oracle, case):
    ruleset = oracle.rulebook.ruleset_on(case.decision_date)
    records = _records(oracle, case)
    for session in {index for index, _ in records}:
        fired = {r.item_id for index, r in records if index == session and r.firing == Firing.concludes}
        for question, rules in ruleset.rules_by_question.items():
            concluded = {(rule.outcome, rule.id) for rule in rules if rule.id in fired}
            assert len({outcome for outcome, _ in concluded}) <= 1, f"question {question}: {sorted(concluded)}"


@given(gen.cases())
def test_exactly_one_outcome_per_question(evaluator, case):
    evaluation = evaluator.evaluate(case)  # raises ConflictError if two rules disagree
    ruleset = evaluator.rulebook.ruleset_on(case.decision_date)
    questions = [d.question for d in evaluation.decisions]
    assert sorted(questions) == sorted(ruleset.questions) and len(set(questions)) == len(questions)
    for decision in evaluation.decisions:
        rules = ruleset.rules_by_question[decision.question]
        allowed = set(ruleset.questions[decision.question].spec.outcomes) or {rule.outcome for rule in rules}
        assert decision.outcome in allowed | {"undetermined"}
        if decision.outcome == "undetermined":
            # no rule fired: some fact must be missing, or the rules leave a gap
            assert not decision.reasons and decision.missing_facts, decision.question
        else:
            assert decision.reasons and not decision.missing_facts
            assert {ruleset_rule.outcome for ruleset_rule in ruleset.rules
                    if ruleset_rule.id in {r.rule_id for r in decision.reasons}} == {decision.outcome}


# --- determinism ------------------------------------------------------------------------------------------


# Found by the property below: the amount's detail lines (expenses, income items, children) followed the order
# of the case's lists. Fixed in engine/answer/amount.py (canonical order).
LISTS_IN_TWO_ORDERS = tuple(
    Case.model_validate({"decision_date": dt.date(2004, 1, 1), "household": {
        "has_spouse_or_cohabitant": False, "shares_home_with_other_adults": False, "children": children},
        "income": [], "assets": [], "economic_rights": [], "work": {"can_support_self_through_work": False},
        "residence": {"lawful_residence": True}, "expenses": expenses})
    for children, expenses in (
        ([{"age": 12}, {"age": 3}], [{"kind": "housing", "monthly_amount": 0},
                                     {"kind": "other_necessary", "monthly_amount": 60}]),
        ([{"age": 3}, {"age": 12}], [{"kind": "other_necessary", "monthly_amount": 60},
                                     {"kind": "housing", "monthly_amount": 0}])))


@given(gen.pairs(gen.permuted))
@example((*LISTS_IN_TWO_ORDERS, [("household", "children"), ("expenses",)]))
def test_same_case_same_answer_whatever_the_order_of_list_items(evaluator, change):
    case, reordered, _lists = change
    first = essence(evaluator.evaluate(case))
    assert essence(evaluator.evaluate(case)) == first
    second = essence(evaluator.evaluate(reordered))
    for answer, sent in ((first, case), (second, reordered)):
        answer["receipt"].pop("input_digest")  # the digest of the input as sent: the order is part of it
        for need in answer["needs"]:
            for decision in need["decisions"]:
                decision["missing_facts"] = _needs_by_id(decision["missing_facts"], sent)
            for duty in need["duties"]:  # "may apply; the case does not give: <paths>"
                duty["reason"] = {language: _reason_by_id(text, sent) for language, text in duty["reason"].items()}
    assert second == first


def _needs_by_id(paths: list[str], case: Case) -> list[str]:
    """Missing facts with a need named by its id rather than by its place in the list as sent."""
    places = {f"request.needs.{i}.": f"request.needs[{n.id}]." for i, n in enumerate(gen.needs_of(case))}
    return sorted(next((path.replace(k, v) for k, v in places.items() if path.startswith(k)), path)
                  for path in paths)


def _reason_by_id(text: str, case: Case) -> str:
    """A duty's reason with the missing facts it lists named by need id (see `_needs_by_id`)."""
    head, colon, paths = text.partition(": ")
    return head + colon + ", ".join(_needs_by_id(paths.split(", "), case)) if "request.needs." in paths else text


# --- monotonic need ---------------------------------------------------------------------------------------


@given(gen.pairs(gen.more_means))
def test_more_income_or_assets_never_makes_a_household_entitled(oracle, change):
    case, richer, how = change
    before, after = _outcomes(oracle.evaluate(case)), _outcomes(oracle.evaluate(richer))
    for question in RIGHT_TO_ASSISTANCE & before.keys():
        if before[question] == "not_entitled":
            assert after[question] != "entitled", f"{how}: § {question} became entitled"


@given(gen.pairs(gen.more_need))
def test_more_need_never_takes_entitlement_away(oracle, change):
    case, needier, how = change
    before, after = _outcomes(oracle.evaluate(case)), _outcomes(oracle.evaluate(needier))
    for question in RIGHT_TO_ASSISTANCE & before.keys():
        if before[question] == "entitled":
            assert after[question] != "not_entitled", f"{how}: § {question} became not_entitled"


# --- more information, more evidence -----------------------------------------------------------------------

# Found by the information property below (issue 4 report). Emergency help (§ 5-1 / § 18) used to be concluded
# for the household on an acute need *while the means or the need were unknown*. Filling in the household then
# showed that the means cover the need: § 5-1 turned from entitled to not_entitled, and § 5-2, which was
# not_applicable because of the right under § 5-1, turned on the life situation, which the case never gave. Emergency
# help is now answered on the immediate need (a need of its own, on the money at hand), never on the household's
# month, so the property holds for every question and every need without exception (issue 12).
EMERGENCY_THEN_MEANS_SUFFICE = (
    Case.model_validate({"decision_date": dt.date(2004, 1, 1), "household": {"children": [],
                         "shares_home_with_other_adults": False}, "income": [], "expenses": [],
                         "assets": [{"kind": "bank_deposit", "value": 4200, "needed_for_daily_living": False}],
                         "economic_rights": [], "request": {"acute_need": True}}),
    Case.model_validate({"decision_date": dt.date(2004, 1, 1), "household": {
                         "children": [], "shares_home_with_other_adults": False, "has_spouse_or_cohabitant": False},
                         "income": [], "expenses": [],
                         "assets": [{"kind": "bank_deposit", "value": 4200, "needed_for_daily_living": False}],
                         "economic_rights": [], "request": {"acute_need": True}}),
    ("household", "has_spouse_or_cohabitant"))
# Found by the evidence property below (issue 4 report): recording the client's consent to an individual plan
# used to make the duties of making the plan apply (consult on it, make it with the client, appoint a
# coordinator), i.e. open them. The rule files now let those duties apply unless the client refuses.
CONSENT_TO_A_PLAN = (
    Case.model_validate({"decision_date": dt.date(2004, 1, 1), "services": {
        "long_term_need": True, "needs_coordination": True, "needed": ["financial_assistance", "gp"],
        "compulsory_mental_health_care": False, "individual_plan_consent": "not_asked"}}),
    Case.model_validate({"decision_date": dt.date(2004, 1, 1), "services": {
        "long_term_need": True, "needs_coordination": True, "needed": ["financial_assistance", "gp"],
        "compulsory_mental_health_care": False, "individual_plan_consent": "consented"}}),
    "consent: consented")


@given(gen.pairs(gen.filled_in))
@example(EMERGENCY_THEN_MEANS_SUFFICE)
def test_filling_in_an_unknown_fact_never_makes_an_outcome_undetermined(oracle, change):
    """Neither the case's answers nor a need's: a need listed before is still listed after, under its id."""
    case, fuller, field = change
    before, after = _all_outcomes(oracle.evaluate(case)), _all_outcomes(oracle.evaluate(fuller))
    for key, outcome in before.items():
        if outcome != "undetermined":
            assert after[key] != "undetermined", (
                f"filling in {'.'.join(map(str, field))}: {key} went from {outcome} to undetermined")


def _all_outcomes(evaluation) -> dict[tuple[str, str], str]:
    """The outcome of every question, for the case (need "") and for each need (by its id)."""
    return {("", question): outcome for question, outcome in _outcomes(evaluation).items()} | {
        (need.id, d.question): d.outcome for need in evaluation.needs for d in need.decisions}


@given(gen.pairs(gen.more_evidence))
@example(CONSENT_TO_A_PLAN)
def test_evidence_never_opens_a_duty(oracle, change):
    case, documented, how = change
    before, after = _statuses(oracle.evaluate(case)), _statuses(oracle.evaluate(documented))
    for duty, status in before.items():
        if status != DutyStatus.open:
            assert after[duty] != DutyStatus.open, f"{how}: duty {duty} went from {status} to open"


@st.composite
def _more_information(draw, case: Case):
    """The case with one more thing known: an unknown field filled in, or one more piece of evidence on record."""
    return draw(gen.filled_in(case) if draw(st.booleans()) else gen.more_evidence(case))


@given(gen.pairs(_more_information))
@example(CONSENT_TO_A_PLAN)
@example(EMERGENCY_THEN_MEANS_SUFFICE)
def test_a_duty_only_moves_from_open_as_information_is_added(oracle, change):
    """Once the record closes a duty (fulfilled, or not applicable), knowing more never opens it again: a duty's
    status moves only from `open`. (What is filled in may show that a duty fulfilled on record did not apply after
    all; both are closed.) No duty is exempt: emergency help is answered on the immediate need, and no duty
    reads a conclusion that later facts could take back (issue 12)."""
    case, fuller, how = change
    before, after = _statuses(oracle.evaluate(case)), _statuses(oracle.evaluate(fuller))
    for duty, status in before.items():
        if status != DutyStatus.open:
            assert after[duty] != DutyStatus.open, f"{how}: duty {duty} went from {status} back to open"


# --- legal bases ------------------------------------------------------------------------------------------


@given(gen.cases())
def test_every_reason_and_duty_cites_a_provision_in_force(oracle, case):
    """Every basis cited — a section encoded as a rule file, or one acts.yaml records as cited but not encoded, with
    its days in force — was in force on the decision date."""
    rulebook, day = oracle.rulebook, case.decision_date
    evaluation = oracle.evaluate(case)
    encoded = {(p.act.id, p.spec.section) for p in rulebook.provisions}

    def in_force(act: str, section: str) -> bool:
        assert act in rulebook.acts, f"{act} is not in acts.yaml"
        if (act, section) in encoded:
            return any(p.act.id == act and p.spec.section == section and p.valid.covers(day)
                       for p in rulebook.provisions)
        return rulebook.acts[act].cites_in_force(section, day)

    for decision in evaluation.decisions:
        provision = decision.provision
        assert provision.valid_from <= day and (provision.valid_to is None or day <= provision.valid_to)
        for reason in decision.reasons:
            assert in_force(reason.basis.act, reason.basis.section), f"{reason.rule_id} cites {reason.basis.citation}"
    for duty in evaluation.duties + [duty for need in evaluation.needs for duty in need.duties]:
        assert in_force(duty.provision.act, duty.provision.section), f"{duty.id} cites {duty.provision.citation}"


@given(gen.cases())
def test_discretion_in_special_cases_only_without_a_right(oracle, case):
    outcomes = _outcomes(oracle.evaluate(case))
    for special, right in SPECIAL_CASES.items():
        if outcomes.get(special) == "discretionary":
            assert outcomes[right] != "entitled"


# --- need by need -----------------------------------------------------------------------------------------


@given(gen.pairs(gen.another_need))
def test_a_needs_special_case_answer_never_depends_on_another_need(oracle, change):
    """§ 5-2 / § 19 is judged expense by expense: adding, changing or removing one need leaves every other need's
    answer as it was."""
    case, changed, kept = change

    def special(sent: Case) -> dict:
        return {need.id: [(d.outcome, [r.rule_id for r in d.reasons], _needs_by_id(d.missing_facts, sent))
                          for d in need.decisions if d.question in SPECIAL_CASES]
                for need in oracle.evaluate(sent).needs if need.id in kept}

    assert special(changed) == special(case)


# --- over HTTP --------------------------------------------------------------------------------------------


def _json_number(value):
    """Money as a JSON number, as a client sends it (two decimals survive the float exactly)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _json_number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_number(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@given(gen.cases())
def test_the_http_answer_is_the_in_process_answer(evaluator, client, case):
    response = client.post("/v1/evaluations", json=_json_number(gen.as_data(case)))
    assert response.status_code == 200, response.text
    over_http = response.json()
    in_process = json.loads(evaluator.evaluate(case).model_dump_json())
    for answer in (over_http, in_process):
        answer["receipt"].pop("evaluated_at")
    assert over_http == in_process
