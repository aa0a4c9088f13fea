"""The condition language: safe parsing, type checks, and Kleene three-valued truth."""

import itertools

import pytest

from engine.law.expressions import ConditionError, facts_in, parse_condition, questions_in, truth


@pytest.mark.parametrize("source", [
    "__import__('os').system('true')",
    "lawful_residence.__class__",
    "(lambda: True)()",
    "[x for x in income_total]",
    "income_total * 2 > 0",
    "0 < income_total < 5",
    "open('/etc/passwd')",
    "no_such_fact",
    "income_total",  # a money fact is not a condition
    "lawful_residence + 1 > 0",
    "individual_plan_consent > 'a'",
    "outcome('5-1') > 'a'",
])
def test_unsafe_or_ill_typed_conditions_are_refused(source):
    with pytest.raises(ConditionError):
        parse_condition(source)


def test_definitions_expand_and_cycles_are_refused():
    condition = parse_condition("need > income_total", {"need": "guideline_rate_monthly + expenses_total"})
    assert facts_in(condition) == {"guideline_rate_monthly", "expenses_total", "income_total"}
    with pytest.raises(ConditionError, match="itself"):
        parse_condition("a", {"a": "b", "b": "a"})


def test_questions_referenced_are_found():
    assert questions_in(parse_condition("outcome('5-1') == 'entitled' or acute_need")) == {"5-1"}


KLEENE = [True, False, None]


@pytest.mark.parametrize("a,b", list(itertools.product(KLEENE, KLEENE)))
def test_and_or_not_follow_kleene(a, b):
    facts = {name: value for name, value in (("acute_need", a), ("lawful_residence", b)) if value is not None}
    both = truth(parse_condition("acute_need and lawful_residence"), facts, {})
    either = truth(parse_condition("acute_need or lawful_residence"), facts, {})
    negated = truth(parse_condition("not acute_need"), facts, {})
    assert both == (False if False in (a, b) else None if None in (a, b) else True)
    assert either == (True if True in (a, b) else None if None in (a, b) else False)
    assert negated == (None if a is None else not a)


def test_known_is_never_unknown():
    condition = parse_condition("known(income_total)")
    assert truth(condition, {}, {}) is False
    assert truth(condition, {"income_total": 0}, {}) is True
