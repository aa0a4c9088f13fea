"""The compiled durable-rules patterns agree with three-valued truth on every assignment of a few facts.

This is where the engine's pitfalls would show: negation and `!=` on absent attributes, arithmetic, joins on
conclusions. Every condition is run through a real durable-rules session for every combination of values
(absent included) and compared with the Kleene evaluation of the same tree.
"""

import itertools

import pytest

from engine.law.expressions import parse_condition, truth
from engine.run.compiler import false_form, true_form
from tests.support import ConditionProbe

CONDITIONS = [
    "acute_need and not lawful_residence",
    "not (acute_need or lawful_residence)",
    "income_total + bank_deposits_not_needed < expenses_total",
    "expenses_total - income_total >= kr(100)",
    "income_total != expenses_total",
    "individual_plan_consent in ('consented', 'refused')",
    "individual_plan_consent not in ('consented', 'refused')",
    "known(income_total) and not acute_need",
    "outcome('5-1') == 'entitled' and acute_need",
    "outcome('5-1') != 'entitled' or not acute_need",
    "outcome('5-1') in ('entitled', 'not_entitled')",
]
BOOLS = [True, False, None]
MONEY = [0, 10000, 20000, None]
CODES = ["consented", "refused", "not_asked", None]
OUTCOMES = ["entitled", "not_entitled", None]


def _assignments():
    for acute, lawful, income, assets, expenses, consent, outcome in itertools.product(
            BOOLS, BOOLS, MONEY, [0, None], MONEY, CODES, OUTCOMES):
        facts = {"acute_need": acute, "lawful_residence": lawful, "income_total": income,
                 "bank_deposits_not_needed": assets, "expenses_total": expenses,
                 "individual_plan_consent": consent}
        yield {k: v for k, v in facts.items() if v is not None}, ({"5-1": outcome} if outcome else {})


@pytest.mark.parametrize("index,source", list(enumerate(CONDITIONS)))
def test_true_and_false_forms_match_kleene_truth(index, source):
    condition = parse_condition(source)
    probe = ConditionProbe(f"compiler-probe-{index}", true_form(condition), false_form(condition))
    names = {"acute_need", "lawful_residence", "income_total", "bank_deposits_not_needed",
             "expenses_total", "individual_plan_consent"}
    checked = 0
    seen = set()
    for facts, outcomes in _assignments():
        key = (tuple(sorted((k, v) for k, v in facts.items() if k in names)), tuple(outcomes.items()))
        if key in seen:
            continue
        seen.add(key)
        expected = truth(condition, facts, outcomes)
        fired_true, fired_false = probe.run(facts, outcomes)
        assert (fired_true, fired_false) == (expected is True, expected is False), (source, facts, outcomes)
        checked += 1
    assert checked > 100
