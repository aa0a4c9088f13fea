"""The worked example in `docs/digisos-eksempler.md`: the mapping report of each of NAV's example applications, as
a caseworker reads it, with Norwegian labels. Generated here so that it cannot drift from what the adapter does
(`tests/test_digisos_worked_examples.py` checks the file against it); regenerate with

    .venv/bin/python -m tests.worked_examples

The Norwegian labels of case fields and of the kinds of income, expense and asset are the glossary's
(`engine/case/glossary.yaml`), as the page, the summary and the letter show them; a field the glossary does not
name stops the rendering rather than show its English path as a label. A consideration is shown by the first
sentence of its Norwegian text. The report's own notes are in English, as the API gives them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from digisos.answer import DigisosEvaluation, FieldStatus, FlagKind, IgnoredReason
from digisos.service import DEFAULT_DEADLINE_DAYS, evaluate_soknad
from engine.case.glossary import glossary, kroner
from engine.evaluate import Evaluator
from tests.digisos_data import DAY, FIXTURES, examples, load, realistic

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "digisos-eksempler.md"

STATUS = {FieldStatus.set: "kjent", FieldStatus.partial: "delvis kjent", FieldStatus.unknown: "ukjent"}
FLAG = {FlagKind.contradiction: "Motstrid", FlagKind.impossible_date: "Umulig dato",
        FlagKind.attention: "Til oppfølging"}
IGNORED = {
    IgnoredReason.outdated: "utdatert",
    IgnoredReason.overridden_by_applicant: "rettet av søkeren",
    IgnoredReason.not_a_counted_expense: "ikke en utgift som regnes med i behovet",
    IgnoredReason.paid_to_municipality: "utbetalt til kommunen",
    IgnoredReason.counted_elsewhere: "regnet med fra et annet felt",
    IgnoredReason.lives_elsewhere: "barnet bor ikke i husstanden",
    IgnoredReason.adult: "voksen (18 år eller eldre)",
    IgnoredReason.earlier_period: "gjelder en periode før den det søkes for",
}
AMOUNT = {"income": "monthly_amount", "expenses": "monthly_amount", "assets": "value"}
INTRODUCTIONS = {
    "brukerdata.json": "Søkerens egne svar (eldre format): regninger oppgitt som «siste regning», husleie ved siden av "
                       "boliglån, barnebidrag som både betales og føres som inntekt, sparing og «eier noe av verdi» "
                       "uten beløp, heltidsstudent, et barn med samvær og tre personer i boligen.",
    "systemdata.json": "Registeropplysninger (nytt format): utbetalinger fra NAV for februar 2018, et arbeidsforhold "
                       "som sluttet «2017-13-01», barn folkeregistrert hos søkeren med samvær og delt bosted, og "
                       "heltidsstudent.",
    "utbetalinger.json": "Bare utbetalinger (eldre format): utbytte og to utbetalinger fra NAV for februar 2018.",
    "minimal.json": "Den minste gyldige søknaden i NAVs testsett.",
}


def label(path: str) -> str:
    """A case field's Norwegian label, from the glossary: `household.children` → Barn i husstanden, and a field of one
    item of a list with the item's place: `assets[2].value` → Formuespost nr. 3: Verdi (kr). A KeyError for a path the
    glossary does not name."""
    words = glossary()
    if not words.knows(path):
        raise KeyError(f"the glossary names no case field {path}")
    return words.field(path)


def _kind(name: str, code: str) -> str:
    """The Norwegian label of an item's kind in the list `name` (income, expenses, assets)."""
    words = glossary()
    return words.code(words.field_codes(f"{name}.kind"), code)


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def _kroner(amount: str | None) -> str:
    """An amount of the case as the caseworker reads it: `12 345,50 kr`; `ukjent` where the case leaves it out."""
    return "ukjent" if amount is None else kroner(amount)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "–"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["Ingen.", ""]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows), ""]


def _paths(paths: list[str]) -> str:
    return ", ".join(f"`{path}`" for path in paths)


