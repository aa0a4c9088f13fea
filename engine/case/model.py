"""The case model: what the encoded provisions need to know about a case, and nothing more.

Every field except the decision date is optional. An absent field means *unknown* — the engine never reads
it as 0, False or an empty list. An empty list, on the other hand, is a statement: "the client has no income"
is `income: []`, while "we do not know the income" is no `income` key at all.

Money is `Decimal` kroner (at most two decimals, never negative, never NaN or infinite). The model has no field
for a national identity number, a name, an address or an account number: none of them is needed to apply the
law, so none of them can leak.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from engine.case.rates import RateTable
from engine.case.types import CalendarDate, Kroner
from engine.models import Code, InputModel


class Matter(Code):
    """A matter being decided, to which the participation record refers (sak / tema)."""

    financial_assistance = "financial_assistance"
    individual_plan = "individual_plan"


# --- household -------------------------------------------------------------------------------------------


class Child(InputModel):
    age: int | None = Field(None, ge=0, le=17, description="Barnets alder — the child's age on the decision date.")


class Partner(Code):
    spouse = "spouse"
    cohabitant = "cohabitant"


class Household(InputModel):
    """Husstanden — the people whose living costs the application covers."""

    has_spouse_or_cohabitant: bool | None = Field(
        None, description="Ektefelle eller samboer — the applicant lives with a spouse or cohabitant (the guideline "
                          "rates have one rate for the two, «ektepar/samboere»)."
    )
    partner: Partner | None = Field(
        None, description="Ektefelle eller samboer — which the partner is: a spouse (ektefelle; spouses owe each other "
                          "support) or a cohabitant (samboer; cohabitants do not)."
    )
    shares_home_with_other_adults: bool | None = Field(
        None,
        description="Bofellesskap — the applicant shares a home with other adults (not a spouse or cohabitant).",
    )
    children: list[Child] | None = Field(
        None, max_length=30, description="Barn i husstanden — children the household provides for."
    )


class Applicant(InputModel):
    age: int | None = Field(None, ge=16, le=130, description="Søkerens alder — the applicant's age in years.")


# --- economy ---------------------------------------------------------------------------------------------


class IncomeKind(Code):
    wages = "wages"
    benefits = "benefits"
    student_finance = "student_finance"
    maintenance = "maintenance"
    child_benefit = "child_benefit"
    child_benefit_abroad = "child_benefit_abroad"
    children_leisure_work = "children_leisure_work"
    social_assistance_already_paid = "social_assistance_already_paid"
    other = "other"


class Member(Code):
    applicant = "applicant"
    spouse = "spouse"
    cohabitant = "cohabitant"
    child = "child"


class Income(InputModel):
    """Inntekt — one monthly income item of someone in the household."""

    kind: IncomeKind = Field(
        description="Inntektstype — wages (lønn), benefits (trygd), student finance (studielån/-stipend), "
        "maintenance (bidrag), child benefit (barnetrygd), a like benefit paid by another state, "
        "children's leisure and holiday work "
        "(barns fritidsarbeid), social assistance already paid for this month, or other."
    )
    monthly_amount: Kroner | None = Field(None, description="Beløp per måned — received in the period applied for. "
                                                          "Absent: the item is known, its amount is not.")
    one_off: bool = Field(False, description="Engangsutbetaling — a payment received once (a sale, an insurance "
                                             "payout, a dividend), not every month: monthly_amount is what was "
                                             "received in the period applied for.")
    belongs_to: Member = Field(Member.applicant, description="Hvem inntekten tilhører — whose income it is: the "
                                                             "applicant's, a spouse's, a cohabitant's or a child's.")


class AssetKind(Code):
    bank_deposit = "bank_deposit"
    home = "home"
    vehicle = "vehicle"
    other = "other"


class Asset(InputModel):
    """Formue — an asset owned by someone in the household."""

    kind: AssetKind = Field(description="Formuestype — bank deposit, home, vehicle or other.")
    value: Kroner | None = Field(None, description="Verdi — what the asset is worth. Absent: the asset is known, its "
                                                   "value is not.")
    needed_for_daily_living: bool | None = Field(
        None,
        description="Nødvendig for livsoppholdet — the caseworker judges the asset necessary for daily living "
        "(a home; a car needed for work or where there is no public transport). Unknown until judged.",
    )


class ExpenseKind(Code):
    housing = "housing"
    power_and_heating = "power_and_heating"
    insurance = "insurance"
    mortgage_repayment = "mortgage_repayment"
    child_support = "child_support"
    other_necessary = "other_necessary"


class Expense(InputModel):
    """Utgift — a monthly expense that the guideline rate does not cover (housing, power, insurance …)."""

    kind: ExpenseKind = Field(description="Utgiftstype — housing (bolig: rent, mortgage interest, municipal charges), "
                                          "power and heating (strøm og oppvarming), insurance (forsikring), mortgage "
                                          "repayment (avdrag på boliglån, which builds the owner's assets), child "
                                          "support the applicant pays (barnebidrag) or another necessary expense.")
    monthly_amount: Kroner | None = Field(None, description="Beløp per måned — what the expense comes to a month. "
                                                            "Absent: the expense is known, its monthly amount is not "
                                                            "(a bill whose period is not given).")


class RightStatus(Code):
    not_claimed = "not_claimed"
    pending = "pending"


class EconomicRight(InputModel):
    """Økonomisk rettighet — a benefit the household may be entitled to but does not yet receive."""

    kind: str = Field(
        max_length=60, pattern=r"^[a-z_]+$", description="Ytelse — e.g. housing_allowance, sickness_benefit."
    )
    status: RightStatus = Field(description="Not yet claimed (ikke søkt), or claimed and pending (under behandling).")
    expected_monthly_amount: Kroner | None = Field(None, description="Forventet beløp per måned — what the "
                                                                     "benefit would pay a month.")
    guidance_given: bool | None = Field(None, description="Veiledet om å søke — the office has guided the client to "
                                                          "claim the benefit (forvaltningsloven § 11).")


class Work(InputModel):
    can_support_self_through_work: bool | None = Field(
        None,
        description="Kan forsørge seg ved arbeid — the caseworker's assessment that realistic, available work "
        "would cover the household's living costs.",
    )


class Education(InputModel):
    """Utdanning — whether the applicant studies, and how much."""

    student: bool | None = Field(None, description="Student — the applicant is in education.")
    full_time: bool | None = Field(None, description="Heltid — the studies are full-time (not part-time).")


class Residence(InputModel):
    lawful_residence: bool | None = Field(None, description="Lovlig opphold i riket — lawful residence in Norway.")
    state_accommodation_available: bool | None = Field(
        None, description="Statlig innkvartering — the person is in, or can get, state accommodation (an asylum "
                          "reception centre).")


class AppliedFor(Code):
    living_costs = "living_costs"
    housing_costs = "housing_costs"
    kindergarten = "kindergarten"
    special_expense = "special_expense"
    individual_plan = "individual_plan"


class NeedKind(Code):
    immediate = "immediate"
    living_costs = "living_costs"
    kindergarten = "kindergarten"
    after_school_care = "after_school_care"
    deposit = "deposit"
    dental = "dental"
    furniture = "furniture"
    power_arrears = "power_arrears"
    training = "training"
    other = "other"


class Need(InputModel):
    """Behov — one thing the application asks for: living costs for the period, or a particular expense."""

    id: str = Field(max_length=40, pattern=r"^[A-Za-z0-9._:-]+$",
                    description="The caller's key for the need, echoed back with its answer.")
    kind: NeedKind = Field(description="The immediate need (no food or shelter here and now: nødhjelp), living costs "
                                       "for the period, a kindergarten or after-school-care (SFO) bill, a deposit, "
                                       "a dental bill, furniture, an electricity arrear, a training programme, or "
                                       "another expense.")
    amount: Kroner | None = Field(None, description="Beløp — what the need costs.")
    part_of_living_costs: bool | None = Field(
        None, description="Inngår i livsoppholdet — the caseworker's judgement that the expense is part of the "
                          "living costs the right to assistance covers (sotjl § 18 / 1991 § 5-1). Unknown until "
                          "judged.")
    help_could_overcome_or_adapt: bool | None = Field(
        None, description="Hjelpen kan overvinne eller tilpasse — help with this need would let the person overcome "
                          "or adapt to a difficult life situation (sotjl § 19 / 1991 § 5-2).")


# The id of the immediate need that `request.acute_need: true` stands for, when the application lists none.
ACUTE_NEED_ID = "acute_need"
MAX_NEEDS = 20


class Request(InputModel):
    """Søknaden — what the client asks for and how urgent it is."""

    acute_need: bool | None = Field(
        None, description="Akutt nødsituasjon — no food or no shelter here and now. It stands for a need of kind "
                          "`immediate` in `needs` (added with id `acute_need` when none is listed), which is "
                          "answered as a need of its own."
    )
    means_at_hand: bool | None = Field(
        None, description="Midler her og nå — the client has money at hand today (cash, an account balance) that "
                          "would meet the immediate need. Income received earlier in the period and already spent "
                          "is not at hand."
    )
    needs: list[Need] | None = Field(None, max_length=MAX_NEEDS, validate_default=True,
                                     description="Behov — living costs and particular expenses applied for, each "
                                                 "answered on its own.")
    applied_for: list[AppliedFor] | None = Field(None, max_length=10, description="Hva det søkes om.")
    requested_monthly_amount: Kroner | None = Field(None, description="Beløp søkeren ber om per måned.")

    @field_validator("needs")
    @classmethod
    def _needs_agree(cls, needs: list[Need] | None, info: ValidationInfo) -> list[Need] | None:
        """Each need has its own id; and `acute_need: true` stands for the immediate need, so it is listed (with id
        `acute_need`) when the application lists none, and refused beside `acute_need: false`."""
        acute = info.data.get("acute_need")
        listed = any(need.kind == NeedKind.immediate for need in needs or ())
        if acute is False and listed:
            raise ValueError("an immediate need is listed, so the need is acute: acute_need cannot be false")
        if acute is True and not listed:
            needs = [*(needs or ()), Need(id=ACUTE_NEED_ID, kind=NeedKind.immediate)]
        ids = [need.id for need in needs or ()]
        if len(set(ids)) != len(ids):
            raise ValueError("each need must have its own id")
        if len(ids) > MAX_NEEDS:
            raise ValueError(f"at most {MAX_NEEDS} needs, the immediate need acute_need stands for included")
        return needs


class LifeSituation(InputModel):
    difficult: bool | None = Field(None, description="Vanskelig livssituasjon — a difficult life situation.")
    kind: str | None = Field(
        None, max_length=60, pattern=r"^[a-z_]+$",
        description="What the situation is, as a code, e.g. substance_use, child_may_lose_kindergarten_place.",
    )
    help_could_overcome_or_adapt: bool | None = Field(
        None,
        description="Hjelpen kan overvinne eller tilpasse — financial help would let the person overcome or adapt "
        "to the situation.",
    )


class PlanConsent(Code):
    consented = "consented"
    refused = "refused"
    not_asked = "not_asked"


class Party(Code):
    client = "client"
    guardian = "guardian"
    representative = "representative"


class Services(InputModel):
    long_term_need: bool | None = Field(None, description="Behov for langvarige tjenester — long-term needs.")
    needs_coordination: bool | None = Field(
        None, description="Behov for koordinerte tjenester — services that need to be seen together."
    )
    needed: list[Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z_]+$")]] | None = Field(
        None, max_length=20, description="Tjenester brukeren trenger — the services the client needs, as codes, e.g. "
        "financial_assistance, housing, qualification_programme, gp, mental_health. They may all come from one "
        "office.",
    )
    qualification_programme: bool | None = Field(
        None, description="Deltar i kvalifiseringsprogrammet — takes part in the qualification programme."
    )
    compulsory_mental_health_care: bool | None = Field(
        None, description="Tvungent psykisk helsevern — under compulsory mental health care."
    )
    individual_plan_consent: PlanConsent | None = Field(
        None, description="Samtykke til individuell plan — consented, refused, or not yet asked."
    )
    individual_plan_consent_given_by: Party = Field(
        Party.client, description="Hvem som svarte på tilbudet om plan — the client (the default), their guardian "
        "(verge), or another representative.",
    )
    takes_part_in_institution_plan: bool | None = Field(
        None, description="NAV-kontoret bidrar i planen institusjonen lager under tvungent psykisk helsevern."
    )
    individual_plan_made_with_client: bool | None = Field(
        None, description="Planen er utarbeidet sammen med tjenestemottakeren — the plan was made with the client."
    )
    coordinator_appointed: bool | None = Field(None, description="Koordinator oppnevnt — a coordinator is appointed.")


# --- conditions attached to assistance (sotjl §§ 20 and 20 a) -------------------------------------------


class ConditionKind(Code):
    activity = "activity"
    other = "other"


class StipulatedCondition(InputModel):
    """Vilkår — a condition attached to the assistance."""

    kind: ConditionKind = Field(description="Aktivitetsvilkår (an activity condition) or another condition.")
    closely_connected: bool | None = Field(None, description="Nær sammenheng med vedtaket — closely related to "
                                                              "the decision.")
    proportionate: bool | None = Field(None, description="Ikke uforholdsmessig byrdefullt — not "
                                                          "disproportionately burdensome.")
    respects_freedom_of_action: bool | None = Field(
        None, description="Begrenser ikke handle- eller valgfriheten på en urimelig måte — does not unreasonably "
                          "limit the client's freedom of action and choice.")
    discussed_with_client: bool | None = Field(None, description="Drøftet med tjenestemottakeren.")
    lawful: bool | None = Field(None, description="Ikke i strid med andre bestemmelser i loven eller andre lover — "
                                                  "does not conflict with this act or other law.")


class Conditions(InputModel):
    stipulated: list[StipulatedCondition] | None = Field(None, max_length=20, description="Vilkår som er satt.")
    weighty_reasons_against_activity: bool | None = Field(
        None, description="Tungtveiende grunner taler mot aktivitetsvilkår — weighty reasons against activity "
                          "conditions for a client under 30 (sotjl § 20 a).")
    weighty_reasons_recorded: bool | None = Field(None, description="De tungtveiende grunnene er dokumentert.")
    reduced_for_breach: bool | None = Field(None, description="Stønaden er redusert fordi et vilkår er brutt.")
    reduction_announced_in_decision: bool | None = Field(
        None, description="Vedtaket om stønad opplyste om at stønaden kan reduseres ved brudd på vilkår.")


# --- participation record --------------------------------------------------------------------------------


class Consultation(InputModel):
    """Samtale — a consultation held on a matter."""

    matter: Matter = Field(description="Saken samtalen gjaldt — the matter the consultation was about.")
    with_: Party = Field(alias="with", description="Who was consulted: the client, a guardian (verge) or another "
                                                   "representative the client trusts.")
    date: CalendarDate | None = Field(None, description="Dato for samtalen.")


class ClientView(InputModel):
    """Brukerens syn — the client's stated view on a matter."""

    matter: Matter = Field(description="The matter the view is about.")
    stated_by: Party = Field(Party.client, description="Who stated it: the client (the default), a guardian or "
                                                       "another representative speaking for the client.")
    summary: str | None = Field(None, max_length=500, description="The view in short (never logged).")


