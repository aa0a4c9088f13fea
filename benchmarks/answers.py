"""Check that an optimisation changed no answer: save every answer of the benchmark mix, then compare.

    .venv/bin/python benchmarks/answers.py save /tmp/before.jsonl      # before the change
    .venv/bin/python benchmarks/answers.py compare /tmp/before.jsonl   # after: exit 1 on any difference

Each line is one case's whole Evaluation as JSON (the scenarios in examples/ and the seeded generated cases of
benchmarks/cases.py), without `receipt.evaluated_at`, the only part that legitimately differs between runs. A case
the engine refuses is saved as its error. `--engine compiled` answers with the compiled evaluator.
"""

from __future__ import annotations

import argparse
import json
import sys

from cases import DEFAULT_GENERATED, mix  # noqa: I001 — benchmarks/cases.py puts the project on sys.path

from engine.case.model import Case
from engine.evaluate import Evaluator


def answers(evaluator: Evaluator, count: int) -> list[str]:
    bodies = mix(count, rulebook=evaluator.rulebook)
    lines = []
    for body in bodies["examples"] + bodies["generated"]:
        try:
            evaluation = evaluator.evaluate(Case.model_validate(body))
            answer = evaluation.model_dump(mode="json", exclude={"receipt": {"evaluated_at"}})
        except Exception as error:  # noqa: BLE001 — an error is an answer too, and must not change
            answer = {"error": type(error).__name__, "message": str(error)}
        lines.append(json.dumps(answer, sort_keys=True, ensure_ascii=False))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("file")
    parser.add_argument("--generated", type=int, default=DEFAULT_GENERATED,
                        help="generated cases (default %(default)s)")
    parser.add_argument("--engine", choices=["durable", "compiled"], default="durable")
    args = parser.parse_args()
    engine = None
    if args.engine == "compiled":
        from engine.run.compiled import CompiledEngine

        engine = CompiledEngine()
    lines = answers(Evaluator(engine=engine), args.generated)
    if args.action == "save":
        with open(args.file, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        print(f"saved {len(lines)} answers to {args.file}")
        return 0
    with open(args.file, encoding="utf-8") as handle:
        saved = handle.read().splitlines()
    if len(saved) != len(lines):
        print(f"{args.file} has {len(saved)} answers, this run {len(lines)}")
        return 1
    differing = [index for index, (old, new) in enumerate(zip(saved, lines, strict=True)) if old != new]
    for index in differing[:5]:
        old, new = json.loads(saved[index]), json.loads(lines[index])
        keys = sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))
        print(f"case {index}: differs in {keys}")
    print(f"{len(lines) - len(differing)} of {len(lines)} answers identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
