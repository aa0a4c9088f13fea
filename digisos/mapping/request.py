"""The request: what is applied for, whether the need is acute, and whether there is money at hand, from keywords
in the applicant's own words (`data.begrunnelse`). The text is read for the keywords of `vocabulary.REQUEST_WORDS`,
`ACUTE_WORDS` and `NO_MONEY_WORDS` only; neither the text nor the matched words are kept.

An acute need is the immediate need (no food or shelter here and now), which the engine answers as a need of its
own: it is listed in `request.needs`. Whether there is money at hand today is left unknown unless the applicant's
own words say there is none.
"""

from __future__ import annotations

from typing import Any

from digisos import vocabulary as v
from digisos.mapping.core import Mapper, get, outdated
from engine.case.model import ACUTE_NEED_ID, AppliedFor, NeedKind


def request(m: Mapper) -> dict[str, Any]:
    """The case's `request`: applied_for, and acute_need, needs and means_at_hand where the words say so."""
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
    values: dict[str, Any] = {"applied_for": applied}
    acute = len(v.words_in(text, v.ACUTE_WORDS))
    if not acute:
        m.record("request.acute_need", None, sources,
                 "The applicant's own words name no acute need; that does not rule one out, so it is unknown.")
        return values
    values["acute_need"] = m.record(
        "request.acute_need", True, sources,
        f"The applicant's own words name an acute need ({acute} phrase(s) of the keyword list, e.g. no food or "
        "nowhere to sleep). The caseworker confirms it.")
    values["needs"] = m.record(
        "request.needs", [{"id": ACUTE_NEED_ID, "kind": NeedKind.immediate.value}], sources,
        "The acute need is the immediate need (food or shelter here and now), answered as a need of its own.")
    no_money = len(v.words_in(text, v.NO_MONEY_WORDS))
    if no_money:
        values["means_at_hand"] = m.record(
            "request.means_at_hand", False, sources,
            f"The applicant's own words say there is no money at hand ({no_money} phrase(s) of the keyword "
            "list). The caseworker confirms it.")
    else:
        m.record("request.means_at_hand", None, sources,
                 "The application does not say whether there is money at hand today to meet the acute need; the "
                 "applicant's answers on savings do not settle cash or what is left of this month's money.",
                 [v.BANK_STATEMENT])
    return values