class DecisionResult(Code):
    granted = "granted"
    partially_granted = "partially_granted"
    refused = "refused"


class FormOfAssistance(Code):
    grant = "grant"
    loan = "loan"
    guarantee = "guarantee"
    goods_and_services = "goods_and_services"


class Proposal(InputModel):
    """Forslag til vedtak — the proposed decision on a matter: its result, its form, its reasons, and how it
    relates to the client's view."""

    matter: Matter = Field(description="The matter the proposal decides.")
    result: DecisionResult | None = Field(None, description="Utfall — granted in full, partially granted, refused.")
    form: FormOfAssistance | None = Field(None, description="Stønadsform — grant (bidrag), loan (lån), guarantee "
                                                            "(garanti) or goods and services (varer og tjenester).")
    departs_from_client_view: bool | None = Field(None, description="Avviker fra brukerens syn.")
    departure_justified_in_writing: bool | None = Field(
        None, description="Skriftlig begrunnelse for avviket — a written justification for the departure."
    )
    written_reasons: bool | None = Field(
        None, description="Begrunnelse etter forvaltningsloven § 24 — the decision's written reasons."
    )
    reasons_cite_rules: bool | None = Field(None, description="Begrunnelsen viser til reglene vedtaket bygger på.")
    reasons_state_facts: bool | None = Field(None, description="Begrunnelsen nevner de faktiske forholdene vedtaket "
                                                               "bygger på.")
    reasons_name_main_considerations: bool | None = Field(
        None, description="Begrunnelsen nevner hovedhensynene som var avgjørende for skjønnet.")
    loan_reasons_given: bool | None = Field(None, description="Begrunnelsen sier hvorfor stønaden gis som lån.")
    appeal_information_given: bool | None = Field(
        None, description="Vedtaket opplyser om klageadgang, klagefrist, klageinstans og hvordan man klager.")


