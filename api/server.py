"""`regelmotor serve`: the HTTP service on uvicorn, with as many worker processes as asked for.

durable-rules is not thread-safe, so each process serialises its engine calls; throughput comes from processes.
`serve` reads and checks the settings, loads the rule files, compiles every rule set and builds the OpenAPI
document once, in its own process (`api/app.py`), and only then serves:

- with one worker, itself, on uvicorn;
- with more, through gunicorn's arbiter (`api/prefork.py`), which forks the workers from this process, each
  running uvicorn (uvicorn-worker's `UvicornWorker`) on the application already built. A worker is ready as soon
  as it is forked. uvicorn's own process manager spawns each worker as a fresh interpreter instead, which imports
  and builds everything again: 1.6 s from the command to the first answer with two workers where this takes as
  long as one process's start (docs/performance.md, "Start-up"). uvicorn has no public way to fork its workers,
  and gunicorn is the well-kept process manager that does: it replaces a worker that dies, and on SIGHUP
  replaces the workers with new ones that build the application anew. gunicorn does not run on Windows (not a
  target): one worker does.

Flags win over environment variables, which win over the defaults.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TYPE_CHECKING

from api.logs import log_config
from api.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def port_number(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"a port is 1–65535, not {value}")
    return value


def worker_count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least one worker, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    env = os.environ
    # argparse converts a string default with `type`, so a bad environment value fails like a bad flag.
    parser.add_argument("--host", default=env.get("REGELMOTOR_HOST", "127.0.0.1"),
                        help="address to listen on (REGELMOTOR_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=env.get("REGELMOTOR_PORT", "8000"),
                        help="port (REGELMOTOR_PORT; default 8000)")
    parser.add_argument("--workers", type=worker_count, default=env.get("REGELMOTOR_WORKERS", "1"),
                        help="worker processes, each with its own engine (REGELMOTOR_WORKERS; default 1)")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default=env.get("REGELMOTOR_LOG_LEVEL", "info"),
                        help="(REGELMOTOR_LOG_LEVEL; default info)")
    parser.epilog = ("Per-worker limits are read from the environment: REGELMOTOR_MAX_BODY_BYTES (default "
                     f"{Settings.max_body_bytes}), REGELMOTOR_MAX_DIGISOS_BODY_BYTES (default "
                     f"{Settings.max_digisos_body_bytes}), REGELMOTOR_MAX_BATCH_SIZE (default "
                     f"{Settings.max_batch_size}), "
                     "REGELMOTOR_EXAMPLES_DIR (the Swagger examples; default examples/ in the source tree).")


# uvicorn's own limits on what one connection may cost (SECURITY.md, "Every request is bounded"). Slow clients
# (a header or body trickled in) are the reverse proxy's to time out: uvicorn has no such timeout, which is why
# the service is never exposed without the proxy (docs/deploy/README.md).
CONNECTION_LIMITS = {
    # h11, whose parser refuses a request line and headers over `h11_max_incomplete_event_size` (400) as they
    # arrive. httptools, which uvicorn would otherwise pick, has no such limit: a 40 MB header cost 2 s of CPU
    # before the 401; with h11 it is a 400 after 16 KiB and no measurable CPU.
    "http": "h11",
    "h11_max_incomplete_event_size": 16_384,  # an API key and a correlation id need well under 1 KB
    # Open connections per worker (uvicorn counts idle keep-alive ones too); beyond it every request is answered
    # 503 at once. Each request in flight may hold a body of up to its limit: 128 of them 128 MiB, which the
    # memory limits in docs/deploy/ allow for.
    "limit_concurrency": 128,
    "timeout_keep_alive": 5,  # seconds an idle keep-alive connection is kept (uvicorn's default, made explicit)
}


# The options of every worker's uvicorn, whichever runs it.
UVICORN_OPTIONS = {
    **CONNECTION_LIMITS,
    "access_log": False,  # ours (api/request_context.py) logs without paths, queries or addresses
    "server_header": False,
}
EXIT_BAD_SETTINGS = 2


def service_settings(args: argparse.Namespace) -> Settings:
    """The settings from the environment; a ValueError that names the setting and what is wrong with it, never a
    value (api/settings.py)."""
    if args.log_level not in LOG_LEVELS:  # argparse checks choices on flags, not on the environment
        raise ValueError(f"REGELMOTOR_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    if args.workers > 1 and sys.platform == "win32":
        raise ValueError("more than one worker (--workers, REGELMOTOR_WORKERS) needs gunicorn, which does not run on "
                         "Windows")
    return Settings.from_env()


def prepared_app(settings: Settings) -> FastAPI:
    """The application, its rule sets compiled and its OpenAPI document built (invalid rule files: RuleFileError).

    The collector is off while its 100,000 objects are made (about 0.1 s of the start here), and then they are
    frozen, left out of its passes: Python's advice for a process that forks workers without exec, so that a
    worker's collections do not write to the pages it shares with this one.
    """
    from api.app import create_app, prepare

    gc.disable()
    try:
        app = create_app(settings)
        prepare(app)
    finally:
        gc.freeze()
        gc.enable()
    return app


def configuration_problem(args: argparse.Namespace) -> ValueError | None:
    """What is wrong with the settings or the rule files as they are now, if anything (a reload reads them again)."""
    from engine.law.rulebook import load_rulebook

    try:
        service_settings(args)
        load_rulebook()
    except ValueError as problem:  # RuleFileError is one
        return problem
    return None


def refuse(problem: Exception) -> int:
    print(f"regelmotor: {problem}", file=sys.stderr)
    return EXIT_BAD_SETTINGS


def serve(args: argparse.Namespace) -> int:
    from engine.law.rulebook import RuleFileError

    try:
        settings = service_settings(args)  # a bad setting fails here, once
    except ValueError as problem:
        return refuse(problem)
    app = prepared_app(settings)  # likewise invalid rule files (RuleFileError, reported by the command line)
    if args.workers == 1:
        import uvicorn

        uvicorn.run(app, host=args.host, port=args.port, log_config=log_config(args.log_level),
                    log_level=args.log_level, **UVICORN_OPTIONS)
        return 0
    from api.prefork import PreforkedService

    service = PreforkedService(app, build=lambda: prepared_app(service_settings(args)),
                               check=lambda: configuration_problem(args), host=args.host, port=args.port,
                               workers=args.workers, log_level=args.log_level)
    arbiter = os.getpid()
    try:
        service.run()  # gunicorn's arbiter ends with sys.exit, whatever stops it
    except SystemExit as stopped:
        # It stops when a reload (SIGHUP) meets settings or rule files that have gone bad since the start: the service
        # exits as it would have at the start. (A worker, forked from this process, leaves through here too.)
        if os.getpid() == arbiter and stopped.code and (problem := configuration_problem(args)) is not None:
            if isinstance(problem, RuleFileError):
                raise problem from None  # reported by the command line
            return refuse(problem)
        raise
