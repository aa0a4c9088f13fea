"""Bulk evaluation: `regelmotor evaluate --jobs N` over a year of cases, timed, with the size of its output.

    .venv/bin/python benchmarks/bulk.py [--cases 130000] [--jobs 2] [--runs compiled/lean durable/full]

130,000 cases is about the number of households that receive social assistance in Norway in a year. The input is
the benchmark mix (benchmarks/cases.py: the scenarios in examples/ and seeded generated cases) cycled to that many
JSON Lines, written once to a temporary file; each run is the command as a user types it (`regelmotor evaluate
--jobs N --engine E --view V cases.jsonl`, worker start-up included), its output counted as it streams and
discarded. A run is `engine/view`; code without `--engine`/`--view` (before them) is run as `durable/full` without
those flags.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from cases import ROOT, machine, machine_line, mix, report
from http_load import regelmotor


def write_cases(path: str, count: int) -> None:
    bodies = [json.dumps(body, separators=(",", ":")) for bodies in mix().values() for body in bodies]
    with open(path, "w", encoding="utf-8") as out:
        for index in range(count):
            out.write(bodies[index % len(bodies)] + "\n")


def run_once(path: str, jobs: int, engine: str, view: str, flags: bool) -> dict[str, Any]:
    command = regelmotor() + ["evaluate", "--jobs", str(jobs), path]
    if flags:
        command += ["--engine", engine, "--view", view]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    size = lines = 0
    assert process.stdout is not None
    for chunk in iter(lambda: process.stdout.read(1 << 20), b""):
        size += len(chunk)
        lines += chunk.count(b"\n")
    code = process.wait()
    return {"engine": engine, "view": view, "seconds": time.perf_counter() - start, "bytes": size, "lines": lines,
            "exit": code}


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [machine_line(m),
             f"{results['cases']} cases (input {results['input_bytes'] / 1e6:,.0f} MB), --jobs {results['jobs']}",
             "", "| engine | answer | seconds | cases/s | output (GB) | bytes per answer | exit |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for row in results["runs"]:
        lines.append(f"| {row['engine']} | {row['view']} | {row['seconds']:.1f} | "
                     f"{row['lines'] / row['seconds']:,.0f} | {row['bytes'] / 1e9:.2f} | "
                     f"{row['bytes'] / max(row['lines'], 1):,.0f} | {row['exit']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=130_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", nargs="+", default=["compiled/lean", "durable/lean", "durable/full"])
    parser.add_argument("--no-flags", action="store_true", help="code before --engine and --view: durable/full")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.jsonl")
        write_cases(path, args.cases)
        results: dict[str, Any] = {"machine": machine(), "cases": args.cases, "jobs": args.jobs,
                                   "input_bytes": os.path.getsize(path), "runs": []}
        for run in args.runs:
            engine, view = run.split("/")
            results["runs"].append(run_once(path, args.jobs, engine, view, not args.no_flags))
    report(table(results), results, args.json)
    sys.exit(max(row["exit"] for row in results["runs"]) > 1)


if __name__ == "__main__":
    main()
