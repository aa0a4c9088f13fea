"""NAV's fixtures and examples for the Digisos tests, vendored in `tests/fixtures/soknadsosialhjelp-filformat/`
(SOURCE.md there names the commit; NAV's MIT licence), so that a clone of the repository is all the tests need.

The service never reads them (its schemas are vendored in `digisos/schemas/`); the tests do, to check the schemas
and the mapping against NAV's own fixtures.

NAV's fixtures under `json/soknad/<part>/` are fragments, validated upstream against one part of the schema. Here
each is put where that part sits in an application — `minimal.json` with the fragment in place — so that a
valid fragment makes a valid application and an invalid (`feil-*`) one makes an invalid application whose
violation is at or below that place.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from digisos.mapping import map_soknad
from digisos.schema import validate_soknad

ROOT = Path(__file__).resolve().parents[1]
FILFORMAT = ROOT / "tests" / "fixtures" / "soknadsosialhjelp-filformat"
FIXTURES = FILFORMAT / "src" / "test" / "resources" / "json"
REALISTIC = ROOT / "tests" / "fixtures" / "nav-soknader"  # NAV's whole applications with an economy (SOURCE.md)
SCENARIOS = sorted((ROOT / "examples" / "digisos").glob("*.json"))
DAY = dt.date(2026, 11, 2)

# Where each fixture folder's fragment sits in an application.
PLACES: dict[str, tuple[str | int, ...]] = {
    "soknad/personalia/telefonnummer": ("data", "personalia", "telefonnummer"),
    "soknad/personalia/personIdentifikator": ("data", "personalia", "personIdentifikator"),
    "soknad/personalia/kontonummer": ("data", "personalia", "kontonummer"),
    "soknad/familie/barn": ("data", "familie", "forsorgerplikt", "ansvar", 0, "barn"),
    "soknad/familie/sivilstatus": ("data", "familie", "sivilstatus"),
    "soknad/okonomi/opplysninger/utbetaling": ("data", "okonomi", "opplysninger", "utbetaling", 0),
    "soknad/parts/adresse": ("data", "personalia", "oppholdsadresse"),
    "soknad/parts/version": ("version",),
    "types/tidspunkt": ("innsendingstidspunkt",),
}


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def minimal() -> dict[str, Any]:
    return load(FIXTURES / "soknad" / "minimal.json")


def examples() -> list[Path]:
    """NAV's generated applications (older layout)."""
    return sorted((FILFORMAT / "examples").glob("*.json"), key=lambda p: int(p.stem)) + [
        FILFORMAT / "scripts" / "random_generated_soknad.json"]


def realistic() -> list[Path]:
    """NAV's applications filled in as an applicant and the registers would fill them in."""
    return [REALISTIC / name for name in ("brukerdata.json", "systemdata.json", "utbetalinger.json")]


def whole_applications() -> list[Path]:
    """The fixtures that are whole applications, valid and invalid."""
    return sorted((FIXTURES / "soknad").glob("*.json"))


def fragments() -> list[tuple[Path, tuple[str | int, ...]]]:
    found = []
    for folder, place in PLACES.items():
        files = sorted((FIXTURES / folder).glob("*.json"))
        assert files, f"no fixtures in {folder}"
        found += [(path, place) for path in files]
    return found


def with_fragment(fragment: Any, place: tuple[str | int, ...]) -> dict[str, Any]:
    """`minimal.json` with `fragment` put at `place`."""
    document = minimal()
    node: Any = document
    for key, following in zip(place, place[1:], strict=False):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({})
        elif key not in node:
            node[key] = [] if isinstance(following, int) else {}
        node = node[key]
    last = place[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = copy.deepcopy(fragment)
    return document


def invalid(path: Path) -> bool:
    return path.name.startswith(("feil-", "ikkegyldig"))


def scenario(path: Path) -> dict[str, Any]:
    return load(path)


# --- a plain application to vary in unit tests ------------------------------------------------------------


def soknad() -> dict:
    """A plain, complete application: single, no children, a Norwegian citizen renting alone, no income, no
    savings, rent (and no bill: a bill's period is never given, so it would leave the expenses partly unknown)."""
    return {
        "version": "1.0.11",
        "data": {
            "personalia": {
                "personIdentifikator": {"kilde": "system", "verdi": "01017012345"},
                "navn": {"kilde": "system", "fornavn": "Kari", "mellomnavn": "", "etternavn": "Nordmann"},
                "statsborgerskap": {"kilde": "system", "verdi": "NOR"},
                "kontonummer": {"kilde": "bruker", "verdi": "12345678903"},
                "fodselsdato": "1970-01-01",
            },
            "arbeid": {},
            "familie": {"sivilstatus": {"kilde": "bruker", "status": "ugift"},
                        "forsorgerplikt": {"harForsorgerplikt": {"kilde": "system", "verdi": False}}},
            "begrunnelse": {"kilde": "bruker", "hvaSokesOm": "", "hvorforSoke": ""},
            "bosituasjon": {"kilde": "bruker", "botype": "leier", "antallPersoner": 1},
            "okonomi": {
                "opplysninger": {
                    "bekreftelse": [yes_no("sparing", False), yes_no("verdi", False),
                                    yes_no("boutgifter", True), yes_no("utbetaling", False)],
                    "utbetaling": [],
                    "utgift": [],
                },
                "oversikt": {"inntekt": [], "utgift": [item("husleie", belop=8000)], "formue": []},
            },
        },
        "mottaker": {"kommunenummer": "0301", "enhetsnummer": "0315", "navEnhetsnavn": "NAV Grünerløkka"},
        "driftsinformasjon": {"utbetalingerFraNavFeilet": False, "inntektFraSkatteetatenFeilet": False,
                              "stotteFraHusbankenFeilet": False},
        "kompatibilitet": [],
    }


def yes_no(kind, answer):
    return {"kilde": "bruker", "type": kind, "tittel": kind, "verdi": answer}


def item(kind, kilde="bruker", overridden=False, **amounts):
    return {"kilde": kilde, "type": kind, "tittel": kind, "overstyrtAvBruker": overridden, **amounts}


def mapped(document, day=DAY, source="request"):
    layout = validate_soknad(document)
    return map_soknad(document, layout, day, source)
