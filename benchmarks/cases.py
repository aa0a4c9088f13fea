"""The case mix every benchmark uses: the scenarios in examples/ and seeded generated cases, as request bodies.

The generated cases come from `engine.verify.casegen` (the generator `regelmotor check` and the property tests
use) with a fixed seed, so two runs on the same day measure the same cases. They cover the whole case model: every
field may be absent (unknown, so many outcomes are undetermined and the answer explains what is missing), lists hold
up to eight items, and about three in ten carry a municipality's own rate table in the request. The scenarios are
complete, realistic files. A benchmark reports the mix and, where it matters, each part on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/x.py` from a fresh clone, with or without an install
    sys.path.insert(0, str(ROOT))

from engine.law.rulebook import Rulebook, load_rulebook  # noqa: E402
from engine.verify import casegen  # noqa: E402

DEFAULT_SEED = 7
DEFAULT_GENERATED = 300


def example_bodies() -> list[dict[str, Any]]:
    """The `case` of every scenario file, as JSON-ready dicts."""
    return [json.loads(path.read_text(encoding="utf-8"))["case"] for path in sorted(ROOT.glob("examples/*.json"))]


def generated_bodies(count: int = DEFAULT_GENERATED, seed: int = DEFAULT_SEED,
                     rulebook: Rulebook | None = None) -> list[dict[str, Any]]:
    """`count` generated cases (seeded), as the JSON a client would send."""
    rulebook = rulebook or load_rulebook()
    periods = casegen.law_periods(rulebook, dt.date.today() + dt.timedelta(days=300))
    source = casegen.RandomSource(seed)
    return [json.loads(casegen.generate_case(source, rulebook, periods).model_dump_json(by_alias=True,
                                                                                        exclude_none=True))
            for _ in range(count)]


def mix(count: int = DEFAULT_GENERATED, seed: int = DEFAULT_SEED,
        rulebook: Rulebook | None = None) -> dict[str, list[dict[str, Any]]]:
    """{"examples": [...], "generated": [...]}."""
    return {"examples": example_bodies(), "generated": generated_bodies(count, seed, rulebook)}


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def machine() -> dict[str, str]:
    """What the numbers were measured on: CPU model, cores, Python, and the load when the run started."""
    import os
    import platform

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {"cpu": model, "cores": str(os.cpu_count()), "python": platform.python_version(), "load": load}


def machine_line(m: dict[str, str]) -> str:
    """`machine()` as the first line of a report."""
    return f"machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}; load average at start {m['load']}"


def report(tables: str, results: Any, json_path: str | None) -> None:
    """Print a benchmark's Markdown tables and, when asked, write its raw figures as JSON."""
    print(tables)
    if json_path:
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
