"""Secrets from the environment or a file named by NAME_FILE, never shown in a repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_settings
from monitor.credentials import missing_secret, read_secret
from monitor.errors import ConfigError


def test_a_secret_comes_from_the_variable_else_from_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file\n", encoding="utf-8")
    assert read_secret("PW", {}) is None
    from_file = read_secret("PW", {"PW_FILE": str(secret)})
    assert from_file is not None and from_file.get_secret_value() == "from-file"
    assert "from-file" not in repr(from_file)
    both = read_secret("PW", {"PW": "from-env", "PW_FILE": str(secret)})
    assert both is not None and both.get_secret_value() == "from-env"


def test_an_unreadable_file_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^\$PW_FILE: cannot read .*nope: No such file"):
        read_secret("PW", {"PW_FILE": str(tmp_path / "nope")})


def test_missing_secret_says_which_key_and_variable() -> None:
    assert missing_secret("PW", "smtp.password_env", {}) == (
        "smtp.password_env: $PW is not set (nor $PW_FILE)"
    )
    assert missing_secret("PW", "smtp.password_env", {"PW": "s3cret"}) is None


def test_a_secret_set_but_empty_is_named_as_such(tmp_path: Path) -> None:
    empty = tmp_path / "pw"
    empty.write_text("\n", encoding="utf-8")
    assert missing_secret("PW", "http.password_env", {"PW": ""}) == (
        "http.password_env: $PW is set but empty"
    )
    assert missing_secret("PW", "http.password_env", {"PW_FILE": str(empty)}) == (
        "http.password_env: $PW_FILE's file is set but empty"
    )


def test_an_empty_password_stops_the_start_naming_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[http]\nlisten = "0.0.0.0:8787"\nusername = "desk"\npassword_env = "EMPTY_PW"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("EMPTY_PW", "")
    with pytest.raises(ConfigError) as caught:
        load_settings(str(config), secrets=True)
    assert f"{config}: http.password_env: $EMPTY_PW is set but empty" in str(caught.value)
