"""The command line, as a user runs it."""

import json
import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT, load_example


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


def test_bad_input_lists_every_error_and_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"decision_date": "2008-02-30", "income": [{"kind": "salary", "monthly_amount": -4321.5}]}')
    done = _run("evaluate", str(bad))
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines[0].endswith("3 invalid fields")
    assert [line.split(":")[1].strip() for line in lines[1:]] == ["decision_date", "income.0.kind",
                                                                  "income.0.monthly_amount"]
    assert "Inntekt nr. 1: Beløp per måned (kr): Må være minst 0." in lines[3]
    assert "4321" not in done.stderr and "salary" not in done.stderr  # the values are never repeated
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert _run("evaluate", str(broken)).returncode == 2
    assert _run("evaluate", str(tmp_path / "missing.json")).returncode == 2
    old = tmp_path / "old.json"
    old.write_text('{"decision_date": "1980-01-01"}')
    done = _run("evaluate", str(old))
    assert done.returncode == 2 and "1980-01-01" in done.stderr


def test_the_command_line_is_exactly_as_strict_as_http(tmp_path, client):
    bodies = {
        "duplicate-key": '{"decision_date": "2008-03-01", "income": [], "income": []}',
        "nan": '{"decision_date": "2008-03-01", "income": [{"kind": "wages", "monthly_amount": NaN}]}',
        "text-for-a-boolean": '{"decision_date": "2008-03-01", "residence": {"lawful_residence": "true"}}',
        "text-for-an-age": '{"decision_date": "2008-03-01", "applicant": {"age": "40"}}',
        "number-for-a-date": '{"decision_date": 1204329600}',
        "unknown-field": '{"decision_date": "2008-03-01", "name": "Kari"}',
    }
    for name, body in bodies.items():
        path = tmp_path / f"{name}.json"
        path.write_text(body)
        done = _run("evaluate", str(path))
        answer = client.post("/v1/evaluations", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code in (400, 422), name
        assert done.returncode == 2 and done.stdout == "", name
        for error in answer.json().get("errors", []):
            assert f"  {error['path']}: {error['message']}" in done.stderr, name


def test_text_prints_the_summary_in_norwegian():
    done = _run("evaluate", "--format", "text", "examples/kindergarten-bill.json")
    assert done.returncode == 0, done.stderr
    assert "sosialtjenesteloven § 18 Stønad til livsopphold: HAR IKKE KRAV" in done.stdout
    assert "sosialtjenesteloven § 19 Stønad i særlige tilfeller: SKJØNN" in done.stdout
    assert "Åpne plikter:" in done.stdout and "overskudd 2\u00a0600\u00a0kr" in done.stdout
    need = done.stdout[done.stdout.index("Behov: Barnehage «kindergarten-november»"):]
    assert need.index("  sosialtjenesteloven § 19 Stønad i særlige tilfeller: SKJØNN") < need.index(
        "  Åpne plikter for behovet:") < need.index("Åpne plikter:")  # the need's duties, then the case's


def test_text_prints_a_limit_and_a_choice():
    done = _run("evaluate", "--format", "text", "examples/substance-user-spent-the-month.json")
    assert "      Avgrensning: Nødhjelp — bare det helt nødvendige her og nå" in done.stdout
    done = _run("evaluate", "--format", "text", "examples/activity-conditions-2017-01-01.json")
    assert "      Oppfylles ved ett av disse:\n        [ ] Et aktivitetsvilkår er satt." in done.stdout


def test_text_prints_what_would_settle_an_undetermined_answer(tmp_path):
    case = load_example(ROOT / "examples" / "savings-not-recorded.json")["case"] | {
        "income": [{"kind": "wages", "monthly_amount": 10_000}]}  # no longer covers the need: the savings decide
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    done = _run("evaluate", "--format", "text", str(tmp_path / "case.json"))
    assert done.returncode == 0, done.stderr
    deposits = "bankinnskudd som ikke er nødvendig for livsoppholdet"
    assert "\n".join(["sosialtjenesteloven § 18 Stønad til livsopphold: UAVKLART", "    Mangler: Formue",
                      "    Slik avhenger utfallet av beløpet:",
                      f"      - har krav hvis {deposits} er høyst 5\u00a0999,99\u00a0kr",
                      f"      - har ikke krav hvis {deposits} er minst 6\u00a0000\u00a0kr"]) in done.stdout


def test_an_example_file_is_checked_against_its_expectations(tmp_path):
    done = _run("evaluate", "examples/kindergarten-bill.json")
    assert done.returncode == 0
    assert "passed — the answer matches the expected 5 outcomes, 9 duties, 3 need outcomes" in done.stderr
    example = load_example(EXAMPLES[0])
    example["expected"]["decisions"] = {question: "undetermined" for question in example["expected"]["decisions"]}
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(example))
    done = _run("evaluate", str(wrong))
    assert done.returncode == 1 and json.loads(done.stdout)["decisions"]  # the answer is still printed
    assert "FAILED" in done.stderr and "expected undetermined, got" in done.stderr


def test_the_expectations_are_checked_on_the_full_evaluation_in_either_view():
    # The lean answer lists the open duties only; the example's fulfilled ones are checked all the same.
    for view in ("lean", "full"):
        done = _run("evaluate", "--view", view, "--engine", "compiled", "examples/kindergarten-bill.json")
        assert done.returncode == 0, done.stderr
        assert ("trace" in json.loads(done.stdout)) == (view == "full")
        assert "passed — the answer matches the expected 5 outcomes, 9 duties" in done.stderr


def test_a_view_is_refused_where_the_answer_is_not_json_in_that_view():
    for form, example in (("text", "examples/kindergarten-bill.json"), ("letter", "examples/kindergarten-bill.json"),
                          ("digisos", "examples/digisos/kindergarten-bill.json")):
        refused = _run("evaluate", "--format", form, "--view", "full", example)
        assert refused.returncode == 2 and refused.stdout == ""
        assert f"--view is for answers as JSON (--format case); --format {form} reads the full" in refused.stderr
    done = _run("evaluate", "--format", "text", "--engine", "compiled", "examples/kindergarten-bill.json")
    assert done.returncode == 0, done.stderr


def test_the_engine_chosen_answers_an_application_too():
    answers = []
    for engine in ("durable", "compiled"):
        done = _run("evaluate", "--format", "digisos", "--engine", engine, "examples/digisos/kindergarten-bill.json")
        assert done.returncode == 0, done.stderr
        evaluation = json.loads(done.stdout)["evaluation"]
        answers.append((evaluation["decisions"], evaluation["duties"], evaluation["needs"]))
    assert answers[0] == answers[1]


def test_rules_lists_the_catalogue():
    done = _run("rules")
    assert done.returncode == 0
    assert "sosialtjenesteloven-1991/5-1/not-self-supporting" in done.stdout


def test_letter_prints_the_draft_and_writes_it_as_a_pdf(tmp_path):
    pdf = tmp_path / "utkast.pdf"
    done = _run("evaluate", "--format", "letter", "--pdf", str(pdf), "examples/kindergarten-bill.json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("UTKAST TIL VEDTAK")
    assert "[FYLLES UT: Kontorets avgjørelse om stønad i særlige tilfeller, etter skjønn]" in done.stdout
    assert pdf.read_bytes().startswith(b"%PDF-")
    for form, example in (("case", "examples/kindergarten-bill.json"),
                          ("digisos", "examples/digisos/kindergarten-bill.json")):
        refused = _run("evaluate", "--format", form, "--pdf", str(pdf), example)
        assert refused.returncode == 2 and "--pdf is for --format letter" in refused.stderr
