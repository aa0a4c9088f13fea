"""The Digisos code lists the adapter understands, and what each means in the case model.

These are translations between two vocabularies — NAV's type codes and attachment kinds on one side, the case
model's kinds on the other — not law: whether an income counts, whether an expense is necessary, or what a
decision should be, is decided by the rule files and the caseworker. The format requires consumers to accept
type codes they do not know; `mapping/` says what it does with them.

The type codes are those NAV's application writes (navikt/soknadsosialhjelp-filformat, `SoknadJsonTyper`); the
document kinds follow the attachment vocabulary of `json/vedlegg/vedleggSpesifikasjon.json` (`type|tilleggsinfo`).
"""

from __future__ import annotations

import re

from digisos.answer import Document
from engine.answer.models import Bilingual
from engine.case.model import AppliedFor, AssetKind, ExpenseKind, IncomeKind, NeedKind

# --- codes -----------------------------------------------------------------------------------------------

OUTDATED = "utdatert"  # kilde: the datum is no longer relevant and must not be shown to the caseworker
SYSTEM = "system"

# okonomi.oversikt.inntekt[].type — monthly income the applicant states (or the system fetched)
OVERVIEW_INCOME: dict[str, IncomeKind] = {
    "jobb": IncomeKind.wages,
    "sluttoppgjoer": IncomeKind.wages,
    "studielanOgStipend": IncomeKind.student_finance,
    "barnebidrag": IncomeKind.maintenance,
    "bostotte": IncomeKind.benefits,
    "barnetrygd": IncomeKind.child_benefit,
    "navytelse": IncomeKind.benefits,
}

# okonomi.opplysninger.utbetaling[].type — payments received
PAYMENTS: dict[str, IncomeKind] = {
    "skatteetaten": IncomeKind.wages,  # taxable pay reported to the tax authority (a-ordningen)
    "navytelse": IncomeKind.benefits,
    "husbanken": IncomeKind.benefits,  # housing allowance (bostøtte)
    "utbytte": IncomeKind.other,
    "salg": IncomeKind.other,
    "forsikring": IncomeKind.other,
    "annen": IncomeKind.other,
}

# A payment of this type documents the same income as an overview item of that type: counting both would count
# it twice, so the overview item is counted and the payment is reported as `counted_elsewhere`.
SAME_INCOME_AS: dict[str, str] = {"skatteetaten": "jobb", "husbanken": "bostotte"}

# Payments received once, which the form asks about besides the monthly income: a dividend, a sale, an insurance
# payout, another payment. They are means for the period they were received in, never a monthly income.
ONE_OFF_PAYMENTS = frozenset({"utbytte", "salg", "forsikring", "annen"})

WAGE_CODES = frozenset({"jobb", "sluttoppgjoer", "skatteetaten"})
# NAV's own payments: the office looks them up itself, so no document is asked of the applicant for them.
NAV_OWN_PAYMENTS = frozenset({"navytelse"})

# okonomi.oversikt.formue[].type — bank deposits and other savings, and valuables (verdier)
ASSETS: dict[str, AssetKind] = {
    "brukskonto": AssetKind.bank_deposit,
    "sparekonto": AssetKind.bank_deposit,
    "bsu": AssetKind.bank_deposit,
    "livsforsikringssparedel": AssetKind.other,
    "verdipapirer": AssetKind.other,
    "belop": AssetKind.other,
    "bolig": AssetKind.home,
    "kjoretoy": AssetKind.vehicle,
    "campingvogn": AssetKind.vehicle,
    "fritidseiendom": AssetKind.other,
    "annet": AssetKind.other,
}
SAVINGS_CODES = frozenset({"brukskonto", "sparekonto", "bsu", "livsforsikringssparedel", "verdipapirer", "belop"})
VALUABLES_CODES = frozenset({"bolig", "kjoretoy", "campingvogn", "fritidseiendom", "annet"})

# okonomi.oversikt.utgift[].type and okonomi.opplysninger.utgift[].type: the housing, power and heating costs
# that the case model's `expenses` holds. Mortgage repayment is kept apart from interest and rent: it builds the
# owner's assets, and the rule files weigh it on its own.
HOUSING_COSTS: dict[str, ExpenseKind] = {
    "husleie": ExpenseKind.housing,
    "boliglanRenter": ExpenseKind.housing,
    "boliglanAvdrag": ExpenseKind.mortgage_repayment,
    "kommunalAvgift": ExpenseKind.housing,
    "annenBoutgift": ExpenseKind.housing,
    "strom": ExpenseKind.power_and_heating,
    "oppvarming": ExpenseKind.power_and_heating,
}
RENT = "husleie"
MORTGAGE = frozenset({"boliglanRenter", "boliglanAvdrag"})
# Bills the form asks for as "siste regning" (okonomi.opplysninger.utgift): the amount of the last bill, whose
# period the form does not ask. Its monthly amount is unknown until the bill shows the period.
LAST_BILL_CODES = frozenset({"strom", "oppvarming", "kommunalAvgift"})
# Child support the applicant pays (an expense line "barnebidrag"): an expense of its own kind.
CHILD_SUPPORT = "barnebidrag"
# Expenses NAV's form asks about that are not housing costs. Whether one is a necessary expense beyond the
# guideline rate is for the caseworker, who can add it to the case as `other_necessary`.
OTHER_EXPENSES = frozenset({"barnehage", "sfo", "barnFritidsaktiviteter", "barnTannregulering", "annenBarneutgift",
                            "annen"})

