"""Partial knowledge decides where it can (issue 14): what the known facts settle is settled, what is missing is
really missing, and an undetermined answer says what would settle it.

The acceptance cases: the thesis's single parent under today's law with the savings not yet recorded
(examples/savings-not-recorded.json), and NAV's own example application, where "owns valuables: yes" comes without
an amount (tests/fixtures/nav-soknader/brukerdata.json). The properties over generated cases are in
tests/test_properties.py.
"""

import copy
from decimal import Decimal

import pytest

from digisos.service import evaluate_soknad
from engine.case.model import Case
from engine.case.rates import RateTable
from engine.evaluate import Evaluator
from engine.run.compiled import CompiledEngine
from tests.conftest import ROOT, essence, load_example
from tests.digisos_data import DAY, REALISTIC, load

SINGLE_PARENT = load_example(ROOT / "examples" / "savings-not-recorded.json")["case"]
NAV_APPLICATION = load(REALISTIC / "brukerdata.json")


def _decisions(evaluator: Evaluator, body: dict) -> dict:
    return {d.question: d for d in evaluator.evaluate(Case.model_validate(body)).decisions}


@pytest.fixture(scope="module")
def compiled(evaluator) -> Evaluator:
    """The compiled evaluator, recording rules ruled out too: the edges checked on another engine."""
    return Evaluator(rulebook=evaluator.rulebook, engine=CompiledEngine(ruled_out=True), rates=evaluator.rates)


# --- the acceptance cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize("savings", [None, 0, 10_000, 9_999_999])
def test_wages_that_cover_the_need_settle_18_whatever_the_savings(evaluator, savings):
    body = copy.deepcopy(SINGLE_PARENT)
    if savings is not None:
        body["assets"] = [{"kind": "bank_deposit", "value": savings, "needed_for_daily_living": False}]
    decisions = _decisions(evaluator, body)
    assert (decisions["18"].outcome, decisions["19"].outcome) == ("not_entitled", "discretionary")
    [reason] = decisions["18"].reasons
    assert reason.rule_id == "sotjl-2009/18@2022-09-01/self-supporting"
    if savings is None:  # the reason shows what the case gives, and marks what it does not
        assert "25 766 kr income, of which 0 kr is a cohabitant's and not counted, and ? in bank deposits" in \
            reason.text_en
        assert "bank_deposits_not_needed" not in reason.facts and not decisions["18"].missing_facts


def test_nav_example_with_valuables_and_no_amount_is_settled_by_the_means_listed(evaluator):
    # The valuable ticked without a value is weighed, not counted: § 18 never waits for its value, and its
    # document is asked for all the same. What it waits for is the monthly amounts of the three last bills
    # ("siste regning": their period is not given, so the need has no upper bound until they are).
    answer = evaluate_soknad(NAV_APPLICATION, evaluator, DAY)
    assets = next(field for field in answer.mapping.fields if field.case_field == "assets")
    assert assets.status == "partial" and "owns something of value and lists none" in assets.note
    valuable = len(answer.mapping.case["assets"]) - 1
    assert answer.mapping.case["assets"][valuable] == {"kind": "other"}
    waiting = {d.question: d for d in answer.evaluation.decisions}["18"]
    assert waiting.outcome == "undetermined" and f"assets[{valuable}].value" not in waiting.missing_facts
    bills = [i for i, expense in enumerate(answer.mapping.case["expenses"]) if "monthly_amount" not in expense]
    assert len(bills) == 3 and {f"expenses[{i}].monthly_amount" for i in bills} <= set(waiting.missing_facts)
    assert "regelmotor-dokumentasjonkrav-dokumentasjon-annetverdi" in [c.reference for c in answer.candidate_events]
    # The invoices asked for give the bills' monthly amounts (here as much as each bill): the means listed settle
    # § 18, while the valuable's value, the deposits' judgement and the disputed child-support line stay unknown.
    body = copy.deepcopy(answer.mapping.case)
    for i in bills:
        body["expenses"][i]["monthly_amount"] = 5600
    decisions = _decisions(evaluator, body)
    [reason] = decisions["18"].reasons
    assert decisions["18"].outcome == "not_entitled" and reason.rule_id.endswith("/self-supporting")
    assert "≥ 76 278 kr income" in reason.text_en  # net income and the payments listed: more than the need
    assert not decisions["18"].missing_facts
    assert decisions["19"].missing_facts == ["life_situation.difficult", "life_situation.help_could_overcome_or_adapt"]


