"""POST /v1/letters: the decision-letter draft of a case (views/letter.py), as JSON, PDF or text.

The case is evaluated exactly as POST /v1/evaluations does; the draft is made from that answer. `blanks` carries
the caseworker's text for the draft's marked blanks, by id (a first request without it shows which there are).
The text is free text: never logged, and never repeated in an error; nor is a blank's id, which the client chose
(an unknown blank is `blanks.*`).
"""


from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Request, Response

from api.bodies import LetterRequest
from api.errors import ProblemException, correlation_id, field_errors, invalid_fields, responses
from api.examples import Example
from api.strict_json import StrictJsonRoute
from engine.evaluate import Evaluator
from views.letter import Letter, UnknownBlank, draft, text

TAG = "letters"


def unknown_blanks(error: UnknownBlank, correlation: str | None) -> ProblemException:
    """A 422 with an entry for each filled-in blank the draft does not have (`blanks.*`: neither its id nor its
    text is repeated)."""
    return ProblemException(invalid_fields(field_errors(
        [{"loc": ("blanks", blank), "msg": "the draft has no blank with this id",
          "msg_nb": "Utkastet har ikke et felt med denne id-en."} for blank in error.ids]), correlation))


MEDIA = {"json": "application/json", "pdf": "application/pdf", "text": "text/plain; charset=utf-8"}


def router(evaluator: Evaluator, examples: list[Example]) -> APIRouter:
    routes = APIRouter(prefix="/v1/letters", tags=[TAG], route_class=StrictJsonRoute)
    sample = {e.name: {"summary": e.title_nb, "value": {"case": e.case}} for e in examples[:3]}

    @routes.post(
        "", response_model=Letter, summary="Draft the decision letter",
        description="A draft vedtak in bokmål, made from the case's answer: the decision per question and per "
                    "need (never one the engine did not make: discretion is a marked blank), the rules and facts it "
                    "rests on, the "
                    "considerations with blanks for the caseworker's judgement, the guideline calculation, the "
                    "conditions and the appeal information (forvaltningsloven §§ 24, 25, 27). `format=pdf` gives "
                    "the draft as a PDF, `format=text` as plain text.",
        responses={**responses(400, 413, 415, 422, 500),
                   200: {"description": "The draft.", "content": {
                       "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                       "text/plain": {"schema": {"type": "string"}}}}},
    )
    def letter(
        request: Request,
        body: Annotated[LetterRequest, Body(openapi_examples=sample)],
        format: Annotated[Literal["json", "pdf", "text"], Query(
            description="json (default), pdf or text.")] = "json",
    ) -> Response:
        evaluation = evaluator.evaluate(body.case)
        try:
            drafted = draft(evaluation, evaluator.rulebook.outcomes, body.blanks)
        except UnknownBlank as error:
            raise unknown_blanks(error, correlation_id(request)) from None
        if format == "pdf":
            # Imported on the first PDF asked for: the PDF library and its font tools take about half a second to
            # import, a quarter of a worker's start-up, for a format few requests want.
            from views.letter_pdf import pdf

            return Response(pdf(drafted), media_type=MEDIA["pdf"],
                            headers={"Content-Disposition": 'attachment; filename="utkast-til-vedtak.pdf"'})
        if format == "text":
            return Response(text(drafted), media_type=MEDIA["text"])
        return Response(drafted.json_bytes(), media_type=MEDIA["json"])

    return routes
