"""One glossary for the Norwegian texts, and Norwegian texts that are Norwegian.

The glossary (engine/case/glossary.yaml) must name every field of the case model, every code of its closed lists
and every fact the rules read. Every `nb` text — in the rule files, the outcome labels, the rate table, the letter
texts, the glossary itself, the problems, and every Norwegian text of the answers, summaries and letter drafts of
every scenario — must be free of field paths, enum codes and English words.
"""

import re
from enum import StrEnum

import pytest
import yaml

from api import norwegian
from engine.case import model
from engine.case.facts import VOCABULARY, FactKind
from engine.case.glossary import glossary
from engine.case.model import Case
from engine.law.rulebook import RULES_DIR
from tests.conftest import EXAMPLES, load_example
from tests.test_page import _leaf_paths
from views.letter import draft
from views.letter import text as letter_text
from views.summary import summarise

ENUMS = [value for value in vars(model).values()
         if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum]
CODES = {member.value for enum in ENUMS for member in enum} | {code for codes in glossary().codes.values()
                                                                for code in codes}
# Common English words that are not Norwegian words.
ENGLISH = {"the", "and", "is", "are", "was", "of", "with", "without", "true", "false", "null", "which", "this",
           "that", "these", "must", "should", "would", "client", "case", "record", "recorded", "decision",
           "assistance", "duty", "consent", "consented", "refused", "amount", "income", "expense", "expenses",
           "benefit", "benefits", "wages", "rate", "rates", "used", "unknown", "yes", "no", "set", "field", "fields",
           "errors", "invalid", "see", "not", "or", "to", "considerations", "options", "decisions", "reasons",
           "missing", "facts", "need", "needs"}
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # income_total, financial_assistance
DOTTED = re.compile(r"\b[a-z_]+(?:\[\])?\.[a-z_]+(?:\[\])?")  # services.individual_plan_consent, decisions[].reasons
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
WEB_ADDRESS = re.compile(r"\b[a-z0-9-]+\.(?:no|com|org)\b")  # nav.no in a rate row's source is no field path


def offences(text: str) -> list[str]:
    """What in a Norwegian text is a field path, a code or an English word."""
    text = WEB_ADDRESS.sub("", text)
    found = SNAKE.findall(text) + DOTTED.findall(text)
    words = re.findall(r"[A-Za-zæøåÆØÅ]+", text)
    found += [word for word in words if word in CODES or word in ENGLISH]  # codes and English are lower case
    return found


