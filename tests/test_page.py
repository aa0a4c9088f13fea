"""The page, the summary, the letter and the parameters over HTTP, in-process: each says what the JSON answer says."""

import re

import pytest

from api.auth import ApiKeys
from api.settings import Settings
from engine.case.model import Case
from tests.conftest import EXAMPLES, app_client, load_example
from views.compare import compare
from views.letter import draft
from views.summary import summarise

KEY = "a-key-long-enough-1234"


def _case(name: str) -> dict:
    return next(load_example(path)["case"] for path in EXAMPLES if path.stem == name)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_page_and_the_summary_say_what_the_json_answer_says(client, path):
    case = load_example(path)["case"]
    answer = client.post("/v1/evaluations?view=full", json=case).json()  # what the summary and the page read
    summary = client.post("/v1/evaluations?view=summary", json=case).json()
    page = client.post("/page/answer", json={"case": case}).text
    answers = [answer["decisions"], *(need["decisions"] for need in answer["needs"])]  # the case's, then each need's
    shorts = [summary["decisions"], *(need["decisions"] for need in summary["needs"])]
    outcomes = [(d["question"], d["outcome"]) for decisions in answers for d in decisions]
    assert [(d["question"], d["outcome"]) for decisions in shorts for d in decisions] == outcomes
    assert re.findall(r'data-question="([^"]+)" data-outcome="([^"]+)"', page) == outcomes
    assert [n["id"] for n in summary["needs"]] == [n["id"] for n in answer["needs"]]
    assert re.findall(r'<section class="need" data-need="([^"]+)"', page) == [n["id"] for n in answer["needs"]]
    for decision, short in zip(*(sum(lists, []) for lists in (answers, shorts)), strict=True):
        assert [r["text"] for r in short["reasons"]] == [r["text_nb"] for r in decision["reasons"]]
        assert [r["citation"] for r in short["reasons"]] == [r["basis"]["citation"] for r in decision["reasons"]]
        assert [m["path"] for m in short["missing_facts"]] == decision["missing_facts"]
        assert short["settles"] == [settling["text"]["nb"] for settling in decision["settles"]]
        assert short["considerations"] == [c["nb"] for c in decision["considerations"]]
        assert short["scope"] == (decision["scope"]["nb"] if decision["scope"] else None)
        assert (short["amount"] is None) == (decision["amount"] is None)
        if decision["amount"]:
            assert short["amount"]["need"] == decision["amount"]["need"]
            assert short["amount"]["counted_means"] == decision["amount"]["counted_means"]
        for text in [short["outcome_label"], *(r["text"] for r in short["reasons"]),
                     *(m["label"] for m in short["missing_facts"]), *short["settles"], *short["considerations"],
                     *([short["scope"]] if short["scope"] else [])]:
            assert _escaped(text) in page
    for status in ("open", "fulfilled"):
        ids = [d["id"] for d in answer["duties"] if d["status"] == status]
        assert [d["id"] for d in summary[f"{status}_duties"]] == ids
        assert re.findall(rf'data-duty="([^"]+)" data-status="{status}">', page) == ids
        for need, short in zip(answer["needs"], summary["needs"], strict=True):
            ids = [d["id"] for d in need["duties"] if d["status"] == status]
            assert [d["id"] for d in short[f"{status}_duties"]] == ids
            assert re.findall(rf'data-duty="([^"]+)" data-status="{status}" data-need="{need["id"]}"', page) == ids
    for duty in [d for d in summary["open_duties"] if d["options"]]:  # a choice: each way, ticked where taken
        assert [o["fulfil_by"] for o in duty["options"]] == next(
            [o["fulfil_by"]["nb"] for o in d["options"]] for d in answer["duties"] if d["id"] == duty["id"])
        for option in duty["options"]:
            assert f'data-option-fulfilled="{str(option["fulfilled"]).lower()}">' in page
    assert [w["nb"] for w in answer["warnings"]] == summary["warnings"]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") \
        .replace("'", "&#39;")