def section(title: str, introduction: str, answer: DigisosEvaluation, evaluator: Evaluator) -> list[str]:
    report, evaluation = answer.mapping, answer.evaluation
    lines = [f"### {title}", "", introduction, "",
             f"Vedtaksdato {report.decision_date.value.isoformat()} · skjema `{report.soknad_schema.schema_file}` "
             f"({'nytt' if report.soknad_schema.layout == 'current' else 'eldre'} format) · versjon "
             f"{report.soknad_schema.version or 'ikke oppgitt'}", ""]
    lines += ["#### Må sjekkes", ""]
    lines += _table(["Hva", "Felt i søknaden", "Merknad"],
                    [[FLAG[f.kind], _paths(f.soknad_fields), f.text.nb] for f in report.flags])
    lines += ["#### Saksopplysninger", ""]
    lines += _table(["Opplysning", "Status", "Lest fra", "Merknad", "Dokumentasjon som avgjør", "Felt i saken"],
                    [[label(f.case_field), STATUS[f.status], _paths(f.sources), f.note,
                      ", ".join(d.title.nb for d in f.documents), f"`{f.case_field}`"] for f in report.fields])
    lines += ["#### Beløp i saken", ""]
    lines += _table(["Liste", "Art", "Beløp", "Merknad"],
                    [[label(name), _kind(name, item["kind"]), _kroner(item.get(AMOUNT[name])),
                      "engangsutbetaling" if item.get("one_off") else ""]
                     for name in ("income", "expenses", "assets") for item in report.case.get(name) or ()])
    lines += ["#### Ikke regnet med", ""]
    lines += _table(["Felt i søknaden", "Hvorfor"],
                    [[f"`{i.soknad_field}`", f"{IGNORED[i.reason]} — {i.note}"] for i in report.ignored])
    if report.unknown_type_codes:
        lines += ["Ukjente typekoder (inntekt og formue regnes som «annet», utgifter regnes ikke med): "
                  + _paths(report.unknown_type_codes) + ".", ""]
    if report.register_lookups_failed:
        lines += ["#### Registeroppslag som feilet", ""]
        lines += _table(["Register", "Felt", "Følge"], [[lookup.register_name, f"`{lookup.soknad_field}`",
                                                         lookup.consequence]
                                                        for lookup in report.register_lookups_failed])
    lines += ["#### Personopplysninger som ikke er lest inn", "",
              (_paths(report.personal_data_dropped) + ".") if report.personal_data_dropped else "Ingen.", ""]
    outcomes = evaluator.rulebook.outcomes
    lines += ["#### Vurderingen", ""]
    lines += _table(["Spørsmål", "Utfall", "Mangler", "Hensyn"],
                    [[f"{d.provision.short_name} § {d.provision.section} {d.provision.title.lower()}",
                      outcomes[d.outcome].nb, ", ".join(label(path) for path in d.missing_facts),
                      " ".join(_first_sentence(c.nb) for c in d.considerations)] for d in evaluation.decisions])
    demands = [c for c in answer.candidate_events if c.event["type"] == "dokumentasjonkrav"]
    lines += ["#### Dokumentasjonskrav", ""]
    lines += _table(["Dokument", "Sak", "Frist", "Gjelder"],
                    [[c.event["tittel"], f"`{c.event['saksreferanse']}`", c.event["frist"],
                      ", ".join(label(b.removeprefix("missing:")) for b in c.basis if b.startswith("missing:"))]
                     for c in demands])
    return lines


def render(evaluator: Evaluator | None = None) -> str:
    evaluator = evaluator or Evaluator()
    deadline = DAY + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)
    lines = [
        "# Digisos-søknader slik saksbehandleren leser dem", "",
        "<!-- Generert av tests/worked_examples.py (.venv/bin/python -m tests.worked_examples); ikke rediger for "
        "hånd. -->", "",
        "Kartleggingsrapporten (`mapping`) for hver av NAVs eksempelsøknader, vurdert per "
        f"{DAY.isoformat()} med frist for dokumentasjon {deadline.isoformat()} ({DEFAULT_DEADLINE_DAYS} dager; "
        "slutten av dagen norsk tid). For hver søknad: hva saksbehandleren må sjekke (motstrid, umulige datoer og "
        "annet til oppfølging), hver saksopplysning med status og hvor den er lest fra, hva som ikke er regnet med, "
        "personopplysninger som ikke er lest inn, vurderingen etter loven, og dokumentasjonskravene. Merknadene i "
        "rapporten er på engelsk, slik API-et gir dem; saksfeltets navn i API-et står i siste kolonne. Hvordan "
        "adapteren leser søknaden: [digisos.md](digisos.md).", "",
        "## NAVs søknader med økonomi", "",
        "Utfylt slik en søker og NAVs registre fyller dem ut (`tests/fixtures/nav-soknader/`).", ""]
    for path in realistic():
        answer = evaluate_soknad(load(path), evaluator, DAY, deadline=deadline)
        lines += section(path.name, INTRODUCTIONS[path.name], answer, evaluator)
    minimal = FIXTURES / "soknad" / "minimal.json"
    lines += ["## NAVs minste søknad", ""]
    lines += section(minimal.name, INTRODUCTIONS[minimal.name],
                     evaluate_soknad(load(minimal), evaluator, DAY, deadline=deadline), evaluator)
    lines += ["## NAVs genererte eksempler", "",
              "Tilfeldig generert testdata fra NAVs verktøy (`examples/1.json` … `19.json` og "
              "`scripts/random_generated_soknad.json`): gyldig etter skjemaet, men med tilfeldige koder og tekst. "
              "De viser hvordan ukjente typekoder og manglende svar blir stående som ukjent.", ""]
    for path in examples():
        name = f"{path.parent.name}/{path.name}"
        lines += section(name, "Generert testdata.", evaluate_soknad(load(path), evaluator, DAY, deadline=deadline),
                         evaluator)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCUMENT}")
