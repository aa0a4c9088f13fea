"""Expenses: the housing, power and heating costs (`data.okonomi.oversikt.utgift`, `opplysninger.utgift`), the
mortgage repayment kept apart from them, and the child support the applicant pays.

- Rent and mortgage interest are housing costs; mortgage repayment (`boliglanAvdrag`) is an expense of its own
  kind, because it builds the owner's assets. Paying both rent and a mortgage is flagged for the caseworker.
- Power, heating and municipal charges among `opplysninger.utgift` are asked for as the last bill ("siste
  regning"), and the form does not ask what period a bill covers: each is an expense of unknown monthly amount,
  and the bill (which shows the period) is asked for. The application never states the period, so none is
  converted to a month.
- Child support paid is an expense of its own kind, held against the applicant's answer (child_support.py).
- Other expenses the form asks about (kindergarten, the children's activities …) are reported as not counted:
  whether one is a necessary expense beyond the guideline rate is the caseworker's to judge.
"""

from __future__ import annotations

from typing import Any

from digisos import vocabulary as v
from digisos.answer import FlagKind, IgnoredReason
from digisos.mapping import child_support
from digisos.mapping.core import ListReading, Mapper, dotted, get, indexed, kroner
from engine.case.model import Expense, ExpenseKind

LISTS = (("data.okonomi.oversikt.utgift", ("okonomi", "oversikt", "utgift")),
         ("data.okonomi.opplysninger.utgift", ("okonomi", "opplysninger", "utgift")))


def expenses(m: Mapper) -> list[Expense] | None:
    r = ListReading()
    housing: dict[Any, list[str]] = {}  # the housing cost codes listed, and where
    for base, keys in LISTS:
        bills = keys[1] == "opplysninger"
        for index, item in indexed(get(m.data, *keys)):
            path, code = dotted(base, index), item.get("type")
            if not m.live(item, path):
                continue
            amount = kroner(item.get("belop"))
            if code == v.CHILD_SUPPORT:
                if child_support.contradicted(m, path, received=False):
                    r.add_open(path, Expense(kind=ExpenseKind.child_support),
                               "child support listed as paid against the applicant's answer", v.SUPPORT_PAID)
                else:
                    r.take(path, Expense(kind=ExpenseKind.child_support), "monthly_amount", amount,
                           "an expense listed without its amount", v.SUPPORT_PAID)
                continue
            kind = v.HOUSING_COSTS.get(code)
            if kind is None:
                if code not in v.OTHER_EXPENSES:
                    m.unknown_code(path)
                m.ignore(path, IgnoredReason.not_a_counted_expense,
                         "Not a housing, power or heating cost. Whether it is a necessary expense beyond the "
                         "guideline rate is for the caseworker, who can add it as other_necessary.")
                continue
            housing.setdefault(code, []).append(path)
            document = v.EXPENSE_DOCUMENTS.get(code, v.OTHER_HOUSING_COST)
            if bills and code in v.LAST_BILL_CODES and amount is not None:
                r.add_open(path, Expense(kind=kind), "a last bill («siste regning») whose period is not given",
                           document)
            else:
                r.take(path, Expense(kind=kind), "monthly_amount", amount, "an expense listed without its amount",
                       document)
    if not any(item.kind == ExpenseKind.child_support for item in r.items) and child_support.says(m, received=False):
        r.add_open(child_support.ANSWER, Expense(kind=ExpenseKind.child_support),
                   "the applicant pays child support and lists no amount", v.SUPPORT_PAID)
    if v.RENT in housing and v.MORTGAGE & housing.keys():
        m.flag(FlagKind.attention, [path for code in (v.RENT, *sorted(v.MORTGAGE)) for path in housing.get(code, [])],
               "Søkeren fører opp både husleie og boliglån. Sjekk hvilken bolig utgiftene gjelder, og om begge skal "
               "regnes med.",
               "The applicant lists both rent and a mortgage. Check which home each is for, and whether both "
               "should count.")
    _housing_answer(m, r, bool(housing))
    note = (f"{len(r.items)} expense(s) a month: housing, power and heating, mortgage repayment and child support "
            "paid." if r.items else "The applicant has no housing costs.")
    return r.record(m, "expenses", note, "expenses")


def _housing_answer(m: Mapper, r: ListReading, listed: bool) -> None:
    """The `boutgifter` answer when no housing cost is listed: not answered, or "yes" with none listed, leaves
    the expenses unknown; the home's kind says which document would settle them."""
    answer, where = m.confirmation(v.CONFIRM_HOUSING_COSTS)
    r.sources += where
    if listed or answer is False:
        return
    home_document = v.HOME_DOCUMENTS.get(get(m.data, "bosituasjon", "botype"))
    if answer is None:
        r.unknown.append("not answered whether the household has housing costs (boutgifter)")
        r.documents += [home_document] if home_document else []
    else:
        r.unknown.append("the applicant has housing costs but lists none")
        r.documents.append(home_document or v.RENT_INVOICE)