def test_the_page_is_served_whole_with_nothing_from_another_host(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="nb">' in html and 'href="/docs"' in html
    for url in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert url.startswith(("/", "data:")), url  # local files only: no CDN, no font service
        if url.startswith("/page/static/"):
            assert client.get(url).status_code == 200
    assert "Statlige veiledende retningslinjer" in html and "Rundskriv A-3/2023" in html  # the rates table


def test_the_form_has_a_field_for_every_field_of_the_case_model(client):
    html = client.get("/").text
    names = set(re.findall(r'name="([^"]+)"', html)) | set(re.findall(r'data-list="([^"]+)"', html))
    names = {name.replace(".__i__", "") for name in names}
    missing = [path for path in _leaf_paths(Case) if path not in names]
    assert missing == []


def _leaf_paths(model, prefix=""):
    import typing

    from pydantic import BaseModel

    for name, spec in model.model_fields.items():
        path = prefix + (spec.alias or name)
        inner = [a for a in typing.get_args(spec.annotation) if a is not type(None)] or [spec.annotation]
        kind = inner[0]
        if typing.get_origin(kind) is list:
            item = typing.get_args(kind)[0]
            yield path
            if isinstance(item, type) and issubclass(item, BaseModel):
                yield from _leaf_paths(item, path + ".")
        elif isinstance(kind, type) and issubclass(kind, BaseModel) and kind.__name__ != "RateTable":
            yield from _leaf_paths(kind, path + ".")
        else:
            yield path


def test_a_scenario_is_served_to_the_page_by_name(client):
    assert client.get("/page/examples/kindergarten-bill").json() == _case("kindergarten-bill")
    assert client.get("/page/examples/no-such-scenario").status_code == 404


def test_the_page_shows_what_changed_since_the_previous_answer(client, evaluator):
    before = _case("kindergarten-bill")
    after = {**before, "income": [{**before["income"][0], "monthly_amount": 5000}, before["income"][1]]}
    html = client.post("/page/answer", json={"case": after, "previous": before}).text
    assert '<tr data-change="outcome"><th scope="row">sosialtjenesteloven § 18 Stønad til livsopphold</th>' \
           '<td class="before">har ikke krav</td>' in html
    changes = compare(*(summarise(evaluator.evaluate(Case.model_validate(c)), evaluator.rulebook.outcomes)
                        for c in (before, after)))
    assert [(c.kind, c.before, c.after) for c in changes] == [
        ("outcome", "har ikke krav", "har krav"),
        ("amount", "Overskudd 2\u00a0600\u00a0kr (behov 21\u00a0400\u00a0kr, midler 24\u00a0000\u00a0kr)",
         "Udekket behov 16\u00a0400\u00a0kr (behov 21\u00a0400\u00a0kr, midler 5\u00a0000\u00a0kr)"),
        ("outcome", "skjønn", "ikke aktuelt"),
        ("duty", "Åpen", "Gjelder ikke")]
    same = client.post("/page/answer", json={"case": before, "previous": before}).text
    assert "Ingen endring i utfall" in same


def test_what_changed_names_the_need_it_changed_for(evaluator):
    before = _case("kindergarten-bill")
    need = before["request"]["needs"][0]
    unjudged = {**before, "request": {**before["request"], "needs": [
        {key: value for key, value in need.items() if key != "part_of_living_costs"}]}}
    changes = compare(*(summarise(evaluator.evaluate(Case.model_validate(c)), evaluator.rulebook.outcomes)
                        for c in (before, unjudged)))
    prefix = "Behov Barnehage «kindergarten-november»: "
    assert [(c.kind, c.what, c.after) for c in changes if c.kind != "duty"] == [
        ("outcome", prefix + "sosialtjenesteloven § 18 Stønad til livsopphold", "uavklart"),
        ("missing", prefix + "sosialtjenesteloven § 18 Stønad til livsopphold: mangler",
         "Behov nr. 1: Utgiften inngår i livsoppholdet"),
        ("outcome", prefix + "sosialtjenesteloven § 19 Stønad i særlige tilfeller", "uavklart"),
        ("missing", prefix + "sosialtjenesteloven § 19 Stønad i særlige tilfeller: mangler",
         "Behov nr. 1: Utgiften inngår i livsoppholdet"),
        ("outcome", prefix + "sosialtjenesteloven § 21 Stønadsformer", "uavklart"),
        ("missing", prefix + "sosialtjenesteloven § 21 Stønadsformer: mangler",
         "Behov nr. 1: Utgiften inngår i livsoppholdet")]
    assert [(c.what.startswith(prefix + "Opplys saken"), c.before, c.after) for c in changes if c.kind == "duty"] == [
        (True, "Oppfylt", "Åpen")]


# The single parent with the savings not recorded, earning 10 000 kr rather than 24 000 kr: the need (16 000 kr) is
# no longer covered by the wages, so § 18 turns on the savings the case does not give.
LOW_WAGES = {**_case("savings-not-recorded"), "income": [{"kind": "wages", "monthly_amount": 10_000}]}
THRESHOLDS = ["har krav hvis bankinnskudd som ikke er nødvendig for livsoppholdet er høyst 5\u00a0999,99\u00a0kr",
              "har ikke krav hvis bankinnskudd som ikke er nødvendig for livsoppholdet er minst 6\u00a0000\u00a0kr"]


def test_an_undetermined_answer_shows_the_amount_at_which_its_outcome_flips(client, evaluator):
    summary = client.post("/v1/evaluations?view=summary", json=LOW_WAGES).json()
    decision = next(d for d in summary["decisions"] if d["question"] == "18")
    assert (decision["outcome_label"], decision["settles"]) == ("uavklart", THRESHOLDS)
    html = client.post("/page/answer", json={"case": LOW_WAGES}).text
    article = html[html.index('<article class="decision" data-question="18"'):]
    article = article[:article.index("</article>")]
    assert '<li data-missing="assets"><a href="#field-assets">Formue</a></li>' in article
    assert f'<ul class="settles"><li>{THRESHOLDS[0]}</li><li>{THRESHOLDS[1]}</li>' in article
    # What if: the wages that covered the need had no threshold; the low wages have one.
    before = _case("savings-not-recorded")
    changes = compare(*(summarise(evaluator.evaluate(Case.model_validate(c)), evaluator.rulebook.outcomes)
                        for c in (before, LOW_WAGES)))
    assert ("settles", "sosialtjenesteloven § 18 Stønad til livsopphold: terskler", "—", "; ".join(THRESHOLDS)) in [
        (c.kind, c.what, c.before, c.after) for c in changes]


def test_the_page_shows_an_outcomes_limit_a_choice_of_ways_and_a_duty_that_waits_for_another(client):
    html = client.post("/page/answer", json={"case": _case("substance-user-spent-the-month")}).text
    need = html[html.index('<section class="need" data-need="food-now"'):]
    need = need[:need.index("</section>")]
    assert '<p class="scope"><strong>Avgrensning:</strong> Nødhjelp — bare det helt nødvendige her og nå' in need
    young = _case("activity-conditions-2017-01-01")
    html = client.post("/page/answer", json={"case": young}).text
    duty = html[html.index('data-duty="sotjl-2009/20a/activity-conditions" data-status="open"'):]
    duty = duty[:duty.index("</ul>")]
    assert "Oppfylles ved ett av disse:" in duty
    assert duty.count('data-option-fulfilled="false">') == 2
    assert "Et aktivitetsvilkår er satt." in duty
    # A duty that waits for another says what must be done first.
    html = client.post("/page/answer", json={"case": _case("cannot-speak-no-guardian")}).text
    duty = html[html.index('data-duty="sotjl-2009/42/consult-on-financial-assistance" data-status="open"'):]
    duty = duty[:duty.index("</li>")]
    assert '<span class="why">Plikten kan ikke oppfylles før dette er gjort: Brukeren kan ikke selv fremme' in duty


def test_the_page_answers_a_bad_case_as_the_api_does(client):
    bad = {"case": {"decision_date": "2008-03-01", "applicant": {"age": 12}}}
    answer = client.post("/page/answer", json=bad)
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    error = answer.json()["errors"][0]
    assert (error["path"], error["label_nb"], error["message_nb"]) == ("case.applicant.age", "Søkerens alder",
                                                                      "Må være minst 16.")
    duplicate = client.post("/page/answer", content='{"case": {"decision_date": "2008-03-01"}, "case": {}}',
                            headers={"Content-Type": "application/json"})
    assert duplicate.status_code == 400


def test_with_api_keys_the_page_is_open_and_its_answers_need_a_key(evaluator):
    with app_client(evaluator, Settings(api_keys=ApiKeys.of(KEY))) as client:
        assert client.get("/").status_code == 200
        assert 'id="api-key"' in client.get("/").text
        assert client.get("/page/static/page.js").status_code == 200
        assert client.get("/page/examples/kindergarten-bill").status_code == 200
        case = {"case": _case("kindergarten-bill")}
        assert client.post("/page/answer", json=case).status_code == 401
        assert client.post("/page/answer", json=case, headers={"X-API-Key": KEY}).status_code == 200
        assert client.post("/v1/letters", json=case).status_code == 401


# --- the letter over HTTP ---------------------------------------------------------------------------------


def test_the_letter_is_drafted_as_json_pdf_and_text(client, evaluator):
    case = _case("kindergarten-bill")
    answer = client.post("/v1/letters", json={"case": case})
    assert answer.status_code == 200
    expected = draft(evaluator.evaluate(Case.model_validate(case)), evaluator.rulebook.outcomes)
    assert answer.json() == expected.model_dump(mode="json")
    pdf = client.post("/v1/letters?format=pdf", json={"case": case})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["content-disposition"]
    text = client.post("/v1/letters?format=text", json={"case": case, "blanks": {"conditions": "Ingen vilkår."}})
    assert text.headers["content-type"].startswith("text/plain")
    assert "Ingen vilkår." in text.text and "[FYLLES UT: Kontorets avgjørelse" in text.text


def test_a_letter_blank_the_draft_does_not_have_is_a_422_naming_it(client):
    answer = client.post("/v1/letters", json={"case": _case("kindergarten-bill"), "blanks": {"5-1/decision": "x"}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == "blanks.*"  # the id is the client's: never repeated
    assert answer.json()["errors"][0]["label_nb"] == "Feltene i utkastet: et navn tjenesten ikke kjenner"
    assert "5-1/decision" not in answer.text
    unknown = client.post("/page/answer", json={"case": {**_case("kindergarten-bill"), "fodselsnummer": "0101"}})
    assert [(e["path"], e["label_nb"]) for e in unknown.json()["errors"]] == [
        ("case.*", "Saken: et navn tjenesten ikke kjenner")]
    wrong_view = client.post("/v1/evaluations?view=short", json=_case("kindergarten-bill"))
    assert wrong_view.json()["errors"][0]["label_nb"] == "Parameteren view i adressen"
    assert answer.json()["errors"][0]["message_nb"] == "Utkastet har ikke et felt med denne id-en."
    too_long = client.post("/v1/letters", json={"case": _case("kindergarten-bill"),
                                                "blanks": {"conditions": "x" * 4001}})
    assert too_long.status_code == 422 and "4001" not in too_long.text


# --- parameters and the catalogue ---------------------------------------------------------------------------


def test_the_parameters_are_the_rate_table_by_date_with_sources(client, evaluator):
    rates = client.get("/v1/parameters").json()["guideline_rates"]
    table = evaluator.rates
    assert [row["valid_from"] for row in rates["rows"]] == [row.valid_from.isoformat() for row in table.rows]
    assert all(row["source"] for row in rates["rows"])
    assert [c["id"] for c in rates["categories"]] == list(table.categories)
    first = rates["rows"][0]
    assert first == {"valid_from": "2002-01-01", "source": "Sosialdepartementet, via kvinnerogfamilie.no",
                     "rates": {"single": "4000", "couple": "6660", "sharing": "3330", "child_0_5": "1530",
                               "child_6_10": "2020", "child_11_17": "2550"}}


def test_the_catalogue_takes_the_act_by_the_name_the_answers_show(client):
    both = {entry["id"] for entry in client.get("/v1/rules", params={"act": "sosialtjenesteloven"}).json()}
    old = {entry["id"] for entry in client.get("/v1/rules", params={"act": "sosialtjenesteloven (1991)"}).json()}
    new = {entry["id"] for entry in client.get("/v1/rules", params={"act": "sotjl-2009"}).json()}
    assert old and new and both == old | new
    assert old == {entry["id"] for entry in client.get("/v1/rules", params={"act": "LOV-1991-12-13-81"}).json()}
    fvl = client.get("/v1/rules", params={"act": "forvaltningsloven"}).json()
    assert fvl and all(entry["basis"]["short_name"] == "forvaltningsloven" for entry in fvl)
    unknown = client.get("/v1/rules", params={"act": "barnevernloven"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["message_nb"].startswith("Ukjent lov")
