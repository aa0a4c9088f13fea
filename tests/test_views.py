"""The lean answer (the default) and the full one (`?view=full`): the lean answer is the full one cut down, field by
field — every field it has is the full answer's field of that name, with the same value; a field at its default is
left out; and what it names by id (considerations, why a duty is open) stands for exactly the full answer's texts."""

from __future__ import annotations

import pytest
from hypothesis import given

from api.catalogue import Catalogue
from engine.answer import build
from engine.answer.models import LeanDecision, LeanDuty, LeanNeed, LeanReason
from engine.case.model import Case
from engine.evaluate import Evaluator
from tests import strategies as gen
from tests.conftest import EXAMPLES, essence, load_example


def _cut(full: dict, lean_keys: set[str]) -> dict:
    return {key: value for key, value in full.items() if key in lean_keys}


def _compact(values: dict, model) -> dict:
    """`values` as the lean model writes them: a field it leaves out at its default is left out."""
    return {key: value for key, value in values.items()
            if model.model_fields[key].exclude_if is None or value != model.model_fields[key].default}


class _Views:
    """What the lean answer names by id, as the full answer shows it: a consideration by the catalogue's entry
    (GET /v1/rules/{id}), an open duty's reason by the text the answer catalogue writes for it."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.considerations = {item_id: detail for item_id, detail in Catalogue(evaluator.rulebook).details.items()
                               if detail.kind == "consideration"}

    def consideration(self, item_id: str) -> dict:
        detail = self.considerations[item_id]
        return {"id": item_id.rsplit("/", 1)[1], **detail.consideration.model_dump(), "source": detail.source}

    def reason(self, lean: dict, of_need: bool) -> dict:
        """The full answer's `reason` for an open duty, from the lean duty's `open_because`."""
        why = {"applies": build._APPLIES, "blocked": build._BLOCKED}.get(
            lean["open_because"], (tuple(lean.get("missing_facts", ())), not of_need))
        duty = self.evaluator.rulebook.duties[lean["id"]]
        status, reason = self.evaluator.catalogue._status_reason(duty, why)
        assert lean.get("waits_for") == (duty.after if lean["open_because"] == "blocked" else None)
        return reason.model_dump()

    def decision(self, lean: dict, full: dict) -> dict:
        """The full decision as the lean answer has it: no provision block; each reason's basis as its citation;
        the considerations by id (checked against the full answer's)."""
        assert [self.consideration(item_id) for item_id in lean["consideration_ids"]] == full["considerations"]
        reasons = [_compact({**_cut(reason, set(reason) - {"basis"}), "citation": reason["basis"]["citation"]},
                            LeanReason) for reason in full["reasons"]]
        kept = _cut(full, set(full) - {"provision", "considerations"})
        return _compact({**kept, "reasons": reasons, "consideration_ids": lean["consideration_ids"]}, LeanDecision)

    def duties(self, lean: list[dict], full: list[dict], of_need: bool) -> list[dict]:
        """The full answer's open duties, as the lean answer has them (their reasons checked)."""
        open_ = [duty for duty in full if duty["status"] == "open"]
        assert [duty["id"] for duty in lean] == [duty["id"] for duty in open_]
        for shown, duty in zip(lean, open_, strict=True):
            assert self.reason(shown, of_need) == duty["reason"]
        why = {"open_because", "waits_for", "missing_facts"}
        return [_compact({**_cut(duty, {"id", "status"}), **_cut(shown, why)}, LeanDuty)
                for shown, duty in zip(lean, open_, strict=True)]

    def assert_lean_is_full_cut_down(self, lean: dict, full: dict) -> None:
        assert set(lean) == set(full) - {"trace"}
        for key in ("case_id", "decision_date", "law", "warnings"):
            assert lean[key] == full[key]
        assert lean["decisions"] == [self.decision(*pair)
                                     for pair in zip(lean["decisions"], full["decisions"], strict=True)]
        assert lean["duties"] == self.duties(lean["duties"], full["duties"], of_need=False)
        assert lean["needs"] == [_compact({
            "id": need["id"], "kind": need["kind"],
            "decisions": [self.decision(*pair) for pair in zip(shown["decisions"], need["decisions"], strict=True)],
            "duties": self.duties(shown.get("duties", []), need["duties"], of_need=True)}, LeanNeed)
            for shown, need in zip(lean["needs"], full["needs"], strict=True)]
        assert lean["receipt"] == _cut(full["receipt"], {"engine_version", "ruleset_digest"})


def _both(evaluator, case: Case) -> tuple[dict, dict]:
    return essence(evaluator.evaluate_lean(case)), essence(evaluator.evaluate(case))


@pytest.fixture(scope="module")
def views(evaluator) -> _Views:
    return _Views(evaluator)


def test_every_example_answers_alike_in_both_views(evaluator, views):
    for path in EXAMPLES:
        views.assert_lean_is_full_cut_down(*_both(evaluator, Case.model_validate(load_example(path)["case"])))


@given(gen.cases())
def test_generated_cases_answer_alike_in_both_views(evaluator, views, case):
    views.assert_lean_is_full_cut_down(*_both(evaluator, case))


def test_the_lean_answer_is_a_fraction_of_the_full_one(evaluator):
    """What makes the default lean: the rule book's texts and the trace are left out (the sizes are the scenarios',
    in bytes of compact JSON; the full answer repeats every duty's texts and every rule file's digest)."""
    cases = [Case.model_validate(load_example(path)["case"]) for path in EXAMPLES]
    lean = sum(len(evaluator.evaluate_lean(case).model_dump_json()) for case in cases)
    full = sum(len(evaluator.evaluate(case).model_dump_json()) for case in cases)
    assert lean < full / 2, (lean, full)


def test_the_rules_endpoint_serves_what_the_lean_answer_leaves_out_and_may_be_cached(client, evaluator):
    """A duty's texts — what it asks, what fulfils it — and a consideration's, as the full answer shows them."""
    cases = (Case.model_validate(load_example(path)["case"]) for path in EXAMPLES)
    lean, case = next((lean, case) for case in cases if (lean := evaluator.evaluate_lean(case)).duties
                      and any(decision.consideration_ids for decision in lean.decisions))
    full = evaluator.evaluate(case)
    considered = [item_id for decision in lean.decisions for item_id in decision.consideration_ids]
    served = {}
    for item_id in [duty.id for duty in lean.duties] + considered:
        response = client.get(f"/v1/rules/{item_id}")
        assert response.status_code == 200
        assert "max-age" in response.headers["cache-control"]
        assert response.headers["etag"] == f'"{evaluator.rulebook.digest}"'
        served[item_id] = response.json()
        again = client.get(f"/v1/rules/{item_id}", headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304 and not again.content
    for duty in lean.duties:
        shown = next(d for d in full.duties if d.id == duty.id)
        assert served[duty.id]["duty"] == shown.duty.model_dump()
        assert served[duty.id]["fulfil_by"] == shown.fulfil_by.model_dump()
        assert served[duty.id]["basis"] == shown.provision.model_dump()
    shown_considerations = [c.model_dump() for decision in full.decisions for c in decision.considerations]
    assert [{"id": item_id.rsplit("/", 1)[1], **served[item_id]["consideration"], "source": served[item_id]["source"]}
            for item_id in considered] == shown_considerations
