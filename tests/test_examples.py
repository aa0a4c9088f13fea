"""Every scenario in examples/ through the engine: the outcomes and duty statuses its file expects."""

import pytest

from engine.answer.models import DutyStatus
from engine.case.model import Case
from engine.verify.expected import differences
from tests.conftest import EXAMPLES, ROOT, load_example

EXAMPLES_DIR = ROOT / "examples"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_matches_its_expectations(path, evaluator):
    example = load_example(path)
    assert set(example) == {"case", "expected"}
    result = evaluator.evaluate(Case.model_validate(example["case"]))
    # Checked on what the file states: a provision added later adds questions and duties it does not name.
    assert differences(result, example["expected"]) == []


def test_a_difference_from_the_expectations_is_named(evaluator):
    example = load_example(EXAMPLES_DIR / "kindergarten-bill.json")
    result = evaluator.evaluate(Case.model_validate(example["case"]))
    expected = {**example["expected"], "decisions": {"18": "entitled", "19": "discretionary"},
                "amount": {"question": "18", "kind": "surplus", "need": 21400, "surplus": 1},
                "needs": {"kindergarten-november": {"19": "not_entitled"}, "no-such-need": {"18": "entitled"}}}
    assert differences(result, expected) == [
        "§ 18: expected entitled, got not_entitled",
        "need kindergarten-november, § 19: expected not_entitled, got discretionary",
        "need no-such-need, § 18: expected entitled, got None",
        "§ 18 amount surplus: expected 1, got 2600"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_conclusion_names_its_rule_and_legal_basis(path, evaluator):
    result = evaluator.evaluate(Case.model_validate(load_example(path)["case"]))
    for decision in result.decisions:
        if decision.outcome == "undetermined":
            assert decision.missing_facts and not decision.reasons
        else:
            assert decision.reasons and not decision.missing_facts
        for reason in decision.reasons:
            assert reason.rule_id.startswith(("sosialtjenesteloven-", "sotjl-"))
            assert "§" in reason.basis.citation and reason.text_nb and reason.text_en
            assert "{" not in reason.text_nb + reason.text_en  # every placeholder was filled in
    for duty in result.duties:
        assert "§" in duty.provision.citation


def test_missing_facts_are_paths_into_the_case_model(evaluator):
    for path in EXAMPLES:
        result = evaluator.evaluate(Case.model_validate(load_example(path)["case"]))
        for decision in result.decisions:
            for field_path in decision.missing_facts:
                model = Case
                for part in field_path.split("."):
                    assert part in model.model_fields, field_path
                    annotation = model.model_fields[part].annotation
                    model = next((a for a in getattr(annotation, "__args__", (annotation,))
                                  if isinstance(a, type) and hasattr(a, "model_fields")), None)


def test_the_examples_mirror_practice_under_todays_law():
    """Most examples are dated under today's law, and together they show every outcome of today's questions (the
    case's and a need's) and every duty status; a few keep the boundary days of earlier law."""
    seen_outcomes: dict[str, set[str]] = {}
    seen_statuses: set[str] = set()
    today = [load_example(path) for path in EXAMPLES if load_example(path)["case"]["decision_date"] >= "2024-01-01"]
    assert len(today) >= 2 * (len(EXAMPLES) - len(today)) and len(today) >= 20
    for example in today:
        expected = example["expected"]
        answers = [expected["decisions"], *expected.get("needs", {}).values()]
        for question, outcome in (item for answer in answers for item in answer.items()):
            seen_outcomes.setdefault(question, set()).add(outcome)
        seen_statuses |= set(expected["duties"].values())
    assert seen_outcomes["18"] == {"entitled", "not_entitled", "undetermined"}
    assert seen_outcomes["19"] == {"not_applicable", "discretionary", "not_entitled", "undetermined"}
    assert seen_outcomes["28"] == {"entitled", "not_entitled", "undetermined"}
    assert seen_outcomes["2"] == {"not_applicable", "entitled", "not_entitled"}
    assert seen_statuses == set(DutyStatus)
