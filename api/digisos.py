"""POST /v1/digisos/soknad/evaluations: NAV's application for financial assistance (JsonSoknad) in; the
Evaluation, the mapping report and candidate Digisos events out (`digisos/`).

The body is the application as NAV's systems deliver it. An application that breaks its schema is a 422
problem listing each violation with the field's path and pointer, and the schema location in the message —
never the field's value, which may be an identity number or an account number. The decision date is a query
parameter, because an application has none (default: today); a date with no encoded law is a 422 naming it.
"""

import json
import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import WithJsonSchema

from api.errors import (
    INVALID_REQUEST,
    FieldError,
    Problem,
    ProblemException,
    correlation_id,
    field_errors,
    invalid_fields,
    law_not_encoded,
    problem,
    responses,
)
from api.logs import SERVICE_LOGGER
from api.settings import Settings
from api.strict_json import StrictJsonRoute
from digisos.answer import DigisosEvaluation
from digisos.schema import MAX_VIOLATIONS, SoknadInvalid
from digisos.service import DeadlineBeforeDecision, evaluate_soknad
from engine.case.types import CalendarDate
from engine.evaluate import Evaluator, LawNotEncoded

TAG = "digisos"
PATH = "/v1/digisos/soknad/evaluations"
ONCE = "given more than once; give it once (oppgis én gang)"
BEFORE = "before the decision date; the deadline is on or after it (fristen kan ikke være før vedtaksdatoen)"
log = logging.getLogger(SERVICE_LOGGER)

_Soknad = Annotated[dict[str, Any], WithJsonSchema({
    "type": "object",
    "title": "JsonSoknad",
    "description": "NAV's application for financial assistance, as defined by navikt/soknadsosialhjelp-filformat "
                   "(json/soknad/soknad.json; applications whose driftsinformasjon is a string follow the older "
                   "scripts/soknad_bundle.json). The schemas are vendored in digisos/schemas/.",
})]


def soknad_invalid(error: SoknadInvalid, correlation: str | None) -> Problem:
    fields = [FieldError(path=violation.dotted, pointer=violation.pointer,
                         message=f"{violation.message} (schema: {violation.schema_location})")
              for violation in error.violations]
    noun = "violation" if len(fields) == 1 else "violations"
    count = f"the first {len(fields)} violations found" if len(fields) == MAX_VIOLATIONS else f"{len(fields)} {noun}"
    return problem(INVALID_REQUEST, f"The application breaks the JsonSoknad schema ({error.layout.schema_file}): "
                                    f"{count}; see errors.", correlation, fields)


def load_scenarios(directory: Path | None) -> dict[str, dict[str, Any]]:
    """Swagger's request examples: the scenario applications in `examples/digisos/` (a broken file is left out
    and logged by name)."""
    if directory is None or not directory.is_dir():
        return {}
    named = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            expected = data["expected"]
            named[path.stem] = {"summary": str(expected["summary"])[:120],
                                "description": f"Source: {expected.get('source', '')}. Evaluate with "
                                               f"`decision_date={data.get('decision_date', '')}`.",
                                "value": data["soknad"]}
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("example left out", extra={"fields": {"event": "examples", "file": path.name,
                                                             "error_type": type(error).__name__}})
    return named


def router(evaluator: Evaluator, settings: Settings) -> APIRouter:
    routes = APIRouter(tags=[TAG], route_class=StrictJsonRoute)  # duplicate keys, NaN, deep nesting: 400
    scenarios = load_scenarios(settings.examples_dir / "digisos" if settings.examples_dir else None)

    @routes.post(
        PATH, response_model=DigisosEvaluation, summary="Evaluate a Digisos application (JsonSoknad)",
        description="Validates NAV's application against its schema, maps it to a case (the `mapping` report "
                    "says which case field came from which field of the application, which were left unknown "
                    "and why, and which register look-ups had failed), evaluates it as of `decision_date`, and "
                    "answers with the Evaluation and the candidate Digisos events (JsonDigisosSoker `hendelser`) "
                    "a case-management system can publish after the caseworker's decision. Identity numbers, "
                    "names, account and phone numbers are never read.",
        responses=responses(400, 413, 415, 422, 500, s422="The application breaks its schema (each violation "
                                                          "with its path and the schema location), or no encoded "
                                                          "law on `decision_date`."),
    )
    def evaluate(
        request: Request,
        soknad: Annotated[_Soknad, Body(openapi_examples=scenarios or None)],
        decision_date: Annotated[CalendarDate | None, Query(
            description="Vedtaksdato — the date to evaluate as of (YYYY-MM-DD). An application has no decision "
                        "date of its own; default: today.")] = None,
        documentation_deadline: Annotated[CalendarDate | None, Query(
            description="Frist for dokumentasjon — the last day for the documents the candidate "
                        "`dokumentasjonkrav` events ask for (YYYY-MM-DD), not before the decision date. Default: "
                        f"{settings.documentation_deadline_days} days after the decision date "
                        "(REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS).")] = None,
    ) -> Response:
        correlation = correlation_id(request)
        for name in ("decision_date", "documentation_deadline"):
            if len(request.query_params.getlist(name)) > 1:  # FastAPI would silently take the last
                raise ProblemException(invalid_fields(field_errors([{"loc": (name,), "msg": ONCE}],
                                                                   body_prefix=None), correlation))
        try:
            answer = evaluate_soknad(soknad, evaluator, decision_date, deadline=documentation_deadline,
                                     deadline_days=settings.documentation_deadline_days)
        except SoknadInvalid as error:
            raise ProblemException(soknad_invalid(error, correlation)) from None
        except LawNotEncoded as error:
            raise ProblemException(law_not_encoded(error, correlation, body_prefix=None)) from None
        except DeadlineBeforeDecision:
            raise ProblemException(invalid_fields(field_errors(
                [{"loc": ("documentation_deadline",), "msg": BEFORE}], body_prefix=None), correlation)) from None
        return Response(answer.json_bytes(), media_type="application/json")

    return routes
