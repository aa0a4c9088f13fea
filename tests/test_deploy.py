"""What a deployment relies on: the documentation pages need no internet, and the deployment files in
docs/deploy/ name only settings the service reads, use /health for health checks and restart the service.
"""

from __future__ import annotations

import configparser
import re

import pytest
import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "docs" / "deploy"
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=:(]\s*['"]?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_pages_load_nothing_from_another_host(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert EXTERNAL.search(html) is None, EXTERNAL.search(html)
    assert "cdn." not in html and "googleapis" not in html and "fastapi.tiangolo.com" not in html
    assets = re.findall(r"""(?:src|href)="(/[^"]+)\"""", html)
    assert assets, "the page loads its files from this service"
    for asset in assets:
        loaded = client.get(asset)
        assert loaded.status_code == 200 and len(loaded.content) > 1000, asset


def test_swagger_ui_is_version_5_which_reads_openapi_3_1_and_sends_nothing_to_a_validator(client):
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert re.search(r'"5\.\d+\.\d+"', bundle), "Swagger UI 5 (4.x cannot show an OpenAPI 3.1 document)"
    assert '"validatorUrl": null' in client.get("/docs").text


def _settings_read_by_the_service() -> set[str]:
    names = set()
    for path in [*(ROOT / "api").glob("*.py"), *(ROOT / "engine").glob("*.py")]:
        names |= set(re.findall(r"REGELMOTOR_[A-Z_]+", path.read_text(encoding="utf-8")))
    return names


def test_the_deployment_files_name_only_settings_the_service_reads():
    known = _settings_read_by_the_service()
    assert {"REGELMOTOR_API_KEYS", "REGELMOTOR_API_KEYS_FILE", "REGELMOTOR_WORKERS"} <= known
    for path in DEPLOY.iterdir():
        used = set(re.findall(r"REGELMOTOR_[A-Z_]+", path.read_text(encoding="utf-8")))
        assert used <= known, (path.name, used - known)


def test_the_systemd_unit_restarts_the_service_and_reloads_by_sighup():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((DEPLOY / "regelmotor.service").read_text(encoding="utf-8"))
    service = unit["Service"]
    assert service["ExecStart"].endswith("regelmotor serve")
    assert service["Restart"] == "always"
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert service["User"] != "root" and service["NoNewPrivileges"] == "yes"
    assert "REGELMOTOR_HOST=127.0.0.1" in (DEPLOY / "regelmotor.service").read_text(encoding="utf-8")


def test_the_container_and_kubernetes_health_checks_use_health_and_run_unprivileged():
    containerfile = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert re.search(r"^HEALTHCHECK .*\n.*/health", containerfile, re.MULTILINE)
    assert re.search(r"^USER \d+", containerfile, re.MULTILINE)
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text(encoding="utf-8")))
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/health", probe
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    env = {item["name"]: item["value"] for item in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert env["REGELMOTOR_API_KEYS_FILE"].startswith(mounts["api-keys"])


def _nginx_directives(text: str) -> list[tuple[str, list[str]]]:
    """(directive, arguments) of an nginx configuration in order, comments left out."""
    text = re.sub(r"#[^\n]*", "", text)
    return [(words[0], words[1:]) for statement in re.split(r"[;{}]", text) if (words := statement.split())]


def _bytes(size: str) -> int:
    return int(size.rstrip("km")) * {"k": 1024, "m": 1024 * 1024}.get(size[-1], 1)


def test_the_proxy_configuration_times_out_slow_clients_and_keeps_to_the_services_limits():
    from api.server import CONNECTION_LIMITS
    from api.settings import Settings

    directives = _nginx_directives((DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    first = {name: arguments for name, arguments in reversed(directives)}
    for timeout in ("client_header_timeout", "client_body_timeout", "send_timeout", "keepalive_timeout"):
        assert int(first[timeout][0].rstrip("s")) <= 15, timeout  # uvicorn has none of its own
    buffers, size = first["large_client_header_buffers"]
    assert _bytes(size) <= CONNECTION_LIMITS["h11_max_incomplete_event_size"]
    body_limits = [_bytes(arguments[0]) for name, arguments in directives if name == "client_max_body_size"]
    assert body_limits == [Settings.max_body_bytes, Settings.max_digisos_body_bytes]
    assert first["proxy_request_buffering"] == ["on"] and "limit_conn" in first and "limit_req" in first
    server = next(arguments for name, arguments in directives if name == "server" and arguments)
    assert int(server[1].removeprefix("max_conns=")) < CONNECTION_LIMITS["limit_concurrency"]
    headers = [arguments for name, arguments in directives if name == "proxy_set_header"]
    assert ["X-Correlation-ID", "$request_id"] in headers  # 32 hex digits: the service's own form, kept


def test_the_examples_limit_memory_and_stop_restarting_on_bad_settings():
    unit = (DEPLOY / "regelmotor.service").read_text(encoding="utf-8")
    assert re.search(r"^MemoryMax=\d+[MG]$", unit, re.MULTILINE) and "RestartPreventExitStatus=2" in unit
    containerfile = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert re.search(r"--memory \d+m", containerfile)
    deployment = next(d for d in yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text(encoding="utf-8"))
                      if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["memory"].endswith("Mi")
    for text in (unit, containerfile, (DEPLOY / "kubernetes.yaml").read_text(encoding="utf-8")):
        assert "MALLOC_ARENA_MAX" in text
