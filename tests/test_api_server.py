"""The real service: `regelmotor serve` in a subprocess on a free loopback port, with two worker processes.

Its answers are compared with the command line's (`python -m cli.main evaluate FILE`, run once per example),
apart from `receipt.evaluated_at`.
"""

import http.client
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import EXAMPLES, ROOT, essence, load_example
from tests.live_server import live_server

MAX_BODY_BYTES = 200_000  # small enough to test, large enough for a batch of every example


@pytest.fixture(scope="module")
def cli_answers() -> dict[str, dict]:
    def run(path):
        done = subprocess.run([sys.executable, "-m", "cli.main", "evaluate", str(path)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return path.stem, essence(json.loads(done.stdout))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, EXAMPLES))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`regelmotor serve --workers 2`, the port given by environment variable (flags are tested in-process)."""
    with live_server(tmp_path_factory.mktemp("server"), workers=2,
                     env={"REGELMOTOR_MAX_BODY_BYTES": str(MAX_BODY_BYTES)}) as running:
        yield {"base": running.base, "port": running.port, "log": running.log}


def test_every_example_over_http_equals_the_command_line(server, cli_answers):
    with httpx.Client(base_url=server["base"], timeout=30) as client:
        for path in EXAMPLES:
            response = client.post("/v1/evaluations", json=load_example(path)["case"])
            assert response.status_code == 200, (path.stem, response.text)
            assert essence(response.json()) == cli_answers[path.stem], path.stem
        batch = client.post("/v1/evaluations/batch", json=[load_example(path)["case"] for path in EXAMPLES])
        assert batch.status_code == 200, batch.text
        assert [essence(item["evaluation"]) for item in batch.json()] == [cli_answers[p.stem] for p in EXAMPLES]


def test_500_requests_from_16_concurrent_clients_are_all_correct(server, cli_answers):
    cases = [(path.stem, load_example(path)["case"]) for path in EXAMPLES]
    total, clients = 500, 16
    outcomes: list[bool] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client_thread(number: int) -> None:
        with httpx.Client(base_url=server["base"], timeout=60) as client:
            for request in range(number, total, clients):
                name, case = cases[request % len(cases)]
                try:
                    response = client.post("/v1/evaluations", json=case)
                    correct = response.status_code == 200 and essence(response.json()) == cli_answers[name]
                except Exception as error:  # noqa: BLE001 — counted and reported below
                    correct = False
                    with lock:
                        errors.append(repr(error))
                with lock:
                    outcomes.append(correct)

    started = time.perf_counter()
    threads = [threading.Thread(target=client_thread, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(f"\n{total} requests from {clients} clients in {elapsed:.2f} s ({total / elapsed:.0f}/s)")
    assert errors == []
    assert len(outcomes) == total and all(outcomes)


def test_a_chunked_body_over_the_limit_is_refused_with_413(server):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    chunk = b"[" + b" " * 65_536
    try:
        connection.putrequest("POST", "/v1/evaluations/batch")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        try:
            for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the whole body is sent
        response = connection.getresponse()
        assert response.status == 413
        assert response.getheader("content-type") == "application/problem+json"
        assert json.loads(response.read())["type"] == "urn:regelmotor:problem:content-too-large"
    finally:
        connection.close()
    declared = httpx.post(f"{server['base']}/v1/evaluations", content=b" " * (MAX_BODY_BYTES + 1),
                          headers={"content-type": "application/json"}, timeout=30)
    assert declared.status_code == 413
    assert httpx.get(f"{server['base']}/health", timeout=10).status_code == 200


def test_the_log_is_json_lines_with_no_case_content(server):
    with httpx.Client(base_url=server["base"], timeout=30) as client:
        marker = {"decision_date": "2008-03-01", "case_id": "marker-case-ref-31337",
                  "life_situation": {"difficult": True, "kind": "marker_private_situation"}}
        assert client.post("/v1/evaluations", json=marker).status_code == 200
        assert client.post("/v1/evaluations", json={**marker, "income": "x"}).status_code == 422
    time.sleep(0.5)  # the worker writes its line after the response
    lines = [json.loads(line) for line in server["log"].read_text().splitlines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {line["method"] for line in requests} >= {"GET", "POST"}
    assert all({"path", "status", "duration_ms", "correlation_id"} <= set(line) for line in requests)
    assert any(line["status"] == 422 for line in requests)
    assert len({line["pid"] for line in lines if line.get("event") == "ready"}) == 2  # each worker compiled
    text = server["log"].read_text()
    assert "marker-case-ref-31337" not in text and "marker_private_situation" not in text
    for path in EXAMPLES:
        case_id = load_example(path)["case"].get("case_id")
        assert not case_id or case_id not in text
