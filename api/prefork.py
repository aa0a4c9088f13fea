"""More than one worker: gunicorn's arbiter over the application that `regelmotor serve` has built.

The arbiter binds the port and forks the workers from the process that built the application (gunicorn's
`preload_app`); each worker runs uvicorn on it, with the service's options (`ServiceWorker`). The arbiter

- replaces a worker that dies with a new fork of the same application;
- on SIGHUP (`systemctl reload`) builds the application anew — the settings, the key file, the rate table and the
  rule files read again —, forks new workers from it and stops the old ones gracefully: each finishes the requests
  it has. The listening socket stays open meanwhile, so a new connection waits in its backlog and is never refused.
  If the application cannot be built, the arbiter stops its workers and `serve` exits as it would have at the
  start (api/server.py);
- on SIGTERM or SIGINT stops the workers gracefully, and exits.

gunicorn kills a worker that has not beaten for `timeout` seconds (30) as hung. uvicorn beats from its event loop
every timeout / 2 seconds; the loop is never held for long: a large request is evaluated in a thread, a small one
on the loop in about a millisecond (api/evaluations.py). A busy worker keeps beating.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from gunicorn.app.base import BaseApplication
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
    already built; `rebuild` builds it anew (on SIGHUP), raising a ValueError that says what is wrong."""

    def __init__(self, app: FastAPI, rebuild: Callable[[], FastAPI], host: str, port: int, workers: int,
                 log_level: str) -> None:
        self.options: dict[str, Any] = {
            "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],  # an IPv6 address in brackets
            "workers": workers,
            "worker_class": ServiceWorker,
            "preload_app": True,  # the application is built in the arbiter, and the workers forked from it
            "loglevel": log_level,
            "logconfig_dict": log_config(log_level),
            "control_socket_disable": True,  # gunicorn's control socket (for `gunicornc`): not used
        }
        self.rebuild = rebuild
        self.reload_error: ValueError | None = None  # why the application could not be built again, if so
        super().__init__()
        self.callable = app  # what gunicorn keeps of `load()`: built already

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def reload(self) -> None:
        super().reload()
        self.callable = None  # so that gunicorn calls `load()`: with `preload_app` it would keep the old application

    def load(self) -> FastAPI:
        try:
            return self.rebuild()
        except ValueError as error:  # names the setting or rule file and what is wrong, never a value
            self.reload_error = error
            log.error("the application cannot be built again", extra={"fields": {"event": "reload_failed",
                                                                                 "error": str(error)}})
            raise HaltServer("the application cannot be built again", EXIT_BAD_SETTINGS) from None
