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
    # The 1991 kindergarten scenario: § 5-1 not entitled, § 5-2 discretionary, § 4-3a not entitled; § 5-4 (the
    # forms of assistance) is no matter of its own, so like the plan it is not shown to the applicant.
    case = Case.model_validate(load_example(ROOT / "examples" / "kindergarten-bill.json")["case"])
    evaluation = evaluator.evaluate(case)
    _, report = mapped(soknad())
    events = candidate_events(evaluation, report, evaluator.rulebook.ruleset_on(case.decision_date))
    statuses = {c.reference: c.event["status"] for c in _by_type(events, "saksStatus")}
    assert statuses == {"regelmotor-sak-5-1": "UNDER_BEHANDLING", "regelmotor-sak-5-2": "UNDER_BEHANDLING",
                        "regelmotor-sak-4-3a": "IKKE_INNSYN", "regelmotor-sak-5-4": "IKKE_INNSYN"}
    [decision] = _by_type(events, "vedtakFattet")  # not for the discretionary § 5-2, nor for the plan
    assert decision.event["saksreferanse"] == "regelmotor-sak-5-1" and decision.event["utfall"] == "AVSLATT"
    assert decision.event["vedtaksfil"]["referanse"]["id"] == PLACEHOLDER_DOCUMENT_ID
    assert "rule:sosialtjenesteloven-1991/5-1/self-supporting" in decision.basis


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
    assert set(livsopphold.missing_facts) == {"economic_rights", "request.acute_need",
                                              "work.can_support_self_through_work"}
    assert _by_type(answer, "dokumentasjonkrav") == []


def test_the_activity_condition_only_where_the_law_requires_it(evaluator):
    document = soknad()
    document["data"]["begrunnelse"]["hvorforSoke"] = "Jeg har ingen mat."
    document["data"]["personalia"]["fodselsdato"] = "2000-01-01"  # 26: under 30
    [vilkar] = _by_type(evaluate_soknad(document, evaluator, DAY), "vilkar")
    assert vilkar.reference == "regelmotor-vilkar-sotjl-2009-20a-activity-conditions"
    assert vilkar.basis[0] == "duty:sotjl-2009/20a/activity-conditions"
    document["data"]["personalia"]["fodselsdato"] = "1990-01-01"  # 36
    assert _by_type(evaluate_soknad(document, evaluator, DAY), "vilkar") == []
    document["data"]["personalia"]["fodselsdato"] = "2000-01-01"
    document["data"]["begrunnelse"]["hvorforSoke"] = ""  # no acute need: § 18 undetermined
    assert _by_type(evaluate_soknad(document, evaluator, DAY), "vilkar") == []
    assert _by_type(evaluate_soknad(document, evaluator, dt.date(2016, 12, 31)), "vilkar") == []  # before § 20 a


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
