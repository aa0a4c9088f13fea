"""The HTTP service in-process (FastAPI's TestClient): contracts, errors, Swagger, logs.

The real server, started as `regelmotor serve`, is tested in test_api_server.py.
"""

import datetime as dt
import json
import logging
import re

import pytest

from api.logs import ACCESS_LOGGER, JsonLinesFormatter
from api.server import add_arguments
from api.settings import Settings
from engine import ENGINE_VERSION
from engine.answer.models import DutyStatus
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run.runtime import DurableEngine
from tests.conftest import EXAMPLES, ROOT, app_client, essence, load_example

PROBLEM = "application/problem+json"
KINDERGARTEN = load_example(ROOT / "examples" / "kindergarten-bill.json")["case"]
CALLER_ID = "4bf92f3577b34da6a3ce929d0e0e4736"  # a caller's correlation id of the service's own form, kept


def _expected(evaluator: Evaluator, case: dict, view: str = "lean") -> dict:
    case = Case.model_validate(case)
    return essence(evaluator.evaluate(case) if view == "full" else evaluator.evaluate_lean(case))


@pytest.fixture(scope="module")
def small(evaluator):
    """A service with tight limits: a 4,000-byte body, three cases per batch."""
    with app_client(evaluator, Settings(max_body_bytes=4000, max_batch_size=3)) as test_client:
        yield test_client


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    assert "Traceback" not in response.text
    return body


# --- evaluations ------------------------------------------------------------------------------------------


def test_health_names_the_engine_and_the_rule_set(client, evaluator):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "engine_version": ENGINE_VERSION,
                                "rulebook_digest": evaluator.rulebook.digest,
                                "rule_files": len(evaluator.rulebook.file_digests)}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_answered_as_the_engine_answers_it(client, evaluator, path):
    case = load_example(path)["case"]
    for query, view in (("", "lean"), ("?view=lean", "lean"), ("?view=full", "full")):
        response = client.post("/v1/evaluations" + query, json=case)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        answer = response.json()
        assert essence(answer) == _expected(evaluator, case, view)
        expected = load_example(path)["expected"]
        assert {d["question"]: d["outcome"] for d in answer["decisions"]} == expected["decisions"]


def test_a_view_the_service_does_not_give_is_a_422_naming_view(client):
    body = _problem(client.post("/v1/evaluations?view=everything", json=KINDERGARTEN), 422)
    assert [error["path"] for error in body["errors"]] == ["view"]
    assert "everything" not in json.dumps(body)


def test_invalid_fields_are_each_listed_with_path_pointer_and_message(client):
    case = {**KINDERGARTEN, "decision_date": "2008-02-30", "national_id": "01010112345",
            "income": [{"kind": "wages", "monthly_amount": 100}, {"kind": "wages", "monthly_amount": -5}],
            "participation": {"consultations": [{"matter": "financial_assistance", "with": "neighbour"}]}}
    body = _problem(client.post("/v1/evaluations", json=case), 422)
    assert body["type"] == "urn:regelmotor:problem:invalid-request"
    by_path = {error["path"]: error for error in body["errors"]}
    # A field the model does not have is not named (its name could be anything): `*`, pointing at its object.
    assert set(by_path) == {"decision_date", "*", "income.1.monthly_amount", "participation.consultations.0.with"}
    assert by_path["income.1.monthly_amount"]["pointer"] == "#/income/1/monthly_amount"
    assert "greater than or equal to 0" in by_path["income.1.monthly_amount"]["message"]
    assert by_path["*"]["pointer"] == "#" and "not permitted" in by_path["*"]["message"]
    assert "01010112345" not in json.dumps(body) and "national_id" not in json.dumps(body)  # nothing echoed


def test_malformed_json_is_a_400_that_says_where(client):
    response = client.post("/v1/evaluations", content=b'{"decision_date":\n  "2008-01-01",,}',
                           headers={"content-type": "application/json"})
    body = _problem(response, 400)
    assert body["type"] == "urn:regelmotor:problem:invalid-json"
    assert "line 2" in body["detail"]
    assert _problem(client.post("/v1/evaluations", content=b"", headers={"content-type": "application/json"}),
                    400)["type"] == "urn:regelmotor:problem:invalid-json"


