"""Load and soak against the real server, and a worker killed under it.

`regelmotor serve --workers 2` on 127.0.0.1 (never another address) is driven for a bounded time by concurrent
clients sending a mix of requests — single cases, batches, invalid and non-strict bodies, catalogue lookups,
health checks. Every answer is compared with the in-process engine's (or with the documented problem), and:

* zero wrong answers, zero 5xx, zero transport errors;
* the resident memory (VmRSS) of each worker process is flat: after a warm-up (a fifth of the run, at least
  4 s and at most 60 s: the thread pool, the allocator's arenas and the largest answers take that long to reach
  their working size), it may grow by at most `MEMORY_TOLERANCE_KIB` (10 MiB, an eighth of a worker's ~80 MiB)
  over the rest of the run. What that can see: durable-rules keeps ~100 KB per session it is not told to delete,
  so a leaked session per request would add hundreds of MiB even in the short run; the short run (about 1,500
  requests) sees a leak of 7 KB per request or more, a 600-second soak (about 100,000 requests) one of 100 bytes.
  Each worker's thread count is printed with its memory: the handler thread pool grows with concurrency, and
  each thread brings its stack and a malloc arena (1–2 MiB), which is most of the warm-up growth.
  Measured in a 600-second soak: 101,779 requests; worker one 78.8 → 77.4 MiB, worker two 79.8 MiB after the
  first minute → 82.2 MiB at the end (it moved between 78 and 84.5 MiB without a trend).

Bounded by time and count: `REGELMOTOR_LOAD_SECONDS` (default 12) and `REGELMOTOR_LOAD_CLIENTS` (default 8);
a soak is e.g. `REGELMOTOR_LOAD_SECONDS=1800 .venv/bin/python -m pytest tests/test_load.py`. The figures are
printed to the terminal.

Then a worker is killed with SIGKILL: gunicorn's arbiter (api/prefork.py) forks a new one from the application it
built, which serves at once; no request is answered wrongly meanwhile.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from engine.case.model import Case
from engine.evaluate import Evaluator
from tests.conftest import EXAMPLES, essence, load_example
from tests.live_server import LiveServer, live_server, rss_kib, thread_count, wait_until

LOAD_SECONDS = float(os.environ.get("REGELMOTOR_LOAD_SECONDS", "12"))
CLIENTS = int(os.environ.get("REGELMOTOR_LOAD_CLIENTS", "8"))
WARM_UP_SECONDS = min(60.0, max(4.0, LOAD_SECONDS / 5))
MAX_REQUESTS = 2_000_000  # a bound on count as well as on time
MEMORY_TOLERANCE_KIB = 10 * 1024
PROBLEM = "application/problem+json"


def _scaled(case: dict[str, Any], factor: Decimal, tag: str) -> dict[str, Any]:
    """The same case with every amount scaled, so answers and calculations differ from the scenario's."""

    def scale(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (str((Decimal(str(v)) * factor).quantize(Decimal("0.01")))
                        if k in ("monthly_amount", "value", "expected_monthly_amount", "requested_monthly_amount")
                        and v is not None else scale(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [scale(item) for item in value]
        return value

    scaled = scale({k: v for k, v in case.items() if k != "rate_table"})
    if "rate_table" in case:
        scaled["rate_table"] = case["rate_table"]
    scaled["case_id"] = f"load-{tag}"
    return scaled


@pytest.fixture(scope="module")
def pool(evaluator: Evaluator) -> list[tuple[dict, dict]]:
    """Cases and the in-process engine's answers: every scenario, and each with its amounts scaled three ways."""
    cases = []
    for path in EXAMPLES:
        case = load_example(path)["case"]
        cases.append(case)
        for factor in ("0.5", "1.37", "2.05"):
            cases.append(_scaled(case, Decimal(factor), f"{path.stem}-{factor}"))
    return [(case, essence(evaluator.evaluate_lean(Case.model_validate(case))))
            for case in cases]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LiveServer:
    with live_server(tmp_path_factory.mktemp("load"), workers=2) as running:
        yield running


INVALID = [  # (body, status, problem type)
    (b'{"decision_date": "2008-03-01", "income": "none"}', 422, "invalid-request"),
    (b'{"decision_date": "1980-06-01"}', 422, "law-not-encoded"),
    (b'{"decision_date": "2008-03-01", "decision_date": "2008-03-02"}', 400, "invalid-json"),
    (b'{"decision_date": "2008-03-01", "applicant": {"age": NaN}}', 400, "invalid-json"),
    (b'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', 400, "invalid-json"),
]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent = Counter()
        self.statuses = Counter()
        self.server_errors = 0
        self.transport_errors: list[str] = []
        self.wrong: list[str] = []
        self.latencies: list[float] = []

    def record(self, kind: str, status: int | None, correct: bool, elapsed: float, note: str = "") -> None:
        with self.lock:
            self.sent[kind] += 1
            if status is not None:
                self.statuses[status] += 1
                self.server_errors += status >= 500
            if not correct and (status is None or status < 500):
                self.wrong.append(f"{kind} {status} {note}"[:300])
            self.latencies.append(elapsed)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _one_request(client: httpx.Client, rng: random.Random, pool, rule_ids, digest) -> tuple[str, int, bool, str]:
    roll = rng.random()
    if roll < 0.70:
        case, expected = rng.choice(pool)
        response = client.post("/v1/evaluations", json=case)
        ok = response.status_code == 200 and essence(response.json()) == expected
        return "evaluation", response.status_code, ok, case.get("case_id") or ""
    if roll < 0.80:
        chosen = rng.sample(pool, 5)
        response = client.post("/v1/evaluations/batch", json=[case for case, _ in chosen])
        ok = response.status_code == 200 and [essence(item["evaluation"]) for item in response.json()] == \
            [expected for _, expected in chosen]
        return "batch", response.status_code, ok, ""
    if roll < 0.90:
        body, status, kind = rng.choice(INVALID)
        response = client.post("/v1/evaluations", content=body, headers={"content-type": "application/json"})
        ok = (response.status_code == status and response.headers.get("content-type") == PROBLEM
              and response.json()["type"] == f"urn:regelmotor:problem:{kind}")
        return "invalid", response.status_code, ok, kind
    if roll < 0.95:
        rule_id = rng.choice(rule_ids)
        response = client.get(f"/v1/rules/{rule_id}")
        return "rule", response.status_code, response.status_code == 200 and response.json()["id"] == rule_id, ""
    response = client.get("/health")
    return "health", response.status_code, response.status_code == 200 and \
        response.json()["rulebook_digest"] == digest, ""


def _drive(server: LiveServer, pool, rule_ids, digest, seconds: float, tally: Tally, seed: int) -> None:
    deadline = time.monotonic() + seconds

    def client_loop(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        client = httpx.Client(base_url=server.base, timeout=60)
        try:
            while time.monotonic() < deadline and tally.total < MAX_REQUESTS:
                if rng.random() < 0.02:  # now and then a new connection, as a pool of callers would
                    client.close()
                    client = httpx.Client(base_url=server.base, timeout=60)
                started = time.perf_counter()
                try:
                    kind, status, ok, note = _one_request(client, rng, pool, rule_ids, digest)
                    tally.record(kind, status, ok, time.perf_counter() - started, note)
                except httpx.HTTPError as error:
                    with tally.lock:
                        tally.transport_errors.append(repr(error))
        finally:
            client.close()

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_load_gives_only_right_answers_and_each_workers_memory_stays_flat(server, pool, evaluator, report):
    rule_ids = sorted(evaluator.rulebook.rules) + sorted(evaluator.rulebook.duties)
    digest = evaluator.rulebook.digest
    workers = sorted(server.worker_pids())
    assert len(workers) == 2
    tally = Tally()
    started = time.perf_counter()
    _drive(server, pool, rule_ids, digest, WARM_UP_SECONDS, tally, seed=2)
    before = {pid: rss_kib(pid) for pid in workers}
    threads_before = {pid: thread_count(pid) for pid in workers}
    peak = dict(before)
    series: list[tuple[float, list[int]]] = []
    stop = threading.Event()

    def sample() -> None:
        every = max(0.5, (LOAD_SECONDS - WARM_UP_SECONDS) / 8)
        while not stop.wait(0.5):
            now = [rss_kib(pid) for pid in workers]
            for pid, rss in zip(workers, now, strict=True):
                peak[pid] = max(peak[pid], rss)
            if not series or time.perf_counter() - started - series[-1][0] >= every:
                series.append((time.perf_counter() - started, now))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        _drive(server, pool, rule_ids, digest, LOAD_SECONDS - WARM_UP_SECONDS, tally, seed=3)
    finally:
        stop.set()
        sampler.join()
    after = {pid: rss_kib(pid) for pid in workers}
    threads_after = {pid: thread_count(pid) for pid in workers}
    elapsed = time.perf_counter() - started
    latencies = sorted(tally.latencies)
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0
    memory = "; ".join(f"worker {pid}: {before[pid] / 1024:.1f} → {after[pid] / 1024:.1f} MiB "
                       f"(peak {peak[pid] / 1024:.1f}; threads {threads_before[pid]} → {threads_after[pid]})"
                       for pid in workers)
    report(f"\nload: {tally.total} requests in {elapsed:.1f} s ({tally.total / elapsed:.0f}/s) from {CLIENTS} "
           f"clients — {dict(tally.sent)}; statuses {dict(sorted(tally.statuses.items()))}; "
           f"5xx {tally.server_errors}, transport errors {len(tally.transport_errors)}, wrong answers "
           f"{len(tally.wrong)}; latency p50 {p50:.1f} ms, p99 {p99:.1f} ms\nmemory after {WARM_UP_SECONDS:.0f} s "
           f"warm-up → end: {memory} (tolerance {MEMORY_TOLERANCE_KIB / 1024:.0f} MiB)\n"
           "memory over time (s: MiB per worker): "
           + ", ".join(f"{t:.0f}: {'/'.join(f'{r / 1024:.1f}' for r in rss)}" for t, rss in series))
    assert tally.total > 100, "the load test sent almost nothing"
    assert tally.transport_errors == []
    assert tally.server_errors == 0
    assert tally.wrong == []
    assert sorted(server.worker_pids()) == workers, "a worker died under load"
    for pid in workers:
        assert after[pid] - before[pid] <= MEMORY_TOLERANCE_KIB, f"worker {pid} grew {after[pid] - before[pid]} KiB"


def test_a_killed_worker_is_replaced_and_the_service_answers_correctly_throughout(server, pool, evaluator, report):
    rule_ids = sorted(evaluator.rulebook.rules)
    digest = evaluator.rulebook.digest
    workers = server.worker_pids()
    assert len(workers) == 2
    victim = min(workers)
    ready_before = server.ready_pids()
    tally = Tally()
    driver = threading.Thread(target=_drive, args=(server, pool, rule_ids, digest, 6.0, tally, 4))
    driver.start()
    time.sleep(1.0)
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: len(server.worker_pids() - {victim}) == 2, 60, "a replacement worker", server)
    replacement = (server.worker_pids() - workers).pop()
    wait_until(lambda: replacement in server.ready_pids() - ready_before, 60, "the replacement to be ready", server)
    replaced_in = time.monotonic() - killed_at
    driver.join()

    def served_by_replacement() -> bool:  # the access log names the worker that answered
        httpx.get(f"{server.base}/health", timeout=10)
        return any(line.get("event") == "request" and line["pid"] == replacement for line in server.log_lines())

    wait_until(served_by_replacement, 30, "a request answered by the replacement", server)
    report(f"\nworker {victim} killed (SIGKILL); worker {replacement} ready after {replaced_in:.1f} s; "
           f"{tally.total} requests meanwhile: statuses {dict(sorted(tally.statuses.items()))}, transport errors "
           f"{len(tally.transport_errors)}, wrong answers {len(tally.wrong)}")
    assert any(f"Worker (pid:{victim}) was sent SIGKILL!" in line.get("message", "") for line in server.log_lines())
    assert tally.wrong == [] and tally.server_errors == 0
    # A request in flight on the killed worker loses its connection; that is all a SIGKILL may cost.
    assert len(tally.transport_errors) <= CLIENTS, tally.transport_errors
    with httpx.Client(base_url=server.base, timeout=30) as client:
        for case, expected in pool[:40]:
            response = client.post("/v1/evaluations", json=case)
            assert response.status_code == 200 and essence(response.json()) == expected
