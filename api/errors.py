"""Every error the service returns is `application/problem+json` (RFC 9457).

A problem names its kind in `type` (a `urn:regelmotor:problem:…` URN; `about:blank` for plain HTTP errors such
as an unknown path), carries the request's correlation id, and — for an invalid request — one entry per bad
field with its path and message. It never carries a stack trace or the case's content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError, model_serializer
from starlette.exceptions import HTTPException

from api import norwegian
from api.bodies import AnswerRequest, LetterRequest
from digisos.schema import property_names
from engine.case.model import Case
from engine.evaluate import LawNotEncoded
from engine.models import OutputModel

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Kind:
    slug: str
    status: int
    title: str

    @property
    def type(self) -> str:
        return f"urn:regelmotor:problem:{self.slug}"


INVALID_JSON = Kind("invalid-json", 400, "The body is not valid JSON")
UNAUTHORIZED = Kind("unauthorized", 401, "A valid API key is required")
UNKNOWN_RULE = Kind("unknown-rule", 404, "No rule, duty or consideration has this id")
CONTENT_TOO_LARGE = Kind("content-too-large", 413, "The body is larger than the service accepts")
BATCH_TOO_LARGE = Kind("batch-too-large", 413, "The batch has more cases than the service accepts")
UNSUPPORTED_MEDIA_TYPE = Kind("unsupported-media-type", 415, "The body must be JSON")
INVALID_REQUEST = Kind("invalid-request", 422, "The request has invalid fields")
LAW_NOT_ENCODED = Kind("law-not-encoded", 422, "No encoded law is in force on the decision date")
ENGINE_FAILURE = Kind("engine-failure", 500, "The engine failed on this request")

KINDS = (INVALID_JSON, UNAUTHORIZED, UNKNOWN_RULE, CONTENT_TOO_LARGE, BATCH_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
         INVALID_REQUEST, LAW_NOT_ENCODED, ENGINE_FAILURE)


class FieldError(OutputModel):
    path: str = Field(description="Feltet — the field as a dotted path, list items by position, e.g. "
                                  "`income.0.monthly_amount`; a query parameter by its name; empty for the body as "
                                  "a whole.")
    pointer: str | None = Field(None, description="The same place as a JSON Pointer (RFC 6901) into the request "
                                                  "body, e.g. `#/income/0/monthly_amount` (in a batch: "
                                                  "`#/3/income/0/monthly_amount`). Absent for query parameters.")
    message: str = Field(description="What is wrong with the value.")
    label_nb: str | None = Field(None, description="Feltet — the field's name in Norwegian (the glossary's), e.g. "
                                                   "`Inntekt nr. 1: Beløp per måned (kr)`.")
    message_nb: str | None = Field(None, description="Hva som er galt — what is wrong, in Norwegian.")

    @model_serializer(mode="wrap")
    def _without_absent(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class Problem(OutputModel):
    """Problem details (RFC 9457)."""

    type: str = Field(description="The kind of problem: a `urn:regelmotor:problem:…` URN, or `about:blank` for a "
                                  "plain HTTP error (then `title` is the HTTP status text).")
    title: str = Field(description="The kind of problem, in words; the same for every occurrence.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(None, description="What went wrong in this occurrence.")
    detail_nb: str | None = Field(None, description="Hva som gikk galt — the detail in Norwegian.")
    correlation_id: str | None = Field(None, description="The request's correlation id (also in the "
                                                         "`X-Correlation-ID` response header and the service log).")
    errors: list[FieldError] | None = Field(None, description="One entry per invalid field.")

    @model_serializer(mode="wrap")
    def _without_absent(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


def problem(kind: Kind, detail: str | None, correlation_id: str | None,
            errors: list[FieldError] | None = None, detail_nb: str | None = None) -> Problem:
    """`detail_nb` defaults to what the kind of problem means, in Norwegian (api/norwegian.py)."""
    return Problem(type=kind.type, title=kind.title, status=kind.status, detail=detail,
                   detail_nb=detail_nb or norwegian.KIND_NB[kind.slug], correlation_id=correlation_id, errors=errors)


def problem_response(value: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(value.model_dump(mode="json"), status_code=value.status, headers=headers,
                        media_type=PROBLEM_JSON)


class ProblemException(HTTPException):
    """Raised by a route to answer with a problem it has built."""

    def __init__(self, value: Problem) -> None:
        super().__init__(status_code=value.status, detail=value.detail)
        self.problem = value


def correlation_id(request: Request) -> str | None:
    return getattr(request.state, "correlation_id", None)


_RESPONSE_TEXT = {
    400: "Malformed JSON, or no body.",
    404: "Not found.",
    413: "The body is over the size limit.",
    415: "The body was not sent as JSON.",
    422: "An invalid field: each is listed with its path and message.",
    500: "The service failed on this request; the problem carries the correlation id. The worker keeps serving.",
}


def responses(*statuses: int, **texts: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with (`api/openapi.py` files them under
    application/problem+json). `texts` overrides a description, keyed like `s422`."""
    return {status: {"model": Problem, "description": texts.get(f"s{status}", _RESPONSE_TEXT[status])}
            for status in statuses}


