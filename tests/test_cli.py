"""The command line, as a user runs it."""

import json
import subprocess
import sys

from tests.conftest import EXAMPLES, load_example


def _run(*args):
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, timeout=120)


def test_evaluate_prints_an_evaluation_that_matches_the_example():
    path = EXAMPLES[0]
    expected = load_example(path)["expected"]
    done = _run("evaluate", "--view", "full", str(path))
    assert done.returncode == 0, done.stderr
    evaluation = json.loads(done.stdout)
    assert {d["question"]: d["outcome"] for d in evaluation["decisions"]} == expected["decisions"]
    assert {d["id"]: d["status"] for d in evaluation["duties"]} == expected["duties"]
    assert set(evaluation) == {"case_id", "decision_date", "law", "decisions", "needs", "duties", "warnings",
                               "trace", "receipt"}
    done = _run("evaluate", str(path))  # lean by default: the open duties only, no trace
    assert done.returncode == 0, done.stderr
    lean = json.loads(done.stdout)
    assert {d["question"]: d["outcome"] for d in lean["decisions"]} == expected["decisions"]
    assert {d["id"]: d["status"] for d in lean["duties"]} == {
        duty: status for duty, status in expected["duties"].items() if status == "open"}
    assert set(lean) == {"case_id", "decision_date", "law", "decisions", "needs", "duties", "warnings", "receipt"}


def test_a_case_that_gives_no_facts_at_all_is_answered(tmp_path):
    # A fresh process whose first session matches no rule: durable-rules used to crash deleting it.
    empty = tmp_path / "empty.json"
    empty.write_text('{"decision_date": "2008-01-01"}')
    done = _run("evaluate", str(empty))
    assert done.returncode == 0, done.stderr
    assert {d["outcome"] for d in json.loads(done.stdout)["decisions"]} == {"undetermined"}


def test_bad_input_gives_one_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"decision_date": "2008-01-01", "income": [{"kind": "wages", "monthly_amount": -5}]}')
    done = _run("evaluate", str(bad))
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
    assert "income.0.monthly_amount" in done.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert _run("evaluate", str(broken)).returncode == 2
    assert _run("evaluate", str(tmp_path / "missing.json")).returncode == 2
    old = tmp_path / "old.json"
    old.write_text('{"decision_date": "1980-01-01"}')
    done = _run("evaluate", str(old))
    assert done.returncode == 2 and "1980-01-01" in done.stderr


def test_rules_lists_the_catalogue():
    done = _run("rules")
    assert done.returncode == 0
    assert "sosialtjenesteloven-1991/5-1/not-self-supporting" in done.stdout
