"""Request bodies are read as strict JSON (RFC 8259) at a bounded cost, and a case is validated against the JSON
types it documents.

Python's `json` module, which FastAPI uses, is lenient where a rules engine should not be:

* **Duplicate keys** — `{"income": [], "income": [...]}` — are refused (400), never resolved by keeping the last:
  a case-management system that sends two values for one field has a bug it should hear about.
* **`NaN`, `Infinity` and `-Infinity`** are not JSON; refused (400), and so is a number too large for a double
  (`1e999`, which Python reads as infinity). (Written as strings they are refused by the case model: 422.)
* **A number with more digits than a double holds** (`1.0000000000000000000001`, which would be read as 1) is
  refused (422, naming where it is): the service never reads a number as another one.
* **Deep nesting** is refused past `MAX_DEPTH` levels (400): a case is a few levels deep; a thousand nested
  arrays are an attack on the parser, not a case.
* **Text that is not UTF-8** is refused (400): RFC 8259 requires UTF-8 between systems; `json.loads` would
  otherwise guess UTF-16 or UTF-32. So is a string with a lone surrogate escape (`"\\ud800"`), which is no text.
* **Integers past Python's digit limit** (4300 digits) are refused (400) instead of failing inside the parser.

The cost of a body is bounded before it is parsed: the values in it (objects, arrays, strings, numbers, literals)
and the objects and arrays among them are counted over its bytes, and a body holding more than `MAX_VALUES` or
`MAX_CONTAINERS` is refused (413) unparsed. A large body is then parsed, checked and validated in a worker thread,
off the event loop, so that it does not hold up the light requests beside it; a small one on the loop.

**One parse.** A body declared as a model (a case) is parsed and validated by pydantic in one pass over its bytes
(`model_validate_json`, in Rust), after the count above. Python's parser with the hooks that enforce the rules
above runs only where pydantic's reading could differ from them, which a valid ordinary case never needs: when
validation fails (so that a body's JSON problem is named before its fields'), when the body holds a number with 16
or more digits or a very small exponent (pydantic reads it through a double), or when the keys the model was given
are fewer than the keys the body holds (pydantic keeps the last of two equal keys: a duplicate). pydantic refuses
what else strict JSON refuses (NaN, infinity, text that is not UTF-8, a lone surrogate), and the body is then read
strictly. A case pydantic accepted is within `MAX_DEPTH`: the model is not that deep.

And a case is validated in pydantic's strict JSON mode: a value must have the JSON type the schema documents —
`"true"` or `1` is not a boolean, `"17"` or `17.0` is not an age, a number is not a date (and a date written as
text is `YYYY-MM-DD`: `CalendarDate` in engine/case/types.py). Amounts may be JSON numbers or decimal strings, as
documented. The problem details never quote the body: they say what is wrong and where, by the model's own
names (`api/errors.py`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from api.errors import (
    CONTENT_TOO_LARGE,
    INVALID_JSON,
    KNOWN_NAMES,
    Problem,
    ProblemException,
    correlation_id,
    field_errors,
    invalid_case,
    invalid_fields,
    problem,
)

M = TypeVar("M", bound=BaseModel)
MAX_DEPTH = 32  # objects and arrays inside one another; a case needs five, a batch one more
# What one body may hold. The largest case the model allows (every list full, a rate table of 200 rows of 40
# rates) holds 11,500 values in 1,200 objects and arrays; a batch of 100 of the richest scenario in examples/
# 10,600 in 4,100; NAV's example applications 85-130 in 31-40. Within these limits no body costs more than about
# 0.15 s of CPU (tests/test_cost.py), and no single call into pydantic's parser and validator, which keep the GIL
# throughout, takes much more than 10 ms: an object costs about 2 µs there, a value that is an error about 2 µs.
MAX_VALUES = 20_000
MAX_CONTAINERS = 5_000


class NotStrictJson(ValueError):
    """The body parses under Python's lenient rules but is not strict JSON."""


class TooManyValues(ValueError):
    """The body holds more values, or more objects and arrays, than the service reads in one request."""


class InexactNumber(ValueError):
    """A number has more digits than a double holds; `path` is where it is in the document."""

    def __init__(self, path: tuple[str | int, ...]) -> None:
        super().__init__("a number with more significant digits than a double holds")
        self.path = path


# --- counting the values, before parsing ---------------------------------------------------------------------

# A JSON string, escapes included, or an unterminated one up to the end of the body: the pattern always matches
# from an opening quote without backtracking out of it, so it is linear in the body whatever the body holds.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


