"""Optional API-key authentication (api/auth.py): off by default, keys from the environment or a file, stored
only as SHA-256 digests, compared in constant time; 401 problem+json without a valid key; /health open; Swagger
UI's Authorize button declared in the OpenAPI document.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import signal
import subprocess
import sys

import httpx
import pytest

from api import auth
from api.app import create_app
from api.auth import ApiKeys
from api.settings import Settings
from tests.conftest import ROOT, app_client, load_example
from tests.live_server import live_server, wait_until

PROBLEM = "application/problem+json"
KINDERGARTEN = load_example(ROOT / "examples" / "kindergarten-bill.json")["case"]
KEY = "rm-test-key-0123456789abcdef"
OTHER_KEY = "rm-other-key-fedcba9876543210"
FILE_KEY = "rm-file-key-from-the-key-file-42"
DIGEST_ONLY_KEY = "rm-key-whose-digest-alone-is-on-file"


@pytest.fixture(scope="module")
def secured(evaluator):
    with app_client(evaluator, Settings(api_keys=ApiKeys.of(KEY, OTHER_KEY))) as client:
        yield client


def _unauthorized(response) -> dict:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == 'ApiKey realm="regelmotor", header="X-API-Key"'
    body = response.json()
    assert body["type"] == "urn:regelmotor:problem:unauthorized" and body["status"] == 401
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    return body


def test_authentication_is_off_by_default(client):
    assert Settings.from_env({}).api_keys.enabled is False
    assert client.post("/v1/evaluations", json=KINDERGARTEN).status_code == 200
    assert client.get("/v1/rules").status_code == 200
    assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


def test_without_a_valid_key_every_route_but_the_open_ones_is_a_401(secured):
    assert "Send a valid API key" in _unauthorized(secured.post("/v1/evaluations", json=KINDERGARTEN))["detail"]
    _unauthorized(secured.post("/v1/evaluations/batch", json=[KINDERGARTEN]))
    _unauthorized(secured.get("/v1/rules"))
    _unauthorized(secured.get("/v1/rules/sosialtjenesteloven-1991/5-1/not-self-supporting"))
    _unauthorized(secured.get("/v2/no-such-path"))  # no probing for routes without a key
    for wrong in ("", "x", KEY[:-1], KEY + "x", KEY.upper(), f"Bearer {KEY}", hashlib.sha256(KEY.encode()).hexdigest()):
        body = _unauthorized(secured.get("/v1/rules", headers={"X-API-Key": wrong}))
        assert "does not hold a valid API key" in body["detail"] and KEY not in str(body)
    _unauthorized(secured.get("/v1/rules", headers={"Authorization": f"Bearer {KEY}"}))


def test_a_valid_key_is_let_in_whichever_of_the_keys_it_is(secured):
    for key in (KEY, OTHER_KEY):
        response = secured.post("/v1/evaluations", json=KINDERGARTEN, headers={"X-API-Key": key})
        assert response.status_code == 200 and response.json()["case_id"] == "kindergarten-bill"
    assert secured.get("/v2/no-such-path", headers={"X-API-Key": KEY}).status_code == 404


def test_health_and_the_documentation_stay_open(secured):
    assert secured.get("/health").status_code == 200
    assert secured.get("/openapi.json").status_code == 200
    assert secured.get("/docs").status_code == 200
    assert secured.get("/redoc").status_code == 200
    assert secured.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert not auth.is_open("/docs/assets/../../v1/rules") and not auth.is_open("/health/../v1/rules")
    assert not auth.is_open("/docs/") and not auth.is_open("/healthz")


def test_a_request_without_a_key_is_refused_before_its_body_is_read(secured):
    """No key, no reading: a 10 MB body gets the 401, not the 413 that reading it would give."""
    response = secured.post("/v1/evaluations", content=b" " * (10 * 1024 * 1024),
                            headers={"content-type": "application/json"})
    _unauthorized(response)


def test_swagger_ui_can_authorize_with_the_declared_api_key_scheme(secured):
    document = secured.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": document["components"]["securitySchemes"]["ApiKey"]["description"]}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path == "/health":
                assert "security" not in operation
                continue
            assert operation["security"] == [{"ApiKey": []}], (path, method)
            assert list(operation["responses"]["401"]["content"]) == [PROBLEM], (path, method)
    # What Swagger UI sends after "Authorize": the header named by the scheme, on the documented path.
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    response = secured.post("/v1/evaluations", json=KINDERGARTEN, headers={scheme["name"]: KEY})
    assert response.status_code == 200
    assert "urn:regelmotor:problem:unauthorized" in document["info"]["description"]


def test_keys_come_from_the_environment_and_a_key_file_with_comments_and_digests(tmp_path, evaluator):
    key_file = tmp_path / "api-keys"
    key_file.write_text(f"# regelmotor API keys, one per line\n\n{FILE_KEY}\n"
                        f"  sha256:{hashlib.sha256(DIGEST_ONLY_KEY.encode()).hexdigest()}  \n", encoding="ascii")
    keys = ApiKeys.from_env({"REGELMOTOR_API_KEYS": f"{KEY}, {OTHER_KEY}", "REGELMOTOR_API_KEYS_FILE": str(key_file)})
    assert len(keys.digests) == 4
    with app_client(evaluator, Settings(api_keys=keys)) as client:
        for key in (KEY, OTHER_KEY, FILE_KEY, DIGEST_ONLY_KEY):
            assert client.get("/v1/rules", headers={"X-API-Key": key}).status_code == 200, key
        _unauthorized(client.get("/v1/rules", headers={"X-API-Key": "rm-file-key-from-the-key-file-43"}))
    only_file = ApiKeys.from_env({"REGELMOTOR_API_KEYS_FILE": str(key_file)})
    assert only_file.accepts(FILE_KEY.encode()) and not only_file.accepts(KEY.encode())


@pytest.mark.parametrize("environment,complaint", [
    ({"REGELMOTOR_API_KEYS": "short-key"}, "at least 16 characters"),
    ({"REGELMOTOR_API_KEYS": "a key with spaces inside it", "REGELMOTOR_API_KEYS_FILE": ""}, "at least 16"),
    ({"REGELMOTOR_API_KEYS_FILE": "/nonexistent/regelmotor-keys"}, "cannot read the key file"),
    ({"REGELMOTOR_API_KEYS_FILE": "EMPTY"}, "names no key"),
    ({"REGELMOTOR_API_KEYS_FILE": "NON-ASCII"}, "cannot read the key file"),
])
def test_a_key_configuration_that_yields_no_usable_key_is_refused(tmp_path, environment, complaint):
    (tmp_path / "empty").write_text("# nothing yet\n\n", encoding="ascii")
    (tmp_path / "non-ascii").write_text("nøkkel-som-ikke-er-ascii-1234\n", encoding="utf-8")
    environment = {name: {"EMPTY": str(tmp_path / "empty"), "NON-ASCII": str(tmp_path / "non-ascii")}.get(value, value)
                   for name, value in environment.items()}
    with pytest.raises(ValueError, match=complaint) as refused:
        Settings.from_env(environment)
    for value in environment.values():  # the message never quotes a key
        if value and "/" not in value:
            assert value not in str(refused.value)


def test_only_digests_are_kept(evaluator):
    settings = Settings(api_keys=ApiKeys.of(KEY))
    app = create_app(settings, evaluator)
    assert KEY.encode() not in pickle.dumps(settings)
    assert KEY not in repr(settings)
    assert settings.api_keys.digests == (hashlib.sha256(KEY.encode()).digest(),)
    assert app.state.settings.api_keys == settings.api_keys


def test_every_key_is_compared_in_constant_time_whichever_matches(monkeypatch):
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", counting)
    keys = ApiKeys.of(*(f"rm-key-number-{n:04d}-abcdefgh" for n in range(5)))
    for presented in (b"rm-key-number-0000-abcdefgh", b"rm-key-number-0004-abcdefgh", b"no-such-key-at-all-here"):
        calls.clear()
        keys.accepts(presented)
        assert len(calls) == 5, "every digest is compared, also after a match"
        assert all(len(a) == len(b) == 32 for a, b in calls), "digests of equal length, never the raw key"
    assert keys.accepts(b"rm-key-number-0003-abcdefgh") and not keys.accepts(None)


def test_serve_refuses_to_start_with_a_broken_key_configuration(tmp_path):
    empty = tmp_path / "keys"
    empty.write_text("# to be filled in\n", encoding="ascii")
    done = subprocess.run([sys.executable, "-m", "cli.main", "serve", "--port", "1"], cwd=ROOT, timeout=60,
                          capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "REGELMOTOR_API_KEYS_FILE": str(empty)})
    assert done.returncode == 2 and "names no key" in done.stderr


def test_the_real_server_reads_its_keys_from_a_file_in_every_worker_and_again_on_sighup(tmp_path):
    key_file = tmp_path / "api-keys"
    key_file.write_text(f"{FILE_KEY}\n", encoding="ascii")
    with live_server(tmp_path, workers=2, env={"REGELMOTOR_API_KEYS_FILE": str(key_file)}) as server:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            for _ in range(6):  # both workers
                assert client.get("/health").status_code == 200
                _unauthorized(client.post("/v1/evaluations", json=KINDERGARTEN))
                allowed = client.post("/v1/evaluations", json=KINDERGARTEN, headers={"X-API-Key": FILE_KEY})
                assert allowed.status_code == 200
            # Key rotation: a new file, then SIGHUP (`systemctl reload`): new workers, which read the file again.
            old_workers, ready = server.worker_pids(), server.ready_pids()
            key_file.write_text(f"# rotated\n{OTHER_KEY}\n", encoding="ascii")
            os.kill(server.process.pid, signal.SIGHUP)
            wait_until(lambda: len(server.ready_pids() - ready) == 2 and not server.worker_pids() & old_workers,
                       90, "two new workers", server)
            for _ in range(6):
                assert client.post("/v1/evaluations", json=KINDERGARTEN, headers={"X-API-Key": OTHER_KEY}) \
                    .status_code == 200
                _unauthorized(client.post("/v1/evaluations", json=KINDERGARTEN, headers={"X-API-Key": FILE_KEY}))
        log = server.log_text()
        assert FILE_KEY not in log and OTHER_KEY not in log
