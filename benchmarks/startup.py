"""Start-up of `regelmotor serve`: this installation's, and another's (`--before`) alternately.

    .venv/bin/python benchmarks/startup.py --before /path/to/other/.venv/bin/regelmotor [--workers 2] [--runs 10]

Each run is http_load.py's `startup_time`: from starting the process until `/health` first answers 200, and until
every worker has logged that it is ready and `/health` answers. The runs alternate — the other installation, then
this one — so that both meet the same load on a shared machine; the load average is printed at the start and at
the end. Only 127.0.0.1 is ever bound or contacted.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from cases import machine, machine_line, report
from http_load import regelmotor, startup_table, startup_time


def run(before: str, workers: int, runs: int) -> dict[str, Any]:
    installations = {"before": [before], "this": regelmotor()}
    results: dict[str, Any] = {"machine": machine(), "workers": workers,
                               "times": {name: [] for name in installations}}
    for _ in range(runs):
        for name, command in installations.items():
            results["times"][name].append(startup_time(workers, command))
    results["load_at_end"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return results


def table(results: dict[str, Any]) -> str:
    return "\n".join([machine_line(results["machine"]) + f"; at the end {results['load_at_end']}", "",
                      *startup_table(f"{results['workers']} workers", results["times"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the other installation's `regelmotor` command")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=10, help="start-ups of each installation")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(args.before, args.workers, args.runs)
    report(table(results), results, args.json)


if __name__ == "__main__":
    main()
