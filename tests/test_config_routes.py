"""Routes resolved at load: which rules they take, their typed targets, and every mistake
reported with its key before anything runs."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.alerts.retry import RETRY_CAP, delivery_retry_at
from monitor.config.routes import find_route
from monitor.errors import ConfigError
from monitor.model import PersonRule, RuleSet
from monitor.targets import EmailTarget, OutboxTarget, SmtpServer, WebhookTarget
from tests.support.settings import settings_from

RULES = RuleSet(people=(
    PersonRule("babaryka", "Viktar Babaryka", tags=("political-prisoner",)),
    PersonRule("latushka", "Paval Latushka", tags=("opposition",)),
    PersonRule("vlasova", "Lilia Vlasova"),
))  # fmt: skip
DATA = {
    "smtp": {"host": "smtp.example.org", "from": "m@example.org"},
    "webhooks": {"ngo": {"url": "https://hooks.example.org/x", "format": "slack"}},
    "routes": [
        {"name": "all", "outbox": True},
        {"name": "prisoners", "tags": ["political-prisoner"], "rules": ["vlasova"],
         "email": ["a@example.org", "b@example.org"], "webhooks": ["ngo"]},
        {"name": "quiet", "email": ["a@example.org", "b@example.org"], "email_mode": "bcc"},
    ],
}  # fmt: skip
ROUTES = settings_from(DATA).routes
NOW = datetime(2024, 4, 22, tzinfo=UTC)
SERVER = SmtpServer("smtp.example.org", 587, "starttls", "m@example.org", 30.0, None,
                    "MONITOR_SMTP_PASSWORD")  # fmt: skip


def test_a_route_without_rules_or_tags_takes_every_rule() -> None:
    assert ROUTES[0].selected(RULES) is None


def test_rules_by_tag_and_by_id() -> None:
    assert ROUTES[1].selected(RULES) == {"babaryka", "vlasova"}


def test_targets_are_typed_per_channel_and_mode() -> None:
    assert ROUTES[0].targets == (OutboxTarget(Path("var/outbox"), "m@example.org"),)
    email, other, hook = ROUTES[1].targets
    assert email == EmailTarget(SERVER, ("a@example.org",))
    assert other == EmailTarget(SERVER, ("b@example.org",))
    assert isinstance(hook, WebhookTarget) and (hook.name, hook.format) == ("ngo", "slack")
    assert ROUTES[2].targets == (EmailTarget(SERVER, ("a@example.org", "b@example.org"), True),)
    assert ROUTES[1].look.formats == ("slack",)  # the bodies its digests are rendered in


def test_a_target_is_found_again_by_its_channel_and_key() -> None:
    assert ROUTES[2].target("email", "a@example.org, b@example.org") == ROUTES[2].targets[0]
    assert ROUTES[2].target("email", "a@example.org") is None


def test_an_unknown_route_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no route named 'x' \(configured: all, prisoners"):
        find_route(ROUTES, "x")


def test_every_route_problem_is_reported_at_once_with_its_key(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "subject.txt.j2").write_text("{% if %}", encoding="utf-8")
    data = {"routes": [
        {"name": "a", "outbox": True, "schedule": "daily 25:00"},
        {"name": "b", "outbox": True, "templates_dir": str(broken)},
        {"name": "c", "outbox": True, "templates_dir": str(tmp_path / "missing")},
    ]}  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        settings_from(data)
    problems = str(caught.value).splitlines()
    assert problems[0].startswith("monitor.toml: routes[0].schedule: hour 25 is not")
    assert problems[1].startswith(f"monitor.toml: routes[1].templates_dir: template {broken}")
    assert ":1: " in problems[1]  # the line of the broken template
    assert problems[2] == (
        f"monitor.toml: routes[2].templates_dir: templates_dir: {tmp_path / 'missing'}"
        " is not a folder"
    )


def test_duplicate_feed_and_route_names_are_refused() -> None:
    data = {
        "feeds": [{"name": "a", "url": "seeds"}, {"name": "a", "url": "other"}],
        "routes": [{"name": "r", "outbox": True}, {"name": "r", "outbox": True}],
    }
    with pytest.raises(ConfigError) as caught:
        settings_from(data)
    assert "feeds[1].name: 'a' is used twice; names must be unique" in str(caught.value)
    assert "routes[1].name: 'r' is used twice" in str(caught.value)


def test_secrets_named_by_the_config_are_checked_when_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NGO_SECRET", raising=False)
    monkeypatch.delenv("SMTP_PW", raising=False)
    monkeypatch.setenv("SMTP_PW_FILE", str(tmp_path / "nope"))
    data = {**DATA, "smtp": {**DATA["smtp"], "username": "m", "password_env": "SMTP_PW"}}  # type: ignore[dict-item]
    data["webhooks"] = {"ngo": {"url": "https://hooks.example.org/x", "secret_env": "NGO_SECRET"}}
    assert settings_from(data).routes  # read-only commands do not need them
    with pytest.raises(ConfigError) as caught:
        settings_from(data, secrets=True)
    assert str(caught.value).splitlines() == [
        f"monitor.toml: smtp.password_env (smtp.username is set): $SMTP_PW_FILE: cannot read "
        f"{tmp_path / 'nope'}: No such file or directory",
        "monitor.toml: webhooks.ngo.secret_env: $NGO_SECRET is not set (nor $NGO_SECRET_FILE)",
    ]


def test_a_webhook_secret_that_is_not_whsec_is_refused_at_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NGO_SECRET", "hunter2 is not base64!")
    data = {**DATA, "webhooks": {"ngo": {"url": "https://h.example/x", "secret_env": "NGO_SECRET"}}}
    with pytest.raises(ConfigError) as caught:
        settings_from(data, secrets=True)
    assert str(caught.value) == (
        "monitor.toml: webhooks.ngo.secret_env: $NGO_SECRET: not a whsec_<base64> secret"
    )
    assert "hunter2" not in str(caught.value)


def test_delivery_retries_back_off_and_end_after_three_days() -> None:
    rng = random.Random(1)
    first = delivery_retry_at(0, NOW, NOW, rng)
    assert first is not None and timedelta(minutes=1) <= first - NOW <= timedelta(minutes=1.2)
    tenth = delivery_retry_at(9, NOW, NOW, rng)
    assert tenth is not None and RETRY_CAP <= tenth - NOW <= RETRY_CAP * 1.2
    assert delivery_retry_at(30, NOW, NOW + timedelta(days=3, minutes=1), rng) is None
