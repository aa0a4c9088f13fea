"""JsonSoknad → Case, with a report of where each case field came from and why the others are unknown.

The application answers the applicant's questions; the case model asks the law's. Where an answer settles a
case field, the field is set and the report names the application's fields it came from. Where it does not —
an answer is missing, an amount is missing, a register look-up failed, or the field is the caseworker's own
assessment (whether work is realistic, whether an asset is needed for daily living, the life situation) — the
field is left out of the case (unknown, never 0 or False), and the report says why and which document would
settle it.

How the format's own rules are followed:
- `kilde: utdatert` marks a datum that is no longer relevant and must not be shown to the caseworker: it is not
  read (and the report lists it as `outdated`).
- `overstyrtAvBruker: true` on register data means the applicant corrected it: the register item is not read.
- Unknown `type` codes are accepted: an income or asset of an unknown type is counted as `other`; an expense of
  an unknown type is not counted (it is not known to be a housing cost). The report lists them.
- A missing field means "not answered".

Personal data is never read into the case: identity numbers, names, account and phone numbers, addresses, the
employer's and payer's names. The date of birth is read only to compute the age on the decision date, and the
free-text reasons only to find a few keywords (`vocabulary.REQUEST_WORDS`); neither is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from digisos import vocabulary as v
from digisos.answer import (
    DecisionDate,
    Document,
    FieldMapping,
    FieldStatus,
    Ignored,
    IgnoredReason,
    LookupFailed,
    MappingReport,
    SchemaUsed,
)
from digisos.schema import Layout
from engine.case.model import (
    AppliedFor,
    Asset,
    Case,
    Child,
    Expense,
    GatheredHow,
    Income,
    IncomeKind,
    InformationGathering,
)

MAX_KRONER = Decimal("9999999999.99")  # the case model's largest amount (12 digits, 2 decimals)

FIELD_ORDER = [
    "applicant.age", "household.has_spouse_or_cohabitant", "household.shares_home_with_other_adults",
    "household.children", "income", "assets", "expenses", "economic_rights", "work.can_support_self_through_work",
    "residence.lawful_residence", "request.acute_need", "request.applied_for",
    "life_situation.difficult", "life_situation.help_could_overcome_or_adapt", "participation.information_gathering",
]

# Fields with personal data, never read (`*` stands for every item of a list). The date of birth and the free
# text are read for the age and for keywords only.
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


def map_soknad(document: dict[str, Any], layout: Layout, decision_date: dt.date,
               date_source: Literal["request", "today"]) -> tuple[Case, MappingReport]:
    """The case an application gives, and the report of how. `document` must have passed `validate_soknad`."""
    return _Mapper(document, layout, decision_date, date_source).run()


# --- reading the application -----------------------------------------------------------------------------


def _get(node: Any, *keys: str | int) -> Any:
    for key in keys:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and -len(node) <= key < len(node) else None
        else:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _items(node: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(index, item) for index, item in enumerate(node) if isinstance(item, dict)] \
        if isinstance(node, list) else []


def _path(*parts: str | int) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _outdated(item: Any) -> bool:
    return isinstance(item, dict) and item.get("kilde") == v.OUTDATED


def _kroner(value: Any) -> Decimal | None:
    """A monetary amount from the application, in kroner with two decimals; None if absent or unusable."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if Decimal(0) <= amount <= MAX_KRONER else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _unique(values: Iterable[Any]) -> list[Any]:
    seen, result = set(), []
    for value in values:
        key = value.code if isinstance(value, Document) else value
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


