"""Docs as tests: every config and rule snippet we publish must load, and CI must run the
README's own test command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from monitor.config.schema import config_from_dict, load_config
from monitor.rules.files import load_rules
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("snippet", blocks(README, "toml"))
def test_readme_config_snippets_load(snippet: str) -> None:
    config = config_from_dict(tomllib.loads(snippet), "README.md")
    assert config.routes and config.feeds


@pytest.mark.parametrize("snippet", blocks(README, "yaml"))
def test_readme_rule_snippets_load(snippet: str, tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(snippet, encoding="utf-8")
    assert load_rules([tmp_path]).all()


def test_the_deploy_example_config_loads() -> None:
    config = load_config(ROOT / "deploy" / "monitor.example.toml")
    assert {route.name for route in config.routes} == {"morning", "prisoners-hourly"}


def test_ci_runs_the_readme_test_command() -> None:
    [command] = [b.strip() for b in blocks(README, "sh") if "pytest" in b]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()


def test_readme_has_both_setup_commands() -> None:
    commands = [b.strip() for b in blocks(README, "sh")]
    assert any(c.endswith("monitor run --once") and "pip install ." in c for c in commands)
