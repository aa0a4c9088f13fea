"""Education: whether the applicant studies, and full-time or part-time (`data.utdanning`).

The case carries the answers; what being a full-time student means for the right to assistance is in the rule
files (sotjl § 18 / 1991 § 5-1: a consideration on student finance from Lånekassen).
"""

from __future__ import annotations

from digisos.mapping.core import Mapper, get, outdated

# utdanning.studentgrad: full-time or part-time
FULL_TIME = {"heltid": True, "deltid": False}


def education(m: Mapper) -> tuple[bool | None, bool | None]:
    """(student, full_time) as the applicant answered; None where not answered."""
    answers = get(m.data, "utdanning")
    answers = answers if isinstance(answers, dict) and not outdated(answers) else {}
    student = answers.get("erStudent") if isinstance(answers.get("erStudent"), bool) else None
    m.record("education.student", student, ["data.utdanning.erStudent"] if student is not None else [],
             {True: "The applicant is a student.", False: "The applicant is not a student.",
              None: "Not answered: the application does not say whether the applicant studies (erStudent)."}[student])
    full_time = FULL_TIME.get(answers.get("studentgrad")) if student is not False else None
    source = ["data.utdanning.studentgrad"] if full_time is not None else []
    if student is False:
        note = "Not asked: the applicant is not a student."
    elif full_time is None:
        note = "Not answered: the application does not say whether the studies are full-time (studentgrad)."
    else:
        note = "Full-time studies (studentgrad heltid)." if full_time else "Part-time studies (studentgrad deltid)."
    m.record("education.full_time", full_time, source, note)
    return student, full_time
