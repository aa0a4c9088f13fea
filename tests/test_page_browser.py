"""The caseworker's page in a real browser: Debian's Chromium, headless, driven by Playwright against a real server.

A caseworker loads a scenario, changes the income and sees the outcome flip with the difference beside the previous
answer, records a consent and sees the duty close, drafts the letter and reads it (on the page, as text and as a
PDF), and reads each need's own answer, with what the law limits it to and its duties. axe-core checks every state
of the page for accessibility, and the page is worked by keyboard alone.

Chromium comes from Debian: when /usr/bin/chromium is missing the fixture installs it with apt-get (as CI runs,
root), and fails — never skips — when it cannot. Playwright only drives it (no browser of its own is downloaded).
Screenshots of each step go to test-output/screenshots/ (one is copied to docs/screenshots/ for the README).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
TIMEOUT_MS = 30_000


def ensure_chromium() -> None:
    """Install Debian's chromium (and a font to render with) when it is not there."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail("the browser test needs Debian's chromium: run `apt-get install -y chromium` as root")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=environment, capture_output=True, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium", "fonts-dejavu-core"], check=True, env=environment,
                   capture_output=True, timeout=900)
    assert CHROMIUM.exists()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator:
    with live_server(tmp_path_factory.mktemp("page-server"), workers=1) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh profile for every run
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="nb-NO")
        yield context
        context.close()


@pytest.fixture
def page(browser, server):
    opened = browser.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.set_default_timeout(TIMEOUT_MS)
    opened.goto(server.base + "/")
    yield opened
    opened.close()
    assert errors == [], errors  # no script error on the page, whatever the test did


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def load_scenario(page, name: str) -> None:
    page.select_option("#scenario", name)
    page.click("#load-scenario")
    page.wait_for_selector("#answer-heading")


def outcomes_on_page(page, within: str = "#answer") -> dict[str, str]:
    """The case's outcomes (`#answer`), or a need's (`section.need[data-need='…']`)."""
    return page.eval_on_selector_all(f"{within} > article.decision", "all => Object.fromEntries(all.map("
                                                                     "a => [a.dataset.question, a.dataset.outcome]))")


def label_of(page, question: str) -> str:
    return page.inner_text(f"#answer > article[data-question='{question}'] .outcome")


def evaluate_again(page) -> None:
    page.click("#evaluate")
    page.wait_for_selector("#changes-heading")


