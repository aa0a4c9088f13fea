"""JsonSoknad → Case: what each answer of the application becomes, and what is left unknown, and why."""

import copy
import datetime as dt

import pytest

from digisos.service import evaluate_soknad
from engine.case.facts import VOCABULARY
from tests.digisos_data import DAY, FILFORMAT, item, load, mapped, soknad, yes_no


def field(report, name):
    return {f.case_field: f for f in report.fields}[name]


def ignored(report):
    return {i.soknad_field: i.reason for i in report.ignored}


def docs(report, name):
    return [d.code for d in field(report, name).documents]


def test_the_plain_application_sets_every_field_it_can():
    case, report = mapped(soknad())
    assert case.model_dump(mode="json", exclude_none=True) == {
        "decision_date": "2026-11-02",
        "applicant": {"age": 56},
        "household": {"has_spouse_or_cohabitant": False, "shares_home_with_other_adults": False, "children": []},
        "income": [],
        "assets": [],
        "expenses": [{"kind": "housing", "monthly_amount": "8000.00"}],
        "residence": {"lawful_residence": True},
        "request": {"applied_for": ["living_costs"]},
        "participation": {"information_gathering": [{"source": "population_register", "how": "client_informed"}]},
    }
    assert report.case == case.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert report.unknown_type_codes == [] and report.ignored == [] and report.register_lookups_failed == []


def test_every_reported_field_is_a_case_field_the_engine_can_miss():
    _, report = mapped(soknad())
    known_paths = {path for spec in VOCABULARY.values() for path in spec.paths}
    assert {f.case_field for f in report.fields} <= known_paths


def test_personal_data_is_dropped_and_said_to_be():
    case, report = mapped(soknad())
    assert {"data.personalia.personIdentifikator", "data.personalia.navn", "data.personalia.kontonummer",
            "data.personalia.fodselsdato"} <= set(report.personal_data_dropped)
    text = report.model_dump_json()
    for value in ("01017012345", "Nordmann", "Kari", "12345678903", "1970-01-01"):
        assert value not in text


# --- the format's own rules --------------------------------------------------------------------------------


def test_outdated_data_is_not_read():
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("jobb", kilde="utdatert", netto=30000)]
    document["data"]["familie"]["sivilstatus"]["kilde"] = "utdatert"
    case, report = mapped(document)
    assert case.income == []
    assert case.household.has_spouse_or_cohabitant is None
    assert ignored(report) == {"data.okonomi.oversikt.inntekt[0]": "outdated", "data.familie.sivilstatus": "outdated"}


def test_register_data_the_applicant_corrected_gives_way_to_the_applicants_own():
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [
        item("jobb", kilde="system", overridden=True, netto=30000), item("jobb", netto=12000)]
    case, report = mapped(document)
    assert [i.monthly_amount for i in case.income] == [12000]
    assert ignored(report) == {"data.okonomi.oversikt.inntekt[0]": "overridden_by_applicant"}


def test_unknown_type_codes_are_accepted():
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("nyYtelse2030", netto=1500)]
    document["data"]["okonomi"]["oversikt"]["formue"] = [item("kryptovaluta", belop=400)]
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"][0]["verdi"] = True
    document["data"]["okonomi"]["oversikt"]["utgift"].append(item("hundepass", belop=700))
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == [("other", 1500)]
    assert [(a.kind, a.value, a.needed_for_daily_living) for a in case.assets] == [("other", 400, None)]
    assert [e.kind for e in case.expenses] == ["housing"]
    assert report.unknown_type_codes == ["data.okonomi.oversikt.inntekt[0].type",
                                         "data.okonomi.oversikt.formue[0].type",
                                         "data.okonomi.oversikt.utgift[1].type"]
    assert ignored(report) == {"data.okonomi.oversikt.utgift[1]": "not_a_counted_expense"}


# --- income --------------------------------------------------------------------------------------------------


def test_an_income_without_a_net_amount_is_an_item_of_unknown_amount_and_asks_for_the_document():
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("jobb", brutto=30000),
                                                          item("studielanOgStipend"), item("bostotte", netto=900)]
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == [("wages", None), ("student_finance", None),
                                                                 ("benefits", 900)]
    assert field(report, "income").status == "partial"
    assert docs(report, "income") == ["lonnslipp|arbeid", "student|vedtak"]


def test_payments_received_count_and_the_same_income_is_not_counted_twice():
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("bostotte", netto=2500)]
    document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [
        item("skatteetaten", kilde="system", brutto=20000.0, skattetrekk=6000.0, andreTrekk=500.0),
        item("husbanken", kilde="system", netto=2500.0),
        item("navytelse", kilde="system", netto=3000.5, mottaker="Kommune"),
        item("salg", belop=1200),
    ]
    case, report = mapped(document)
    assert sorted((i.kind, i.monthly_amount) for i in case.income) == [
        ("benefits", 2500), ("other", 1200), ("wages", 13500)]
    assert ignored(report) == {"data.okonomi.opplysninger.utbetaling[1]": "counted_elsewhere",
                               "data.okonomi.opplysninger.utbetaling[2]": "paid_to_municipality"}


