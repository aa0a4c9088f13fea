"""A scenario's expectations (`examples/*.json`: `expected`) against an answer, checked on the fields they state.

A provision added later adds questions and duties the file does not name: those are not checked. The amount, where
the file states one, is checked exactly to the krone. Used by `tests/test_examples.py` and by `regelmotor evaluate`
on an example file (pass or fail, with what differs).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.answer.models import Evaluation

AMOUNT_FIGURES = ("need", "counted_means", "shortfall", "surplus")


def differences(evaluation: Evaluation, expected: dict[str, Any]) -> list[str]:
    """What the answer says differently from what the scenario expects, one line each; empty when it passes."""
    found: list[str] = []
    outcomes = {d.question: d.outcome for d in evaluation.decisions}
    for question, outcome in expected.get("decisions", {}).items():
        if outcomes.get(question) != outcome:
            found.append(f"§ {question}: expected {outcome}, got {outcomes.get(question)}")
    statuses = {d.id: d.status.value for d in evaluation.duties}
    for duty, status in expected.get("duties", {}).items():
        if statuses.get(duty) != status:
            found.append(f"{duty}: expected {status}, got {statuses.get(duty)}")
    needs = {n.id: {d.question: d.outcome for d in n.decisions} for n in evaluation.needs}
    for need, answers in expected.get("needs", {}).items():
        for question, outcome in answers.items():
            got = needs.get(need, {}).get(question)
            if got != outcome:
                found.append(f"need {need}, § {question}: expected {outcome}, got {got}")
    stated = expected.get("amount")
    if stated:
        decision = next((d for d in evaluation.decisions if d.question == stated["question"]), None)
        amount = decision.amount if decision else None
        if amount is None or amount.kind != stated["kind"]:
            found.append(f"§ {stated['question']} amount: expected {stated['kind']}, "
                         f"got {amount.kind if amount else None}")
        else:
            found += [f"§ {stated['question']} amount {key}: expected {stated[key]}, got {getattr(amount, key)}"
                      for key in AMOUNT_FIGURES if key in stated and getattr(amount, key) != Decimal(stated[key])]
    return found


def checked(expected: dict[str, Any]) -> str:
    """What the expectations state, in words: "3 outcomes, 10 duties, 3 need outcomes and the amount"."""
    parts = [f"{len(expected.get('decisions', {}))} outcomes", f"{len(expected.get('duties', {}))} duties"]
    need_outcomes = sum(len(answers) for answers in expected.get("needs", {}).values())
    parts += [f"{need_outcomes} need outcomes"] if need_outcomes else []
    return ", ".join(parts) + (" and the amount" if expected.get("amount") else "")
