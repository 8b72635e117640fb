"""Typed targets (monitor/targets.py): each names the channel that sends it and a key, its
name within its route, which the store keeps beside each owed delivery so the relay finds
the target again; all frozen values."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from monitor.targets import (
    DEFAULT_SENDER,
    AppriseTarget,
    EmailTarget,
    OutboxTarget,
    SmtpServer,
    Target,
    WebhookTarget,
)
from tests.support.settings import settings_from

SERVER = SmtpServer("smtp.example.org", 587, "starttls", "Monitor <monitor@example.org>", 30.0)
OUTBOX = OutboxTarget(Path("/var/lib/monitor/outbox"))
ONE = EmailTarget(SERVER, ("desk@example.org",))
BCC = EmailTarget(SERVER, ("desk@example.org", "lawyer@example.net"), bcc=True)
HOOK = WebhookTarget("ngo", "https://hooks.example.org/in", "slack", 15.0, "monitor/0.1")
PUSH = AppriseTarget("tgram://${TG_TOKEN}/12345")


@pytest.mark.parametrize(
    ("target", "channel", "key"),
    [
        (OUTBOX, "outbox", "/var/lib/monitor/outbox"),
        (ONE, "email", "desk@example.org"),
        (BCC, "email", "desk@example.org, lawyer@example.net"),
        (HOOK, "webhook", "ngo"),
        (PUSH, "apprise", "tgram://${TG_TOKEN}/12345"),  # placeholders kept, never filled
    ],
)
def test_each_target_names_its_channel_and_its_key(target: Target, channel: str, key: str) -> None:
    assert (target.channel, target.key) == (channel, key)


def test_the_channel_belongs_to_the_kind_not_to_each_value() -> None:
    assert "channel" not in {f.name for f in dataclasses.fields(EmailTarget)}
    assert EmailTarget.channel == "email" and "channel" not in repr(ONE)


@pytest.mark.parametrize("target", [OUTBOX, ONE, HOOK, PUSH, SERVER])
def test_targets_are_frozen_values(target: Any) -> None:
    first = dataclasses.fields(target)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(target, first, "changed")
    assert target == dataclasses.replace(target) and len({target, dataclasses.replace(target)}) == 1


def test_defaults_a_config_may_leave_out() -> None:
    assert OUTBOX.sender == DEFAULT_SENDER
    assert (ONE.bcc, HOOK.secret_env, SERVER.username, SERVER.password_env) == (
        False,
        None,
        None,
        None,
    )


def test_the_key_of_every_target_of_a_route_finds_that_target_again(tmp_path: Path) -> None:
    """What the store keeps (channel, key) leads back to exactly one target of the route."""
    settings = settings_from({
        "data_dir": str(tmp_path),
        "smtp": {"host": "smtp.example.org", "from": "Monitor <monitor@example.org>"},
        "webhooks": {"ngo": {"url": "https://hooks.example.org/in"}},
        "routes": [{"name": "desk", "outbox": True, "webhooks": ["ngo"],
                    "email": ["desk@example.org", "lawyer@example.net"],
                    "apprise": ["json://localhost/hook"]}],
    })  # fmt: skip
    route = settings.route("desk")
    kinds = [type(target) for target in route.targets]
    assert kinds == [OutboxTarget, EmailTarget, EmailTarget, WebhookTarget, AppriseTarget]
    keys = [(target.channel, target.key) for target in route.targets]
    assert len(set(keys)) == len(keys)
    assert [route.target(channel, key) for channel, key in keys] == list(route.targets)
    assert route.target("email", "nobody@example.org") is None