def test_a_payment_given_gross_and_deductions_counts_net_whatever_sign_the_deductions_have():
    # NAV's own fixture writes the deductions as negative numbers: netto 14952 = 18452 - 2500 - 1000.
    payment = load(FILFORMAT / "src/test/resources/json/soknad/okonomi/opplysninger/utbetaling/"
                               "fullstendig-utbetaling.json")
    positive = {**payment, "skattetrekk": 2500.0, "andreTrekk": 1000.0}
    for given in (payment, positive):
        document = soknad()
        document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [
            {key: value for key, value in given.items() if key not in ("netto", "belop")}]
        case, _ = mapped(document, day=dt.date(2018, 3, 5))  # the payment is for February 2018, the month before
        assert [(i.kind, i.monthly_amount) for i in case.income] == [("benefits", 14952)]


@pytest.mark.parametrize(("brutto", "skattetrekk", "andreTrekk"), [
    pytest.param(10**400, 0.5, None, id="a 401-digit gross less a float"),
    pytest.param(1e308, 0.5, None, id="the largest doubles"),
    pytest.param(-10**400, 0.5, None, id="a negative gross"),
    pytest.param(30000, 1e308, None, id="deductions larger than the gross"),
    pytest.param(20000, 6000, 10**400, id="a 401-digit other deduction")])
def test_a_payment_whose_net_amount_no_case_can_hold_has_an_unknown_amount(brutto, skattetrekk, andreTrekk):
    document = soknad()
    payment = item("navytelse", kilde="system", brutto=brutto, skattetrekk=skattetrekk)
    if andreTrekk is not None:
        payment["andreTrekk"] = andreTrekk
    document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [payment]
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == [("benefits", None)]
    assert "no usable net amount" in field(report, "income").note


def test_work_without_wages_is_a_wage_of_unknown_amount():
    document = soknad()
    document["data"]["arbeid"] = {"forhold": [{"kilde": "system", "arbeidsgivernavn": "Bakeriet AS",
                                               "fom": "2026-01-01", "stillingsprosent": 50,
                                               "overstyrtAvBruker": False}]}
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == [("wages", None)]
    assert docs(report, "income") == ["lonnslipp|arbeid"]
    assert "Bakeriet" not in report.model_dump_json()
    ended = soknad()
    ended["data"]["arbeid"] = {"forhold": [{"kilde": "system", "arbeidsgivernavn": "", "fom": "2025-01-01",
                                            "tom": "2026-06-30", "stillingsprosent": 50, "overstyrtAvBruker": False}]}
    assert mapped(ended)[0].income == []


def test_a_spouse_in_the_household_leaves_income_unknown():
    document = soknad()
    document["data"]["familie"]["sivilstatus"] = {"kilde": "bruker", "status": "gift", "borSammenMed": True,
                                                  "ektefelle": {"navn": {"fornavn": "Ola", "mellomnavn": "",
                                                                         "etternavn": "Nordmann"}}}
    document["data"]["bosituasjon"]["antallPersoner"] = 2
    case, report = mapped(document)
    assert case.household.has_spouse_or_cohabitant is True
    assert case.household.shares_home_with_other_adults is False
    assert case.income is None and docs(report, "income") == ["skattemelding|ektefelle"]
    apart = soknad()
    apart["data"]["familie"]["sivilstatus"] = {"kilde": "bruker", "status": "gift", "borSammenMed": False,
                                               "ektefelle": {"navn": {"fornavn": "", "mellomnavn": "",
                                                                      "etternavn": ""}}}
    assert mapped(apart)[0].household.has_spouse_or_cohabitant is False


@pytest.mark.parametrize(("flag", "document_code"), [("utbetalingerFraNavFeilet", None),
                                                     ("stotteFraHusbankenFeilet", "bostotte|vedtak")])
def test_a_failed_register_lookup_leaves_income_unknown_and_is_reported(flag, document_code):
    document = soknad()
    document["driftsinformasjon"][flag] = True
    case, report = mapped(document)
    assert case.income is None
    assert [lookup.soknad_field for lookup in report.register_lookups_failed] == [f"driftsinformasjon.{flag}"]
    assert docs(report, "income") == ([document_code] if document_code else [])


# --- household -------------------------------------------------------------------------------------------


