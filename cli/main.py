"""`regelmotor` — the command line: evaluate a case, list the rule catalogue, check the rule files, serve the HTTP
API."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.case.model import Case
from engine.law.rulebook import RuleFileError, load_rulebook

EXIT_BAD_INPUT = 2


def _fail(message: str) -> int:
    print(f"regelmotor: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


class BadInput(Exception):
    """The file cannot be read as a case: the lines say why (every invalid field, one a line)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0])
        self.lines = lines


def read_case(path: Path) -> tuple[Case, dict[str, Any] | None]:
    """A bare case, or an example file ({"case": ..., "expected": ...}) with its expectations. Read exactly as the
    HTTP service reads a body: strict JSON (api/strict_json.py) and the case's documented JSON types."""
    from api.errors import field_errors
    from api.strict_json import NotStrictJson, loads, validate_strictly

    try:
        data = loads(path.read_bytes())
    except OSError as error:
        raise BadInput([f"cannot read {path}: {error.strerror}"]) from None
    except json.JSONDecodeError as error:
        raise BadInput([f"{path} is not valid JSON: line {error.lineno} column {error.colno}: {error.msg}"]) from None
    except NotStrictJson as error:
        raise BadInput([f"{path}: {error}"]) from None
    expected = None
    if isinstance(data, dict) and "case" in data and "expected" in data:
        data, expected = data["case"], data["expected"]
    try:
        return validate_strictly(Case, data), expected
    except ValidationError as error:
        fields = field_errors(error.errors())
        lines = [f"{path}: {len(fields)} invalid field{'s' if len(fields) != 1 else ''}"]
        lines += [f"  {field.path or '(the case)'}: {field.message} — {field.label_nb}: {field.message_nb}"
                  for field in fields]
        raise BadInput(lines) from None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from api.settings import EngineSettings
    from engine.evaluate import LawNotEncoded

    if args.format == "digisos" and args.jobs is not None:
        return _fail("--jobs is for cases, one a line (JSON Lines), not for --format digisos")
    if args.pdf is not None and args.format != "letter":
        return _fail("--pdf is for --format letter")
    if args.view is not None and args.format != "case":
        return _fail(f"--view is for answers as JSON (--format case); --format {args.format} reads the full "
                     "Evaluation")
    try:
        settings = EngineSettings.from_env()
    except ValueError as error:  # a setting in the environment that cannot be used: its name and what is wrong
        return _fail(str(error))
    if args.engine is not None:
        settings = dataclasses.replace(settings, engine=args.engine)
    if args.format == "digisos":  # a JsonSoknad (NAV's application): cli/digisos.py
        from cli.digisos import evaluate_soknad_file

        return evaluate_soknad_file(args.file, args.decision_date, args.documentation_deadline, settings)
    if args.decision_date is not None or args.documentation_deadline is not None:
        return _fail("--decision-date and --documentation-deadline are for --format digisos; a case carries its "
                     "own decision_date")
    if args.jobs is not None or args.file.endswith(".jsonl") or args.file == "-":  # many cases: cli/bulk.py
        if args.format != "case":
            return _fail(f"--format {args.format} is for one case; many cases are answered as JSON, one a line")
        from cli.bulk import evaluate_jsonl

        return evaluate_jsonl(args.file, args.jobs or 1, settings=settings, view=args.view or "lean")
    try:
        case, expected = read_case(Path(args.file))
    except BadInput as error:
        for line in error.lines:
            print(f"regelmotor: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    lean = args.format == "case" and (args.view or "lean") == "lean"
    try:
        evaluator = settings.evaluator()
        answer = evaluator.evaluate_lean(case) if lean else evaluator.evaluate(case)
        # an example file's expectations name duties of every status; the lean answer lists the open ones only
        checked_on = evaluator.evaluate(case) if lean and expected is not None else answer
    except LawNotEncoded as error:
        return _fail(str(error))
    print(_formatted(answer, args.format, evaluator.rulebook, args.pdf))
    return _report_expectations(args.file, checked_on, expected)


def _formatted(evaluation, form: str, rulebook, pdf_path: str | None) -> str:
    if form == "text":
        from views.summary import summarise, text

        return text(summarise(evaluation, rulebook.outcomes)).rstrip("\n")
    if form == "letter":
        from views.letter import draft, text

        letter = draft(evaluation, rulebook.outcomes)
        if pdf_path:
            from views.letter_pdf import pdf

            Path(pdf_path).write_bytes(pdf(letter))
        return text(letter).rstrip("\n")
    return evaluation.model_dump_json(indent=2)


def _report_expectations(file: str, evaluation, expected: dict[str, Any] | None) -> int:
    """An example file's expectations, checked on stderr (stdout stays the answer): exit 1 when they fail."""
    if expected is None:
        return 0
    from engine.verify.expected import checked, differences

    found = differences(evaluation, expected)
    if not found:
        print(f"regelmotor: {file}: passed — the answer matches the expected {checked(expected)}", file=sys.stderr)
        return 0
    print(f"regelmotor: {file}: FAILED — {len(found)} difference{'s' if len(found) != 1 else ''} from "
          f"the expected {checked(expected)}:", file=sys.stderr)
    for line in found:
        print(f"  {line}", file=sys.stderr)
    return 1


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {value}")
    return value


def cmd_rules(_args: argparse.Namespace) -> int:
    rulebook = load_rulebook()
    for rule in list(rulebook.rules.values()) + list(rulebook.duties.values()):
        valid = rule.provision.valid
        basis = rule.spec.basis
        where = f"§ {basis.section}" + (f" ({basis.ledd})" if basis.ledd else "")
        print(f"{rule.id}\t{basis.act or rule.provision.act.id} {where}\t"
              f"{valid.valid_from}..{valid.valid_to or ''}\t{rule.provision.spec.title.nb}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check the rule files for consistency (engine/verify/check.py); exit 1 when a check fails."""
    from engine.law.rulebook import RULES_DIR
    from engine.verify.check import MIN_CASES, run_checks

    cases = args.cases or MIN_CASES
    report = run_checks(Path(args.rules) if args.rules else RULES_DIR, seed=args.seed, min_cases=cases,
                        max_cases=4 * cases)
    print(report.text())
    return 0 if report.ok else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from api.server import serve

    return serve(args)


def main(argv: list[str] | None = None) -> int:
    # The collector is off while the command line is read: that imports most of the service (FastAPI, the models,
    # the engine), some 100,000 objects of which none is garbage: collecting on the way cost some 0.05 s of CPU
    # (`serve --help`, docs/performance.md, "Start-up: less work before the fork").
    # `serve` turns it off again while it builds its application, and then freezes what it made (api/server.py).
    gc.disable()
    try:
        args = _parser().parse_args(argv)
    finally:
        gc.enable()
    try:
        return args.run(args)
    except RuleFileError as error:
        return _fail(f"the rule files are invalid: {error}")


def _parser() -> argparse.ArgumentParser:
    from api.server import add_arguments as add_serve_arguments  # the service's flags live with the service
    from engine.evaluate import ENGINES

    parser = argparse.ArgumentParser(prog="regelmotor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="evaluate one case (JSON) and print the Evaluation")
    evaluate.add_argument("file")
    evaluate.add_argument("--format", choices=["case", "text", "letter", "digisos"], default="case",
                          help="case: a case or an example file, answered as JSON (default); text: the same, "
                               "answered as a summary to read in a terminal; letter: the same, answered as a "
                               "decision-letter draft; digisos: a JsonSoknad, NAV's application. An example file's "
                               "expectations are checked: passed or failed, on stderr (exit 1 when failed)")
    evaluate.add_argument("--pdf", metavar="FILE", help="with --format letter: also write the draft as a PDF")
    evaluate.add_argument("--jobs", type=_positive, metavar="N",
                          help="FILE is JSON Lines (one case a line; '-' reads stdin; implied by a .jsonl name): "
                               "evaluate it with N worker processes, answers in input order, one line each")
    evaluate.add_argument("--engine", choices=list(ENGINES),
                          help="durable: durable-rules, the service's engine (default; REGELMOTOR_ENGINE); compiled: "
                               "the same firings from generated Python, several times faster (for bulk runs)")
    evaluate.add_argument("--view", choices=["lean", "full"],
                          help="with --format case: lean, what is particular to the case (default); full, the whole "
                               "Evaluation, with the rule book's texts, the trace and every digest (as the "
                               "service's ?view=full)")
    evaluate.add_argument("--decision-date", help="with --format digisos: the decision date, YYYY-MM-DD (default: "
                                                  "today); an application has none of its own")
    evaluate.add_argument("--documentation-deadline",
                          help="with --format digisos: the last day for the documents asked for, YYYY-MM-DD "
                               "(default: REGELMOTOR_DOCUMENTATION_DEADLINE_DAYS, 14, days after the decision date)")
    evaluate.set_defaults(run=cmd_evaluate)
    rules = commands.add_parser("rules", help="list the rule and duty catalogue")
    rules.set_defaults(run=cmd_rules)
    check = commands.add_parser("check", help="check the rule files for consistency and print a report")
    check.add_argument("--rules", help="the rules directory to check (default: the installed rules/)")
    check.add_argument("--seed", type=int, default=0, help="seed of the generated cases (default 0)")
    check.add_argument("--cases", type=int, help="generated cases per period of law, at least (default 1500)")
    check.set_defaults(run=cmd_check)
    serve = commands.add_parser("serve", help="start the HTTP service (uvicorn; several workers: gunicorn)")
    add_serve_arguments(serve)
    serve.set_defaults(run=cmd_serve)
    return parser


if __name__ == "__main__":
    sys.exit(main())
