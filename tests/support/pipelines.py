"""Pipelines for end-to-end tests: a config (as a dict) and a clock in, a real Pipeline out
(a real SQLite store and fetcher), all closed when the test ends; the summary's lines; a
clock that moves only when told; the config of the bundled seeds served over loopback.

A pytest plugin (tests/conftest.py): the `clock` and `make_pipeline` fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.alerts.relay import Sent
from monitor.fetch import Fetcher
from monitor.run.pipeline import Pipeline, RunSummary, describe_failure
from monitor.store import Store
from tests.conftest import RULES, SEEDS
from tests.support.feedserver import FeedServer
from tests.support.settings import settings_from
from tests.support.sink import WebhookSink
from tests.support.smtp import SmtpSink


@contextmanager
def pipeline_factory(
    clock: Callable[[], datetime], *, warn_rules: bool = True
) -> Iterator[Callable[[dict[str, Any]], Pipeline]]:
    """`warn_rules=False`: no rule warnings written beside the data in the background (a test
    that deletes the data folder wants nothing else writing there)."""
    opened: list[tuple[Pipeline, Store, Fetcher]] = []

    def make(data: dict[str, Any]) -> Pipeline:
        settings = settings_from(data)
        store, fetcher = Store.open(settings.config.db_url), Fetcher("monitor-test")
        pipeline = Pipeline(settings, store, fetcher, clock, warn_rules=warn_rules)
        opened.append((pipeline, store, fetcher))
        return pipeline

    try:
        yield make
    finally:
        for pipeline, store, fetcher in opened:
            pipeline.close()
            fetcher.close()
            store.close()


def sent(summary: RunSummary) -> list[str]:
    """'route -> channel: what was done', as `run --once` prints it."""
    return [f"{o.route} -> {o.channel}: {o.done}" for o in summary.outcomes if isinstance(o, Sent)]


def failed(summary: RunSummary) -> list[str]:
    return [describe_failure(o) for o in summary.failed]


@dataclass
class Clock:
    """Time that only moves when a test moves it (or sets `now`)."""

    now: datetime = datetime(2024, 4, 23, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


def served_config(
    tmp_path: Path,
    server: FeedServer,
    mail: SmtpSink | None,
    hook: WebhookSink | None,
    rules: Path = RULES,
) -> dict[str, Any]:
    server.serve_folder(SEEDS, "/seeds/")
    route: dict[str, Any] = {"name": "desk", "outbox": True, "schedule": "daily 07:00"}
    data: dict[str, Any] = {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(rules)],
        "feeds": [
            {"name": "rferl", "url": server.url("/seeds/rfe-belarus.rss.xml")},
            {"name": "atom", "url": server.url("/seeds/belarus-news.atom.xml")},
            {"name": "nn", "url": server.url("/seeds/nasha-niva-ru.rss.xml"), "language": "ru"},
            {"name": "cp1251", "url": server.url("/seeds/belarus-cp1251.rss.xml")},
        ],
        "routes": [route],
    }
    if mail:
        data["smtp"] = {
            "host": mail.host,
            "port": mail.port,
            "security": "none",
            "from": "Monitor <monitor@example.org>",
            "password_env": None,
        }
        route["email"] = ["desk@example.org", "casework@example.org"]
    if hook:
        data["webhooks"] = {"ngo": {"url": hook.url, "secret_env": "TEST_WEBHOOK_SECRET"}}
        route["webhooks"] = ["ngo"]
    return data


@pytest.fixture
def make_pipeline(clock: Clock) -> Iterator[Any]:
    with pipeline_factory(clock) as make:
        yield make
