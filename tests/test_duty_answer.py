"""What the answer says about a duty beyond its status: the choice a duty offers, the duty that must come first, and
the source a duty rests on beside its basis."""

from engine.case.model import Case

UNDER_30 = {
    "decision_date": "2024-05-02", "applicant": {"age": 25},
    "household": {"has_spouse_or_cohabitant": False, "shares_home_with_other_adults": False, "children": []},
    "income": [{"kind": "benefits", "monthly_amount": 2000}], "assets": [], "economic_rights": [],
    "expenses": [{"kind": "housing", "monthly_amount": 5500}], "work": {"can_support_self_through_work": False},
    "residence": {"lawful_residence": True}, "request": {"applied_for": ["living_costs"]},
}


def _duties(evaluator, data: dict) -> dict:
    return {d.id: d for d in evaluator.evaluate(Case.model_validate(data)).duties}


def test_duties_that_exclude_each_other_are_one_open_choice(evaluator):
    duties = _duties(evaluator, {**UNDER_30, "conditions": {"stipulated": []}})
    choice = duties["sotjl-2009/20a/activity-conditions"]
    assert [d for d in duties if d.startswith("sotjl-2009/20a/")] == ["sotjl-2009/20a/activity-conditions"]
    assert choice.status == "open"
    assert [(o.id, o.fulfilled) for o in choice.options] == [("set-activity-conditions", False),
                                                             ("record-weighty-reasons", False)]
    recorded = _duties(evaluator, {**UNDER_30, "conditions": {
        "stipulated": [], "weighty_reasons_against_activity": True, "weighty_reasons_recorded": True}})
    choice = recorded["sotjl-2009/20a/activity-conditions"]
    assert choice.status == "fulfilled" and [o.fulfilled for o in choice.options] == [False, True]


def test_a_consultation_logged_with_a_client_who_cannot_take_part_waits_for_a_representative(evaluator):
    data = {**UNDER_30, "decision_date": "2008-03-01", "participation": {
        "client_can_take_part": False, "representative": "none",
        "consultations": [{"matter": "financial_assistance", "with": "client"}]}}
    duties = _duties(evaluator, data)
    first = duties["sosialtjenesteloven-1991/8-4/someone-to-speak-for-client"]
    consult = duties["sosialtjenesteloven-1991/8-4/consult-on-financial-assistance"]
    assert first.status == consult.status == "open"
    assert consult.reason.en == f"The duty cannot be fulfilled before this is done: {first.duty.en}"
    data["participation"].update(representative="guardian", consultations=[
        {"matter": "financial_assistance", "with": "guardian"}])
    consult = _duties(evaluator, data)["sosialtjenesteloven-1991/8-4/consult-on-financial-assistance"]
    assert consult.status == "fulfilled"


def test_a_duty_names_the_source_it_rests_on_beside_its_basis(evaluator):
    duty = _duties(evaluator, UNDER_30)["sotjl-2009/41/give-reasons"]
    assert duty.provision.citation == "forvaltningsloven (1967) § 24 første ledd første punktum"
    assert "«Enkeltvedtak skal grunngis." in duty.source
