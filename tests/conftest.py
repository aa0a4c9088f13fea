import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from api.app import create_app
from api.settings import Settings
from engine.answer.models import Evaluation, LeanEvaluation
from engine.evaluate import Evaluator

with warnings.catch_warnings():
    # Starlette 1.x asks for `httpx2` under its test client; `httpx` (the test extra) still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))

# Property tests (tests/test_properties.py): `quick` by default, `thorough` with HYPOTHESIS_PROFILE=thorough.
# Failing examples are saved in .hypothesis/ (git-ignored) and replayed first on the next run.
_HYPOTHESIS = {"deadline": None, "database": DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples"),
               "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], "print_blob": True}
settings.register_profile("quick", max_examples=200, **_HYPOTHESIS)
settings.register_profile("thorough", max_examples=3000, **_HYPOTHESIS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def load_example(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    return Evaluator()


def essence(answer: Evaluation | LeanEvaluation | dict, mode: Literal["json", "python"] = "json") -> dict:
    """An answer without its time stamp (`receipt.evaluated_at`): what must be the same however it was computed.

    `answer` is an answer as JSON (a dict), or an Evaluation (full or lean), which is dumped in `mode`: as JSON by
    default, or as Python values (Decimal, date, enum) with `mode="python"`.
    """
    if isinstance(answer, Evaluation | LeanEvaluation):
        answer = answer.model_dump(mode=mode)
    return {**answer, "receipt": {k: v for k, v in answer["receipt"].items() if k != "evaluated_at"}}


@contextmanager
def app_client(evaluator: Evaluator, settings: Settings | None = None) -> Iterator[TestClient]:
    """The service in-process with `settings` (the defaults if none), started and stopped around the block."""
    with TestClient(create_app(settings or Settings(), evaluator)) as client:
        yield client


@pytest.fixture(scope="module")
def client(evaluator: Evaluator) -> Iterator[TestClient]:
    """The service in-process with the default settings, one per test module."""
    with app_client(evaluator) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def report(pytestconfig):
    """Print to the terminal even when pytest captures output: the figures a test measured, in the CI log."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def emit(text: str) -> None:
        with capture.global_and_fixture_disabled():
            print(text, flush=True)

    return emit
