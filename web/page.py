"""The caseworker's page (`GET /`): a form for the case, the answer as a caseworker reads it, what changed since the
previous answer, and the decision-letter draft — in bokmål, served by the service itself, working without internet
(every script and style is in `web/static/`, written here; no font is fetched).

The page decides nothing. Its answer is the summary of the Evaluation (`views/summary.py`) rendered as HTML, the
comparison is two summaries side by side (`views/compare.py`), the letter is `views/letter.py`'s draft. The form
is derived from the case model (`web/form.py`). The HTML fragments come from `POST /page/answer` and
`POST /page/letter`, which take the same strict JSON and validation as the API and answer a problem the same way.
"""

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api.bodies import AnswerRequest, LetterRequest
from api.errors import correlation_id
from api.examples import Example
from api.letters import unknown_blanks
from api.parameters import parameters
from api.settings import Settings
from api.strict_json import StrictJsonRoute
from engine.case.glossary import dotted, kroner, show
from engine.evaluate import Evaluator
from views.compare import compare
from views.letter import UnknownBlank, draft
from views.summary import summarise
from web.form import case_form
from web.paths import EXAMPLES, STATIC

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters.update(dotted=dotted, kroner=kroner, show=show)


def install(app: FastAPI, evaluator: Evaluator, settings: Settings, examples: list[Example]) -> None:
    app.mount(STATIC, StaticFiles(directory=str(HERE / "static")), name="page-static")
    app.include_router(router(evaluator, settings, examples))


def router(evaluator: Evaluator, settings: Settings, examples: list[Example]) -> APIRouter:
    routes = APIRouter(include_in_schema=False, route_class=StrictJsonRoute)
    by_name = {example.name: example for example in examples}
    form = case_form()
    rates = parameters(evaluator.rates).guideline_rates
    outcomes = evaluator.rulebook.outcomes

    @routes.get("/", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "page.html", {
            "form": form, "examples": examples, "rates": rates, "keys_required": settings.api_keys.enabled,
            "static": STATIC})

    @routes.get(EXAMPLES + "/{name}")
    def example(name: str) -> JSONResponse:
        chosen = by_name.get(name)
        if chosen is None:
            raise HTTPException(404)
        return JSONResponse(chosen.case)

    @routes.post("/page/answer", response_class=HTMLResponse)
    def answer(request: Request, body: AnswerRequest) -> HTMLResponse:
        evaluation = evaluator.evaluate(body.case)
        summary = summarise(evaluation, outcomes)
        changes = None
        if body.previous is not None:
            changes = compare(summarise(evaluator.evaluate(body.previous), outcomes), summary)
        return templates.TemplateResponse(request, "answer.html", {
            "summary": summary, "evaluation": evaluation, "changes": changes,
            "trace": evaluation.model_dump_json(indent=2, include={"trace", "receipt"})})

    @routes.post("/page/letter", response_class=HTMLResponse)
    def letter(request: Request, body: LetterRequest) -> Response:
        try:
            drafted = draft(evaluator.evaluate(body.case), outcomes, body.blanks)
        except UnknownBlank as error:
            raise unknown_blanks(error, correlation_id(request)) from None
        return templates.TemplateResponse(request, "letter.html", {"letter": drafted})

    return routes
