import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from engine.evaluate import Evaluator

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
