"""The household: the applicant's age, a spouse or cohabitant, the children, and who else shares the home
(`data.personalia.fodselsdato`, `data.familie`, `data.bosituasjon`).

Whether the home is shared needs the other three: the number of residents the applicant gives is compared with
the family the application lists.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.answer import FlagKind, IgnoredReason
from digisos.mapping.core import Mapper, age_on, dotted, get, indexed, outdated
from engine.case.model import Child


def applicant_age(m: Mapper) -> int | None:
    field = "applicant.age"
    raw = get(m.data, "personalia", "fodselsdato")
    if raw is None:
        return m.record(field, None, [], "The application gives no date of birth.")
    sources = ["data.personalia.fodselsdato"]
    birth = m.date(raw, "data.personalia.fodselsdato")
    if birth is None:
        return m.record(field, None, sources, "The date of birth is not a calendar date.")
    age = age_on(birth, m.day)
    if not 16 <= age <= 130:
        return m.record(field, None, sources, "The age on the decision date is outside the case model's "
                                              "range for an applicant (16–130).")
    return m.record(field, age, sources, "The age on the decision date, from the date of birth (which is "
                                         "not kept).")


def spouse(m: Mapper) -> bool | None:
    field, path = "household.has_spouse_or_cohabitant", "data.familie.sivilstatus"
    status = get(m.data, "familie", "sivilstatus")
    if not isinstance(status, dict):
        return m.record(field, None, [], "Not answered: the application has no sivilstatus.")
    if outdated(status):
        m.ignore(path, IgnoredReason.outdated, "kilde: utdatert — no longer relevant.")
        return m.record(field, None, [path], "The only sivilstatus is outdated.")
    sources = [path + ".status"]
    code = status.get("status")
    if code in v.LIVES_AS_COUPLE:
        return m.record(field, True, sources, "Cohabitant (samboer).")
    if code in v.SINGLE:
        return m.record(field, False, sources, "Not married and not cohabiting (ugift, enke, skilt or "
                                               "separert).")
    if status.get("kilde") == v.SYSTEM:
        sources.append(path + ".folkeregistrertMedEktefelle")
        if status.get("folkeregistrertMedEktefelle") is True:
            return m.record(field, True, sources, "Married, registered at the same address as the spouse.")
        return m.record(field, None, sources, "Married, but not registered at the same address: whether "
                                              "they live together is not in the application.")
    sources.append(path + ".borSammenMed")
    together = status.get("borSammenMed")
    if isinstance(together, bool):
        return m.record(field, together, sources, "Married; the applicant says whether they live together.")
    return m.record(field, None, sources, "Married, and the application does not say whether they live "
                                          "together.")


def children(m: Mapper) -> tuple[list[Child] | None, bool]:
    """The children of the household (under 18), and whether an adult child lives in the home."""
    field, base = "household.children", "data.familie.forsorgerplikt"
    duty = get(m.data, "familie", "forsorgerplikt", "harForsorgerplikt")
    has = duty.get("verdi") if isinstance(duty, dict) and not outdated(duty) else None
    sources = [base + ".harForsorgerplikt"] if isinstance(has, bool) else []
    entries = []
    for index, entry in indexed(get(m.data, "familie", "forsorgerplikt", "ansvar")):
        path = dotted(base + ".ansvar", index)
        if outdated(entry.get("barn")):
            m.ignore(path, IgnoredReason.outdated, "The child's data is outdated (kilde: utdatert).")
        elif isinstance(entry.get("barn"), dict):
            entries.append((path, entry))
    if not entries:
        if has is False:
            return m.record(field, [], sources, "The applicant provides for no children."), False
        note = ("The applicant provides for children but the application lists none." if has is True
                else "Not answered: no children are listed and harForsorgerplikt is not given.")
        return m.record(field, None, sources, note), False
    children, adult, undecided, contradicted, ages_missing = [], False, [], [], 0
    for path, entry in entries:
        lives = _lives_with_applicant(m, path, entry, sources)
        birth = m.date(get(entry, "barn", "fodselsdato"), path + ".barn.fodselsdato")
        age = age_on(birth, m.day) if birth is not None else None
        if lives == CONTRADICTED:
            contradicted.append(path)
        elif lives is None or (age is not None and age < 0):
            undecided.append(path)
        elif lives is False:
            m.ignore(path, IgnoredReason.lives_elsewhere, "The child does not live in the household.")
        elif age is not None and age >= 18:
            adult = True
            m.ignore(path, IgnoredReason.adult, "18 or over on the decision date: an adult in the home, not "
                                                "a child of the household.")
        else:
            children.append(Child(age=age))
            ages_missing += age is None
            if age is not None:
                sources.append(path + ".barn.fodselsdato")
    if contradicted or undecided:
        parts = ([f"{len(contradicted)} listed child(ren) registered at the address with samvær (see flags)"]
                 if contradicted else []) + (
            [f"{len(undecided)} listed child(ren): whether they live in the household (or their date of birth) is "
             "not given"] if undecided else [])
        return m.record(field, None, sources, "Unknown: " + "; ".join(parts) + ".",
                        [v.CONTACT_AGREEMENT] if contradicted else []), adult
    if len(children) > 30:
        return m.record(field, None, sources, "More children than the case model holds (30)."), adult
    note = f"{len(children)} child(ren) living in the household, each with the age on the decision date."
    if ages_missing:
        note += f" The age of {ages_missing} is not given, which leaves the guideline rate unknown."
    return m.record(field, children, sources, note), adult


CONTRADICTED = "contradicted"


def _lives_with_applicant(m: Mapper, path: str, entry: dict, sources: list[str]) -> bool | str | None:
    """Whether the child lives with the applicant: the applicant's answer, else the population register's; or
    CONTRADICTED. The form asks about samvær only for a child who does not live with the applicant, and about
    shared residence only for one registered at the applicant's address, so samvær beside "lives here" is a
    contradiction, and shared residence a thing to look at."""
    answers = {}
    for key in ("borSammenMed", "erFolkeregistrertSammen"):
        answer = entry.get(key)
        if isinstance(answer, dict) and not outdated(answer) and isinstance(answer.get("verdi"), bool):
            answers[key] = answer["verdi"]
            sources.append(f"{path}.{key}")
    lives = answers.get("borSammenMed", answers.get("erFolkeregistrertSammen"))
    if answers.get("borSammenMed") is False and answers.get("erFolkeregistrertSammen") is True:
        m.flag(FlagKind.attention, [f"{path}.borSammenMed", f"{path}.erFolkeregistrertSammen"],
               "Barnet er folkeregistrert hos søkeren, men søkeren svarer at barnet ikke bor der. Søkerens svar er "
               "lagt til grunn.",
               "The child is registered at the applicant's address, but the applicant says the child does not live "
               "there. The applicant's answer is read.")
    share = entry.get("samvarsgrad")
    share = share.get("verdi") if isinstance(share, dict) and not outdated(share) else None
    if lives is True and isinstance(share, int):
        m.flag(FlagKind.contradiction, [f"{path}.samvarsgrad", *(f"{path}.{key}" for key in answers)],
               f"Barnet bor hos søkeren eller er folkeregistrert der, men søkeren oppgir {share} % samvær, som gjelder "
               "barn som bor hos den andre forelderen. Om barnet hører til husstanden, er ukjent.",
               f"The child lives with the applicant or is registered there, yet the applicant gives {share} % samvær, "
               "which is for a child who lives with the other parent. Whether the child belongs to the household is "
               "unknown.")
        return CONTRADICTED
    # The schema names it harDeltBosted; NAV's own example of register data (systemdata.json) writes HarDeltBosted.
    shared = next((key for key in ("harDeltBosted", "HarDeltBosted") if isinstance(node := entry.get(key), dict)
                   and not outdated(node) and node.get("verdi") is True), None)
    if shared is not None:
        m.flag(FlagKind.attention, [f"{path}.{shared}"],
               "Barnet har delt bosted: det bor fast hos begge foreldrene. Barnet er regnet med i husstanden; hvor "
               "mye av barnets utgifter som faller på søkeren, må vurderes.",
               "The child has shared residence: it lives with both parents. It is counted in the household; how "
               "much of the child's costs falls on the applicant must be judged.")
    return lives


def shares_home(m: Mapper, spouse: bool | None, children: list[Child] | None, adult_child: bool) -> bool | None:
    """Whether other adults share the home. Only the application's own answers say so (living with friends or
    family, an adult child at home). The number of people in the home (`antallPersoner`) is held against the
    family listed: the same number says nobody else lives there; more does not say another adult does (a child
    who is there on samvær may be the one more), so it is left unknown and flagged; fewer is a contradiction."""
    field = "household.shares_home_with_other_adults"
    housing = get(m.data, "bosituasjon")
    housing = housing if isinstance(housing, dict) and not outdated(housing) else {}
    kind, persons = housing.get("botype"), housing.get("antallPersoner")
    if kind in v.SOMEONE_ELSES_HOME:
        return m.record(field, True, ["data.bosituasjon.botype"],
                        "Lives with friends, parents or other family (botype).")
    if adult_child:
        return m.record(field, True, ["data.familie.forsorgerplikt.ansvar"],
                        "An adult child (18 or over) lives in the home.")
    if isinstance(persons, int) and spouse is not None and children is not None:
        sources = ["data.bosituasjon.antallPersoner", "data.familie"]
        household = 1 + int(spouse) + len(children)
        if persons == household:
            return m.record(field, False, sources, "The home's residents are the applicant, a spouse or "
                                                   "cohabitant and the children only.")
        if persons > household:
            m.flag(FlagKind.attention, sources,
                   f"Søkeren oppgir {persons} personer i boligen, men søknaden viser {household} i husstanden. Den "
                   "eller de andre kan være barn på samvær eller andre voksne; det må avklares hvem.",
                   f"The applicant gives {persons} persons in the home, but the application shows {household} in "
                   "the household. The others may be children on samvær or other adults; who they are must be "
                   "found out.")
            return m.record(field, None, sources, "Unknown: more people live in the home than the household the "
                                                  "application lists, and who they are is not given (see flags).")
        m.flag(FlagKind.contradiction, sources,
               f"Søkeren oppgir {persons} personer i boligen, men søknaden viser {household} i husstanden.",
               f"The applicant gives {persons} persons in the home, but the application shows {household} in the "
               "household.")
        return m.record(field, None, sources, "Unknown: fewer people live in the home than the family the "
                                              "application lists (see flags).")
    return m.record(field, None, ["data.bosituasjon"] if housing else [],
                    "Not given: the application does not say who else lives in the home (antallPersoner, "
                    "with the household's composition).")
