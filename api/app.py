"""`create_app()`: the FastAPI application; `prepare()`: what it computes before it accepts a request.

The rule files are loaded when the app is created. `prepare` compiles every rule set and builds the OpenAPI
document, whose response examples are real evaluations; the lifespan calls it, so no request pays for either.
`regelmotor serve` creates and prepares the app once and then forks its worker processes from it
(`api/server.py`): each worker's lifespan finds that work done. (After a reload each new worker builds its own:
`api/prefork.py`.)
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from api import (
    auth,
    catalogue,
    digisos,
    docs_ui,
    errors,
    evaluations,
    health,
    letters,
    openapi,
    parameters,
    strict_json,
)
from api.body_limit import BodyLimitMiddleware
from api.examples import load_examples
from api.logs import SERVICE_LOGGER
from api.request_context import RequestContextMiddleware
from api.settings import Settings
from engine import ENGINE_VERSION
from engine.evaluate import Evaluator
from web import page

log = logging.getLogger(SERVICE_LOGGER)


def create_app(settings: Settings | None = None, evaluator: Evaluator | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    evaluator = evaluator or settings.engine.evaluator()
    examples = load_examples(settings.examples_dir)
    rules = catalogue.Catalogue(evaluator.rulebook)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.body_readers = anyio.CapacityLimiter(strict_json.READERS)
        prepare(app)
        # Two process-wide settings for the light requests beside a large one (benchmarks/heavy_clients.py), put
        # back when the app stops (the tests start many apps in one process):
        # - a thread that wants the GIL asks the one holding it to let go after this interval (Python's default is
        #   5 ms). A light request changes threads a few times on its way; while a large body was being read in a
        #   thread, each change waited up to 5 ms and a light request's p99 rose to 300 ms.
        # - the objects made so far (the rule book, compiled schemas, the OpenAPI document: some 100,000) are left
        #   out of the garbage collector's full collections, which took 50 ms each, holding the GIL, whenever a
        #   large body's objects set one off.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.001)
        gc.collect()
        gc.freeze()
        log.info("ready", extra={"fields": {"event": "ready", "engine_version": ENGINE_VERSION,
                                            "rulebook_digest": evaluator.rulebook.digest,
                                            "request_examples": len(examples)}})
        yield
        gc.unfreeze()
        sys.setswitchinterval(interval)

    app = FastAPI(
        title=openapi.TITLE, version=ENGINE_VERSION, description=openapi.description(settings, evaluator.rulebook),
        openapi_tags=openapi.TAGS, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served by api/docs_ui.py from local files, not from a CDN
        responses=errors.responses(500),
        # FastAPI's OpenTelemetry hooks stay available for traces and metrics, but not for logs: those record
        # validation failures with the input values, i.e. case content.
        telemetry={"logs": False},
    )
    app.include_router(evaluations.router(evaluator, settings, examples))
    app.include_router(letters.router(evaluator, examples))
    app.include_router(catalogue.router(rules))
    app.include_router(parameters.router(evaluator.rates))
    app.include_router(health.router(evaluator))
    app.include_router(digisos.router(evaluator, settings))
    errors.install(app)
    openapi.install(app, evaluator, rules, examples, settings)
    docs_ui.install(app)
    page.install(app, evaluator, settings, examples)  # the caseworker's page at /
    # Added last = outermost: the request context wraps the body limit, so a 413 is logged and correlated too.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       by_path={digisos.PATH: settings.max_digisos_body_bytes})
    auth.install(app, settings.api_keys)  # inside the request context, outside the body limit: no key, no read
    app.add_middleware(RequestContextMiddleware)
    app.state.evaluator = evaluator
    app.state.settings = settings
    return app


def prepare(app: FastAPI) -> None:
    """Compile every rule set and build the OpenAPI document with its evaluated examples. Done once, it is not
    done again: a second call returns at once."""
    app.state.evaluator.warm_up()
    app.openapi()