def test_a_body_not_sent_as_json_is_a_415(client):
    response = client.post("/v1/evaluations", content=json.dumps(KINDERGARTEN).encode(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert _problem(response, 415)["type"] == "urn:regelmotor:problem:unsupported-media-type"


def test_a_date_with_no_encoded_law_is_a_422_naming_decision_date(client):
    body = _problem(client.post("/v1/evaluations", json={"decision_date": "1980-06-01"}), 422)
    assert body["type"] == "urn:regelmotor:problem:law-not-encoded"
    assert [e["path"] for e in body["errors"]] == ["decision_date"]
    assert "1980-06-01" in body["detail"]


def test_a_body_over_the_limit_is_a_413_whether_declared_or_streamed(small):
    big = json.dumps({**KINDERGARTEN, "case_id": "x" * 5000}).encode()
    declared = small.post("/v1/evaluations", content=big, headers={"content-type": "application/json"})
    assert _problem(declared, 413)["type"] == "urn:regelmotor:problem:content-too-large"
    chunks = iter([big[:3000], big[3000:]])  # no Content-Length: counted as it arrives
    streamed = small.post("/v1/evaluations", content=chunks, headers={"content-type": "application/json"})
    assert _problem(streamed, 413)["type"] == "urn:regelmotor:problem:content-too-large"
    assert small.post("/v1/evaluations", json={"decision_date": "2008-03-01"}).status_code == 200


# --- batches ----------------------------------------------------------------------------------------------


def test_a_batch_answers_every_case_in_order_and_a_bad_one_only_fails_itself(client, evaluator):
    good = load_example(EXAMPLES[1])["case"]
    items = [KINDERGARTEN, {"decision_date": "2008-01-01", "income": [{"kind": "salary", "monthly_amount": -1}]}, 42,
             {"decision_date": "1980-06-01"}, good]
    response = client.post("/v1/evaluations/batch", json=items)
    assert response.status_code == 200, response.text
    results = response.json()
    assert [(r["index"], r["status"]) for r in results] == [(0, 200), (1, 422), (2, 422), (3, 422), (4, 200)]
    assert essence(results[0]["evaluation"]) == _expected(evaluator, KINDERGARTEN)
    assert essence(results[4]["evaluation"]) == _expected(evaluator, good)
    assert {e["pointer"] for e in results[1]["problem"]["errors"]} == {"#/1/income/0/kind",
                                                                       "#/1/income/0/monthly_amount"}
    assert results[2]["problem"]["errors"][0]["pointer"] == "#/2"
    assert results[3]["problem"]["type"] == "urn:regelmotor:problem:law-not-encoded"
    no_law = results[3]["problem"]["errors"][0]
    assert no_law == {"path": "decision_date", "pointer": "#/3/decision_date", "message": no_law["message"],
                      "label_nb": "Vedtaksdato",
                      "message_nb": "Vedtaksdatoen 1980-06-01 er før 1993-01-01, den tidligste datoen regelverket "
                                    "dekker."}
    assert all(r["problem"]["correlation_id"] == response.headers["x-correlation-id"] for r in results[1:4])


def test_a_batch_answers_in_the_view_asked_for_as_one_case_would_be(client):
    good = load_example(EXAMPLES[1])["case"]
    for view in ("full", "summary"):
        results = client.post(f"/v1/evaluations/batch?view={view}", json=[KINDERGARTEN, good]).json()
        for result, case in zip(results, (KINDERGARTEN, good), strict=True):
            one = client.post(f"/v1/evaluations?view={view}", json=case).json()
            assert set(result["evaluation"]) == set(one)
            assert result["evaluation"]["decisions"] == one["decisions"]


def test_a_batch_over_its_size_is_a_413_and_a_batch_must_be_a_list(small):
    cases = [{"decision_date": "2008-03-01"}] * 4
    assert _problem(small.post("/v1/evaluations/batch", json=cases), 413)["type"] == \
        "urn:regelmotor:problem:batch-too-large"
    assert len(small.post("/v1/evaluations/batch", json=cases[:3]).json()) == 3
    assert small.post("/v1/evaluations/batch", json=[]).json() == []
    body = _problem(small.post("/v1/evaluations/batch", json={"cases": cases}), 422)
    assert body["errors"][0]["path"] == ""


# --- an engine that fails ---------------------------------------------------------------------------------


def test_an_engine_failure_is_a_500_with_a_correlation_id_and_the_worker_keeps_serving(evaluator, caplog):
    armed = {"fail": False}

    def hook(_record):
        if armed["fail"]:
            raise RuntimeError("injected fault quoting kindergarten-bill")

    failing = Evaluator(rulebook=evaluator.rulebook, engine=DurableEngine(fault_hook=hook))
    with app_client(failing) as test_client:
        before = test_client.post("/v1/evaluations", json=KINDERGARTEN).json()
        armed["fail"] = True
        with caplog.at_level(logging.INFO, logger="regelmotor"):
            response = test_client.post("/v1/evaluations", json=KINDERGARTEN,
                                        headers={"X-Correlation-ID": CALLER_ID})
            batch = test_client.post("/v1/evaluations/batch", json=[KINDERGARTEN, {"decision_date": "x"}]).json()
        body = _problem(response, 500)
        assert body["type"] == "urn:regelmotor:problem:engine-failure"
        assert body["correlation_id"] == CALLER_ID
        assert "injected" not in response.text and "RuntimeError" not in response.text
        assert [(r["index"], r["status"]) for r in batch] == [(0, 500), (1, 422)]
        armed["fail"] = False
        after = test_client.post("/v1/evaluations", json=KINDERGARTEN)
        assert after.status_code == 200
        assert essence(after.json()) == essence(before)
    failures = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "failure"]
    assert [r.fields["correlation_id"] for r in failures][:1] == [CALLER_ID]
    assert all(r.fields["error_type"] == "builtins.RuntimeError" and r.fields["frames"] for r in failures)
    logged = "\n".join(JsonLinesFormatter().format(r) for r in caplog.records)
    assert "injected" not in logged and "kindergarten-bill" not in logged


# --- the rule catalogue -----------------------------------------------------------------------------------


def _considerations(provisions) -> list[str]:
    return [provision.item_id(c.id) for provision in provisions for c in provision.contents.considerations]


def test_the_catalogue_lists_every_rule_duty_and_consideration_and_filters_by_act_and_date(client, evaluator):
    rulebook = evaluator.rulebook
    everything = client.get("/v1/rules").json()
    assert [e["id"] for e in everything] == \
        list(rulebook.rules) + list(rulebook.duties) + _considerations(rulebook.provisions)
    for act in rulebook.acts.values():
        by_id = client.get("/v1/rules", params={"act": act.id}).json()
        assert by_id == client.get("/v1/rules", params={"act": act.slug}).json()
        assert all(act.id in (e["provision"]["act"], e.get("basis", {}).get("act")) for e in by_id)
    ruleset = rulebook.ruleset_on(dt.date(2008, 3, 1))
    in_force = client.get("/v1/rules", params={"in_force_on": "2008-03-01"}).json()
    assert {e["id"] for e in in_force} == \
        {r.id for r in ruleset.rules} | {d.id for d in ruleset.duties} | set(_considerations(ruleset.provisions))
    assert client.get("/v1/rules", params={"in_force_on": "1980-01-01"}).json() == []
    bad = _problem(client.get("/v1/rules", params={"act": "no-such-act", "in_force_on": "2008-13-01"}), 422)
    assert [e["path"] for e in bad["errors"]] == ["in_force_on"] and "pointer" not in bad["errors"][0]
    unknown = _problem(client.get("/v1/rules", params={"act": "no-such-act"}), 422)
    assert unknown["errors"][0]["path"] == "act"


def test_every_rule_duty_and_consideration_has_its_statute_text_validity_and_condition_as_written(client, evaluator):
    for rule in evaluator.rulebook.rules.values():
        detail = client.get(f"/v1/rules/{rule.id}").json()
        assert detail["kind"] == "rule" and detail["id"] == rule.id
        assert detail["condition"] == rule.spec.when
        assert detail["statute"]["nb"] == rule.provision.spec.text.nb
        assert detail["provision"]["valid_from"] == rule.provision.valid.valid_from.isoformat()
        assert detail["basis"]["section"] == rule.spec.basis.section
    for duty in evaluator.rulebook.duties.values():
        detail = client.get(f"/v1/rules/{duty.id}").json()
        assert detail["kind"] == "duty"
        # a choice's options are shown joined by `or`, each as the rule file writes it
        fulfilled = duty.spec.fulfilled_when or " or ".join(f"({o.fulfilled_when})" for o in duty.spec.options)
        assert (detail["applies_when"], detail["fulfilled_when"]) == (duty.spec.applies_when, fulfilled)
    for provision in evaluator.rulebook.provisions:
        for consideration in provision.contents.considerations:
            detail = client.get(f"/v1/rules/{provision.item_id(consideration.id)}").json()
            assert detail["kind"] == "consideration" and detail["when"] == consideration.when
            assert (detail["consideration"]["nb"], detail["source"]) == (consideration.nb, consideration.source)
            assert detail["statute"]["nb"] == provision.spec.text.nb


def test_unknown_rules_paths_and_methods_are_problems(client):
    assert _problem(client.get("/v1/rules/sosialtjenesteloven-1991/5-1/no-such-rule"), 404)["type"] == \
        "urn:regelmotor:problem:unknown-rule"
    assert _problem(client.get("/v2/evaluations"), 404)["type"] == "about:blank"
    response = client.put("/v1/evaluations", json=KINDERGARTEN)
    assert _problem(response, 405)["title"] == "Method Not Allowed"
    assert "POST" in response.headers["allow"]


# --- Swagger ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_paths_are_the_contracts(document):
    assert set(document["paths"]) == {"/v1/evaluations", "/v1/evaluations/batch", "/v1/rules",
                                      "/v1/rules/{rule_id}", "/health", "/v1/digisos/soknad/evaluations",
                                      "/v1/letters", "/v1/parameters"}


def test_swagger_has_one_named_request_example_per_scenario_file(document):
    body = document["paths"]["/v1/evaluations"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == {path.stem for path in EXAMPLES}
    for path in EXAMPLES:
        example = load_example(path)
        assert body["examples"][path.stem]["summary"] == example["expected"]["title_nb"]
        assert body["examples"][path.stem]["description"].startswith(example["expected"]["summary"])
        assert body["examples"][path.stem]["value"] == example["case"]


def test_every_field_of_every_schema_is_documented(document):
    undocumented = [f"{name}.{field}" for name, schema in document["components"]["schemas"].items()
                    for field, spec in schema.get("properties", {}).items() if not spec.get("description")]
    assert undocumented == [], "add description= to these fields (engine/case/model.py, engine/answer/models.py, api/)"


def test_errors_are_documented_as_problem_json_with_examples(document, evaluator):
    assert "HTTPValidationError" not in json.dumps(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["tags"], (path, method)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == [PROBLEM], (path, method, status)
    post = document["paths"]["/v1/evaluations"]["post"]["responses"]
    first = load_example(EXAMPLES[0])
    assert essence(post["200"]["content"]["application/json"]["examples"][EXAMPLES[0].stem]["value"]) == \
        _expected(evaluator, first["case"])
    invalid = post["422"]["content"][PROBLEM]["examples"]["invalid-fields"]["value"]
    assert {e["path"] for e in invalid["errors"]} == {"decision_date", "income.0.monthly_amount"}


def test_the_description_explains_every_outcome_and_duty_status(document, evaluator):
    text = document["info"]["description"]
    for value in [*evaluator.rulebook.outcomes, *DutyStatus]:
        assert f"`{value}`" in text
    assert {tag["name"] for tag in document["tags"]} == {"evaluations", "letters", "rules", "service"}


def test_swagger_ui_is_served(client):
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger-ui" in response.text


# --- logs and correlation ---------------------------------------------------------------------------------


def test_request_logs_are_structured_and_carry_no_case_content(client, caplog):
    case = {**KINDERGARTEN, "case_id": "secret-reference-7",
            "life_situation": {"difficult": True, "kind": "very_private_matter"}}
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        client.post("/v1/evaluations", json=case)
        client.post("/v1/evaluations", json={**case, "income": "not a list"})
        client.get("/v1/rules/sosialtjenesteloven-1991/5-1/secret-reference-7")
    lines = [json.loads(JsonLinesFormatter().format(r)) for r in caplog.records if r.name == ACCESS_LOGGER]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", "/v1/evaluations", 200), ("POST", "/v1/evaluations", 422), ("GET", "/v1/rules/{rule_id:path}", 404)]
    assert all(line["duration_ms"] >= 0 and len(line["correlation_id"]) == 32 for line in lines)
    text = json.dumps(lines)
    assert "secret-reference-7" not in text and "very_private_matter" not in text and "17000" not in text


@pytest.mark.parametrize("sent", ["01010112345 Ola Nordmann", "01010112345", "cms:case-1.try-2", CALLER_ID.upper(),
                                  CALLER_ID + "0", "2b0c1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "x" * 1000])
def test_a_correlation_id_of_the_services_own_form_is_kept_and_anything_else_replaced(client, caplog, sent):
    kept = client.get("/health", headers={"X-Correlation-ID": CALLER_ID})
    assert kept.headers["x-correlation-id"] == CALLER_ID
    with caplog.at_level(logging.INFO, logger="regelmotor"):
        replaced = client.get("/health", headers={"X-Correlation-ID": sent})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-correlation-id"])
    assert replaced.headers["x-correlation-id"] != sent.lower()
    logged = "\n".join(JsonLinesFormatter().format(r) for r in caplog.records)
    assert sent not in logged and "01010112345" not in logged


# --- configuration ----------------------------------------------------------------------------------------


def test_limits_come_from_the_environment_and_bad_values_are_refused():
    settings = Settings.from_env({"REGELMOTOR_MAX_BODY_BYTES": "5000", "REGELMOTOR_MAX_BATCH_SIZE": "7",
                                  "REGELMOTOR_MAX_DIGISOS_BODY_BYTES": "3000", "REGELMOTOR_EXAMPLES_DIR": "/nowhere"})
    assert (settings.max_body_bytes, settings.max_batch_size, settings.max_digisos_body_bytes,
            str(settings.examples_dir)) == (5000, 7, 3000, "/nowhere")
    assert Settings.from_env({}) == Settings()
    for bad in ({"REGELMOTOR_MAX_BODY_BYTES": "1MB"}, {"REGELMOTOR_MAX_BATCH_SIZE": "0"},
                {"REGELMOTOR_MAX_DIGISOS_BODY_BYTES": "-1"}):
        with pytest.raises(ValueError, match="REGELMOTOR_MAX_"):
            Settings.from_env(bad)


def test_a_digisos_application_has_a_lower_body_limit_than_a_case(evaluator):
    settings = Settings(max_body_bytes=20_000, max_digisos_body_bytes=10_000)
    padding = {"case_id": "x" * 15_000}  # 15 KB: over the Digisos limit, under the cases' one
    with app_client(evaluator, settings) as client:
        soknad = client.post("/v1/digisos/soknad/evaluations", json=padding)
        assert soknad.status_code == 413 and "at most 10000 bytes" in soknad.json()["detail"]
        case = client.post("/v1/evaluations", json={**KINDERGARTEN, **padding})
        assert case.status_code == 422 and case.json()["errors"][0]["path"] == "case_id"  # read, then judged
        assert client.post("/v1/evaluations", json={**KINDERGARTEN, "case_id": "x" * 25_000}).status_code == 413


def test_serve_flags_default_to_the_environment_and_win_over_it(monkeypatch):
    import argparse

    def parse(*argv):
        parser = argparse.ArgumentParser()
        add_arguments(parser)
        return parser.parse_args(argv)

    defaults = parse()
    assert (defaults.host, defaults.port, defaults.workers) == ("127.0.0.1", 8000, 1)
    monkeypatch.setenv("REGELMOTOR_HOST", "0.0.0.0")
    monkeypatch.setenv("REGELMOTOR_PORT", "9001")
    monkeypatch.setenv("REGELMOTOR_WORKERS", "4")
    from_env = parse()
    assert (from_env.host, from_env.port, from_env.workers) == ("0.0.0.0", 9001, 4)
    assert parse("--port", "9002", "--workers", "2").port == 9002
    monkeypatch.setenv("REGELMOTOR_PORT", "eighty")
    with pytest.raises(SystemExit):
        parse()


def test_a_service_without_example_files_still_starts(evaluator, tmp_path):
    with app_client(evaluator, Settings(examples_dir=tmp_path)) as test_client:
        document = test_client.get("/openapi.json").json()
        assert "examples" not in document["paths"]["/v1/evaluations"]["post"]["requestBody"]["content"][
            "application/json"]
        assert test_client.post("/v1/evaluations", json=KINDERGARTEN).status_code == 200
