"""The loader refuses rule files with drafting errors; a conflict between rules is reported, never resolved."""

import datetime as dt
import shutil

import pytest
import yaml

from engine.answer.build import ConflictError
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.law.rulebook import RULES_DIR, RuleFileError, load_rulebook

PROVISION = "sosialtjenesteloven-1991/5-1.yaml"


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _edit(rules_dir, relative, change):
    path = rules_dir / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_shipped_rules_load():
    rulebook = load_rulebook()
    assert len(rulebook.rules) >= 10 and len(rulebook.duties) >= 8
    assert rulebook.digest.startswith("sha256:")


@pytest.mark.parametrize("change,message", [
    (lambda d: d["rules"][0].update(when="lawful_residence and no_such_fact"), "unknown fact 'no_such_fact'"),
    (lambda d: d["rules"].append(dict(d["rules"][0])), "duplicate id"),
    # a consideration's id is served by GET /v1/rules/{id} beside the rules' and duties'
    (lambda d: d["considerations"].append(dict(d["considerations"][0])), "duplicate id"),
    (lambda d: d["considerations"][0].update(id=d["rules"][0]["id"]), "duplicate id"),
    (lambda d: d["rules"][0].pop("basis"), "basis"),
    (lambda d: d["rules"][0].update(overrides=["not-a-rule"]), "overrides not-a-rule, which does not exist"),
    (lambda d: d["rules"][0].update(when="__import__('os')"), "not a condition"),
    (lambda d: d["rules"][0].update(then={"question": "5-1", "outcome": "maybe"}), "outcome"),
    (lambda d: d.update(valid={"from": "2009-01-01", "to": "2008-01-01"}), "ends before it starts"),
])
def test_drafting_errors_are_refused(rules_copy, change, message):
    _edit(rules_copy, PROVISION, change)
    with pytest.raises(RuleFileError, match=message):
        load_rulebook(rules_copy)


def test_two_versions_of_a_provision_in_force_together_are_refused(rules_copy):
    shutil.copy(rules_copy / PROVISION, rules_copy / "sosialtjenesteloven-1991/5-1-copy.yaml")
    _edit(rules_copy, "sosialtjenesteloven-1991/5-1-copy.yaml", lambda d: d.update(
        valid={"from": "2009-06-01", "to": "2009-12-31"}, definitions={}, rules=[]))
    with pytest.raises(RuleFileError, match="both in force"):
        load_rulebook(rules_copy)


def test_asking_for_an_outcome_no_provision_answers_is_refused(rules_copy):
    _edit(rules_copy, "sosialtjenesteloven-1991/5-2.yaml",
          lambda d: d["rules"][1].update(when='outcome("9-9") == "entitled"'))
    rulebook = load_rulebook(rules_copy)
    with pytest.raises(RuleFileError, match="9-9"):
        rulebook.ruleset_on(dt.date(2008, 1, 1))


def test_a_conflict_between_two_rules_is_an_error_not_a_choice(rules_copy):
    def contradict(data):
        data["rules"].append({**data["rules"][0], "id": "contradiction", "when": "lawful_residence",
                              "then": {"question": "5-1", "outcome": "not_entitled"}})
    _edit(rules_copy, PROVISION, contradict)
    evaluator = Evaluator(load_rulebook(rules_copy))
    case = Case.model_validate({
        "decision_date": "2008-01-01", "residence": {"lawful_residence": True},
        "work": {"can_support_self_through_work": False}, "income": [], "assets": [], "expenses": [],
        "economic_rights": [],
        "household": {"has_spouse_or_cohabitant": False, "shares_home_with_other_adults": False, "children": []}})
    with pytest.raises(ConflictError, match="5-1"):
        evaluator.evaluate(case)


CHOICE = "sotjl-2009/20a.yaml"


@pytest.mark.parametrize("relative,change,message", [
    (CHOICE, lambda d: d["duties"][0].update(fulfilled_when="weighty_reasons_recorded"), "either fulfilled_when or"),
    (CHOICE, lambda d: d["duties"][0]["options"].pop(), "two options or more"),
    ("sosialtjenesteloven-1991/8-4.yaml", lambda d: d["duties"][1].update(after="no-such-duty"),
     "after names no-such-duty"),
    ("sosialtjenesteloven-1991/8-5.yaml", lambda d: d["text"].pop("not_verified"), "must say what could not be"),
    ("sotjl-2009/28.yaml", lambda d: d["same_rules_as"].update(provision="sosialtjenesteloven-1991/4-3a@2001-01-01"),
     "not a rule file"),
])
def test_drafting_errors_in_duties_and_texts_are_refused(rules_copy, relative, change, message):
    _edit(rules_copy, relative, change)
    with pytest.raises(RuleFileError, match=message):
        load_rulebook(rules_copy)


def test_a_later_version_shares_the_rules_of_the_earlier_one_and_replaces_what_it_redefines():
    rulebook = load_rulebook()
    path = "sosialtjenesteloven-1991/4-3a-from-2007-11-01.yaml"
    later = {r.id for r in rulebook.rules.values() if r.provision.path == path}
    assert later == {"sosialtjenesteloven-1991/4-3a@2007-11-01/" + name
                     for name in ("long-term-and-coordinated", "qualification-programme", "criteria-not-met")}
    coordinator = rulebook.duties["sotjl-2009/28@2010-11-19/appoint-coordinator"]
    assert coordinator.spec.basis.act == "FOR-2010-11-19-1462"
