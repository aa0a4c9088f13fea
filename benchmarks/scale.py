"""How the cost of an evaluation grows: with the number of rules (×1, ×4, ×16) and with the size of a case.

    .venv/bin/python benchmarks/scale.py [--rounds 20]

Rules: a synthetic rule book with every shipped rule file cloned k times into a temporary directory (k = 1, 4,
16). Copy c of a provision gets the section "<section>-c<c>" and the question "<question>-c<c>", and its
conditions ask `outcome("<question>-c<c>")`, so every copy is a separate provision with its own rules, duties and
chain of conclusions, read from the same facts; acts.yaml gets the section succession for the copies, so the
2009 files still take their rules from the 1991 copies. The rule book is loaded with `load_rulebook(tmpdir)` —
the same loader, checks and compiler as the real one. For each k: rules and duties in force, durable-rules rules
compiled, compile time, and µs per evaluation over the scenarios in examples/ — the whole evaluation, and the
engine stage alone with durable-rules and with the compiled evaluator.

Case size: one complete 2009 scenario (examples/child-benefit-2022-09-01.json) with 0 … 30 children (the case
model's maximum) and with 0 … 100 income items (its maximum); µs per whole evaluation, validation included.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from cases import ROOT, example_bodies, machine, machine_line, report  # noqa: I001 — puts the project on sys.path

from engine.case.facts import observe
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.law.rulebook import RULES_DIR, load_rulebook
from engine.run.compiled import CompiledEngine

OUTCOME_CALL = re.compile(r"""outcome\((["'])([^"']+)\1\)""")
BASE_CASE = ROOT / "examples" / "child-benefit-2022-09-01.json"


# --- a rule book k times as large -----------------------------------------------------------------------------


def _renamed(value: str, copy_number: int) -> str:
    return OUTCOME_CALL.sub(lambda m: f'outcome("{m.group(2)}-c{copy_number}")', value)


def _clone(spec: dict[str, Any], copy_number: int) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    suffix = f"-c{copy_number}"
    spec["section"] = f"{spec['section']}{suffix}"
    if spec.get("question"):
        spec["question"] = f"{spec['question']}{suffix}"
    if spec.get("succeeds"):
        spec["succeeds"]["section"] += suffix
    if spec.get("same_rules_as"):
        spec["same_rules_as"]["provision"] += suffix
    spec["definitions"] = {name: _renamed(text, copy_number) for name, text in spec.get("definitions", {}).items()}
    for rule in spec.get("rules", []):
        rule["when"] = _renamed(rule["when"], copy_number)
        rule["then"]["question"] += suffix
    for duty in spec.get("duties", []):
        duty["applies_when"] = _renamed(duty["applies_when"], copy_number)
        duty["fulfilled_when"] = _renamed(duty["fulfilled_when"], copy_number)
    return spec


def scaled_rules(copies: int, directory: Path) -> Path:
    """The shipped rule files and `copies - 1` renamed copies of each, in `directory`."""
    shutil.copytree(RULES_DIR / "parameters", directory / "parameters")
    acts = yaml.safe_load((RULES_DIR / "acts.yaml").read_text(encoding="utf-8"))
    for act in acts:
        if act.get("succeeds"):
            sections = act["succeeds"]["sections"]
            sections.update({f"{old}-c{c}": f"{new}-c{c}" for c in range(2, copies + 1)
                             for old, new in list(sections.items())})
    (directory / "acts.yaml").write_text(yaml.safe_dump(acts, allow_unicode=True), encoding="utf-8")
    for path in sorted(RULES_DIR.glob("*/*.yaml")):
        if path.parent.name == "parameters":
            continue
        target = directory / path.parent.name
        target.mkdir(exist_ok=True)
        shutil.copy(path, target / path.name)
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in range(2, copies + 1):
            (target / f"{path.stem}-c{c}.yaml").write_text(yaml.safe_dump(_clone(spec, c), allow_unicode=True),
                                                           encoding="utf-8")
    return directory


# --- measuring ------------------------------------------------------------------------------------------------


def per_case(work, items: list, rounds: int) -> float:
    """Mean µs of work(item) over `rounds` passes through `items` (after one warm pass)."""
    for item in items:
        work(item)
    start = time.perf_counter_ns()
    for _ in range(rounds):
        for item in items:
            work(item)
    return (time.perf_counter_ns() - start) / (rounds * len(items)) / 1e3


def rules_growth(rounds: int) -> list[dict[str, Any]]:
    bodies = example_bodies()
    rows = []
    for copies in (1, 4, 16):
        with tempfile.TemporaryDirectory() as tmp:
            rulebook = load_rulebook(scaled_rules(copies, Path(tmp)))
        evaluator = Evaluator(rulebook=rulebook)
        start = time.perf_counter()
        evaluator.warm_up()
        compile_s = time.perf_counter() - start
        compiled = CompiledEngine()
        cases = [Case.model_validate(body) for body in bodies]
        items = [(rulebook.ruleset_on(case.decision_date), observe(case, evaluator.rates).values) for case in cases]
        newest = rulebook.ruleset_on(max(case.decision_date for case in cases))
        rows.append({
            "copies": copies,
            "rules": len(rulebook.rules), "duties": len(rulebook.duties),
            "in_force_2009_act": len(newest.rules) + len(newest.duties),
            "durable_rules_compiled_2009_act": len(evaluator.engine.prepare(newest).case.ruleset.actions),
            "compile_s": compile_s,
            "full_us": per_case(lambda body, e=evaluator: e.evaluate(Case.model_validate(body)), bodies, rounds),
            "durable_engine_us": per_case(lambda item, e=evaluator: e.engine.run(*item), items, rounds),
            "compiled_engine_us": per_case(lambda item, c=compiled: c.run(*item), items, rounds),
        })
    return rows


def case_growth(rounds: int) -> list[dict[str, Any]]:
    base = json.loads(BASE_CASE.read_text(encoding="utf-8"))["case"]
    evaluator = Evaluator()
    evaluator.warm_up()
    kinds = ["wages", "benefits", "child_benefit", "children_leisure_work", "maintenance", "other"]
    rows = []
    for children in (0, 2, 8, 30):
        body = copy.deepcopy(base)
        body["household"]["children"] = [{"age": n % 18} for n in range(children)]
        rows.append({"grows": "children", "count": children,
                     "full_us": per_case(lambda b: evaluator.evaluate(Case.model_validate(b)), [body], rounds * 30)})
    for items in (0, 10, 50, 100):
        body = copy.deepcopy(base)
        body["income"] = [{"kind": kinds[n % len(kinds)], "monthly_amount": 100 + n,
                           "belongs_to": "child" if kinds[n % len(kinds)] == "children_leisure_work" else "applicant"}
                          for n in range(items)]
        rows.append({"grows": "income items", "count": items,
                     "full_us": per_case(lambda b: evaluator.evaluate(Case.model_validate(b)), [body], rounds * 30)})
    return rows


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [machine_line(m), "",
             "| rule files | rules + duties (all) | in force, 2009 act | durable-rules rules compiled (2009 act) | "
             "compile all (s) | whole evaluation (µs) | engine: durable-rules (µs) | engine: compiled (µs) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in results["rules"]:
        lines.append(f"| ×{row['copies']} | {row['rules'] + row['duties']} | {row['in_force_2009_act']} | "
                     f"{row['durable_rules_compiled_2009_act']} | {row['compile_s']:.2f} | {row['full_us']:,.0f} | "
                     f"{row['durable_engine_us']:,.0f} | {row['compiled_engine_us']:,.0f} |")
    lines += ["", "| the case grows in | count | whole evaluation (µs) |", "|---|---:|---:|"]
    for row in results["cases"]:
        lines.append(f"| {row['grows']} | {row['count']} | {row['full_us']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the scenarios per measurement")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = {"machine": machine(), "rules": rules_growth(args.rounds), "cases": case_growth(args.rounds)}
    report(table(results), results, args.json)


if __name__ == "__main__":
    main()
