"""The case model: unknown stays unknown, bad input is refused with its path."""

import pytest
from pydantic import ValidationError

from engine.case.facts import observe
from engine.case.model import Case
from engine.law.rulebook import load_rulebook

RATES = load_rulebook().rates


def _refused_at(data):
    with pytest.raises(ValidationError) as caught:
        Case.model_validate(data)
    return [".".join(str(p) for p in error["loc"]) for error in caught.value.errors()]


def test_only_the_decision_date_is_required():
    assert _refused_at({}) == ["decision_date"]
    Case.model_validate({"decision_date": "2008-01-01"})


@pytest.mark.parametrize("data,path", [
    ({"decision_date": "2008-01-01", "fodselsnummer": "01010112345"}, "fodselsnummer"),
    ({"decision_date": "2008-01-01", "income": [{"kind": "wages", "monthly_amount": -1}]}, "income.0.monthly_amount"),
    ({"decision_date": "2008-01-01", "income": [{"kind": "wages", "monthly_amount": "NaN"}]},
     "income.0.monthly_amount"),
    ({"decision_date": "2008-01-01", "income": [{"kind": "wages", "monthly_amount": "1.001"}]},
     "income.0.monthly_amount"),
    ({"decision_date": "2008-01-01", "income": [{"kind": "lottery", "monthly_amount": 1}]}, "income.0.kind"),
    ({"decision_date": "2008-13-01"}, "decision_date"),
    ({"decision_date": "2008-01-01", "household": {"children": [{"age": 18}]}}, "household.children.0.age"),
])
def test_bad_input_is_refused_with_its_path(data, path):
    assert path in _refused_at(data)


def test_no_field_can_hold_an_identity_number():
    names = set()

    def walk(model):
        for name, field in model.model_fields.items():
            names.add(name)
            for arg in getattr(field.annotation, "__args__", (field.annotation,)):
                for inner in getattr(arg, "__args__", (arg,)):
                    if isinstance(inner, type) and hasattr(inner, "model_fields"):
                        walk(inner)
    walk(Case)
    assert not names & {"fodselsnummer", "personnummer", "national_id", "ssn", "name", "account_number"}


def test_absent_is_unknown_and_empty_is_zero():
    unknown = observe(Case.model_validate({"decision_date": "2008-01-01"}), RATES).values
    assert "income_total" not in unknown and "lawful_residence" not in unknown
    stated = observe(Case.model_validate({"decision_date": "2008-01-01", "income": []}), RATES).values
    assert stated["income_total"] == 0


def test_an_asset_not_yet_judged_keeps_available_assets_unknown():
    facts = observe(Case.model_validate({"decision_date": "2008-01-01", "assets": [
        {"kind": "bank_deposit", "value": 1000, "needed_for_daily_living": False},
        {"kind": "vehicle", "value": 50000}]}), RATES).values
    assert "assets_not_needed_for_daily_living" not in facts