class GatheredHow(Code):
    with_client = "with_client"
    client_informed = "client_informed"
    neither = "neither"


class InformationGathering(InputModel):
    """Innhenting av opplysninger — one piece of information gathered about the client."""

    source: str = Field(max_length=60, pattern=r"^[a-z_]+$", description="E.g. bank, employer, tax, nav, gp.")
    how: GatheredHow | None = Field(
        None, description="Together with the client, with the client's knowledge, or neither."
    )
    client_could_comment: bool | None = Field(
        None, description="Brukeren er gjort kjent med opplysningen og har fått uttale seg om den.")


class RepresentativeKind(Code):
    guardian = "guardian"
    relative = "relative"
    trusted_person = "trusted_person"
    appointed_by_office = "appointed_by_office"
    none = "none"


class Participation(InputModel):
    """Brukermedvirkning — the record of how the client took part."""

    client_can_take_part: bool | None = Field(
        None, description="Kan medvirke — the client is able to express views and take part."
    )
    representative: RepresentativeKind | None = Field(
        None, description="Hvem representerer brukeren — guardian (verge), relative, trusted person, someone the "
                          "office arranged, or `none` (nobody speaks for the client). Absent means unknown."
    )
    guardianship_need_reported: bool | None = Field(
        None, description="Behov for verge er meldt til statsforvalteren (vergemålsloven § 57)."
    )
    consultations: list[Consultation] | None = Field(None, max_length=100, description="Samtaler — the "
                                                                                      "consultations held.")
    client_views: list[ClientView] | None = Field(None, max_length=100, description="Brukerens syn — the views "
                                                                                    "the client has stated.")
    proposals: list[Proposal] | None = Field(None, max_length=20, description="Forslag til vedtak — the proposed "
                                                                              "decisions.")
    information_gathering: list[InformationGathering] | None = Field(
        None, max_length=100, description="Innhenting av opplysninger — the information gathered about the client.")


