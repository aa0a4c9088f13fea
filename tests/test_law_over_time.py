"""The law in force on the decision date, the guideline rates of that date, and the amount."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from api.settings import EngineSettings
from engine.case.model import Case
from engine.case.rates import RateTable, load_rate_table
from engine.evaluate import Evaluator, LawNotEncoded
from engine.law.rulebook import RULES_DIR
from tests.conftest import ROOT, load_example

SUCCESSOR = {"5-1": "18", "5-2": "19", "5-4": "21", "4-3a": "28", "1-2": "2"}


def _evaluate(evaluator, name):
    return evaluator.evaluate(Case.model_validate(load_example(ROOT / "examples" / f"{name}.json")["case"]))


def test_same_case_either_side_of_2010_same_outcomes_under_each_act(evaluator):
    before = _evaluate(evaluator, "law-changes-2009-12-31")
    after = _evaluate(evaluator, "law-changes-2010-01-01")
    assert before.law.act == "LOV-1991-12-13-81" and after.law.act == "LOV-2009-12-18-131"
    assert {SUCCESSOR[d.question]: d.outcome for d in before.decisions} == \
        {d.question: d.outcome for d in after.decisions}
    for evaluation, act in ((before, "LOV-1991-12-13-81"), (after, "LOV-2009-12-18-131")):
        bases = [r.basis for d in evaluation.decisions for r in d.reasons]
        assert bases and all(basis.act == act for basis in bases)
        assert all(d.provision.act == act for d in evaluation.decisions)
    assert {r.basis.section for d in before.decisions if d.question == "5-1" for r in d.reasons} == {"5-1"}
    assert {d.question: [r.basis.citation for r in d.reasons] for d in after.decisions}["18"] == \
        ["sosialtjenesteloven (2009) § 18 første ledd første punktum"]


def test_activity_conditions_duty_starts_on_2017_01_01(evaluator):
    before = {d.id for d in _evaluate(evaluator, "activity-conditions-2016-12-31").duties}
    after = {d.id: d.status for d in _evaluate(evaluator, "activity-conditions-2017-01-01").duties}
    assert not any("/20a/" in duty for duty in before)
    assert after["sotjl-2009/20a/activity-conditions"] == "open"


def test_child_benefit_stops_counting_on_2022_09_01(evaluator):
    before = _evaluate(evaluator, "child-benefit-2022-08-31").decisions[0]
    after = _evaluate(evaluator, "child-benefit-2022-09-01").decisions[0]
    assert (before.question, before.outcome, before.amount.surplus) == ("18", "not_entitled", 316)
    assert (after.question, after.outcome, after.amount.shortfall) == ("18", "entitled", 1450)
    assert before.reasons[0].rule_id == "sotjl-2009/18@2016-01-01/self-supporting"
    assert after.reasons[0].rule_id == "sotjl-2009/18@2022-09-01/not-self-supporting"
    disregarded = [line.fact for line in after.amount.lines if not line.counted]
    assert disregarded == ["income_cohabitant", "income_children_leisure_work", "income_child_benefit"]


def test_the_family_breakdown_is_exact_line_by_line(evaluator):
    amount = _evaluate(evaluator, "family-every-age-band").decisions[0].amount
    lines = {(line.part, line.fact): line.amount for line in amount.lines}
    assert lines == {
        ("need", "guideline_rate_monthly"): 26050,  # couple 13 100 + 3 850 + 3 950 + 5 150 (2024)
        ("need", "expenses_total"): 15800,
        ("means", "income_total"): 35986,
        ("means", "income_cohabitant"): 0,  # a spouse's income counts; a cohabitant's would not
        ("means", "income_children_leisure_work"): -1200,
        ("means", "income_child_benefit"): -4786,
        ("means", "bank_deposits_not_needed"): 2000,
    }
    rate = next(line for line in amount.lines if line.fact == "guideline_rate_monthly")
    assert [detail.amount for detail in rate.details] == [13100, 3850, 3950, 5150]
    assert (amount.need, amount.counted_means, amount.shortfall) == (41850, 32000, 9850)
    assert amount.rate_table.row_from == dt.date(2024, 1, 1)


def test_the_answer_says_when_the_rates_on_file_are_older_than_the_decision(evaluator):
    assert _evaluate(evaluator, "decided-today").warnings
    assert not _evaluate(evaluator, "family-every-age-band").warnings


@pytest.mark.parametrize("day", ["1992-12-31", "1800-01-01"])
def test_dates_before_the_encoded_law_are_refused(evaluator, day):
    with pytest.raises(LawNotEncoded, match="before 1993-01-01"):
        evaluator.evaluate(Case.model_validate({"decision_date": day}))


def test_dates_beyond_the_horizon_are_refused():
    evaluator = Evaluator(horizon_days=30)
    evaluator.evaluate(Case.model_validate({"decision_date": dt.date.today() + dt.timedelta(days=30)}))
    with pytest.raises(LawNotEncoded, match="in the future"):
        evaluator.evaluate(Case.model_validate({"decision_date": dt.date.today() + dt.timedelta(days=31)}))


def _municipal_table(rows: list[dict], **extra) -> dict:
    national = yaml.safe_load((RULES_DIR / "parameters/national-guideline-rates.yaml").read_text(encoding="utf-8"))
    return {"id": "test-municipality", "title": {"nb": "Test", "en": "Test"}, "unit": "NOK per month",
            "categories": national["categories"], "household": national["household"], "rows": rows, **extra}


MUNICIPAL_ROW = {"from": "2020-01-01", "source": "municipal council decision", "rates": {
    "single": 9000, "couple": 15000, "sharing": 7500, "child_0_5": 4000, "child_6_10": 4000, "child_11_17": 5000}}


def test_a_municipal_table_can_be_configured(tmp_path, monkeypatch):
    table = tmp_path / "rates.yaml"
    table.write_text(yaml.safe_dump(_municipal_table([MUNICIPAL_ROW])), encoding="utf-8")
    monkeypatch.setenv("REGELMOTOR_RATE_TABLE", str(table))
    evaluator = EngineSettings.from_env().evaluator()
    case = load_example(ROOT / "examples" / "decided-today.json")["case"]
    amount = evaluator.evaluate(Case.model_validate(case)).decisions[0].amount
    assert amount.rate_table.id == "test-municipality" and amount.need == 9000 + 8000


def test_national_rate_table_rows_all_name_their_source():
    table = load_rate_table(RULES_DIR / "parameters/national-guideline-rates.yaml")
    assert all(len(row.source) > 3 for row in table.rows)
    assert table.row_on(dt.date(2001, 12, 31)) is None
    assert table.row_on(dt.date(2023, 6, 30)).rates["single"] == 6850


@pytest.mark.parametrize("change, message", [
    (lambda t: t["rows"][0]["rates"].pop("child_0_5"), "exactly the table's categories"),
    (lambda t: t["household"]["children"][1].update(from_age=7), "without gaps or overlaps"),
    (lambda t: t["household"].update(partner="pair"), "household.partner: not a category of 'categories'"),
    (lambda t: t.update(known_gaps=[{"from": "2019-01-01", "to": "2020-06-30"}]), "holds a row"),
    (lambda t: t.update(known_gaps=[{"from": "2021-01-01", "to": "2021-06-30"}, {"from": "2021-06-01",
                                                                                 "to": "2021-12-31"}]), "overlap"),
    (lambda t: t["rows"][0].update(source="   "), "source"),
    (lambda t: t["rows"].append(dict(MUNICIPAL_ROW)), "ascending"),
])
def test_an_incomplete_or_inconsistent_rate_table_is_refused(change, message):
    table = _municipal_table([json.loads(json.dumps(MUNICIPAL_ROW))])
    change(table)
    with pytest.raises(ValidationError, match=message):
        RateTable.model_validate(table)


DATES = st.dates(dt.date(1993, 1, 1), dt.date(2026, 11, 1))
KRONER = st.integers(0, 60_000).map(Decimal)
INCOME = st.lists(st.tuples(st.sampled_from(["wages", "benefits", "child_benefit", "children_leisure_work"]), KRONER),
                  max_size=4)


@settings(max_examples=150, deadline=None)
@given(day=DATES, ages=st.lists(st.integers(0, 17), max_size=4), income=INCOME, housing=KRONER,
       savings=st.integers(0, 20_000).map(Decimal))
def test_shortfall_is_need_minus_counted_means(evaluator, day, ages, income, housing, savings):
    case = Case.model_validate({
        "decision_date": day,
        "household": {"has_spouse_or_cohabitant": False, "shares_home_with_other_adults": False,
                      "children": [{"age": age} for age in ages]},
        "income": [{"kind": kind, "monthly_amount": amount} for kind, amount in income],
        "assets": [{"kind": "bank_deposit", "value": savings, "needed_for_daily_living": False}],
        "expenses": [{"kind": "housing", "monthly_amount": housing}], "economic_rights": [],
        "work": {"can_support_self_through_work": False}, "residence": {"lawful_residence": True}})
    decision = evaluator.evaluate(case).decisions
    living = next(d for d in decision if d.question in ("5-1", "18"))
    not_counted = {"child_benefit", "children_leisure_work"} if day >= dt.date(2022, 9, 1) else \
        {"children_leisure_work"} if day >= dt.date(2016, 1, 1) else set()
    means = sum((amount for kind, amount in income if kind not in not_counted), Decimal(0)) + savings
    row = evaluator.rates.row_on(day)
    if row is None:  # no rates on file before 2002: the need is the housing cost and an unknown rate on top
        assert living.outcome == ("entitled" if means < housing else "undetermined")
        return
    band = {**dict.fromkeys(range(6), "child_0_5"), **dict.fromkeys(range(6, 11), "child_6_10"),
            **dict.fromkeys(range(11, 18), "child_11_17")}
    need = row.rates["single"] + sum(row.rates[band[age]] for age in ages) + housing
    if need > means:
        assert living.outcome == "entitled"
        assert living.amount.shortfall == need - means == living.amount.need - living.amount.counted_means
    else:
        assert living.outcome == "not_entitled"
        assert living.amount.surplus == means - need


def test_before_the_first_rates_the_need_is_unknown_and_the_answer_says_why(evaluator):
    case = load_example(ROOT / "examples" / "supplementary-assistance.json")["case"] | {"decision_date": "1999-06-01"}
    evaluation = evaluator.evaluate(Case.model_validate(case))
    assert next(d for d in evaluation.decisions if d.question == "5-1").outcome == "undetermined"
    assert any("no rates on file before 2002-01-01" in warning.en for warning in evaluation.warnings)
