"""In-process throughput and latency of evaluations — durable-rules and the compiled evaluator, lean and full answers
— and the cost of each stage.

    .venv/bin/python benchmarks/inprocess.py [--evaluations 20000] [--generated 300] [--json results.json]
                                             [--engines durable compiled] [--views lean full]

One process, one thread. An evaluation is what a request costs without HTTP: the request body (as the bytes a
client sends) is parsed and validated into a `Case` (`model_validate_json`, as the service does), its facts
derived, the rule set in force run (a fresh durable-rules session, or the compiled function), and the answer
built — lean (`Evaluator.evaluate_lean`, the default) or full (`Evaluator.evaluate`, `?view=full`). The mix is
benchmarks/cases.py: the scenarios in examples/ and seeded generated cases, cycled in a fixed order.

Printed, from one run:
  1. evaluations/s and p50/p99 latency for each engine and view on the mix (and durable/full on each part of it);
  2. the split of one evaluation's cost: validation, fact derivation, the engine, building the answer (each stage
     timed on its own over the same cases, so the parts add up to about the whole).
Code from before the lean answer and the compiled evaluator (no `evaluate_lean`, no engine/run/compiled.py) is
measured with `--engines durable --views full`. Times are wall-clock (time.perf_counter_ns); the machine's load
when the run started is printed with them, and so is the rate per second of this process's CPU time, which other
load on a shared machine disturbs much less.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from typing import Any

from cases import DEFAULT_GENERATED, machine, machine_line, mix, percentile, report  # noqa: I001 — puts the project on sys.path

from engine.answer.build import AnswerBuilder
from engine.case.facts import observe
from engine.case.model import Case
from engine.evaluate import Evaluator


def engine_of(name: str):
    """The engine by name; imported here, so that code without the compiled evaluator runs `durable` alone."""
    if name == "compiled":
        from engine.run.compiled import CompiledEngine

        return CompiledEngine()
    from engine.run.runtime import DurableEngine

    return DurableEngine()


def answerer(evaluator: Evaluator, view: str) -> Callable[[Case], Any]:
    return evaluator.evaluate if view == "full" else evaluator.evaluate_lean


def full_evaluations(answer: Callable[[Case], Any], bodies: list[bytes], count: int) -> dict[str, float]:
    """Evaluate `count` bodies (cycling), each timed: evaluations/s, p50, p99 (ms)."""
    latencies = []
    clock = time.perf_counter_ns
    cpu_start = time.process_time()
    start = clock()
    for index in range(count):
        begin = clock()
        answer(Case.model_validate_json(bodies[index % len(bodies)], strict=True))
        latencies.append(clock() - begin)
    elapsed = (clock() - start) / 1e9
    cpu = time.process_time() - cpu_start
    latencies.sort()
    return {"evaluations": count, "per_second": count / elapsed, "per_cpu_second": count / cpu,
            "p50_ms": percentile(latencies, 0.50) / 1e6,
            "p99_ms": percentile(latencies, 0.99) / 1e6, "mean_ms": sum(latencies) / count / 1e6}


def stage_costs(evaluator: Evaluator, bodies: list[bytes], rounds: int, views: list[str]) -> dict[str, float]:
    """Mean µs per case of each stage of an evaluation, each stage timed in a loop of its own."""
    cases = [Case.model_validate_json(body, strict=True) for body in bodies]
    rates = [case.rate_table or evaluator.rates for case in cases]
    rulesets = [evaluator.rulebook.ruleset_on(case.decision_date) for case in cases]
    observed = [observe(case, rate) for case, rate in zip(cases, rates, strict=True)]
    run, run_need = evaluator.engine.run, evaluator.engine.run_need

    def sessions(i: int) -> tuple[list, dict[str, list]]:
        """The case's firings and each need's, as `Evaluator.evaluate` runs them."""
        ruleset, values = rulesets[i], observed[i].values
        records = run(ruleset, values)
        return records, {need: run_need(ruleset, values, records, facts) for need, facts in observed[i].needs.items()}

    records = [sessions(i) for i in range(len(bodies))]
    records_ruled_out = evaluator.engine.records_ruled_out
    n = len(bodies)

    def timed(work: Callable[[int], Any]) -> float:
        for index in range(n):  # warm
            work(index)
        start = time.perf_counter_ns()
        for _ in range(rounds):
            for index in range(n):
                work(index)
        return (time.perf_counter_ns() - start) / (rounds * n) / 1e3

    def builder(i: int, lean: bool) -> AnswerBuilder:
        return AnswerBuilder(evaluator.catalogue, rulesets[i], cases[i], observed[i], records[i][0],
                             records_ruled_out, records[i][1], **({"lean": True} if lean else {}))

    costs = {
        "validation": timed(lambda i: Case.model_validate_json(bodies[i], strict=True)),
        "facts": timed(lambda i: observe(cases[i], rates[i])),
        "engine": timed(sessions),
    }
    if "lean" in views:
        costs["answer, lean"] = timed(lambda i: builder(i, True).build_lean())
    if "full" in views:
        costs["answer, full"] = timed(lambda i: builder(i, False).build())
    return costs


def run(evaluations: int, generated: int, engines: list[str], views: list[str]) -> dict[str, Any]:
    evaluators = {name: Evaluator(engine=engine_of(name)) for name in engines}
    first = next(iter(evaluators.values()))
    parts = {name: [json.dumps(body).encode() for body in bodies]
             for name, bodies in mix(generated, rulebook=first.rulebook).items()}
    parts["mix"] = parts["examples"] + parts["generated"]
    results: dict[str, Any] = {"machine": machine(), "evaluations": evaluations, "generated": generated,
                               "cases": {name: len(bodies) for name, bodies in parts.items()}}
    for evaluator in evaluators.values():  # compile every rule set, warm every cache and code path once
        evaluator.warm_up()
        for view in views:
            for body in parts["mix"]:
                answerer(evaluator, view)(Case.model_validate_json(body, strict=True))
    gc.collect()
    for name, evaluator in evaluators.items():
        for view in views:
            results[f"{name}/{view}/mix"] = full_evaluations(answerer(evaluator, view), parts["mix"], evaluations)
    if "durable" in evaluators and "full" in views:
        for part in ("examples", "generated"):
            results[f"durable/full/{part}"] = full_evaluations(evaluators["durable"].evaluate, parts[part],
                                                               max(evaluations // 4, len(parts[part])))
    rounds = max(1, evaluations // 4 // len(parts["mix"]))
    for name, evaluator in evaluators.items():
        results[f"stages/{name}"] = stage_costs(evaluator, parts["mix"], rounds, views)
    return results


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [machine_line(m),
             f"cases: {results['cases']['examples']} scenarios + {results['cases']['generated']} generated",
             "", "| engine | answer | cases | evaluations | evaluations/s | per CPU-second | p50 (ms) | p99 (ms) |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for key, row in results.items():
        if key.count("/") == 2 and not key.startswith("stages"):
            engine, view, cases = key.split("/")
            lines.append(f"| {engine} | {view} | {cases} | {row['evaluations']} | {row['per_second']:,.0f} | "
                         f"{row['per_cpu_second']:,.0f} | {row['p50_ms']:.3f} | {row['p99_ms']:.3f} |")
    stages = {key.split("/")[1]: value for key, value in results.items() if key.startswith("stages/")}
    names = list(dict.fromkeys(stage for costs in stages.values() for stage in costs))
    lines += ["", "| stage (µs per evaluation, mix) | " + " | ".join(stages) + " |",
              "|---|" + "---:|" * len(stages)]
    for stage in names:
        lines.append(f"| {stage} | " + " | ".join(f"{costs[stage]:.1f}" if stage in costs else "" for costs in
                                                   stages.values()) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=20_000, help="full evaluations of the mix (default "
                                                                        "%(default)s)")
    parser.add_argument("--generated", type=int, default=DEFAULT_GENERATED, help="generated cases in the mix")
    parser.add_argument("--engines", nargs="+", default=["durable", "compiled"], choices=["durable", "compiled"])
    parser.add_argument("--views", nargs="+", default=["lean", "full"], choices=["lean", "full"])
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(args.evaluations, args.generated, args.engines, args.views)
    report(table(results), results, args.json)


if __name__ == "__main__":
    main()
