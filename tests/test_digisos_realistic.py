"""NAV's own whole applications with an economy (tests/fixtures/nav-soknader/), read as a caseworker reads them —
and minimal variants of the plain application for each thing a caseworker stops at: the period a payment or a
bill covers, one-off means, impossible dates, a mortgage beside rent, child support against the answer, valuables
without a value, who lives in the home, students — and the documents asked for, each a `dokumentasjonkrav`."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest

from api.settings import Settings
from cli.main import main
from digisos.events import AVSENDER
from digisos.schema import digisos_violations
from digisos.service import evaluate_soknad
from engine.case.model import Case
from tests.conftest import app_client
from tests.digisos_data import DAY, item, load, mapped, realistic, soknad

# As tests/fixtures/nav-soknader/SOURCE.md lists them.
DIGESTS = {
    "brukerdata.json": "a7f5298cf1b3332e714e635e44a6f602199055018504a6184c873b59ac0f4b75",
    "systemdata.json": "8c607de5b3dce209ece015be6eb50fbab2e251f02685d01c540b1512da3bcb50",
    "utbetalinger.json": "4f1740052bf819dc7d70f51e4def302631ff1d2d6e1e58c076695c7065b149fc",
}
PATH = "/v1/digisos/soknad/evaluations"
BRUKERDATA, SYSTEMDATA, UTBETALINGER = (load(path) for path in realistic())


def test_the_vendored_applications_are_nav_s_as_copied():
    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in realistic()} == DIGESTS


def field(report, name):
    return {f.case_field: f for f in report.fields}[name]


def docs(report, name):
    return [d.code for d in field(report, name).documents]


def flags(report, kind=None):
    return [(f.kind, f.soknad_fields) for f in report.flags if kind is None or f.kind == kind]


def ignored(report):
    return {i.soknad_field: i.reason for i in report.ignored}


def demands(answer):
    return {c.event["dokumentasjonkravreferanse"]: c for c in answer.candidate_events
            if c.event["type"] == "dokumentasjonkrav"}


def decision(answer, question="18"):
    return next(d for d in answer.evaluation.decisions if d.question == question)


# --- 1. periods and dates ------------------------------------------------------------------------------------


def test_last_bills_have_an_unknown_monthly_amount_and_the_bills_are_asked_for(evaluator):
    case, report = mapped(BRUKERDATA)
    bills = [(e.kind, e.monthly_amount) for e in case.expenses if e.kind == "power_and_heating"]
    assert bills == [("power_and_heating", None), ("power_and_heating", None)]  # strom, oppvarming
    assert ("housing", None) in [(e.kind, e.monthly_amount) for e in case.expenses]  # kommunalAvgift
    assert field(report, "expenses").status == "partial"
    assert "siste regning" in field(report, "expenses").note
    assert {"faktura|strom", "faktura|oppvarming", "faktura|kommunaleavgifter"} <= set(docs(report, "expenses"))
    answer = evaluate_soknad(BRUKERDATA, evaluator, DAY)
    power = demands(answer)["regelmotor-dokumentasjonkrav-faktura-strom"]
    assert power.event["tittel"] == "Strømregning" and power.basis[-1] == "missing:expenses"


def test_a_list_unknown_as_a_whole_still_says_which_items_have_no_amount():
    # "Has housing costs" with none listed leaves the expenses unknown; the child support paid without an amount
    # is asked for too, and the note says why, so the caseworker sees what each document is for.
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["utgift"] = [item("barnebidrag")]
    case, report = mapped(document)
    assert case.expenses is None and field(report, "expenses").status == "unknown"
    note = field(report, "expenses").note
    assert "housing costs but lists none" in note and "Amount unknown: an expense listed without its amount" in note
    assert "barnebidrag|betaler" in docs(report, "expenses")


def test_a_bill_is_read_as_a_last_bill_only_where_the_form_asks_for_one():
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["utgift"] = [item("strom", belop=900), item("annenBoutgift",
                                                                                             belop=300)]
    case, report = mapped(document)
    assert [(e.kind, e.monthly_amount) for e in case.expenses] == [
        ("housing", Decimal(8000)), ("power_and_heating", None), ("housing", Decimal(300))]
    assert docs(report, "expenses") == ["faktura|strom"]


def test_register_payments_months_old_are_not_this_months_income():
    case, report = mapped(SYSTEMDATA)
    assert ignored(report) == {f"data.okonomi.opplysninger.utbetaling[{i}]": "earlier_period" for i in (1, 2, 3)}
    # The dividend is a one-off means; the sickness benefit, the pension and the wage reported to the tax
    # authority may still be paid: items of unknown amount. NAV's own benefits ask no document (the office looks
    # them up), the unknown tax code asks for income documentation.
    assert [(i.kind, i.monthly_amount, i.one_off) for i in case.income][:4] == [
        ("other", Decimal(1337), True), ("benefits", None, False), ("benefits", None, False), ("other", None, False)]
    assert field(report, "income").status == "partial"
    the_month_after = mapped(UTBETALINGER, day=dt.date(2018, 3, 5))[0]
    assert [(i.kind, i.monthly_amount) for i in the_month_after.income] == [
        ("other", Decimal(1337)), ("benefits", Decimal(18201)), ("benefits", Decimal(14952))]


@pytest.mark.parametrize(("period", "paid", "monthly"), [
    (("2026-09-01", "2026-10-31"), 20000, Decimal(10000)),  # two whole calendar months
    (("2026-10-19", "2026-11-01"), 7000, (Decimal(7000) * Decimal("365.25") / 12 / 14).quantize(Decimal("0.01"))),
    (("2026-10-05", "2026-11-04"), 9000, Decimal(9000)),  # about a month
    (("2026-11-01", "2026-11-30"), 9000, Decimal(9000)),
])
def test_a_payment_counts_for_the_period_it_covers_as_a_monthly_amount(period, paid, monthly):
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [
        item("navytelse", kilde="system", netto=paid, periodeFom=period[0], periodeTom=period[1])]
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == [("benefits", monthly)]
    assert field(report, "income").status == "set" and ignored(report) == {}


def test_one_off_payments_are_means_not_monthly_income():
    case, report = mapped(BRUKERDATA)
    one_off = [(i.kind, i.monthly_amount) for i in case.income if i.one_off]
    assert one_off == [("other", Decimal(5600)), ("other", Decimal(12345)), ("other", Decimal(12345)),
                       ("other", Decimal(12333)), ("other", Decimal(5655))]
    assert not any(i.one_off for i in case.income if i.kind != "other")
    # undated: when each came decides whether it is this month's, so its document is asked for
    assert {"dokumentasjon|utbytte", "salgsoppgjor|eiendom", "dokumentasjon|forsikringsutbetaling",
            "dokumentasjon|annetinntekter"} <= set(docs(report, "income"))
    dated = soknad()
    dated["data"]["okonomi"]["opplysninger"]["utbetaling"] = [item("salg", belop=40000, utbetalingsdato="2026-06-10")]
    case, report = mapped(dated)
    assert case.income == [] and ignored(report) == {"data.okonomi.opplysninger.utbetaling[0]": "earlier_period"}


def test_an_impossible_end_date_is_flagged_and_never_read_as_still_employed():
    _, report = mapped(SYSTEMDATA)
    assert ("impossible_date", ["data.arbeid.forhold[2].tom"]) in flags(report)
    assert "data.arbeid.forhold[2]" not in field(report, "income").sources  # the open job is forhold[1]
    document = soknad()
    document["data"]["arbeid"] = {"forhold": [{"kilde": "system", "arbeidsgivernavn": "", "fom": "2010-10-01",
                                               "tom": "2017-13-01", "stillingsprosent": 50,
                                               "overstyrtAvBruker": False}]}
    case, report = mapped(document)
    assert case.income == []  # no sign of work: no wage of unknown amount
    assert flags(report) == [("impossible_date", ["data.arbeid.forhold[0].tom"])]
    assert "2017-13-01" not in report.model_dump_json()


def test_a_payment_with_an_impossible_date_has_an_unknown_period():
    document = soknad()
    document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [
        item("navytelse", kilde="system", netto=5000, periodeFom="2026-10-01", periodeTom="2026-10-32")]
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == [("benefits", None)]
    assert flags(report) == [("impossible_date", ["data.okonomi.opplysninger.utbetaling[0].periodeTom"])]


# --- 2. housing ----------------------------------------------------------------------------------------------


def test_mortgage_repayment_is_kept_apart_and_rent_beside_a_mortgage_is_flagged(evaluator):
    case, report = mapped(BRUKERDATA)
    kinds = [(e.kind, e.monthly_amount) for e in case.expenses]
    assert ("mortgage_repayment", Decimal(1000)) in kinds
    assert kinds.count(("housing", Decimal(1000))) == 2  # the rent and the mortgage interest
    assert ("attention", ["data.okonomi.oversikt.utgift[1]", "data.okonomi.oversikt.utgift[2]",
                          "data.okonomi.oversikt.utgift[3]"]) in flags(report)
    assert "mortgage-repayment" in [c.id for c in decision(evaluate_soknad(BRUKERDATA, evaluator, DAY)).considerations]
    owner = soknad()
    owner["data"]["okonomi"]["oversikt"]["utgift"] = [item("boliglanRenter", belop=4000),
                                                      item("boliglanAvdrag", belop=3000)]
    case, report = mapped(owner)
    assert [e.kind for e in case.expenses] == ["housing", "mortgage_repayment"] and report.flags == []


# --- 3. child support ----------------------------------------------------------------------------------------


def test_support_paid_is_an_expense_and_an_income_line_against_the_answer_is_a_contradiction(evaluator):
    case, report = mapped(BRUKERDATA)
    assert ("contradiction", ["data.familie.forsorgerplikt.barnebidrag",
                              "data.okonomi.oversikt.inntekt[2]"]) in flags(report)
    assert ("maintenance", None) in [(i.kind, i.monthly_amount) for i in case.income]  # neither side preferred
    assert ("child_support", Decimal(1000)) in [(e.kind, e.monthly_amount) for e in case.expenses]
    assert "barnebidrag|mottar" in docs(report, "income")
    answer = evaluate_soknad(BRUKERDATA, evaluator, DAY)
    assert "child-support-paid" in [c.id for c in decision(answer).considerations]
    assert "regelmotor-dokumentasjonkrav-barnebidrag-mottar" in demands(answer)


@pytest.mark.parametrize(("answer", "income_line", "expense_line", "income", "expenses", "contradictions"), [
    ("mottar", False, False, [("maintenance", None)], [("housing", 8000)], 0),
    ("betaler", False, False, [], [("housing", 8000), ("child_support", None)], 0),
    ("begge", True, True, [("maintenance", 1500)], [("housing", 8000), ("child_support", 700)], 0),
    ("ingen", False, True, [], [("housing", 8000), ("child_support", None)], 1),
    ("mottar", False, True, [("maintenance", None)], [("housing", 8000), ("child_support", None)], 1),
])
def test_child_support_against_the_answer(answer, income_line, expense_line, income, expenses, contradictions):
    document = soknad()
    document["data"]["familie"]["forsorgerplikt"]["barnebidrag"] = {"kilde": "bruker", "verdi": answer}
    if income_line:
        document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("barnebidrag", netto=1500)]
    if expense_line:
        document["data"]["okonomi"]["oversikt"]["utgift"].append(item("barnebidrag", belop=700))
    case, report = mapped(document)
    assert [(i.kind, i.monthly_amount) for i in case.income] == income
    assert [(e.kind, e.monthly_amount) for e in case.expenses] == expenses
    assert len(flags(report, "contradiction")) == contradictions
    assert ignored(report) == {}  # support paid is no longer dropped as "not a housing cost"


# --- 4. assets -----------------------------------------------------------------------------------------------


def test_savings_are_counted_and_valuables_without_a_value_are_one_item_of_unknown_value(evaluator):
    case, report = mapped(BRUKERDATA)
    assert [(a.kind, a.value) for a in case.assets] == [
        ("bank_deposit", 12000), ("bank_deposit", 12000), ("bank_deposit", 12000), ("other", 1000),
        ("other", 1000), ("other", 1000), ("other", None)]
    assert field(report, "assets").status == "partial" and docs(report, "assets") == ["dokumentasjon|annetverdi"]
    answer = evaluate_soknad(BRUKERDATA, evaluator, DAY)
    valuables = demands(answer)["regelmotor-dokumentasjonkrav-dokumentasjon-annetverdi"]
    assert valuables.event["saksreferanse"] == "regelmotor-sak-18" and valuables.basis[-1] == "missing:assets"


def test_only_the_valuable_is_unknown_so_the_listed_means_decide_once_the_deposit_is_judged(evaluator):
    document = soknad()
    confirmations = document["data"]["okonomi"]["opplysninger"]["bekreftelse"]
    confirmations[0]["verdi"] = confirmations[1]["verdi"] = True  # savings: yes; something of value: yes
    document["data"]["okonomi"]["oversikt"]["formue"] = [item("brukskonto", belop=50000)]
    answer = evaluate_soknad(document, evaluator, DAY)
    assert answer.mapping.case["assets"] == [{"kind": "bank_deposit", "value": "50000.00"}, {"kind": "other"}]
    assert [c.reference for c in demands(answer).values()] == ["regelmotor-dokumentasjonkrav-dokumentasjon-annetverdi"]
    # The caseworker judges the account and the work; the valuable's value is still unknown, and the means listed
    # decide: a valuable is weighed, not counted.
    case = answer.mapping.case | {"assets": [{"kind": "bank_deposit", "value": 50000, "needed_for_daily_living": False},
                                             {"kind": "other"}], "work": {"can_support_self_through_work": False}}
    settled = next(d for d in evaluator.evaluate(Case.model_validate(case)).decisions if d.question == "18")
    assert settled.outcome == "not_entitled" and [c.id for c in settled.considerations] == ["assets-to-realise"]


# --- 5. household --------------------------------------------------------------------------------------------


def test_more_people_in_the_home_than_listed_is_no_proof_of_another_adult():
    case, report = mapped(BRUKERDATA)  # three persons: the applicant, a child at home, and a child with 20 % samvær
    assert case.household.shares_home_with_other_adults is None
    assert ("attention", ["data.bosituasjon.antallPersoner", "data.familie"]) in flags(report)
    assert ignored(report)["data.familie.forsorgerplikt.ansvar[0]"] == "lives_elsewhere"
    assert [child.age for child in case.household.children] == [15]


def _child(registered=None, lives=None, samvaer=None, shared=None, key="harDeltBosted"):
    entry = {"barn": {"kilde": "system", "navn": {"fornavn": "", "mellomnavn": "", "etternavn": ""},
                      "fodselsdato": "2016-05-05"}}
    for name, value, kilde in (("erFolkeregistrertSammen", registered, "system"), ("borSammenMed", lives, "bruker"),
                               ("samvarsgrad", samvaer, "bruker"), (key, shared, "bruker")):
        if value is not None:
            entry[name] = {"kilde": kilde, "verdi": value}
    return entry


@pytest.mark.parametrize(("child", "persons", "children", "shares", "found"), [
    (_child(registered=True, samvaer=20), 2, None, None, [("contradiction", 2)]),
    (_child(registered=True, shared=True), 2, [10], False, [("attention", 1)]),
    (_child(registered=True, shared=True, key="HarDeltBosted"), 2, [10], False, [("attention", 1)]),
    (_child(registered=True, lives=False), 1, [], False, [("attention", 2)]),
    (_child(lives=False, samvaer=40), 2, [], None, [("attention", 2)]),
    (_child(lives=True), 3, [10], None, [("attention", 2)]),
    (_child(lives=True), 1, [10], None, [("contradiction", 2)]),
])
def test_samvaer_shared_residence_and_the_number_of_persons(child, persons, children, shares, found):
    document = soknad()
    document["data"]["familie"]["forsorgerplikt"] = {"harForsorgerplikt": {"kilde": "system", "verdi": True},
                                                     "ansvar": [child]}
    document["data"]["bosituasjon"]["antallPersoner"] = persons
    case, report = mapped(document)
    assert (None if case.household.children is None else [c.age for c in case.household.children]) == children
    assert case.household.shares_home_with_other_adults is shares
    assert [(f.kind, len(f.soknad_fields)) for f in report.flags] == found
    if found[0][0] == "contradiction" and children is None:
        assert docs(report, "household.children") == ["samvarsavtale|barn"]


def test_register_data_with_samvaer_for_children_registered_at_the_address_is_contradicted():
    case, report = mapped(SYSTEMDATA)
    assert [fields for kind, fields in flags(report, "contradiction")] == [
        [f"data.familie.forsorgerplikt.ansvar[{i}].samvarsgrad",
         f"data.familie.forsorgerplikt.ansvar[{i}].erFolkeregistrertSammen"] for i in (0, 1)]
    assert case.household.children is None and docs(report, "household.children") == ["samvarsavtale|barn"]


# --- 6. students ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("answers", "education", "considered"), [
    ({"kilde": "bruker", "erStudent": True, "studentgrad": "heltid"}, {"student": True, "full_time": True}, True),
    ({"kilde": "bruker", "erStudent": True, "studentgrad": "deltid"}, {"student": True, "full_time": False}, False),
    ({"kilde": "bruker", "erStudent": False}, {"student": False}, False),
    ({"kilde": "bruker", "erStudent": True}, {"student": True}, False),
    ({"kilde": "utdatert", "erStudent": True, "studentgrad": "heltid"}, None, False),
])
def test_students_reach_the_case_and_a_full_time_student_is_a_consideration(evaluator, answers, education,
                                                                            considered):
    document = soknad()
    document["data"]["utdanning"] = answers
    answer = evaluate_soknad(document, evaluator, DAY)
    assert answer.mapping.case.get("education") == education
    assert ("full-time-student" in [c.id for c in decision(answer).considerations]) is considered


def test_nav_s_students_are_full_time(evaluator):
    for document in (BRUKERDATA, SYSTEMDATA):
        answer = evaluate_soknad(document, evaluator, DAY)
        assert answer.mapping.case["education"] == {"student": True, "full_time": True}
        assert "full-time-student" in [c.id for c in decision(answer).considerations]


# --- 7. documentation requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("document", [BRUKERDATA, SYSTEMDATA, UTBETALINGER], ids=["brukerdata", "systemdata",
                                                                                 "utbetalinger"])
def test_every_document_the_report_asks_for_is_one_valid_dokumentasjonkrav_with_a_stable_reference(evaluator,
                                                                                                   document):
    answer = evaluate_soknad(document, evaluator, DAY)
    asked = {d.code for f in answer.mapping.fields for d in f.documents}
    found = demands(answer)
    assert {c.reference.removeprefix("regelmotor-dokumentasjonkrav-") for c in found.values()} == {
        code.replace("|", "-") for code in asked}
    events = [c.event for c in answer.candidate_events]
    assert digisos_violations({"version": "1.0.0", "avsender": AVSENDER, "hendelser": events}) == []
    again = evaluate_soknad(document, evaluator, DAY)
    assert list(demands(again)) == list(found)
    assert all(c.event["frist"] == "2026-11-16T22:59:59.999Z" for c in found.values())  # 14 days, end of day


def test_the_deadline_is_the_callers_and_the_end_of_that_day_in_norway(evaluator):
    summer = evaluate_soknad(BRUKERDATA, evaluator, DAY, deadline=dt.date(2027, 6, 30))
    assert {c.event["frist"] for c in demands(summer).values()} == {"2027-06-30T21:59:59.999Z"}  # CEST
    shorter = evaluate_soknad(BRUKERDATA, evaluator, DAY, deadline_days=7)
    assert {c.event["frist"] for c in demands(shorter).values()} == {"2026-11-09T22:59:59.999Z"}  # CET


def test_the_deadline_over_http_and_its_errors(client):
    query = {"decision_date": DAY.isoformat(), "documentation_deadline": "2026-12-01"}
    response = client.post(PATH, json=BRUKERDATA, params=query)
    assert response.status_code == 200, response.text[:300]
    assert {e["event"]["frist"] for e in response.json()["candidate_events"]
            if e["event"]["type"] == "dokumentasjonkrav"} == {"2026-12-01T22:59:59.999Z"}
    for bad in ("2026-11-01", "2026-13-01", "1. desember"):
        response = client.post(PATH, json=BRUKERDATA, params=query | {"documentation_deadline": bad})
        assert response.status_code == 422, response.text[:300]
        assert [e["path"] for e in response.json()["errors"]] == ["documentation_deadline"]
        assert bad not in response.text
    response = client.post(f"{PATH}?decision_date=2026-11-02&documentation_deadline=2026-12-01"
                           "&documentation_deadline=2026-12-02", json=BRUKERDATA)
    assert response.status_code == 422 and [e["path"] for e in response.json()["errors"]] == [
        "documentation_deadline"]


def test_the_service_s_default_deadline_is_its_setting(evaluator):
    with app_client(evaluator, Settings(documentation_deadline_days=5)) as client:
        response = client.post(PATH, json=BRUKERDATA, params={"decision_date": DAY.isoformat()})
    assert response.status_code == 200, response.text[:300]
    assert {e["event"]["frist"] for e in response.json()["candidate_events"]
            if e["event"]["type"] == "dokumentasjonkrav"} == {"2026-11-07T22:59:59.999Z"}


def test_the_default_deadline_is_configured_and_the_command_line_takes_one(tmp_path, capsys, monkeypatch):
    assert Settings.from_env({"REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS": "21"}).documentation_deadline_days == 21
    with pytest.raises(ValueError, match="REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS"):
        Settings.from_env({"REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS": "0"})
    file = tmp_path / "soknad.json"
    file.write_text(json.dumps(BRUKERDATA), encoding="utf-8")
    monkeypatch.setenv("REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS", "3")
    assert main(["evaluate", "--format", "digisos", str(file), "--decision-date", "2026-11-02"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {e["event"]["frist"] for e in answer["candidate_events"] if e["event"]["type"] == "dokumentasjonkrav"} \
        == {"2026-11-05T22:59:59.999Z"}
    assert main(["evaluate", "--format", "digisos", str(file), "--decision-date", "2026-11-02",
                 "--documentation-deadline", "2026-11-20"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {e["event"]["frist"] for e in answer["candidate_events"] if e["event"]["type"] == "dokumentasjonkrav"} \
        == {"2026-11-20T22:59:59.999Z"}
    for bad, message in (("2026-11-01", "before the decision date"), ("20.11.2026", "must be a date")):
        assert main(["evaluate", "--format", "digisos", str(file), "--decision-date", "2026-11-02",
                     "--documentation-deadline", bad]) == 2
        assert message in capsys.readouterr().err


def test_a_fact_a_document_settles_is_asked_for_even_when_the_question_is_decided(evaluator):
    document = soknad()
    document["data"]["okonomi"]["oversikt"]["inntekt"] = [item("jobb", netto=60000)]
    document["data"]["okonomi"]["opplysninger"]["bekreftelse"][1]["verdi"] = True  # something of value, none listed
    answer = evaluate_soknad(document, evaluator, DAY)
    assert decision(answer).outcome == "not_entitled"  # the wages cover the need; the valuable is weighed
    [valuables] = demands(answer).values()
    assert valuables.event["tittel"] == "Dokumentasjon av verdier (bolig, kjøretøy, annet)"
    assert valuables.event["saksreferanse"] == "regelmotor-sak-18" and valuables.basis == ["question:18",
                                                                                          "missing:assets"]
