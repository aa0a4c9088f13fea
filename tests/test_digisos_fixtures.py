"""Every application NAV ships — generated examples and schema fixtures — through the service, the HTTP route
and the command line: the valid ones evaluate and every event they give validates; the invalid ones are refused
with the violation named."""

import copy
import datetime as dt
import json
import subprocess
import sys

import pytest

from cli.main import main
from digisos.events import AVSENDER
from digisos.schema import digisos_violations
from digisos.service import evaluate_soknad
from tests.digisos_data import examples, fragments, invalid, load, realistic, whole_applications, with_fragment

DAY = dt.date(2026, 11, 2)
PATH = "/v1/digisos/soknad/evaluations"

VALID = [(p.name, load(p)) for p in examples()] + [(p.name, load(p)) for p in realistic()] + \
    [(p.name, load(p)) for p in whole_applications() if not invalid(p)] + \
    [(f"{p.parent.name}/{p.name}", with_fragment(load(p), place)) for p, place in fragments() if not invalid(p)]
INVALID = [(p.name, load(p), ()) for p in whole_applications() if invalid(p)] + \
    [(f"{p.parent.name}/{p.name}", with_fragment(load(p), place), place) for p, place in fragments() if invalid(p)]


def test_the_fixture_lists_are_what_nav_ships():
    assert len(examples()) == 20  # examples/1..19.json and scripts/random_generated_soknad.json
    assert len(VALID) == 20 + 3 + 1 + 25  # examples, NAV's whole applications, minimal.json, valid fragments
    assert len(INVALID) == 1 + 19  # feil-minimal-mangler-version.json, invalid fragments in place


@pytest.mark.parametrize(("name", "document"), VALID, ids=[name for name, _ in VALID])
def test_every_valid_application_evaluates_and_every_event_validates(evaluator, name, document):
    answer = evaluate_soknad(document, evaluator, DAY)
    assert answer.evaluation.decision_date == DAY
    assert [d.question for d in answer.evaluation.decisions] == ["18", "19", "2", "21", "28"]
    events = [candidate.event for candidate in answer.candidate_events]
    assert {"saksStatus"} <= {event["type"] for event in events}
    assert digisos_violations({"version": "1.0.0", "avsender": AVSENDER, "hendelser": events}) == []
    assert answer.mapping.soknad_schema.layout == ("older" if isinstance(document["driftsinformasjon"], str)
                                                   else "current")


@pytest.mark.parametrize(("name", "document", "place"), INVALID, ids=[name for name, _, _ in INVALID])
def test_every_invalid_application_is_a_422_naming_the_violation(client, name, document, place):
    response = client.post(PATH, json=document, params={"decision_date": DAY.isoformat()})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:regelmotor:problem:invalid-request"
    assert "JsonSoknad schema" in problem["detail"]
    assert problem["errors"]
    for error in problem["errors"]:
        assert tuple(error["path"].split(".")[:len(place)]) == tuple(str(p) for p in place) or place == ()
        assert error["pointer"].startswith("#")
        assert "(schema: " in error["message"] and ".json#/" in error["message"]


@pytest.mark.parametrize(("name", "document", "place"), INVALID, ids=[name for name, _, _ in INVALID])
def test_every_invalid_application_is_exit_code_2_on_the_command_line(tmp_path, capsys, name, document, place):
    file = tmp_path / "soknad.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    assert main(["evaluate", "--format", "digisos", str(file), "--decision-date", DAY.isoformat()]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.strip().splitlines()
    assert "breaks the JsonSoknad schema" in line and "(schema: " in line
    assert ".".join(str(p) for p in place) in line


def test_the_command_line_as_a_user_runs_it(tmp_path):
    file = tmp_path / "soknad.json"
    file.write_text(json.dumps(VALID[0][1]), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cli.main", "evaluate", "--format", "digisos", str(file),
                           "--decision-date", "2026-11-02"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"evaluation", "mapping", "candidate_events"}
    assert answer["mapping"]["decision_date"] == {"value": "2026-11-02", "source": "request",
                                                  "note": answer["mapping"]["decision_date"]["note"]}


