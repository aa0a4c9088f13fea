"""The scalar types the case model and the rate tables share: calendar dates and money.

Money is `Decimal` kroner where a person reads or writes it (the case, the answer) and whole øre (`int`) inside the
engine, so that comparisons at "one krone either side" are exact. The conversions live here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field


def _calendar_date(value: object) -> object:
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("a date is written YYYY-MM-DD")
        return dt.date.fromisoformat(value)  # its errors name the part out of range, never the text
    return value


# A date given as text is YYYY-MM-DD (pydantic alone would read "1204329600" or "0" as a Unix time). Parsed
# here, so that it also holds in pydantic's strict mode, where the date validator takes no text.
CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]

Kroner = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False, description="Amount in NOK (kroner)."),
]

_WHOLE_KRONE = Decimal(1)


def to_ore(kroner: Decimal) -> int:
    """Kroner (at most two decimals) as whole øre."""
    return int((kroner * 100).to_integral_exact())


def to_kroner(ore: int) -> Decimal:
    """Whole øre as exact kroner (two decimals where there are øre)."""
    return Decimal(ore) / 100


def whole_kroner(ore: int) -> Decimal:
    """Whole øre rounded to whole kroner, half up: how the guideline calculation shows its lines."""
    return to_kroner(ore).quantize(_WHOLE_KRONE, rounding=ROUND_HALF_UP)


def kroner_text(kroner: Decimal) -> str:
    """Kroner as a person reads them: `24 000 kr`, `6 639.99 kr`."""
    return f"{kroner:,.2f} kr".replace(",", " ").replace(".00 kr", " kr")


def kroner_range(least: int, most: int | None) -> str:
    """An amount known to lie between two bounds (øre; `most` None: no limit): `≥ 24 000 kr`, `0–5 000 kr`."""
    if most is None:
        return f"≥ {kroner_text(to_kroner(least))}"
    return f"{kroner_text(to_kroner(least)).removesuffix(' kr')}–{kroner_text(to_kroner(most))}"
