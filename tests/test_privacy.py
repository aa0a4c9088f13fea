"""Privacy: no log line and no error message carries case content or personal data.

Cases with recognisable values — odd amounts, a distinctive case id, a client's view naming a person and an
identity number, private situation codes — are sent over HTTP as good requests, invalid ones, non-strict JSON,
oversized bodies and requests on which the engine fails; then every captured log record (in-process, every
logger at DEBUG) and a real server's stderr (`--log-level debug`) are searched for those values, and so is
every error response. A 422 may name the *path* of a bad field (`income.0.monthly_amount`); it never repeats
the *value* that was sent. (A date with no encoded law is named in its problem: a decision date is not personal
data, and the caller needs to see which date was refused.)

The case model itself has no field for an identity number, a name, an address or an account; the field walk
below covers every nested model, and such a field sent anyway is refused without being echoed.
"""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest
import yaml

from api.logs import JsonLinesFormatter
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.law.rulebook import RULES_DIR
from engine.run.runtime import DurableEngine
from tests.conftest import ROOT, app_client, load_example
from tests.live_server import live_server

BASE = load_example(ROOT / "examples" / "kindergarten-bill.json")["case"]
NATIONAL_RATES = yaml.safe_load((RULES_DIR / "parameters" / "national-guideline-rates.yaml").read_text("utf-8"))
# What must never be logged, nor repeated in an error. Amounts also in øre (the engine's unit) and as a
# Norwegian-formatted number.
MARKERS = {
    "case id": "PRIV-7f3a9c-solveig",
    "view": "Solveig Haugland",
    "identity number": "24048512345",
    "situation": "privat_markor_situasjon",
    "right": "markor_ytelse",
    "source": "markor_kilde",
    "provider": "markor_fastlege",
    "income": "12345.67",
    "income in øre": "1234567",
    "asset": "98765.43",
    "expense": "4321.09",
    "request": "7777.77",
    "rate table": "markor-kommune-2024",
    "rate table title": "Markørvik kommune",
    "a category named by an identity number": "fnr_24048512345",
    "a date in other digits": "٢٠٢٤-٠٤-٢٤",
}
CASE = {
    **BASE,
    "case_id": MARKERS["case id"],
    "income": [{"kind": "wages", "monthly_amount": 12345.67}],
    "assets": [{"kind": "bank_deposit", "value": "98765.43", "needed_for_daily_living": False}],
    "expenses": [{"kind": "housing", "monthly_amount": 4321.09}],
    "economic_rights": [{"kind": MARKERS["right"], "status": "pending"}],
    "request": {"acute_need": False, "requested_monthly_amount": 7777.77},
    "life_situation": {"difficult": True, "kind": MARKERS["situation"], "help_could_overcome_or_adapt": True},
    "services": {"needed": [MARKERS["provider"]]},
    "participation": {
        "client_can_take_part": True,
        "client_views": [{"matter": "financial_assistance",
                          "summary": f"{MARKERS['view']} ({MARKERS['identity number']}) vil ha hjelp til husleien"}],
        "information_gathering": [{"source": MARKERS["source"], "how": "with_client"}],
    },
    "rate_table": {
        "id": MARKERS["rate table"], "title": {"nb": MARKERS["rate table title"]}, "unit": "NOK per month",
        **{key: NATIONAL_RATES[key] for key in ("categories", "household")},
        "rows": [{"from": "2002-01-01", "rates": {"single": 5000, "couple": 8000, "sharing": 4000, "child_0_5": 2000,
                  "child_6_10": 2500, "child_11_17": 3000}, "source": "Markørvik kommunestyre"}],
    },
}
IDENTITY_FIELD = re.compile(r"fodsels|fødsels|personnummer|d_?nummer|fnr|national_id|ssn|identity|^name$|"
                            r"first_name|last_name|surname|address|adresse|phone|telefon|email|e_post|account|konto")


def _with_rate_table(case: dict, **changes) -> dict:
    return {**case, "rate_table": {**case["rate_table"], **changes}}


