"""`regelmotor serve` as an operator meets it: bad settings stop it with one line — before the workers start, and
when a reload meets them later — and uvicorn's own limits on a connection hold (header size, connections per
worker, idle keep-alive connections)."""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from engine.law.rulebook import RULES_DIR
from tests.conftest import ROOT
from tests.live_server import HOST, free_port, live_server, wait_until

IDENTITY = "24057412345"  # a value that must never reach a log line
NATIONAL = yaml.safe_load((RULES_DIR / "parameters" / "national-guideline-rates.yaml").read_text("utf-8"))
BAD_TABLES = {
    "not YAML": b"id: [1\n",
    "not UTF-8 text": b"id: \xff\xfe\n",
    "YAML nested 5,000 deep": b"id: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "a list, not a table": b"- a\n- b\n",
    "an id with an identity number": f'id: "Oslo {IDENTITY}"\n'.encode(),
    "a category named by an identity number": yaml.safe_dump(
        {**NATIONAL, "household": {**NATIONAL["household"], "alone": f"fnr_{IDENTITY}"}}).encode(),
    "a title keyed by an identity number": yaml.safe_dump({**NATIONAL, "title": {IDENTITY: "x" * 301}}).encode(),
}


def _serve(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "serve", *args], cwd=ROOT, timeout=120,
                          capture_output=True, text=True, env={**os.environ, **environment})


@pytest.mark.parametrize("content", list(BAD_TABLES.values()), ids=list(BAD_TABLES))
def test_serve_refuses_an_invalid_rate_table_with_one_line_before_any_worker_starts(tmp_path, content):
    table = tmp_path / "rates.yaml"
    table.write_bytes(content)
    done = _serve({"REGELMOTOR_RATE_TABLE": str(table)}, "--port", str(free_port()), "--workers", "2")
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr[-2000:]  # nothing from uvicorn
    assert done.stderr.startswith("regelmotor: REGELMOTOR_RATE_TABLE: ")
    assert IDENTITY not in done.stderr and "Traceback" not in done.stderr


def _stops_with_one_line(server) -> None:
    workers = server.worker_pids()
    assert server.process.wait(timeout=60) == 2
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # stopped and reaped, none left behind
    log = server.log_text()
    assert "Traceback" not in log and IDENTITY not in log
    assert len(re.findall(r'"event": "invalid_settings"', log)) == 1  # said once, not by worker after worker
    assert log.splitlines()[-1] == "regelmotor: REGELMOTOR_RATE_TABLE: not a valid rate table: title: Field required"


def test_a_reload_that_meets_a_rate_table_gone_bad_stops_the_service_with_one_line(tmp_path):
    """The table is read when `serve` starts, and a worker that dies is replaced by a fork of the application built
    then: it reads nothing again. A reload (SIGHUP) reads the table again; broken meanwhile, it stops the service
    with one line and exit 2, as at the start: the service neither goes on with the old table nor starts workers
    again and again."""
    table = tmp_path / "rates.yaml"
    table.write_text(yaml.safe_dump(NATIONAL, allow_unicode=True), encoding="utf-8")
    with live_server(tmp_path, workers=2, env={"REGELMOTOR_RATE_TABLE": str(table)}) as server:
        table.write_text(f'id: "fnr-{IDENTITY}"\n', encoding="utf-8")
        workers = server.worker_pids()
        os.kill(min(workers), signal.SIGKILL)
        wait_until(lambda: len(server.worker_pids() - workers) == 1, 30, "a replacement worker", server)
        assert httpx.get(f"{server.base}/health", timeout=10).status_code == 200
        os.kill(server.process.pid, signal.SIGHUP)
        _stops_with_one_line(server)


def test_a_worker_started_after_a_reload_that_meets_a_rate_table_gone_bad_stops_the_service_with_one_line(tmp_path):
    """After a reload each new worker builds the application itself (api/prefork.py), so one that replaces a worker
    that died reads the table again."""
    table = tmp_path / "rates.yaml"
    table.write_text(yaml.safe_dump(NATIONAL, allow_unicode=True), encoding="utf-8")
    with live_server(tmp_path, workers=2, env={"REGELMOTOR_RATE_TABLE": str(table)}) as server:
        workers, ready = server.worker_pids(), server.ready_pids()
        os.kill(server.process.pid, signal.SIGHUP)
        wait_until(lambda: len(server.ready_pids() - ready) == 2 and not server.worker_pids() & workers, 60,
                   "two new workers", server)
        table.write_text(f'id: "fnr-{IDENTITY}"\n', encoding="utf-8")
        os.kill(min(server.worker_pids()), signal.SIGKILL)
        _stops_with_one_line(server)