def _nb_texts(value, where: str):
    """Every string under an `nb` key of a YAML document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "nb":
                yield from ((f"{where}.nb", text) for text in _strings(item))
            else:
                yield from _nb_texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nb_texts(item, f"{where}.{index}")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _rule_file_texts():
    for path in sorted(RULES_DIR.rglob("*.yaml")):
        if path.name.endswith(".cases.yaml") or path.name == "letter.yaml":
            continue
        for where, written in _nb_texts(yaml.safe_load(path.read_text(encoding="utf-8")),
                                        path.relative_to(RULES_DIR).as_posix()):
            yield where, PLACEHOLDER.sub("", written)  # `{income_total}` is the case's figure in the answer


def _letter_texts():
    letter = yaml.safe_load((RULES_DIR / "letter.yaml").read_text(encoding="utf-8"))
    for key in ("outcomes", "appeal", "reasons"):
        yield from ((f"letter.yaml.{key}", PLACEHOLDER.sub("", text)) for text in _strings(letter[key]))
    for act, entry in letter["acts"].items():
        yield from ((f"letter.yaml.acts.{act}", text) for text in _strings(entry) if not text[:4].isdigit())


def _glossary_texts():
    words = glossary()
    for path, entry in words.fields.items():
        yield from ((f"glossary.fields.{path}", text) for text in (entry.label, entry.item, entry.hint) if text)
    for name, codes in words.codes.items():
        yield from ((f"glossary.codes.{name}.{code}", label) for code, label in codes.items())
    yield from ((f"glossary.facts.{name}", entry.label) for name, entry in words.facts.items())


def _problem_texts():
    yield from (("problem kind " + slug, text) for slug, text in norwegian.KIND_NB.items())
    yield "problem count", norwegian.invalid_count_nb(120, 100)
    limits = {"ge": 0, "gt": 0, "le": 9, "lt": 9, "decimal_places": 2, "max_digits": 12, "whole_digits": 10,
              "max_length": 60, "min_length": 1, "pattern": "^[a-z]+$"}
    for path in ("*", "blanks.*", "previous.applicant.age", "rate_table.title.*", "case.income.0.kind"):
        yield f"problem field {path}", norwegian.field_nb(path)
    for kind in [*norwegian._TYPES_NB, *norwegian._LIMITS_NB, "enum"]:
        yield f"problem message {kind}", norwegian.message_nb({"type": kind, "ctx": limits}, "income.0.kind")


def test_every_static_norwegian_text_is_norwegian():
    found = {where: offences(text) for where, text in [*_rule_file_texts(), *_letter_texts(), *_glossary_texts(),
                                                         *_problem_texts()]}
    assert {where: words for where, words in found.items() if words} == {}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_norwegian_text_of_an_answer_is_norwegian(path, evaluator):
    answer = evaluator.evaluate(Case.model_validate(load_example(path)["case"]))
    summary = summarise(answer, evaluator.rulebook.outcomes)
    texts = [*(w for w in summary.warnings)]
    for decision in [*summary.decisions, *(d for need in summary.needs for d in need.decisions)]:
        texts += [decision.outcome_label, decision.provision, *decision.considerations, decision.scope or "",
                  *(fact.label for fact in decision.missing_facts), *decision.settles]
        for reason in decision.reasons:
            texts += [reason.text, *(f"{fact.label}: {fact.value}" for fact in reason.facts)]
        if decision.amount:
            texts += [decision.amount.label, decision.amount.note, *(line.label for line in decision.amount.lines),
                      *(label for line in decision.amount.lines for label, _ in line.details)]
    for duty in [*answer.duties, *(d for need in answer.needs for d in need.duties)]:
        texts += [duty.duty.nb, duty.fulfil_by.nb, duty.reason.nb, *(option.fulfil_by.nb for option in duty.options)]
    texts += [need.label.replace(f"«{need.id}»", "") for need in summary.needs]  # the id is the case's own
    letter = letter_text(draft(answer, evaluator.rulebook.outcomes))
    for reference in [answer.case_id, *(need.id for need in answer.needs)]:
        letter = letter.replace(f"«{reference}»", "").replace(reference or "\0", "")
    found = {text: offences(text) for text in [*texts, letter]}
    assert {text[:120]: words for text, words in found.items() if words} == {}


def test_the_scanner_finds_paths_codes_and_english():
    assert offences("services.individual_plan_consent er consented eller refused") == [
        "individual_plan_consent", "services.individual_plan_consent", "consent", "consented", "refused"]
    assert offences("En samtale om financial_assistance") == ["financial_assistance", "assistance"]
    assert offences("The record shows it") == ["record"]
    assert offences("Satsene fra nav.no er brukt.") == []
    assert offences("se hjemlene i decisions[].reasons") == ["decisions[].reasons", "decisions", "reasons"]
    assert offences("Satsen for ektepar/samboere gjelder for begge") == []


def test_the_glossary_names_every_field_code_and_fact():
    words = glossary()
    assert [path for path in _leaf_paths(Case) if path not in words.fields] == []
    assert [path for path in words.fields if path not in set(_leaf_paths(Case)) | _objects(Case)] == []
    for enum in ENUMS:
        assert set(words.codes.get(enum.__name__, {})) == {member.value for member in enum}, enum.__name__
    assert [name for name in VOCABULARY if name not in words.facts] == []
    for entry in words.fields.values():
        assert entry.codes is None or entry.codes in words.codes


def test_every_amount_has_a_norwegian_label():
    """What would settle an amount names it by this label ("har krav hvis behovets beløp er høyst …")."""
    labels = {name: spec.nb for name, spec in VOCABULARY.items() if spec.kind == FactKind.money}
    assert {name: offences(label) for name, label in labels.items() if not label or offences(label)} == {}


def _objects(model_type, prefix=""):
    """The paths of the case's nested objects (household, services …), which the glossary names too."""
    from pydantic import BaseModel

    found = set()
    for name, spec in model_type.model_fields.items():
        for kind in (spec.annotation, *getattr(spec.annotation, "__args__", ())):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found.add(prefix + name)
                if kind.__name__ != "RateTable":
                    found |= _objects(kind, f"{prefix}{name}.")
    return found


def test_a_path_is_named_with_its_list_entries_numbered():
    words = glossary()
    assert words.field("income.0.monthly_amount") == "Inntekt nr. 1: Beløp per måned (kr)"
    assert words.field("household.children.2.age") == "Barn nr. 3: Alder"
    assert words.field("participation.proposals") == "Forslag til vedtak"
    assert words.field("no_such_field") == "no_such_field"
    assert words.field("request.needs.1.part_of_living_costs") == "Behov nr. 2: Utgiften inngår i livsoppholdet"
    assert words.field("request.needs.1.part_of_living_costs", numbered=False) == "Utgiften inngår i livsoppholdet"
    # as the answer's missing facts write it
    assert words.field("request.needs[1].part_of_living_costs") == "Behov nr. 2: Utgiften inngår i livsoppholdet"
    assert words.field("assets[0].value", numbered=False) == "Verdi (kr)"
