"""Dated guideline-rate tables (`rules/parameters/`): loading, validation and lookup by decision date.

Which rate a household member gets is the table's own vocabulary (single, couple, person sharing a home,
children by age band); the table's numbers and sources live in the YAML file, never here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from engine.case import Household


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Rate = Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2, allow_inf_nan=False)]


def _calendar_date(value: object) -> object:
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("a date is written YYYY-MM-DD")
        return dt.date.fromisoformat(value)  # its errors name the part out of range, never the text
    return value


# A date given as text is YYYY-MM-DD (pydantic alone would read "1204329600" or "0" as a Unix time). Parsed
# here, so that it also holds in pydantic's strict mode, where the date validator takes no text.
CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]
Text = Annotated[str, Field(max_length=300)]


class RateRow(_Strict):
    valid_from: CalendarDate = Field(alias="from", description="Gyldig fra — the row holds from this day until the "
                                                          "next row's.")
    single: Rate = Field(description="Enslig — a single adult.")
    couple: Rate = Field(description="Ektepar/samboere — a couple together.")
    sharing: Rate = Field(description="Person i bofellesskap — a person sharing a home.")
    child_0_5: Rate = Field(description="Barn 0–5 år.")
    child_6_10: Rate = Field(description="Barn 6–10 år.")
    child_11_17: Rate = Field(description="Barn 11–17 år.")
    source: str = Field(min_length=3, max_length=300, description="Where the row's figures come from.")

    def child_rate(self, age: int) -> Decimal:
        if age <= 5:
            return self.child_0_5
        if age <= 10:
            return self.child_6_10
        return self.child_11_17


class Gap(_Strict):
    valid_from: CalendarDate = Field(alias="from", description="The first day of a period whose rates are not on file.")
    valid_to: CalendarDate = Field(alias="to", description="The last day of that period.")


class RateTable(_Strict):
    """A dated table of monthly guideline rates: the national one, or a municipality's own."""

    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=80, description="The table's id, e.g. oslo-2024.")
    title: dict[str, Text] = Field(max_length=10, description="The table's title by language: {\"nb\": …, "
                                                             "\"en\": …}.")
    unit: str = Field(max_length=40, description="What the figures are, e.g. NOK per month.")
    newest_row_note: dict[str, Text] | None = Field(
        None, max_length=10, description="The warning, by language, when a date after the newest row uses that row.")
    known_gaps: list[Gap] = Field([], max_length=50, description="Periods whose rates are not on file.")
    rows: list[RateRow] = Field(min_length=1, max_length=200, description="The rates, by the date they hold from, "
                                                                          "oldest first.")

    @model_validator(mode="after")
    def _rows_strictly_ascending(self) -> RateTable:
        dates = [row.valid_from for row in self.rows]
        if any(later <= earlier for earlier, later in zip(dates, dates[1:], strict=False)):
            raise ValueError(f"rate table {self.id}: rows must have strictly ascending, distinct 'from' dates")
        return self

    def row_on(self, day: dt.date) -> RateRow | None:
        """The row in force on `day`, or None before the first row."""
        current = None
        for row in self.rows:
            if row.valid_from > day:
                break
            current = row
        return current

    @cached_property
    def newest(self) -> RateRow:
        return self.rows[-1]

    def staleness_warning(self, day: dt.date) -> str | None:
        """Say so when `day` is before the first row, in a period whose rates are not on file, or past the
        newest row's year."""
        row = self.row_on(day)
        if row is None:
            return (f"rate table {self.id}: no rates on file before {self.rows[0].valid_from.isoformat()}; the "
                    "guideline rate, and so the need, is unknown on this date")
        in_gap = any(gap.valid_from <= day <= gap.valid_to for gap in self.known_gaps)
        if in_gap or (row is self.newest and day.year > row.valid_from.year):
            return (f"rate table {self.id}: the rates in force on {day.isoformat()} are not on file; "
                    f"used the row from {row.valid_from.isoformat()} ({row.source})")
        return None


def load_rate_table(path: Path) -> RateTable:
    with path.open(encoding="utf-8") as handle:
        return RateTable.model_validate(yaml.safe_load(handle))


def household_rate_lines(row: RateRow, household: Household | None) -> list[tuple[str, str, Decimal]] | None:
    """The guideline rate for each member of the household as (label nb, label en, amount), or None when
    the household is not known well enough to say which rates apply."""
    if household is None or household.has_spouse_or_cohabitant is None or household.children is None:
        return None
    if household.has_spouse_or_cohabitant:
        lines = [("Ektepar/samboere", "Couple", row.couple)]
    elif household.shares_home_with_other_adults is None:
        return None
    elif household.shares_home_with_other_adults:
        lines = [("Person i bofellesskap", "Person sharing a home", row.sharing)]
    else:
        lines = [("Enslig", "Single adult", row.single)]
    for child in household.children:
        if child.age is None:
            return None
        band = "0–5" if child.age <= 5 else "6–10" if child.age <= 10 else "11–17"
        lines.append((f"Barn {band} år ({child.age} år)", f"Child {band} ({child.age})", row.child_rate(child.age)))
    return lines
