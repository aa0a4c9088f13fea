"""Light requests while heavy clients send the costliest bodies the limits allow: the latency the light ones see.

    .venv/bin/python benchmarks/heavy_clients.py [--workers 2] [--heavy 2] [--seconds 20] [--interval 0.05]

Starts `regelmotor serve --workers N` on loopback (as benchmarks/http_load.py does), then runs two phases of
`--seconds` each: the light client alone, and the light client while `--heavy` clients send heavy requests back to
back. The light client sends one ordinary case (examples/kindergarten-bill.json, `POST /v1/evaluations`) every
`--interval` seconds over one keep-alive connection; each latency is measured from the moment the request was due,
so a stalled server shows as delay rather than as fewer requests. Each heavy client is a process of its own (so that
its work does not share a GIL with the light client's timing) that cycles through the costliest bodies of
tests/test_cost.py — wrong values and unknown fields up to the value limit, objects nested to the depth limit, an
application of as many payments as fit, batches — each sent as soon as the last was answered.

Printed per phase: light requests, their p50/p95/p99/max latency in ms; the heavy requests answered, by status, and
their mean time; the service's CPU time; the machine and its load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import time
from collections import Counter
from pathlib import Path

from cases import ROOT, machine, percentile, report
from http_load import HOST, free_port, start_service, stop_service, wait_ready

from tests.test_cost import BODIES

HEAVY = ["wrong values under a rate table's title", "unknown fields, each an error",
         "objects nested 32 deep, as many as "
         "fit", "the largest valid case (a rate table of 200 rows of 40 rates)", "an application of full payments",
         "a batch of 100 scenarios", "a batch of 100 cases of unknown fields", "numbers a double does not hold"]
LIGHT = json.dumps(json.loads((ROOT / "examples" / "kindergarten-bill.json").read_text("utf-8"))["case"])
JSON = {"Content-Type": "application/json"}


def heavy_client(port: int, until: float, results: multiprocessing.Queue) -> None:
    bodies = [(BODIES[name][0], BODIES[name][1]().encode()) for name in HEAVY]
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    statuses: Counter[int] = Counter()
    spent = 0.0
    index = 0
    while time.monotonic() < until:
        path, body = bodies[index % len(bodies)]
        started = time.monotonic()
        connection.request("POST", path, body=body, headers=JSON)
        response = connection.getresponse()
        response.read()
        spent += time.monotonic() - started
        statuses[response.status] += 1
        if response.getheader("connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
        index += 1
    results.put((dict(statuses), spent))


def light_client(port: int, seconds: float, interval: float) -> list[float]:
    """Latencies in ms, each from the moment its request was due."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    latencies = []
    start = time.monotonic()
    for n in range(int(seconds / interval)):
        due = start + n * interval
        time.sleep(max(0.0, due - time.monotonic()))
        connection.request("POST", "/v1/evaluations", body=LIGHT, headers=JSON)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        latencies.append((time.monotonic() - due) * 1000)
    connection.close()
    return latencies


def service_cpu(pid: int) -> float:
    """CPU seconds of the service: the process and every worker (its children)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def phase(pid: int, port: int, heavy: int, seconds: float, interval: float) -> dict:
    results: multiprocessing.Queue = multiprocessing.Queue()
    until = time.monotonic() + seconds + 1
    clients = [multiprocessing.Process(target=heavy_client, args=(port, until, results)) for _ in range(heavy)]
    cpu = service_cpu(pid)
    for client in clients:
        client.start()
    time.sleep(1.0 if heavy else 0.0)  # the heavy clients are at work before the light one starts
    latencies = sorted(light_client(port, seconds, interval))
    statuses: Counter[int] = Counter()
    spent, count = 0.0, 0
    for _ in clients:
        answered, seconds_spent = results.get(timeout=120)
        statuses.update(answered)
        spent += seconds_spent
        count += sum(answered.values())
    for client in clients:
        client.join()
    return {"heavy_clients": heavy, "light": len(latencies),
            **{f"p{p}": round(percentile(latencies, p / 100), 1) for p in (50, 95, 99)},
            "max": round(latencies[-1], 1), "heavy_requests": count, "heavy_statuses": dict(sorted(statuses.items())),
            "heavy_mean_s": round(spent / count, 3) if count else None,
            "service_cpu_s": round(service_cpu(pid) - cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--heavy", type=int, default=2, help="heavy clients in the second phase")
    parser.add_argument("--seconds", type=float, default=20, help="per phase (default %(default)s)")
    parser.add_argument("--interval", type=float, default=0.05, help="between light requests (default %(default)s)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    port = free_port()
    process = start_service(args.workers, port)
    try:
        wait_ready(process, port)
        light_client(port, 1, args.interval)  # every worker compiled, every cache warm
        results = [phase(process.pid, port, heavy, args.seconds, args.interval) for heavy in (0, args.heavy)]
    finally:
        stop_service(process)
    about = machine()
    lines = [f"{args.workers} workers; a light request every {args.interval * 1000:.0f} ms for {args.seconds:.0f} s; "
             f"{about['cpu']}, {about['cores']} cores, Python {about['python']}, load at start {about['load']}", "",
             "| heavy clients | light requests | p50 ms | p95 ms | p99 ms | max ms | heavy requests (statuses) | "
             "heavy mean s | service CPU s |", "|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for r in results:
        lines.append(f"| {r['heavy_clients']} | {r['light']} | {r['p50']} | {r['p95']} | {r['p99']} | {r['max']} | "
                     f"{r['heavy_requests']} {r['heavy_statuses']} | {r['heavy_mean_s'] or '–'} | "
                     f"{r['service_cpu_s']} |")
    report("\n".join(lines), {"machine": about, "results": results}, args.json)


if __name__ == "__main__":
    main()
