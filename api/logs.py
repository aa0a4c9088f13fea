"""Structured logs: one JSON object per line, on stderr.

What may be logged is decided where a log call is made (`api/request_context.py`): the method, the route
*template* (never the concrete path, which a client could fill with anything), the status, the duration and
the correlation id. Nothing from the case — no field, no value, not the caller's case reference — and no
exception messages, which can quote input.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from typing import Any

ACCESS_LOGGER = "regelmotor.access"
ERROR_LOGGER = "regelmotor.error"
SERVICE_LOGGER = "regelmotor.service"


class JsonLinesFormatter(logging.Formatter):
    """Renders a record as JSON: time, level, logger, message, and the record's `fields` (a dict) if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": os.getpid(),
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(level: str = "info") -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and gunicorn (api/server.py): their own messages and ours in the
    same JSON lines.

    Neither's access log is configured here because the service turns them off: they would log the raw path,
    query string and client address. gunicorn lays this over its own defaults, whose root logger writes to
    stdout in another format: the root is given here as Python leaves it (warnings and above, no handler).
    """
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLinesFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "gunicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "regelmotor": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
        "root": {"level": "WARNING"},
    }
