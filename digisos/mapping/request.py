"""The request: what is applied for and whether the need is acute, from keywords in the applicant's own words
(`data.begrunnelse`). The text is read for the keywords of `vocabulary.REQUEST_WORDS` and `ACUTE_WORDS` only;
neither the text nor the matched words are kept.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.mapping.core import Mapper, get, outdated
from engine.case.model import AppliedFor


def request(m: Mapper) -> tuple[bool | None, list[AppliedFor]]:
    reasons = get(m.data, "begrunnelse")
    text = ""
    if isinstance(reasons, dict) and not outdated(reasons):
        text = "\n".join(value for value in (reasons.get("hvaSokesOm"), reasons.get("hvorforSoke"))
                         if isinstance(value, str))
    sources = ["data.begrunnelse"] if text else []
    matched = [kind for kind, words in v.REQUEST_WORDS.items() if v.words_in(text, words)]
    applied = [kind for kind in AppliedFor if kind in matched]
    note = ("Read from the applicant's own words (begrunnelse) by keyword: " + ", ".join(applied) + "."
            if applied else "The applicant's own words (begrunnelse) name nothing the keyword list knows.")
    if not any(kind != AppliedFor.individual_plan for kind in applied):
        applied.insert(0, AppliedFor.living_costs)
        note += (" A JsonSoknad is an application for financial assistance (økonomisk sosialhjelp), so it is "
                 "read as one for living costs.")
    m.record("request.applied_for", applied, sources, note)
    acute = len(v.words_in(text, v.ACUTE_WORDS))
    if acute:
        m.record("request.acute_need", True, sources,
                 f"The applicant's own words name an acute need ({acute} phrase(s) of the keyword list, "
                 "e.g. no food or nowhere to sleep). The caseworker confirms it.")
        return True, applied
    m.record("request.acute_need", None, sources,
             "The applicant's own words name no acute need; that does not rule one out, so it is unknown.")
    return None, applied
