"""Participation: the information NAV fetched from registers for the application
(`participation.information_gathering`), and whether the applicant knew of it.

Tax and housing-bank data are fetched only with the applicant's consent (`bekreftelse` skatteetaten_samtykke,
bostotte_samtykke), so the consent answer says how they were gathered. Other register data (NAV's own payments,
the population and employment registers) is shown to the applicant in the form, so it is known to them.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.mapping.core import Mapper, dotted, get, indexed
from engine.case.model import GatheredHow, InformationGathering


def information_gathering(m: Mapper) -> list[InformationGathering] | None:
    """Information NAV fetched from registers for the application, and whether the applicant knew of it."""
    field = "participation.information_gathering"
    gathered: list[InformationGathering] = []
    sources: list[str] = []
    payments = [(i, item) for i, item in indexed(get(m.data, "okonomi", "opplysninger", "utbetaling"))
                if item.get("kilde") == v.SYSTEM and item.get("overstyrtAvBruker") is not True]

    def fetched(code: str) -> list[str]:
        return [dotted("data.okonomi.opplysninger.utbetaling", i) for i, item in payments
                if item.get("type") == code]

    for source, where, consent in (
            ("tax", fetched("skatteetaten"), v.CONSENT_TAX),
            ("housing_bank", fetched("husbanken") + (
                ["data.okonomi.opplysninger.bostotte.saker"]
                if indexed(get(m.data, "okonomi", "opplysninger", "bostotte", "saker")) else []),
             v.CONSENT_HOUSING_BANK)):
        if not where:
            continue
        answer, consent_where = m.confirmation(consent)
        sources += where + consent_where
        how = None if answer is None else GatheredHow.client_informed if answer else GatheredHow.neither
        gathered.append(InformationGathering(source=source, how=how))
    shown = [("nav", fetched("navytelse")), ("population_register", _population_register(m)),
             ("employment_register", [dotted("data.arbeid.forhold", i) for i, job in
                                      indexed(get(m.data, "arbeid", "forhold")) if job.get("kilde") == v.SYSTEM])]
    for source, where in shown:
        if where:
            sources += where
            gathered.append(InformationGathering(source=source, how=GatheredHow.client_informed))
    if not gathered:
        return m.record(field, [], [], "The application holds no register data.")
    return m.record(field, gathered, sources,
                    "Register data in the application. Data that needs the applicant's consent (Skatteetaten,"
                    " Husbanken) counts as known to the applicant when the consent is given (bekreftelse "
                    "skatteetaten_samtykke, bostotte_samtykke), as gathered without it when refused, and as "
                    "unknown when the answer is missing; other register data is shown to the applicant in "
                    "the application form.")


def _population_register(m: Mapper) -> list[str]:
    """Where the application holds data from the population register: civil status, citizenship, children."""
    facts = [("familie", "sivilstatus"), ("personalia", "statsborgerskap"), ("personalia", "nordiskBorger")]
    return ["data." + ".".join(keys) for keys in facts if get(m.data, *keys, "kilde") == v.SYSTEM] + [
        dotted("data.familie.forsorgerplikt.ansvar", i)
        for i, entry in indexed(get(m.data, "familie", "forsorgerplikt", "ansvar"))
        if get(entry, "barn", "kilde") == v.SYSTEM]
