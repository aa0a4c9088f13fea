"""More than one worker: gunicorn's arbiter over the application that `regelmotor serve` has built.

The arbiter binds the port and forks the workers from the process that built the application (gunicorn's
`preload_app`); each worker runs uvicorn on it, with the service's options (`ServiceWorker`). The arbiter

- replaces a worker that dies with a new fork;
- on SIGHUP (`systemctl reload`) reads the settings, the key file, the rate table and the rule files again and, if
  they are sound, forks new workers and stops the old ones gracefully: each finishes the requests it has. From then
  on a new worker builds the application itself, from them as they are then (under a second): built again in the
  arbiter, each replaced application would stay in its memory, held by FastAPI's caches of endpoint functions
  (7 MiB a reload). The listening socket stays open throughout, so a connection waits in its backlog meanwhile;
  none is refused. Settings or rule files gone bad stop the service (api/server.py says why, exit 2), whether the
  arbiter finds them on SIGHUP or a worker after it;
- on SIGTERM or SIGINT stops the workers gracefully, and exits.

gunicorn kills a worker that has not beaten for `timeout` seconds (30) as hung. uvicorn beats from its event loop
every timeout / 2 seconds, and the loop is never held for long: a large request is evaluated in a thread, a small
one on the loop in about a millisecond (api/evaluations.py). A busy worker keeps beating.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.errors import HaltServer
from uvicorn_worker import UvicornWorker

from api.logs import SERVICE_LOGGER, log_config
from api.server import EXIT_BAD_SETTINGS, UVICORN_OPTIONS

log = logging.getLogger(SERVICE_LOGGER)


class ServiceWorker(UvicornWorker):
    """uvicorn in a worker, with the service's options instead of UvicornWorker's (uvicorn's defaults, httptools
    among them)."""

    CONFIG_KWARGS = UVICORN_OPTIONS


class PreforkedService(BaseApplication):
    """gunicorn, configured here rather than by its command line or a configuration file. `app` is the application
    already built; `build` builds it anew; `check` says what is wrong with the settings or the rule files, if
    anything (api/server.py)."""

    def __init__(self, app: FastAPI, build: Callable[[], FastAPI], check: Callable[[], ValueError | None],
                 host: str, port: int, workers: int, log_level: str) -> None:
        self.options: dict[str, Any] = {
            "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],  # an IPv6 address in brackets
            "workers": workers,
            "worker_class": ServiceWorker,
            "preload_app": True,  # the application built in the arbiter, the workers forked from it
            "loglevel": log_level,
            "logconfig_dict": log_config(log_level),
            "control_socket_disable": True,  # gunicorn's control socket (for `gunicornc`): not used
        }
        self.build = build
        self.check = check
        super().__init__()
        self.callable = app  # what gunicorn keeps of `load()`: built already

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def reload(self) -> None:
        """SIGHUP, in the arbiter: the new workers will build the application themselves (`load`), once the settings
        and rule files are found sound."""
        self.options["preload_app"] = False
        super().reload()
        self.callable = None
        if (problem := self.check()) is not None:
            self._log_invalid(problem)
            raise HaltServer("invalid settings or rule files", EXIT_BAD_SETTINGS)

    def load(self) -> FastAPI:
        """In a worker forked after a reload."""
        try:
            return self.build()
        except ValueError as problem:  # gone bad since the arbiter checked them
            self._log_invalid(problem)
            raise SystemExit(Arbiter.WORKER_BOOT_ERROR) from None  # on which the arbiter stops the service

    @staticmethod
    def _log_invalid(problem: ValueError) -> None:
        # The message names the setting or rule file and what is wrong, never a value (api/settings.py).
        log.error("invalid settings", extra={"fields": {"event": "invalid_settings", "error": str(problem)}})
