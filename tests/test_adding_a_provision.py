"""docs/rules.md#adding-a-provision, done for real in a temporary copy of rules/.

1. A provision with a new outcome on facts the engine already reads needs YAML only: outcomes.yaml, the provision
   file, its cases file. The loader, the engine, the answer, the catalogue and `check` take it as it is.
2. A provision on a new fact needs the fact vocabulary besides YAML (and the case model, when the fact reads a
   field the case does not have yet).
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from api.catalogue import Catalogue
from engine.case.facts import VOCABULARY, FactKind, FactSpec
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.law.rulebook import RULES_DIR, load_rulebook
from engine.verify import check

DEFERRED = {"id": "deferred", "nb": "utsatt", "en": "deferred",
            "description": "The decision is deferred until the applicant has tried the work offered."}
BECAUSE = {"nb": "Prøvebestemmelse.", "en": "A test provision."}


def _provision(section: str, outcomes: list[str], rules: list[dict]) -> dict:
    return {"act": "LOV-2009-12-18-131", "section": section, "title": {"nb": "Prøve", "en": "Test"},
            "question": section, "valid": {"from": "2010-01-01"},
            "text": {"status": "unverified", "source": "a test of the walkthrough", "nb": "Prøvetekst.",
                     "not_verified": "an invented section: there is nothing to verify"},
            "outcomes": outcomes,
            "rules": [{"basis": {"section": section, "ledd": 1}, "because": BECAUSE, **rule} for rule in rules]}


@pytest.fixture
def rules_copy(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return copy


def _write(path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_provision_with_a_new_outcome_on_existing_facts_needs_only_yaml(rules_copy):
    outcomes = yaml.safe_load((rules_copy / "outcomes.yaml").read_text(encoding="utf-8"))
    _write(rules_copy / "outcomes.yaml", outcomes + [DEFERRED])
    _write(rules_copy / "sotjl-2009" / "99.yaml", _provision("99", ["deferred", "not_applicable"], [
        {"id": "work-first", "when": "can_support_self_through_work and acute_need",
         "then": {"question": "99", "outcome": "deferred"}},
        {"id": "no-deferral", "when": "not (can_support_self_through_work and acute_need)",
         "then": {"question": "99", "outcome": "not_applicable"}}]))
    rulebook = load_rulebook(rules_copy)
    evaluator = Evaluator(rulebook=rulebook)
    case = Case.model_validate({"decision_date": "2024-05-02", "work": {"can_support_self_through_work": True},
                                "request": {"acute_need": True}})
    decision = next(d for d in evaluator.evaluate(case).decisions if d.question == "99")
    assert (decision.outcome, [r.rule_id for r in decision.reasons]) == ("deferred", ["sotjl-2009/99/work-first"])
    assert "sotjl-2009/99/work-first" in {entry.id for entry in Catalogue(rulebook).entries()}
    report = check.run_checks(rules_copy, min_cases=300, max_cases=1200, confirm=True)
    assert report.ok, report.text()


def test_a_provision_on_a_new_fact_needs_the_fact_vocabulary_besides_yaml(rules_copy, monkeypatch):
    monkeypatch.setitem(VOCABULARY, "children_count", FactSpec(
        "children_count", FactKind.count, ("household.children",), "children in the household",
        lambda case, _rates: None if case.household is None or case.household.children is None
        else len(case.household.children)))
    _write(rules_copy / "sotjl-2009" / "98.yaml", _provision("98", ["entitled", "not_entitled"], [
        {"id": "large-family", "when": "children_count >= 3", "then": {"question": "98", "outcome": "entitled"}},
        {"id": "small-family", "when": "children_count < 3", "then": {"question": "98", "outcome": "not_entitled"}}]))
    evaluator = Evaluator(rulebook=load_rulebook(rules_copy))
    three = Case.model_validate({"decision_date": "2024-05-02", "household": {"children": [{"age": 1}] * 3}})
    unknown = Case.model_validate({"decision_date": "2024-05-02"})
    answers = {name: next(d for d in evaluator.evaluate(case).decisions if d.question == "98")
               for name, case in (("three", three), ("unknown", unknown))}
    assert answers["three"].outcome == "entitled"
    assert (answers["unknown"].outcome, answers["unknown"].missing_facts) == ("undetermined", ["household.children"])
