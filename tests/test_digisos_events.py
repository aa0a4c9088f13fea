"""Candidate Digisos events: translated from the Evaluation, valid against the format, with stable references."""

import datetime as dt
import re

import pytest

from digisos.events import (
    AVSENDER,
    PLACEHOLDER_DOCUMENT_ID,
    candidate_events,
    condition_reference,
    sak_reference,
    timestamp,
)
from digisos.schema import EventInvalid, schema_document, validate_event
from digisos.service import evaluate_soknad
from engine.case.model import Case
from tests.conftest import ROOT, load_example
from tests.digisos_data import DAY, item, mapped, soknad

TIDSPUNKT = re.compile(schema_document("json/types/tidspunkt.json")["pattern"])
DEADLINE = DAY + dt.timedelta(days=14)


def _by_type(answer_or_events, kind):
    events = getattr(answer_or_events, "candidate_events", answer_or_events)
    return [c for c in events if c.event["type"] == kind]


def test_time_stamps_follow_the_format():
    moment = dt.datetime(2026, 11, 2, 13, 37, 0, 134999, tzinfo=dt.UTC)
    assert timestamp(moment) == "2026-11-02T13:37:00.134Z"
    assert TIDSPUNKT.match(timestamp(dt.datetime.now(dt.UTC)))


def test_references_are_derived_from_the_question_or_duty_alone():
    assert sak_reference("18") == "regelmotor-sak-18"
    assert sak_reference("4-3a") == "regelmotor-sak-4-3a"
    assert condition_reference("sotjl-2009/20a/activity-conditions") == \
        "regelmotor-vilkar-sotjl-2009-20a-activity-conditions"


def test_a_suggested_decision_only_where_the_law_leaves_no_discretion(evaluator):
    # The kindergarten scenario: § 18 not entitled, § 19 discretionary, § 28 not entitled, § 21 (the forms of
    # assistance) no matter of its own, so like the plan not shown to the applicant; and the kindergarten bill, a
    # need of its own, with its own saker: outside § 18 (not entitled), § 19 discretionary, § 21 not shown.
    case = Case.model_validate(load_example(ROOT / "examples" / "kindergarten-bill.json")["case"])
    evaluation = evaluator.evaluate(case)
    _, report = mapped(soknad())
    events = candidate_events(evaluation, report, evaluator.rulebook.ruleset_on(case.decision_date), DEADLINE)
    statuses = {c.reference: c.event["status"] for c in _by_type(events, "saksStatus")}
    assert statuses == {"regelmotor-sak-18": "UNDER_BEHANDLING", "regelmotor-sak-19": "UNDER_BEHANDLING",
                        "regelmotor-sak-2": "BEHANDLES_IKKE", "regelmotor-sak-21": "IKKE_INNSYN",
                        "regelmotor-sak-28": "IKKE_INNSYN",
                        "regelmotor-sak-18-kindergarten-november": "UNDER_BEHANDLING",
                        "regelmotor-sak-19-kindergarten-november": "UNDER_BEHANDLING",
                        "regelmotor-sak-21-kindergarten-november": "IKKE_INNSYN"}
    titles = {c.reference: c.event["tittel"] for c in _by_type(events, "saksStatus")}
    assert titles["regelmotor-sak-19-kindergarten-november"] == \
        "Barnehage: stønad i særlige tilfeller (sosialtjenesteloven § 19)"
    # not for the discretionary § 19, the need's or the case's, nor for the plan
    decisions = {c.event["saksreferanse"]: c for c in _by_type(events, "vedtakFattet")}
    assert {reference: c.event["utfall"] for reference, c in decisions.items()} == {
        "regelmotor-sak-18": "AVSLATT", "regelmotor-sak-18-kindergarten-november": "AVSLATT"}
    decision = decisions["regelmotor-sak-18"]
    assert decision.event["vedtaksfil"]["referanse"]["id"] == PLACEHOLDER_DOCUMENT_ID
    assert "rule:sotjl-2009/18@2022-09-01/self-supporting" in decision.basis
    assert decisions["regelmotor-sak-18-kindergarten-november"].basis[:2] == [
        "question:18", "need:kindergarten-november"]


def test_every_event_is_checked_against_the_schema():
    with pytest.raises(EventInvalid, match="vedtakFattet"):
        validate_event({"type": "vedtakFattet", "hendelsestidspunkt": "2026-11-02T00:00:00.000Z",
                        "saksreferanse": "x", "utfall": "INNVILGET"}, AVSENDER)  # no decision letter
    with pytest.raises(EventInvalid):
        validate_event({"type": "saksStatus", "hendelsestidspunkt": "2026-11-02", "referanse": "x"}, AVSENDER)


