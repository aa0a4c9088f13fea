"""413 for a request body over its route's limit, before the service parses or buffers it.

Two checks, because a client may not tell the truth or may not tell at all: a declared `Content-Length` over the
limit is refused before a byte is read; a body without one (chunked) is counted as it streams in and refused
the moment it passes the limit. The limit is per path (a Digisos application is smaller than a batch of cases,
and costs more per byte to validate), and the default for every other path.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import CONTENT_TOO_LARGE, ProblemException, problem, problem_response


class BodyTooLarge(ProblemException):
    """Raised from `receive`; FastAPI passes HTTP exceptions raised while reading the body on to the handlers."""


def _too_large(limit: int, scope: Scope) -> BodyTooLarge:
    correlation = scope.get("state", {}).get("correlation_id")
    return BodyTooLarge(problem(CONTENT_TOO_LARGE, f"The body may be at most {limit} bytes.", correlation))


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, by_path: Mapping[str, int]) -> None:
        self.app = app
        self.default = max_body_bytes
        self.by_path = dict(by_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope["path"], self.default)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            # Answer without reading the body; the server discards what the client still sends.
            response = problem_response(_too_large(limit, scope).problem, {"Connection": "close"})
            await response(scope, receive, send)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit, scope)
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server rejects a malformed length itself
    return None
