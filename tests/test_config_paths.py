"""Relative paths in a config file mean the file's folder, whatever the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config.settings import load_settings
from tests.conftest import ROOT

CONFIG = """\
data_dir = "state"
database_url = "sqlite:///state/monitor.db"
rules = ["rules"]
templates_dir = "look"
[[feeds]]
name = "local"
url = "news"
[[feeds]]
name = "remote"
url = "https://news.example/feed"
[[routes]]
name = "desk"
outbox = true
templates_dir = "look/desk"
"""


def test_paths_set_in_a_config_file_are_resolved_against_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etc"
    (folder / "look" / "desk").mkdir(parents=True)
    (folder / "monitor.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # elsewhere: relative paths must not mean this folder
    config = load_settings("etc/monitor.toml").config
    base = folder.resolve()
    assert (config.data_dir, config.rules, config.templates_dir) == (
        base / "state",
        (base / "rules",),
        base / "look",
    )
    assert config.database_url == f"sqlite:///{base / 'state' / 'monitor.db'}"
    assert [f.url for f in config.feeds] == [str(base / "news"), "https://news.example/feed"]
    assert config.routes[0].templates_dir == base / "look" / "desk"


def test_defaults_keep_their_own_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "only.toml").write_text('data_dir = "d"\n', encoding="utf-8")
    monkeypatch.chdir(ROOT)
    config = load_settings(str(tmp_path / "only.toml")).config
    assert config.data_dir == tmp_path / "d"
    assert config.rules == (Path("rules"),)  # the working directory's, as without a file


def test_an_editable_install_runs_from_any_folder(tmp_path: Path) -> None:
    """The checkout's seeds and rules serve as defaults when the package is not a wheel."""
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_CONFIG"}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "run", "--once"], cwd=tmp_path, capture_output=True,
        text=True, timeout=120, env={**env, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "new matches:" in result.stdout and list((tmp_path / "var" / "outbox").glob("*.eml"))
