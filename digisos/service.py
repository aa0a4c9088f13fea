"""One application in, one answer out: validate, map, evaluate, translate.

The command line (`regelmotor evaluate --format digisos`) and the HTTP route (`api/digisos.py`) both call
`evaluate_soknad`; neither logs anything of the application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from digisos.answer import DigisosEvaluation
from digisos.events import candidate_events
from digisos.mapping import map_soknad
from digisos.schema import validate_soknad
from engine.case.model import Conditions
from engine.evaluate import Evaluator

# The days an applicant has to send the documents asked for, from the decision date, where the caller sets no
# deadline (`REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS` for the service and the command line).
DEFAULT_DEADLINE_DAYS = 14


class DeadlineBeforeDecision(ValueError):
    """A deadline for documents before the decision date they are asked for on."""


def evaluate_soknad(document: Any, evaluator: Evaluator, decision_date: dt.date | None = None,
                    today: Callable[[], dt.date] = dt.date.today, deadline: dt.date | None = None,
                    deadline_days: int = DEFAULT_DEADLINE_DAYS) -> DigisosEvaluation:
    """The Evaluation of a JsonSoknad, the mapping report and the candidate events. The documents asked for are
    due on `deadline`, or `deadline_days` after the decision date.

    Raises `SoknadInvalid` when the application breaks its schema, `LawNotEncoded` when no encoded law is in
    force on the decision date (the request's, or today), and `DeadlineBeforeDecision`.
    """
    layout = validate_soknad(document)
    day, source = (decision_date, "request") if decision_date is not None else (today(), "today")
    if deadline is not None and deadline < day:
        raise DeadlineBeforeDecision(f"the deadline for documents ({deadline.isoformat()}) is before the decision "
                                     f"date ({day.isoformat()})")
    case, report = map_soknad(document, layout, day, source)
    evaluation = evaluator.evaluate(case)
    # The same case before the caseworker has set any condition or found any exception (see events.py).
    baseline = evaluator.evaluate(case.model_copy(update={"conditions": Conditions(
        stipulated=[], weighty_reasons_against_activity=False, weighty_reasons_recorded=False)}))
    events = candidate_events(evaluation, report, evaluator.rulebook.ruleset_on(case.decision_date),
                              deadline or day + dt.timedelta(days=deadline_days), baseline)
    return DigisosEvaluation(evaluation=evaluation, mapping=report, candidate_events=events)