def _child(birth, lives=None, registered=None):
    entry = {"barn": {"kilde": "system", "navn": {"fornavn": "Barn", "mellomnavn": "", "etternavn": "Nordmann"},
                      "fodselsdato": birth, "personIdentifikator": "01012012345"}}
    if lives is not None:
        entry["borSammenMed"] = {"kilde": "bruker", "verdi": lives}
    if registered is not None:
        entry["erFolkeregistrertSammen"] = {"kilde": "system", "verdi": registered}
    return entry


def test_children_living_in_the_household_with_their_ages():
    document = soknad()
    document["data"]["familie"]["forsorgerplikt"] = {
        "harForsorgerplikt": {"kilde": "system", "verdi": True},
        "ansvar": [_child("2020-11-03", lives=True), _child("2015-01-01", registered=True),
                   _child("2012-05-05", lives=False), _child("2007-01-01", lives=True)]}
    document["data"]["bosituasjon"]["antallPersoner"] = 4
    case, report = mapped(document)
    assert [c.age for c in case.household.children] == [5, 11]
    assert case.household.shares_home_with_other_adults is True  # the 19-year-old
    assert ignored(report) == {"data.familie.forsorgerplikt.ansvar[2]": "lives_elsewhere",
                               "data.familie.forsorgerplikt.ansvar[3]": "adult"}
    assert "01012012345" not in report.model_dump_json()


def test_a_child_whose_home_is_not_given_leaves_the_children_unknown():
    document = soknad()
    document["data"]["familie"]["forsorgerplikt"] = {"ansvar": [_child("2020-01-01")]}
    case, _ = mapped(document)
    assert case.household is not None and case.household.children is None


def test_living_with_parents_is_sharing_a_home():
    document = soknad()
    document["data"]["bosituasjon"] = {"kilde": "bruker", "botype": "foreldre"}
    case, _ = mapped(document)
    assert case.household.shares_home_with_other_adults is True


# --- assets and expenses -------------------------------------------------------------------------------------


def test_assets_with_values_leave_their_necessity_to_the_caseworker(evaluator):
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"][0]["verdi"] = True
    document["data"]["okonomi"]["oversikt"]["formue"] = [item("brukskonto", belop=3200)]
    case, report = mapped(document)
    assert [(a.kind, a.value, a.needed_for_daily_living) for a in case.assets] == [("bank_deposit", 3200, None)]
    assert field(report, "assets").status == "set" and docs(report, "assets") == []
    answer = evaluate_soknad(document, evaluator, DAY)
    [livsopphold] = [d for d in answer.evaluation.decisions if d.question == "18"]
    assert "assets[0].needed_for_daily_living" in livsopphold.missing_facts
    # The amount is known; only the caseworker's judgement is missing, which no document settles.
    assert not any(c.event["type"] == "dokumentasjonkrav" and "missing:assets[0].needed_for_daily_living" in c.basis
                   for c in answer.candidate_events)


def test_savings_answered_yes_but_not_listed_ask_for_a_bank_statement():
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"][0]["verdi"] = True
    case, report = mapped(document)
    assert case.assets is None and docs(report, "assets") == ["kontooversikt|brukskonto"]


def test_unanswered_savings_and_valuables_leave_assets_unknown():
    document = soknad()
    del document["data"]["okonomi"]["opplysninger"]["bekreftelse"][0:2]
    case, report = mapped(document)
    assert case.assets is None
    assert docs(report, "assets") == ["kontooversikt|brukskonto", "dokumentasjon|annetverdi"]


def test_a_housing_cost_without_an_amount_asks_for_the_invoice_and_the_tenancy_agreement_when_unanswered():
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["utgift"] = [item("husleie")]
    case, report = mapped(document)
    assert [(e.kind, e.monthly_amount) for e in case.expenses] == [("housing", None)]
    assert docs(report, "expenses") == ["faktura|husleie"]
    unanswered = soknad()
    unanswered["data"]["okonomi"]["opplysninger"]["bekreftelse"].pop(2)
    unanswered["data"]["okonomi"]["oversikt"]["utgift"] = []
    unanswered["data"]["okonomi"]["opplysninger"]["utgift"] = []
    case, report = mapped(unanswered)
    assert case.expenses is None and docs(report, "expenses") == ["husleiekontrakt|husleiekontrakt"]


def test_no_housing_costs_is_an_empty_list():
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"][2]["verdi"] = False
    document["data"]["okonomi"]["oversikt"]["utgift"] = []
    document["data"]["okonomi"]["opplysninger"]["utgift"] = []
    assert mapped(document)[0].expenses == []


# --- residence, request, consents, age, date ----------------------------------------------------------------


@pytest.mark.parametrize(("citizenship", "nordic", "lawful"), [
    ("NOR", None, True), ("SWE", None, True), ("XXX", True, True), ("USA", False, None), (None, None, None)])