def example_case(name: str) -> dict:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))["case"]


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_a_caseworker_tries_a_case_asks_what_if_and_drafts_the_letter(page, server, tmp_path):
    shot(page, "01-the-page")
    load_scenario(page, "kindergarten-bill")
    # The page shows the answer the JSON API gives for the same case.
    answer = httpx.post(f"{server.base}/v1/evaluations", json=example_case("kindergarten-bill"), timeout=30).json()
    assert outcomes_on_page(page) == {d["question"]: d["outcome"] for d in answer["decisions"]}
    assert label_of(page, "18") == "har ikke krav" and label_of(page, "19") == "skjønn"
    assert "Overskudd" in page.inner_text("#answer > article[data-question='18'] table.amount")
    # The kindergarten bill is a need of its own, answered on its own.
    bill = "section.need[data-need='kindergarten-november']"
    assert page.inner_text(f"{bill} h3") == "Behov: Barnehage «kindergarten-november»"
    assert outcomes_on_page(page, bill) == {d["question"]: d["outcome"] for d in answer["needs"][0]["decisions"]}
    assert page.locator("#changes-heading").count() == 0  # a newly loaded case has nothing to compare with
    shot(page, "02-the-answer")

    # What if the wages were 5 000 kr? § 18 flips, § 19 no longer arises, and the difference is shown.
    page.fill("[name='income.0.monthly_amount']", "5000")
    evaluate_again(page)
    assert label_of(page, "18") == "har krav" and label_of(page, "19") == "ikke aktuelt"
    rows = page.eval_on_selector_all("[data-change]", "rows => rows.map(r => [r.dataset.change, "
                                                       "r.querySelector('th').innerText, r.querySelector('.before')"
                                                       ".innerText, r.querySelector('.after').innerText])")
    assert ["outcome", "sosialtjenesteloven § 18 Stønad til livsopphold", "har ikke krav", "har krav"] in rows
    amount = next(row for row in rows if row[0] == "amount")
    assert amount[2].startswith("Overskudd 2\u00a0600\u00a0kr")
    assert amount[3].startswith("Udekket behov 16\u00a0400\u00a0kr")
    shot(page, "03-what-if-the-income-changes")

    # Record the client's consent to an individual plan: the duty to offer it and record the answer closes.
    load_scenario(page, "qualification-programme")
    offer = "li[data-duty$='/offer-plan-and-record-consent']"
    assert page.get_attribute(offer, "data-status") == "open"
    page.select_option("[name='services.individual_plan_consent']", "consented")
    evaluate_again(page)
    assert page.get_attribute(offer, "data-status") == "fulfilled"
    assert page.inner_text(f"{offer} .status") == "Oppfylt"
    closed = page.eval_on_selector_all("[data-change=duty]", "rows => rows.map(r => r.innerText)")
    assert any("Åpen" in row and "Oppfylt" in row for row in closed), closed
    shot(page, "04-consent-closes-the-duty")

    # The letter draft for the kindergarten bill: § 19 is discretion, so its decision is a blank for the
    # caseworker, for the household and for the bill, decided on its own.
    load_scenario(page, "kindergarten-bill")
    page.click("#make-letter")
    page.wait_for_selector("#letter-heading")
    letter = page.inner_text("#letter")
    assert "Du har ikke krav på stønad til livsopphold etter sosialtjenesteloven (2009) § 18." in letter
    assert "Kontoret avgjør etter skjønn" in letter and "Du kan klage" in letter
    assert "Behov: Barnehage" in letter and "Klagefristen er tre uker" in letter
    blanks = page.locator("[data-blank]")
    # for the household and for the bill: the § 19 decision, the amount and the form; six considerations each;
    # the consideration the child benefit calls for; the conditions
    assert blanks.count() == 20
    assert page.get_attribute("#empty-blanks", "data-empty") == "20"
    need_reasons = "#letter li[data-duty$='/need-reasons-name-main-considerations']"
    assert "Behov Barnehage:" in page.inner_text(need_reasons)  # § 25 on the bill's own decision
    for index in range(blanks.count()):
        blanks.nth(index).fill(f"Vurdering {index + 1}.")
    page.click("#update-letter")
    page.wait_for_function("document.querySelector('#empty-blanks').dataset.empty === '0'")
    assert "Vurdering 1." in page.input_value("[data-blank='19/decision']")
    assert page.input_value("[data-blank='need/kindergarten-november/19/decision']").startswith("Vurdering")
    shot(page, "05-the-letter-draft")

    with page.expect_download() as download:
        page.click("#download-text")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("UTKAST TIL VEDTAK") and "Vurdering 1." in text and "[FYLLES UT" not in text
    with page.expect_download() as download:
        page.click("#download-pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def test_a_missing_fact_is_named_and_its_field_marked(page):
    load_scenario(page, "missing-income-information")
    assert label_of(page, "18") == "uavklart"
    assert page.inner_text("#answer > article[data-question='18'] .missing") == "Inntekter per måned"
    assert "missing" in page.get_attribute("#field-income", "class")
    page.click("#answer > article[data-question='18'] .missing a")
    assert page.evaluate("location.hash") == "#field-income"
    shot(page, "06-a-missing-fact")
    # A need's fact, in its entry of the list of needs: its field is marked, and the link goes to it.
    load_scenario(page, "kindergarten-bill")
    page.select_option("[name='request.needs.0.part_of_living_costs']", "")
    evaluate_again(page)
    missing = "section.need[data-need='kindergarten-november'] article[data-question='18'] .missing a"
    assert page.inner_text(missing) == "Behov nr. 1: Utgiften inngår i livsoppholdet"
    field = "[name='request.needs.0.part_of_living_costs']"
    assert "missing" in page.eval_on_selector(field, "input => input.closest('.field').className")
    page.click(missing)
    assert page.evaluate("location.hash") == "#f-request-needs-0-part_of_living_costs"


def test_what_if_the_wages_fall_the_page_shows_the_savings_at_which_the_outcome_flips(page):
    load_scenario(page, "savings-not-recorded")
    assert label_of(page, "18") == "har ikke krav"  # the wages cover the need whatever the savings
    page.fill("[name='income.0.monthly_amount']", "10000")
    evaluate_again(page)
    article = "#answer > article[data-question='18']"
    assert label_of(page, "18") == "uavklart"
    assert page.inner_text(f"{article} .missing") == "Formue"
    assert "missing" in page.get_attribute("#field-assets", "class")
    deposits = "bankinnskudd som ikke er nødvendig for livsoppholdet"
    thresholds = [f"har krav hvis {deposits} er høyst 5\u00a0999,99\u00a0kr",
                  f"har ikke krav hvis {deposits} er minst 6\u00a0000\u00a0kr"]
    assert page.eval_on_selector_all(f"{article} .settles li", "all => all.map(li => li.innerText)") == thresholds
    after = page.inner_text("[data-change=settles]:has(th:text-is('sosialtjenesteloven § 18 Stønad til "
                            "livsopphold: terskler')) .after")
    assert after == "; ".join(thresholds)
    page.locator(article).scroll_into_view_if_needed()
    shot(page, "08-where-the-outcome-flips")
    assert serious_violations(page) == []


def test_each_need_is_answered_on_its_own_with_its_limit_and_duties(page):
    load_scenario(page, "substance-user-spent-the-month")
    assert label_of(page, "18") == "har ikke krav"  # the month's living costs were met
    emergency = "section.need[data-need='food-now']"
    assert outcomes_on_page(page, emergency)["18"] == "entitled"
    assert page.inner_text(f"{emergency} .scope").startswith("Avgrensning: Nødhjelp — bare det helt nødvendige")
    bills = "section.need[data-need='various-bills']"
    assert outcomes_on_page(page, bills)["19"] == "discretionary"
    assert page.get_attribute(f"{bills} li[data-duty$='/need-reasons-name-main-considerations']",
                              "data-status") == "open"
    # The need's fact in the form: the bills judged part of the living costs make them a § 18 question.
    assert page.input_value("[name='request.needs.1.part_of_living_costs']") == "false"
    page.locator(emergency).scroll_into_view_if_needed()
    shot(page, "07-need-by-need")
    # A choice of ways to fulfil a duty: activity conditions for a recipient under 30, or the weighty reasons.
    load_scenario(page, "activity-conditions-2017-01-01")
    choice = "#answer li[data-duty='sotjl-2009/20a/activity-conditions']"
    assert page.get_attribute(choice, "data-status") == "open"
    assert page.locator(f"{choice} .options li").count() == 2
    assert page.locator(f"{choice} [data-option-fulfilled='false']").count() == 2


def test_an_invalid_field_is_explained_in_norwegian_by_its_field(page):
    load_scenario(page, "kindergarten-bill")
    page.fill("[name='applicant.age']", "12")
    page.click("#evaluate")
    page.wait_for_selector("#problems li")
    assert "1 felt er ugyldig" in page.inner_text("#problems")
    assert "Søkerens alder: Må være minst 16." in page.inner_text("#problems")
    assert page.get_attribute("[name='applicant.age']", "aria-invalid") == "true"


def test_the_page_has_no_serious_accessibility_violations(page):
    assert serious_violations(page) == []
    for scenario in ("substance-user-spent-the-month", "activity-conditions-2017-01-01"):  # needs, a choice
        load_scenario(page, scenario)
        assert serious_violations(page) == []
    load_scenario(page, "kindergarten-bill")
    page.fill("[name='income.0.monthly_amount']", "5000")
    evaluate_again(page)
    assert serious_violations(page) == []
    page.click("#make-letter")
    page.wait_for_selector("#letter-heading")
    assert serious_violations(page) == []


def _tab_until(page, selector: str, limit: int = 600) -> int:
    """Press Tab until the element matching `selector` has the focus; the number of presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement === document.querySelector(sel)", selector):
            return presses
    raise AssertionError(f"{selector} was not reached by Tab in {limit} presses")


def test_the_page_works_by_keyboard(page):
    assert _tab_until(page, "a.skip") == 1  # the first stop skips to the case
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#case"
    _tab_until(page, "#scenario")
    page.keyboard.press("End")  # the last scenario, chosen by keyboard
    _tab_until(page, "#load-scenario")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer-heading")
    assert page.evaluate("document.activeElement.id") == "answer-heading"  # the answer takes the focus
    # Every field of the form is on the way to "Vurder saken", and Enter there evaluates again.
    _tab_until(page, "[name='decision_date']")
    _tab_until(page, "#evaluate")
    page.keyboard.press("Enter")
    page.wait_for_selector("#changes-heading")
    _tab_until(page, "#make-letter")
    page.keyboard.press("Enter")
    page.wait_for_selector("#letter-heading")
    assert page.evaluate("document.activeElement.id") == "letter-heading"
    # A list entry is added and removed by keyboard, and the focus lands where the caseworker goes on.
    page.focus("#field-income [data-add]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('[data-row]') !== null")
    _tab_until(page, "#field-income [data-row]:last-child [data-remove]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.matches('#field-income [data-add]')")
