"""deploy/: the container image file, the compose file and its config, checked as far as
this machine allows (it has no container engine: the compose file is validated by
docker-compose, the Dockerfile read for what the image must be)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from monitor.config.settings import load_settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["compose.yaml", "compose.cluster.yaml"])
def test_the_compose_files_are_valid(name: str) -> None:
    compose = shutil.which("docker-compose")
    if compose is None:
        if os.environ.get("MONITOR_REQUIRE_COMPOSE") == "1":
            pytest.fail("docker-compose is not installed (apt-get install docker-compose)")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run([compose, "-f", str(DEPLOY / name), "config", "-q"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_daemon_with_postgresql_and_a_mail_catcher() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))["services"]
    assert set(services) == {"monitor", "postgres", "mailpit"}
    monitor = services["monitor"]
    assert monitor["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert all(
        port.startswith("127.0.0.1:") for s in services.values() for port in s.get("ports", [])
    )
    mounts = {volume.split(":")[1] for volume in monitor["volumes"]}
    assert {"/var/lib/monitor", "/etc/monitor/monitor.toml", "/etc/monitor/rules"} <= mounts


def test_the_cluster_config_is_multi_node() -> None:
    config = load_settings(str(DEPLOY / "compose" / "cluster.toml")).config
    assert config.engine == "procrastinate"
    assert config.database_url and config.database_url.startswith("postgresql://")


def test_the_compose_config_loads_as_monitor_would_read_it() -> None:
    settings = load_settings(str(DEPLOY / "compose" / "monitor.toml"))
    config = settings.config
    assert config.database_url and config.database_url.startswith("postgresql://")
    assert config.http is not None and config.http.username  # beyond loopback: auth required
    assert config.smtp is not None and config.smtp.host == "mailpit"


def test_the_image_runs_as_a_user_with_a_state_volume_and_a_health_check() -> None:
    assert re.search(r"^FROM python:3\.\d+-slim$", DOCKERFILE, re.M)
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and users[-1] not in ("root", "0")
    assert 'VOLUME ["/var/lib/monitor"]' in DOCKERFILE
    [health] = re.findall(r"^HEALTHCHECK .*?\n(?:\s+CMD .*)", DOCKERFILE, re.M)
    assert "/healthz" in health
    assert re.search(r'^ENTRYPOINT \["monitor"\]$', DOCKERFILE, re.M)