def test_residence_hints_from_citizenship(citizenship, nordic, lawful):
    document = soknad()
    personalia = document["data"]["personalia"]
    del personalia["statsborgerskap"]
    if citizenship is not None:
        personalia["statsborgerskap"] = {"kilde": "system", "verdi": citizenship}
    if nordic is not None:
        personalia["nordiskBorger"] = {"kilde": "system", "verdi": nordic}
    case, report = mapped(document)
    assert (case.residence and case.residence.lawful_residence) is lawful
    assert docs(report, "residence.lawful_residence") == ([] if lawful else ["oppholdstillatel|oppholdstillatel"])


@pytest.mark.parametrize(("words", "applied", "acute"), [
    ("Hjelp til barnehagen", ["kindergarten"], None),
    ("Jeg trenger penger", ["living_costs"], None),
    ("Husleie og strøm for desember", ["housing_costs"], None),
    ("Nødhjelp: jeg har ingen mat", ["living_costs"], True),
    ("Tomater og automaten", ["living_costs"], None),  # 'mat' as a whole word only
])
def test_the_request_is_read_from_keywords_and_an_acute_need_is_never_ruled_out(words, applied, acute):
    document = soknad()
    document["data"]["begrunnelse"]["hvaSokesOm"] = words
    case, report = mapped(document)
    assert case.request.applied_for == applied
    assert case.request.acute_need is acute
    assert words not in report.model_dump_json()


@pytest.mark.parametrize(("words", "means_at_hand", "documents"), [
    ("Nødhjelp: jeg har ingen mat", None, ["kontooversikt|brukskonto"]),
    ("Nødhjelp: jeg har ingen mat og ingen penger", False, []),
    ("Jeg har ingen mat og ingenting igjen av pengene", False, []),
])
def test_an_acute_need_is_the_immediate_need_and_money_at_hand_is_read_only_where_stated(words, means_at_hand,
                                                                                          documents):
    document = soknad()
    document["data"]["begrunnelse"]["hvorforSoke"] = words
    case, report = mapped(document)
    assert [(need.id, need.kind) for need in case.request.needs] == [("acute_need", "immediate")]
    assert case.request.means_at_hand is means_at_hand
    assert docs(report, "request.means_at_hand") == documents
    assert words not in report.model_dump_json()


def test_without_an_acute_need_money_at_hand_is_not_asked():
    document = soknad()
    document["data"]["begrunnelse"]["hvorforSoke"] = "Jeg har ingen penger til husleia."
    case, report = mapped(document)
    assert case.request.acute_need is None and case.request.needs is None and case.request.means_at_hand is None
    assert "request.means_at_hand" not in {f.case_field for f in report.fields}


def test_consent_decides_whether_register_data_was_gathered_with_the_applicants_knowledge(evaluator):
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [
        item("skatteetaten", kilde="system", netto=4000.0)]
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"].append(yes_no("skatteetaten_samtykke", False))
    case, _ = mapped(document)
    assert {g.source: g.how for g in case.participation.information_gathering} == {
        "tax": "neither", "population_register": "client_informed"}
    duties = {d.id: d.status for d in evaluate_soknad(document, evaluator, DAY).evaluation.duties}
    assert duties["sotjl-2009/43/gather-with-client"] == "open"
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"][-1]["verdi"] = True
    duties = {d.id: d.status for d in evaluate_soknad(document, evaluator, DAY).evaluation.duties}
    assert duties["sotjl-2009/43/gather-with-client"] == "fulfilled"


@pytest.mark.parametrize(("birth", "age"), [("2000-11-02", 26), ("2000-11-03", 25), ("2012-01-01", None),
                                            ("2000-02-30", None)])
def test_the_age_is_computed_on_the_decision_date(birth, age):
    document = soknad()
    document["data"]["personalia"]["fodselsdato"] = birth
    case, _ = mapped(document)
    assert (case.applicant.age if case.applicant else None) == age


def test_the_decision_date_says_where_it_came_from(evaluator):
    answer = evaluate_soknad(soknad(), evaluator, today=lambda: dt.date(2025, 3, 4))
    assert answer.evaluation.decision_date == dt.date(2025, 3, 4)
    assert answer.mapping.decision_date.source == "today"
    answer = evaluate_soknad(soknad(), evaluator, dt.date(2009, 6, 1))
    assert answer.mapping.decision_date.source == "request"
    assert [d.question for d in answer.evaluation.decisions] == ["1-2", "4-3a", "5-1", "5-2", "5-4"]  # the 1991 act


def test_an_application_in_the_older_layout_is_mapped_too():
    document = copy.deepcopy(load(FILFORMAT / "examples" / "3.json"))
    case, report = mapped(document)
    assert report.soknad_schema.layout == "older"
    assert report.soknad_schema.schema_file == "scripts/soknad_bundle.json"
    assert report.register_lookups_failed == []
    assert case.decision_date == DAY
