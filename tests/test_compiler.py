"""The compiled durable-rules patterns agree with three-valued truth on every assignment of a few facts.

This is where the engine's pitfalls would show: negation and `!=` on absent attributes, arithmetic on bounds,
joins on conclusions. Every condition is run through a real durable-rules session for every combination of values
(absent, bounded and exact included) and compared with the Kleene evaluation of the same tree.
"""

import itertools

import pytest

from engine.case.facts import as_observed
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
    "income_total == expenses_total",
    "acute_need and not shown(income_total + bank_deposits_not_needed >= expenses_total)",
    "shown(lawful_residence or income_total > kr(100)) or individual_plan_consent == 'refused'",
    "not shown(individual_plan_consent in ('consented', 'refused') and expenses_total <= income_total)",
]
BOOLS = [True, False, None]
# An amount known exactly, known to lie between two bounds, known to be at least something, or not known at all.
MONEY = [0, 10000, 20000, (0, 10000), (10000, 20000), (10000, None), None]
CODES = ["consented", "refused", "not_asked", None]
OUTCOMES = ["entitled", "not_entitled", None]


def _assignments():
    for acute, lawful, income, assets, expenses, consent, outcome in itertools.product(
            BOOLS, BOOLS, MONEY, [0, (0, 10000), None], MONEY, CODES, OUTCOMES):
        facts = {"acute_need": acute, "lawful_residence": lawful, "income_total": income,
                 "bank_deposits_not_needed": assets, "expenses_total": expenses,
                 "individual_plan_consent": consent}
        known = {k: v for k, v in facts.items() if v is not None and not isinstance(v, tuple)}
        bounds = {k: v for k, v in facts.items() if isinstance(v, tuple)}
        yield as_observed(known, bounds), ({"5-1": outcome} if outcome else {})


@pytest.mark.parametrize("index,source", list(enumerate(CONDITIONS)))
def test_true_and_false_forms_match_kleene_truth(index, source):
    condition = parse_condition(source)
    probe = ConditionProbe(f"compiler-probe-{index}", true_form(condition), false_form(condition))
    names = {"acute_need", "lawful_residence", "income_total", "bank_deposits_not_needed",
             "expenses_total", "individual_plan_consent"}
    checked = 0
    seen = set()
    for facts, outcomes in _assignments():
        key = (tuple(sorted((k, v) for k, v in facts.items() if k.split(":")[0] in names)), tuple(outcomes.items()))
        if key in seen:
            continue
        seen.add(key)
        expected = truth(condition, facts, outcomes)
        fired_true, fired_false = probe.run(facts, outcomes)
        assert (fired_true, fired_false) == (expected is True, expected is False), (source, facts, outcomes)
        checked += 1
    assert checked > 100
