"""Dated guideline-rate tables (`rules/parameters/`): loading, validation and lookup by decision date.

Which rate a household member gets is the table's own vocabulary (single, couple, person sharing a home,
children by age band); the table's numbers and sources live in the YAML file, never here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.case import Household


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RateRow(_Strict):
    valid_from: dt.date = Field(alias="from")
    single: Decimal = Field(ge=0, description="Enslig — a single adult.")
    couple: Decimal = Field(ge=0, description="Ektepar/samboere — a couple together.")
    sharing: Decimal = Field(ge=0, description="Person i bofellesskap — a person sharing a home.")
    child_0_5: Decimal = Field(ge=0)
    child_6_10: Decimal = Field(ge=0)
    child_11_17: Decimal = Field(ge=0)
    source: str = Field(min_length=3)

    def child_rate(self, age: int) -> Decimal:
        if age <= 5:
            return self.child_0_5
        if age <= 10:
            return self.child_6_10
        return self.child_11_17


class Gap(_Strict):
    valid_from: dt.date = Field(alias="from")
    valid_to: dt.date = Field(alias="to")


class RateTable(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: dict[str, str]
    unit: str
    newest_row_note: dict[str, str] | None = None
    known_gaps: list[Gap] = []
    rows: list[RateRow] = Field(min_length=1)

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
        """Say so when `day` is in a period whose rates are not on file, or past the newest row."""
        row = self.row_on(day)
        if row is None:
            return None
        in_gap = any(gap.valid_from <= day <= gap.valid_to for gap in self.known_gaps)
        if in_gap or (row is self.newest and day.year > row.valid_from.year):
            return (f"rate table {self.id}: the rates in force on {day.isoformat()} are not on file; "
                    f"used the row from {row.valid_from.isoformat()} ({row.source})")
        return None


def load_rate_table(path: Path) -> RateTable:
    with path.open(encoding="utf-8") as handle:
        return RateTable.model_validate(yaml.safe_load(handle))


def household_rate(row: RateRow, household: Household | None) -> Decimal | None:
    """The guideline rate for the whole household, or None when the household is not known well enough."""
    if household is None or household.has_spouse_or_cohabitant is None or household.children is None:
        return None
    if household.has_spouse_or_cohabitant:
        adults = row.couple
    elif household.shares_home_with_other_adults is None:
        return None
    else:
        adults = row.sharing if household.shares_home_with_other_adults else row.single
    ages = [child.age for child in household.children]
    if any(age is None for age in ages):
        return None
    return adults + sum((row.child_rate(age) for age in ages), Decimal(0))
