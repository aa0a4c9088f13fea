"""The request bodies that wrap a case: the letter request (`POST /v1/letters`, `api/letters.py`) and the page's
answer request (`POST /page/answer`, `web/page.py`). Their field names are among the names an error may repeat
(`api/errors.py`), so they are defined here, below the error module."""

from typing import Annotated

from pydantic import Field, StringConstraints

from engine.case.model import Case
from engine.models import InputModel

BlankId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.:-]*$", max_length=120)]
BlankText = Annotated[str, StringConstraints(max_length=4000)]


class LetterRequest(InputModel):
    case: Case = Field(description="The case, as POST /v1/evaluations takes it.")
    blanks: dict[BlankId, BlankText] = Field(
        {}, max_length=100, description="Utfylte felt — the caseworker's text for the draft's blanks, by blank id "
                                        "(`5-2/decision`, `5-2/consideration/child-welfare`, `conditions` …). Free "
                                        "text, never logged. While a blank is empty the duty to give reasons "
                                        "(forvaltningsloven § 25) stays open in the draft.")


class AnswerRequest(InputModel):
    case: Case = Field(description="The case as the form has it now.")
    previous: Case | None = Field(None, description="The case of the previous answer, to show what changed.")
