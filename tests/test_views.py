"""The lean answer (the default) and the full one (`?view=full`): the lean answer is the full one cut down, field by
field — every field it has is the full answer's field of that name, with the same value."""

from __future__ import annotations

from hypothesis import given

from engine.case.model import Case
from tests import strategies as gen
from tests.conftest import EXAMPLES, essence, load_example


def _cut(full: dict, lean_keys: set[str]) -> dict:
    return {key: value for key, value in full.items() if key in lean_keys}


def _decision(full: dict) -> dict:
    """A full decision as the lean answer has it: no provision block; each reason's basis as its citation."""
    reasons = [{**_cut(reason, set(reason) - {"basis"}), "citation": reason["basis"]["citation"]}
               for reason in full["reasons"]]
    return {**_cut(full, set(full) - {"provision"}), "reasons": reasons}


def _open_duties(duties: list[dict]) -> list[dict]:
    return [_cut(duty, {"id", "status", "reason", "fulfil_by"}) for duty in duties if duty["status"] == "open"]


def assert_lean_is_full_cut_down(lean: dict, full: dict) -> None:
    assert set(lean) == set(full) - {"trace"}
    for key in ("case_id", "decision_date", "law", "warnings"):
        assert lean[key] == full[key]
    assert lean["decisions"] == [_decision(decision) for decision in full["decisions"]]
    assert lean["duties"] == _open_duties(full["duties"])
    assert lean["needs"] == [{"id": need["id"], "kind": need["kind"],
                              "decisions": [_decision(decision) for decision in need["decisions"]],
                              "duties": _open_duties(need["duties"])} for need in full["needs"]]
    assert lean["receipt"] == _cut(full["receipt"], {"engine_version", "ruleset_digest"})


def _both(evaluator, case: Case) -> tuple[dict, dict]:
    return essence(evaluator.evaluate_lean(case)), essence(evaluator.evaluate(case))


def test_every_example_answers_alike_in_both_views(evaluator):
    for path in EXAMPLES:
        assert_lean_is_full_cut_down(*_both(evaluator, Case.model_validate(load_example(path)["case"])))


@given(gen.cases())
def test_generated_cases_answer_alike_in_both_views(evaluator, case):
    assert_lean_is_full_cut_down(*_both(evaluator, case))


def test_the_lean_answer_is_a_fraction_of_the_full_one(evaluator):
    """What makes the default lean: the rule book's texts and the trace are left out (the sizes are the scenarios',
    in bytes of compact JSON; the full answer repeats every duty's texts and every rule file's digest)."""
    cases = [Case.model_validate(load_example(path)["case"]) for path in EXAMPLES]
    lean = sum(len(evaluator.evaluate_lean(case).model_dump_json()) for case in cases)
    full = sum(len(evaluator.evaluate(case).model_dump_json()) for case in cases)
    assert lean < full / 2, (lean, full)


def test_the_rules_endpoint_serves_what_the_lean_answer_leaves_out_and_may_be_cached(client, evaluator):
    case = Case.model_validate(load_example(EXAMPLES[0])["case"])
    full = evaluator.evaluate(case)
    lean = evaluator.evaluate_lean(case)
    for duty in lean.duties:
        response = client.get(f"/v1/rules/{duty.id}")
        assert response.status_code == 200
        assert "max-age" in response.headers["cache-control"]
        assert response.headers["etag"] == f'"{evaluator.rulebook.digest}"'
        served = response.json()
        shown = next(d for d in full.duties if d.id == duty.id)
        assert served["duty"] == shown.duty.model_dump() and served["basis"] == shown.provision.model_dump()
        again = client.get(f"/v1/rules/{duty.id}", headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304 and not again.content
