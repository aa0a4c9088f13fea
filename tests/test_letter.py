"""The decision-letter draft: it never decides what the answer did not, discretion is a blank, and the duty to give
reasons (forvaltningsloven § 25) stays open while a blank is empty."""

import datetime as dt

import pytest

from engine.answer.models import DutyStatus
from engine.case.model import Case
from tests.conftest import EXAMPLES, load_example
from views.letter import UnknownBlank, draft, letter_texts, text
from views.letter_pdf import pdf

# The duties to give reasons (forvaltningsloven § 25) on the case's decision and on a need's.
REASONS = {"sotjl-2009/41/reasons-cite-rules", "sotjl-2009/41/reasons-state-facts",
           "sotjl-2009/41/reasons-name-main-considerations"}
NEED_REASONS = "sotjl-2009/41/need-reasons-name-main-considerations"


def _answer(evaluator, name: str, **changes):
    case = next(load_example(path)["case"] for path in EXAMPLES if path.stem == name)
    return evaluator.evaluate(Case.model_validate({**case, **changes}))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_decision_is_drafted_as_the_answer_gives_it(path, evaluator):
    answer = evaluator.evaluate(Case.model_validate(load_example(path)["case"]))
    letter = draft(answer, evaluator.rulebook.outcomes)
    decisions = letter.sections[0]
    assert decisions.heading == "Vedtak"
    # the case's decisions, then each need's under a heading of its own
    bounds = [0, *(i for i, p in enumerate(decisions.paragraphs) if p.subheading), len(decisions.paragraphs)]
    parts = [decisions.paragraphs[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]
    assert len(parts) == 1 + len(answer.needs)
    for own, part in zip([answer.decisions, *(need.decisions for need in answer.needs)], parts, strict=True):
        sentences = " ".join(p.text or "" for p in part)
        for decision in own:
            assert f"§ {decision.provision.section}" in sentences
            if decision.outcome in ("discretionary", "undetermined", "not_applicable", "forms_available"):
                # no right granted or refused where the engine did not conclude one
                assert f"krav på {decision.provision.title[:1].lower()}{decision.provision.title[1:]} etter " \
                       f"{decision.provision.short_name} ({answer.law.version}) § {decision.provision.section}" \
                       not in sentences
            if decision.scope:
                assert f"Avgrensning: {decision.scope.nb}" in sentences
    chosen = {f"{d.question}/{suffix}" for d in answer.decisions for suffix, outcome in CHOSEN if d.outcome == outcome}
    chosen |= {f"need/{need.id}/{d.question}/{suffix}" for need in answer.needs for d in need.decisions
               for suffix, outcome in CHOSEN if d.outcome == outcome}
    assert {b.id for b in letter.blanks if b.id.endswith(("/decision", "/form"))} == chosen
    assert all(b.text is None for b in letter.blanks)  # the draft fills in nothing itself
    assert letter.sections[-1].heading == "Du kan klage"
    assert pdf(letter).startswith(b"%PDF-")


# What the caseworker chooses, never the draft: the decision where discretion is left, the form of assistance.
CHOSEN = (("decision", "discretionary"), ("form", "forms_available"))


def _reasoned(evaluator):
    """The kindergarten bill, refused by the office with reasons that the record says cite the rules, state the
    facts and name the main considerations: the engine closes every § 25 duty, the case's and the need's."""
    participation = load_example(EXAMPLES[0])["case"]["participation"]  # any: replaced below
    return _answer(evaluator, "kindergarten-bill", participation={
        **participation, "client_can_take_part": True, "representative": "none",
        "consultations": [{"matter": "financial_assistance", "with": "client"}],
        "client_views": [{"matter": "financial_assistance"}],
        "proposals": [{"matter": "financial_assistance", "result": "refused", "departs_from_client_view": False,
                       "written_reasons": True, "reasons_cite_rules": True, "reasons_state_facts": True,
                       "reasons_name_main_considerations": True}]})


def _reasons_open(letter) -> set[str]:
    return {d.id for d in letter.open_duties if d.id in REASONS | {NEED_REASONS}}


def test_considerations_are_blanks_and_the_reasons_duties_stay_open_while_one_is_empty(evaluator):
    # The record says the reasons are written: the engine closes § 25. The draft does not, while a blank of it is
    # empty — the reasons the record speaks of are not written yet. The need's § 25 duty likewise.
    answer = _reasoned(evaluator)
    statuses = {d.id: d.status for d in answer.duties} | {d.id: d.status for d in answer.needs[0].duties}
    assert {statuses[i] for i in REASONS | {NEED_REASONS}} == {DutyStatus.fulfilled}
    letter = draft(answer, evaluator.rulebook.outcomes)
    considered = [b.id for b in letter.blanks if "/consideration/" in b.id]
    assert "18/consideration/saved-child-benefit" in considered  # called for by the facts, not by discretion
    assert len([i for i in considered if i.startswith("need/kindergarten-november/19/")]) == 6
    assert letter.empty_blanks == len(letter.blanks)
    assert _reasons_open(letter) == REASONS | {NEED_REASONS}
    assert [d.need for d in letter.open_duties if d.id == NEED_REASONS] == ["Barnehage"]
    assert f"{len(letter.blanks)} tomme felt" in letter.open_duties[-1].why_open
    one_left = {b.id: "Vurdert." for b in letter.blanks[1:]}
    assert _reasons_open(draft(answer, evaluator.rulebook.outcomes, one_left)) == REASONS | {NEED_REASONS}
    filled = draft(answer, evaluator.rulebook.outcomes, {b.id: "Vurdert." for b in letter.blanks})
    assert filled.empty_blanks == 0 and _reasons_open(filled) == set()
    assert "[FYLLES UT" not in text(filled) and text(filled).count("Vurdert.") == len(letter.blanks)


def test_an_open_reasons_duty_stays_open_whatever_the_blanks_say(evaluator):
    answer = _answer(evaluator, "kindergarten-bill")
    assert {d.id: d.status for d in answer.needs[0].duties}[NEED_REASONS] == DutyStatus.open
    letter = draft(answer, evaluator.rulebook.outcomes)
    filled = draft(answer, evaluator.rulebook.outcomes, {b.id: "Vurdert." for b in letter.blanks})
    assert NEED_REASONS in _reasons_open(filled)  # the record must still say so: the engine decides


def test_an_entitlement_asks_for_the_amount_with_the_guideline_figure_and_never_fills_it(evaluator):
    letter = draft(_answer(evaluator, "long-term-rehabilitation"), evaluator.rulebook.outcomes)
    amount = next(b for b in letter.blanks if b.id == "18/amount")
    assert amount.text is None and "udekket behov 5\u00a0550\u00a0kr per måned" in amount.label
    assert "Du har krav på stønad til livsopphold etter sosialtjenesteloven (2009) § 18." in text(letter)
    table = next(s for s in letter.sections if s.heading.startswith("Veiledende beregning"))
    assert table.table[-1] == ("Udekket behov", "5\u00a0550\u00a0kr")
    assert next(b for b in letter.blanks if b.id == "21/form").text is None  # the office chooses the form


def test_each_need_is_decided_on_its_own_with_what_the_law_limits_it_to(evaluator):
    letter = draft(_answer(evaluator, "substance-user-spent-the-month"), evaluator.rulebook.outcomes)
    drafted = text(letter)
    emergency = drafted[drafted.index("Behov: Akutt behov (nødhjelp)"):drafted.index("Behov: Annen utgift")]
    assert "Du har krav på stønad til livsopphold etter sosialtjenesteloven (2009) § 18." in emergency
    assert "Avgrensning: Nødhjelp — bare det helt nødvendige her og nå" in emergency.replace("\n", " ")
    ids = {b.id for b in letter.blanks}
    assert {"need/food-now/18/amount", "need/various-bills/19/decision", "need/various-bills/19/amount"} <= ids
    assert "need/food-now/19/decision" not in ids  # § 19 does not arise for the immediate need
    assert [(d.id, d.need) for d in letter.open_duties if d.need] == [(NEED_REASONS, "Annen utgift")]
    assert "[ ] Behov Annen utgift: Stønad til dette behovet etter § 19 er skjønn" in drafted


def test_an_undetermined_question_names_what_is_missing_and_decides_nothing(evaluator):
    letter = draft(_answer(evaluator, "missing-income-information"), evaluator.rulebook.outcomes)
    paragraphs = letter.sections[0].paragraphs
    assert any("§ 18 kan ikke avgjøres før opplysningene nedenfor foreligger" in (p.text or "") for p in paragraphs)
    assert "- Inntekter per måned" in text(letter)
    assert not any(b.id.startswith("18/") for b in letter.blanks)


def test_the_appeal_goes_to_the_body_of_the_decision_date(evaluator):
    def appeal(answer):
        return " ".join(p.text for p in draft(answer, evaluator.rulebook.outcomes).sections[-1].paragraphs)

    assert "sender vi klagen til fylkesmannen" in appeal(_answer(evaluator, "law-changes-2010-01-01"))
    assert "(sosialtjenesteloven (2009) § 47)" in appeal(_answer(evaluator, "law-changes-2010-01-01"))
    assert "Send klagen til sosialtjenesten" in appeal(_answer(evaluator, "law-changes-2009-12-31"))
    assert "(sosialtjenesteloven (1991) § 8-6)" in appeal(_answer(evaluator, "law-changes-2009-12-31"))
    recent = _answer(evaluator, "law-changes-2010-01-01", decision_date="2023-03-01")
    assert "sender vi klagen til statsforvalteren" in appeal(recent) and "NAV-kontoret" in appeal(recent)


def test_a_filled_blank_the_draft_does_not_have_is_refused(evaluator):
    with pytest.raises(UnknownBlank) as refused:
        draft(_answer(evaluator, "long-term-rehabilitation"), evaluator.rulebook.outcomes, {"19/decision": "Ja."})
    assert refused.value.ids == ["19/decision"]


def test_the_letter_texts_cover_every_outcome_and_every_act_with_a_question(evaluator):
    texts = letter_texts()
    assert set(texts.outcomes) == set(evaluator.rulebook.outcomes)
    acts = {provision.act.id for provision in evaluator.rulebook.provisions if provision.spec.question}
    assert acts <= set(texts.acts)
    for act in texts.acts.values():
        assert act.appeal_bodies[0].valid_from <= dt.date(2010, 1, 1)
