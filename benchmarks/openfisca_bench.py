"""regelmotor against OpenFisca on the same § 18 computation: per single case, and for a batch of 10,000 cases.

    .venv/bin/pip install -e '.[benchmark]'            # openfisca-core, for this script only
    .venv/bin/python benchmarks/openfisca_bench.py [--cases 10000] [--single 500] [--seed 18]

The cases: seeded, complete § 18 cases (sotjl 2009 § 18 as in force from 2022-09-01) decided in March 2024 —
households of one or two adults (single, couple, or sharing a home) with up to four children, income items of
every kind (child benefit and children's leisure-work income included), assets judged needed or not, expenses,
economic rights not claimed or pending, and lawful residence, work and acute need set. Whole kroner, so both
sides are exact. OpenFisca gets the same cases as a situation (single case) or as arrays (batch), converted from
the same data. The OpenFisca model (benchmarks/openfisca_model/) computes only § 18's outcome and amount;
regelmotor computes the whole answer — every question and duty in force (§§ 18, 19, 20, 20 a, 28, 42, 43),
reasons, missing facts, trace and receipt — so it does more work per case.

Before timing anything the script checks, case by case, that the two agree on the outcome and the amount, and
stops if they do not. It prints, from one run:
  * per single case: regelmotor's full evaluation (validation → answer) and OpenFisca's simulation for one
    household (building it from the situation, then calculating entitled, shortfall and surplus);
  * a batch of 10,000: regelmotor one case after another in one process, and with `--jobs 2` (cli/bulk.py,
    the `regelmotor evaluate --jobs` path, answers written as JSON); OpenFisca vectorised over all households at
    once, with and without converting the cases to its arrays.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import tempfile
import time
from typing import Any

import numpy as np
from cases import machine, machine_line, percentile, report  # noqa: I001 — puts the project on sys.path
from openfisca_core.simulations import SimulationBuilder
from openfisca_model import tax_benefit_system

from cli.bulk import evaluate_jsonl
from engine.case.model import Case
from engine.evaluate import Evaluator

MONTH = "2024-03"
QUESTION = "18"


# --- the cases ------------------------------------------------------------------------------------------------


def generate(count: int, seed: int) -> list[dict[str, Any]]:
    """Complete § 18 cases as request bodies (whole kroner)."""
    rng = random.Random(seed)
    bodies = []
    for index in range(count):
        kind = rng.choices(["single", "couple", "sharing"], [5, 3, 2])[0]
        children = [{"age": rng.randint(0, 17)} for _ in range(rng.choices([0, 1, 2, 3, 4], [4, 2, 2, 1, 1])[0])]
        members = ["applicant"] + (["spouse"] if kind == "couple" else [])
        income = []
        for _ in range(rng.randint(0, 3)):
            income.append({"kind": rng.choice(["wages", "benefits", "student_finance", "maintenance", "other"]),
                           "monthly_amount": rng.randint(0, 30000), "belongs_to": rng.choice(members)})
        if children and rng.random() < 0.8:
            income.append({"kind": "child_benefit", "monthly_amount": 1766 * len(children), "belongs_to": "applicant"})
        if children and rng.random() < 0.3:
            income.append({"kind": "children_leisure_work", "monthly_amount": rng.randint(500, 4000),
                           "belongs_to": "child"})
        bodies.append({
            "case_id": f"of-{index}",
            "decision_date": f"{MONTH}-{rng.randint(1, 31):02d}",
            "household": {"has_spouse_or_cohabitant": kind == "couple", "shares_home_with_other_adults":
                          kind == "sharing", "children": children},
            "income": income,
            "assets": [{"kind": rng.choice(["bank_deposit", "vehicle", "home"]), "value": rng.randint(0, 40000),
                        "needed_for_daily_living": rng.random() < 0.5} for _ in range(rng.randint(0, 2))],
            "expenses": [{"kind": kind_, "monthly_amount": rng.randint(0, 12000)}
                         for kind_ in rng.sample(["housing", "power_and_heating", "insurance", "other_necessary"],
                                                 rng.randint(1, 3))],
            "economic_rights": [{"kind": "housing_allowance", "status": rng.choice(["not_claimed", "pending"]),
                                 "expected_monthly_amount": rng.randint(0, 5000)} for _ in range(rng.randint(0, 2))],
            "work": {"can_support_self_through_work": rng.random() < 0.15},
            "residence": {"lawful_residence": rng.random() < 0.9},
            "request": {"acute_need": rng.random() < 0.1},
        })
    return bodies


def _ore(kroner: int) -> int:
    return kroner * 100


def situation(body: dict[str, Any]) -> dict[str, Any]:
    """One case as an OpenFisca situation (persons and one household), for a single-case simulation."""
    persons, adults, children = _members(body)
    households = {"h": {"adults": adults, "children": children, **{
        name: {MONTH: value} for name, value in _household_inputs(body).items()}}}
    return {"persons": {pid: {name: {MONTH: value} for name, value in inputs.items()}
                        for pid, inputs in persons.items()}, "households": households}


def _members(body: dict[str, Any]) -> tuple[dict[str, dict[str, int]], list[str], list[str]]:
    household = body["household"]
    adults = ["a0"] + (["a1"] if household["has_spouse_or_cohabitant"] else [])
    children = [f"c{i}" for i in range(len(household["children"]))]
    persons = {pid: {"age": 40, "income": 0, "child_benefit": 0, "children_leisure_work": 0} for pid in adults}
    for pid, child in zip(children, household["children"], strict=True):
        persons[pid] = {"age": child["age"], "income": 0, "child_benefit": 0, "children_leisure_work": 0}
    owner = {"applicant": "a0", "spouse": adults[-1], "child": children[0] if children else "a0"}
    for item in body["income"]:
        person = persons[owner[item["belongs_to"]]]
        person["income"] += _ore(item["monthly_amount"])
        if item["kind"] == "child_benefit":
            person["child_benefit"] += _ore(item["monthly_amount"])
        if item["kind"] == "children_leisure_work":
            person["children_leisure_work"] += _ore(item["monthly_amount"])
    return persons, adults, children


def _household_inputs(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "has_spouse_or_cohabitant": body["household"]["has_spouse_or_cohabitant"],
        "shares_home_with_other_adults": body["household"]["shares_home_with_other_adults"],
        "expenses": sum(_ore(e["monthly_amount"]) for e in body["expenses"]),
        "assets_not_needed": sum(_ore(a["value"]) for a in body["assets"] if not a["needed_for_daily_living"]),
        "unclaimed_rights": sum(_ore(r["expected_monthly_amount"]) for r in body["economic_rights"]
                                if r["status"] == "not_claimed"),
        "lawful_residence": body["residence"]["lawful_residence"],
        "can_support_self_through_work": body["work"]["can_support_self_through_work"],
        "acute_need": body["request"]["acute_need"],
    }


OUTPUTS = ("entitled", "shortfall", "surplus")


def openfisca_single(system, body: dict[str, Any]) -> tuple[bool, int, int]:
    simulation = SimulationBuilder().build_from_entities(system, situation(body))
    entitled, shortfall, surplus = (simulation.calculate(name, MONTH)[0] for name in OUTPUTS)
    return bool(entitled), int(shortfall), int(surplus)


def openfisca_batch(system, bodies: list[dict[str, Any]]) -> tuple[dict[str, np.ndarray], float]:
    """Every case in one vectorised simulation; returns the results and the seconds spent calculating only."""
    person_ids, household_of, roles = [], [], []
    person_inputs: dict[str, list[int]] = {"age": [], "income": [], "child_benefit": [], "children_leisure_work": []}
    household_inputs: dict[str, list] = {}
    for number, body in enumerate(bodies):
        persons, adults, _ = _members(body)
        for pid, inputs in persons.items():
            person_ids.append(f"{number}-{pid}")
            household_of.append(f"h{number}")
            roles.append("adult" if pid in adults else "child")
            for name, value in inputs.items():
                person_inputs[name].append(value)
        for name, value in _household_inputs(body).items():
            household_inputs.setdefault(name, []).append(value)
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("person", person_ids)
    households = builder.declare_entity("household", [f"h{n}" for n in range(len(bodies))])
    builder.join_with_persons(households, household_of, roles)
    simulation = builder.build(system)
    for name, values in {**person_inputs, **household_inputs}.items():
        simulation.set_input(name, MONTH, np.array(values))
    start = time.perf_counter()
    results = {name: simulation.calculate(name, MONTH) for name in OUTPUTS}
    return results, time.perf_counter() - start


# --- agreement ------------------------------------------------------------------------------------------------


def ours(evaluation) -> tuple[bool, int, int]:
    decision = next(d for d in evaluation.decisions if d.question == QUESTION)
    if decision.outcome not in ("entitled", "not_entitled"):
        raise AssertionError(f"{evaluation.case_id}: § 18 is {decision.outcome} on a complete case")
    amount = decision.amount
    shortfall = int(amount.shortfall * 100) if amount is not None else 0
    surplus = int(amount.surplus * 100) if amount is not None else 0
    return decision.outcome == "entitled", shortfall, surplus


# --- the run --------------------------------------------------------------------------------------------------


def run(count: int, single: int, seed: int) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "cases": count, "single": single}
    bodies = generate(count, seed)
    system = tax_benefit_system()
    evaluator = Evaluator()
    evaluator.warm_up()
    for body in bodies[:200]:  # warm both
        evaluator.evaluate(Case.model_validate(body))
    for body in bodies[:20]:
        openfisca_single(system, body)

    # regelmotor, one case after another: each case timed, and the whole batch
    latencies, answers = [], []
    start = time.perf_counter()
    for body in bodies:
        begin = time.perf_counter_ns()
        answers.append(evaluator.evaluate(Case.model_validate(body)))
        latencies.append(time.perf_counter_ns() - begin)
    results["regelmotor_batch_s"] = time.perf_counter() - start
    latencies.sort()
    results["regelmotor_single_ms"] = {"mean": statistics.fmean(latencies) / 1e6,
                                       "p50": percentile(latencies, 0.5) / 1e6,
                                       "p99": percentile(latencies, 0.99) / 1e6}

    # OpenFisca, vectorised: with the conversion of the cases to arrays, and the calculation alone
    start = time.perf_counter()
    batch, calculation = openfisca_batch(system, bodies)
    results["openfisca_batch_s"] = time.perf_counter() - start
    results["openfisca_batch_calculation_s"] = calculation

    # the two agree on every case, before any single-case timing is reported
    disagreements = [body["case_id"] for index, (body, answer) in enumerate(zip(bodies, answers, strict=True))
                     if ours(answer) != (bool(batch["entitled"][index]), int(batch["shortfall"][index]),
                                         int(batch["surplus"][index]))]
    results["agree"] = count - len(disagreements)
    results["entitled"] = int(np.sum(batch["entitled"]))
    if disagreements:
        raise SystemExit(f"regelmotor and the OpenFisca model disagree on {len(disagreements)} cases, e.g. "
                         f"{disagreements[:5]}: fix benchmarks/openfisca_model/ before timing anything")

    # OpenFisca, one household per simulation (and check it agrees with the batch)
    latencies = []
    for index, body in enumerate(bodies[:single]):
        begin = time.perf_counter_ns()
        result = openfisca_single(system, body)
        latencies.append(time.perf_counter_ns() - begin)
        assert result == ours(answers[index]), body["case_id"]
    latencies.sort()
    results["openfisca_single_ms"] = {"mean": statistics.fmean(latencies) / 1e6,
                                      "p50": percentile(latencies, 0.5) / 1e6,
                                      "p99": percentile(latencies, 0.99) / 1e6}

    # regelmotor's bulk path with two worker processes: JSON Lines in, JSON Lines out
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "cases.jsonl")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(json.dumps(body) for body in bodies) + "\n")
        out = io.BytesIO()
        start = time.perf_counter()
        evaluate_jsonl(path, 2, out, io.StringIO())
        results["regelmotor_jobs2_s"] = time.perf_counter() - start
        assert len(out.getvalue().splitlines()) == count
    return results


def table(r: dict[str, Any]) -> str:
    m = r["machine"]
    ours_single, theirs_single = r["regelmotor_single_ms"], r["openfisca_single_ms"]
    n = r["cases"]
    lines = [
        machine_line(m),
        f"{n} complete § 18 cases ({r['entitled']} entitled); regelmotor and the OpenFisca model agree on "
        f"{r['agree']} of {n} (outcome and amount)", "",
        "| per single case | mean (ms) | p50 (ms) | p99 (ms) | cases |", "|---|---:|---:|---:|---:|",
        f"| regelmotor: full evaluation, whole answer | {ours_single['mean']:.3f} | {ours_single['p50']:.3f} | "
        f"{ours_single['p99']:.3f} | {n} |",
        f"| OpenFisca: one-household simulation, § 18 only | {theirs_single['mean']:.3f} | "
        f"{theirs_single['p50']:.3f} | {theirs_single['p99']:.3f} | {r['single']} |", "",
        f"per single case, regelmotor is {theirs_single['mean'] / ours_single['mean']:.1f}× faster (means)", "",
        f"| batch of {n} | seconds | per case (µs) |", "|---|---:|---:|",
    ]
    for label, key in [("regelmotor, one process, one case after another", "regelmotor_batch_s"),
                       ("regelmotor evaluate --jobs 2 (JSON Lines in and out)", "regelmotor_jobs2_s"),
                       ("OpenFisca, vectorised, cases converted to arrays included", "openfisca_batch_s"),
                       ("OpenFisca, vectorised, calculation only", "openfisca_batch_calculation_s")]:
        lines.append(f"| {label} | {r[key]:.3f} | {r[key] / n * 1e6:,.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the batch (default %(default)s)")
    parser.add_argument("--single", type=int, default=500, help="cases timed one by one in OpenFisca")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(args.cases, args.single, args.seed)
    report(table(results), results, args.json)


if __name__ == "__main__":
    main()
