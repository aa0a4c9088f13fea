"""What changed between two answers — the page's "what if": outcomes, amounts, missing facts and duties, each as
before and after. Made from two summaries (`views/summary.py`), so it says only what the two answers say."""

from __future__ import annotations

from pydantic import Field

from engine.case.glossary import glossary, kroner
from engine.models import OutputModel
from views.summary import Summary, SummaryDecision

NOT_ASKED = "Ikke et spørsmål"  # a question one answer has and the other does not (another law on another date)


class Change(OutputModel):
    what: str = Field(description="What changed, in Norwegian: a provision, its calculation, a duty.")
    before: str = Field(description="As the previous answer said it.")
    after: str = Field(description="As the new answer says it.")
    kind: str = Field(description="outcome, amount, missing or duty.")


def _amount(decision: SummaryDecision | None) -> str:
    amount = decision.amount if decision else None
    return f"{amount.label} {kroner(amount.difference)} (behov {kroner(amount.need)}, midler " \
           f"{kroner(amount.counted_means)})" if amount else "Ingen beregning"


def _missing(decision: SummaryDecision | None) -> str:
    return "; ".join(fact.label for fact in decision.missing_facts) if decision and decision.missing_facts else "—"


def compare(before: Summary, after: Summary) -> list[Change]:
    changes: list[Change] = []
    old = {d.question: d for d in before.decisions}
    new = {d.question: d for d in after.decisions}
    for question in [*new, *(q for q in old if q not in new)]:
        was, now = old.get(question), new.get(question)
        what = (now or was).provision
        pairs = [("outcome", was.outcome_label if was else NOT_ASKED, now.outcome_label if now else NOT_ASKED),
                 ("amount", _amount(was), _amount(now)),
                 ("missing", _missing(was), _missing(now))]
        suffix = {"outcome": "", "amount": ": veiledende beregning", "missing": ": mangler"}
        changes += [Change(what=what + suffix[kind], before=a, after=b, kind=kind) for kind, a, b in pairs if a != b]
    status = glossary().code
    not_applicable = status("DutyStatus", "not_applicable")
    duties = {d.id: d for d in [*before.open_duties, *before.fulfilled_duties, *after.open_duties,
                                *after.fulfilled_duties]}
    old_status = {d.id: d.status_label for d in [*before.open_duties, *before.fulfilled_duties]}
    new_status = {d.id: d.status_label for d in [*after.open_duties, *after.fulfilled_duties]}
    for duty_id, duty in duties.items():
        was, now = old_status.get(duty_id, not_applicable), new_status.get(duty_id, not_applicable)
        if was != now:
            changes.append(Change(what=f"{duty.duty} ({duty.citation})", before=was, after=now, kind="duty"))
    return changes
