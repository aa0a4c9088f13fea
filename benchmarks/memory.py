"""Resident memory over many evaluations in one process: it must stay flat.

    .venv/bin/python benchmarks/memory.py [EVALUATIONS]   (default 200000)

Cycles through the scenarios in examples/, answering them lean and full in turn (the answer parts cached for
each are bounded), samples VmRSS ten times, and prints a table.
"""

import json
import sys
import time
from pathlib import Path

from engine.case.model import Case
from engine.evaluate import Evaluator

ROOT = Path(__file__).resolve().parent.parent


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    cases = [Case.model_validate(json.loads(p.read_text())["case"]) for p in sorted(ROOT.glob("examples/*.json"))]
    evaluator = Evaluator()
    evaluator.warm_up()
    answers = (evaluator.evaluate_lean, evaluator.evaluate)
    for case in cases:  # let caches and the allocator settle before the first sample
        for answer in answers:
            answer(case)
    step = max(total // 10, 1)
    start = time.perf_counter()
    print("| evaluations | RSS (MiB) | elapsed (s) |\n|---:|---:|---:|")
    print(f"| 0 | {rss_kib() / 1024:.1f} | 0.0 |")
    for done in range(1, total + 1):
        answers[done % 2](cases[done % len(cases)])
        if done % step == 0:
            print(f"| {done} | {rss_kib() / 1024:.1f} | {time.perf_counter() - start:.1f} |", flush=True)


if __name__ == "__main__":
    main()