# --- the case --------------------------------------------------------------------------------------------


class Case(InputModel):
    """A case as the case-management system sends it. Only `decision_date` is required."""

    case_id: str | None = Field(
        None, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$",
        description="Saksreferanse — the caller's opaque reference, echoed back. Never a national identity number.",
    )
    decision_date: CalendarDate = Field(description="Vedtaksdato — picks the law and the rates in force.")
    household: Household | None = Field(None, description="Husstanden — who lives with and is provided for by "
                                                          "the applicant.")
    applicant: Applicant | None = Field(None, description="Søkeren — the applicant.")
    income: list[Income] | None = Field(None, max_length=100, description="Inntekter per måned i husstanden.")
    assets: list[Asset] | None = Field(None, max_length=100, description="Formue i husstanden.")
    expenses: list[Expense] | None = Field(None, max_length=100, description="Utgifter per måned.")
    economic_rights: list[EconomicRight] | None = Field(
        None, max_length=30, description="Økonomiske rettigheter — benefits the household may have but does not "
                                         "yet receive (not claimed, or pending).")
    work: Work | None = Field(None, description="Arbeid — whether the applicant can support themselves by work.")
    education: Education | None = Field(None, description="Utdanning — whether the applicant is a student.")
    residence: Residence | None = Field(None, description="Opphold — lawful residence in Norway.")
    request: Request | None = Field(None, description="Søknaden — what is applied for and how urgent it is.")
    life_situation: LifeSituation | None = Field(None, description="Livssituasjonen — for assistance in special "
                                                                   "cases (§ 5-2 / sotjl § 19).")
    services: Services | None = Field(None, description="Tjenester — service needs, for the individual plan.")
    conditions: Conditions | None = Field(None, description="Vilkår — conditions attached to the assistance "
                                                            "(sotjl §§ 20 and 20 a).")
    participation: Participation | None = Field(None, description="Brukermedvirkning — the record of how the "
                                                                  "client took part (the duties read it).")
    rate_table: RateTable | None = Field(
        None, description="Kommunale satser — a municipality's own guideline-rate table (same schema as "
                          "rules/parameters/national-guideline-rates.yaml); replaces the configured table for "
                          "this case.")
