"""HTTP: a real `regelmotor serve` on loopback, driven at increasing request rates; and its start-up time.

    .venv/bin/python benchmarks/http_load.py [--workers 1 2] [--rates 250 500 1000 1500 2000] [--seconds 10]

For each worker count the script starts `regelmotor serve --host 127.0.0.1 --port P --workers N` as a child
process (the service exactly as a user starts it; default settings, logging included), waits for `GET /health`,
and then, for each target rate, sends `POST /v1/evaluations` requests for `--seconds` seconds on an open loop:
request i is due at start + i/rate whatever happened to the ones before, and its latency is measured from the
moment it was due — so a server that falls behind shows it as queueing delay instead of hiding it (no
coordinated omission). The bodies cycle through the benchmark mix (benchmarks/cases.py). The load generator is
this process: asyncio, raw HTTP/1.1 over up to `--connections` keep-alive connections, request bytes prepared
in advance; a request not answered within 5 s of being sent, or still waiting for a free connection 5 s after
it was due, counts as an error (so an overloaded run ends about 5 s after its last request is due). Its own CPU
time is printed, because on a 2-core machine the client competes with the server for the same cores.

Start-up (`startup_time`): the time from starting the process until `/health` first answers 200, and until every
worker has logged that it is ready (its rule sets compiled, `"event": "ready"`) and `/health` answers, both polled
every 10 ms; repeated `--startups` times per worker count. benchmarks/startup.py compares two installations'
start-up. Only 127.0.0.1 is ever bound or contacted.

Printed per worker count and rate: sent, answered 2xx, errors, sustained requests/s (answered ÷ duration),
p50/p95/p99 latency in ms, and the service's CPU time per answered request (all its processes, from /proc: a
figure the other load on a shared machine disturbs much less than latency).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cases import DEFAULT_GENERATED, ROOT, machine, machine_line, mix, percentile, report

HOST = "127.0.0.1"
TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def regelmotor() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "regelmotor")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "cli.main"]


def start_service(workers: int, port: int, command: list[str] | None = None, log: Any = subprocess.DEVNULL
                  ) -> subprocess.Popen:
    """`regelmotor serve` (this installation's, or `command`), its log (stderr) to `log`."""
    command = (command or regelmotor()) + ["serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)


def stop_service(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the uvicorn supervisor and its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def health_ok(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as connection:
            connection.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
            return connection.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def wait_for(process: subprocess.Popen, condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    """Poll `condition` every 10 ms until it holds; fail if the service exits or `limit` seconds pass first."""
    deadline = time.perf_counter() + limit
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"regelmotor serve exited with {process.returncode}")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"regelmotor serve: no {what} in time")
        time.sleep(0.01)


def startup_time(workers: int, command: list[str] | None = None) -> tuple[float, float]:
    """Seconds from starting the service until /health first answers 200, and until every worker has logged that
    it is ready and /health answers."""
    port = free_port()
    with tempfile.NamedTemporaryFile() as log:
        begin = time.perf_counter()
        process = start_service(workers, port, command, log)
        try:
            wait_for(process, functools.partial(health_ok, port), "answer from /health")
            first = time.perf_counter() - begin
            log_path = Path(log.name)
            wait_for(process, lambda: log_path.read_bytes().count(b'"event": "ready"') >= workers,
                     "ready line from every worker")
            return first, time.perf_counter() - begin
        finally:
            stop_service(process)


def startup_times(workers: int, repeat: int) -> list[tuple[float, float]]:
    return [startup_time(workers) for _ in range(repeat)]


# --- the load generator ---------------------------------------------------------------------------------------


def requests(bodies: list[dict[str, Any]]) -> list[bytes]:
    prepared = []
    for body in bodies:
        payload = json.dumps(body).encode()
        prepared.append(b"POST /v1/evaluations HTTP/1.1\r\nHost: " + HOST.encode() +
                        b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(payload)).encode() +
                        b"\r\n\r\n" + payload)
    return prepared


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    await reader.readexactly(length)
    return status


async def drive(port: int, prepared: list[bytes], rate: float, seconds: float, connections: int) -> dict[str, Any]:
    total = int(rate * seconds)
    jobs: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    counts = {"ok": 0, "http_errors": 0, "failures": 0, "late": 0}
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def connection_worker() -> None:
        reader = writer = None
        while True:
            job = await jobs.get()
            if job is None:
                break
            due, request = job
            if loop.time() - due > TIMEOUT:  # it waited too long for a free connection: the server fell behind
                counts["late"] += 1
                continue
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                status = await asyncio.wait_for(_exchange(reader, writer, request), TIMEOUT)
                latencies.append(loop.time() - due)
                counts["ok" if 200 <= status < 300 else "http_errors"] += 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                counts["failures"] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(connection_worker()) for _ in range(connections)]
    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        jobs.put_nowait((due, prepared[index % len(prepared)]))
    for _ in workers:
        jobs.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = loop.time() - start
    latencies.sort()
    return {"rate": rate, "sent": total, **counts, "seconds": elapsed, "per_second": counts["ok"] / elapsed,
            "p50_ms": percentile(latencies, 0.50) * 1e3, "p95_ms": percentile(latencies, 0.95) * 1e3,
            "p99_ms": percentile(latencies, 0.99) * 1e3,
            "errors": counts["http_errors"] + counts["failures"] + counts["late"]}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def service_cpu_seconds(group: int) -> float:
    """CPU time used so far by every process of the service (its process group), from /proc."""
    total = 0
    for stat in os.listdir("/proc"):
        if not stat.isdigit():
            continue
        try:
            fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def run(worker_counts: list[int], rates: list[float], seconds: float, connections: int, startups: int,
        generated: int) -> dict[str, Any]:
    parts = mix(generated)
    prepared = requests(parts["examples"] + parts["generated"])
    results: dict[str, Any] = {"machine": machine(), "seconds": seconds, "connections": connections,
                               "bodies": len(prepared), "load": [], "startup": {}}
    for workers in worker_counts:
        results["startup"][workers] = startup_times(workers, startups)
        port = free_port()
        process = start_service(workers, port)
        try:
            wait_for(process, functools.partial(health_ok, port), "answer from /health")
            asyncio.run(drive(port, prepared, 200, 3, connections))  # warm every worker
            for rate in rates:
                before, served_before = cpu_seconds(), service_cpu_seconds(process.pid)
                row = asyncio.run(drive(port, prepared, rate, seconds, connections))
                row["client_cpu"] = (cpu_seconds() - before) / row["seconds"]
                row["server_cpu_ms"] = (service_cpu_seconds(process.pid) - served_before) / max(row["ok"], 1) * 1e3
                row["workers"] = workers
                results["load"].append(row)
                print(f"workers {workers} rate {rate:>6.0f}: {row['per_second']:8.1f}/s p99 {row['p99_ms']:8.2f} ms "
                      f"errors {row['errors']}", file=sys.stderr, flush=True)
                time.sleep(1)
        finally:
            stop_service(process)
    return results


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [machine_line(m),
             f"{results['seconds']:.0f} s per rate, open loop, up to {results['connections']} keep-alive "
             f"connections, {results['bodies']} distinct bodies", "",
             "| workers | target req/s | sent | 2xx | errors | sustained req/s | p50 (ms) | p95 (ms) | p99 (ms) | "
             "server CPU per request (ms) | client CPU |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in results["load"]:
        lines.append(f"| {row['workers']} | {row['rate']:.0f} | {row['sent']} | {row['ok']} | "
                     f"{row['errors']} | {row['per_second']:,.0f} | {row['p50_ms']:.2f} | "
                     f"{row['p95_ms']:.2f} | {row['p99_ms']:.2f} | {row['server_cpu_ms']:.2f} | "
                     f"{row['client_cpu']:.0%} |")
    lines += ["", *startup_table("workers", results["startup"])]
    return "\n".join(lines)


def startup_table(heading: str, times: dict[Any, list[tuple[float, float]]]) -> list[str]:
    """Markdown lines: start-up times (`startup_time`) of each run and their medians, a row for each key."""
    lines = [f"| {heading} | until /health answers (s), each run | median | until every worker is ready (s), each "
             "run | median |", "|---|---|---:|---|---:|"]
    for key, runs in times.items():
        first, every = zip(*runs, strict=True)
        lines.append(f"| {key} | {', '.join(f'{t:.2f}' for t in first)} | {statistics.median(first):.2f} | "
                     f"{', '.join(f'{t:.2f}' for t in every)} | {statistics.median(every):.2f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rates", type=float, nargs="+", default=[250, 500, 1000, 1500, 2000])
    parser.add_argument("--seconds", type=float, default=10, help="per rate (default %(default)s)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--startups", type=int, default=5, help="start-up measurements per worker count")
    parser.add_argument("--generated", type=int, default=DEFAULT_GENERATED)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = run(args.workers, args.rates, args.seconds, args.connections, args.startups, args.generated)
    report(table(results), results, args.json)


if __name__ == "__main__":
    main()
