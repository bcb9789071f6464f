"""deploy/ holds: the compose file parses, every setting it names is a real one, every newsbot
command it runs exists, and nginx sends the webhook path to every worker's port."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml  # type: ignore[import-untyped]  # (PyYAML, which transformers needs)

from bot.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
NGINX = DEPLOY / "nginx.conf"
WORKER_UNIT = DEPLOY / "systemd" / "newsbot-worker@.service"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def newsbot_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose()["services"].items()
        if service.get("image") == "newsbot:latest"
    }


def workers() -> dict[str, dict[str, str]]:
    """The webhook workers' environments, by service name."""
    return {
        name: service["environment"]
        for name, service in newsbot_services().items()
        if service["environment"].get("NEWSBOT_TELEGRAM__MODE") == "webhook"
    }


def command_lines() -> list[list[str]]:
    """Every newsbot command line deploy/ runs (without the program name)."""
    lines: list[list[str]] = []
    for service in newsbot_services().values():
        entrypoint = service.get("entrypoint")
        if entrypoint is None:
            lines.append(service["command"])
        else:  # a shell loop around newsbot commands
            assert entrypoint[:2] == ["sh", "-c"]
            lines += [shlex.split(c) for c in re.findall(r"\bnewsbot ([^;]+)", entrypoint[2])]
    docker_cmd = re.search(r"^CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert docker_cmd is not None
    lines.append(yaml.safe_load(docker_cmd.group(1)))
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for start in re.findall(r"^ExecStart=(.+)$", unit.read_text(), re.M):
            program, *words = shlex.split(start)
            assert program.endswith("/newsbot")
            lines.append(words)
    return lines


def test_the_compose_file_runs_postgres_with_pgvector_redis_workers_ingest_and_nginx() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"] == "pgvector/pgvector:pg16"
    assert "--appendonly yes" in " ".join(services["redis"]["command"])
    assert len(workers()) >= 2
    assert "nginx" in services and "ingest" in newsbot_services()


def test_every_setting_named_in_deploy_is_a_real_one() -> None:
    known = set(re.findall(r"^(NEWSBOT_\w+)=", (ROOT / ".env.example").read_text(), re.M))
    named = {
        name
        for path in DEPLOY.rglob("*")
        if path.is_file()
        for name in re.findall(r"\bNEWSBOT_[A-Z0-9_]+", path.read_text())
    }
    assert named, "deploy/ names no setting"
    assert sorted(named - known) == []


@pytest.mark.parametrize("words", command_lines(), ids=" ".join)
def test_every_command_deploy_runs_exists(words: list[str]) -> None:
    args = _parser().parse_args(words)
    assert args.command == words[0]


def test_every_worker_serves_one_webhook_url_on_a_port_of_its_own() -> None:
    envs = list(workers().values())
    ports = [env["NEWSBOT_TELEGRAM__WEBHOOK_PORT"] for env in envs]
    assert len(set(ports)) == len(ports)
    assert len({env["NEWSBOT_TELEGRAM__WEBHOOK_URL"] for env in envs}) == 1
    assert all(env["NEWSBOT_STORE__URL"].startswith("postgresql://") for env in envs)
    assert all(env["NEWSBOT_STATE__URL"].startswith("redis://") for env in envs)
    nginx = NGINX.read_text()
    upstream = re.findall(r"^\s*server (\S+):(\d+)", nginx, re.M)
    assert sorted(upstream) == sorted(zip(workers(), ports, strict=True))
    url = re.sub(r"\$\{[^}]*\}", "host", envs[0]["NEWSBOT_TELEGRAM__WEBHOOK_URL"])
    path = urlsplit(url).path
    assert path
    assert f"location = {path} " in nginx


def test_the_systemd_worker_takes_its_port_from_the_instance_name() -> None:
    unit = WORKER_UNIT.read_text()
    assert "Environment=NEWSBOT_TELEGRAM__WEBHOOK_PORT=%i" in unit
    assert "Environment=NEWSBOT_DATA_DIR=/var/lib/newsbot/worker-%i" in unit
