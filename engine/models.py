"""The two pydantic bases every model derives from: one for what is read in, one for what is answered.

This module imports nothing from regelmotor, so any layer — the engine's folders and the front ends — can use it
without an import cycle.
"""

from enum import StrEnum
from operator import attrgetter

from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """What is read from outside — a case, a rule file, a rate table: strict and immutable.

    A key the model does not know is an error, never silently dropped; a field with an alias (`from`, `with`)
    is read by the alias or by its name; an enum field holds its plain value (the facts and the answer work on
    strings).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, use_enum_values=True)


class Code(StrEnum):
    """A closed list of codes an input model's field takes (a kind, a status, a party).

    `use_enum_values` has every validated member replaced by its `value`, which `Enum` serves through a descriptor
    written in Python; here `value` is the member's own `_value_`, read in C: a case holds some 25 codes, and each
    costs a Python call less to validate.
    """

    value = property(attrgetter("_value_"))


class OutputModel(BaseModel):
    """What is answered — an evaluation, a catalogue entry, a problem: immutable once built."""

    model_config = ConfigDict(frozen=True)

    def json_bytes(self) -> bytes:
        """The model as compact UTF-8 JSON, as `model_dump_json` writes it but without decoding it to a str: what
        is answered goes out as bytes, and an answer of 15 KB of Norwegian text costs some 10 µs to decode and as
        much again to encode back."""
        return self.__pydantic_serializer__.to_json(self)
