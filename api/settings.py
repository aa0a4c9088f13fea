"""The service's limits, where it finds its Swagger examples, and how its engine is set up, from the environment.

Host, port and worker count belong to the process launcher (`api/server.py`); these settings belong to the
application its workers serve. They are read from the environment when the application is built: by `serve`
before the workers are forked, and again by each worker started after a reload (`api/prefork.py`). The engine
reads no environment variable itself: `EngineSettings` is where the service and the command line (`cli/`) read the
three that set it up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from api.auth import ApiKeys
from api.errors import field_errors
from digisos.service import DEFAULT_DEADLINE_DAYS
from engine.case.rates import RateTable, load_rate_table
from engine.evaluate import DEFAULT_HORIZON_DAYS, ENGINES, Evaluator

# The repository's own scenarios. In an editable install (the README's) they sit beside the packages; a
# wheel does not carry them, and the service then simply has no request examples.
DEFAULT_EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class EngineSettings:
    rates: RateTable | None = None  # a municipality's own rate table; None: the national one in rules/
    date_horizon_days: int = DEFAULT_HORIZON_DAYS
    engine: str = "durable"  # a name in engine.evaluate.ENGINES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> EngineSettings:
        path = environ.get("REGELMOTOR_RATE_TABLE")
        engine = environ.get("REGELMOTOR_ENGINE") or cls.engine
        if engine not in ENGINES:
            raise ValueError(f"REGELMOTOR_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")
        return cls(rates=_rate_table(path) if path else None,
                   date_horizon_days=_positive_int(environ, "REGELMOTOR_DATE_HORIZON_DAYS", DEFAULT_HORIZON_DAYS),
                   engine=engine)

    def evaluator(self) -> Evaluator:
        return Evaluator(engine=ENGINES[self.engine](), rates=self.rates, horizon_days=self.date_horizon_days)


@dataclass(frozen=True)
class Settings:
    # One case with every list at its model maximum is well under this; a batch of 100 ordinary cases too.
    max_body_bytes: int = 1_048_576
    # NAV's example applications are 4–6 KB, and a register payment with its components (NAV's fixture) 460 bytes:
    # room for some 500 of them. Lower than the cases' limit: schema validation costs more per byte.
    max_digisos_body_bytes: int = 262_144
    max_batch_size: int = 100
    # Days after the decision date that the documents asked for in a Digisos answer are due, unless the request
    # sets the deadline (`documentation_deadline`). The office's own practice decides; two weeks by default.
    documentation_deadline_days: int = DEFAULT_DEADLINE_DAYS
    examples_dir: Path | None = DEFAULT_EXAMPLES_DIR
    api_keys: ApiKeys = ApiKeys()  # none: authentication off (the local, embedded run)
    engine: EngineSettings = EngineSettings()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        examples = environ.get("REGELMOTOR_EXAMPLES_DIR")
        return cls(
            max_body_bytes=_positive_int(environ, "REGELMOTOR_MAX_BODY_BYTES", cls.max_body_bytes),
            max_digisos_body_bytes=_positive_int(environ, "REGELMOTOR_MAX_DIGISOS_BODY_BYTES",
                                                 cls.max_digisos_body_bytes),
            max_batch_size=_positive_int(environ, "REGELMOTOR_MAX_BATCH_SIZE", cls.max_batch_size),
            documentation_deadline_days=documentation_deadline_days(environ),
            examples_dir=Path(examples) if examples else cls.examples_dir,
            api_keys=ApiKeys.from_env(environ),
            engine=EngineSettings.from_env(environ),
        )


def documentation_deadline_days(environ: Mapping[str, str] = os.environ) -> int:
    """REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS, which the command line reads too."""
    return _positive_int(environ, "REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS", DEFAULT_DEADLINE_DAYS)


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


def _rate_table(path: str) -> RateTable:
    """The table in the file, or a one-line ValueError naming what is wrong where: by the table's field names and
    positions, never by the file's values or keys."""
    try:
        return load_rate_table(Path(path))
    except OSError as error:
        raise ValueError(f"REGELMOTOR_RATE_TABLE: cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError("REGELMOTOR_RATE_TABLE: not UTF-8 text") from None
    except ValidationError as error:
        first = field_errors(error.errors(include_input=False)[:1])[0]
        raise ValueError(f"REGELMOTOR_RATE_TABLE: not a valid rate table: {first.path or '(the table)'}: "
                         f"{first.message}") from None
    except (yaml.YAMLError, RecursionError):  # RecursionError: YAML nested thousands deep
        raise ValueError("REGELMOTOR_RATE_TABLE: not valid YAML, or nested too deep for a rate table") from None
