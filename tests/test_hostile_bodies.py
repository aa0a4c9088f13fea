"""Hostile request bodies: each gets its documented 4xx, and the next request is answered correctly.

In-process (FastAPI's TestClient) for the whole catalogue of bad bodies; then the worst of them against the real
server (`regelmotor serve --workers 2`), where the same worker processes must still be serving afterwards —
none died and was replaced.

Documented answers (docs/http.md "Errors", SECURITY.md): 400 malformed or non-strict JSON (duplicate keys, NaN and
infinities as bare literals, nesting deeper than 32 levels, text that is not UTF-8, integers past 4300 digits,
no body); 413 a body over the limit (declared or streamed) or a batch over the limit; 415 not sent as JSON;
422 a field with the wrong type or value, each with its path — never with the value that was sent.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
from typing import Any

import httpx
import pytest

from api import strict_json
from api.errors import MAX_FIELD_ERRORS
from api.settings import Settings
from api.strict_json import MAX_CONTAINERS, MAX_DEPTH, MAX_VALUES
from engine.case.model import Case
from engine.evaluate import Evaluator
from tests.conftest import EXAMPLES, ROOT, essence, load_example
from tests.live_server import live_server

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}
KINDERGARTEN = load_example(ROOT / "examples" / "kindergarten-bill.json")["case"]
TEN_MB = 10 * 1024 * 1024

# Recognisable values that could be personal data: no answer to a bad request and no log line may contain them.
MARK_TEXT = "Kari Nordmann 01017012345"
MARK_NUMBER = 987654.321
MARKS = ("Kari Nordmann", "01017012345", "987654.321", "987654")


@pytest.fixture(scope="module")
def expected(evaluator: Evaluator) -> dict:
    return essence(evaluator.evaluate_lean(Case.model_validate(KINDERGARTEN)))


def _problem(response, status: int, kind: str | None = None) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["correlation_id"] == response.headers["x-correlation-id"]
    if kind is not None:
        assert body["type"] == f"urn:regelmotor:problem:{kind}", body
    for mark in MARKS:
        assert mark not in response.text, f"the problem echoes {mark!r}"
    assert "Traceback" not in response.text
    return body


def _still_serving(client, expected: dict) -> None:
    """The request after a hostile one: answered, and answered correctly."""
    response = client.post("/v1/evaluations", json=KINDERGARTEN)
    assert response.status_code == 200, response.text[:500]
    assert essence(response.json()) == expected


def _post(client, body: bytes | str, path: str = "/v1/evaluations", headers: dict | None = None):
    content = body.encode("utf-8") if isinstance(body, str) else body
    return client.post(path, content=content, headers=JSON if headers is None else headers)


# --- malformed and non-strict JSON: 400 ------------------------------------------------------------------

NESTED_ARRAYS = "[" * 4_000 + "]" * 4_000  # fewer objects and arrays than MAX_CONTAINERS: parsed, then too deep
NESTED_OBJECTS = '{"a":' * 4_000 + "1" + "}" * 4_000
JUST_TOO_DEEP = '{"decision_date": "2008-03-01", "household": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"

BAD_JSON = {
    "nested 4,000 arrays deep": NESTED_ARRAYS,
    "nested 4,000 objects deep": NESTED_OBJECTS,
    f"nested {MAX_DEPTH + 1} levels deep": JUST_TOO_DEEP,
    "a duplicate key at the top": '{"decision_date": "2008-03-01", "decision_date": "2009-03-01"}',
    "a duplicate key inside": '{"decision_date": "2008-03-01", "work": {"can_support_self_through_work": true, '
                              '"can_support_self_through_work": false}}',
    "a duplicate client key": '{"decision_date": "2008-03-01", "Kari Nordmann 01017012345": 1, '
                              '"Kari Nordmann 01017012345": 2}',
    "NaN": '{"decision_date": "2008-03-01", "income": [{"kind": "wages", "monthly_amount": NaN}]}',
    "Infinity": '{"decision_date": "2008-03-01", "income": [{"kind": "wages", "monthly_amount": Infinity}]}',
    "-Infinity": '{"decision_date": "2008-03-01", "applicant": {"age": -Infinity}}',
    "a number too large for a double": '{"decision_date": "2008-03-01", "income": [{"kind": "wages", '
                                       '"monthly_amount": 1e999}]}',
    "a negative one": '{"decision_date": "2008-03-01", "assets": [{"kind": "home", "value": -1.5e400}]}',
    "an integer of 5,000 digits": '{"decision_date": "2008-03-01", "applicant": {"age": ' + "9" * 5000 + "}}",
    "a lone surrogate": '{"decision_date": "2008-03-01", "participation": {"client_views": [{"matter": '
                        '"financial_assistance", "summary": "\\ud800 Kari Nordmann"}]}}',
    "a trailing comma": '{"decision_date": "2008-03-01",}',
    "two documents": '{"decision_date": "2008-03-01"} {"decision_date": "2008-03-01"}',
    "a single-quoted string": "{'decision_date': '2008-03-01'}",
    "only whitespace": "   \n ",
    "a byte-order mark": "\ufeff" + json.dumps(KINDERGARTEN),
}
NOT_UTF8 = {
    "Latin-1": '{"decision_date": "2008-03-01", "case_id": "Kari Nordmann 01017012345 æøå"}'.encode("latin-1"),
    "UTF-16": json.dumps(KINDERGARTEN).encode("utf-16"),
    "UTF-32": json.dumps(KINDERGARTEN).encode("utf-32"),
    "an invalid byte": b'{"decision_date": "2008-03-01", "case_id": "\xff\xfe"}',
    "a truncated sequence": b'{"decision_date": "2008-03-01", "case_id": "\xe2\x82"}',
}


@pytest.mark.parametrize("body", list(BAD_JSON.values()), ids=list(BAD_JSON))
@pytest.mark.parametrize("path", ["/v1/evaluations", "/v1/evaluations/batch"])
def test_malformed_or_lenient_json_is_a_400(client, expected, body, path):
    if path.endswith("batch") and body.lstrip("\ufeff").startswith("{"):
        body = "[" + body + "]"
    _problem(_post(client, body, path), 400, "invalid-json")
    _still_serving(client, expected)


@pytest.mark.parametrize("body", list(NOT_UTF8.values()), ids=list(NOT_UTF8))
def test_a_body_that_is_not_utf8_is_a_400(client, expected, body):
    problem = _problem(_post(client, body), 400, "invalid-json")
    assert "UTF-8" in problem["detail"] or "line" in problem["detail"]
    _still_serving(client, expected)


def test_a_duplicate_key_is_named_only_when_it_is_a_field_name(client):
    named = _problem(_post(client, BAD_JSON["a duplicate key inside"]), 400)
    assert '"can_support_self_through_work" twice' in named["detail"]
    unnamed = _problem(_post(client, BAD_JSON["a duplicate client key"]), 400)
    assert "a key twice" in unnamed["detail"]
    like_a_field = _problem(_post(client, '{"decision_date": "2008-03-01", "fnr_24057412345": 1, '
                                          '"fnr_24057412345": 2}'), 400)
    assert "a key twice" in like_a_field["detail"] and "24057412345" not in json.dumps(like_a_field)


@pytest.mark.parametrize("escaped", ["\\u0022:", "\\\" :", "\\\"\\u003a", "\\\"\\u0020:"])
def test_a_duplicate_key_is_found_whatever_a_string_beside_it_holds(client, escaped):
    """A case is read in one pass by pydantic, which keeps the last of two equal keys; the duplicate is found by
    counting keys, and a free text kept (a rate table's unit), written to look like one more key, must not make up
    for the key dropped."""
    case = load_example(ROOT / "examples" / "municipal-rate-table.json")["case"]
    unit = json.dumps(case["rate_table"]["unit"])
    body = json.dumps(case).replace(f'"unit": {unit}', f'"unit": "a", "unit": {unit[:-1]}{escaped}"', 1)
    assert body != json.dumps(case)
    assert "twice" in _problem(_post(client, body), 400)["detail"]


def test_an_ordinary_case_is_parsed_once(client, monkeypatch):
    """Python's strict reading runs only where pydantic's one pass could read the body otherwise (api/strict_json.py):
    never for the scenarios, escaped or not."""
    strict_readings = []
    monkeypatch.setattr(strict_json, "loads", lambda body: strict_readings.append(body))
    for path in EXAMPLES:
        case = load_example(path)["case"]
        for body in (json.dumps(case), json.dumps(case, ensure_ascii=False, indent=2)):
            assert _post(client, body).status_code == 200
    assert strict_readings == []


INEXACT = "1.0000000000000000000001"  # a double holds about 16 digits: Python reads this as 1.0


@pytest.mark.parametrize(("path", "body", "where"), [
    ("/v1/evaluations", f'{{"decision_date": "2008-03-01", "income": [{{"kind": "wages", "monthly_amount": '
                        f'{INEXACT}}}]}}', ("income.0.monthly_amount", "#/income/0/monthly_amount")),
    ("/v1/evaluations", '{"decision_date": "2008-03-01", "assets": [{"kind": "home", "value": 1e-400}]}',
     ("assets.0.value", "#/assets/0/value")),
    ("/v1/evaluations/batch", f'[{{"decision_date": "2008-03-01"}}, {{"decision_date": "2008-03-01", '
                              f'"rate_table": {{"rows": [{{"rates": {{"fnr_24057412345": {INEXACT}}}}}]}}}}]',
     ("1.rate_table.rows.0.rates.*", "#/1/rate_table/rows/0/rates")),
])
def test_a_number_with_more_digits_than_a_double_holds_is_a_422_naming_where(client, expected, path, body, where):
    problem = _problem(_post(client, body, path), 422, "invalid-request")
    assert [(e["path"], e["pointer"]) for e in problem["errors"]] == [where]
    assert "more significant digits" in problem["errors"][0]["message"] and "24057412345" not in json.dumps(problem)
    _still_serving(client, expected)


@pytest.mark.parametrize("number", ["1.50", "0.1", "1e2", "123456789.12", "9999999999.99", "-0.0", "5e-324"])
def test_a_number_a_double_holds_as_written_is_read(client, number):
    body = f'{{"decision_date": "2008-03-01", "request": {{"requested_monthly_amount": {number}}}}}'
    response = _post(client, body)
    assert response.status_code in (200, 422), response.text
    assert all("more significant digits" not in e["message"] for e in response.json().get("errors", []))


def test_nesting_up_to_the_limit_is_parsed_and_then_judged_by_the_case_model(client, expected):
    deep_enough = '{"decision_date": "2008-03-01", "household": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert [e["path"] for e in _problem(_post(client, deep_enough), 422)["errors"]] == ["household"]
    _still_serving(client, expected)


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b'"2008-03-01"', b"2008"], ids=repr)
def test_an_empty_or_non_object_body_is_refused(client, expected, body):
    response = _post(client, body)
    if body:
        assert [e["path"] for e in _problem(response, 422, "invalid-request")["errors"]] == [""]
    else:
        assert "no body" in _problem(response, 400, "invalid-json")["detail"]
    _still_serving(client, expected)


# --- sizes: 413 ---------------------------------------------------------------------------------------------


def test_a_10_mb_body_is_a_413_declared_or_streamed(client, expected):
    body = json.dumps({**KINDERGARTEN, "case_id": "x" * TEN_MB}).encode()
    _problem(_post(client, body), 413, "content-too-large")
    _problem(client.post("/v1/evaluations", content=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                         headers=JSON), 413, "content-too-large")
    _problem(_post(client, body, "/v1/evaluations/batch"), 413, "content-too-large")
    _still_serving(client, expected)


def test_a_batch_over_the_limit_is_a_413_and_one_at_the_limit_is_answered(client, expected):
    limit = Settings().max_batch_size
    over = [{"decision_date": "2008-03-01"}] * (limit + 1)
    assert str(limit) in _problem(client.post("/v1/evaluations/batch", json=over), 413, "batch-too-large")["detail"]
    at = client.post("/v1/evaluations/batch", json=[KINDERGARTEN] * limit)
    assert at.status_code == 200 and len(at.json()) == limit
    assert all(essence(item["evaluation"]) == expected for item in at.json())
    _still_serving(client, expected)


def test_wrong_values_up_to_the_limit_are_answered_with_at_most_the_first_errors(client, expected):
    title = {f"k{index}": index for index in range(MAX_VALUES - 10)}
    body = {"decision_date": "2008-03-01", "rate_table": {"id": "x", "unit": "u", "rows": [], "title": title}}
    problem = _problem(client.post("/v1/evaluations", json=body), 422, "invalid-request")
    assert len(problem["errors"]) == MAX_FIELD_ERRORS
    assert f"the first {MAX_FIELD_ERRORS}" in problem["detail"]
    assert {error["path"] for error in problem["errors"]} >= {"rate_table.title.*"}  # the keys are the client's
    _still_serving(client, expected)


TOO_MANY_VALUES = {
    "nested 100,000 arrays deep": "[" * 100_000 + "]" * 100_000,
    "100,000 zeros": "[" + ",".join(["0"] * 100_000) + "]",
    "one value over the limit": json.dumps({"decision_date": "2008-03-01",
                                            "participation": {"information_gathering": [1] * (MAX_VALUES - 3)}}),
}


@pytest.mark.parametrize("body", list(TOO_MANY_VALUES.values()), ids=list(TOO_MANY_VALUES))
@pytest.mark.parametrize("path", ["/v1/evaluations", "/v1/evaluations/batch", "/v1/digisos/soknad/evaluations"])
def test_a_body_of_more_values_than_the_limit_is_a_413_before_it_is_parsed(client, expected, body, path):
    problem = _problem(_post(client, body, path), 413, "content-too-large")
    assert f"at most {MAX_VALUES} in one request" in problem["detail"]
    _still_serving(client, expected)


TOO_MANY_CONTAINERS = {
    "empty objects": "[" + ",".join(["{}"] * MAX_CONTAINERS) + "]",
    "arrays in strings are text, these are not": '["[[[", ' + ",".join(["[]"] * MAX_CONTAINERS) + "]",
}


@pytest.mark.parametrize("body", list(TOO_MANY_CONTAINERS.values()), ids=list(TOO_MANY_CONTAINERS))
def test_a_body_of_more_objects_and_arrays_than_the_limit_is_a_413(client, expected, body):
    problem = _problem(_post(client, body, "/v1/evaluations/batch"), 413, "content-too-large")
    assert f"at most {MAX_CONTAINERS} in one request" in problem["detail"]
    at_limit = "[" + ",".join(["[]"] * (MAX_CONTAINERS - 1)) + ', "[[[[{{{"]'  # brackets in a string are text
    assert _post(client, at_limit, "/v1/evaluations/batch").status_code == 413  # a batch of more than 100
    assert "batch" in _post(client, at_limit, "/v1/evaluations/batch").json()["type"]
    _still_serving(client, expected)


def test_a_body_of_values_up_to_the_limit_is_parsed(client, expected):
    at_limit = json.dumps({"decision_date": "2008-03-01",
                           "participation": {"information_gathering": [1] * (MAX_VALUES - 4)}})
    problem = _problem(_post(client, at_limit), 422, "invalid-request")
    assert problem["errors"][0]["path"] == "participation.information_gathering"  # too many items: the model says
    _still_serving(client, expected)


# --- wrong types and values: 422 with the path, never the value -------------------------------------------

_SCHEMA = Case.model_json_schema()


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = _SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        return _resolve({**{k: v for k, v in node.items() if k != "anyOf"}, **branches[0]})
    return node


def _json_types(node: dict) -> set[str]:
    node = _resolve(node)
    if "anyOf" in node:
        return set().union(*(_json_types(branch) for branch in node["anyOf"])) - {"null"}
    return {node["type"]} if "type" in node else {"string"}  # an enum without a type is strings


def _wrong_value(node: dict) -> Any:
    accepted = _json_types(node)
    if "number" in accepted:
        accepted.add("integer")
    candidates = [("string", MARK_TEXT), ("number", MARK_NUMBER), ("boolean", True), ("array", [MARK_TEXT])]
    return next(value for kind, value in candidates if kind not in accepted)


def _fields(node: dict, path: tuple = ()) -> list[tuple[tuple, dict]]:
    """Every field of the case, at any depth (list items at position 0), with its schema."""
    node = _resolve(node)
    found = []
    if node.get("type") == "object":
        for name, child in node.get("properties", {}).items():
            found.append((path + (name,), child))
            found += _fields(child, path + (name,))
    elif node.get("type") == "array":
        found += _fields(node["items"], path + (0,))
    return found


def _with_value(path: tuple, value: Any) -> dict:
    """A case with `value` at `path` (list items at position 0) and a decision date."""
    case: dict[str, Any] = {"decision_date": "2008-03-01"}
    holder: Any = case
    for step, following in zip(path, path[1:], strict=False):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(step, int):
            if not holder:
                holder.append(empty)
            holder = holder[0]
        else:
            holder = holder.setdefault(step, empty)
    holder[path[-1]] = value
    return case


FIELDS = _fields(_SCHEMA)


def test_the_field_walk_covers_the_whole_case_model():
    paths = {".".join(map(str, path)) for path, _ in FIELDS}
    assert len(paths) > 80
    assert {"decision_date", "income.0.monthly_amount", "participation.consultations.0.with",
            "rate_table.rows.0.from", "rate_table.title", "household.children.0.age"} <= paths


def test_a_wrong_type_in_every_field_is_a_422_naming_that_field_and_not_its_value(client, expected, caplog):
    wrong: list[str] = []
    for path, node in FIELDS:
        value = _wrong_value(node)
        response = client.post("/v1/evaluations", json=_with_value(path, value))
        problem = _problem(response, 422, "invalid-request")
        dotted = ".".join(map(str, path))
        if dotted not in {error["path"] for error in problem["errors"]}:
            wrong.append(f"{dotted} = {value!r}: {problem['errors']}")
    assert wrong == []
    batch = client.post("/v1/evaluations/batch", json=[_with_value(path, _wrong_value(node)) for path, node in
                                                        FIELDS[:50]])
    assert batch.status_code == 200 and {item["status"] for item in batch.json()} == {422}
    for mark in MARKS:
        assert mark not in batch.text
    _still_serving(client, expected)
    logged = "\n".join(record.getMessage() + repr(getattr(record, "fields", "")) for record in caplog.records)
    for mark in MARKS:
        assert mark not in logged


BAD_VALUES = {
    "a negative income": ("income", [{"kind": "wages", "monthly_amount": -0.01}], "income.0.monthly_amount"),
    "a negative asset": ("assets", [{"kind": "bank_deposit", "value": -5}], "assets.0.value"),
    "a negative expense": ("expenses", [{"kind": "housing", "monthly_amount": "-100"}], "expenses.0.monthly_amount"),
    "a negative expected benefit": ("economic_rights", [{"kind": "housing_allowance", "status": "pending",
                                                         "expected_monthly_amount": -1}],
                                    "economic_rights.0.expected_monthly_amount"),
    "a negative request": ("request", {"requested_monthly_amount": -987654.32}, "request.requested_monthly_amount"),
    "an amount of 1e308": ("income", [{"kind": "wages", "monthly_amount": 1e308}], "income.0.monthly_amount"),
    "an amount of 4000 digits": ("income", [{"kind": "wages", "monthly_amount": 10 ** 3999}],
                                 "income.0.monthly_amount"),
    "an amount in øre": ("income", [{"kind": "wages", "monthly_amount": "100.001"}], "income.0.monthly_amount"),
    "NaN as a string": ("income", [{"kind": "wages", "monthly_amount": "NaN"}], "income.0.monthly_amount"),
    "Infinity as a string": ("assets", [{"kind": "vehicle", "value": "Infinity"}], "assets.0.value"),
    "-Infinity as a string": ("expenses", [{"kind": "housing", "monthly_amount": "-Infinity"}],
                              "expenses.0.monthly_amount"),
    "an age of 10**100": ("applicant", {"age": 10 ** 100}, "applicant.age"),
    "a negative age": ("applicant", {"age": -1}, "applicant.age"),
    "a child of 18": ("household", {"children": [{"age": 18}]}, "household.children.0.age"),
    "an age as text": ("applicant", {"age": "17"}, "applicant.age"),
    "an age with a fraction": ("applicant", {"age": 17.0}, "applicant.age"),
    "a boolean as text": ("work", {"can_support_self_through_work": "true"}, "work.can_support_self_through_work"),
    "a boolean as a number": ("residence", {"lawful_residence": 1}, "residence.lawful_residence"),
    "a case id of 500,000 characters": ("case_id", "x" * 500_000, "case_id"),
    "a case id with a space": ("case_id", MARK_TEXT, "case_id"),
    "a view of 900,000 characters": ("participation", {"client_views": [{"matter": "financial_assistance",
                                                                         "summary": "Kari " * 180_000}]},
                                     "participation.client_views.0.summary"),
    "101 incomes": ("income", [{"kind": "wages", "monthly_amount": 1}] * 101, "income"),
    "an unknown field": ("fodselsnummer", "01017012345", "*"),
    "an unknown kind": ("income", [{"kind": "lottery", "monthly_amount": 1}], "income.0.kind"),
    **{f"an amount as the text {text!r}": ("income", [{"kind": "wages", "monthly_amount": text}],
                                           "income.0.monthly_amount")
       for text in ("١٢٣", "１２", "5_000", " 5", "5 ", "+5", "1e3", "5.", ".5", "0x10", "")},
    "a service of no characters": ("services", {"needed": ["gp", ""]}, "services.needed.1"),
    "a service of 61 characters": ("services", {"needed": ["g" * 61]}, "services.needed.0"),
    "a service not written as a code": ("services", {"needed": ["Fastlege Hansen"]}, "services.needed.0"),
}


@pytest.mark.parametrize("field,value,path", list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_a_bad_value_is_a_422_with_its_path(client, expected, field, value, path):
    problem = _problem(client.post("/v1/evaluations", json={"decision_date": "2008-03-01", field: value}), 422,
                       "invalid-request")
    assert path in [error["path"] for error in problem["errors"]], problem["errors"]
    _still_serving(client, expected)


def _days_ahead(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


DATES = {
    "year 1": ("0001-01-01", "law-not-encoded"),
    "the day before the 1991 act": ("1992-12-31", "law-not-encoded"),
    "a year after tomorrow": (_days_ahead(400), "law-not-encoded"),
    "year 9999": ("9999-12-31", "law-not-encoded"),
    "year 0": ("0000-01-01", "invalid-request"),
    "year 10000": ("10000-01-01", "invalid-request"),
    "a negative year": ("-2008-01-01", "invalid-request"),
    "30 February": ("2008-02-30", "invalid-request"),
    "month 13": ("2008-13-01", "invalid-request"),
    "a date and time": ("2008-03-01T12:00:00Z", "invalid-request"),
    "a Unix time as a number": (1204329600, "invalid-request"),
    "a Unix time as text": ("1204329600", "invalid-request"),
    "zero as text": ("0", "invalid-request"),
    "an empty string": ("", "invalid-request"),
}


@pytest.mark.parametrize("value,kind", list(DATES.values()), ids=list(DATES))
def test_a_decision_date_out_of_range_is_a_422_naming_decision_date(client, expected, value, kind):
    problem = _problem(client.post("/v1/evaluations", json={**KINDERGARTEN, "decision_date": value}), 422, kind)
    assert [error["path"] for error in problem["errors"]] == ["decision_date"]
    _still_serving(client, expected)


def test_other_dates_out_of_range_are_422s_and_the_catalogue_date_is_iso_only(client, expected):
    consultation = {"participation": {"consultations": [{"matter": "financial_assistance", "with": "client",
                                                          "date": "0000-00-00"}]}}
    problem = _problem(client.post("/v1/evaluations", json={**KINDERGARTEN, **consultation}), 422)
    assert [e["path"] for e in problem["errors"]] == ["participation.consultations.0.date"]
    for value in ("0", "1204329600", "2008-3-1", "20080301", "9999-99-99"):
        problem = _problem(client.get("/v1/rules", params={"in_force_on": value}), 422, "invalid-request")
        assert [e["path"] for e in problem["errors"]] == ["in_force_on"]
    assert client.get("/v1/rules", params={"in_force_on": "9999-12-31"}).status_code == 200
    _still_serving(client, expected)


def test_not_json_is_a_415(client, expected):
    body = json.dumps(KINDERGARTEN).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"):
        _problem(_post(client, body, headers={"content-type": content_type}), 415, "unsupported-media-type")
    _problem(_post(client, body, headers={}), 415, "unsupported-media-type")
    _still_serving(client, expected)


# --- the real server: the worst bodies, then the same workers answer correctly ----------------------------


def _raw_request(port: int, method: str, path: str, headers: dict[str, str], chunks) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for chunk in chunks:
                connection.send(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


def test_the_real_server_refuses_hostile_bodies_and_its_workers_keep_serving(tmp_path, expected):
    with live_server(tmp_path, workers=2) as server:
        workers = server.worker_pids()
        assert len(workers) == 2
        hostile: list[tuple[str, bytes, int]] = [
            ("nested", NESTED_ARRAYS.encode(), 400),
            ("duplicate", BAD_JSON["a duplicate key at the top"].encode(), 400),
            ("NaN", BAD_JSON["NaN"].encode(), 400),
            ("latin-1", NOT_UTF8["Latin-1"], 400),
            ("surrogate", BAD_JSON["a lone surrogate"].encode(), 400),
            ("huge integer", BAD_JSON["an integer of 5,000 digits"].encode(), 400),
            ("empty", b"", 400),
            ("wrong types", json.dumps(_with_value(("work", "can_support_self_through_work"), MARK_TEXT)).encode(),
             422),
        ]
        with httpx.Client(base_url=server.base, timeout=60) as client:
            for name, body, status in hostile:
                for _ in range(5):  # enough to reach both workers
                    response = client.post("/v1/evaluations", content=body, headers=JSON)
                    assert response.status_code == status, (name, response.text[:300])
                    assert response.headers["content-type"] == PROBLEM, name
                    _still_serving(client, expected)
            batch = [{"decision_date": "2008-03-01"}] * (Settings().max_batch_size + 1)
            assert client.post("/v1/evaluations/batch", json=batch).status_code == 413
        ten_mb = json.dumps({**KINDERGARTEN, "case_id": "x" * TEN_MB}).encode()
        declared = _raw_request(server.port, "POST", "/v1/evaluations",
                                {**JSON, "Content-Length": str(len(ten_mb))},
                                (ten_mb[i:i + 65536] for i in range(0, len(ten_mb), 65536)))
        chunked = _raw_request(server.port, "POST", "/v1/evaluations", {**JSON, "Transfer-Encoding": "chunked"},
                               (b"%x\r\n%s\r\n" % (len(piece), piece) for piece in
                                [ten_mb[i:i + 65536] for i in range(0, len(ten_mb), 65536)] + [b""]))
        for status, content_type, body in (declared, chunked):
            assert (status, content_type) == (413, PROBLEM)
            assert json.loads(body)["type"] == "urn:regelmotor:problem:content-too-large"
        with httpx.Client(base_url=server.base, timeout=60) as client:
            for _ in range(10):
                _still_serving(client, expected)
        assert server.worker_pids() == workers, "a worker died and was replaced"
        log = server.log_text()
        for mark in MARKS:
            assert mark not in log
        assert '"level": "error"' not in log


def test_every_example_still_evaluates_strictly(client, evaluator):
    """The strict JSON reading refuses nothing the scenarios send."""
    for path in EXAMPLES:
        case = load_example(path)["case"]
        response = client.post("/v1/evaluations", json=case)
        assert response.status_code == 200, (path.stem, response.text[:300])
        assert essence(response.json()) == essence(
            evaluator.evaluate_lean(Case.model_validate(case)).model_dump(mode="json"))


def test_the_digisos_endpoint_refuses_duplicate_keys_too(client):
    response = client.post("/v1/digisos/soknad/evaluations", content=b'{"versjon": "1", "versjon": "2"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
