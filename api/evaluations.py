"""POST /v1/evaluations (one case; `?view=summary` for the short answer) and POST /v1/evaluations/batch (many,
answered item by item).

A case sent in a small body (up to `strict_json.INLINE_BYTES`, as nearly every case is) is evaluated on the event
loop, as its body was read there: it takes 1-2 ms, and a light request that changes threads as seldom as this
waits least for a thread reading a large body beside it (benchmarks/heavy_clients.py). A larger case, and a batch
(a plain `def` handler), are evaluated in FastAPI's thread pool. The engine's own lock (`engine/run/runtime.py`)
serialises every call into durable-rules inside the process. Answers are serialised by pydantic exactly as the
command line prints them (not re-validated through a response model), so the service and `regelmotor evaluate`
give the same JSON values apart from the time stamp.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import Field, TypeAdapter, ValidationError, WithJsonSchema
from starlette.concurrency import run_in_threadpool

from api.errors import (
    BATCH_TOO_LARGE,
    Problem,
    ProblemException,
    correlation_id,
    engine_failure,
    invalid_case,
    law_not_encoded,
    problem,
    responses,
)
from api.examples import Example, batch_openapi_example, openapi_examples
from api.request_context import log_failure
from api.settings import Settings
from api.strict_json import StrictJsonRoute, read_inline, validate_strictly
from engine.answer.models import Evaluation, LeanEvaluation
from engine.case.model import Case
from engine.evaluate import Evaluator, LawNotEncoded
from engine.models import OutputModel
from views.summary import Summary, summarise

TAG = "evaluations"
View = Literal["lean", "full", "summary"]
VIEW_QUERY = Query(description="lean (the default): what is particular to the case — outcomes, reasons, missing "
                               "facts, considerations, the calculation, the open duties, warnings, a receipt naming "
                               "the rule set; the rule book's own texts are at GET /v1/rules/{id}. full: the whole "
                               "Evaluation — provision blocks, every duty with its texts, the trace, the digest of "
                               "every rule file and of the input. summary: the short answer a caseworker reads, in "
                               "Norwegian, derived from the full Evaluation.")


def answer_of(evaluator: Evaluator, case: Case, view: View) -> Evaluation | LeanEvaluation | Summary:
    if view == "lean":
        return evaluator.evaluate_lean(case)
    evaluation = evaluator.evaluate(case)
    return summarise(evaluation, evaluator.rulebook.outcomes) if view == "summary" else evaluation


class BatchSuccess(OutputModel):
    index: int = Field(description="The case's position in the request (from 0).")
    status: Literal[200] = Field(description="As the single-case endpoint would have answered: 200.")
    evaluation: LeanEvaluation | Evaluation | Summary = Field(description="The answer, exactly as POST "
                                                                          "/v1/evaluations gives it in the same "
                                                                          "view.")


class BatchFailure(OutputModel):
    index: int = Field(description="The case's position in the request (from 0).")
    status: int = Field(description="As the single-case endpoint would have answered: 422 for an invalid case or "
                                    "a date with no encoded law, 500 if the engine failed on it.")
    problem: Problem = Field(description="The problem for this case alone; field pointers include its position.")


BatchItem = Annotated[BatchSuccess | BatchFailure, Field(description="The answer for one case of the batch.")]
_BATCH_RESULT = TypeAdapter(list[BatchItem])

# The batch is read as a list of anything, so that one malformed case is that case's error rather than the
# whole request's; the documented schema still says "a list of cases".
_AnyCase = Annotated[Any, WithJsonSchema({"$ref": "#/components/schemas/Case"})]


def evaluate_batch(evaluator: Evaluator, items: list[Any], correlation: str,
                   view: View = "lean") -> list[BatchSuccess | BatchFailure]:
    results: list[BatchSuccess | BatchFailure] = []
    for index, item in enumerate(items):
        try:
            case = validate_strictly(Case, item)  # the JSON types the schema documents, as for one case
            results.append(BatchSuccess(index=index, status=200, evaluation=answer_of(evaluator, case, view)))
        except ValidationError as error:
            failure = invalid_case(error, correlation, body_prefix=(index,))
            results.append(BatchFailure(index=index, status=failure.status, problem=failure))
        except LawNotEncoded as error:
            failure = law_not_encoded(error, correlation, body_prefix=(index,))
            results.append(BatchFailure(index=index, status=failure.status, problem=failure))
        except Exception as error:  # noqa: BLE001 — the engine failed on this case; the others still get answers
            log_failure(correlation, error, f"batch item {index}")
            failure = engine_failure(correlation)
            results.append(BatchFailure(index=index, status=failure.status, problem=failure))
    return results


def batch_json(results: list[BatchSuccess | BatchFailure]) -> bytes:
    return _BATCH_RESULT.dump_json(results)


def router(evaluator: Evaluator, settings: Settings, examples: list[Example]) -> APIRouter:
    routes = APIRouter(prefix="/v1/evaluations", tags=[TAG], route_class=StrictJsonRoute)

    @routes.post(
        "", response_model=LeanEvaluation | Evaluation | Summary, summary="Evaluate one case",
        description="Answers, for each provision in force on `decision_date`, what the law says about the case: "
                    "the outcome with its legal basis, the facts still missing, what is left to discretion, and "
                    "the duties toward the client with their status. Pick a scenario under *Examples* to try it. "
                    "With `view=summary`, the short answer a caseworker reads (in Norwegian): per question the "
                    "outcome, the reasons with their citations, the missing facts by name, the considerations and "
                    "the calculation, and the open duties with what fulfils each; then each need's own answer — "
                    "built from the same Evaluation.",
        responses=responses(400, 413, 415, 422, 500, s422="An invalid field (each listed with its path and "
                                                          "message), or no encoded law on the decision date (the "
                                                          "problem names `decision_date`)."),
    )
    async def evaluate(
        request: Request,
        case: Annotated[Case, Body(openapi_examples=openapi_examples(examples))],
        view: Annotated[View, VIEW_QUERY] = "lean",
    ) -> Response:
        def answer() -> bytes:  # serialised by the model itself, as the command line does (no second validation)
            return answer_of(evaluator, case, view).json_bytes()

        evaluated = answer() if read_inline(request) else await run_in_threadpool(answer)
        return Response(evaluated, media_type="application/json")

    @routes.post(
        "/batch", response_model=list[BatchItem], summary="Evaluate many cases",
        description=f"A list of cases (at most {settings.max_batch_size}) → a list of results in the same order. "
                    "Each item is either an evaluation (`status` 200) or that case's own problem (`status` 422 or "
                    "500): one bad case never fails the batch. The HTTP status is 200 whenever the request itself "
                    "was a list within the limits.",
        responses=responses(400, 413, 415, 422, 500, s413="The body, or the number of cases, is over the limit.",
                            s422="The body is not a list."),
    )
    def evaluate_many(
        request: Request,
        cases: Annotated[list[_AnyCase], Body(openapi_examples=batch_openapi_example(examples))],
        view: Annotated[View, VIEW_QUERY] = "lean",
    ) -> Response:
        correlation = correlation_id(request)
        if len(cases) > settings.max_batch_size:
            raise ProblemException(problem(BATCH_TOO_LARGE, f"{len(cases)} cases; at most "
                                                            f"{settings.max_batch_size} per request.", correlation))
        return Response(batch_json(evaluate_batch(evaluator, cases, correlation, view)),
                        media_type="application/json")

    return routes
