"""What every part of the mapping shares: reading the application's JSON, and the report being recorded.

The helpers read defensively: the application has passed its schema, but the schema leaves most fields optional
and many values loosely typed, so a missing or odd value reads as None ("not answered"), never as an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from digisos import vocabulary as v
from digisos.answer import Document, FieldMapping, FieldStatus, Flag, FlagKind, Ignored, IgnoredReason, LookupFailed
from digisos.schema import Layout
from engine.answer.models import Bilingual

MAX_KRONER = Decimal("9999999999.99")  # the case model's largest amount (12 digits, 2 decimals)


# --- reading the application -----------------------------------------------------------------------------


def get(node: Any, *keys: str | int) -> Any:
    """The value at `keys` below `node`, or None where any step is missing or of another JSON type."""
    for key in keys:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and -len(node) <= key < len(node) else None
        else:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def indexed(node: Any) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a list with their index in it (the index goes into the report's paths)."""
    return [(index, item) for index, item in enumerate(node) if isinstance(item, dict)] \
        if isinstance(node, list) else []


def dotted(*parts: str | int) -> str:
    """A path as the report names the application's fields: `data.okonomi.oversikt.inntekt[0]`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def outdated(item: Any) -> bool:
    return isinstance(item, dict) and item.get("kilde") == v.OUTDATED


def kroner(value: Any) -> Decimal | None:
    """A monetary amount from the application, in kroner with two decimals; None if absent or unusable."""
    return _amount(_number(value))


def net_kroner(gross: Any, *deductions: Any) -> Decimal | None:
    """Gross less its deductions, in kroner; None if the gross or a deduction is unusable or the result is not an
    amount the case model holds. A deduction is subtracted whatever its sign: NAV's own fixture
    (fullstendig-utbetaling.json) writes `skattetrekk` and `andreTrekk` as negative numbers, other sources as
    positive ones. The arithmetic is Decimal: the schema allows any JSON number, and a 400-digit integer minus a
    float is an OverflowError in Python's numbers, while Decimal rounds to 28 digits (and a JSON number's
    exponent, at most about 4,300, is far inside Decimal's range)."""
    amounts = [_number(gross), *(_number(deduction) for deduction in deductions)]
    if any(amount is None for amount in amounts):
        return None
    return _amount(amounts[0] - sum((abs(amount) for amount in amounts[1:]), Decimal(0)))


