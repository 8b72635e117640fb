"""The config schema (config/schema.py): defaults, and validation messages that name the key
(settings load it all)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config.schema import Config, config_from_dict, load_config, parse_duration
from monitor.config.settings import load_settings
from monitor.errors import ConfigError

FULL = """\
database_url = "sqlite:///var/monitor.db"
rules = ["rules"]

[[feeds]]
name = "rferl-belarus"
url = "https://www.rferl.org/api/zjmpqeyvmp"
interval = "30m"
language = "en"
tags = ["belarus"]

[smtp]
host = "smtp.example.org"
port = 587
security = "starttls"
username = "monitor@example.org"
password_env = "MONITOR_SMTP_PASSWORD"
from = "Monitor <monitor@example.org>"

[webhooks.ngo]
url = "https://hooks.example.org/monitor"
secret_env = "MONITOR_WEBHOOK_SECRET"

[[routes]]
name = "daily"
email = ["desk@example.org"]
webhooks = ["ngo"]
tags = ["political-prisoner"]
schedule = "daily 07:00"
timezone = "Europe/Minsk"
"""


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def error(tmp_path: Path, text: str) -> str:
    """The whole load, as `monitor run` does it: the config, then its routes resolved."""
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    return str(info.value).replace(str(tmp_path / "monitor.toml"), "F")


def test_no_file_means_the_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    config = load_config(None)
    assert [f.name for f in config.feeds] == ["seeds"]
    assert Path(config.feeds[0].url).name == "seeds"
    assert config.db_url == "sqlite:///var/monitor.db"
    assert config.outbox == Path("var/outbox")
    [route] = config.routes
    assert route.outbox and not route.email


def test_a_full_config_loads(tmp_path: Path) -> None:
    config = load(tmp_path, FULL)
    assert config.feeds[0].interval == timedelta(minutes=30)
    assert config.smtp is not None and config.smtp.sender == "Monitor <monitor@example.org>"
    assert config.routes[0].timezone == "Europe/Minsk"
    assert config.webhooks["ngo"].format == "standard"


def test_the_config_file_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(FULL, encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    assert load_config(None).feeds[0].name == "rferl-belarus"


def test_errors_name_the_key_and_suggest(tmp_path: Path) -> None:
    text = FULL.replace('interval = "30m"', 'interval = "soon"').replace(
        'timezone = "Europe/Minsk"', 'timezone = "Europe/Minks"\nshedule = "hourly"'
    )
    assert error(tmp_path, text).splitlines() == [
        "F: feeds[0].interval: expected a duration like '15m', '2h' or '1d', got 'soon'",
        "F: routes[0].timezone: unknown time zone 'Europe/Minks' (use a name like 'Europe/Minsk')",
        "F: routes[0].shedule: unknown key (did you mean 'schedule'?)",
    ]


def test_a_bad_schedule_explains_the_forms(tmp_path: Path) -> None:
    message = error(tmp_path, FULL.replace('"daily 07:00"', '"every morning"'))
    assert message.startswith(
        "F: routes[0].schedule: schedule 'every morning': expected "
        "'hourly', 'daily HH:MM', 'weekly mon HH:MM' or a cron line"
    )


def test_routes_must_name_configured_channels(tmp_path: Path) -> None:
    text = FULL.replace('webhooks = ["ngo"]', 'webhooks = ["slack"]')
    assert "routes[0].webhooks: no [webhooks.slack] section" in error(tmp_path, text)
    no_smtp = FULL[: FULL.index("[smtp]")] + FULL[FULL.index("[webhooks.ngo]") :]
    assert "routes[0].email: needs an [smtp] section" in error(tmp_path, no_smtp)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "missing.toml")
    assert error(tmp_path, "feeds = [").startswith("F: not valid TOML:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        (600, timedelta(minutes=10)),
    ],
)
def test_durations(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["0m", "15", "m", -5, True, "1w"])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(bad)


def test_two_feeds_of_one_url_are_refused_at_load() -> None:
    """Polled once under one of its names, the other feed would never be heard of."""
    data = {"feeds": [{"name": "a", "url": "https://news.example/f"},
                      {"name": "b", "url": "https://news.example/g"},
                      {"name": "c", "url": "https://news.example/f"}]}  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        config_from_dict(data, "monitor.toml")
    assert str(caught.value) == (
        "monitor.toml: feeds[2].url: the same URL as feeds[0]; poll each URL once"
    )
