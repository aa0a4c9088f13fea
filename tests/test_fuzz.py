"""Schema fuzzing: schemathesis drives the service in-process (ASGI) from its own `/openapi.json`.

Every documented operation gets generated requests, valid and invalid, and every response is checked:
no 5xx, status code and body conform to the documented schema and content type, every 4xx is
`application/problem+json` with a correlation id, and a request that violates the schema is refused.

Bounded by default (`DEFAULT_EXAMPLES` generated cases per operation, plus schemathesis's examples and coverage
phases); `REGELMOTOR_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py -s` runs a long one.
The number of requests sent is printed at the end of the module.
"""

from __future__ import annotations

import os
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from api.app import create_app
from api.errors import PROBLEM_JSON
from api.settings import Settings
from tests.conftest import ROOT

DEFAULT_EXAMPLES = 40
EXAMPLES = int(os.environ.get("REGELMOTOR_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))

# "A schema-valid request is accepted" is not a property of this service: a case can be schema-valid and still
# be refused with a documented 422 — a decision date no encoded law covers, a rate table whose rows are not in
# date order, an act the catalogue does not know.
NOT_CHECKED = [positive_data_acceptance]
# A batch with an invalid case is answered 200 with that case's own problem (by design: one bad case fails only
# itself), so "schema-violating requests are refused" is checked per item for the batch, not as an HTTP status.
BATCH = "/v1/evaluations/batch"

app = create_app(Settings(max_batch_size=20, examples_dir=ROOT / "examples"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)

_sent = {"requests": 0, "by_status": {}}
_sent_lock = threading.Lock()


def _problem_json_for_every_error(response, case) -> None:
    status = response.status_code
    if status < 400:
        return
    media = response.headers.get("content-type", [""])
    media = media[0] if isinstance(media, list) else media
    assert media.split(";")[0].strip() == PROBLEM_JSON, f"{status} answered as {media!r}"
    body = response.json()
    assert body["status"] == status and body["type"] and body["title"]
    assert body["correlation_id"], "every problem carries the correlation id"
    assert "Traceback" not in response.text


def _batch_items_answer_in_order(response, case) -> None:
    if response.status_code != 200:
        return
    items = response.json()
    assert [item["index"] for item in items] == list(range(len(case.body))), "one result per case, in order"
    for item in items:
        assert item["status"] in (200, 422), f"case {item['index']} answered {item['status']}"
        if item["status"] != 200:
            assert item["problem"]["errors"], "an invalid case says which field"


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize="REGELMOTOR_FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=list(HealthCheck), database=None, print_blob=True)
def test_every_response_conforms_and_no_request_breaks_the_service(case):
    response = case.call()
    with _sent_lock:
        _sent["requests"] += 1
        _sent["by_status"][response.status_code] = _sent["by_status"].get(response.status_code, 0) + 1
    excluded = NOT_CHECKED + ([negative_data_rejection] if case.operation.path == BATCH else [])
    case.validate_response(response, excluded_checks=excluded)
    _problem_json_for_every_error(response, case)
    if case.operation.path == BATCH and isinstance(case.body, list):
        _batch_items_answer_in_order(response, case)


@pytest.fixture(scope="module", autouse=True)
def _report_requests(report):
    yield
    report(f"\nschema fuzzing: {_sent['requests']} requests ({EXAMPLES} generated per operation, plus "
           f"schemathesis's examples and coverage phases), by status {dict(sorted(_sent['by_status'].items()))}")
