"""The OpenAPI document a caseworker reads in Swagger UI: the vocabulary, the tags, and response examples.

The response examples are real answers — the first scenario in `examples/` evaluated by this worker's engine,
an invalid case run through the same validation and problem code as a request — so they cannot drift from what
the service returns. They are computed once, when the document is first built (at start-up, see `api/app.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError

from api import errors
from api.catalogue import UNKNOWN_ID, Catalogue
from api.errors import Problem, problem
from api.evaluations import batch_json, evaluate_batch
from api.examples import Example
from api.settings import Settings
from api.strict_json import MAX_CONTAINERS, MAX_VALUES
from engine.answer.models import DutyStatus
from engine.case.model import Case
from engine.evaluate import Evaluator, LawNotEncoded
from engine.law.rulebook import Rulebook

TITLE = "regelmotor"

DUTY_STATUSES = {
    DutyStatus.open: "åpen — the duty applies (or may apply: the safe reading of an incomplete record) and the "
                     "record does not yet show it fulfilled. `fulfil_by` says what to record.",
    DutyStatus.fulfilled: "oppfylt — the duty applies and the record shows what fulfils it.",
    DutyStatus.not_applicable: "gjelder ikke — the duty does not arise in this case.",
}

TAGS = [
    {"name": "evaluations", "description": "Send a case, get what the law says about it."},
    {"name": "letters", "description": "The decision-letter draft of a case, as JSON, PDF or text."},
    {"name": "rules", "description": "The catalogue of rules, duties and considerations, with statute text and "
                                     "validity; the guideline rates."},
    {"name": "service", "description": "Liveness and the loaded rule set."},
]

SAMPLE_CORRELATION_ID = "0f8c2a4e6b1d4c3aa9e7d5b3c1f0e2d4"
# A case with two invalid fields, for the 422 example: run through the real validation, not written out.
_INVALID_CASE = {"decision_date": "2008-02-30", "income": [{"kind": "wages", "monthly_amount": -100}]}
_NO_LAW_CASE = {"decision_date": "1980-06-01"}


def description(settings: Settings, rulebook: Rulebook) -> str:
    outcomes = "\n".join(f"| `{o.id}` | {o.nb} — {o.description} |" for o in rulebook.outcomes.values())
    statuses = "\n".join(f"| `{status}` | {text} |" for status, text in DUTY_STATUSES.items())
    kinds = "\n".join(f"| {kind.status} | `{kind.type}` | {kind.title} |" for kind in errors.KINDS)
    return f"""\
An eligibility and discretion rules engine for Norwegian social-services law (sosialtjenesteloven 1991 and
sotjl 2009). Send a case; the answer says, for each provision in force on the case's `decision_date`, what the
law says — with the legal basis of every conclusion, the facts still missing, what is left to the caseworker's
discretion, and which duties toward the client are still open.

**Leave out what you do not know.** An absent field is *unknown*; the engine never reads it as 0, false or an
empty list. An empty list is a statement (`"income": []` means "no income"). Unknown fields are refused, and the
case has no field for a national identity number, a name or an address: none is needed, so none can leak.

### Outcomes (per question, e.g. `5-1`, `18`)

| outcome | meaning |
|---|---|
{outcomes}

### Duty statuses

| status | meaning |
|---|---|
{statuses}

### Errors

Every error is `application/problem+json` (RFC 9457) with a `correlation_id`; an invalid request lists each bad
field with its `path` and `pointer`. Limits: a body of at most {settings.max_body_bytes} bytes (a Digisos
application {settings.max_digisos_body_bytes}), holding at most {MAX_VALUES} JSON values and {MAX_CONTAINERS} objects
and arrays; at most {settings.max_batch_size} cases per batch.

| status | type | title |
|---|---|---|
{kinds}
"""


def install(app: FastAPI, evaluator: Evaluator, catalogue: Catalogue, examples: list[Example],
            settings: Settings) -> None:
    """Replace `app.openapi` with one that adds problem media types and response examples to FastAPI's."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            _drop_fastapi_validation_error(schema)
            _problems_as_problem_json(schema)
            _add_response_examples(schema, evaluator, catalogue, examples, settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_fastapi_validation_error(schema: dict[str, Any]) -> None:
    """FastAPI documents a 422 `HTTPValidationError` on every route with parameters that does not declare its
    own 422. This service never sends that shape (api/errors.py answers with a Problem), and every route that
    can answer 422 declares it; so the default entry, and its schemas, go."""
    default = "#/components/schemas/HTTPValidationError"
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            answers = operation.get("responses", {})
            content = answers.get("422", {}).get("content", {})
            if any(media.get("schema", {}).get("$ref") == default for media in content.values()):
                del answers["422"]
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)


