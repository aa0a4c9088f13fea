import json
from pathlib import Path

import pytest

from engine.evaluate import Evaluator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def load_example(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    return Evaluator()