# --- from pydantic errors to field errors -----------------------------------------------------------------


def field_names(model: type[BaseModel]) -> frozenset[str]:
    """The field names and aliases of `model` and of every model inside it."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, field in current.model_fields.items():
            names |= {name, field.alias or name}
            todo += [inner for inner in _types_in(field.annotation) if issubclass(inner, BaseModel)]
    return frozenset(names)


def _types_in(annotation: Any) -> list[type]:
    found = [annotation] if isinstance(annotation, type) else []
    for argument in get_args(annotation):
        found += _types_in(argument)
    return found


# The names an error may repeat from a body: the case model's field names and those of the bodies that wrap a
# case, the Digisos schemas' property names, and pydantic's marker for a dict key. Any other key is one the client
# chose — an unknown field's name, a key of a rate table's `title` or `rates`, a letter blank's id — and may be
# anything, an identity number included: it is written `*`.
KNOWN_NAMES = (field_names(Case) | field_names(LetterRequest) | field_names(AnswerRequest) | property_names()
               | {"[key]"})
ANY_KEY = norwegian.ANY_KEY


def field_errors(errors: list[dict[str, Any]], *, body_prefix: tuple[int | str, ...] | None = ()) -> list[FieldError]:
    """Field errors from pydantic's, whose `loc` is relative to what was validated.

    `body_prefix` is where that thing sits in the request body (a batch item's position); None when it is not
    in the body at all (a query parameter, named by the route itself), which then has no pointer. In a body, a
    key the client chose is written `*` in the path, and the pointer stops at the object that holds it.
    """
    result = []
    for error in errors:
        loc = tuple(error["loc"])
        pointer = None
        if body_prefix is not None:
            loc = tuple(part if isinstance(part, int) or part in KNOWN_NAMES else ANY_KEY for part in loc)
            known = loc[:loc.index(ANY_KEY)] if ANY_KEY in loc else loc
            pointer = "#" + "".join(f"/{_escape(part)}" for part in body_prefix + known)
        path = ".".join(str(part) for part in loc)
        label = norwegian.field_nb(path) if body_prefix is not None else norwegian.parameter_nb(path)
        result.append(FieldError(path=path, pointer=pointer, message=error["msg"], label_nb=label,
                                 message_nb=error.get("msg_nb") or norwegian.message_nb(error, path)))
    return result


def _escape(part: int | str) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


# At most this many field errors in one problem: a 1 MB body of wrong values would otherwise be answered with
# ten times as many bytes of errors.
MAX_FIELD_ERRORS = 100


def invalid_fields(fields: list[FieldError], correlation: str | None, total: int | None = None) -> Problem:
    """`total` is how many fields were invalid when `fields` lists only some of them."""
    total = max(total or 0, len(fields))
    noun = "field is" if total == 1 else "fields are"
    in_norwegian = norwegian.invalid_count_nb(total, min(total, MAX_FIELD_ERRORS))
    if total > MAX_FIELD_ERRORS:
        return problem(INVALID_REQUEST, f"{total} {noun} invalid; errors lists the first {MAX_FIELD_ERRORS}.",
                       correlation, fields[:MAX_FIELD_ERRORS], in_norwegian)
    return problem(INVALID_REQUEST, f"{total} {noun} invalid; see errors.", correlation, fields, in_norwegian)


def invalid_case(error: ValidationError, correlation: str | None, body_prefix: tuple[int | str, ...] = ()) -> Problem:
    listed = field_errors(_first_errors(error, MAX_FIELD_ERRORS), body_prefix=body_prefix)
    return invalid_fields(listed, correlation, total=error.error_count())


_DECODER = json.JSONDecoder()


def _first_errors(error: ValidationError, count: int) -> list[dict[str, Any]]:
    """The first `count` of pydantic's errors. A body of 30,000 wrong values has as many errors, and
    `error.errors()` makes a dict of every one: 145 ms holding the GIL, the event loop stalled with it.
    `error.json()` writes them all in Rust (6 ms), and only the first `count` are decoded from it. Without the
    input; with the context, which holds the model's own limits (`ge`, `max_length` …) the Norwegian message names
    (`api/norwegian.py`): 0.3 µs an error more, 0.4 ms for 1,400 wrong rates."""
    text = error.json(include_url=False, include_input=False)  # '[{…},{…}]', compact
    errors, index = [], 1
    while len(errors) < count and text[index] != "]":
        item, index = _DECODER.raw_decode(text, index)
        errors.append(item)
        index += text[index] == ","
    return errors


def law_not_encoded(error: LawNotEncoded, correlation: str | None,
                    body_prefix: tuple[int | str, ...] | None = ()) -> Problem:
    where = field_errors([{"loc": ("decision_date",), "msg": str(error), "msg_nb": error.nb}],
                         body_prefix=body_prefix)
    return problem(LAW_NOT_ENCODED, f"{error}; the service encodes only the periods listed by GET /v1/rules.",
                   correlation, where, f"{error.nb} GET /v1/rules viser periodene regelverket dekker.")


def engine_failure(correlation: str | None) -> Problem:
    return problem(ENGINE_FAILURE, "The failure is logged under this correlation id; the case itself is not. "
                                   "Other requests are unaffected.", correlation)


# --- handlers ---------------------------------------------------------------------------------------------


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    correlation = correlation_id(request)
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        return problem_response(problem(INVALID_JSON, _json_error_detail(exc.body, broken), correlation))
    body_errors = [e for e in errors if e["loc"][:1] == ("body",)]
    if any(e["loc"] == ("body",) and e["type"] == "missing" for e in body_errors):
        return problem_response(problem(INVALID_JSON, "The request has no body; send a JSON document.",
                                        correlation))
    if body_errors and not _is_json(request.headers.get("content-type")):
        return problem_response(problem(UNSUPPORTED_MEDIA_TYPE, "Send the body with Content-Type: "
                                                                "application/json.", correlation))
    fields = []
    for error in errors:  # FastAPI's loc starts with where the value was: body, query, path, header
        source, *rest = error["loc"]
        fields += field_errors([{**error, "loc": tuple(rest)}], body_prefix=() if source == "body" else None)
    return problem_response(invalid_fields(fields, correlation))


def _json_error_detail(document: Any, error: dict[str, Any]) -> str:
    reason = error.get("ctx", {}).get("error", "invalid JSON")
    position = error["loc"][1] if len(error["loc"]) > 1 else None
    if isinstance(document, str) and isinstance(position, int):
        line = document.count("\n", 0, position) + 1
        column = position - (document.rfind("\n", 0, position) + 1) + 1
        return f"{reason} (line {line}, column {column})."
    return f"{reason}."


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


async def _on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
    headers = dict(exc.headers) if exc.headers else None
    if isinstance(exc, ProblemException):
        return problem_response(exc.problem, headers)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if exc.detail and exc.detail != phrase else None
    return problem_response(Problem(type="about:blank", title=phrase, status=exc.status_code, detail=detail,
                                    detail_nb=norwegian.status_nb(exc.status_code),
                                    correlation_id=correlation_id(request)), headers)


async def _on_law_not_encoded(request: Request, exc: LawNotEncoded) -> JSONResponse:
    return problem_response(law_not_encoded(exc, correlation_id(request)))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(LawNotEncoded, _on_law_not_encoded)
