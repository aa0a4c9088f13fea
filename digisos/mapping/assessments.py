"""Case fields that are the caseworker's own assessment — economic rights not claimed, whether work is realistic,
the life situation: the application cannot give them, so the report says so, naming what the application has on
the subject.
"""

from __future__ import annotations

from digisos.mapping.core import Mapper, get


def assessments(m: Mapper) -> None:
    """Case fields that are the caseworker's own assessment: the application cannot give them."""
    m.record("economic_rights", None, ["data.okonomi.opplysninger.bostotte"]
             if get(m.data, "okonomi", "opplysninger", "bostotte") else [],
             "The caseworker's assessment: which benefits the household could claim and has not (housing "
             "allowance, sickness benefit …), with their expected amounts.")
    m.record("work.can_support_self_through_work", None,
             ["data.arbeid"] if get(m.data, "arbeid") else [],
             "The caseworker's assessment of realistic, available work; the application's answers about work "
             "do not settle it.")
    for field in ("life_situation.difficult", "life_situation.help_could_overcome_or_adapt"):
        m.record(field, None, [], "The caseworker's assessment; the applicant's own words are not "
                                  "interpreted beyond the request's keywords.")
