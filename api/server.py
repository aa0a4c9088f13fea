"""`regelmotor serve`: the HTTP service on uvicorn, with as many worker processes as asked for.

durable-rules is not thread-safe, so each process serialises its engine calls; throughput comes from processes.
uvicorn starts each worker fresh and calls `api.app:create_app` in it, so every worker loads and compiles the
rule set once, before it accepts requests. Flags win over environment variables, which win over the defaults.
"""

from __future__ import annotations

import argparse
import os
import sys

from api.logs import log_config
from api.settings import Settings

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


def _settings_problem(args: argparse.Namespace) -> str | None:
    try:
        Settings.from_env()
        if args.log_level not in LOG_LEVELS:  # argparse checks choices on flags, not on the environment
            raise ValueError(f"REGELMOTOR_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    except ValueError as error:  # names the setting and what is wrong with it, never a value (api/settings.py)
        return str(error)
    return None


def serve(args: argparse.Namespace) -> int:
    from engine.law.rulebook import load_rulebook

    if (problem := _settings_problem(args)) is not None:  # a bad setting fails here, once, not in every worker
        print(f"regelmotor: {problem}", file=sys.stderr)
        return 2
    load_rulebook()  # likewise invalid rule files (RuleFileError, reported by the command line)

    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_config=log_config(args.log_level), log_level=args.log_level,
                access_log=False,  # ours (api/request_context.py) logs without paths, queries or addresses
                server_header=False, **CONNECTION_LIMITS)
    # uvicorn's process manager stops when a worker cannot start (api/app.py): if the settings have gone bad since
    # they were checked, that is why, and the service exits as it would have at the start.
    if (problem := _settings_problem(args)) is not None:
        print(f"regelmotor: {problem}", file=sys.stderr)
        return 2
    return 0