def test_the_command_line_refuses_a_bad_date_and_a_date_with_no_law(tmp_path, capsys):
    file = tmp_path / "soknad.json"
    file.write_text(json.dumps(VALID[0][1]), encoding="utf-8")
    for bad in ("2026-02-30", "20261102", "2026-W45-1", "٢٠٢٦-١١-٠٢"):
        assert main(["evaluate", "--format", "digisos", str(file), "--decision-date", bad]) == 2
        assert "--decision-date must be a date" in capsys.readouterr().err
    assert main(["evaluate", "--format", "digisos", str(file), "--decision-date", "1980-01-01"]) == 2
    assert "1993-01-01" in capsys.readouterr().err
    assert main(["evaluate", str(file), "--decision-date", "2026-01-01"]) == 2
    assert "--format digisos" in capsys.readouterr().err
    for content, message in ((b"{", "is not valid JSON"), (b"\xff\xfe", "is not UTF-8")):
        file.write_bytes(content)
        assert main(["evaluate", "--format", "digisos", str(file)]) == 2
        assert message in capsys.readouterr().err
    assert main(["evaluate", "--format", "digisos", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_route_answers_evaluation_mapping_and_events(client):
    response = client.post(PATH, json=VALID[0][1], params={"decision_date": "2026-11-02"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"evaluation", "mapping", "candidate_events"}
    assert answer["mapping"]["decision_date"]["source"] == "request"


def test_without_a_decision_date_the_route_uses_today_and_says_so(client):
    answer = client.post(PATH, json=VALID[0][1]).json()
    assert answer["evaluation"]["decision_date"] == dt.date.today().isoformat()
    assert answer["mapping"]["decision_date"]["source"] == "today"
    assert "today" in answer["mapping"]["decision_date"]["note"]


def test_the_route_refuses_a_date_with_no_law_naming_the_parameter(client):
    response = client.post(PATH, json=VALID[0][1], params={"decision_date": "1980-01-01"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:regelmotor:problem:law-not-encoded"
    assert [e["path"] for e in problem["errors"]] == ["decision_date"]
    assert "pointer" not in problem["errors"][0]  # a query parameter is not in the body


@pytest.mark.parametrize("query", ["decision_date=1204329600", "decision_date=20261102", "decision_date=2026-W45-1",
                                   "decision_date=٢٠٢٦-١١-٠٢", "decision_date=2026-11-02&decision_date=2026-11-03",
                                   "decision_date=2026-11-02&decision_date=2026-11-02"])
def test_the_route_takes_one_decision_date_written_yyyy_mm_dd(client, query):
    response = client.post(f"{PATH}?{query}", json=VALID[0][1])
    assert response.status_code == 422, response.text[:300]
    problem = response.json()
    assert problem["type"] == "urn:regelmotor:problem:invalid-request"
    assert [e["path"] for e in problem["errors"]] == ["decision_date"]
    for sent in ("1204329600", "20261102", "W45", "٢٠٢٦"):
        assert sent not in response.text


def test_an_amount_with_more_digits_than_a_double_holds_is_a_422_naming_where(client):
    document = copy.deepcopy(VALID[0][1])
    document["data"]["okonomi"]["oversikt"]["utgift"] = [{"kilde": "bruker", "type": "husleie", "tittel": "Husleie",
                                                        "belop": 123456}]
    body = json.dumps(document).replace("123456", "8000.0000000000000000001")
    response = client.post(PATH, content=body, headers={"content-type": "application/json"},
                           params={"decision_date": "2026-11-02"})
    assert response.status_code == 422, response.text[:300]
    assert [(e["path"], e["pointer"]) for e in response.json()["errors"]] == [
        ("data.okonomi.oversikt.utgift.0.belop", "#/data/okonomi/oversikt/utgift/0/belop")]


def test_a_body_that_is_not_an_object_is_a_422(client):
    response = client.post(PATH, json=[VALID[0][1]])
    assert response.status_code == 422
    assert response.json()["type"] == "urn:regelmotor:problem:invalid-request"


def test_swagger_documents_the_route_with_the_scenarios(client):
    operation = client.get("/openapi.json").json()["paths"][PATH]["post"]
    examples_named = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"kindergarten-bill", "missing-income-information", "substance-user-spent-the-month",
            "young-adult-emergency"} <= set(examples_named)
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert any(p["name"] == "decision_date" and p["in"] == "query" for p in operation["parameters"])
