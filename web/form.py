"""The page's form, derived from the case model and named by the glossary: a field added to `engine/case/model.py`
appears on the page with the label `engine/case/glossary.yaml` gives it, and nothing here changes.

Each input is named by its case-field path with list positions (`income.0.monthly_amount`), the same path the
answer's missing facts and the problems' field errors use, so the page can mark the field either one names. An
empty input is *unknown*, left out of the case; a list is unknown until it is marked as known, and then an empty
list says "none". What the form cannot show as fields — a list inside a list entry, a municipality's whole rate
table — is a JSON text box.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel

from engine.case.glossary import glossary
from engine.case.model import Case

# The case file's order: the case, then who, then the economy, then the application, the services and the record.
ORDER = ["case_id", "decision_date", "household", "applicant", "income", "assets", "expenses", "economic_rights",
         "work", "education", "residence", "request", "life_situation", "services", "conditions", "participation",
         "rate_table"]
CASE_FIELDS = ("case_id", "decision_date")  # shown together as "Saken"


@dataclass
class Input:
    path: str  # without positions; inside a list entry, relative to the entry
    label: str
    kind: str  # bool, int, money, date, text, code (a closed list), suggest (an open list), json
    hint: str | None = None
    codes: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False


@dataclass
class Group:
    path: str
    label: str
    children: list[Input | Group | ListOf] = field(default_factory=list)


@dataclass
class ListOf:
    path: str
    label: str
    item: str
    row: list[Input] = field(default_factory=list)  # the fields of one entry; empty for a list of scalars
    scalar: Input | None = None  # the entry itself, for a list of scalars
    choices: bool = False  # a list of codes from a closed list: one checkbox per code
    hint: str | None = None


def _base(annotation: typing.Any) -> typing.Any:
    """The type under Annotated and Optional."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        present = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if origin in (typing.Union, types.UnionType) and len(present) == 1:
            annotation = present[0]
            continue
        return annotation


def _codes(path: str, kind: type | None) -> list[tuple[str, str]]:
    words = glossary()
    listed = words.field_codes(path)
    values = [member.value for member in kind] if kind is not None else list(words.codes.get(listed or "", {}))
    return [(value, words.code(listed or "", value)) for value in values]


def _input(path: str, annotation: typing.Any, required: bool) -> Input:
    words = glossary()
    base = _base(annotation)
    label, hint = words.field(path), words.hint(path)
    if isinstance(base, type) and issubclass(base, Enum):
        return Input(path, label, "code", hint, _codes(path, base), required)
    if base is bool:
        kind = "bool"
    elif base is int:
        kind = "int"
    elif base is Decimal:
        kind = "money"
    elif base is dt.date:
        kind = "date"
    elif base is str:  # an open code list (providers, sources …): suggestions, any code allowed
        kind = "suggest" if words.field_codes(path) else "text"
    else:
        kind = "json"
    return Input(path, label, kind, hint, _codes(path, None) if kind == "suggest" else [], required)


def _node(path: str, annotation: typing.Any, required: bool) -> Input | Group | ListOf:
    words = glossary()
    base = _base(annotation)
    if typing.get_origin(base) is list:
        inner = _base(typing.get_args(base)[0])
        entry = words.fields[path]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            row = []
            for name, spec in _fields(inner):
                item = Input(name, words.field(f"{path}.{name}"), "json") if _nested(spec.annotation) else \
                    _input(f"{path}.{name}", spec.annotation, spec.is_required())
                item.path = name  # named relative to the entry; the page puts the entry's path in front
                row.append(item)
            return ListOf(path, entry.label, entry.item or entry.label, row=row, hint=entry.hint)
        scalar = _input(path, inner, True)
        scalar.label = entry.item or entry.label
        return ListOf(path, entry.label, entry.item or entry.label, scalar=scalar,
                      choices=isinstance(inner, type) and issubclass(inner, Enum), hint=entry.hint)
    if isinstance(base, type) and issubclass(base, BaseModel) and path in words.fields and base.__name__ != "RateTable":
        group = Group(path, words.field(path))
        group.children = [_node(f"{path}.{name}", spec.annotation, spec.is_required()) for name, spec in _fields(base)]
        return group
    return _input(path, annotation, required)


def _nested(annotation: typing.Any) -> bool:
    base = _base(annotation)
    return typing.get_origin(base) is list or (isinstance(base, type) and issubclass(base, BaseModel))


def _fields(model: type[BaseModel]) -> list[tuple[str, typing.Any]]:
    return [(spec.alias or name, spec) for name, spec in model.model_fields.items()]


def case_form() -> list[Group | ListOf | Input]:
    """The form's sections, in the case file's order; a field the order does not name comes last."""
    fields = dict(_fields(Case))
    names = [name for name in ORDER if name in fields] + [name for name in fields if name not in ORDER]
    sections: list[Group | ListOf | Input] = [Group("", "Saken", [_node(name, fields[name].annotation,
                                                                      fields[name].is_required())
                                                                for name in CASE_FIELDS])]
    sections += [_node(name, fields[name].annotation, fields[name].is_required())
                 for name in names if name not in CASE_FIELDS]
    return sections
