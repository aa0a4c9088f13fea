"""The household: the applicant's age, a spouse or cohabitant, the children, and who else shares the home
(`data.personalia.fodselsdato`, `data.familie`, `data.bosituasjon`).

Whether the home is shared needs the other three: the number of residents the applicant gives is compared with
the family the application lists.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.answer import IgnoredReason
from digisos.mapping.core import Mapper, age_on, calendar_date, dotted, get, indexed, outdated
from engine.case.model import Child


def applicant_age(m: Mapper) -> int | None:
    field = "applicant.age"
    raw = get(m.data, "personalia", "fodselsdato")
    if raw is None:
        return m.record(field, None, [], "The application gives no date of birth.")
    sources = ["data.personalia.fodselsdato"]
    birth = calendar_date(raw)
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
    children, adult, undecided, ages_missing = [], False, [], 0
    for path, entry in entries:
        lives = None
        for key in ("borSammenMed", "erFolkeregistrertSammen"):
            answer = entry.get(key)
            if isinstance(answer, dict) and not outdated(answer) and isinstance(answer.get("verdi"), bool):
                lives = answer["verdi"]
                sources.append(f"{path}.{key}")
                break
        birth = calendar_date(get(entry, "barn", "fodselsdato"))
        age = age_on(birth, m.day) if birth is not None else None
        if lives is None or (age is not None and age < 0):
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
    if undecided:
        return m.record(field, None, sources, f"{len(undecided)} listed child(ren): whether they live in "
                                              "the household (or their date of birth) is not given."), adult
    if len(children) > 30:
        return m.record(field, None, sources, "More children than the case model holds (30)."), adult
    note = f"{len(children)} child(ren) living in the household, each with the age on the decision date."
    if ages_missing:
        note += f" The age of {ages_missing} is not given, which leaves the guideline rate unknown."
    return m.record(field, children, sources, note), adult


def shares_home(m: Mapper, spouse: bool | None, children: list[Child] | None, adult_child: bool) -> bool | None:
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
        if persons > household:
            return m.record(field, True, sources, "More people live in the home than the applicant, a "
                                                  "spouse or cohabitant and the children.")
        if persons == household:
            return m.record(field, False, sources, "The home's residents are the applicant, a spouse or "
                                                   "cohabitant and the children only.")
        return m.record(field, None, sources, "Fewer people live in the home than the family the "
                                              "application lists.")
    return m.record(field, None, ["data.bosituasjon"] if housing else [],
                    "Not given: the application does not say who else lives in the home (antallPersoner, "
                    "with the household's composition).")