def _requests(case: dict) -> list[tuple[str, str, bytes | None, int]]:
    """(method, path, body, expected status) — good, bad and failing requests, all carrying the markers."""
    text = json.dumps(case)
    wrong_types = {**case, "applicant": {"age": MARKERS["identity number"]},
                   "work": {"can_support_self_through_work": MARKERS["view"]},
                   "household": {"children": [{"age": MARKERS["income"]}]}, "fodselsnummer": MARKERS["identity number"]}
    table = case["rate_table"]
    identity_key = MARKERS["a category named by an identity number"]
    bad_tables = [  # invalid municipal rate tables, each carrying the markers in its id, keys or dates
        _with_rate_table(case, rows=table["rows"] * 2),
        _with_rate_table(case, household={**table["household"], "alone": identity_key}),
        _with_rate_table(case, title={MARKERS["view"]: "x" * 301}),
        _with_rate_table(case, rows=[{**table["rows"][0], "rates": {**table["rows"][0]["rates"], identity_key: -1}}]),
        _with_rate_table(case, rows=[{**table["rows"][0], "from": MARKERS["a date in other digits"]}]),
        {**case, "decision_date": MARKERS["a date in other digits"]},
    ]
    return [
        *[("POST", "/v1/evaluations", json.dumps(bad).encode(), 422) for bad in bad_tables],
        ("POST", "/v1/evaluations", (text[:-1] + f', "{identity_key}": 1, "{identity_key}": 2}}').encode(), 400),
        ("POST", "/v1/evaluations", text.encode(), 200),
        ("POST", "/v1/evaluations/batch", json.dumps([case, wrong_types, {**case, "decision_date": "1980-06-01"}])
         .encode(), 200),
        ("POST", "/v1/evaluations", json.dumps(wrong_types).encode(), 422),
        ("POST", "/v1/evaluations", json.dumps({**case, "decision_date": "2008-02-30"}).encode(), 422),
        ("POST", "/v1/evaluations", json.dumps({**case, "case_id": MARKERS["view"]}).encode(), 422),
        ("POST", "/v1/evaluations", (text[:-1] + f', "case_id": "{MARKERS["case id"]}"}}').encode(), 400),
        ("POST", "/v1/evaluations", text.replace("12345.67", "NaN").encode(), 400),
        ("POST", "/v1/evaluations", text.encode()[:-40], 400),
        ("POST", "/v1/evaluations", text.encode("utf-16"), 400),
        ("POST", "/v1/evaluations", (text[:-1] + ', "padding": "' + "x" * 1_100_000 + '"}').encode(), 413),
        ("GET", f"/v1/rules/{MARKERS['case id']}/{MARKERS['identity number']}", None, 404),
        ("GET", f"/v1/rules?act={MARKERS['view']}&in_force_on={MARKERS['identity number']}", None, 422),
    ]


def _scan(text: str, where: str) -> None:
    found = [name for name, value in MARKERS.items() if value in text]
    assert found == [], f"{where} contains {found}"


def test_the_marked_case_is_a_real_case_that_uses_every_marked_field(evaluator):
    answer = evaluator.evaluate(Case.model_validate(CASE))
    assert answer.case_id == MARKERS["case id"]
    # The rate table was used, so its title reached the answer: the answer may carry case content, logs may not.
    assert MARKERS["rate table title"] in answer.model_dump_json()


def test_logs_and_error_messages_in_process_carry_no_case_content(evaluator, caplog):
    with app_client(evaluator) as client, caplog.at_level(logging.DEBUG):
        for method, path, body, status in _requests(CASE):
            response = client.request(method, path, content=body, headers={"content-type": "application/json"})
            assert response.status_code == status, (path, response.text[:300])
            if status != 200:
                _scan(response.text, f"the {status} answer to {method} {path}")
            elif path.endswith("batch"):
                for item in response.json():
                    if item["status"] != 200:
                        _scan(json.dumps(item["problem"]), f"batch item {item['index']}")
    records = [r for r in caplog.records if r.name.startswith(("regelmotor", "uvicorn", "fastapi", "starlette"))]
    assert any(getattr(r, "fields", {}).get("event") == "request" for r in records)
    _scan("\n".join(JsonLinesFormatter().format(record) for record in records), "the service log")


