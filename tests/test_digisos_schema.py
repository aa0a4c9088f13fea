"""The vendored schemas: the same files as NAV's, and they judge NAV's own fixtures as NAV does."""

import hashlib
import re

import pytest

from digisos.schema import (
    SCHEMAS,
    Layout,
    SoknadInvalid,
    digisos_violations,
    layout_of,
    soknad_violations,
    validate_soknad,
)
from tests.digisos_data import FILFORMAT, FIXTURES, examples, fragments, invalid, load, minimal, with_fragment


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _nav_digests():
    """NAV's files, by their path in NAV's repository, with their SHA-256 at the vendored commit (SHA256SUMS
    beside the fixtures: `sha256sum -c` checks it in a checkout of NAV's repository)."""
    lines = (FILFORMAT / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines)}


def _vendored(folder):
    return {path.relative_to(folder).as_posix(): path for path in folder.rglob("*")
            if path.is_file() and path.name not in {"SOURCE.md", "SHA256SUMS"}}


def test_the_vendored_schemas_are_nav_files_unchanged():
    nav = _nav_digests()
    vendored = {name: path for name, path in _vendored(SCHEMAS).items() if path.suffix == ".json"}
    assert len(vendored) >= 50
    for name, path in vendored.items():
        assert _digest(path) == nav.get(name), name
    assert _digest(SCHEMAS / "LICENSE") == _digest(FILFORMAT / "LICENSE") == nav["LICENSE"]
    commit = re.search(r"commit\s+`([0-9a-f]{40})`", (FILFORMAT / "SOURCE.md").read_text(encoding="utf-8"))[1]
    assert commit in (SCHEMAS / "SOURCE.md").read_text(encoding="utf-8")


def test_the_vendored_fixtures_are_nav_files_unchanged():
    nav = _nav_digests()
    fixtures, schemas = _vendored(FILFORMAT), _vendored(SCHEMAS)
    for name, path in fixtures.items():
        assert _digest(path) == nav.get(name), name
    assert set(nav) == set(fixtures) | set(schemas), "SHA256SUMS lists exactly the files vendored from NAV"


def test_the_layout_is_read_off_driftsinformasjon():
    assert layout_of(minimal()) is Layout.current
    assert layout_of(load(FILFORMAT / "examples" / "1.json")) is Layout.older
    assert layout_of([]) is Layout.current


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_nav_generated_examples_follow_the_older_layout(path):
    assert validate_soknad(load(path)) is Layout.older
    assert soknad_violations(load(path), Layout.current), "the current layout wants driftsinformasjon as an object"


def test_the_minimal_application_is_valid():
    assert validate_soknad(minimal()) is Layout.current


def test_the_invalid_whole_application_names_the_missing_version():
    with pytest.raises(SoknadInvalid) as caught:
        validate_soknad(load(FIXTURES / "soknad" / "feil-minimal-mangler-version.json"))
    [violation] = caught.value.violations
    assert violation.path == () and "'version'" in violation.message
    assert violation.schema_location == "scripts/soknad_bundle.json#/definitions/soknad/required"


@pytest.mark.parametrize(("path", "place"), fragments(), ids=lambda x: x.name if hasattr(x, "name") else "")
def test_each_fragment_fixture_in_place_is_judged_as_nav_judges_it(path, place):
    violations = soknad_violations(with_fragment(load(path), place))
    if not invalid(path):
        assert violations == []
        return
    assert violations, f"{path.name} should break the schema"
    assert all(v.path[:len(place)] == place for v in violations), [v.path for v in violations]
    for v in violations:
        assert v.schema_location.startswith("json/") and "#/" in v.schema_location
        assert v.pointer == "#/" + "/".join(str(p) for p in v.path) or v.path == ()


def test_violations_name_the_schema_never_the_value():
    document = minimal()
    document["data"]["personalia"]["kontonummer"]["verdi"] = "9876543210"  # ten digits: one too few
    document["data"]["personalia"]["telefonnummer"] = {"kilde": "bruker", "verdi": "41234567"}
    document["data"]["personalia"]["personIdentifikator"]["kilde"] = "bruker"
    violations = soknad_violations(document)
    assert {v.dotted for v in violations} == {"data.personalia.kontonummer.verdi",
                                              "data.personalia.telefonnummer.verdi",
                                              "data.personalia.personIdentifikator.kilde"}
    for v in violations:
        assert "9876543210" not in v.message and "41234567" not in v.message and "12345678901" not in v.message
    by_path = {v.dotted: v for v in violations}
    assert by_path["data.personalia.telefonnummer.verdi"].schema_location == \
        "json/soknad/personalia/telefonnummer.json#/properties/verdi/pattern"
    assert by_path["data.personalia.personIdentifikator.kilde"].message == "must be one of ['system']"


def test_a_one_of_violation_says_which_form_came_closest():
    violations = soknad_violations(with_fragment(
        load(FIXTURES / "soknad" / "familie" / "sivilstatus" / "feil-sivilstatus-gift-mangler-ektefelle.json"),
        ("data", "familie", "sivilstatus")))
    assert [v.message for v in violations] == [
        "must match one of the forms the schema allows here (anyOf); the closest: required property 'ektefelle' "
        "missing"]


# --- the event list schema, against NAV's fixtures for it -------------------------------------------------

SOKER = FIXTURES / "digisos" / "soker"


@pytest.mark.parametrize("path", sorted(SOKER.glob("*.json")), ids=lambda p: p.name)
def test_whole_event_list_fixtures(path):
    assert bool(digisos_violations(load(path))) == invalid(path)


def _hendelse_fixtures():
    return sorted((SOKER / "parts" / "hendelse").rglob("*.json"))


@pytest.mark.parametrize("path", _hendelse_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_event_fixtures_as_the_single_event_of_a_list(path):
    event = load(path)
    document = {"version": "1.0.0", "avsender": {"systemnavn": "test", "systemversjon": "1"}, "hendelser": [event]}
    assert bool(digisos_violations(document)) == invalid(path)


def test_nav_complete_event_list_has_each_kind_the_adapter_emits_and_validates():
    complete = load(SOKER / "komplett.json")
    assert {"saksStatus", "vedtakFattet", "vilkar", "dokumentasjonkrav"} <= {h["type"] for h in complete["hendelser"]}
    assert digisos_violations(complete) == []
