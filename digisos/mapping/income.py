"""Income: the monthly income the applicant states (`data.okonomi.oversikt.inntekt`) and the payments received
(`data.okonomi.opplysninger.utbetaling`), each as a net monthly amount.

The income is known only when nothing points to income the application leaves out: work without wages, payments
the applicant mentions but does not list, a spouse's income, or a register look-up that failed (lookups.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from digisos import vocabulary as v
from digisos.answer import Document, IgnoredReason
from digisos.mapping.core import Mapper, calendar_date, dotted, get, indexed, kroner, net_kroner, outdated, unknown_note
from digisos.mapping.lookups import lookup_failed
from engine.case.model import Income, IncomeKind


def income(m: Mapper, spouse: bool | None) -> list[Income] | None:
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
    overview = [(i, item) for i, item in indexed(get(m.data, "okonomi", "oversikt", "inntekt"))
                if m.live(item, dotted(base, i))]
    overview_codes = {item.get("type") for _, item in overview}
    for index, item in overview:
        path, code = dotted(base, index), item.get("type")
        take(path, code, _income_kind(m, v.OVERVIEW_INCOME, code, path), kroner(item.get("netto")))

    base = "data.okonomi.opplysninger.utbetaling"
    payments = [(i, item) for i, item in indexed(get(m.data, "okonomi", "opplysninger", "utbetaling"))
                if m.live(item, dotted(base, i))]
    for index, item in payments:
        path, code = dotted(base, index), item.get("type")
        if item.get("mottaker") == "Kommune":
            m.ignore(path, IgnoredReason.paid_to_municipality, "Paid to the municipality, not the household.")
            continue
        if v.SAME_INCOME_AS.get(code) in overview_codes:
            m.ignore(path, IgnoredReason.counted_elsewhere,
                     f"Documents the same income as the overview's '{v.SAME_INCOME_AS[code]}' item, which is "
                     "counted instead.")
            continue
        kind = _income_kind(m, v.PAYMENTS, code, path)
        amount = kroner(item.get("netto"))
        if amount is None:
            amount = kroner(item.get("belop"))
        if amount is None and item.get("brutto") is not None and item.get("skattetrekk") is not None:
            amount = net_kroner(item["brutto"], item["skattetrekk"], item.get("andreTrekk") or 0)
        take(path, code, kind, amount)

    if missing_codes:
        unknown.append("an income item gives no usable net amount")
    work = _signs_of_work(m)
    if work and not (counted_codes | missing_codes) & v.WAGE_CODES:
        sources += work
        unknown.append("the application shows work but no wages")
        documents.append(v.PAYSLIP)
    said_paid, said_where = m.confirmation(v.CONFIRM_PAYMENTS)
    if said_paid is True and not payments:
        sources += said_where
        unknown.append("the applicant says payments were received but lists none")
        documents.append(v.OTHER_INCOME)
    if spouse is True:
        unknown.append("a spouse or cohabitant lives in the household, and their income is not in the "
                       "application")
        documents.append(v.SPOUSE_INCOME)
    if lookup_failed(m, "utbetalingerFraNavFeilet"):
        sources.append("driftsinformasjon.utbetalingerFraNavFeilet")
        unknown.append("NAV's payments could not be fetched (the office can look them up)")
    if lookup_failed(m, "stotteFraHusbankenFeilet"):
        sources.append("driftsinformasjon.stotteFraHusbankenFeilet")
        unknown.append("housing allowance could not be fetched from Husbanken")
        documents.append(v.HOUSING_ALLOWANCE)
    if len(items) > 100:
        unknown.append("more income items than the case model holds (100)")
    if unknown:
        return m.record(field, None, sources, unknown_note(unknown), documents)
    note = (f"{len(items)} income item(s), net monthly amounts; payments received (opplysninger.utbetaling) "
            "count as this month's income." if items else "The application reports no income.")
    if spouse is None:
        note += (" Whether a spouse or cohabitant lives in the household is unknown; if one does, their income "
                 "belongs here too.")
    return m.record(field, items, sources, note)


def _income_kind(m: Mapper, table: dict[str, IncomeKind], code: Any, path: str) -> IncomeKind:
    if code in table:
        return table[code]
    m.unknown_code(path)
    return IncomeKind.other


def _signs_of_work(m: Mapper) -> list[str]:
    """Where the application shows current work: the applicant says so, or the employment register has a
    job that has not ended before the decision date."""
    signs = []
    situation = get(m.data, "arbeid", "situasjon")
    if isinstance(situation, dict) and not outdated(situation) and situation.get("erIJobb") is True:
        signs.append("data.arbeid.situasjon.erIJobb")
    for index, job in indexed(get(m.data, "arbeid", "forhold")):
        if outdated(job) or (job.get("kilde") == v.SYSTEM and job.get("overstyrtAvBruker") is True):
            continue
        ended = calendar_date(job.get("tom"))
        if ended is None or ended >= m.day:
            signs.append(dotted("data.arbeid.forhold", index))
    return signs