def test_one_documentation_demand_per_document_linked_to_the_first_question_that_needs_it(evaluator):
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("jobb", brutto=30000)]
    del document["data"]["personalia"]["statsborgerskap"]
    answer = evaluate_soknad(document, evaluator, DAY)
    demands = {c.reference: c for c in _by_type(answer, "dokumentasjonkrav")}
    assert set(demands) == {"regelmotor-dokumentasjonkrav-lonnslipp-arbeid",
                            "regelmotor-dokumentasjonkrav-oppholdstillatel-oppholdstillatel"}
    payslip = demands["regelmotor-dokumentasjonkrav-lonnslipp-arbeid"]
    assert payslip.event["saksreferanse"] == "regelmotor-sak-18"  # § 19 needs it too, but it is one demand
    assert payslip.basis == ["question:18", "missing:income"]
    assert payslip.event["status"] == "RELEVANT" and payslip.event["tittel"] == "Lønnsslipp"
    assert all(c.placeholders == [] for c in demands.values())


def test_a_missing_fact_that_is_the_caseworkers_assessment_asks_for_no_document(evaluator):
    answer = evaluate_soknad(soknad(), evaluator, DAY)
    [livsopphold] = [d for d in answer.evaluation.decisions if d.question == "18"]
    assert livsopphold.outcome == "undetermined"
    assert livsopphold.missing_facts == ["work.can_support_self_through_work"]
    assert _by_type(answer, "dokumentasjonkrav") == []


UNDER_30_ENTITLED = {
    "decision_date": "2024-11-04", "applicant": {"age": 26},
    "household": {"has_spouse_or_cohabitant": False, "shares_home_with_other_adults": False, "children": []},
    "income": [], "assets": [], "expenses": [{"kind": "housing", "monthly_amount": 8500}],
    "work": {"can_support_self_through_work": False}, "residence": {"lawful_residence": True}}


def _conditions_events(evaluator, case: dict) -> list:
    """The `vilkar` events for a case, with the baseline the service uses (no condition set, no exception)."""
    model = Case.model_validate(case)
    baseline = evaluator.evaluate(Case.model_validate({**case, "conditions": {
        "stipulated": [], "weighty_reasons_against_activity": False, "weighty_reasons_recorded": False}}))
    _, report = mapped(soknad())
    return _by_type(candidate_events(evaluator.evaluate(model), report, evaluator.rulebook.ruleset_on(
        model.decision_date), DEADLINE, baseline), "vilkar")


def test_the_activity_condition_only_where_the_law_requires_it(evaluator):
    [vilkar] = _conditions_events(evaluator, UNDER_30_ENTITLED)  # living costs granted under § 18, aged 26
    assert vilkar.reference == "regelmotor-vilkar-sotjl-2009-20a-activity-conditions"
    assert vilkar.basis[0] == "duty:sotjl-2009/20a/activity-conditions"
    assert vilkar.event["saksreferanse"] == "regelmotor-sak-18"
    assert _conditions_events(evaluator, {**UNDER_30_ENTITLED, "applicant": {"age": 36}}) == []
    assert _conditions_events(evaluator, {**UNDER_30_ENTITLED, "decision_date": "2016-12-31"}) == []  # before § 20 a
    # Emergency help alone: the conditions for assistance do not apply in an emergency (regjeringen.no,
    # «Aktivitetsplikt for mottakere av sosialhjelp»), and the immediate need is not a grant of living costs.
    emergency = {"decision_date": "2024-11-04", "applicant": {"age": 26}, "residence": {"lawful_residence": True},
                 "request": {"acute_need": True, "means_at_hand": False}}
    assert _conditions_events(evaluator, emergency) == []


def test_duties_toward_the_client_have_no_events(evaluator):
    answer = evaluate_soknad(soknad(), evaluator, DAY)
    assert any(d.status == "open" for d in answer.evaluation.duties)
    assert {c.event["type"] for c in answer.candidate_events} <= {"saksStatus", "vedtakFattet", "dokumentasjonkrav",
                                                                  "vilkar"}
    assert not [c for c in answer.candidate_events if any(b.startswith("duty:sotjl-2009/42") for b in c.basis)]


def test_all_events_of_an_answer_have_distinct_references_per_kind(evaluator):
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("jobb"), item("barnebidrag")]
    answer = evaluate_soknad(document, evaluator, DAY)
    for kind in ("saksStatus", "vedtakFattet", "dokumentasjonkrav", "vilkar"):
        references = [c.reference for c in _by_type(answer, kind)]
        assert len(references) == len(set(references))
    assert all(TIDSPUNKT.match(c.event["hendelsestidspunkt"]) for c in answer.candidate_events)