def _problems_as_problem_json(schema: dict[str, Any]) -> None:
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[errors.PROBLEM_JSON] = content.pop("application/json")


def _set_examples(schema: dict[str, Any], path: str, method: str, status: int,
                  named: dict[str, dict[str, Any]]) -> None:
    response = schema["paths"].get(path, {}).get(method, {}).get("responses", {}).get(str(status))
    if response is None or not named:
        return
    for media in response.get("content", {}).values():
        media["examples"] = named


def _problem_example(summary: str, value: Problem) -> dict[str, Any]:
    return {"summary": summary, "value": value.model_dump(mode="json")}


def _add_response_examples(schema: dict[str, Any], evaluator: Evaluator, catalogue: Catalogue,
                           examples: list[Example], settings: Settings) -> None:
    sample = SAMPLE_CORRELATION_ID
    invalid = _invalid_case_problem(sample)
    no_law = _no_law_problem(evaluator, sample)
    too_large = problem(errors.CONTENT_TOO_LARGE, f"The body may be at most {settings.max_body_bytes} bytes.", sample)
    broken = problem(errors.INVALID_JSON, "Expecting ',' delimiter at line 3 column 5.", sample)
    media = problem(errors.UNSUPPORTED_MEDIA_TYPE, "Send the body with Content-Type: application/json.", sample)
    failed = errors.engine_failure(sample)

    for path in ("/v1/evaluations", "/v1/evaluations/batch"):
        _set_examples(schema, path, "post", 400, {"invalid-json": _problem_example("Malformed JSON", broken)})
        _set_examples(schema, path, "post", 413, {"too-large": _problem_example("Body over the limit", too_large)})
        _set_examples(schema, path, "post", 415, {"not-json": _problem_example("Not sent as JSON", media)})
    unprocessable = {"invalid-fields": _problem_example("Invalid fields, each with its path", invalid)}
    if no_law is not None:
        unprocessable["law-not-encoded"] = _problem_example("No encoded law on the decision date", no_law)
    _set_examples(schema, "/v1/evaluations", "post", 422, unprocessable)
    _set_examples(schema, "/v1/evaluations", "post", 500, {
        "engine-failure": _problem_example("The engine failed; the worker keeps serving", failed)})

    if examples:
        first = examples[0]
        case = Case.model_validate(first.case)
        _set_examples(schema, "/v1/evaluations", "post", 200, {
            first.name: {"summary": first.summary, "value": evaluator.evaluate_lean(case).model_dump(mode="json")},
            f"{first.name}-full": {"summary": f"{first.summary} (?view=full)",
                                   "value": evaluator.evaluate(case).model_dump(mode="json")}})
        batch = evaluate_batch(evaluator, [first.case, _INVALID_CASE], sample)
        _set_examples(schema, "/v1/evaluations/batch", "post", 200, {
            "one-good-one-bad": {"summary": "One evaluation and one invalid case, in request order",
                                 "value": json.loads(batch_json(batch))}})

    entries = catalogue.entries()
    if entries:
        _set_examples(schema, "/v1/rules", "get", 200, {
            "first-entries": {"summary": "The first entries of the catalogue",
                              "value": [e.model_dump(mode="json") for e in entries[:2]]}})
        rule_id = entries[0].id
        _set_examples(schema, "/v1/rules/{rule_id}", "get", 200, {
            "rule": {"summary": rule_id, "value": catalogue.details[rule_id].model_dump(mode="json")}})
    _set_examples(schema, "/v1/rules/{rule_id}", "get", 404, {"unknown-rule": _problem_example(
        "Unknown id", problem(errors.UNKNOWN_RULE, UNKNOWN_ID, sample))})


def _invalid_case_problem(correlation: str) -> Problem:
    try:
        Case.model_validate(_INVALID_CASE)
    except ValidationError as error:
        return errors.invalid_case(error, correlation)
    raise AssertionError("30 February is no date")


def _no_law_problem(evaluator: Evaluator, correlation: str) -> Problem | None:
    try:
        evaluator.evaluate(Case.model_validate(_NO_LAW_CASE))
    except LawNotEncoded as error:
        return errors.law_not_encoded(error, correlation)
    return None  # the rule files reach back to that day now: no example rather than an invented one
