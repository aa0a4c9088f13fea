"""The problems' texts in bokmål: each problem kind's `detail_nb`, and each invalid field's name and message.

A field is named by the glossary (engine/case/glossary.yaml), and its message is made from pydantic's error *type*
and its limits (`ge`, `max_length` …), never from the English text, which for a value error may quote the
input — so a Norwegian message, like the English one, never repeats a value that was sent.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from engine.case.glossary import glossary

# How a field path writes a key the client chose (an unknown field, a rate table's title key, a letter blank's id):
# never as sent (api/errors.py).
ANY_KEY = "*"
ANY_KEY_NB = "et navn tjenesten ikke kjenner"
# The fields of the bodies that wrap a case (api/bodies.py), beside the case's own.
ENVELOPE_NB = {"blanks": "Feltene i utkastet", "previous": "Forrige sak"}

# What each kind of problem means, for a problem whose occurrence has nothing more specific to say in Norwegian.
KIND_NB = {
    "invalid-json": "Innholdet er ikke gyldig JSON. Send saken som JSON (RFC 8259), kodet som UTF-8.",
    "unauthorized": "Det trengs en gyldig API-nøkkel i feltet X-API-Key.",
    "unknown-rule": "Ingen regel eller plikt har denne id-en; GET /v1/rules viser dem.",
    "content-too-large": "Innholdet er større enn tjenesten tar imot.",
    "batch-too-large": "Listen har flere saker enn tjenesten tar imot i én forespørsel.",
    "unsupported-media-type": "Innholdet må sendes som JSON (Content-Type: application/json).",
    "invalid-request": "Forespørselen har ugyldige felt; de er listet med navn og feilen.",
    "law-not-encoded": "Regelverket som gjaldt på vedtaksdatoen, er ikke lagt inn.",
    "engine-failure": "Regelmotoren feilet på denne forespørselen. Feilen er logget under korrelasjons-id-en; saken "
                      "er ikke logget. Andre forespørsler påvirkes ikke.",
}

# An HTTP error with no problem kind of its own (an unknown address, a wrong method).
STATUS_NB = {
    HTTPStatus.NOT_FOUND: "Adressen finnes ikke.",
    HTTPStatus.METHOD_NOT_ALLOWED: "Metoden er ikke tillatt på denne adressen.",
}


def status_nb(status: int) -> str:
    return STATUS_NB.get(status, f"HTTP-feil {status}.")


def invalid_count_nb(total: int, listed: int) -> str:
    noun = "felt er ugyldig" if total == 1 else "felt er ugyldige"
    if total > listed:
        return f"{total} {noun}; de {listed} første er listet."
    return f"{total} {noun}; de er listet med navn og feilen."


def _enum_nb(path: str) -> str:
    codes = glossary().field_codes(path)
    labels = list(glossary().codes.get(codes, {}).values()) if codes else []
    return f"Velg en av: {', '.join(labels)}." if labels else "Velg en av verdiene feltet tar."


_TYPES_NB: dict[str, str] = {
    "missing": "Feltet må fylles ut.",
    "extra_forbidden": "Feltet finnes ikke i saken; fjern det.",
    "bool_type": "Skal være ja eller nei (en JSON-sannhetsverdi).",
    "int_type": "Skal være et helt tall.",
    "int_parsing": "Skal være et helt tall.",
    "int_from_float": "Skal være et helt tall.",
    "decimal_type": "Skal være et beløp i kroner.",
    "decimal_parsing": "Skal være et beløp i kroner.",
    "finite_number": "Skal være et endelig beløp.",
    "string_type": "Skal være tekst.",
    "list_type": "Skal være en liste.",
    "model_type": "Skal være et objekt med felt.",
    "model_attributes_type": "Skal være et objekt med felt.",
    "dict_type": "Skal være et objekt med felt.",
    "date_type": "Skal være en dato, skrevet ÅÅÅÅ-MM-DD.",
    "date_parsing": "Skal være en dato, skrevet ÅÅÅÅ-MM-DD.",
    "date_from_datetime_parsing": "Skal være en dato, skrevet ÅÅÅÅ-MM-DD.",
    "value_error": "Ugyldig verdi.",
    "json_invalid": "Ikke gyldig JSON.",
}

_LIMITS_NB: dict[str, str] = {
    "greater_than_equal": "Må være minst {ge}.",
    "greater_than": "Må være større enn {gt}.",
    "less_than_equal": "Kan være høyst {le}.",
    "less_than": "Må være mindre enn {lt}.",
    "decimal_max_places": "Kan ha høyst {decimal_places} desimaler (øre).",
    "decimal_max_digits": "Kan ha høyst {max_digits} sifre.",
    "decimal_whole_digits": "Kan ha høyst {whole_digits} sifre før komma.",
    "string_too_long": "Kan være høyst {max_length} tegn.",
    "string_too_short": "Må være minst {min_length} tegn.",
    "string_pattern_mismatch": "Har tegn som feltet ikke tillater (mønster: {pattern}).",
    "too_long": "Kan ha høyst {max_length} elementer.",
    "too_short": "Må ha minst {min_length} elementer.",
}

# A date that is not in the calendar, or not written YYYY-MM-DD (engine/case/types.py), fails as a value error.
_DATE_WORDS = ("date", "day", "month", "year", "YYYY")


def message_nb(error: dict[str, Any], path: str) -> str:
    """A field error's message in bokmål, from pydantic's error type and limits (`ctx`)."""
    kind = error.get("type", "")
    if kind in ("enum", "literal_error"):
        return _enum_nb(path)
    if kind in _LIMITS_NB:
        try:
            return _LIMITS_NB[kind].format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            pass
    if kind == "value_error" and any(word in str(error.get("msg", "")) for word in _DATE_WORDS):
        return "Ugyldig dato: skriv ÅÅÅÅ-MM-DD, med en dag som finnes i kalenderen."
    return _TYPES_NB.get(kind, "Ugyldig verdi.")


def parameter_nb(name: str) -> str:
    """A query parameter, by its name (the service's own: `view`, `format`, `act`)."""
    return f"Parameteren {name} i adressen"


def field_nb(path: str) -> str:
    """The field's name in bokmål. A body that wraps the case (POST /v1/letters: `{"case": …, "blanks": …}`)
    names its fields from `case.`; a key the client chose is named as one the service does not know; a part the
    glossary does not name (inside a municipality's rate table) by the nearest part it names."""
    parts = path.split(".") if path else []
    if ANY_KEY in parts:
        return f"{field_nb('.'.join(parts[:parts.index(ANY_KEY)]))}: {ANY_KEY_NB}"
    head, _, rest = path.partition(".")
    if head == "case":
        return _nearest(rest)
    if head in ENVELOPE_NB:
        return f"{ENVELOPE_NB[head]}: {_nearest(rest)}" if rest else ENVELOPE_NB[head]
    return _nearest(path)


def _nearest(path: str) -> str:
    words = glossary()
    parts = path.split(".") if path else []
    while parts and words.field(".".join(parts)) == ".".join(parts):
        parts.pop()
    return words.field(".".join(parts))
