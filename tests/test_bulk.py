"""`regelmotor evaluate --jobs N cases.jsonl`: many cases across processes, answers in input order, errors in place."""

import io
import json
import subprocess
import sys

from cli.bulk import evaluate_jsonl
from tests.conftest import EXAMPLES, load_example


def _lines(count: int) -> list[str]:
    """`count` valid cases with ids 'c1'.. and, at fixed places, one line of each kind of error."""
    lines = []
    for index in range(count):
        case = load_example(EXAMPLES[index % len(EXAMPLES)])["case"]
        lines.append(json.dumps({**case, "case_id": f"c{index + 1}"}))
    lines[2] = "{not json"
    lines[4] = json.dumps({"decision_date": "2008-01-01", "income": [{"kind": "wages", "monthly_amount": -5}]})
    lines[6] = json.dumps({"decision_date": "1980-01-01"})
    lines[8] = ""
    lines[10] = json.dumps(load_example(EXAMPLES[0]))  # a scenario file's object is taken as its case
    return lines


def _run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "cli.main", "evaluate", *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


def _check(outputs: list[str], inputs: list[str]) -> None:
    assert len(outputs) == len(inputs)
    for number, (output, given) in enumerate(zip(outputs, inputs, strict=True), start=1):
        answer = json.loads(output)
        if number in (3, 5, 7, 9):
            assert set(answer) == {"line", "error"} and answer["line"] == number
        elif number == 11:
            assert answer["decisions"] and answer["case_id"] == load_example(EXAMPLES[0])["case"].get("case_id")
        else:
            assert answer["case_id"] == json.loads(given)["case_id"]  # input order, one answer per line


def test_answers_come_in_input_order_with_errors_in_place(tmp_path):
    inputs = _lines(150)  # several chunks, so the workers finish out of order
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(inputs) + "\n")
    done = _run("--jobs", "2", str(path))
    assert done.returncode == 1, done.stderr  # some lines are errors
    assert done.stderr == ""  # no progress bar when stderr is not a terminal
    outputs = done.stdout.splitlines()
    _check(outputs, inputs)
    errors = {json.loads(outputs[n - 1])["error"]["type"].rsplit(":", 1)[1] for n in (3, 5, 7, 9)}
    assert errors == {"invalid-json", "invalid-request", "law-not-encoded"}
    invalid = json.loads(outputs[4])["error"]
    assert invalid["errors"] == [{"path": "income.0.monthly_amount",
                                  "message": "Input should be greater than or equal to 0"}]
    assert "-5" not in outputs[4]  # the case's values are never echoed


def test_one_process_gives_the_same_answers_as_several(tmp_path):
    inputs = _lines(40)
    out = io.BytesIO()  # the answers are written as UTF-8 bytes
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(inputs) + "\n")
    assert evaluate_jsonl(str(path), 1, out, io.StringIO()) == 1
    assert "§".encode() in out.getvalue()  # UTF-8, as the service answers, not escaped to ASCII
    one = out.getvalue().decode().splitlines()
    _check(one, inputs)
    several = _run("--jobs", "3", str(path)).stdout.splitlines()

    def essence(line):
        answer = json.loads(line)
        answer.get("receipt", {}).pop("evaluated_at", None)
        return answer

    assert [essence(line) for line in several] == [essence(line) for line in one]


def test_all_answered_is_exit_code_0_and_stdin_works():
    inputs = [json.dumps({**load_example(path)["case"], "case_id": f"s{i}"}) for i, path in enumerate(EXAMPLES[:5])]
    done = _run("--jobs", "2", "-", stdin="\n".join(inputs) + "\n")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["case_id"] for line in done.stdout.splitlines()] == [f"s{i}" for i in range(5)]


def test_unreadable_input_and_bad_flags_are_exit_code_2(tmp_path):
    assert _run("--jobs", "2", str(tmp_path / "missing.jsonl")).returncode == 2
    assert _run("--jobs", "0", str(tmp_path / "x.jsonl")).returncode == 2
    assert _run("--jobs", "2", "--format", "digisos", str(tmp_path / "x.jsonl")).returncode == 2