def test_more_than_one_worker_is_refused_on_windows_where_gunicorn_does_not_run(monkeypatch, capsys):
    from api.server import add_arguments, serve

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    monkeypatch.setattr(sys, "platform", "win32")
    assert serve(parser.parse_args(["--workers", "2"])) == 2
    assert capsys.readouterr().err == ("regelmotor: more than one worker (--workers, REGELMOTOR_WORKERS) needs "
                                       "gunicorn, which does not run on Windows\n")


# --- uvicorn's limits on a connection --------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _send_header(port: int, size: int) -> bytes:
    """A request whose API key header is `size` bytes long; what the server answers (its status line)."""
    with socket.create_connection((HOST, port), timeout=10) as connection:
        connection.sendall(b"GET /v1/rules HTTP/1.1\r\nHost: regelmotor\r\nX-API-Key: ")
        sent = 0
        try:
            while sent < size:
                chunk = min(65536, size - sent)
                connection.sendall(b"k" * chunk)
                sent += chunk
            connection.sendall(b"\r\n\r\n")
        except OSError:  # the server answered and closed before the header ended
            pass
        return connection.recv(200).split(b"\r\n", 1)[0]


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("serve"), workers=1,
                     env={"REGELMOTOR_API_KEYS": "a-key-of-at-least-16-characters"}) as server:
        yield server


def test_a_header_over_16_kib_is_a_400_before_the_rest_is_read(one_worker):
    worker = one_worker.process.pid  # one worker: the server process serves itself
    assert _send_header(one_worker.port, 8_000) == b"HTTP/1.1 401 Unauthorized"  # a long key is read, and judged
    before = _cpu_seconds(worker)
    assert _send_header(one_worker.port, 40_000_000) == b"HTTP/1.1 400 Bad Request"
    assert _cpu_seconds(worker) - before < 0.2  # httptools spent 2 s of CPU on this header


def test_connections_beyond_the_limit_are_answered_503_and_idle_ones_are_closed(one_worker):
    from api.server import CONNECTION_LIMITS

    idle = [socket.create_connection((HOST, one_worker.port), timeout=10)
            for _ in range(CONNECTION_LIMITS["limit_concurrency"])]
    try:
        wait_until(lambda: httpx.get(f"{one_worker.base}/health").status_code == 503, 10, "a 503")
    finally:
        for connection in idle:
            connection.close()
    wait_until(lambda: httpx.get(f"{one_worker.base}/health").status_code == 200, 10, "a 200 again")
    kept = http.client.HTTPConnection(HOST, one_worker.port, timeout=30)
    kept.request("GET", "/health")
    assert kept.getresponse().read() and kept.sock is not None  # answered, and the connection kept open
    started = time.monotonic()
    assert kept.sock.recv(1) == b""  # then closed by the server, after the keep-alive timeout
    assert CONNECTION_LIMITS["timeout_keep_alive"] - 0.5 <= time.monotonic() - started < 15
    kept.close()


def test_the_workers_gunicorn_forks_keep_uvicorns_limits(tmp_path):
    """With two or more workers uvicorn runs in the workers gunicorn forks (api/prefork.py), with the options it
    has with one: the h11 parser's limit on a header, no Server header, idle keep-alive connections closed."""
    from api.server import CONNECTION_LIMITS

    with live_server(tmp_path, workers=2) as server:
        processes = [server.process.pid, *server.worker_pids()]
        before = sum(_cpu_seconds(pid) for pid in processes)
        assert _send_header(server.port, 40_000_000) == b"HTTP/1.1 400 Bad Request"
        assert sum(_cpu_seconds(pid) for pid in processes) - before < 0.2
        kept = http.client.HTTPConnection(HOST, server.port, timeout=30)
        kept.request("GET", "/health")
        response = kept.getresponse()
        assert response.read() and response.getheader("server") is None
        started = time.monotonic()
        assert kept.sock.recv(1) == b""  # closed by the server, after the keep-alive timeout
        assert CONNECTION_LIMITS["timeout_keep_alive"] - 0.5 <= time.monotonic() - started < 15
        kept.close()