# familie.forsorgerplikt.barnebidrag.verdi: whether the applicant pays child support, receives it, both or neither
SUPPORT_PAID_ANSWERS = frozenset({"betaler", "begge"})
SUPPORT_RECEIVED_ANSWERS = frozenset({"mottar", "begge"})

# okonomi.opplysninger.bekreftelse[].type — the applicant's yes/no answers and consents
CONFIRM_SAVINGS = "sparing"
CONFIRM_VALUABLES = "verdi"
CONFIRM_PAYMENTS = "utbetaling"
CONFIRM_HOUSING_COSTS = "boutgifter"
CONSENT_TAX = "skatteetaten_samtykke"
CONSENT_HOUSING_BANK = "bostotte_samtykke"

# bosituasjon.botype
SOMEONE_ELSES_HOME = frozenset({"venner", "foreldre", "familie"})

# familie.sivilstatus.status (the one other code, `gift`, is married)
LIVES_AS_COUPLE = frozenset({"samboer"})
SINGLE = frozenset({"ugift", "enke", "skilt", "separert"})

# personalia.statsborgerskap.verdi (ISO 3166-1 alpha-3): citizens of the Nordic countries. NAV's own rule for
# expected attachments asks a residence permit of everyone who is not a Nordic citizen.
NORDIC = frozenset({"NOR", "SWE", "DNK", "FIN", "ISL"})

# A need's kind as the title of its sak (the applicant sees it on nav.no).
NEED_TITLES: dict[NeedKind, str] = {
    NeedKind.immediate: "Nødhjelp", NeedKind.living_costs: "Livsopphold", NeedKind.kindergarten: "Barnehage",
    NeedKind.after_school_care: "SFO", NeedKind.deposit: "Depositum", NeedKind.dental: "Tannbehandling",
    NeedKind.furniture: "Møbler og utstyr", NeedKind.power_arrears: "Strømregning", NeedKind.training: "Opplæring",
    NeedKind.other: "Annen utgift",
}

# Outcomes as the format's vedtakFattet.utfall names them, for the outcomes that leave no discretion to suggest.
SUGGESTED_UTFALL = {"entitled": "INNVILGET", "not_entitled": "AVSLATT"}
# The outcome whose sak the format publishes as BEHANDLES_IKKE: the question does not arise.
NOT_DEALT_WITH = "not_applicable"

# Facts whose presence in a duty's `fulfilled_when` means the duty is fulfilled by setting a condition on the
# assistance: such a duty, when it applies, is a condition (vilkår) the applicant is told about.
CONDITION_FACTS: dict[str, Bilingual] = {
    "activity_conditions_stipulated": Bilingual(nb="Vilkår om aktivitet", en="Activity condition"),
}

# --- the request, read from the applicant's own words (begrunnelse) ---------------------------------------
# Whole words or phrases, matched case-insensitively. Only the matched codes are reported, never the text.

REQUEST_WORDS: dict[AppliedFor, tuple[str, ...]] = {
    AppliedFor.kindergarten: ("barnehage", "barnehagen", "barnehageplass", "barnehageplassen"),
    AppliedFor.housing_costs: ("husleie", "husleia", "husleien", "depositum", "strøm", "strømregning",
                               "strømregningen", "boutgifter", "boliglån"),
    AppliedFor.living_costs: ("livsopphold", "mat", "matpenger", "nødhjelp"),
    AppliedFor.special_expense: ("tannlege", "tannbehandling", "briller", "medisiner", "flytting", "sfo"),
    AppliedFor.individual_plan: ("individuell plan",),
}
ACUTE_WORDS: tuple[str, ...] = ("nødhjelp", "akutt", "ingen mat", "ikke mat", "uten mat", "tom for mat",
                                "ingenting å spise", "ikke penger til mat", "uten bolig", "ingen bolig",
                                "ingen plass å sove", "ingen steder å bo", "bostedsløs", "på gata")
# The applicant's own words that say there is no money at hand today (read only beside an acute need).
NO_MONEY_WORDS: tuple[str, ...] = ("ingen penger", "uten penger", "tom for penger", "ikke penger til mat",
                                   "ingenting igjen", "ingen ting igjen", "tom konto", "tomt på kontoen", "blakk")


def words_in(text: str, words: tuple[str, ...]) -> list[str]:
    """The words or phrases of `words` that occur in `text` as whole words."""
    return [word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)]


# --- documents -------------------------------------------------------------------------------------------


