"""Any application the schema accepts is answered: applications varied at random — answers removed, values
replaced by others of any JSON type, codes the adapter has never seen — either break the schema (and are refused
with the violation named) or are evaluated, with every event valid."""

import copy
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from digisos.events import AVSENDER
from digisos.schema import SoknadInvalid, digisos_violations, soknad_violations
from digisos.service import evaluate_soknad
from tests.digisos_data import SCENARIOS, examples, load, minimal, scenario
from tests.test_digisos_privacy import recognisable

BASES = [scenario(path)["soknad"] for path in SCENARIOS] + [recognisable(), load(examples()[0])]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.sampled_from(["", "utdatert", "system", "bruker", "gift", "samboer", "leier", "ingen", "jobb",
                                     "husleie", "brukskonto", "skatteetaten", "NOR", "USA", "2001-02-03",
                                     "2030-01-01", "ukjentKode", "Kommune"]))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _apply(document, path, action, value):
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif action == "same-type":  # a value of the type the schema most likely wants here
        old = parent[last]
        if isinstance(old, bool) or isinstance(old, type(value)) and not isinstance(value, bool):
            parent[last] = value if not isinstance(old, bool) else not old
    elif isinstance(parent[last], list) and parent[last]:  # "duplicate" an item of a list
        parent[last].append(copy.deepcopy(parent[last][0]))


@st.composite
def varied(draw):
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["delete", "delete", "same-type", "same-type", "replace", "duplicate"]))
        _apply(document, path, action, draw(SCALARS))
    return document


@given(document=varied(), day=st.dates(dt.date(1993, 1, 1), dt.date(2026, 11, 1)))
def test_any_application_the_schema_accepts_is_answered(evaluator, document, day):
    try:
        answer = evaluate_soknad(document, evaluator, day)
    except SoknadInvalid as error:
        assert error.violations and soknad_violations(document)
        return
    events = [candidate.event for candidate in answer.candidate_events]
    assert digisos_violations({"version": "1.0.0", "avsender": AVSENDER, "hendelser": events}) == []
    ignored = [i.soknad_field for i in answer.mapping.ignored]
    assert len(ignored) == len(set(ignored))
    assert [d.question for d in answer.evaluation.decisions]


def test_a_payment_of_any_json_number_is_answered_over_http(client):
    """The schema takes any JSON number; a 401-digit gross less a fractional tax was a 500 (OverflowError)."""
    document = minimal()
    document["data"]["okonomi"]["opplysninger"]["utbetaling"] = [
        {"kilde": "bruker", "type": "annen", "tittel": "Annen utbetaling", "overstyrtAvBruker": False,
         "brutto": 10**400, "skattetrekk": 0.5}]
    response = client.post("/v1/digisos/soknad/evaluations?decision_date=2024-01-01", json=document)
    assert response.status_code == 200, response.text[:300]
    income = {f["case_field"]: f for f in response.json()["mapping"]["fields"]}["income"]
    assert income["status"] == "partial" and "no usable net amount" in income["note"]  # the payment, no amount