# --- missing facts -------------------------------------------------------------------------------------------

COUPLE_OR_NOT = {"decision_date": "2024-03-01", "household": {"shares_home_with_other_adults": False, "children": []},
                 "income": [{"kind": "wages", "monthly_amount": 10_000}], "assets": [], "expenses": [],
                 "economic_rights": [], "work": {"can_support_self_through_work": False},
                 "residence": {"lawful_residence": True}, "request": {"acute_need": False}}


def test_only_the_household_field_the_case_leaves_out_is_missing(evaluator):
    decision = _decisions(evaluator, COUPLE_OR_NOT)["18"]  # 10 000 kr: above a single's rate, below a couple's
    assert (decision.outcome, decision.missing_facts) == ("undetermined", ["household.has_spouse_or_cohabitant"])


def test_a_rate_that_is_the_same_for_every_value_of_the_unknown_field_is_known(evaluator):
    table = evaluator.rates.model_dump(by_alias=True)
    for row in table["rows"]:
        row["rates"]["sharing"] = row["rates"]["single"]
    body = {**COUPLE_OR_NOT, "rate_table": RateTable.model_validate(table).model_dump(by_alias=True),
            "household": {"has_spouse_or_cohabitant": False, "children": []}}
    decision = _decisions(evaluator, body)["18"]
    assert decision.outcome == "not_entitled" and decision.reasons[0].facts["guideline_rate_monthly"] == 7850


def test_missing_facts_name_the_item_and_the_field_and_those_that_alone_settle_come_first(evaluator):
    body = copy.deepcopy(COUPLE_OR_NOT) | {"household": {"has_spouse_or_cohabitant": False,
                                                         "shares_home_with_other_adults": False,
                                                         "children": [{"age": 4}, {}]}}
    body["assets"] = [{"kind": "vehicle", "value": 90_000}, {"kind": "bank_deposit", "value": 20_000}]
    body["work"] = {}
    decision = _decisions(evaluator, body)["18"]
    assert decision.outcome == "undetermined"
    assert decision.missing_facts[0] == "work.can_support_self_through_work"  # alone: can work → not entitled
    assert set(decision.missing_facts) == {"work.can_support_self_through_work", "household.children[1].age",
                                           "assets[1].needed_for_daily_living"}  # a vehicle is no means at hand


def test_an_item_listed_without_its_amount_leaves_only_that_amount_unknown(evaluator):
    # Amounts are never negative: the known items are the least the sum can be, so they may settle on their own.
    body = copy.deepcopy(COUPLE_OR_NOT) | {"household": {"has_spouse_or_cohabitant": False,
                                                         "shares_home_with_other_adults": False, "children": []}}
    body["income"].append({"kind": "other"})
    body["assets"] = [{"kind": "bank_deposit", "needed_for_daily_living": False}]
    body["expenses"] = [{"kind": "housing", "monthly_amount": 1000}]
    decision = _decisions(evaluator, body)["18"]  # 10 000 kr and more against 7 850 + 1 000 kr
    assert (decision.outcome, decision.missing_facts) == ("not_entitled", [])
    assert "≥ 10 000 kr income" in decision.reasons[0].text_en
    body["expenses"].append({"kind": "power_and_heating"})  # a need without an upper bound: the known means wait
    decision = _decisions(evaluator, body)["18"]
    assert (decision.outcome, decision.missing_facts) == (
        "undetermined", ["assets[0].value", "expenses[1].monthly_amount", "income[1].monthly_amount"])


# --- what would settle it ------------------------------------------------------------------------------------

LOW_WAGES = copy.deepcopy(SINGLE_PARENT) | {"income": [{"kind": "wages", "monthly_amount": 10_000}]}


