"""Child support: the applicant's answer (`data.familie.forsorgerplikt.barnebidrag`: betaler, mottar, begge, ingen)
held against the income line "barnebidrag" (support received) and the expense line "barnebidrag" (support paid).

A line the answer rules out is a contradiction: it is flagged, neither side is preferred, and the line's amount
is left unknown. An answer that says support is paid or received, with no line giving the amount, is an item of
unknown amount. Income (income.py) and expenses (expenses.py) each ask here for their side.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.answer import FlagKind
from digisos.mapping.core import Mapper, get, outdated

ANSWER = "data.familie.forsorgerplikt.barnebidrag"

# What each answer says, for the flag (the answers are NAV's closed code list, not the applicant's words).
SAYS = {
    "betaler": ("at søkeren betaler barnebidrag", "that the applicant pays child support"),
    "mottar": ("at søkeren mottar barnebidrag", "that the applicant receives child support"),
    "begge": ("at søkeren både betaler og mottar barnebidrag", "that the applicant both pays and receives support"),
    "ingen": ("at søkeren verken betaler eller mottar barnebidrag",
              "that the applicant neither pays nor receives child support"),
}


def answer(m: Mapper) -> str | None:
    """The applicant's answer on child support, or None if not given."""
    node = get(m.data, "familie", "forsorgerplikt", "barnebidrag")
    value = node.get("verdi") if isinstance(node, dict) and not outdated(node) else None
    return value if value in SAYS else None


def contradicted(m: Mapper, path: str, received: bool) -> bool:
    """Whether the answer rules out the line at `path` (support received, or paid); the contradiction is flagged."""
    given = answer(m)
    if given is None or given in (v.SUPPORT_RECEIVED_ANSWERS if received else v.SUPPORT_PAID_ANSWERS):
        return False
    nb, en = SAYS[given]
    line_nb, line_en = ("som inntekt", "as income") if received else ("som utgift", "as an expense")
    m.flag(FlagKind.contradiction, [ANSWER, path],
           f"Søkeren har svart {nb}, men fører opp barnebidrag {line_nb}. Beløpet er ikke regnet med; det er ukjent "
           "til saksbehandler har avklart hva som stemmer.",
           f"The applicant answered {en}, but lists child support {line_en}. The amount is not counted; it is "
           "unknown until the caseworker has found out which is right.")
    return True


def says(m: Mapper, received: bool) -> bool:
    """Whether the answer says support is received (or paid)."""
    return answer(m) in (v.SUPPORT_RECEIVED_ANSWERS if received else v.SUPPORT_PAID_ANSWERS)
