"""Expenses: the housing, power and heating costs (`data.okonomi.oversikt.utgift`, `opplysninger.utgift`) that
the case's need adds to the guideline rate.

Other expenses the form asks about (kindergarten, the children's activities …) are reported as not counted: whether
one is a necessary expense beyond the guideline rate is the caseworker's to judge.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.answer import Document, IgnoredReason
from digisos.mapping.core import Mapper, dotted, get, indexed, kroner, unknown_note
from engine.case.model import Expense


def expenses(m: Mapper) -> list[Expense] | None:
    field = "expenses"
    expenses: list[Expense] = []
    sources: list[str] = []
    documents: list[Document] = []
    unknown: list[str] = []
    for base, keys in (("data.okonomi.oversikt.utgift", ("okonomi", "oversikt", "utgift")),
                       ("data.okonomi.opplysninger.utgift", ("okonomi", "opplysninger", "utgift"))):
        for index, item in indexed(get(m.data, *keys)):
            path, code = dotted(base, index), item.get("type")
            if not m.live(item, path):
                continue
            kind = v.HOUSING_COSTS.get(code)
            if kind is None:
                if code not in v.OTHER_EXPENSES:
                    m.unknown_code(path)
                m.ignore(path, IgnoredReason.not_a_counted_expense,
                         "Not a housing, power or heating cost. Whether it is a necessary expense beyond the "
                         "guideline rate is for the caseworker, who can add it as other_necessary.")
                continue
            sources.append(path)
            amount = kroner(item.get("belop"))
            if amount is None:
                unknown.append("a housing cost gives no amount")
                documents.append(v.EXPENSE_DOCUMENTS.get(code, v.OTHER_HOUSING_COST))
            else:
                expenses.append(Expense(kind=kind, monthly_amount=amount))
    answer, where = m.confirmation(v.CONFIRM_HOUSING_COSTS)
    sources += where
    home = get(m.data, "bosituasjon", "botype")
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
        return m.record(field, None, sources, unknown_note(unknown), documents)
    note = (f"{len(expenses)} housing, power or heating cost(s) a month." if expenses
            else "The applicant has no housing costs.")
    return m.record(field, expenses, sources, note)
