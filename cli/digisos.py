"""`regelmotor evaluate --format digisos FILE [--decision-date DATE] [--documentation-deadline DATE]`: one
application, one answer on stdout.

FILE is a JsonSoknad, or a scenario file `{"soknad": …, "decision_date": …, "expected": …}` as in
`examples/digisos/` (its `decision_date` stands in for the request's). Bad input is one line on stderr and exit
code 2, as for a case; that line names the schema violation by path and schema location, never by value.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digisos.schema import MAX_VIOLATIONS, SoknadInvalid
from engine.case.types import calendar_date

if TYPE_CHECKING:
    from api.settings import EngineSettings

EXIT_BAD_INPUT = 2


def _fail(message: str) -> int:
    print(f"regelmotor: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def read_soknad(path: Path) -> tuple[Any, str | None]:
    """The application in the file, and the scenario's decision date if the file is a scenario."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "soknad" in data and "expected" in data:
        return data["soknad"], data.get("decision_date")
    return data, None


def describe(error: SoknadInvalid) -> str:
    first = error.violations[0]
    at_least = "at least " if len(error.violations) == MAX_VIOLATIONS else ""  # validation stops there
    more = f" (and {at_least}{len(error.violations) - 1} more)" if len(error.violations) > 1 else ""
    return (f"the application breaks the JsonSoknad schema ({error.layout.schema_file}): "
            f"{first.dotted or '(document)'}: {first.message} (schema: {first.schema_location}){more}")


def evaluate_soknad_file(file: str, decision_date: str | None, documentation_deadline: str | None,
                         settings: EngineSettings) -> int:
    from api.settings import documentation_deadline_days
    from digisos.service import DeadlineBeforeDecision, evaluate_soknad
    from engine.evaluate import LawNotEncoded

    try:
        document, scenario_date = read_soknad(Path(file))
    except OSError as error:
        return _fail(f"cannot read {file}: {error.strerror}")
    except json.JSONDecodeError as error:
        return _fail(f"{file} is not valid JSON: line {error.lineno} column {error.colno}: {error.msg}")
    except UnicodeDecodeError:
        return _fail(f"{file} is not UTF-8 text")
    given = decision_date or scenario_date
    try:
        day = calendar_date(given) if given is not None else None  # as the HTTP route reads it: YYYY-MM-DD
    except (TypeError, ValueError):
        return _fail("--decision-date must be a date, YYYY-MM-DD")
    try:
        deadline = calendar_date(documentation_deadline) if documentation_deadline is not None else None
    except (TypeError, ValueError):
        return _fail("--documentation-deadline must be a date, YYYY-MM-DD")
    try:
        answer = evaluate_soknad(document, settings.evaluator(), day, deadline=deadline,
                                 deadline_days=documentation_deadline_days())
    except SoknadInvalid as error:
        return _fail(f"{file}: {describe(error)}")
    except LawNotEncoded as error:
        return _fail(str(error))
    except DeadlineBeforeDecision as error:
        return _fail(f"--documentation-deadline: {error}")
    print(answer.model_dump_json(indent=2))
    return 0