class _Mapper:
    def __init__(self, document: dict[str, Any], layout: Layout, decision_date: dt.date,
                 date_source: Literal["request", "today"]) -> None:
        self.doc, self.layout, self.day, self.date_source = document, layout, decision_date, date_source
        self.data: dict[str, Any] = document.get("data") or {}
        self.fields: dict[str, FieldMapping] = {}
        self.ignored: list[Ignored] = []
        self.unknown_codes: list[str] = []
        self.lookups: list[LookupFailed] = []

    # --- bookkeeping ---------------------------------------------------------------------------------------

    def record(self, field: str, value: Any, sources: Iterable[str], note: str,
               documents: Iterable[Document] = ()) -> Any:
        self.fields[field] = FieldMapping(
            case_field=field, status=FieldStatus.set if value is not None else FieldStatus.unknown,
            sources=_unique(sources), note=note, documents=_unique(documents))
        return value

    def ignore(self, path: str, reason: IgnoredReason, note: str) -> None:
        self.ignored.append(Ignored(soknad_field=path, reason=reason, note=note))

    def unknown_code(self, path: str) -> None:
        self.unknown_codes.append(path + ".type")

    def live(self, item: dict[str, Any], path: str) -> bool:
        """False for an item the format says not to read: outdated, or register data the applicant corrected."""
        if _outdated(item):
            self.ignore(path, IgnoredReason.outdated, "kilde: utdatert — no longer relevant.")
            return False
        if item.get("kilde") == v.SYSTEM and item.get("overstyrtAvBruker") is True:
            self.ignore(path, IgnoredReason.overridden_by_applicant,
                        "Register data the applicant corrected (overstyrtAvBruker); the applicant's own item counts.")
            return False
        return True

    def confirmation(self, kind: str) -> tuple[bool | None, list[str]]:
        """The applicant's yes/no answer of one kind (okonomi.opplysninger.bekreftelse), and where it is."""
        answer, paths = None, []
        for index, item in _items(_get(self.data, "okonomi", "opplysninger", "bekreftelse")):
            if item.get("type") == kind and not _outdated(item) and isinstance(item.get("verdi"), bool):
                answer = item["verdi"]
                paths.append(_path("data.okonomi.opplysninger.bekreftelse", index))
        return answer, paths

    # --- the case, field by field --------------------------------------------------------------------------

    def run(self) -> tuple[Case, MappingReport]:
        self._lookups()
        age = self.applicant_age()
        spouse = self.spouse()
        children, adult_child = self.children()
        shares = self.shares_home(spouse, children, adult_child)
        income = self.income(spouse)
        assets = self.assets()
        expenses = self.expenses()
        lawful = self.lawful_residence()
        acute, applied_for = self.request()
        gathering = self.information_gathering()
        self.assessments()

        values: dict[str, Any] = {
            "decision_date": self.day,
            "applicant": {"age": age},
            "household": {"has_spouse_or_cohabitant": spouse, "shares_home_with_other_adults": shares,
                          "children": children},
            "income": income, "assets": assets, "expenses": expenses,
            "residence": {"lawful_residence": lawful},
            "request": {"acute_need": acute, "applied_for": applied_for},
            "participation": {"information_gathering": gathering},
        }
        case = Case.model_validate(_without_none(values))
        fields = [self.fields[name] for name in FIELD_ORDER if name in self.fields]
        report = MappingReport(
            soknad_schema=SchemaUsed(layout=self.layout.value, schema_file=self.layout.schema_file,
                                     version=v.shown_version(self.doc.get("version"))),
            decision_date=DecisionDate(value=self.day, source=self.date_source, note=self._date_note()),
            fields=fields, ignored=self.ignored, unknown_type_codes=self.unknown_codes,
            register_lookups_failed=self.lookups, personal_data_dropped=self._personal_data(),
            case=case.model_dump(mode="json", by_alias=True, exclude_none=True))
        return case, report

    def _date_note(self) -> str:
        if self.date_source == "request":
            return "An application has no decision date; this one is the request's decision_date."
        return ("An application has no decision date, and the request gave none: today's date (the server's) is "
                "used. Pass decision_date to evaluate as of another day.")

    def _lookups(self) -> None:
        info = self.doc.get("driftsinformasjon")
        if not isinstance(info, dict):
            return
        failed = [
            ("inntektFraSkatteetatenFeilet", "Skatteetaten (taxable income, a-ordningen)",
             "Wages are read from the applicant's own answers only; where the application shows work but no "
             "wages, income is unknown."),
            ("utbetalingerFraNavFeilet", "NAV (payments of NAV benefits)",
             "Benefits paid by NAV may be missing from the application: income is unknown until the office has "
             "looked them up."),
            ("stotteFraHusbankenFeilet", "Husbanken (housing allowance)",
             "Housing allowance may be missing from the application: income is unknown until it is documented."),
        ]
        for flag, register, consequence in failed:
            if info.get(flag) is True:
                self.lookups.append(LookupFailed(register_name=register, soknad_field=f"driftsinformasjon.{flag}",
                                                 consequence=consequence))

    def _lookup_failed(self, flag: str) -> bool:
        return any(lookup.soknad_field == f"driftsinformasjon.{flag}" for lookup in self.lookups)

    def applicant_age(self) -> int | None:
        field = "applicant.age"
        raw = _get(self.data, "personalia", "fodselsdato")
        if raw is None:
            return self.record(field, None, [], "The application gives no date of birth.")
        sources = ["data.personalia.fodselsdato"]
        birth = _date(raw)
        if birth is None:
            return self.record(field, None, sources, "The date of birth is not a calendar date.")
        age = _age_on(birth, self.day)
        if not 16 <= age <= 130:
            return self.record(field, None, sources, "The age on the decision date is outside the case model's "
                                                     "range for an applicant (16–130).")
        return self.record(field, age, sources, "The age on the decision date, from the date of birth (which is "
                                                "not kept).")

    def spouse(self) -> bool | None:
        field, path = "household.has_spouse_or_cohabitant", "data.familie.sivilstatus"
        status = _get(self.data, "familie", "sivilstatus")
        if not isinstance(status, dict):
            return self.record(field, None, [], "Not answered: the application has no sivilstatus.")
        if _outdated(status):
            self.ignore(path, IgnoredReason.outdated, "kilde: utdatert — no longer relevant.")
            return self.record(field, None, [path], "The only sivilstatus is outdated.")
        sources = [path + ".status"]
        code = status.get("status")
        if code in v.LIVES_AS_COUPLE:
            return self.record(field, True, sources, "Cohabitant (samboer).")
        if code in v.SINGLE:
            return self.record(field, False, sources, "Not married and not cohabiting (ugift, enke, skilt or "
                                                      "separert).")
        if status.get("kilde") == v.SYSTEM:
            sources.append(path + ".folkeregistrertMedEktefelle")
            if status.get("folkeregistrertMedEktefelle") is True:
                return self.record(field, True, sources, "Married, registered at the same address as the spouse.")
            return self.record(field, None, sources, "Married, but not registered at the same address: whether "
                                                     "they live together is not in the application.")
        sources.append(path + ".borSammenMed")
        together = status.get("borSammenMed")
        if isinstance(together, bool):
            return self.record(field, together, sources, "Married; the applicant says whether they live together.")
        return self.record(field, None, sources, "Married, and the application does not say whether they live "
                                                 "together.")

    def children(self) -> tuple[list[Child] | None, bool]:
        """The children of the household (under 18), and whether an adult child lives in the home."""
        field, base = "household.children", "data.familie.forsorgerplikt"
        duty = _get(self.data, "familie", "forsorgerplikt", "harForsorgerplikt")
        has = duty.get("verdi") if isinstance(duty, dict) and not _outdated(duty) else None
        sources = [base + ".harForsorgerplikt"] if isinstance(has, bool) else []
        entries = []
        for index, entry in _items(_get(self.data, "familie", "forsorgerplikt", "ansvar")):
            path = _path(base + ".ansvar", index)
            if _outdated(entry.get("barn")):
                self.ignore(path, IgnoredReason.outdated, "The child's data is outdated (kilde: utdatert).")
            elif isinstance(entry.get("barn"), dict):
                entries.append((path, entry))
        if not entries:
            if has is False:
                return self.record(field, [], sources, "The applicant provides for no children."), False
            note = ("The applicant provides for children but the application lists none." if has is True
                    else "Not answered: no children are listed and harForsorgerplikt is not given.")
            return self.record(field, None, sources, note), False
        children, adult, undecided, ages_missing = [], False, [], 0
        for path, entry in entries:
            lives = None
            for key in ("borSammenMed", "erFolkeregistrertSammen"):
                answer = entry.get(key)
                if isinstance(answer, dict) and not _outdated(answer) and isinstance(answer.get("verdi"), bool):
                    lives = answer["verdi"]
                    sources.append(f"{path}.{key}")
                    break
            birth = _date(_get(entry, "barn", "fodselsdato"))
            age = _age_on(birth, self.day) if birth is not None else None
            if lives is None or (age is not None and age < 0):
                undecided.append(path)
            elif lives is False:
                self.ignore(path, IgnoredReason.lives_elsewhere, "The child does not live in the household.")
            elif age is not None and age >= 18:
                adult = True
                self.ignore(path, IgnoredReason.adult, "18 or over on the decision date: an adult in the home, not "
                                                       "a child of the household.")
            else:
                children.append(Child(age=age))
                ages_missing += age is None
                if age is not None:
                    sources.append(path + ".barn.fodselsdato")
        if undecided:
            return self.record(field, None, sources, f"{len(undecided)} listed child(ren): whether they live in "
                                                     "the household (or their date of birth) is not given."), adult
        if len(children) > 30:
            return self.record(field, None, sources, "More children than the case model holds (30)."), adult
        note = f"{len(children)} child(ren) living in the household, each with the age on the decision date."
        if ages_missing:
            note += f" The age of {ages_missing} is not given, which leaves the guideline rate unknown."
        return self.record(field, children, sources, note), adult

    def shares_home(self, spouse: bool | None, children: list[Child] | None, adult_child: bool) -> bool | None:
        field = "household.shares_home_with_other_adults"
        housing = _get(self.data, "bosituasjon")
        housing = housing if isinstance(housing, dict) and not _outdated(housing) else {}
        kind, persons = housing.get("botype"), housing.get("antallPersoner")
        if kind in v.SOMEONE_ELSES_HOME:
            return self.record(field, True, ["data.bosituasjon.botype"],
                               "Lives with friends, parents or other family (botype).")
        if adult_child:
            return self.record(field, True, ["data.familie.forsorgerplikt.ansvar"],
                               "An adult child (18 or over) lives in the home.")
        if isinstance(persons, int) and spouse is not None and children is not None:
            sources = ["data.bosituasjon.antallPersoner", "data.familie"]
            household = 1 + int(spouse) + len(children)
            if persons > household:
                return self.record(field, True, sources, "More people live in the home than the applicant, a "
                                                         "spouse or cohabitant and the children.")
            if persons == household:
                return self.record(field, False, sources, "The home's residents are the applicant, a spouse or "
                                                          "cohabitant and the children only.")
            return self.record(field, None, sources, "Fewer people live in the home than the family the "
                                                     "application lists.")
        return self.record(field, None, ["data.bosituasjon"] if housing else [],
                           "Not given: the application does not say who else lives in the home (antallPersoner, "
                           "with the household's composition).")

    # --- the economy ---------------------------------------------------------------------------------------

    def income(self, spouse: bool | None) -> list[Income] | None:
        field = "income"
        items: list[Income] = []
        sources: list[str] = []
        documents: list[Document] = []
        unknown: list[str] = []
        counted_codes: set[str] = set()
        missing_codes: set[str] = set()

        def take(path: str, code: str | None, kind: IncomeKind, amount: Decimal | None) -> None:
            """Count an income item, or note that its amount is missing and which document would give it."""
            sources.append(path)
            if amount is None:
                missing_codes.add(code)
                documents.append(v.INCOME_DOCUMENTS.get(code, v.OTHER_INCOME))
            else:
                items.append(Income(kind=kind, monthly_amount=amount))
                counted_codes.add(code)

        base = "data.okonomi.oversikt.inntekt"
        overview = [(i, item) for i, item in _items(_get(self.data, "okonomi", "oversikt", "inntekt"))
                    if self.live(item, _path(base, i))]
        overview_codes = {item.get("type") for _, item in overview}
        for index, item in overview:
            path, code = _path(base, index), item.get("type")
            take(path, code, self._income_kind(v.OVERVIEW_INCOME, code, path), _kroner(item.get("netto")))

        base = "data.okonomi.opplysninger.utbetaling"
        payments = [(i, item) for i, item in _items(_get(self.data, "okonomi", "opplysninger", "utbetaling"))
                    if self.live(item, _path(base, i))]
        for index, item in payments:
            path, code = _path(base, index), item.get("type")
            if item.get("mottaker") == "Kommune":
                self.ignore(path, IgnoredReason.paid_to_municipality, "Paid to the municipality, not the household.")
                continue
            if v.SAME_INCOME_AS.get(code) in overview_codes:
                self.ignore(path, IgnoredReason.counted_elsewhere,
                            f"Documents the same income as the overview's '{v.SAME_INCOME_AS[code]}' item, which is "
                            "counted instead.")
                continue
            kind = self._income_kind(v.PAYMENTS, code, path)
            amount = _kroner(item.get("netto"))
            if amount is None:
                amount = _kroner(item.get("belop"))
            if amount is None and item.get("brutto") is not None and item.get("skattetrekk") is not None:
                amount = _kroner((item.get("brutto") or 0) - (item.get("skattetrekk") or 0)
                                 - (item.get("andreTrekk") or 0))
            take(path, code, kind, amount)

        if missing_codes:
            unknown.append("an income item gives no usable net amount")
        work = self._signs_of_work()
        if work and not (counted_codes | missing_codes) & v.WAGE_CODES:
            sources += work
            unknown.append("the application shows work but no wages")
            documents.append(v.PAYSLIP)
        said_paid, said_where = self.confirmation(v.CONFIRM_PAYMENTS)
        if said_paid is True and not payments:
            sources += said_where
            unknown.append("the applicant says payments were received but lists none")
            documents.append(v.OTHER_INCOME)
        if spouse is True:
            unknown.append("a spouse or cohabitant lives in the household, and their income is not in the "
                           "application")
            documents.append(v.SPOUSE_INCOME)
        if self._lookup_failed("utbetalingerFraNavFeilet"):
            sources.append("driftsinformasjon.utbetalingerFraNavFeilet")
            unknown.append("NAV's payments could not be fetched (the office can look them up)")
        if self._lookup_failed("stotteFraHusbankenFeilet"):
            sources.append("driftsinformasjon.stotteFraHusbankenFeilet")
            unknown.append("housing allowance could not be fetched from Husbanken")
            documents.append(v.HOUSING_ALLOWANCE)
        if len(items) > 100:
            unknown.append("more income items than the case model holds (100)")
        if unknown:
            return self.record(field, None, sources, "Unknown: " + "; ".join(unknown) + ".", documents)
        note = (f"{len(items)} income item(s), net monthly amounts; payments received (opplysninger.utbetaling) "
                "count as this month's income." if items else "The application reports no income.")
        if spouse is None:
            note += (" Whether a spouse or cohabitant lives in the household is unknown; if one does, their income "
                     "belongs here too.")
        return self.record(field, items, sources, note)

    def _income_kind(self, table: dict[str, IncomeKind], code: Any, path: str) -> IncomeKind:
        if code in table:
            return table[code]
        self.unknown_code(path)
        return IncomeKind.other

    def _signs_of_work(self) -> list[str]:
        """Where the application shows current work: the applicant says so, or the employment register has a
        job that has not ended before the decision date."""
        signs = []
        situation = _get(self.data, "arbeid", "situasjon")
        if isinstance(situation, dict) and not _outdated(situation) and situation.get("erIJobb") is True:
            signs.append("data.arbeid.situasjon.erIJobb")
        for index, job in _items(_get(self.data, "arbeid", "forhold")):
            if _outdated(job) or (job.get("kilde") == v.SYSTEM and job.get("overstyrtAvBruker") is True):
                continue
            ended = _date(job.get("tom"))
            if ended is None or ended >= self.day:
                signs.append(_path("data.arbeid.forhold", index))
        return signs

    def assets(self) -> list[Asset] | None:
        field, base = "assets", "data.okonomi.oversikt.formue"
        assets: list[Asset] = []
        sources: list[str] = []
        documents: list[Document] = []
        unknown: list[str] = []
        codes: set[Any] = set()
        for index, item in _items(_get(self.data, "okonomi", "oversikt", "formue")):
            path, code = _path(base, index), item.get("type")
            if not self.live(item, path):
                continue
            sources.append(path)
            codes.add(code)
            kind = v.ASSETS.get(code)
            if kind is None:
                self.unknown_code(path)
                kind = v.ASSETS["annet"]
            value = _kroner(item.get("belop"))
            if value is None:
                unknown.append("an asset's value is not given")
                documents.append(v.ASSET_DOCUMENTS.get(code, v.BANK_STATEMENT))
            else:
                assets.append(Asset(kind=kind, value=value))
        for confirmation, group, document, what in (
                (v.CONFIRM_SAVINGS, v.SAVINGS_CODES, v.BANK_STATEMENT, "savings"),
                (v.CONFIRM_VALUABLES, v.VALUABLES_CODES, v.VALUABLES, "valuables")):
            answer, where = self.confirmation(confirmation)
            sources += where
            listed = bool(codes & group) or bool(codes - set(v.ASSETS))
            if answer is True and not listed:
                unknown.append(f"the applicant has {what} but lists none")
                documents.append(document)
            elif answer is None and not listed:
                unknown.append(f"not answered whether the household has {what} ({confirmation})")
                documents.append(document)
        if len(assets) > 100:
            unknown.append("more assets than the case model holds (100)")
        if unknown:
            return self.record(field, None, sources, "Unknown: " + "; ".join(_unique(unknown)) + ".", documents)
        if not assets:
            return self.record(field, [], sources, "The applicant has no savings and no valuables.")
        return self.record(field, assets, sources,
                           f"{len(assets)} asset(s) with their values. Whether each is needed for daily living is "
                           "the caseworker's judgement (assets[].needed_for_daily_living): until it is recorded, "
                           "the household's means stay unknown.")

    def expenses(self) -> list[Expense] | None:
        field = "expenses"
        expenses: list[Expense] = []
        sources: list[str] = []
        documents: list[Document] = []
        unknown: list[str] = []
        for base, keys in (("data.okonomi.oversikt.utgift", ("okonomi", "oversikt", "utgift")),
                           ("data.okonomi.opplysninger.utgift", ("okonomi", "opplysninger", "utgift"))):
            for index, item in _items(_get(self.data, *keys)):
                path, code = _path(base, index), item.get("type")
                if not self.live(item, path):
                    continue
                kind = v.HOUSING_COSTS.get(code)
                if kind is None:
                    if code not in v.OTHER_EXPENSES:
                        self.unknown_code(path)
                    self.ignore(path, IgnoredReason.not_a_counted_expense,
                                "Not a housing, power or heating cost. Whether it is a necessary expense beyond the "
                                "guideline rate is for the caseworker, who can add it as other_necessary.")
                    continue
                sources.append(path)
                amount = _kroner(item.get("belop"))
                if amount is None:
                    unknown.append("a housing cost gives no amount")
                    documents.append(v.EXPENSE_DOCUMENTS.get(code, v.OTHER_HOUSING_COST))
                else:
                    expenses.append(Expense(kind=kind, monthly_amount=amount))
        answer, where = self.confirmation(v.CONFIRM_HOUSING_COSTS)
        sources += where
        home = _get(self.data, "bosituasjon", "botype")
        home_document = v.HOME_DOCUMENTS.get(home)
        if not sources or (answer is None and not expenses and not unknown):
            unknown.append("not answered whether the household has housing costs (boutgifter)")
            documents += [home_document] if home_document else []
        elif answer is True and not expenses and not unknown:
            unknown.append("the applicant has housing costs but lists none")
            documents += [home_document] if home_document else [v.RENT_INVOICE]
        if len(expenses) > 100:
            unknown.append("more expenses than the case model holds (100)")
        if unknown:
            return self.record(field, None, sources, "Unknown: " + "; ".join(_unique(unknown)) + ".", documents)
        note = (f"{len(expenses)} housing, power or heating cost(s) a month." if expenses
                else "The applicant has no housing costs.")
        return self.record(field, expenses, sources, note)

    # --- residence, request, consents ----------------------------------------------------------------------

    def lawful_residence(self) -> bool | None:
        field = "residence.lawful_residence"
        citizenship = _get(self.data, "personalia", "statsborgerskap")
        nordic = _get(self.data, "personalia", "nordiskBorger")
        country = citizenship.get("verdi") if isinstance(citizenship, dict) and not _outdated(citizenship) else None
        flag = nordic.get("verdi") if isinstance(nordic, dict) and not _outdated(nordic) else None
        sources = (["data.personalia.statsborgerskap"] if country is not None else []) + (
            ["data.personalia.nordiskBorger"] if flag is not None else [])
        if country == "NOR":
            return self.record(field, True, sources, "A Norwegian citizen (a hint from statsborgerskap).")
        if country in v.NORDIC or flag is True:
            return self.record(field, True, sources, "A citizen of a Nordic country, who needs no residence permit "
                                                     "(a hint from statsborgerskap or nordiskBorger; NAV asks no "
                                                     "residence permit of Nordic citizens).")
        note = ("Not a Nordic citizen: the residence permit settles it." if country is not None or flag is False
                else "Citizenship is not given.")
        return self.record(field, None, sources, note, [v.RESIDENCE_PERMIT])

    def request(self) -> tuple[bool | None, list[AppliedFor]]:
        reasons = _get(self.data, "begrunnelse")
        text = ""
        if isinstance(reasons, dict) and not _outdated(reasons):
            text = "\n".join(value for value in (reasons.get("hvaSokesOm"), reasons.get("hvorforSoke"))
                             if isinstance(value, str))
        sources = ["data.begrunnelse"] if text else []
        matched = [kind for kind, words in v.REQUEST_WORDS.items() if v.words_in(text, words)]
        applied = [kind for kind in AppliedFor if kind in matched]
        note = ("Read from the applicant's own words (begrunnelse) by keyword: " + ", ".join(applied) + "."
                if applied else "The applicant's own words (begrunnelse) name nothing the keyword list knows.")
        if not any(kind != AppliedFor.individual_plan for kind in applied):
            applied.insert(0, AppliedFor.living_costs)
            note += (" A JsonSoknad is an application for financial assistance (økonomisk sosialhjelp), so it is "
                     "read as one for living costs.")
        self.record("request.applied_for", applied, sources, note)
        acute = len(v.words_in(text, v.ACUTE_WORDS))
        if acute:
            self.record("request.acute_need", True, sources,
                        f"The applicant's own words name an acute need ({acute} phrase(s) of the keyword list, "
                        "e.g. no food or nowhere to sleep). The caseworker confirms it.")
            return True, applied
        self.record("request.acute_need", None, sources,
                    "The applicant's own words name no acute need; that does not rule one out, so it is unknown.")
        return None, applied

    def information_gathering(self) -> list[InformationGathering] | None:
        """Information NAV fetched from registers for the application, and whether the applicant knew of it."""
        field = "participation.information_gathering"
        gathered: list[InformationGathering] = []
        sources: list[str] = []
        payments = [(i, item) for i, item in _items(_get(self.data, "okonomi", "opplysninger", "utbetaling"))
                    if item.get("kilde") == v.SYSTEM and item.get("overstyrtAvBruker") is not True]

        def fetched(code: str) -> list[str]:
            return [_path("data.okonomi.opplysninger.utbetaling", i) for i, item in payments
                    if item.get("type") == code]

        for source, where, consent in (
                ("tax", fetched("skatteetaten"), v.CONSENT_TAX),
                ("housing_bank", fetched("husbanken") + (
                    ["data.okonomi.opplysninger.bostotte.saker"]
                    if _items(_get(self.data, "okonomi", "opplysninger", "bostotte", "saker")) else []),
                 v.CONSENT_HOUSING_BANK)):
            if not where:
                continue
            answer, consent_where = self.confirmation(consent)
            sources += where + consent_where
            how = None if answer is None else GatheredHow.client_informed if answer else GatheredHow.neither
            gathered.append(InformationGathering(source=source, how=how))
        shown = [("nav", fetched("navytelse")), ("population_register", self._system_paths(
            ("familie", "sivilstatus"), ("personalia", "statsborgerskap"), ("personalia", "nordiskBorger"))
            + [_path("data.familie.forsorgerplikt.ansvar", i) for i, entry in
               _items(_get(self.data, "familie", "forsorgerplikt", "ansvar"))
               if _get(entry, "barn", "kilde") == v.SYSTEM]),
            ("employment_register", [_path("data.arbeid.forhold", i) for i, job in
                                     _items(_get(self.data, "arbeid", "forhold")) if job.get("kilde") == v.SYSTEM])]
        for source, where in shown:
            if where:
                sources += where
                gathered.append(InformationGathering(source=source, how=GatheredHow.client_informed))
        if not gathered:
            return self.record(field, [], [], "The application holds no register data.")
        return self.record(field, gathered, sources,
                           "Register data in the application. Data that needs the applicant's consent (Skatteetaten,"
                           " Husbanken) counts as known to the applicant when the consent is given (bekreftelse "
                           "skatteetaten_samtykke, bostotte_samtykke), as gathered without it when refused, and as "
                           "unknown when the answer is missing; other register data is shown to the applicant in "
                           "the application form.")

    def _system_paths(self, *keys: tuple[str, ...]) -> list[str]:
        return ["data." + ".".join(key) for key in keys if _get(self.data, *key, "kilde") == v.SYSTEM]

    def assessments(self) -> None:
        """Case fields that are the caseworker's own assessment: the application cannot give them."""
        self.record("economic_rights", None, ["data.okonomi.opplysninger.bostotte"]
                    if _get(self.data, "okonomi", "opplysninger", "bostotte") else [],
                    "The caseworker's assessment: which benefits the household could claim and has not (housing "
                    "allowance, sickness benefit …), with their expected amounts.")
        self.record("work.can_support_self_through_work", None,
                    ["data.arbeid"] if _get(self.data, "arbeid") else [],
                    "The caseworker's assessment of realistic, available work; the application's answers about work "
                    "do not settle it.")
        for field in ("life_situation.difficult", "life_situation.help_could_overcome_or_adapt"):
            self.record(field, None, [], "The caseworker's assessment; the applicant's own words are not "
                                         "interpreted beyond the request's keywords.")

    def _personal_data(self) -> list[str]:
        present = []
        for path in PERSONAL_DATA:
            parts = path.split(".")
            if _present(self.doc, parts):
                present.append(path)
        return present


def _present(node: Any, parts: list[str]) -> bool:
    if not parts:
        return node is not None
    head, rest = parts[0], parts[1:]
    if head == "*":
        return isinstance(node, list) and any(_present(item, rest) for item in node)
    return isinstance(node, dict) and head in node and _present(node[head], rest)


def _without_none(value: Any) -> Any:
    """A nested dict without None values and without dicts that are left empty."""
    if isinstance(value, dict):
        cleaned = {key: _without_none(item) for key, item in value.items() if item is not None}
        return {key: item for key, item in cleaned.items() if item != {}}
    return value
