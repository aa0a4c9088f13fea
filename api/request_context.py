"""The outermost layer of every request: a correlation id, one access-log line, and the last-resort 500.

The correlation id is the caller's `X-Correlation-ID` when it has the service's own form — 32 lowercase hex
digits, as `uuid4().hex` and nginx's `$request_id` write it — and otherwise a new one: a caller's own reference
could be anything, an identity number included, and the id is logged. It is returned in the same header and in
every problem body, so a caller reporting a failure can point at the log line without sending the case.

Anything that escapes the application is answered here with a 500 problem (when no response has started) and
logged with its type and stack frames only — exception messages can quote case values. The exception is not
re-raised, so uvicorn keeps the worker serving and prints no traceback of its own.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import engine_failure, problem_response
from api.logs import ACCESS_LOGGER, ERROR_LOGGER

HEADER = "X-Correlation-ID"
_OWN_FORM = re.compile(r"[0-9a-f]{32}")

access_log = logging.getLogger(ACCESS_LOGGER)
error_log = logging.getLogger(ERROR_LOGGER)


def _inbound_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == HEADER.lower().encode():
            token = value.decode("latin-1")
            return token if _OWN_FORM.fullmatch(token) else None
    return None


def log_failure(correlation_id: str, error: BaseException, where: str) -> None:
    """Log an engine or application failure without its message (which may quote the case)."""
    frames = [f"{frame.filename}:{frame.lineno} in {frame.name}"
              for frame in traceback.extract_tb(error.__traceback__)]
    error_log.error("request failed", extra={"fields": {
        "event": "failure", "where": where, "correlation_id": correlation_id,
        "error_type": f"{type(error).__module__}.{type(error).__qualname__}", "frames": frames}})


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation = _inbound_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER.lower().encode(), correlation.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:  # noqa: BLE001 — the last resort: answer, log, keep the worker serving
            log_failure(correlation, error, "request")
            if not response_started:
                await problem_response(engine_failure(correlation))(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            fields = {
                "event": "request", "method": scope["method"],
                # The route template, not the path: a path is client-chosen text.
                "path": getattr(route, "path", None) or "(no route)",
                "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "correlation_id": correlation,
            }
            access_log.log(logging.ERROR if status >= 500 else logging.INFO, "request", extra={"fields": fields})
