"""Settings (config/settings.py): a config file in (``--config``, else $MONITOR_CONFIG, else
the embedded defaults), everything a process runs with out, checked to the end at load:
the config with relative paths meaning the file's folder, its feeds and its routes resolved,
secrets too when asked; and whether the file changed since."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.config.settings import config_file, load_settings
from monitor.errors import ConfigError

CONFIG = """\
data_dir = "state"
rules = ["rules"]

[[feeds]]
name = "news"
url = "news"

[[feeds]]
name = "paused"
url = "https://paused.example/feed.xml"
enabled = false

[webhooks.ngo]
url = "https://hooks.example.org/in"

[[routes]]
name = "desk"
outbox = true
webhooks = ["ngo"]
schedule = "daily 07:00"
"""


@pytest.fixture(autouse=True)
def no_config_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "monitor.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_a_config_file_loads_its_feeds_and_routes(config: Path) -> None:
    settings = load_settings(str(config))
    assert settings.path == str(config) and settings.fingerprint
    [route] = settings.routes
    assert settings.route("desk") is route
    assert [(t.channel, t.key) for t in route.targets] == [
        ("outbox", str(config.parent / "state" / "outbox")),
        ("webhook", "ngo"),
    ]
    assert [feed.name for feed in settings.feeds] == ["news", "paused"]
    assert [feed.name for feed in settings.enabled_feeds()] == ["news"]
    news = settings.feed("news")
    assert news is not None and news.url == str(config.parent / "news")
    assert settings.feed("paused") is None and settings.feed("nowhere") is None
    with pytest.raises(ConfigError, match=r"no route named 'nope' \(configured: desk\)"):
        settings.route("nope")


def test_relative_paths_mean_the_files_folder_not_the_working_one(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = load_settings(str(config))
    base = config.parent.resolve()
    assert (settings.config.data_dir, settings.config.rules) == (base / "state", (base / "rules",))
    assert settings.config.db_url == f"sqlite:///{base / 'state' / 'monitor.db'}"


def test_without_a_path_the_file_named_by_MONITOR_CONFIG_loads(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MONITOR_CONFIG", "etc/monitor.toml")  # relative to the working folder
    settings = load_settings()
    assert settings.path == "etc/monitor.toml"
    assert settings.config.data_dir == config.parent.resolve() / "state"
    assert [route.name for route in settings.routes] == ["desk"]


def test_a_path_given_wins_over_MONITOR_CONFIG(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[[routes]]\nname = "other"\noutbox = true\n', encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(config))
    assert [route.name for route in load_settings(str(other)).routes] == ["other"]


def test_without_any_file_the_embedded_defaults_apply() -> None:
    settings = load_settings()
    assert (settings.path, settings.fingerprint) == (None, "")
    [route] = settings.routes
    assert route.name == "digest" and [t.channel for t in route.targets] == ["outbox"]
    assert [feed.name for feed in settings.feeds] == ["seeds"]
    assert settings.changed() is False  # no file: nothing to change


def test_changed_notices_an_edit_not_a_save_of_the_same_bytes(config: Path) -> None:
    settings = load_settings(str(config))
    assert settings.changed() is False
    config.write_text(CONFIG, encoding="utf-8")  # saved again, unchanged
    assert settings.changed() is False
    config.write_text(CONFIG.replace("daily 07:00", "daily 08:00"), encoding="utf-8")
    assert settings.changed() is True
    reloaded = load_settings(str(config))
    assert reloaded.changed() is False and reloaded.route("desk").schedule == "daily 08:00"


def test_a_broken_edit_counts_as_a_change_and_fails_to_load_with_the_reason(
    config: Path,
) -> None:
    settings = load_settings(str(config))
    config.write_text(CONFIG + "[[feeds]\n", encoding="utf-8")
    assert settings.changed() is True
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(config))}: not valid TOML"):
        load_settings(str(config))
    config.unlink()
    assert settings.changed() is True
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(config))}: cannot read config"):
        load_settings(str(config))


def test_every_mistake_is_reported_at_load_with_its_key(config: Path) -> None:
    config.write_text(
        CONFIG.replace("daily 07:00", "sometimes").replace('url = "news"', 'url = "news"\nx = 1'),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(str(config))
    assert f"{config}: feeds[0].x: unknown key" in str(caught.value)
    config.write_text(CONFIG.replace("daily 07:00", "sometimes"), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(config))}: routes\[0\]\.schedule: "):
        load_settings(str(config))


def test_secrets_are_checked_only_when_asked_and_named_when_missing(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SETTINGS_TEST_WHSEC", "SETTINGS_TEST_SMTP"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    config.write_text(
        CONFIG.replace('url = "https://hooks.example.org/in"',
                       'url = "https://hooks.example.org/in"\nsecret_env = "SETTINGS_TEST_WHSEC"')
        + '[smtp]\nhost = "smtp.example.org"\nfrom = "m@example.org"\nusername = "monitor"\n'
        'password_env = "SETTINGS_TEST_SMTP"\n',
        encoding="utf-8",
    )  # fmt: skip
    assert load_settings(str(config)).routes  # read-only commands need no secrets
    with pytest.raises(ConfigError) as caught:
        load_settings(str(config), secrets=True)
    assert str(caught.value).splitlines() == [
        f"{config}: smtp.password_env (smtp.username is set): $SETTINGS_TEST_SMTP is not set "
        "(nor $SETTINGS_TEST_SMTP_FILE)",
        f"{config}: webhooks.ngo.secret_env: $SETTINGS_TEST_WHSEC is not set "
        "(nor $SETTINGS_TEST_WHSEC_FILE)",
    ]
    monkeypatch.setenv("SETTINGS_TEST_SMTP", "pa55word")
    monkeypatch.setenv("SETTINGS_TEST_WHSEC", "whsec_" + "a2V5" * 8)
    assert load_settings(str(config), secrets=True).routes


def test_config_file_reads_the_config_alone_for_commands_that_need_no_routes(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(CONFIG.replace("daily 07:00", "sometimes"), encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(str(config))  # the route's schedule is wrong...
    alone = config_file(str(config))  # ...which does not stop reading the rest
    assert alone.data_dir == config.parent.resolve() / "state"
    assert [route.schedule for route in alone.routes] == ["sometimes"]
    monkeypatch.setenv("MONITOR_CONFIG", str(config))
    assert config_file() == alone
    monkeypatch.delenv("MONITOR_CONFIG")
    assert [feed.name for feed in config_file().feeds] == ["seeds"]  # the embedded defaults
