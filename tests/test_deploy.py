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