def count_values(body: bytes) -> tuple[int, int]:
    """How many values, and how many objects and arrays among them, the JSON text holds (exactly, for valid JSON),
    counted over its bytes without parsing it.

    Each value but the first follows a `[`, `,` or `:`: so there are 1 + commas + non-empty arrays and objects of
    them. Brackets and commas inside strings are text, so the strings are blanked first; that pass (about 60 ms
    per MiB at worst) is skipped when the raw counts — an upper bound — are within the limits already.
    """
    containers = body.count(b"[") + body.count(b"{")
    values = 1 + body.count(b",") + containers
    if values <= MAX_VALUES and containers <= MAX_CONTAINERS:
        return values, containers
    skeleton = _STRING.sub(b'""', body).translate(None, b" \t\r\n")
    containers = skeleton.count(b"[") + skeleton.count(b"{")
    empty = skeleton.count(b"[]") + skeleton.count(b"{}")
    return 1 + skeleton.count(b",") + containers - empty, containers


# --- parsing -------------------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        # Name the key only when it is one of the service's own field names: any other key is client text.
        name = f'"{duplicate}"' if duplicate in KNOWN_NAMES else "a key"
        raise NotStrictJson(f"An object has {name} twice; send each field once.")
    return result


def _no_constants(name: str) -> Any:
    raise NotStrictJson(f"{name} is not JSON; send numbers as finite numbers.")


class _Inexact(float):
    """A float that is not the number its JSON text wrote; marked by the parser, found by `_path_of_inexact`."""


def _float_reader() -> Callable[[str], float]:
    """A `parse_float` hook for one document: it refuses infinity and marks the first number a double does not
    hold as written; after that one (the only one a problem names) it no longer compares."""
    marked = False

    def read(text: str) -> float:
        nonlocal marked
        number = float(text)
        if math.isinf(number):  # 1e999: valid JSON syntax, but no number this service (or a double) can hold
            raise NotStrictJson("A number in the body is too large to be represented.")
        if marked or text == repr(number):
            return number
        if Decimal(repr(number)) == Decimal(text):  # "1.50" is 1.5; "1.0000000000000000000001" is not 1.0
            return number
        marked = True
        return _Inexact(number)

    return read


def _bounded(body: bytes) -> None:
    """Raise `TooManyValues` if the body holds more values, or objects and arrays, than one request may."""
    values, containers = count_values(body)
    if values > MAX_VALUES:
        raise TooManyValues(f"The body holds {values} JSON values; at most {MAX_VALUES} in one request.")
    if containers > MAX_CONTAINERS:
        raise TooManyValues(f"The body holds {containers} JSON objects and arrays; at most {MAX_CONTAINERS} in one "
                            "request.")


def loads(body: bytes) -> Any:
    """Parse a request body as strict JSON. Raises `TooManyValues` (before parsing), `json.JSONDecodeError` (with its
    position) for a syntax error, `InexactNumber` (with its place) and `NotStrictJson` for everything else this
    module refuses."""
    _bounded(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotStrictJson("The body is not UTF-8 text; JSON is sent as UTF-8.") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                              parse_float=_float_reader())
    except RecursionError:
        raise NotStrictJson(f"The JSON is nested more than {MAX_DEPTH} levels deep.") from None
    except json.JSONDecodeError:
        raise
    except NotStrictJson:
        raise
    except ValueError:  # int() past sys.get_int_max_str_digits()
        raise NotStrictJson("A number in the body has too many digits.") from None
    if _check_document(document):
        raise InexactNumber(_path_of_inexact(document))
    return document


def _check_document(document: Any) -> bool:
    """No object or array deeper than MAX_DEPTH, and no string or key that is not Unicode text: a `\\uD800`
    escape without its pair parses in Python but cannot be written as UTF-8 (iterative: no recursion on
    hostile input). True if a number was not read as written."""
    inexact = False
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _unicode(value)
            continue
        if isinstance(value, _Inexact):
            inexact = True
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
        stack.extend((child, depth + 1) for child in children if isinstance(child, str | dict | list | _Inexact))
    return inexact


def _path_of_inexact(document: Any) -> tuple[str | int, ...]:
    """Where the first inexact number is (the document is known to be within MAX_DEPTH and to hold one)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _Inexact):
            return path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        stack.extend((child, (*path, key)) for key, child in reversed(list(items)))
    return ()


def _unicode(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise NotStrictJson("A string holds a lone surrogate (a \\uD800–\\uDFFF escape without its pair); "
                                "send Unicode text.") from None


def validate_strictly(model: type[M], data: Any) -> M:
    """Validate parsed JSON as pydantic's strict JSON mode does: each value must have its documented JSON type."""
    return model.model_validate_json(json.dumps(data, allow_nan=False), strict=True)


# --- the request and the route -------------------------------------------------------------------------------


