"""Where an HTTP request's time goes inside the service: the ASGI app called directly, without a server or socket.

    .venv/bin/python benchmarks/asgi_split.py [--requests 3000]

`POST /v1/evaluations` with the bodies of the benchmark mix, sent straight to `api.app.create_app()` (its
lifespan run first, as uvicorn does), one request at a time; CPU µs per request (this process, all threads),
with the service's logging configured as `regelmotor serve` does (written to /dev/null), in three variants
measured in one run:
  1. the app as it is;
  2. the evaluation replaced by one fixed answer — what is left is the API layer: middleware (request context,
     body limit, API keys), routing and FastAPI's dependency solving, strict JSON (the body's values counted, then
     parsed and validated in one pass in pydantic's strict JSON mode, with Python's hooked parser only where that
     reading could differ: api/strict_json.py), the handler (which answers a small body on the event loop and
     hands a large one to a thread), serialising the answer, and the request's log line;
  3. as 2, with the body read as plain JSON (`starlette.requests.Request.json`) instead of strict JSON.
A diagnostic: variants 2 and 3 replace parts of the service, so they are never a way to run it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging.config
import os
import sys
import time

from cases import DEFAULT_GENERATED, machine, machine_line, mix  # noqa: I001 — puts the project on sys.path
from starlette.requests import Request

import api.strict_json
from api.app import create_app
from api.logs import log_config
from engine.case.model import Case
from engine.evaluate import Evaluator


def _scope(body: bytes) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": "/v1/evaluations", "raw_path": b"/v1/evaluations", "query_string": b"", "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}


async def _call(app, body: bytes) -> int:
    delivered = False
    status = 0

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(body), receive, send)
    return status


async def _measure(app, bodies: list[bytes], count: int) -> float:
    async with app.router.lifespan_context(app):
        for body in bodies:  # warm
            assert await _call(app, body) == 200
        start = time.process_time()
        for index in range(count):
            await _call(app, bodies[index % len(bodies)])
        return (time.process_time() - start) / count * 1e6


def run(count: int, generated: int) -> dict:
    parts = mix(generated)
    raw = parts["examples"] + parts["generated"]
    bodies = [json.dumps(body).encode() for body in raw]
    results = {"machine": machine(), "requests": count}
    results["app"] = asyncio.run(_measure(create_app(), bodies, count))
    # The default answer is the lean one (`evaluate_lean`); `?view=full` asks `evaluate`. Both are replaced.
    evaluator = Evaluator()
    fixed, fixed_lean = evaluator.evaluate(Case.model_validate(raw[0])), evaluator.evaluate_lean(
        Case.model_validate(raw[0]))
    evaluate, evaluate_lean = Evaluator.evaluate, Evaluator.evaluate_lean
    Evaluator.evaluate, Evaluator.evaluate_lean = (lambda self, case: fixed), (lambda self, case: fixed_lean)
    try:
        results["api_layer"] = asyncio.run(_measure(create_app(), bodies, count))
        strict_json = api.strict_json.StrictJsonRequest.json
        api.strict_json.StrictJsonRequest.json = Request.json
        try:
            results["api_layer_plain_json"] = asyncio.run(_measure(create_app(), bodies, count))
        finally:
            api.strict_json.StrictJsonRequest.json = strict_json
    finally:
        Evaluator.evaluate, Evaluator.evaluate_lean = evaluate, evaluate_lean
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--generated", type=int, default=DEFAULT_GENERATED)
    args = parser.parse_args()
    # The service's logging, as `regelmotor serve` configures it, written to /dev/null instead of stderr.
    terminal, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115 — for the whole run
    logging.config.dictConfig(log_config("info"))
    try:
        r = run(args.requests, args.generated)
    finally:
        sys.stderr = terminal
    print(machine_line(r["machine"]) + "\n")
    print("| ASGI app, in-process | CPU µs per request |\n|---|---:|")
    print(f"| the service's app | {r['app']:,.0f} |")
    print(f"| its API layer (the evaluation replaced by a fixed answer) | {r['api_layer']:,.0f} |")
    print(f"| the API layer with plain instead of strict JSON | {r['api_layer_plain_json']:,.0f} |")
    print(f"\nthe evaluation: {r['app'] - r['api_layer']:,.0f} µs; strict JSON: "
          f"{r['api_layer'] - r['api_layer_plain_json']:,.0f} µs; the rest of the API layer: "
          f"{r['api_layer_plain_json']:,.0f} µs")


if __name__ == "__main__":
    main()
