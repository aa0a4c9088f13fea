"""The application's fields with personal data, which the mapping never reads into the case, and which of them an
application has (the report's `personal_data_dropped`).

The date of birth and the free text are on the list although they are read: the date of birth only for the age
on the decision date (household.py), the free text only for keywords (request.py); neither is kept.
"""

from __future__ import annotations

from typing import Any

# `*` stands for every item of a list.
PERSONAL_DATA = [
    "data.personalia.personIdentifikator", "data.personalia.navn", "data.personalia.kontonummer",
    "data.personalia.telefonnummer", "data.personalia.folkeregistrertAdresse", "data.personalia.oppholdsadresse",
    "data.personalia.postadresse", "data.personalia.fodselsdato", "data.familie.sivilstatus.ektefelle",
    "data.familie.sivilstatus.borIkkeSammenMedBegrunnelse", "data.familie.folkeregistrertMedEktefelleAvviksforklaring",
    "data.familie.forsorgerplikt.ansvar.*.barn.navn", "data.familie.forsorgerplikt.ansvar.*.barn.personIdentifikator",
    "data.familie.forsorgerplikt.ansvar.*.barn.fodselsdato", "data.arbeid.forhold.*.arbeidsgivernavn",
    "data.arbeid.kommentarTilArbeidsforhold", "data.begrunnelse.hvaSokesOm", "data.begrunnelse.hvorforSoke",
    "data.situasjonendring.hvaHarEndretSeg", "data.okonomi.opplysninger.beskrivelseAvAnnet",
    "data.okonomi.opplysninger.utbetaling.*.organisasjon",
]


def personal_data_present(document: dict[str, Any]) -> list[str]:
    """The paths of PERSONAL_DATA that `document` has (with a value other than null)."""
    return [path for path in PERSONAL_DATA if _present(document, path.split("."))]


def _present(node: Any, parts: list[str]) -> bool:
    if not parts:
        return node is not None
    head, rest = parts[0], parts[1:]
    if head == "*":
        return isinstance(node, list) and any(_present(item, rest) for item in node)
    return isinstance(node, dict) and head in node and _present(node[head], rest)
