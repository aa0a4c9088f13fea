"""`regelmotor serve` in a subprocess on a free loopback port, for the tests that need the real server.

The server's stderr goes to a file (a full pipe would stall it). Its worker processes are found as the children
of the server process (gunicorn's workers, forked from it: api/prefork.py), and their resident memory is read from
/proc/<pid>/status.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import ROOT

HOST = "127.0.0.1"  # load and fault tests target loopback only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.log_text().splitlines():
            if line.strip():
                lines.append(json.loads(line))
        return lines

    def ready_pids(self) -> set[int]:
        return {line["pid"] for line in self.log_lines() if line.get("event") == "ready"}

    def worker_pids(self) -> set[int]:
        """The live worker processes: the server's children that have not exited."""
        workers = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            state = stat.rsplit(")", 1)[1].split()[0]
            if ppid == self.process.pid and state != "Z":
                workers.add(int(entry.name))
        return workers


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (VmRSS)."""
    return _status(pid, "VmRSS")


def thread_count(pid: int) -> int:
    """Threads of a process: a worker's handler thread pool grows with concurrency, and each has a stack."""
    return _status(pid, "Threads")


def wait_until(condition, timeout: float, what: str, server: LiveServer | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if server is not None:
            assert server.process.poll() is None, f"the server exited:\n{server.log_text()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}" + (
            f"\n{server.log_text()}" if server is not None else "")
        time.sleep(0.1)


@contextmanager
def live_server(tmp_path: Path, workers: int = 2, env: dict[str, str] | None = None,
                args: tuple[str, ...] = ()) -> Iterator[LiveServer]:
    """Start the service, wait until every worker has compiled its rule sets and answers, stop it after."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    environment = {**os.environ, "REGELMOTOR_PORT": str(port), **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--workers", str(workers), *args],
                                   cwd=ROOT, env=environment, stdout=log, stderr=log)
    server = LiveServer(process, port, log_path)
    try:
        wait_until(lambda: len(server.ready_pids()) >= workers, 90, "every worker to be ready", server)

        def answers() -> bool:
            try:
                return httpx.get(f"{server.base}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(answers, 30, "/health", server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
