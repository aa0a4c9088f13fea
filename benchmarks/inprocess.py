"""In-process throughput and latency of full evaluations, the cost of each stage, and the compiled evaluator.

    .venv/bin/python benchmarks/inprocess.py [--evaluations 20000] [--generated 300] [--json results.json]

One process, one thread. A full evaluation is what a request costs without HTTP: the request body (a dict, as
parsed JSON) is validated into a `Case`, its facts derived, the rule set in force run in a fresh durable-rules
session, and the answer built — `Evaluator().evaluate(Case.model_validate(body))`. The mix is benchmarks/cases.py:
the scenarios in examples/ and seeded generated cases, cycled in a fixed order.

Printed, from one run:
  1. evaluations/s and p50/p99 latency, for the mix and for each part of it;
  2. the split of one evaluation's cost: validation, fact derivation, the durable-rules session, building the
     answer (each stage timed on its own over the same cases, so the parts add up to about the whole);
  3. the same with the compiled evaluator (engine/run/compiled.py) in place of durable-rules, and the
     ratios — of whole evaluations, and of the engine stage alone.
Times are wall-clock (time.perf_counter_ns); the machine's load when the run started is printed with them, and
so is the rate per second of this process's CPU time, which other load on a shared machine disturbs much less.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

from cases import DEFAULT_GENERATED, machine, mix, percentile, report  # noqa: I001 — puts the project on sys.path

from engine.answer.build import AnswerBuilder
from engine.case.facts import observe
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run.compiled import CompiledEngine


def full_evaluations(evaluator: Evaluator, bodies: list[dict], count: int) -> dict[str, float]:
    """Evaluate `count` bodies (cycling), each timed: evaluations/s, p50, p99 (ms)."""
    latencies = []
    clock = time.perf_counter_ns
    cpu_start = time.process_time()
    start = clock()
    for index in range(count):
        begin = clock()
        evaluator.evaluate(Case.model_validate(bodies[index % len(bodies)]))
        latencies.append(clock() - begin)
    elapsed = (clock() - start) / 1e9
    cpu = time.process_time() - cpu_start
    latencies.sort()
    return {"evaluations": count, "per_second": count / elapsed, "per_cpu_second": count / cpu,
            "p50_ms": percentile(latencies, 0.50) / 1e6,
            "p99_ms": percentile(latencies, 0.99) / 1e6, "mean_ms": sum(latencies) / count / 1e6}


def stage_costs(evaluator: Evaluator, bodies: list[dict], rounds: int) -> dict[str, float]:
    """Mean µs per case of each stage of `Evaluator.evaluate`, each stage timed in a loop of its own."""
    cases = [Case.model_validate(body) for body in bodies]
    rates = [case.rate_table or evaluator.rates for case in cases]
    rulesets = [evaluator.rulebook.ruleset_on(case.decision_date) for case in cases]
    observed = [observe(case, rate) for case, rate in zip(cases, rates, strict=True)]
    records = [evaluator.engine.run(ruleset, seen.values) for ruleset, seen in zip(rulesets, observed, strict=True)]
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

    return {
        "validation": timed(lambda i: Case.model_validate(bodies[i])),
        "facts": timed(lambda i: observe(cases[i], rates[i])),
        "engine": timed(lambda i: evaluator.engine.run(rulesets[i], observed[i].values)),
        "answer": timed(lambda i: AnswerBuilder(evaluator.catalogue, rulesets[i], cases[i], observed[i], records[i],
                                                records_ruled_out).build()),
    }


def run(evaluations: int, generated: int) -> dict[str, Any]:
    durable = Evaluator()
    durable.warm_up()
    compiled = Evaluator(rulebook=durable.rulebook, engine=CompiledEngine(), rates=durable.rates)
    parts = mix(generated, rulebook=durable.rulebook)
    parts["mix"] = parts["examples"] + parts["generated"]
    results: dict[str, Any] = {"machine": machine(), "evaluations": evaluations, "generated": generated,
                               "cases": {name: len(bodies) for name, bodies in parts.items()}}
    for bodies in parts.values():  # warm every cache and code path once
        for body in bodies:
            durable.evaluate(Case.model_validate(body))
            compiled.evaluate(Case.model_validate(body))
    gc.collect()
    for name, bodies in parts.items():
        results[f"durable/{name}"] = full_evaluations(durable, bodies, evaluations if name == "mix" else
                                                      max(evaluations // 4, len(bodies)))
    results["compiled/mix"] = full_evaluations(compiled, parts["mix"], max(evaluations // 4, len(parts["mix"])))
    rounds = max(1, evaluations // 4 // len(parts["mix"]))
    results["stages/durable"] = stage_costs(durable, parts["mix"], rounds)
    results["stages/compiled"] = stage_costs(compiled, parts["mix"], rounds)
    results["ratio/full"] = results["durable/mix"]["per_second"] / results["compiled/mix"]["per_second"]
    results["ratio/engine"] = results["stages/compiled"]["engine"] / results["stages/durable"]["engine"]
    return results


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}; load average at start {m['load']}",
             f"cases: {results['cases']['examples']} scenarios + {results['cases']['generated']} generated",
             "", "| evaluator | cases | evaluations | evaluations/s | per CPU-second | p50 (ms) | p99 (ms) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for key in ("durable/mix", "durable/examples", "durable/generated", "compiled/mix"):
        row = results[key]
        evaluator, cases = key.split("/")
        lines.append(f"| {evaluator} | {cases} | {row['evaluations']} | {row['per_second']:,.0f} | "
                     f"{row['per_cpu_second']:,.0f} | {row['p50_ms']:.3f} | {row['p99_ms']:.3f} |")
    lines += ["", "| stage (µs per evaluation, mix) | durable-rules | compiled |", "|---|---:|---:|"]
    durable, compiled = results["stages/durable"], results["stages/compiled"]
    for stage in durable:
        lines.append(f"| {stage} | {durable[stage]:.1f} | {compiled[stage]:.1f} |")
    lines.append(f"| total | {sum(durable.values()):.1f} | {sum(compiled.values()):.1f} |")
    lines += ["", f"durable-rules / compiled: whole evaluations {results['ratio/full']:.2f}× its rate; "
                  f"engine stage {results['ratio/engine']:.2f}× its speed (above 1: durable-rules is faster)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=20_000, help="full evaluations of the mix (default "
                                                                        "%(default)s)")
    parser.add_argument("--generated", type=int, default=DEFAULT_GENERATED, help="generated cases in the mix")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(args.evaluations, args.generated)
    report(table(results), results, args.json)


if __name__ == "__main__":
    main()
