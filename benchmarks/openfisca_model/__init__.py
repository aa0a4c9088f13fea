"""sotjl 2009 § 18 (as in force from 2022-09-01) written as an OpenFisca model — for the benchmark only.

This package RE-STATES a legal condition in Python, which the engine never does: it exists so that
benchmarks/openfisca_bench.py can compare regelmotor with what a team would otherwise reach for, OpenFisca, on the
same computation. The law itself lives in rules/ (18-from-2022-09-01.yaml, which takes its rules from
sosialtjenesteloven-1991/5-1.yaml); if the two ever disagree, the rule files are right and this model is stale.
The benchmark checks, case by case, that the two give the same outcome and the same amount before it times them.

What is encoded, for complete cases only (OpenFisca has no "unknown": every input has a value):
  need      = the guideline rate for the household (couple, person sharing a home or single adult, plus each child
              by age band; rules/parameters/national-guideline-rates.yaml, read as OpenFisca parameters)
              + the household's expenses
  means     = all income − children's leisure-work income − child benefit + assets not needed for daily living
  entitled  = (lawful residence and cannot support self through work and means + unclaimed rights < need)
              or (acute need and means < need)                       — emergency help overrides the other bars
  shortfall = need − means when entitled; surplus = means − need when not entitled and means ≥ need
Money is whole øre in int32 variables, as in the engine's facts (OpenFisca's floats are float32: not exact).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from openfisca_core.entities import build_entity
from openfisca_core.model_api import MONTH, ParameterNode, Variable, max_, not_, select, where
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

RATES = Path(__file__).resolve().parents[2] / "rules" / "parameters" / "national-guideline-rates.yaml"
RATE_KEYS = ("single", "couple", "sharing", "child_0_5", "child_6_10", "child_11_17")

Person = build_entity(key="person", plural="persons", label="Person", doc="A member of the household.",
                      is_person=True)
Household = build_entity(
    key="household", plural="households", label="Husstand", doc="The household the application covers.",
    roles=[{"key": "adult", "plural": "adults", "label": "Voksen", "max": 2},
           {"key": "child", "plural": "children", "label": "Barn"}])


def _variable(name: str, entity, value_type, label: str, formula=None) -> type[Variable]:
    attributes = {"value_type": value_type, "entity": entity, "definition_period": MONTH, "label": label}
    if formula is not None:
        attributes["formula"] = formula  # OpenFisca takes it from the class dict, called without self
    return type(name, (Variable,), attributes)


# --- inputs ---------------------------------------------------------------------------------------------------
INPUTS = [
    _variable("age", Person, int, "Age in years"),
    _variable("income", Person, int, "All monthly income of the person, øre"),
    _variable("child_benefit", Person, int, "Child benefit (barnetrygd) among it, øre"),
    _variable("children_leisure_work", Person, int, "Children's leisure and holiday work income among it, øre"),
    _variable("has_spouse_or_cohabitant", Household, bool, "Spouse or cohabitant"),
    _variable("shares_home_with_other_adults", Household, bool, "Shares a home with other adults"),
    _variable("expenses", Household, int, "Housing, power and other necessary expenses, øre"),
    _variable("assets_not_needed", Household, int, "Assets not needed for daily living, øre"),
    _variable("unclaimed_rights", Household, int, "Economic rights not yet claimed, øre a month"),
    _variable("lawful_residence", Household, bool, "Lawful residence in Norway"),
    _variable("can_support_self_through_work", Household, bool, "Realistic work would cover the living costs"),
    _variable("acute_need", Household, bool, "No food or shelter here and now"),
]


# --- formulas -------------------------------------------------------------------------------------------------
def _ore(kroner: float) -> int:
    return round(kroner * 100)


def _child_rate(person, period, parameters):
    rates = parameters(period).guideline_rates
    age = person("age", period)
    return select([age <= 5, age <= 10], [_ore(rates.child_0_5), _ore(rates.child_6_10)], _ore(rates.child_11_17))


def _guideline_rate(household, period, parameters):
    rates = parameters(period).guideline_rates
    adults = select([household("has_spouse_or_cohabitant", period), household("shares_home_with_other_adults",
                                                                               period)],
                    [_ore(rates.couple), _ore(rates.sharing)], _ore(rates.single))
    return adults + household.sum(household.members("child_rate", period), role=Household.CHILD)


def _need(household, period):
    return household("guideline_rate", period) + household("expenses", period)


def _means(household, period):
    counted = household.sum(household.members("income", period) - household.members("children_leisure_work", period)
                            - household.members("child_benefit", period))
    return counted + household("assets_not_needed", period)


def _entitled(household, period):
    need, means = household("need", period), household("means", period)
    not_self_supporting = household("lawful_residence", period) * not_(
        household("can_support_self_through_work", period)) * (means + household("unclaimed_rights", period) < need)
    emergency = household("acute_need", period) * (means < need)
    return not_self_supporting + emergency > 0


def _shortfall(household, period):
    return where(household("entitled", period), max_(household("need", period) - household("means", period), 0), 0)


def _surplus(household, period):
    return where(household("entitled", period), 0, max_(household("means", period) - household("need", period), 0))


FORMULAS = [
    _variable("child_rate", Person, int, "The child's guideline rate, øre", _child_rate),
    _variable("guideline_rate", Household, int, "The household's guideline rate, øre", _guideline_rate),
    _variable("need", Household, int, "Monthly need, øre", _need),
    _variable("means", Household, int, "Counted monthly means, øre", _means),
    _variable("entitled", Household, bool, "Entitled under § 18", _entitled),
    _variable("shortfall", Household, int, "Need minus means when entitled, øre", _shortfall),
    _variable("surplus", Household, int, "Means minus need when not entitled, øre", _surplus),
]


def _parameters() -> ParameterNode:
    rows = yaml.safe_load(RATES.read_text(encoding="utf-8"))["rows"]
    data = {key: {"description": key, "values": {str(row["from"]): float(row[key]) for row in rows}}
            for key in RATE_KEYS}
    return ParameterNode("", data={"guideline_rates": {"description": "National guideline rates", **data}})


def tax_benefit_system() -> TaxBenefitSystem:
    system = TaxBenefitSystem([Person, Household])
    for variable in INPUTS + FORMULAS:
        system.add_variable(variable)
    system.parameters = _parameters()
    return system
