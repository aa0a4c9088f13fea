"""Each provision's own cases (`rules/<act>/<section>.cases.yaml`, beside its rule file), through the engine.

A case asserts only its provision's question and duties: the outcome, the rules that concluded it, the missing
facts where it is undetermined, the limit on the outcome (`scope`, none unless stated), the guideline calculation
where there is one, the considerations where it states them, the answer for each need it states (with the status
of the provision's duties owed on that need's decision, where it states them), the status of each of the
provision's duties on the case, and where the case says so the legal basis a duty cites (`bases`, as the citation
reads) and which options of a choice the record fulfils (`options`). So adding or changing another provision
breaks none of them.
"""

from __future__ import annotations

import pytest
import yaml

from engine.case.model import Case
from engine.law.rulebook import CASES_SUFFIX, RULES_DIR, load_rulebook

RULEBOOK = load_rulebook()
PROVISIONS = {provision.path: provision for provision in RULEBOOK.provisions}
CASE_FILES = sorted(RULES_DIR.glob(f"*/*{CASES_SUFFIX}"))
EXPECTATIONS = {"outcome", "rules", "missing_facts", "scope", "amount", "considerations", "needs", "duties", "bases",
                "options"}


def _check_decision(decision, expect: dict, prefix: str) -> None:
    """The outcome, the rules that concluded it, missing facts, scope and (where stated) the considerations."""
    assert decision.outcome == expect["outcome"]
    assert [r.rule_id for r in decision.reasons] == [f"{prefix}/{r}" for r in expect["rules"]]
    assert decision.missing_facts == expect.get("missing_facts", [])
    assert (decision.scope and decision.scope.id) == expect.get("scope")
    if "considerations" in expect:
        assert [c.id for c in decision.considerations] == expect["considerations"]


def _own_duties(duties, prefix: str) -> dict[str, str]:
    """The status of each of the provision's duties among `duties`, by its id within the provision."""
    return {d.id.removeprefix(f"{prefix}/"): d.status.value for d in duties if d.id.startswith(f"{prefix}/")}


def _cases() -> list[tuple[str, str, dict]]:
    cases = []
    for path in CASE_FILES:
        relative = path.relative_to(RULES_DIR).as_posix()
        provision = relative.removesuffix(CASES_SUFFIX) + ".yaml"
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append((provision, entry["name"], entry))
    return cases


def test_every_provision_has_its_cases_beside_it():
    assert {path for path in PROVISIONS} == {
        p.relative_to(RULES_DIR).as_posix().removesuffix(CASES_SUFFIX) + ".yaml" for p in CASE_FILES}


@pytest.mark.parametrize("provision_path, name, entry", _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_provision_case(provision_path, name, entry, evaluator):
    assert set(entry) == {"name", "summary", "source", "case", "expect"} and entry["expect"].keys() <= EXPECTATIONS
    provision = PROVISIONS[provision_path]
    case = Case.model_validate(entry["case"])
    assert provision.valid.covers(case.decision_date), f"{name}: {provision_path} is not in force on that date"
    evaluation = evaluator.evaluate(case)
    expect = entry["expect"]
    question = provision.spec.question
    if question is None:
        assert expect.keys() <= {"duties", "bases", "options", "needs"}, \
            "a provision without a question has duties only"
    else:
        decision = next(d for d in evaluation.decisions if d.question == question)
        _check_decision(decision, expect, provision.id_prefix)
        if "amount" in expect:
            assert decision.amount is not None
            assert {key: getattr(decision.amount, key) for key in expect["amount"]} == expect["amount"]
        else:
            assert decision.amount is None
    for need_id, need_expect in expect.get("needs", {}).items():
        need = next(n for n in evaluation.needs if n.id == need_id)
        if question is None:
            assert need_expect.keys() <= {"duties"}, "a provision without a question has duties only"
        else:
            _check_decision(next(d for d in need.decisions if d.question == question), need_expect,
                            provision.id_prefix)
        # the duties owed on the need's own decision: asserted where the case states them
        if "duties" in need_expect:
            assert _own_duties(need.duties, provision.id_prefix) == need_expect["duties"]
    own = {d.id.removeprefix(f"{provision.id_prefix}/"): d for d in evaluation.duties
           if d.id.startswith(f"{provision.id_prefix}/")}
    assert _own_duties(evaluation.duties, provision.id_prefix) == expect.get("duties", {})
    assert {name: own[name].provision.citation for name in expect.get("bases", {})} == expect.get("bases", {})
    assert {name: {o.id: o.fulfilled for o in own[name].options} for name in expect.get("options", {})} == \
        expect.get("options", {})

