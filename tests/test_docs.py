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


def _defined() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Module stem -> names it defines at top level; class -> its methods (whole package)."""
    import ast

    modules: dict[str, set[str]] = {}
    classes: dict[str, set[str]] = {}
    for path in (ROOT / "monitor").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = modules.setdefault(path.stem if path.stem != "__init__" else path.parent.name,
                                   set())  # fmt: skip
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.ImportFrom):  # a package's face re-exports
                names.update(alias.asname or alias.name for alias in node.names)
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, set()).update(
                    n.name for n in node.body if isinstance(n, ast.FunctionDef)
                )
    return modules, classes


def test_the_architecture_walk_names_functions_that_exist() -> None:
    """docs/architecture.md follows one feed item by the names of the functions it passes:
    each `Class.method`, `module.function` and `package.name` it quotes must exist."""
    modules, classes = _defined()
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    quoted = set(re.findall(r"`([A-Za-z_][\w.]*\.[A-Za-z_]\w*)`", text))
    assert len(quoted) > 40  # the walk really names its steps
    missing = []
    for name in sorted(quoted):
        *owner, leaf = name.split(".")
        if name.endswith(".py") or (owner[0] == "monitor" and len(owner) == 1):
            continue  # a file name, not a function
        where = owner[-1]
        if leaf not in modules.get(where, set()) | classes.get(where, set()):
            missing.append(name)
    assert missing == []
