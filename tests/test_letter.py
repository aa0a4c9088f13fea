"""The decision-letter draft: it never decides what the answer did not, discretion is a blank, and the duty to give
reasons (forvaltningsloven § 25) stays open while a blank is empty."""

import datetime as dt

import pytest

from engine.answer.models import DutyStatus
from engine.case.model import Case
from tests.conftest import EXAMPLES, load_example
from views.letter import UnknownBlank, draft, letter_texts, text
from views.letter_pdf import pdf

REASONS = "sosialtjenesteloven-1991/5-2/give-reasons-for-discretion"


def _answer(evaluator, name: str, **changes):
    case = next(load_example(path)["case"] for path in EXAMPLES if path.stem == name)
    return evaluator.evaluate(Case.model_validate({**case, **changes}))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_decision_is_drafted_as_the_answer_gives_it(path, evaluator):
    answer = evaluator.evaluate(Case.model_validate(load_example(path)["case"]))
    letter = draft(answer, evaluator.rulebook.outcomes)
    decisions = letter.sections[0]
    assert decisions.heading == "Vedtak"
    sentences = " ".join(p.text or "" for p in decisions.paragraphs)
    for decision in answer.decisions:
        assert f"§ {decision.provision.section}" in sentences
        if decision.outcome in ("discretionary", "undetermined", "not_applicable"):
            # no right granted or refused where the engine did not conclude one
            assert f"krav på {decision.provision.title[:1].lower()}{decision.provision.title[1:]} etter " \
                   f"{decision.provision.short_name} ({answer.law.version}) § {decision.provision.section}" \
                   not in sentences
    discretionary = [d for d in answer.decisions if d.outcome == "discretionary"]
    assert {b.id for b in letter.blanks if b.id.endswith("/decision")} == {f"{d.question}/decision"
                                                                           for d in discretionary}
    assert letter.sections[-1].heading == "Du kan klage"
    assert pdf(letter).startswith(b"%PDF-")


def test_considerations_are_blanks_and_the_reasons_duty_stays_open_while_one_is_empty(evaluator):
    # The record says the decision has written reasons: the engine closes § 25. The draft does not, while a blank
    # of it is empty — the reasons the record speaks of are not written yet.
    participation = load_example(EXAMPLES[0])["case"]["participation"]  # any: replaced below
    answer = _answer(evaluator, "kindergarten-bill", participation={
        **participation, "client_can_take_part": True, "representative": "none",
        "consultations": [{"matter": "financial_assistance", "with": "client"}],
        "client_views": [{"matter": "financial_assistance"}],
        "proposals": [{"matter": "financial_assistance", "departs_from_client_view": False, "written_reasons": True}]})
    assert {d.id: d.status for d in answer.duties}[REASONS] == DutyStatus.fulfilled
    letter = draft(answer, evaluator.rulebook.outcomes)
    considered = [b for b in letter.blanks if "/consideration/" in b.id]
    assert len(considered) == 6 and letter.empty_blanks == len(letter.blanks) == 9
    assert [d.id for d in letter.open_duties] == [REASONS]
    assert "9 tomme felt" in letter.open_duties[0].why_open
    one_left = {b.id: "Vurdert." for b in letter.blanks[1:]}
    assert [d.id for d in draft(answer, evaluator.rulebook.outcomes, one_left).open_duties] == [REASONS]
    filled = draft(answer, evaluator.rulebook.outcomes, {b.id: "Vurdert." for b in letter.blanks})
    assert filled.empty_blanks == 0 and filled.open_duties == []
    assert "[FYLLES UT" not in text(filled) and text(filled).count("Vurdert.") == 9


def test_an_open_reasons_duty_stays_open_whatever_the_blanks_say(evaluator):
    answer = _answer(evaluator, "kindergarten-bill")
    assert {d.id: d.status for d in answer.duties}[REASONS] == DutyStatus.open
    letter = draft(answer, evaluator.rulebook.outcomes)
    filled = draft(answer, evaluator.rulebook.outcomes, {b.id: "Vurdert." for b in letter.blanks})
    assert [d.id for d in filled.open_duties] == [REASONS]  # the record must still say so: the engine decides


def test_an_entitlement_asks_for_the_amount_with_the_guideline_figure_and_never_fills_it(evaluator):
    letter = draft(_answer(evaluator, "long-term-rehabilitation"), evaluator.rulebook.outcomes)
    amount = next(b for b in letter.blanks if b.id == "5-1/amount")
    assert amount.text is None and "udekket behov 1\u00a0920\u00a0kr per måned" in amount.label
    assert "Du har krav på stønad til livsopphold etter sosialtjenesteloven (1991) § 5-1." in text(letter)
    table = next(s for s in letter.sections if s.heading.startswith("Veiledende beregning"))
    assert table.table[-1] == ("Udekket behov", "1\u00a0920\u00a0kr")


def test_an_undetermined_question_names_what_is_missing_and_decides_nothing(evaluator):
    letter = draft(_answer(evaluator, "missing-income-information"), evaluator.rulebook.outcomes)
    paragraphs = letter.sections[0].paragraphs
    assert any("§ 5-1 kan ikke avgjøres før opplysningene nedenfor foreligger" in (p.text or "") for p in paragraphs)
    assert "- Inntekter per måned" in text(letter)
    assert not any(b.id.startswith("5-1/") for b in letter.blanks)


def test_the_appeal_goes_to_the_body_of_the_decision_date(evaluator):
    def appeal(answer):
        return " ".join(p.text for p in draft(answer, evaluator.rulebook.outcomes).sections[-1].paragraphs)

    assert "sender vi klagen til fylkesmannen" in appeal(_answer(evaluator, "law-changes-2010-01-01"))
    assert "(sosialtjenesteloven (2009) § 47)" in appeal(_answer(evaluator, "law-changes-2010-01-01"))
    assert "Send klagen til sosialtjenesten" in appeal(_answer(evaluator, "kindergarten-bill"))
    recent = _answer(evaluator, "law-changes-2010-01-01", decision_date="2023-03-01")
    assert "sender vi klagen til statsforvalteren" in appeal(recent) and "NAV-kontoret" in appeal(recent)


def test_a_filled_blank_the_draft_does_not_have_is_refused(evaluator):
    with pytest.raises(UnknownBlank) as refused:
        draft(_answer(evaluator, "long-term-rehabilitation"), evaluator.rulebook.outcomes, {"5-2/decision": "Ja."})
    assert refused.value.ids == ["5-2/decision"]


def test_the_letter_texts_cover_every_outcome_and_every_act_with_a_question(evaluator):
    texts = letter_texts()
    assert set(texts.outcomes) == set(evaluator.rulebook.outcomes)
    acts = {provision.act.id for provision in evaluator.rulebook.provisions if provision.spec.question}
    assert acts <= set(texts.acts)
    for act in texts.acts.values():
        assert act.appeal_bodies[0].valid_from <= dt.date(2010, 1, 1)
