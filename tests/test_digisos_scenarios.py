"""The thesis scenarios as NAV applications (`examples/digisos/`): each gives the outcomes and the candidate events
its file expects, and the same references when it is evaluated again."""

import datetime as dt

import pytest

from digisos.service import evaluate_soknad
from tests.digisos_data import SCENARIOS, scenario


def _answer(evaluator, path):
    data = scenario(path)
    return evaluate_soknad(data["soknad"], evaluator, dt.date.fromisoformat(data["decision_date"])), data["expected"]


def _events(answer) -> dict[str, str]:
    found = {}
    for candidate in answer.candidate_events:
        event = candidate.event
        key = candidate.reference + ("#vedtakFattet" if event["type"] == "vedtakFattet" else "")
        assert key not in found, f"two events with reference {key}"
        found[key] = f"{event['type']}:{event.get('utfall') or event.get('status')}"
    return found


def test_there_are_the_thesis_scenarios():
    assert {path.stem for path in SCENARIOS} >= {"kindergarten-bill", "substance-user-spent-the-month",
                                                 "missing-income-information", "young-adult-emergency"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_scenario_gives_its_expected_outcomes_and_events(evaluator, path):
    answer, expected = _answer(evaluator, path)
    assert {d.question: d.outcome for d in answer.evaluation.decisions} == expected["decisions"]
    assert _events(answer) == expected["events"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_evaluating_again_gives_the_same_events_so_they_replace_the_old_ones(evaluator, path):
    first, _ = _answer(evaluator, path)
    again, _ = _answer(evaluator, path)

    def without_time(answer):
        return [(c.reference, {k: v for k, v in c.event.items() if k != "hendelsestidspunkt"})
                for c in answer.candidate_events]

    assert without_time(first) == without_time(again)


def test_kindergarten_bill_leaves_the_discretion_to_the_caseworker(evaluator):
    answer, _ = _answer(evaluator, SCENARIOS[[p.stem for p in SCENARIOS].index("kindergarten-bill")])
    decisions = {d.question: d for d in answer.evaluation.decisions}
    assert [r.rule_id for r in decisions["18"].reasons] == ["sotjl-2009/18@2022-09-01/self-supporting"]
    assert decisions["19"].missing_facts == ["life_situation.difficult", "life_situation.help_could_overcome_or_adapt"]
    # The kindergarten bill itself is not counted as a housing cost: it is the caseworker's to weigh.
    ignored = {i.soknad_field: i.reason for i in answer.mapping.ignored}
    assert ignored == {"data.okonomi.oversikt.utgift[1]": "not_a_counted_expense"}
    assert "kindergarten" in answer.mapping.case["request"]["applied_for"]
    assert not any(c.event["type"] == "dokumentasjonkrav" for c in answer.candidate_events)


def test_missing_income_asks_for_a_payslip_and_reports_the_failed_tax_lookup(evaluator):
    answer, _ = _answer(evaluator, SCENARIOS[[p.stem for p in SCENARIOS].index("missing-income-information")])
    krav = {c.event["tittel"]: c for c in answer.candidate_events if c.event["type"] == "dokumentasjonkrav"}
    assert set(krav) == {"Lønnsslipp", "Strømregning"}  # the power bill: its period is not given
    assert krav["Lønnsslipp"].event["saksreferanse"] == "regelmotor-sak-18"
    assert krav["Lønnsslipp"].basis == ["question:18", "missing:income"]
    assert [lookup.soknad_field for lookup in answer.mapping.register_lookups_failed] == [
        "driftsinformasjon.inntektFraSkatteetatenFeilet"]
    income = {f.case_field: f for f in answer.mapping.fields}["income"]
    # the work the applicant reports is a wage of unknown amount
    assert income.status == "partial" and "data.arbeid.situasjon.erIJobb" in income.sources
    assert [(i["kind"], i.get("monthly_amount")) for i in answer.mapping.case["income"]] == [("wages", None)]


def test_the_young_adult_gets_emergency_help_on_the_immediate_need_and_no_activity_condition(evaluator):
    answer, _ = _answer(evaluator, SCENARIOS[[p.stem for p in SCENARIOS].index("young-adult-emergency")])
    [need] = answer.evaluation.needs
    decisions = {d.question: d for d in need.decisions}
    assert (need.id, need.kind) == ("acute_need", "immediate")
    assert [r.rule_id for r in decisions["18"].reasons] == ["sotjl-2009/18@2022-09-01/need-emergency-help"]
    assert decisions["18"].scope.id == "emergency_help" and decisions["18"].reasons[0].provisional
    [decision] = [c for c in answer.candidate_events if c.event["type"] == "vedtakFattet"]
    assert decision.event["saksreferanse"] == "regelmotor-sak-18-acute-need"
    assert decision.event["utfall"] == "INNVILGET" and decision.placeholders == ["/vedtaksfil/referanse/id"]
    # The month's living costs wait for the caseworker's assessment of work and the household, so nothing is
    # granted for them yet, and § 20 a, which attaches to that grant, gives no activity condition: the
    # conditions for assistance do not apply in an emergency. The duty may still apply, so it stays open.
    assert {d.question: d.outcome for d in answer.evaluation.decisions}["18"] == "undetermined"
    assert [c for c in answer.candidate_events if c.event["type"] == "vilkar"] == []
    duties = {d.id: d.status for d in answer.evaluation.duties}
    assert duties["sotjl-2009/20a/activity-conditions"] == "open"
