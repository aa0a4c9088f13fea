"""The guideline calculation (utmåling) as a breakdown, line by line.

What is counted, and with which sign, is the rule file's `amount` block: `need` and `means` are sums of facts
written in the provision's own definitions (so the 2009 act's disregards of children's leisure income and child
benefit appear as lines the 1991 act does not have), and it names the outcomes under which the shortfall or the
surplus is shown. This module only lays those terms out as lines, with the items the facts were summed from (each
member's guideline rate, each expense and income item), and rounds to whole kroner. It reads the observations the
rules used, never the case again. It is a starting point for individual judgement, never an automatic amount.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from engine.answer.models import Bilingual, LegalBasis
from engine.case.facts import VOCABULARY, Observations
from engine.case.types import whole_kroner
from engine.law.rulebook import Amount

NOTE = Bilingual(
    nb="Veiledende beregning etter satstabellen: et utgangspunkt for individuell vurdering, aldri et "
       "automatisk vedtak.",
    en="A guideline calculation at the table's rates: a starting point for individual judgement, never an "
       "automatic decision.")


def breakdown(amount: Amount, basis: LegalBasis, outcome: str, observations: Observations) -> dict[str, Any] | None:
    """The shortfall or the surplus, under the outcomes the rule file names for each; else None. An
    `AmountBreakdown` as the dict pydantic validates with the rest of the answer (in one call, which is cheaper than
    a model per line)."""
    if outcome not in (amount.spec.shortfall_when, amount.spec.surplus_when):
        return None
    facts = observations.values
    parts = amount.parts
    if any(constant for _, constant in parts.values()) or \
            any(name not in facts for terms, _ in parts.values() for name in terms):
        return None
    values = {part: {name: whole_kroner(facts[name]) * coefficient or Decimal(0)  # a disregard of nothing: 0, not -0
                     for name, coefficient in terms.items()} for part, (terms, _) in parts.items()}
    totals = {part: sum(terms.values(), Decimal(0)) for part, terms in values.items()}
    shortfall = totals["need"] - totals["means"]
    if outcome == amount.spec.shortfall_when and shortfall > 0:
        kind = "shortfall"
    elif outcome == amount.spec.surplus_when and shortfall <= 0:
        kind = "surplus"
    else:
        return None
    lines = [dict(part=part, fact=name, label=_label(name), counted=parts[part][0][name] > 0, amount=value,
                  details=[dict(label=dict(nb=item.nb, en=item.en), amount=whole_kroner(item.ore))
                           for item in observations.items.get(name, ())])
             for part, terms in values.items() for name, value in terms.items()]
    rates = observations.rates
    row = rates.row if rates else None
    return dict(
        kind=kind, need=totals["need"], counted_means=totals["means"], shortfall=max(shortfall, Decimal(0)),
        surplus=max(-shortfall, Decimal(0)), lines=lines, basis=basis, note=NOTE,
        rate_table=dict(id=rates.table.id, title=rates.table.title.get("nb", rates.table.id),
                        row_from=row.valid_from, source=row.source) if row else None)


@cache
def _label(fact: str) -> Bilingual:
    """A line's label: the fact's name in the vocabulary (the same for every answer)."""
    spec = VOCABULARY[fact]
    return Bilingual(nb=spec.nb or fact, en=spec.description)