# pydantic reads a JSON number for a Decimal through a double, so it may read a number otherwise than as written
# where a double does not hold it: more than 15 significant digits, or an exponent so small that the number
# underflows (one too large is infinity, which pydantic refuses). Suspect, then: a run of 16 digits and points, or an
# exponent of -100 or less — in a string too (the strict reading then decides), never in an ordinary case.
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789.", b"0" * 11)
_SUSPECT_NUMBERS = (b"0" * 16, b"e-000", b"E-000")
# Escapes pydantic writes back as a quote, a colon or a space, which would let a string's text pass for a key in
# the key count below (none needed: a quote is written \", a colon and a space as themselves).
_KEY_LIKE_ESCAPES = (b"\\u0022", b"\\u003a", b"\\u003A", b"\\u0020")


def read_body(body: bytes, model: type[BaseModel] | None, correlation: str | None) -> Any:
    """The body as strict JSON, validated as `model` when there is one; a ProblemException otherwise."""
    try:
        if model is None:
            return loads(body)
        _bounded(body)
        try:  # the validated model is the body: FastAPI takes an instance of its type as it is
            instance = model.model_validate_json(body, strict=True)
        except ValidationError as error:
            loads(body)  # a JSON problem is the one to fix first
            raise ProblemException(invalid_case(error, correlation)) from None
        if not _read_as_strict_json_would(body, instance):
            loads(body)
        return instance
    except TooManyValues as error:
        raise ProblemException(problem(CONTENT_TOO_LARGE, str(error), correlation)) from None
    except NotStrictJson as error:
        raise ProblemException(problem(INVALID_JSON, str(error), correlation)) from None
    except InexactNumber as error:
        raise ProblemException(inexact_number(error, correlation)) from None
    # A json.JSONDecodeError goes on to FastAPI, which answers it with its position (api/errors.py).


def _read_as_strict_json_would(body: bytes, instance: BaseModel) -> bool:
    """Whether pydantic's reading of a body it accepted is certainly what strict JSON would read: no suspect
    number, and every key of the body given to the model — counted in the body and in the model's own JSON of what
    it was given, so only a key pydantic dropped (the first of two equal keys) makes the counts differ. (A lone
    surrogate escape pydantic refuses itself, and the body is then read strictly.)"""
    numbers = body.translate(_DIGITS_AS_ZERO)
    if any(suspect in numbers for suspect in _SUSPECT_NUMBERS) or any(escape in body for escape in _KEY_LIKE_ESCAPES):
        return False
    given = instance.model_dump_json(exclude_unset=True, by_alias=True).encode()
    return _keys(body) == _keys(given)


def _keys(text: bytes) -> int:
    """The keys of a JSON text, and the `\\":` sequences inside its strings, which the model's JSON of the same
    strings holds alike (whitespace between a key and its colon taken out first)."""
    return text.translate(None, b" \t\r\n").count(b'":')


def inexact_number(error: InexactNumber, correlation: str | None) -> Problem:
    message = ("has more significant digits than a double holds (about 15); send amounts with at most two "
               "decimals (tallet har flere sifre enn tjenesten kan lese nøyaktig)")
    return invalid_fields(field_errors([{"loc": error.path, "msg": message}]), correlation)


# A body larger than this is read in a worker thread; a smaller one on the event loop (an ordinary case is 1-3 KB
# and read in about 0.1 ms; the costliest 16 KiB, 2,700 objects nested to the depth limit, takes 8 ms), which
# spares it two hand-overs of the GIL: while a large body is being read in a thread, each hand-over can wait for
# pydantic, which keeps the GIL for a whole validation (up to about 45 ms).
INLINE_BYTES = 16_384
# Bodies read at once in one worker, each in a thread of its own. The threads share one core (the GIL), so more
# would not read faster; the limit bounds the memory that reading takes (tests/test_cost.py measures the most one
# body can take). The app makes the limiter in its lifespan, in the worker's event loop (api/app.py).
READERS = 4


def read_inline(request: Request) -> bool:
    """Whether the request's body is small enough to be read, and its case evaluated, on the event loop."""
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) <= INLINE_BYTES


class StrictJsonRequest(Request):
    body_model: type[BaseModel] | None = None

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            if len(body) <= INLINE_BYTES:
                self._json = read_body(body, self.body_model, correlation_id(self))
            else:
                reading = functools.partial(_read_in_thread, body, self.body_model, correlation_id(self))
                self._json, refused = await anyio.to_thread.run_sync(reading, limiter=self.app.state.body_readers)
                if refused is not None:
                    raise ProblemException(refused)
        return self._json


def _read_in_thread(body: bytes, model: type[BaseModel] | None, correlation: str | None) -> tuple[Any, Problem | None]:
    """`read_body`, with a refusal returned rather than raised: an exception carries its frames, and with them the
    parsed document and pydantic's errors (20,000 of them, at worst), which would be freed on the event loop,
    holding it up; returned, they are freed here."""
    try:
        return read_body(body, model, correlation), None
    except ProblemException as refused:
        return None, refused.problem


class StrictJsonRoute(APIRoute):
    """An APIRoute whose JSON body is read by `read_body`; a body declared as a pydantic model is validated once, in
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
