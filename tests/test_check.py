"""`regelmotor check`: passes on the shipped rules, and fails — naming what is wrong — on seeded defects."""

import shutil
import subprocess
import sys

import pytest
import yaml

from engine.law.expressions import parse_condition
from engine.law.rulebook import RULES_DIR
from engine.verify import check


def _run(*args):
    return subprocess.run([sys.executable, "-m", "cli.main", "check", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def rules_copy(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return copy


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _add_rule(rule):
    return lambda data: data["rules"].append({"basis": {"section": data["section"], "ledd": 1},
                                              "because": {"nb": "Sådd feil.", "en": "Seeded defect."}, **rule})


def test_check_passes_on_the_shipped_rules():
    done = _run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout and done.stdout.rstrip().endswith("all checks passed")
    for name in ("load", "facts", "validity", "rules reachable", "outcomes reachable", "conflicts"):
        assert f"ok    {name}:" in done.stdout


def test_a_fact_no_rule_file_names_fails_the_check(monkeypatch):
    from engine.case.facts import VOCABULARY, FactKind, FactSpec

    monkeypatch.setitem(VOCABULARY, "seeded_unused_fact", FactSpec("seeded_unused_fact", FactKind.boolean, ("work",),
                                                                 "a fact no rule reads", lambda case, rates: None))
    report = check.run_checks(RULES_DIR, min_cases=20, max_cases=40, confirm=False)
    facts = next(f for f in report.findings if f.name == "facts")
    assert not facts.ok and facts.details == ["not named by any rule file: seeded_unused_fact"]


def test_a_seeded_conflict_fails_the_check_and_names_both_rules(rules_copy):
    five_one = rules_copy / "sosialtjenesteloven-1991" / "5-1.yaml"
    _edit(five_one, _add_rule({"id": "seeded-conflict", "when": "can_support_self_through_work",
                               "then": {"question": "5-1", "outcome": "entitled"}}))
    done = _run("--rules", str(rules_copy), "--cases", "200")
    assert done.returncode == 1, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if "seeded-conflict" in line and "can-work" in line]
    assert any("sosialtjenesteloven-1991/5-1/seeded-conflict" in line and "sosialtjenesteloven-1991/5-1/can-work"
               in line and "can hold together" in line for line in failed), done.stdout
    assert any("both fired on a generated case" in line for line in failed), done.stdout
    assert "FAIL  conflicts:" in done.stdout


@pytest.mark.parametrize("overrides", [[], ["need-emergency-help"]])
def test_an_exception_must_say_which_rule_it_overrides(rules_copy, overrides):
    five_one = rules_copy / "sosialtjenesteloven-1991" / "5-1.yaml"
    _edit(five_one, _add_rule({"id": "seeded-exception", "when": "immediate_need and can_support_self_through_work",
                               "then": {"question": "5-1", "outcome": "not_entitled", "per": "need"},
                               "overrides": overrides}))
    report = check.run_checks(rules_copy, min_cases=200, max_cases=800, confirm=False)
    conflicts = next(f for f in report.findings if f.name == "conflicts")
    if overrides:
        assert conflicts.ok, conflicts.details
    else:
        assert not conflicts.ok
        assert any("sosialtjenesteloven-1991/5-1/need-emergency-help (entitled) and sosialtjenesteloven-1991/5-1/"
                   "seeded-exception (not_entitled) can hold together" in line for line in conflicts.details)


def test_a_rule_that_can_never_fire_fails_the_check(rules_copy):
    _edit(rules_copy / "sosialtjenesteloven-1991" / "4-3a.yaml", _add_rule({
        "id": "never", "when": "long_term_need and not long_term_need",
        "then": {"question": "4-3a", "outcome": "entitled"}}))
    report = check.run_checks(rules_copy, min_cases=100, max_cases=200, confirm=False)
    assert not report.ok
    reachable = next(f for f in report.findings if f.name == "rules reachable")
    assert any("sosialtjenesteloven-1991/4-3a/never" in line and "cannot hold" in line for line in reachable.details)


def test_a_gap_between_a_provision_and_its_successor_fails_the_check(rules_copy):
    _edit(rules_copy / "sotjl-2009" / "43.yaml", lambda data: data["valid"].update({"from": "2010-02-01"}))
    report = check.run_checks(rules_copy, min_cases=50, max_cases=100, confirm=False)
    validity = next(f for f in report.findings if f.name == "validity")
    assert not validity.ok
    assert any(line.startswith("gap: sosialtjenesteloven-1991/8-5.yaml") and "31 days" in line
               for line in validity.details), validity.details


def test_rule_files_that_do_not_load_fail_the_check(rules_copy):
    _edit(rules_copy / "sosialtjenesteloven-1991" / "8-5.yaml",
          lambda data: data["duties"][0].update({"applies_when": "no_such_fact > 0"}))
    done = _run("--rules", str(rules_copy))
    assert done.returncode == 1 and "FAIL  load:" in done.stdout and "no_such_fact" in done.stdout


# --- the symbolic check on its own ---------------------------------------------------------------------------

OUTCOMES = {"5-1": {"entitled", "not_entitled"}}


@pytest.mark.parametrize("first, second", [
    ("income_total >= kr(100)", "income_total < kr(100)"),
    ("income_total + bank_deposits_not_needed < expenses_total", "income_total >= expenses_total"),
    ("known(income_total)", "not known(income_total)"),
    ("outcome('5-1') == 'entitled'", "outcome('5-1') in ('not_entitled',)"),
    ("individual_plan_consent in ('consented', 'refused')", "individual_plan_consent == 'not_asked'"),
    ("acute_need and not shown(income_total >= kr(10))", "income_total >= kr(10)"),
    ("income_total + bank_deposits_not_needed >= kr(10)", "not shown(income_total >= kr(10) - "
                                                                   "bank_deposits_not_needed)"),
])
def test_conditions_that_cannot_hold_together(first, second):
    assert check.together(parse_condition(first), parse_condition(second), OUTCOMES) is None


@pytest.mark.parametrize("first, second", [
    ("income_total >= kr(100)", "income_total <= kr(100)"),
    ("income_total + bank_deposits_not_needed < expenses_total", "income_total - kr(5) >= kr(0)"),
    ("income_total != expenses_total", "expenses_total == kr(0)"),
    ("not known(income_total)", "acute_need"),
    ("outcome('5-1') != 'entitled'", "individual_plan_consent not in ('consented', 'refused')"),
    # An amount known only in part settles a comparison without being known: "known and covers" is not "shown
    # to cover" (why emergency help under § 5-1 reads `not shown(...)`).
    ("acute_need and not (known(income_total) and income_total >= kr(10))", "income_total >= kr(10)"),
])
def test_conditions_that_can_hold_together_come_with_facts_that_make_both_true(first, second):
    solution = check.together(parse_condition(first), parse_condition(second), OUTCOMES)
    assert solution is not None
    facts, outcomes = solution
    assert all(value >= 0 for value in facts.values() if isinstance(value, int) and not isinstance(value, bool))
