"""`regelmotor evaluate --jobs N cases.jsonl`: many cases, one per line, evaluated across worker processes.

Each input line is a case (or a scenario file's object, `{"case": …, "expected": …}`). Each output line, in input
order and as soon as it and every line before it are done, is that case's answer as compact JSON — lean by default
(under a third of the bytes, and less time; `--view full` for the whole Evaluation) — or, when
the line cannot be answered, `{"line": n, "error": {…}}` with n counted from 1 and the error shaped as the HTTP
service's problem details (type, title, detail, and the path and message of every invalid field; never the
case's values). A blank line is an error too, so output line n always answers input line n.

durable-rules is not thread-safe, so throughput comes from processes: each worker loads the rule book and makes
its own `Evaluator` once, then takes chunks of lines. At most a few chunks per worker are in flight, so memory
stays flat however long the input. On a terminal, stderr shows progress (cases done, rate, errors).

Exit code: 0 when every line was answered, 1 when some line is an error (each reported in place), 2 when the
input cannot be read at all.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import IO, Any

CHUNK = 32  # lines per task: large enough to amortise the hand-over, small enough to keep the order moving
IN_FLIGHT_PER_WORKER = 4

_evaluator = None  # one per worker process (or the parent, for --jobs 1)
_settings = None  # the EngineSettings `_evaluator` was made from
_view = "lean"  # the answer each line gets: lean, or full (the whole Evaluation)


def _problem(slug: str, title: str, detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    problem: dict[str, Any] = {"type": f"urn:regelmotor:problem:{slug}", "title": title, "detail": detail}
    if errors is not None:
        problem["errors"] = errors
    return problem


def _start_worker(settings, view: str) -> None:
    """Make this process's Evaluator from `settings` (api.settings.EngineSettings), unless it has one from them."""
    global _evaluator, _settings, _view
    _view = view
    if _evaluator is None or settings != _settings:
        _settings, _evaluator = settings, settings.evaluator()
        _evaluator.warm_up()


def evaluate_line(number: int, line: str) -> bytes:
    """One input line's output line (without the newline), as the UTF-8 bytes written out. Bytes all the way from
    pydantic's serialiser to the output: an answer is some 15 KB of mostly Norwegian text, and decoding it to a str,
    pickling that back to the parent and encoding it again for the output cost about 60 µs of it."""
    from pydantic import ValidationError

    from engine.case.model import Case
    from engine.evaluate import LawNotEncoded

    if not line.strip():
        error = _problem("invalid-json", "The line is not valid JSON", "the line is empty")
        return json.dumps({"line": number, "error": error}).encode()
    try:
        try:  # a bare case, read in one pass by pydantic's own parser
            case = Case.model_validate_json(line)
        except ValidationError:  # a scenario file's object, or an error to report as below
            data = json.loads(line)
            if isinstance(data, dict) and "case" in data and "expected" in data:
                data = data["case"]
            case = Case.model_validate(data)
        evaluation = _evaluator.evaluate(case) if _view == "full" else _evaluator.evaluate_lean(case)
    except json.JSONDecodeError as decode_error:
        error = _problem("invalid-json", "The line is not valid JSON",
                         f"column {decode_error.colno}: {decode_error.msg}")
    except ValidationError as invalid:
        fields = [{"path": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
                  for item in invalid.errors(include_url=False, include_input=False)]
        error = _problem("invalid-request", "The case has invalid fields",
                         f"{len(fields)} invalid field{'s' if len(fields) != 1 else ''}", fields)
    except LawNotEncoded as refused:
        error = _problem("law-not-encoded", "No encoded law is in force on the decision date", str(refused))
    except Exception as failure:  # noqa: BLE001 — one line's fault must not end the run; reported in place
        error = _problem("engine-failure", "The engine failed on this case", type(failure).__name__)
    else:
        return evaluation.json_bytes()
    return json.dumps({"line": number, "error": error}, ensure_ascii=False).encode()


def _evaluate_chunk(first: int, lines: list[str]) -> list[bytes]:
    return [evaluate_line(first + offset, line) for offset, line in enumerate(lines)]


def _chunks(lines: Iterable[str], size: int) -> Iterator[tuple[int, list[str]]]:
    chunk: list[str] = []
    first = 1
    for number, line in enumerate(lines, start=1):
        if not chunk:
            first = number
        chunk.append(line.rstrip("\r\n"))
        if len(chunk) == size:
            yield first, chunk
            chunk = []
    if chunk:
        yield first, chunk


class Progress:
    """A one-line progress display on stderr, redrawn at most five times a second (only on a terminal)."""

    def __init__(self, stream: IO[str], total: int | None) -> None:
        self.stream, self.total = stream, total
        self.enabled = stream.isatty()
        self.done = self.errors = 0
        self.start = self.drawn = time.monotonic()

    def update(self, outputs: list[bytes]) -> None:
        self.done += len(outputs)
        self.errors += sum(1 for output in outputs if output.startswith(b'{"line":'))
        now = time.monotonic()
        if self.enabled and now - self.drawn >= 0.2:
            self.drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.done / max(now - self.start, 1e-9)
        of = f"/{self.total} ({100 * self.done / self.total:.0f}%)" if self.total else ""
        self.stream.write(f"\r{self.done}{of} cases, {rate:,.0f}/s, {self.errors} errors ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def _count_lines(path: str) -> int | None:
    try:
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None


def evaluate_jsonl(path: str, jobs: int, out: IO[bytes] | None = None, err: IO[str] | None = None,
                   settings=None, view: str = "lean") -> int:
    """Evaluate every line of `path` ('-' for stdin) with `jobs` processes; write the answers to `out` (a binary
    stream: the answers are UTF-8 JSON; by default standard output's). `settings` (api.settings.EngineSettings) set
    the engine up; by default, from the environment."""
    from api.settings import EngineSettings

    settings = settings or EngineSettings.from_env()
    out = out or sys.stdout.buffer
    err = err or sys.stderr
    try:
        source = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 — closed below
    except OSError as error:
        print(f"regelmotor: cannot read {path}: {error.strerror}", file=err)
        return 2
    progress = Progress(err, None if path == "-" or not err.isatty() else _count_lines(path))
    try:
        with source:
            if jobs <= 1:
                _start_worker(settings, view)
                for first, lines in _chunks(source, CHUNK):
                    _write(_evaluate_chunk(first, lines), out, progress)
            else:
                _in_workers(source, jobs, out, progress, settings, view)
    except UnicodeDecodeError as error:
        print(f"\nregelmotor: {path} is not UTF-8 text: {error.reason}", file=err)
        return 2
    finally:
        progress.close()
    out.flush()
    return 1 if progress.errors else 0


def _in_workers(source: Iterable[str], jobs: int, out: IO[bytes], progress: Progress, settings, view: str) -> None:
    # fork where there is one: fast, and this process has not touched durable-rules (each worker makes its own
    # Evaluator after the fork); spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(jobs, initializer=_start_worker, initargs=(settings, view)) as pool:
        pending: deque = deque()
        for first, lines in _chunks(source, CHUNK):
            pending.append(pool.apply_async(_evaluate_chunk, (first, lines)))
            if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                _write(pending.popleft().get(), out, progress)
        while pending:
            _write(pending.popleft().get(), out, progress)


def _write(outputs: list[bytes], out: IO[bytes], progress: Progress) -> None:
    out.write(b"\n".join(outputs) + b"\n")
    out.flush()
    progress.update(outputs)
