"""Request bodies are read as strict JSON (RFC 8259), and a case is validated against the JSON types it documents.

Python's `json` module, which FastAPI uses, is lenient where a rules engine should not be:

* **Duplicate keys** — `{"income": [], "income": [...]}` — are refused (400), never resolved by keeping the last:
  a case-management system that sends two values for one field has a bug it should hear about.
* **`NaN`, `Infinity` and `-Infinity`** are not JSON; refused (400), and so is a number too large for a double
  (`1e999`, which Python reads as infinity). (Written as strings they are refused by the case model: 422.)
* **Deep nesting** is refused past `MAX_DEPTH` levels (400): a case is a few levels deep; a thousand nested
  arrays are an attack on the parser, not a case.
* **Text that is not UTF-8** is refused (400): RFC 8259 requires UTF-8 between systems; `json.loads` would
  otherwise guess UTF-16 or UTF-32. So is a string with a lone surrogate escape (`"\\ud800"`), which is no text.
* **Integers past Python's digit limit** (4300 digits) are refused (400) instead of failing inside the parser.

And a case is validated in pydantic's strict JSON mode: a value must have the JSON type the schema documents —
`"true"` or `1` is not a boolean, `"17"` or `17.0` is not an age, a number is not a date (and a date written as
text is `YYYY-MM-DD`: `CalendarDate` in engine/case/types.py). Amounts may be JSON numbers or decimal strings, as
documented. The problem details never quote the body: they say what is wrong and, for a duplicate key, which of
the case's own field names it is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from api.errors import INVALID_JSON, ProblemException, correlation_id, invalid_case, problem

M = TypeVar("M", bound=BaseModel)
MAX_DEPTH = 32  # objects and arrays inside one another; a case needs five, a batch one more


class NotStrictJson(ValueError):
    """The body parses under Python's lenient rules but is not strict JSON."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        # Name the key only when it is one of the documented field names: any other key is client text.
        name = f'"{duplicate}"' if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", duplicate) else "a key"
        raise NotStrictJson(f"An object has {name} twice; send each field once.")
    return result


def _no_constants(name: str) -> Any:
    raise NotStrictJson(f"{name} is not JSON; send numbers as finite numbers.")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):  # 1e999: valid JSON syntax, but no number this service (or a double) can hold
        raise NotStrictJson("A number in the body is too large to be represented.")
    return number


def _check_document(document: Any) -> None:
    """No object or array deeper than MAX_DEPTH, and no string or key that is not Unicode text: a `\\uD800`
    escape without its pair parses in Python but cannot be written as UTF-8 (iterative: no recursion on
    hostile input)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _unicode(value)
            continue
        if isinstance(value, dict):
            for key in value:
                _unicode(key)
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise NotStrictJson(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
        stack.extend((child, depth + 1) for child in children if isinstance(child, str | dict | list))


def _unicode(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise NotStrictJson("A string holds a lone surrogate (a \\uD800–\\uDFFF escape without its pair); "
                                "send Unicode text.") from None


def loads(body: bytes) -> Any:
    """Parse a request body as strict JSON. Raises `json.JSONDecodeError` (with its position) for a syntax
    error and `NotStrictJson` for everything else this module refuses."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotStrictJson("The body is not UTF-8 text; JSON is sent as UTF-8.") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                              parse_float=_finite)
    except RecursionError:
        raise NotStrictJson(f"The JSON is nested more than {MAX_DEPTH} levels deep.") from None
    except json.JSONDecodeError:
        raise
    except NotStrictJson:
        raise
    except ValueError:  # int() past sys.get_int_max_str_digits()
        raise NotStrictJson("A number in the body has too many digits.") from None
    _check_document(document)
    return document


def validate_strictly(model: type[M], data: Any) -> M:
    """Validate parsed JSON as pydantic's strict JSON mode does: each value must have its documented JSON type."""
    return model.model_validate_json(json.dumps(data, allow_nan=False), strict=True)


class StrictJsonRequest(Request):
    body_model: type[BaseModel] | None = None

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                document = loads(body)
            except NotStrictJson as error:
                raise ProblemException(problem(INVALID_JSON, str(error), correlation_id(self))) from None
            if self.body_model is not None:
                try:  # the validated model is the body: FastAPI takes an instance of its type as it is
                    document = self.body_model.model_validate_json(body, strict=True)
                except ValidationError as error:
                    raise ProblemException(invalid_case(error.errors(), correlation_id(self))) from None
            self._json = document
        return self._json


class StrictJsonRoute(APIRoute):
    """An APIRoute whose JSON body is read by `loads`; a body declared as a pydantic model is validated once, in
    strict JSON mode, and handed to FastAPI as the model instance (which it does not validate again)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        annotation = getattr(getattr(self.body_field, "field_info", None), "annotation", None)
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None

        async def strict_handler(request: Request) -> Response:
            strict = StrictJsonRequest(request.scope, request.receive)
            strict.body_model = model
            return await handler(strict)

        return strict_handler
