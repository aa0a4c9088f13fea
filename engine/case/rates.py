"""Dated guideline-rate tables (`rules/parameters/`): loading, validation and lookup by decision date.

A table says everything legal about the rates itself — its categories (single, couple, child by age band …),
which category each member of a household gets, the figures with their sources, and until when they are known
to hold. This module only checks that the table is whole and looks rows up; it knows no category or age band.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from engine.case.types import CalendarDate, DecimalAmount, to_ore
from engine.models import InputModel
from engine.yaml_files import load_yaml

_VALID_FROM = attrgetter("valid_from")

Rate = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2, allow_inf_nan=False), DecimalAmount]
Text = Annotated[str, Field(max_length=300)]
CategoryId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]


class Label(InputModel):
    nb: Text = Field(description="Norsk bokmål.")
    en: Text = Field(description="English.")


class ChildBand(InputModel):
    category: CategoryId = Field(description="The rate category of a child in this band.")
    from_age: int = Field(ge=0, le=17, description="The youngest age in the band.")
    to_age: int = Field(ge=0, le=17, description="The oldest age in the band.")


class HouseholdRates(InputModel):
    """Which rate each member of a household gets."""

    alone: CategoryId = Field(description="An adult applicant living alone (enslig).")
    partner: CategoryId = Field(description="An applicant living with a spouse or cohabitant: one rate for the two.")
    sharing_home: CategoryId = Field(description="An adult sharing a home with other adults (bofellesskap).")
    children: list[ChildBand] = Field(min_length=1, max_length=18, description="Children by age band, youngest "
                                                                                "first, from age 0.")


class RateRow(InputModel):
    valid_from: CalendarDate = Field(alias="from", description="Gyldig fra — the row holds from this day until the "
                                                               "next row's.")
    rates: dict[CategoryId, Rate] = Field(max_length=40, description="The monthly rate of each category.")
    source: str = Field(min_length=3, max_length=300, description="Where the row's figures come from.")

    @cached_property
    def in_ore(self) -> dict[str, int]:
        """The rates in whole øre, as the engine reads them: worked out once per row, not for every case."""
        return {category: to_ore(rate) for category, rate in self.rates.items()}


class Gap(InputModel):
    valid_from: CalendarDate = Field(alias="from", description="The first day of a period whose rates are not on file.")
    valid_to: CalendarDate = Field(alias="to", description="The last day of that period.")


class RateTable(InputModel):
    """A dated table of monthly guideline rates: the national one, or a municipality's own."""

    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=80, description="The table's id, e.g. oslo-2024.")
    title: dict[str, Text] = Field(max_length=10, description="The table's title by language: {\"nb\": …, "
                                                             "\"en\": …}.")
    unit: str = Field(max_length=40, description="What the figures are, e.g. NOK per month.")
    categories: dict[CategoryId, Label] = Field(min_length=1, max_length=40,
                                                description="The rate categories, each with its label.")
    household: HouseholdRates = Field(description="Which category each member of a household gets.")
    rows_hold_until: CalendarDate | None = Field(
        None, description="The last day the newest row is known to hold; a later date uses it with a warning.")
    newest_row_note: Label | None = Field(None, description="What the warning says when a date after "
                                                            "`rows_hold_until` uses the newest row.")
    known_gaps: list[Gap] = Field([], max_length=50, description="Periods whose rates are not on file.")
    rows: list[RateRow] = Field(min_length=1, max_length=200, description="The rates, by the date they hold from, "
                                                                          "oldest first.")

    @model_validator(mode="after")
    def _whole(self) -> RateTable:
        # The messages name the table's own fields and positions, never its values: a table can come with a case,
        # and an error answer repeats nothing the client sent.
        dates = [row.valid_from for row in self.rows]
        if any(later <= earlier for earlier, later in itertools.pairwise(dates)):
            raise ValueError("rows must have strictly ascending, distinct 'from' dates")
        named = {"household.alone": self.household.alone, "household.partner": self.household.partner,
                 "household.sharing_home": self.household.sharing_home}
        named |= {f"household.children.{i}.category": band.category for i, band in enumerate(self.household.children)}
        if unknown := [where for where, category in named.items() if category not in self.categories]:
            raise ValueError(f"{', '.join(unknown)}: not a category of 'categories'")
        age = 0
        for band in self.household.children:
            if band.from_age != age or band.to_age < band.from_age:
                raise ValueError("child age bands must follow each other from age 0 without gaps or overlaps")
            age = band.to_age + 1
        for i, row in enumerate(self.rows):
            if not row.source.strip():
                raise ValueError(f"rows.{i} must name its source")
            if row.rates.keys() != self.categories.keys():
                raise ValueError(f"rows.{i} must give a rate for exactly the table's categories")
        for i, gap in enumerate(self.known_gaps):
            if gap.valid_to < gap.valid_from:
                raise ValueError(f"known_gaps.{i} ends before it starts")
            if any(gap.valid_from <= day <= gap.valid_to for day in dates):
                raise ValueError(f"known_gaps.{i} holds a row")
        for (i, first), (j, second) in itertools.combinations(enumerate(self.known_gaps), 2):
            if first.valid_from <= second.valid_to and second.valid_from <= first.valid_to:
                raise ValueError(f"known_gaps.{i} and known_gaps.{j} overlap")
        return self

    def row_on(self, day: dt.date) -> RateRow | None:
        """The row in force on `day`, or None before the first row."""
        # Looked up on every evaluation: a binary search, which the rows' strictly ascending dates (`_whole`) allow.
        index = bisect.bisect_right(self.rows, day, key=_VALID_FROM)
        return self.rows[index - 1] if index else None

    @cached_property
    def child_categories(self) -> dict[int, str]:
        """The category of a child of each age the bands hold: looked up for every child of a case, so worked out
        once per table."""
        return {age: band.category for band in self.household.children
                for age in range(band.from_age, band.to_age + 1)}

    def staleness_warning(self, day: dt.date) -> Label | None:
        """Say so (in both languages) when `day` is before the first row, in a period whose rates are not on
        file, or after the day the newest row is known to hold."""
        row = self.row_on(day)
        first = self.rows[0].valid_from.isoformat()
        table = f"Satstabellen «{self.title.get('nb', self.id)}»"
        if row is None:
            return Label(nb=f"{table} har ingen satser før {first}; den veiledende satsen, og "
                            "dermed behovet, er ukjent på denne datoen.",
                         en=f"rate table {self.id}: no rates on file before {first}; the guideline rate, and so "
                            "the need, is unknown on this date")
        in_gap = any(gap.valid_from <= day <= gap.valid_to for gap in self.known_gaps)
        after_newest = self.rows_hold_until is not None and day > self.rows_hold_until
        if not (in_gap or after_newest):
            return None
        note = self.newest_row_note if after_newest else None
        used = row.valid_from.isoformat()
        return Label(nb=f"{table} har ikke satsene som gjaldt {day.isoformat()}; raden fra {used} "
                        f"({row.source}) er brukt." + (f" {note.nb}" if note else ""),
                     en=f"rate table {self.id}: the rates in force on {day.isoformat()} are not on file; "
                        f"used the row from {used} ({row.source})" + (f". {note.en}" if note else ""))


def load_rate_table(path: Path) -> RateTable:
    return RateTable.model_validate(load_yaml(path.read_text(encoding="utf-8")))
