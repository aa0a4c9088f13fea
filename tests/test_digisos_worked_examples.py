"""The worked example in docs/digisos-eksempler.md is what the adapter gives for each of NAV's applications today."""

import pytest

from tests.digisos_data import examples, realistic
from tests.worked_examples import DOCUMENT, label, render


def test_the_worked_example_is_the_adapters_answer_for_each_of_navs_applications(evaluator):
    expected = render(evaluator)
    assert DOCUMENT.read_text(encoding="utf-8") == expected, (
        "docs/digisos-eksempler.md is out of date: run .venv/bin/python -m tests.worked_examples")
    for path in realistic() + examples():
        assert f"### {path.name}" in expected or f"### {path.parent.name}/{path.name}" in expected


def test_the_labels_are_the_glossarys():
    assert label("household.children") == "Barn i husstanden"
    assert label("education.full_time") == "Studerer på heltid"
    assert label("assets[2].value") == "Formuespost nr. 3: Verdi (kr)"
    with pytest.raises(KeyError):
        label("no.such.field")
