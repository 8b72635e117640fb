"""Routes: which rules they take and where their digests are owed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitor import routes
from monitor.config import config_from_dict
from monitor.errors import ConfigError
from monitor.model import PersonRule, RuleSet
from monitor.policy import RETRY_CAP, delivery_retry_at

RULES = RuleSet(people=(
    PersonRule("babaryka", "Viktar Babaryka", tags=("political-prisoner",)),
    PersonRule("latushka", "Paval Latushka", tags=("opposition",)),
    PersonRule("vlasova", "Lilia Vlasova"),
))  # fmt: skip
CONFIG = config_from_dict({
    "smtp": {"host": "smtp.example.org", "from": "m@example.org"},
    "webhooks": {"ngo": {"url": "https://hooks.example.org/x"}},
    "routes": [
        {"name": "all", "outbox": True},
        {"name": "prisoners", "tags": ["political-prisoner"], "rules": ["vlasova"],
         "email": ["a@example.org", "b@example.org"], "webhooks": ["ngo"]},
        {"name": "quiet", "email": ["a@example.org", "b@example.org"], "email_mode": "bcc"},
    ],
})  # fmt: skip
NOW = datetime(2024, 4, 22, tzinfo=UTC)


def test_a_route_without_rules_or_tags_takes_every_rule() -> None:
    assert routes.rule_ids(CONFIG.routes[0], RULES) is None


def test_rules_by_tag_and_by_id() -> None:
    assert routes.rule_ids(CONFIG.routes[1], RULES) == {"babaryka", "vlasova"}


def test_targets_per_channel_and_mode() -> None:
    assert routes.targets(CONFIG.routes[0], CONFIG) == [("outbox", "var/outbox")]
    assert routes.targets(CONFIG.routes[1], CONFIG) == [
        ("email", "a@example.org"),
        ("email", "b@example.org"),
        ("webhook", "ngo"),
    ]
    assert routes.targets(CONFIG.routes[2], CONFIG) == [
        ("email-bcc", "a@example.org, b@example.org")
    ]


def test_an_unknown_route_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no route named 'x' \(configured: all, prisoners"):
        routes.find_route(CONFIG, "x")


def test_delivery_retries_back_off_and_end_after_three_days() -> None:
    rng = random.Random(1)
    first = delivery_retry_at(0, NOW, NOW, rng)
    assert first is not None and timedelta(minutes=1) <= first - NOW <= timedelta(minutes=1.2)
    tenth = delivery_retry_at(9, NOW, NOW, rng)
    assert tenth is not None and RETRY_CAP <= tenth - NOW <= RETRY_CAP * 1.2
    assert delivery_retry_at(30, NOW, NOW + timedelta(days=3, minutes=1), rng) is None
