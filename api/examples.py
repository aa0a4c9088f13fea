"""Swagger's request examples, read from `examples/*.json` when the service starts — never copied into code.

Each file is `{"case": …, "expected": {"title_nb": …, "summary": …, "source": …, "decisions": …, "duties": …}}`.
The example's name is the file's stem, its summary the Norwegian title (`expected.title_nb`, which the page's
scenario picker shows too), and its description the scenario in English, where it comes from and what the engine
is expected to answer, so a caseworker can pick a scenario and compare.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.logs import SERVICE_LOGGER
from engine.case.model import Case

log = logging.getLogger(SERVICE_LOGGER)


@dataclass(frozen=True)
class Example:
    name: str
    title_nb: str
    summary: str
    source: str
    case: dict[str, Any]
    expected: dict[str, Any]

    def description(self) -> str:
        outcomes = ", ".join(f"§ {question}: `{outcome}`"
                             for question, outcome in self.expected.get("decisions", {}).items())
        text = f"{self.summary} Source: {self.source}."
        return f"{text} Expected: {outcomes}." if outcomes else text


def load_examples(directory: Path | None) -> list[Example]:
    """The scenarios in `directory`, in file-name order. A file that is not a valid example is left out and
    logged: a broken documentation example must not keep the service from starting."""
    if directory is None or not directory.is_dir():
        log.info("no request examples", extra={"fields": {"event": "examples", "directory": str(directory)}})
        return []
    examples = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            Case.model_validate(data["case"])
            expected = data["expected"]
            examples.append(Example(name=path.stem, title_nb=str(expected["title_nb"]),
                                    summary=str(expected["summary"]), source=str(expected.get("source", "")),
                                    case=data["case"], expected=expected))
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as error:
            log.warning("example left out", extra={"fields": {"event": "examples", "file": path.name,
                                                             "error_type": type(error).__name__}})
    return examples


def openapi_examples(examples: list[Example]) -> dict[str, dict[str, Any]]:
    """The request examples for one case, as FastAPI's `openapi_examples` wants them."""
    return {e.name: {"summary": e.title_nb, "description": e.description(), "value": e.case} for e in examples}


def batch_openapi_example(examples: list[Example], size: int = 3) -> dict[str, dict[str, Any]]:
    """One batch example: the first few scenarios, in one request."""
    chosen = examples[:size]
    if not chosen:
        return {}
    names = ", ".join(e.name for e in chosen)
    return {"first-scenarios": {"summary": f"{len(chosen)} scenarios in one request",
                                "description": f"The scenarios {names}; the answer has one item per case, in "
                                               "this order.",
                                "value": [e.case for e in chosen]}}
