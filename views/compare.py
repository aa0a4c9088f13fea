"""What changed between two answers — the page's "what if": outcomes, amounts, missing facts, what would settle a
question (the thresholds) and duties, each as before and after, for the case and for each need. Made from two
summaries (`views/summary.py`), so it says only what the two answers say."""

from __future__ import annotations

from pydantic import Field

from engine.case.glossary import glossary, kroner
from engine.models import OutputModel
from views.summary import Summary, SummaryDecision, SummaryDuty

NOT_ASKED = "Ikke et spørsmål"  # a question one answer has and the other does not (another law on another date)


class Change(OutputModel):
    what: str = Field(description="What changed, in Norwegian: a provision, its calculation, a duty.")
    before: str = Field(description="As the previous answer said it.")
    after: str = Field(description="As the new answer says it.")
    kind: str = Field(description="outcome, amount, missing, settles or duty.")


def _amount(decision: SummaryDecision | None) -> str:
    amount = decision.amount if decision else None
    return f"{amount.label} {kroner(amount.difference)} (behov {kroner(amount.need)}, midler " \
           f"{kroner(amount.counted_means)})" if amount else "Ingen beregning"


def _missing(decision: SummaryDecision | None) -> str:
    return "; ".join(fact.label for fact in decision.missing_facts) if decision and decision.missing_facts else "—"


def _settles(decision: SummaryDecision | None) -> str:
    return "; ".join(decision.settles) if decision and decision.settles else "—"


def _decisions(before: list[SummaryDecision], after: list[SummaryDecision], prefix: str) -> list[Change]:
    changes: list[Change] = []
    old = {d.question: d for d in before}
    new = {d.question: d for d in after}
    for question in [*new, *(q for q in old if q not in new)]:
        was, now = old.get(question), new.get(question)
        what = prefix + (now or was).provision
        pairs = [("outcome", was.outcome_label if was else NOT_ASKED, now.outcome_label if now else NOT_ASKED),
                 ("amount", _amount(was), _amount(now)),
                 ("missing", _missing(was), _missing(now)), ("settles", _settles(was), _settles(now))]
        suffix = {"outcome": "", "amount": ": veiledende beregning", "missing": ": mangler",
                  "settles": ": terskler"}
        changes += [Change(what=what + suffix[kind], before=a, after=b, kind=kind) for kind, a, b in pairs if a != b]
    return changes


def _duties(before: list[SummaryDuty], after: list[SummaryDuty], prefix: str) -> list[Change]:
    """Each duty's status before and after; a duty one answer does not list does not apply there."""
    not_applicable = glossary().code("DutyStatus", "not_applicable")
    duties = {d.id: d for d in [*before, *after]}
    old_status = {d.id: d.status_label for d in before}
    new_status = {d.id: d.status_label for d in after}
    changes = []
    for duty_id, duty in duties.items():
        was, now = old_status.get(duty_id, not_applicable), new_status.get(duty_id, not_applicable)
        if was != now:
            changes.append(Change(what=f"{prefix}{duty.duty} ({duty.citation})", before=was, after=now, kind="duty"))
    return changes


def compare(before: Summary, after: Summary) -> list[Change]:
    """The case's questions, then each need's (by id, in the new answer's order, then those only the previous
    answer had), then the case's duties and each need's."""
    changes = _decisions(before.decisions, after.decisions, "")
    old_needs = {n.id: n for n in before.needs}
    new_needs = {n.id: n for n in after.needs}
    needs = [*new_needs, *(i for i in old_needs if i not in new_needs)]
    for need_id in needs:
        was, now = old_needs.get(need_id), new_needs.get(need_id)
        prefix = f"Behov {(now or was).label}: "
        changes += _decisions(was.decisions if was else [], now.decisions if now else [], prefix)
    changes += _duties([*before.open_duties, *before.fulfilled_duties], [*after.open_duties, *after.fulfilled_duties],
                       "")
    for need_id in needs:
        was, now = old_needs.get(need_id), new_needs.get(need_id)
        changes += _duties([*was.open_duties, *was.fulfilled_duties] if was else [],
                           [*now.open_duties, *now.fulfilled_duties] if now else [], f"Behov {(now or was).label}: ")
    return changes
