"""Income: the monthly income the applicant states (`data.okonomi.oversikt.inntekt`) and the payments received
(`data.okonomi.opplysninger.utbetaling`), each as a net amount for the period applied for.

The period applied for is the month of the decision date. A payment counts for the period it covers
(`periodeFom`–`periodeTom`, else the month of `utbetalingsdato`):

- a payment for this month or the month before is the current income from its source: the latest payment of a
  benefit or a wage is how a caseworker reads what the month brings. One that covers more or less than a month
  is converted to a month (by whole calendar months, else by days);
- a payment for an earlier period is not this month's income: it is reported as `earlier_period`, and a
  recurring one (a benefit, a wage) leaves an item of unknown amount — it may still be paid;
- a payment received once (a dividend, a sale, an insurance payout, another payment) is a one-off means
  (`one_off`), never a monthly income; when the application does not date it, the document that settles when it
  came is asked for.

An item without a usable amount, a line child support contradicts (child_support.py) and work without wages are
items of unknown amount. The income as a whole is unknown only when the application may leave some income out
altogether: payments mentioned but not listed, a spouse's income, or a register look-up that failed (lookups.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from digisos import vocabulary as v
from digisos.answer import IgnoredReason
from digisos.mapping import child_support
from digisos.mapping.core import ListReading, Mapper, dotted, get, indexed, kroner, month_start, net_kroner, outdated
from digisos.mapping.lookups import lookup_failed
from engine.case.model import Income, IncomeKind

DAYS_IN_A_MONTH = Decimal("365.25") / 12


def income(m: Mapper, spouse: bool | None) -> list[Income] | None:
    r = ListReading()
    codes: set[Any] = set()  # every income type listed, counted or not: does the application show wages?

    base = "data.okonomi.oversikt.inntekt"
    overview = [(i, item) for i, item in indexed(get(m.data, "okonomi", "oversikt", "inntekt"))
                if m.live(item, dotted(base, i))]
    overview_codes = {item.get("type") for _, item in overview}
    for index, item in overview:
        path, code = dotted(base, index), item.get("type")
        codes.add(code)
        kind = _income_kind(m, v.OVERVIEW_INCOME, code, path)
        if code == v.CHILD_SUPPORT and child_support.contradicted(m, path, received=True):
            r.add_open(path, Income(kind=kind), "child support listed as income against the applicant's answer",
                       v.MAINTENANCE_RECEIVED)
        else:
            _take(r, path, code, Income(kind=kind), kroner(item.get("netto")))
    if v.CHILD_SUPPORT not in overview_codes and child_support.says(m, received=True):
        r.add_open(child_support.ANSWER, Income(kind=IncomeKind.maintenance),
                   "the applicant receives child support and lists no amount", v.MAINTENANCE_RECEIVED)

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
        codes.add(code)
        _payment(m, r, path, code, item)

    _whole_income_unknown(m, r, codes, spouse, said_paid_none=not payments)
    note = (f"{len(r.items)} income item(s), net amounts for the period applied for (the month of the decision "
            "date)." if r.items else "The application reports no income.")
    if spouse is None:
        note += (" Whether a spouse or cohabitant lives in the household is unknown; if one does, their income "
                 "belongs here too.")
    return r.record(m, "income", note, "income items")


def _take(r: ListReading, path: str, code: Any, item: Income, amount: Decimal | None) -> None:
    r.take(path, item, "monthly_amount", amount, "an income item gives no usable net amount", _document(code))


def _document(code: Any):
    """The document that gives an income's amount; none for NAV's own payments, which the office looks up."""
    return None if code in v.NAV_OWN_PAYMENTS else v.INCOME_DOCUMENTS.get(code, v.OTHER_INCOME)


def _payment(m: Mapper, r: ListReading, path: str, code: Any, item: dict[str, Any]) -> None:
    """One payment received, for the period it covers."""
    one_off = code in v.ONE_OFF_PAYMENTS
    kind = _income_kind(m, v.PAYMENTS, code, path)
    amount = kroner(item.get("netto"))
    if amount is None:
        amount = kroner(item.get("belop"))
    if amount is None and item.get("brutto") is not None and item.get("skattetrekk") is not None:
        amount = net_kroner(item["brutto"], item["skattetrekk"], item.get("andreTrekk") or 0)
    dates = {key: m.date(item.get(key), f"{path}.{key}") for key in ("periodeFom", "periodeTom", "utbetalingsdato")
             if item.get(key) is not None}
    income_item = Income(kind=kind, one_off=one_off)
    if None in dates.values():
        r.add_open(path, income_item, "a payment whose dates are no calendar dates: its period is unknown",
                   _document(code))
        return
    start = dates.get("periodeFom") or dates.get("periodeTom") or dates.get("utbetalingsdato")
    end = dates.get("periodeTom") or dates.get("periodeFom") or dates.get("utbetalingsdato")
    if end is not None and end < month_start(m.day, 1):
        m.ignore(path, IgnoredReason.earlier_period,
                 f"Paid for {start.isoformat()} – {end.isoformat()}, before the period applied for (from "
                 f"{month_start(m.day).isoformat()}): not this month's income.")
        if not one_off:  # a benefit or a wage paid then may be paid still
            r.add_open(path, income_item, "a recurring payment last seen for an earlier period: whether it is still "
                                          "paid, and how much, is unknown", _document(code))
        return
    if one_off:
        _take(r, path, code, income_item, amount)
        if start is None:
            r.documents.append(_document(code) or v.OTHER_INCOME)  # when it came decides whether it is this month's
        return
    if amount is not None and start is not None and end is not None and start < end:
        amount = _per_month(amount, start, end)
    _take(r, path, code, income_item, amount)


def _per_month(amount: Decimal, start: dt.date, end: dt.date) -> Decimal:
    """A payment for `start`–`end` as a monthly amount: divided by the calendar months it covers when it covers
    whole months, as it is when it covers about a month, else by its days."""
    after = end + dt.timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        return (amount / months).quantize(Decimal("0.01"))
    days = (end - start).days + 1
    if 28 <= days <= 31:
        return amount
    return (amount * DAYS_IN_A_MONTH / days).quantize(Decimal("0.01"))


def _whole_income_unknown(m: Mapper, r: ListReading, codes: set[Any], spouse: bool | None,
                          said_paid_none: bool) -> None:
    """Income the application may leave out altogether makes the whole list unknown; work without wages is one
    item of unknown amount."""
    work = _signs_of_work(m)
    if work and not codes & v.WAGE_CODES:
        r.sources += work
        r.add_open(None, Income(kind=IncomeKind.wages), "the application shows work but no wages", v.PAYSLIP)
    said_paid, said_where = m.confirmation(v.CONFIRM_PAYMENTS)
    if said_paid is True and said_paid_none:
        r.sources += said_where
        r.unknown.append("the applicant says payments were received but lists none")
        r.documents.append(v.OTHER_INCOME)
    if spouse is True:
        r.unknown.append("a spouse or cohabitant lives in the household, and their income is not in the "
                         "application")
        r.documents.append(v.SPOUSE_INCOME)
    if lookup_failed(m, "utbetalingerFraNavFeilet"):
        r.sources.append("driftsinformasjon.utbetalingerFraNavFeilet")
        r.unknown.append("NAV's payments could not be fetched (the office can look them up)")
    if lookup_failed(m, "stotteFraHusbankenFeilet"):
        r.sources.append("driftsinformasjon.stotteFraHusbankenFeilet")
        r.unknown.append("housing allowance could not be fetched from Husbanken")
        r.documents.append(v.HOUSING_ALLOWANCE)


def _income_kind(m: Mapper, table: dict[str, IncomeKind], code: Any, path: str) -> IncomeKind:
    if code in table:
        return table[code]
    m.unknown_code(path)
    return IncomeKind.other


def _signs_of_work(m: Mapper) -> list[str]:
    """Where the application shows current work: the applicant says so, or the employment register has a job
    that has not ended before the decision date. A job whose end date is no calendar date (flagged) is no sign
    that it still runs."""
    signs = []
    situation = get(m.data, "arbeid", "situasjon")
    if isinstance(situation, dict) and not outdated(situation) and situation.get("erIJobb") is True:
        signs.append("data.arbeid.situasjon.erIJobb")
    for index, job in indexed(get(m.data, "arbeid", "forhold")):
        if outdated(job) or (job.get("kilde") == v.SYSTEM and job.get("overstyrtAvBruker") is True):
            continue
        path = dotted("data.arbeid.forhold", index)
        if job.get("tom") is None:
            signs.append(path)
        elif (ended := m.date(job["tom"], path + ".tom")) is not None and ended >= m.day:
            signs.append(path)
    return signs
