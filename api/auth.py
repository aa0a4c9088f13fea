"""Optional API-key authentication: off unless keys are configured, then every route but the open ones needs one.

Keys come from `REGELMOTOR_API_KEYS` (separated by commas or whitespace) and/or `REGELMOTOR_API_KEYS_FILE` (one
per line; blank lines and lines starting with `#` are ignored). An entry written `sha256:<64 hex digits>` is the
SHA-256 digest of a key, so the key itself need not be stored on the server at all. Only digests are kept in
memory; a presented key is hashed and compared with every digest by `hmac.compare_digest` — in constant time,
and without stopping at the first match, so the time taken says nothing about which key or how much of it matched.

A key is sent in the `X-API-Key` header. Without a valid key the answer is 401 `application/problem+json` with
`WWW-Authenticate`; the body is not read. Open without a key: `GET /health` (for liveness and readiness
probes), the documentation pages and their files, and `/openapi.json` (Swagger UI needs the document to offer
its Authorize button; the document holds no secret).

A configuration that names keys but yields none — an empty or unreadable file, a key shorter than
`MIN_KEY_LENGTH` — is refused when the service starts: authentication never turns itself off by accident.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from api import docs_ui
from api.errors import PROBLEM_JSON, UNAUTHORIZED, problem, problem_response
from web import paths as page_paths

HEADER = "X-API-Key"
SCHEME = "ApiKey"
CHALLENGE = f'{SCHEME} realm="regelmotor", header="{HEADER}"'
MIN_KEY_LENGTH = 16
OPEN_PATHS = frozenset({"/health", "/openapi.json"})

_DIGEST = re.compile(r"^sha256:([0-9a-fA-F]{64})$")
_KEY = re.compile(r"^[\x21-\x7e]+$")  # visible ASCII: what an HTTP header carries without surprises


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("ascii")).digest()


def _entry_digest(entry: str, source: str) -> bytes:
    if (match := _DIGEST.match(entry)) is not None:
        return bytes.fromhex(match.group(1))
    if not _KEY.match(entry) or "," in entry:
        raise ValueError(f"{source}: an API key is visible ASCII without commas or spaces")
    if len(entry) < MIN_KEY_LENGTH:
        raise ValueError(f"{source}: an API key must be at least {MIN_KEY_LENGTH} characters")
    return _digest(entry)


@dataclass(frozen=True)
class ApiKeys:
    """The SHA-256 digests of the accepted keys; none means authentication is off."""

    digests: tuple[bytes, ...] = ()

    @property
    def enabled(self) -> bool:
        return bool(self.digests)

    @classmethod
    def of(cls, *keys: str) -> ApiKeys:
        return cls(tuple(_entry_digest(key, "API key") for key in keys))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ApiKeys:
        digests: list[bytes] = []
        listed = environ.get("REGELMOTOR_API_KEYS", "")
        digests += [_entry_digest(entry, "REGELMOTOR_API_KEYS") for entry in re.split(r"[,\s]+", listed) if entry]
        path = environ.get("REGELMOTOR_API_KEYS_FILE", "")
        if path:
            try:
                lines = Path(path).read_text(encoding="ascii").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise ValueError(f"REGELMOTOR_API_KEYS_FILE: cannot read the key file ({type(error).__name__})") \
                    from None
            from_file = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
            if not from_file:
                raise ValueError("REGELMOTOR_API_KEYS_FILE: the key file names no key")
            digests += [_entry_digest(entry, "REGELMOTOR_API_KEYS_FILE") for entry in from_file]
        return cls(tuple(dict.fromkeys(digests)))

    def accepts(self, presented: bytes | None) -> bool:
        if presented is None:
            return False
        digest = hashlib.sha256(presented).digest()
        matched = False
        for known in self.digests:  # every digest, every time
            matched |= hmac.compare_digest(digest, known)
        return matched


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or docs_ui.is_open(path) or page_paths.is_open(path)


class ApiKeyMiddleware:
    """Refuses a request without a valid key before anything reads its body."""

    def __init__(self, app: ASGIApp, keys: ApiKeys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_open(_route_path(scope)):
            await self.app(scope, receive, send)
            return
        presented = next((value for name, value in scope.get("headers", []) if name == HEADER.lower().encode()),
                         None)
        if self.keys.accepts(presented):
            await self.app(scope, receive, send)
            return
        detail = (f"Send a valid API key in the {HEADER} header." if presented is None else
                  f"The {HEADER} header does not hold a valid API key.")
        correlation = scope.get("state", {}).get("correlation_id")
        response = problem_response(problem(UNAUTHORIZED, detail, correlation), {"WWW-Authenticate": CHALLENGE})
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def install(app: FastAPI, keys: ApiKeys) -> None:
    """Require a key (when any is configured) and say so in the OpenAPI document, so that Swagger UI shows its
    Authorize button and sends the key with every request it makes."""
    if not keys.enabled:
        return
    app.add_middleware(ApiKeyMiddleware, keys=keys)
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        if SCHEME not in schema.setdefault("components", {}).get("securitySchemes", {}):
            _declare(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _declare(schema: dict[str, Any]) -> None:
    schema["components"].setdefault("securitySchemes", {})[SCHEME] = {
        "type": "apiKey", "in": "header", "name": HEADER,
        "description": f"An API key issued to the calling system, sent in the `{HEADER}` header. `GET /health` "
                       "needs none.",
    }
    unauthorized = {
        "description": f"No valid API key in the `{HEADER}` header.",
        "headers": {"WWW-Authenticate": {"description": "How to authenticate.", "schema": {"type": "string"}}},
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for path, item in schema["paths"].items():
        if is_open(path):
            continue
        for operation in item.values():
            operation["security"] = [{SCHEME: []}]
            operation.setdefault("responses", {})["401"] = unauthorized
