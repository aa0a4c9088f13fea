"""NAV's JSON Schemas, as vendored in `schemas/` (see `schemas/SOURCE.md`), and validation against them.

An application (JsonSoknad) comes in one of two layouts. The current one (`json/soknad/soknad.json`) has
`driftsinformasjon` as an object of register look-up flags and requires `mottaker`; the older one
(`scripts/soknad_bundle.json`, schema version 1.0.2, which NAV's generated examples follow) has `driftsinformasjon`
as a string and no `mottaker`. The layout is read off that one field, and the application is validated against
that layout's schema alone, so an error always refers to one schema.

A violation is described from the schema, never from the value: the field's path, the schema keyword and the
schema's own constraint (a pattern, the allowed values, the property that is missing). The value itself can be
an identity number, an account number or a name, so it never appears in a message.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft6Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT6

SCHEMAS = Path(__file__).resolve().parent / "schemas"
# A base that is never fetched (.invalid is reserved): every $ref resolves inside the vendored registry.
BASE = "https://soknadsosialhjelp-filformat.invalid/"
SOKNAD = "json/soknad/soknad.json"
SOKNAD_OLDER = "scripts/soknad_bundle.json"
DIGISOS_SOKER = "json/digisos/soker/digisos-soker.json"
# The bundle's definitions.soknad, registered as a document of its own: the bundle's refs are relative to it.
_OLDER_ROOT = BASE + "scripts/soknad_bundle.json,definitions.soknad"
MAX_VIOLATIONS = 50


class Layout(StrEnum):
    current = "current"
    older = "older"

    @property
    def schema_file(self) -> str:
        return SOKNAD if self is Layout.current else SOKNAD_OLDER


@dataclass(frozen=True)
class Violation:
    """One way a document breaks its schema: where (in the document and in the schema) and what."""

    path: tuple[str | int, ...]
    message: str
    schema_location: str

    @property
    def dotted(self) -> str:
        return ".".join(str(part) for part in self.path)

    @property
    def pointer(self) -> str:
        return "#" + "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in self.path)


class SoknadInvalid(ValueError):
    """The application does not follow the JsonSoknad schema of its layout."""

    def __init__(self, layout: Layout, violations: list[Violation]) -> None:
        noun = "violation" if len(violations) == 1 else "violations"
        super().__init__(f"the application breaks the JsonSoknad schema ({layout.schema_file}): "
                         f"{len(violations)} {noun}")
        self.layout = layout
        self.violations = violations


class EventInvalid(ValueError):
    """An event the adapter built does not follow JsonDigisosSoker: a defect in the adapter."""


# --- loading ---------------------------------------------------------------------------------------------


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.rglob("*.json")):
        relative = path.relative_to(SCHEMAS).as_posix()
        resources.append((BASE + relative, DRAFT6.create_resource(json.loads(path.read_text(encoding="utf-8")))))
    bundle = json.loads((SCHEMAS / SOKNAD_OLDER).read_text(encoding="utf-8"))
    # The bundle's own root is a `$ref` to definitions/soknad, but its inner refs ("#/properties/data/…") are
    # written relative to that definition. Register the definition as a document of its own, with the
    # bundle's definitions beside it, so those refs resolve as the bundle's authors meant.
    older_root = {**bundle["definitions"]["soknad"], "definitions": bundle["definitions"]}
    resources.append((_OLDER_ROOT, DRAFT6.create_resource(older_root)))
    return Registry().with_resources(resources)


@cache
def _validator(uri: str) -> Draft6Validator:
    return Draft6Validator({"$ref": uri}, registry=_registry())


def _soknad_validator(layout: Layout) -> Draft6Validator:
    return _validator(BASE + SOKNAD if layout is Layout.current else _OLDER_ROOT)


def schema_document(relative: str) -> Any:
    """A vendored schema file, parsed."""
    return _registry().contents(BASE + relative)


@cache
def property_names() -> frozenset[str]:
    """Every property name the vendored schemas define: the only keys of an application an error may name."""
    names: set[str] = set()
    stack = [json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.rglob("*.json")]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                names |= set(node["properties"])
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    return frozenset(names)


# --- validation ------------------------------------------------------------------------------------------


def layout_of(document: Any) -> Layout:
    """The older layout has `driftsinformasjon` as a string; everything else is read as the current layout."""
    if isinstance(document, dict) and isinstance(document.get("driftsinformasjon"), str):
        return Layout.older
    return Layout.current


def soknad_violations(document: Any, layout: Layout | None = None) -> list[Violation]:
    layout = layout or layout_of(document)
    return _violations(_soknad_validator(layout), document)


def validate_soknad(document: Any) -> Layout:
    """The application's layout, if it follows that layout's schema; SoknadInvalid otherwise."""
    layout = layout_of(document)
    violations = soknad_violations(document, layout)
    if violations:
        raise SoknadInvalid(layout, violations)
    return layout


def digisos_violations(document: Any) -> list[Violation]:
    """How a JsonDigisosSoker document (the whole event list) breaks `digisos-soker.json`."""
    return _violations(_validator(BASE + DIGISOS_SOKER), document)


def validate_event(event: dict[str, Any], avsender: dict[str, str]) -> None:
    """One event, checked the only way the schema allows: as the single event of an event list."""
    violations = digisos_violations({"version": "1.0.0", "avsender": avsender, "hendelser": [event]})
    if violations:
        first = violations[0]
        raise EventInvalid(f"{event.get('type')} event: {first.dotted}: {first.message} ({first.schema_location})")


def _violations(validator: Draft6Validator, document: Any) -> list[Violation]:
    """The first MAX_VIOLATIONS violations jsonschema finds (it finds them lazily, so validation stops there: an
    application of 20,000 empty objects would otherwise cost every one of its errors, generated and sorted),
    sorted by place."""
    errors = sorted(itertools.islice(validator.iter_errors(document), MAX_VIOLATIONS),
                    key=lambda e: ([str(p) for p in e.absolute_path], e.validator))
    return [Violation(path=tuple(error.absolute_path), message=_describe(error),
                      schema_location=_schema_location(validator, error)) for error in errors]


# --- describing a violation without quoting the value ----------------------------------------------------


def _describe(error: ValidationError) -> str:
    keyword, constraint, instance = error.validator, error.validator_value, error.instance
    if keyword == "required":
        present = instance if isinstance(instance, dict) else {}
        missing = [name for name in constraint if name not in present]
        return "required " + ("property " if len(missing) == 1 else "properties ") + ", ".join(
            repr(name) for name in missing) + " missing"
    if keyword == "type":
        return f"must be of type {constraint!r}"
    if keyword == "enum":
        return f"must be one of {constraint!r}"
    if keyword == "const":
        return f"must be {constraint!r}"
    if keyword == "pattern":
        return f"must match the pattern {constraint!r}"
    if keyword in ("oneOf", "anyOf"):
        how = "exactly one" if keyword == "oneOf" else "one"
        closest = best_match(error.context) if error.context else None
        where = ".".join(str(part) for part in closest.relative_path) if closest is not None else ""
        hint = f"; the closest: {where + ' ' if where else ''}{_describe(closest)}" if closest is not None else ""
        return f"must match {how} of the forms the schema allows here ({keyword}){hint}"
    if keyword == "dependencies":
        present = instance if isinstance(instance, dict) else {}
        needed = sorted({f"{name!r} (needed with {key!r})" for key, names in constraint.items()
                         if key in present and isinstance(names, list) for name in names if name not in present})
        return "required property missing: " + ", ".join(needed) if needed else "breaks a dependency of the schema"
    if keyword == "additionalProperties":
        return "has a property the schema does not allow here"
    if isinstance(constraint, (int, float, bool, str)) and not isinstance(constraint, bool):
        return f"breaks the schema's {keyword!r} constraint ({constraint!r})"
    return f"breaks the schema's {keyword!r} constraint"


def _schema_location(validator: Draft6Validator, error: ValidationError) -> str:
    """Where the broken constraint is written: `file#/json/pointer`, following every `$ref` on the way (in
    draft 6 a `$ref` replaces its siblings, and jsonschema leaves it out of the error's schema path)."""
    document_uri, pointer, node = "", [], validator.schema
    for part in error.absolute_schema_path:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            here = document_uri + ("#/" + "/".join(pointer) if pointer else "")
            document_uri, fragment = urldefrag(urljoin(here, node["$ref"]))
            pointer = [step for step in fragment.split("/") if step]
            node = _registry().contents(document_uri)
            for step in pointer:
                node = node[step]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        pointer.append(str(part))
    if document_uri == _OLDER_ROOT and pointer[:1] != ["definitions"]:
        pointer = ["definitions", "soknad", *pointer]
    return (SOKNAD_OLDER if document_uri == _OLDER_ROOT else document_uri.removeprefix(BASE)) + "#/" + "/".join(
        pointer)