def _number(value: Any) -> Decimal | None:
    """A JSON number as an exact Decimal (a float by its shortest repr, so 0.1 stays 0.1); None for anything
    else. The strict parser has refused NaN, the infinities and integers of more than 4,300 digits."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() else None


def _amount(number: Decimal | None) -> Decimal | None:
    """`number` rounded to øre, if the case model can hold it (0 to MAX_KRONER)."""
    if number is None or not Decimal(0) <= number <= MAX_KRONER:
        return None
    return number.quantize(Decimal("0.01"))


def calendar_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    """The first day of the month `months_back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def unique(values: Iterable[Any]) -> list[Any]:
    """`values` without repeats, in order; documents count as the same when their codes are."""
    seen, result = set(), []
    for value in values:
        key = value.code if isinstance(value, Document) else value
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def unknown_note(reasons: Iterable[str]) -> str:
    """The note of a case field left unknown, naming every reason once."""
    return "Unknown: " + "; ".join(unique(reasons)) + "."


# --- the report being recorded ---------------------------------------------------------------------------


@dataclass
class ListReading:
    """What the application gives for one of the case's lists (income, assets, expenses) while it is read: the
    items, the fields read, the documents that would settle what is missing, why the list as a whole is unknown
    (when it is), and why some items have no amount (a list is then `partial`)."""

    items: list[Any] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    open_amounts: list[str] = field(default_factory=list)

    def add(self, path: str | None, item: Any) -> None:
        if path is not None:
            self.sources.append(path)
        self.items.append(item)

    def add_open(self, path: str | None, item: Any, why: str, document: Document | None) -> None:
        """An item the case lists without its amount (which `item` leaves out), why, and the document that would
        give the amount, if any does."""
        self.add(path, item)
        self.open_amounts.append(why)
        if document is not None:
            self.documents.append(document)

    def take(self, path: str | None, item: Any, amount_key: str, amount: Decimal | None, why: str,
             document: Document | None) -> None:
        """`item` with its amount, or without it when the application gives none usable (`why`)."""
        if amount is None:
            self.add_open(path, item, why, document)
        else:
            self.add(path, item.model_copy(update={amount_key: amount}))

    def record(self, m: Mapper, case_field: str, note: str, what: str) -> list[Any] | None:
        """Record the field: unknown with every reason, or the items, `partial` when some have no amount."""
        if len(self.items) > 100:
            self.unknown.append(f"more {what} than the case model holds (100)")
        open_amounts = (" Amount unknown: " + "; ".join(unique(self.open_amounts)) + ".") if self.open_amounts else ""
        if self.unknown:
            return m.record(case_field, None, self.sources, unknown_note(self.unknown) + open_amounts, self.documents)
        return m.record(case_field, self.items, self.sources, note + open_amounts, self.documents,
                        partial=bool(self.open_amounts))


class Mapper:
    """One application being mapped: what is read (the document, the decision date) and what the report has
    recorded so far. The parts of the mapping (household.py, income.py, …) each take it, read their part of
    `data`, and record their case fields and the items they deliberately leave out."""

    def __init__(self, document: dict[str, Any], layout: Layout, decision_date: dt.date,
                 date_source: Literal["request", "today"]) -> None:
        self.doc, self.layout, self.day, self.date_source = document, layout, decision_date, date_source
        self.data: dict[str, Any] = document.get("data") or {}
        self.fields: dict[str, FieldMapping] = {}
        self.ignored: list[Ignored] = []
        self.unknown_codes: list[str] = []
        self.lookups: list[LookupFailed] = []
        self.flags: list[Flag] = []

    def record(self, field: str, value: Any, sources: Iterable[str], note: str,
               documents: Iterable[Document] = (), partial: bool = False) -> Any:
        """Report how the case field `field` was read (or why it is unknown, when `value` is None; `partial`: a list
        whose items include some of unknown amount); returns `value`, so that a part can `return m.record(...)`."""
        status = FieldStatus.unknown if value is None else FieldStatus.partial if partial else FieldStatus.set
        self.fields[field] = FieldMapping(case_field=field, status=status, sources=unique(sources), note=note,
                                          documents=unique(documents))
        return value

    def flag(self, kind: FlagKind, paths: Iterable[str], nb: str, en: str) -> None:
        """Something the caseworker should look at; a contradiction leaves the fields it bears on unknown, which
        the part that raises it sees to."""
        self.flags.append(Flag(kind=kind, soknad_fields=unique(paths), text=Bilingual(nb=nb, en=en)))

    def date(self, value: Any, path: str) -> dt.date | None:
        """A date of the application, or None. A date the format's pattern lets through but the calendar does not
        have (`2017-13-01`) is flagged and read as no date at all — never as "still running"."""
        day = calendar_date(value)
        if day is None and isinstance(value, str):
            self.flag(FlagKind.impossible_date, [path], "Datoen finnes ikke i kalenderen og er ikke lest.",
                      "The date is not in the calendar and is not read.")
        return day

    def ignore(self, path: str, reason: IgnoredReason, note: str) -> None:
        self.ignored.append(Ignored(soknad_field=path, reason=reason, note=note))

    def unknown_code(self, path: str) -> None:
        self.unknown_codes.append(path + ".type")

    def live(self, item: dict[str, Any], path: str) -> bool:
        """False for an item the format says not to read: outdated, or register data the applicant corrected."""
        if outdated(item):
            self.ignore(path, IgnoredReason.outdated, "kilde: utdatert — no longer relevant.")
            return False
        if item.get("kilde") == v.SYSTEM and item.get("overstyrtAvBruker") is True:
            self.ignore(path, IgnoredReason.overridden_by_applicant,
                        "Register data the applicant corrected (overstyrtAvBruker); the applicant's own item counts.")
            return False
        return True

    def confirmation(self, kind: str) -> tuple[bool | None, list[str]]:
        """The applicant's yes/no answer of one kind (okonomi.opplysninger.bekreftelse), and where it is."""
        answer, paths = None, []
        for index, item in indexed(get(self.data, "okonomi", "opplysninger", "bekreftelse")):
            if item.get("type") == kind and not outdated(item) and isinstance(item.get("verdi"), bool):
                answer = item["verdi"]
                paths.append(dotted("data.okonomi.opplysninger.bekreftelse", index))
        return answer, paths
