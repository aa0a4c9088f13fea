"""The case's vocabulary in bokmål (`glossary.yaml` beside this file): field paths, codes and facts → labels.

Every Norwegian text that names a part of the case takes the name from here: the answer's duty reasons, the
summary and the letter draft (`views/`), the page's form (`web/`) and the error messages (`api/errors.py`). A
path is written with list positions (`income.0.monthly_amount` as the page's form and the problems write it,
`income[0].monthly_amount` as the answer's missing facts do) or without (`income.monthly_amount`); a label
numbers the entry from 1, as a person counts ("Inntekt nr. 1: Beløp per måned (kr)").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from engine.yaml_files import load_yaml

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")


@dataclass(frozen=True)
class FieldLabel:
    label: str
    item: str | None = None  # one entry of a list field
    hint: str | None = None
    codes: str | None = None  # the code list its values come from


@dataclass(frozen=True)
class FactLabel:
    label: str
    codes: str | None = None


class Glossary:
    def __init__(self, data: dict[str, Any]) -> None:
        self.fields = {path: FieldLabel(**entry) for path, entry in data["fields"].items()}
        self.codes: dict[str, dict[str, str]] = data["codes"]
        self.facts = {name: FactLabel(entry) if isinstance(entry, str) else FactLabel(**entry)
                      for name, entry in data["facts"].items()}
        # Every answer names the same few dozen paths again (its duty reasons, its missing facts): label each once.
        # Bounded, since list positions make the paths a client can send many.
        self.field = lru_cache(maxsize=4096)(self._field)

    def _field(self, path: str, numbered: bool = True) -> str:
        """The label of a case-field path: the numbered list entries on the way and the field itself
        (`household.children.1.age` → "Barn nr. 2: Alder"; with `numbered` false, "Alder": for a text that is
        about that entry already, such as a need's own answer). A path the glossary does not know is returned as
        it is."""
        path = dotted(path)
        if not numbered:
            path = _without_positions(path)
        known: list[str] = []  # the path so far, without positions
        entries: list[str] = []  # "Barn nr. 2", for each list position on the way
        label = "Saken"
        for part in path.split(".") if path else []:
            if part.isdigit():
                listed = self.fields.get(".".join(known))
                if listed is None:
                    return path
                label = f"{listed.item or listed.label} nr. {int(part) + 1}"
                entries.append(label)
                continue
            known.append(part)
            entry = self.fields.get(".".join(known))
            if entry is None:
                return path
            label = entry.label
        return ": ".join(entries if entries and entries[-1] == label else [*entries, label])

    def knows(self, path: str) -> bool:
        """Whether the glossary names this case-field path (list positions aside)."""
        return _without_positions(path) in self.fields

    def hint(self, path: str) -> str | None:
        entry = self.fields.get(_without_positions(path))
        return entry.hint if entry else None

    def code(self, codes: str, code: str) -> str:
        """A code's label; a code the list does not name (an open list such as the providers) as written."""
        return self.codes.get(codes, {}).get(code, code)

    def field_codes(self, path: str) -> str | None:
        entry = self.fields.get(_without_positions(path))
        return entry.codes if entry else None

    def fact(self, name: str) -> str:
        entry = self.facts.get(name)
        return entry.label if entry else name

    def fact_value(self, name: str, value: Any) -> str:
        """A fact's value as a reason shows it: yes/no, kroner, a count, or a code's label."""
        entry = self.facts.get(name)
        if entry is not None and entry.codes and isinstance(value, str):
            return self.code(entry.codes, value)
        return show(value)


def dotted(path: str) -> str:
    """A path with its list positions written as the page's form names its fields: `request.needs[0].amount` →
    `request.needs.0.amount`."""
    return path.replace("[", ".").replace("]", "")


def _without_positions(path: str) -> str:
    return ".".join(part for part in dotted(path).split(".") if not part.isdigit())


def kroner(amount: Decimal | int | str) -> str:
    """An amount as Norwegian writes it: `17 970 kr`, `1 234,50 kr`, `-500 kr`."""
    value = Decimal(amount)
    whole = value == value.to_integral_value()
    text = f"{abs(value):,.0f}" if whole else f"{abs(value):,.2f}"
    text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{'-' if value < 0 else ''}{text}\u00a0kr"


def show(value: Any) -> str:
    """A value in Norwegian: ja/nei, kroner for an amount, a date as dd.mm.yyyy, otherwise as written."""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, Decimal):
        return kroner(value)
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


@cache
def glossary() -> Glossary:
    return Glossary(load_yaml(GLOSSARY_FILE.read_text(encoding="utf-8")))
