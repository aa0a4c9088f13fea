"""The service's limits and where it finds its Swagger examples, read from the environment.

Host, port and worker count belong to the process launcher (`api/server.py`); these settings belong to each
worker, which is why they travel by environment variable: uvicorn starts workers as fresh processes, and the
environment is what they inherit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from api.auth import ApiKeys

# The repository's own scenarios. In an editable install (the README's) they sit beside the packages; a
# wheel does not carry them, and the service then simply has no request examples.
DEFAULT_EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class Settings:
    # One case with every list at its model maximum is well under this; a batch of 100 ordinary cases too.
    max_body_bytes: int = 1_048_576
    max_batch_size: int = 100
    examples_dir: Path | None = DEFAULT_EXAMPLES_DIR
    api_keys: ApiKeys = ApiKeys()  # none: authentication off (the local, embedded run)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        examples = environ.get("REGELMOTOR_EXAMPLES_DIR")
        return cls(
            max_body_bytes=_positive_int(environ, "REGELMOTOR_MAX_BODY_BYTES", cls.max_body_bytes),
            max_batch_size=_positive_int(environ, "REGELMOTOR_MAX_BATCH_SIZE", cls.max_batch_size),
            examples_dir=Path(examples) if examples else cls.examples_dir,
            api_keys=ApiKeys.from_env(environ),
        )


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value
