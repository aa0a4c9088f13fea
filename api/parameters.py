"""GET /v1/parameters: the guideline-rate table this service uses (the national one in rules/parameters/, or the
municipality's own from REGELMOTOR_RATE_TABLE), row by row with the date each row holds from and its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi import APIRouter, Response
from pydantic import Field

from engine.answer.models import Bilingual
from engine.case.rates import RateTable
from engine.models import OutputModel

TAG = "rules"


class RateCategory(OutputModel):
    id: str = Field(description="The category, e.g. single, child_0_5.")
    label: Bilingual = Field(description="What the category is.")


class RateRowOut(OutputModel):
    valid_from: dt.date = Field(description="Gyldig fra — the row holds from this day until the next row's.")
    rates: dict[str, Decimal] = Field(description="The monthly rate of each category, in kroner.")
    source: str = Field(description="Kilde — where the row's figures come from.")


class RateGap(OutputModel):
    valid_from: dt.date = Field(description="The first day of a period whose rates are not on file.")
    valid_to: dt.date = Field(description="The last day of that period.")


class GuidelineRates(OutputModel):
    id: str = Field(description="The table's id, e.g. national-guideline-rates.")
    title: dict[str, str] = Field(description="The table's title by language.")
    unit: str = Field(description="What the figures are, e.g. NOK per month.")
    categories: list[RateCategory] = Field(description="The rate categories, in the table's order.")
    rows: list[RateRowOut] = Field(description="Oldest first.")
    rows_hold_until: dt.date | None = Field(description="The last day the newest row is known to hold.")
    known_gaps: list[RateGap] = Field(description="Periods whose rates are not on file: a date in one uses the row "
                                              "before it, and the answer warns.")
    note: Bilingual | None = Field(description="What the answer says when a date after `rows_hold_until` uses the "
                                               "newest row.")


class Parameters(OutputModel):
    guideline_rates: GuidelineRates = Field(description="Veiledende satser — the guideline rates for living costs.")


def parameters(table: RateTable) -> Parameters:
    note = table.newest_row_note
    return Parameters(guideline_rates=GuidelineRates(
        id=table.id, title=table.title, unit=table.unit,
        categories=[RateCategory(id=key, label=Bilingual(nb=label.nb, en=label.en))
                    for key, label in table.categories.items()],
        rows=[RateRowOut(valid_from=row.valid_from, rates=row.rates, source=row.source) for row in table.rows],
        rows_hold_until=table.rows_hold_until,
        known_gaps=[RateGap(valid_from=gap.valid_from, valid_to=gap.valid_to) for gap in table.known_gaps],
        note=Bilingual(nb=note.nb, en=note.en) if note else None))


def router(table: RateTable) -> APIRouter:
    routes = APIRouter(prefix="/v1/parameters", tags=[TAG])
    answer = parameters(table).json_bytes()

    @routes.get("", response_model=Parameters, summary="The guideline rates, by date",
                description="The guideline-rate table the service applies (national, or the municipality's own "
                            "when configured), each row with the date it holds from and its source. A case may "
                            "bring its own table (`rate_table`), which this does not show.")
    async def get_parameters() -> Response:  # the same for the worker's life: serialised once
        return Response(answer, media_type="application/json")

    return routes