def test_an_undetermined_answer_says_at_which_amount_the_outcome_changes(evaluator, compiled):
    decision = _decisions(evaluator, LOW_WAGES)["18"]  # need 16 000 kr, wages 10 000 kr, savings not recorded
    assert (decision.outcome, decision.missing_facts) == ("undetermined", ["assets"])
    ranges = [(s.outcome, s.at_least, s.at_most, s.paths) for s in decision.settles]
    assert ranges == [("entitled", 0, Decimal("5999.99"), ["assets"]), ("not_entitled", 6000, None, ["assets"])]
    assert decision.settles[0].text.en == "entitled if bank deposits the caseworker judged not necessary for daily " \
                                          "living is at most 5 999.99 kr"
    for savings, outcome in (("5999.99", "entitled"), ("6000", "not_entitled")):  # the rules agree at the edge
        body = LOW_WAGES | {"assets": [{"kind": "bank_deposit", "value": savings, "needed_for_daily_living": False}]}
        assert _decisions(compiled, body)["18"].outcome == outcome
    assert [(s.outcome, s.at_least, s.at_most) for s in _decisions(evaluator, LOW_WAGES)["19"].settles] == [
        ("discretionary", 6000, None), ("not_applicable", 0, Decimal("5999.99"))]


# --- together: the rules of a question settle what none of them does alone ------------------------------------

# 9 000 kr in wages, no one yet asked whether the client has a spouse: above a single adult's rate, below a couple's,
# so § 18 entitles or it does not. Either way § 21 gives the forms of assistance: where § 18 entitles, and where it
# does not, § 19 is open to discretion (a difficult situation help could overcome).
SPOUSE_NOT_ASKED = {"decision_date": "2024-03-01",
                    "household": {"shares_home_with_other_adults": False, "children": []},
                    "income": [{"kind": "wages", "monthly_amount": 9000}], "assets": [], "expenses": [],
                    "economic_rights": [], "work": {"can_support_self_through_work": False},
                    "residence": {"lawful_residence": True}, "request": {"acute_need": False},
                    "life_situation": {"difficult": True, "help_could_overcome_or_adapt": True}}


def test_when_every_value_makes_one_rule_or_the_other_true_the_outcome_is_settled_jointly(evaluator, compiled):
    evaluation = evaluator.evaluate(Case.model_validate(SPOUSE_NOT_ASKED))
    decisions = {d.question: d for d in evaluation.decisions}
    assert (decisions["18"].outcome, decisions["19"].outcome) == ("undetermined", "undetermined")
    assert decisions["21"].outcome == "forms_available"
    assert [(r.rule_id.rsplit("/", 1)[1], r.jointly) for r in decisions["21"].reasons] == [
        ("forms-of-assistance", True)]
    assert any(entry.firing == "concludes_jointly" for entry in evaluation.trace)
    for spouse in (True, False):
        body = SPOUSE_NOT_ASKED | {"household": SPOUSE_NOT_ASKED["household"] | {"has_spouse_or_cohabitant": spouse}}
        assert _decisions(compiled, body)["21"].outcome == "forms_available"
    alone = SPOUSE_NOT_ASKED | {"life_situation": {"difficult": False}}  # not entitled: no § 19 to fall back on
    decision = _decisions(evaluator, alone)["21"]
    assert decision.outcome == "undetermined" and decision.missing_facts == ["household.has_spouse_or_cohabitant"]


def test_a_joint_conclusion_shows_the_facts_of_the_rule_set_it_fired_in(evaluator):
    # § 21's joint conclusions read § 18's rules, which differ before and after 2022-09-01 under one id: the answer
    # to a 2024 case is the same whether or not a 2015 case went first.
    earlier = evaluator.evaluate(Case.model_validate(SPOUSE_NOT_ASKED | {"decision_date": "2015-03-01"}))
    later = Case.model_validate(SPOUSE_NOT_ASKED)
    assert any(r.jointly for d in earlier.decisions for r in d.reasons)
    assert essence(evaluator.evaluate(later)) == essence(Evaluator().evaluate(later))