def test_a_failure_is_logged_without_the_case_or_the_exception_message(evaluator, caplog):
    armed = {"fail": False}  # not while the service starts (it evaluates its Swagger example then)

    def hook(_record):
        if armed["fail"]:
            raise RuntimeError(f"failed on {MARKERS['view']} {MARKERS['identity number']} {MARKERS['income']}")

    failing = Evaluator(rulebook=evaluator.rulebook, engine=DurableEngine(fault_hook=hook))
    with app_client(failing) as client, caplog.at_level(logging.DEBUG):
        armed["fail"] = True
        response = client.post("/v1/evaluations", json=CASE)
        assert response.status_code == 500
        _scan(response.text, "the 500 answer")
        batch = client.post("/v1/evaluations/batch", json=[CASE])
        assert batch.json()[0]["status"] == 500
        _scan(batch.text, "the batch answer")
    failures = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "failure"]
    assert len(failures) == 2
    _scan("\n".join(JsonLinesFormatter().format(record) for record in caplog.records), "the service log")


def test_the_real_servers_stderr_carries_no_case_content_even_at_debug_level(tmp_path):
    with live_server(tmp_path, workers=1, args=("--log-level", "debug")) as server:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            for method, path, body, status in _requests(CASE):
                response = client.request(method, path, content=body, headers={"content-type": "application/json"})
                assert response.status_code == status, (path, response.text[:300])
                assert response.headers.get("x-correlation-id")
        log = server.log_text()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert sum(line.get("event") == "request" for line in lines) >= len(_requests(CASE))
    _scan(log, "the server's stderr")


def test_no_field_of_the_case_model_can_hold_an_identity_number_name_or_address():
    schema = Case.model_json_schema()
    names: set[str] = set()

    def walk(node: dict) -> None:
        names.update(node.get("properties", {}))

    walk(schema)
    for definition in schema["$defs"].values():
        walk(definition)
    assert len(names) > 60, "the walk reached every nested model"
    assert sorted(name for name in names if IDENTITY_FIELD.search(name)) == []
    # Free text — a string without a pattern, a format or a list of values — is where personal data could be
    # typed in. These are the only places; a new one needs a privacy review (and this list updated).
    assert _free_text(schema) == {"ClientView.summary", "Label.en", "Label.nb", "RateRow.source",
                                  "RateTable.title.*", "RateTable.unit"}


def _free_text(schema: dict) -> set[str]:
    def text(node: dict) -> bool:
        branches = [b for b in node.get("anyOf", [node]) if b.get("type") != "null"]
        if any(b.get("type") == "number" for b in branches):
            return False  # an amount: a number, or a string that must be a decimal
        return any(b.get("type") == "string" and not {"pattern", "format", "enum", "$ref"} & set(b) for b in branches)

    def inner(node: dict, key: str) -> list[dict]:
        return [b[key] for b in node.get("anyOf", [node]) if isinstance(b.get(key), dict)]

    found = set()
    for model, definition in schema["$defs"].items():
        for name, child in definition.get("properties", {}).items():
            if text(child):
                found.add(f"{model}.{name}")
            if any(text(items) for items in inner(child, "items")):
                found.add(f"{model}.{name}[]")
            if any(text(values) for values in inner(child, "additionalProperties")):
                found.add(f"{model}.{name}.*")
    return found


@pytest.mark.parametrize("field", ["fodselsnummer", "personnummer", "fnr", "name", "address", "account_number",
                                   f"fnr_{MARKERS['identity number']}"])
def test_an_identity_field_sent_anyway_is_refused_without_its_name_or_value(evaluator, field):
    with app_client(evaluator) as client:
        response = client.post("/v1/evaluations", json={**CASE, field: MARKERS["identity number"]})
        assert response.status_code == 422
        assert [(error["path"], error["pointer"]) for error in response.json()["errors"]] == [("*", "#")]
        assert field not in response.text
        _scan(response.text, "the 422 answer")
