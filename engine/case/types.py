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

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch  # [0-9], not \d: "٢٠٢٤" is no year here
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?").fullmatch


def calendar_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD; a ValueError that never quotes the text otherwise."""
    if not _DATE_TEXT(text):
        raise ValueError("a date is written YYYY-MM-DD (dato skrives ÅÅÅÅ-MM-DD)")
    return dt.date.fromisoformat(text)  # its errors name the part out of range, never the text


def _calendar_date(value: object) -> object:
    return calendar_date(value) if isinstance(value, str) else value


def _decimal(value: object) -> Decimal:
    """A JSON number or decimal text (or, from Python, a Decimal) as a Decimal."""
    # Run for every amount of a case and of a rate table sent with it (some 70 in a table): the commonest inputs
    # first, text (as pydantic itself writes an amount) and a JSON number.
    if isinstance(value, str):
        if _DECIMAL_TEXT(value):
            return Decimal(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value))  # a float by its shortest repr: 0.1 is 0.1, not 0.1000000000000000055…
    elif isinstance(value, Decimal):
        return value
    raise ValueError("an amount is a number, or text of digits 0-9 with an optional decimal point, e.g. 1234.50 "
                     "(et beløp er et tall, eller tekst med sifrene 0-9 og eventuelt desimalpunktum)")


# A date given as text is YYYY-MM-DD (pydantic alone would read "1204329600" or "0" as a Unix time). Parsed
# here, so that it also holds in pydantic's strict mode, where the date validator takes no text.
CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]

# An amount as text is plain ASCII decimal notation. Python's Decimal, which pydantic uses for text, would also
# read "١٢٣", "１２", "5_000", " 5", "+5" and "1e3". The minus sign passes, so that a negative amount is refused
# as one ("greater than or equal to 0"). Converted here (pydantic's strict mode takes only a Decimal after a
# validator like this one), so the field's constraints still apply. A JSON number's digits are checked by the
# strict parser (api/strict_json.py), which sees them before they become a float.
DecimalAmount = BeforeValidator(_decimal)

Kroner = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False, description="Amount in NOK (kroner)."),
    DecimalAmount,  # after the Field, or the JSON Schema loses its "minimum"
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