def _document(code: str, nb: str, en: str) -> Document:
    return Document(code=code, title=Bilingual(nb=nb, en=en))


PAYSLIP = _document("lonnslipp|arbeid", "Lønnsslipp", "Payslip")
SPOUSE_INCOME = _document("skattemelding|ektefelle", "Skattemelding og lønnsslipp for ektefelle eller samboer",
                          "Tax return and payslip of the spouse or cohabitant")
STUDENT_FINANCE = _document("student|vedtak", "Vedtak om studielån og stipend", "Student finance decision")
MAINTENANCE_RECEIVED = _document("barnebidrag|mottar", "Dokumentasjon av barnebidrag du mottar",
                                 "Child maintenance received")
SUPPORT_PAID = _document("barnebidrag|betaler", "Dokumentasjon av barnebidrag du betaler", "Child support paid")
CONTACT_AGREEMENT = _document("samvarsavtale|barn", "Samværsavtale eller avtale om delt bosted",
                              "Contact agreement or shared-residence agreement")
HOUSING_ALLOWANCE = _document("bostotte|vedtak", "Vedtak om bostøtte", "Housing allowance decision")
OTHER_INCOME = _document("dokumentasjon|annetinntekter", "Dokumentasjon av andre inntekter",
                         "Documentation of other income")
DIVIDEND = _document("dokumentasjon|utbytte", "Dokumentasjon av utbytte", "Dividend statement")
SALE = _document("salgsoppgjor|eiendom", "Salgsoppgjør", "Sale settlement")
INSURANCE_PAYOUT = _document("dokumentasjon|forsikringsutbetaling", "Dokumentasjon av forsikringsutbetaling",
                             "Insurance payout statement")
BANK_STATEMENT = _document("kontooversikt|brukskonto", "Kontoutskrift", "Bank statement")
VALUABLES = _document("dokumentasjon|annetverdi", "Dokumentasjon av verdier (bolig, kjøretøy, annet)",
                      "Documentation of valuables (home, vehicle, other)")
TENANCY_AGREEMENT = _document("husleiekontrakt|husleiekontrakt", "Husleiekontrakt", "Tenancy agreement")
MUNICIPAL_TENANCY = _document("husleiekontrakt|kommunal", "Husleiekontrakt for kommunal bolig",
                              "Tenancy agreement (municipal housing)")
RENT_INVOICE = _document("faktura|husleie", "Faktura for husleie", "Rent invoice")
POWER_BILL = _document("faktura|strom", "Strømregning", "Electricity bill")
HEATING_BILL = _document("faktura|oppvarming", "Faktura for oppvarming", "Heating bill")
MUNICIPAL_CHARGES = _document("faktura|kommunaleavgifter", "Faktura for kommunale avgifter",
                              "Municipal charges invoice")
MORTGAGE_PLAN = _document("nedbetalingsplan|avdraglaan", "Nedbetalingsplan for boliglån", "Mortgage repayment plan")
OTHER_HOUSING_COST = _document("dokumentasjon|annetboutgift", "Dokumentasjon av andre boutgifter",
                               "Documentation of other housing costs")
RESIDENCE_PERMIT = _document("oppholdstillatel|oppholdstillatel", "Oppholdstillatelse", "Residence permit")

# Which document settles the amount of an item of each type.
INCOME_DOCUMENTS: dict[str, Document] = {
    "jobb": PAYSLIP, "sluttoppgjoer": PAYSLIP, "skatteetaten": PAYSLIP, "studielanOgStipend": STUDENT_FINANCE,
    "barnebidrag": MAINTENANCE_RECEIVED, "bostotte": HOUSING_ALLOWANCE, "husbanken": HOUSING_ALLOWANCE,
    "utbytte": DIVIDEND, "salg": SALE, "forsikring": INSURANCE_PAYOUT, "annen": OTHER_INCOME,
}
ASSET_DOCUMENTS: dict[str, Document] = {code: BANK_STATEMENT for code in SAVINGS_CODES} | {
    code: VALUABLES for code in VALUABLES_CODES}
EXPENSE_DOCUMENTS: dict[str, Document] = {
    "husleie": RENT_INVOICE, "strom": POWER_BILL, "oppvarming": HEATING_BILL, "kommunalAvgift": MUNICIPAL_CHARGES,
    "boliglanAvdrag": MORTGAGE_PLAN, "boliglanRenter": MORTGAGE_PLAN, "annenBoutgift": OTHER_HOUSING_COST,
    CHILD_SUPPORT: SUPPORT_PAID,
}
HOME_DOCUMENTS: dict[str, Document] = {"leier": TENANCY_AGREEMENT, "kommunal": MUNICIPAL_TENANCY,
                                       "eier": MUNICIPAL_CHARGES}


_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(-[a-zA-Z0-9]+)?(\+[a-zA-Z0-9]+)?$")  # parts/version.json


def shown_version(version: object) -> str | None:
    return version if isinstance(version, str) and _VERSION.match(version) else None
