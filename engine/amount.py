"""The guideline calculation (utmåling) as a breakdown, line by line.

What is counted, and with which sign, is the rule file's `amount` block: `need` and `means` are sums of facts
written in the provision's own definitions (so the 2009 act's disregards of children's leisure income and child
benefit appear as lines the 1991 act does not have). This module only lays those terms out as lines, adds the
detail a caseworker checks them against (each member's guideline rate, each expense and income item), and rounds
to whole kroner. It is a starting point for individual judgement, never an automatic amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.answer import AmountBreakdown, AmountLine, Bilingual, LegalBasis, RateTableUsed
from engine.case import Case
from engine.expressions import linear_terms
from engine.facts import VOCABULARY
from engine.rates import RateTable, household_rate_lines
from engine.rulebook import Amount, Outcome

KRONE = Decimal(1)
NOTE = Bilingual(
    nb="Veiledende beregning etter satstabellen: et utgangspunkt for individuell vurdering, aldri et "
       "automatisk vedtak.",
    en="A guideline calculation at the table's rates: a starting point for individual judgement, never an "
       "automatic decision.")


def _kroner(ore: int) -> Decimal:
    return (Decimal(ore) / 100).quantize(KRONE, rounding=ROUND_HALF_UP)


def _details(fact: str, case: Case, rates: RateTable) -> list[tuple[str, str, Decimal]]:
    """What a line is made of, item by item, where the case itemises it — in a canonical order (children by age,
    items by kind and amount), so that the answer does not depend on the order of the case's lists."""
    if fact == "guideline_rate_monthly":
        row = rates.row_on(case.decision_date)
        household = case.household
        if household is not None and household.children:
            children = sorted(household.children, key=lambda child: -1 if child.age is None else child.age)
            household = household.model_copy(update={"children": children})
        return household_rate_lines(row, household) or [] if row else []
    items: list[Any] = {"expenses_total": case.expenses or [], "income_total": case.income or []}.get(fact, [])
    return sorted((item.kind, item.kind, item.monthly_amount) for item in items)


def breakdown(amount: Amount, basis: LegalBasis, outcome: Outcome, facts: dict[str, int], case: Case,
              rates: RateTable) -> AmountBreakdown | None:
    """The shortfall when the household is entitled; the surplus when its means exceed the need; else None."""
    parts = {"need": linear_terms(amount.need), "means": linear_terms(amount.means)}
    names = {name for terms, _ in parts.values() for name in terms}
    if not names <= facts.keys() or any(constant for _, constant in parts.values()):
        return None
    lines: list[AmountLine] = []
    totals = {}
    for part, (terms, _) in parts.items():
        totals[part] = Decimal(0)
        for name, coefficient in terms.items():
            value = _kroner(facts[name]) * coefficient
            totals[part] += value
            lines.append(AmountLine(
                part=part, fact=name, label=Bilingual(nb=VOCABULARY[name].nb or name, en=VOCABULARY[name].description),
                counted=coefficient > 0, amount=value,
                details=[AmountLine.Detail(label=nb if nb == en else f"{nb} / {en}", amount=item.quantize(KRONE))
                         for nb, en, item in _details(name, case, rates)]))
    shortfall = totals["need"] - totals["means"]
    if outcome == Outcome.entitled and shortfall > 0:
        kind = "shortfall"
    elif outcome == Outcome.not_entitled and shortfall <= 0:
        kind = "surplus"
    else:
        return None
    row = rates.row_on(case.decision_date)
    return AmountBreakdown(
        kind=kind, need=totals["need"], counted_means=totals["means"], shortfall=max(shortfall, Decimal(0)),
        surplus=max(-shortfall, Decimal(0)), lines=lines, basis=basis, note=NOTE,
        rate_table=RateTableUsed(id=rates.id, title=rates.title.get("nb", rates.id), row_from=row.valid_from,
                                 source=row.source) if row else None)
