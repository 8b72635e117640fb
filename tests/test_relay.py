"""The relay: every owed delivery sent once, even with relays racing in threads or in two
processes on one store (counted at real sinks), and each delivery failing alone."""

from __future__ import annotations

import collections
import email
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.alerts.relay import Failed, Relay, Sent
from monitor.model import DeliveryStatus
from monitor.run.pipeline import Pipeline
from tests.conftest import ROOT, RULES
from tests.support import sink, smtp
from tests.support.pipelines import pipeline_factory
from tests.support.settings import settings_from
from tests.support.sink import WebhookSink
from tests.support.smtp import SmtpSink

smtp_server = smtp.smtp_server
webhook_sink = sink.webhook_sink

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
STORY = "{name} in court\n\nViktar Babaryka appeared in court again, case {n}.\n"


def config(tmp_path: Path, hook: WebhookSink, mail: SmtpSink) -> dict[str, Any]:
    return {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(RULES)],
        "feeds": [{"name": "news", "url": str(tmp_path / "news")}],
        "smtp": {"host": mail.host, "port": mail.port, "security": "none",
                 "from": "Monitor <monitor@example.org>", "password_env": None},
        "webhooks": {"ngo": {"url": hook.url}},
        "routes": [{"name": "desk", "email": ["desk@example.org"], "webhooks": ["ngo"],
                    "outbox": True}],
    }  # fmt: skip


@pytest.fixture
def owed(
    tmp_path: Path, webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> Iterator[tuple[Pipeline, dict[str, Any]]]:
    """A pipeline with five digests owed, three targets each (outbox, email, webhook)."""
    data = config(tmp_path, webhook_sink, smtp_server)
    (tmp_path / "news").mkdir()
    with pipeline_factory(lambda: NOW) as make:
        pipeline = make(data)
        for n in range(5):
            (tmp_path / "news" / f"{n}.txt").write_text(STORY.format(name="Babaryka", n=n))
            pipeline.poller.poll(pipeline.feeds())
            [route] = pipeline.settings.routes
            assert pipeline.digester.make(route, pipeline.rules.active) == 3
        webhook_sink.delay = 0.05  # slow enough that racing relays overlap
        yield pipeline, data


def received_once(hook: WebhookSink, mail: SmtpSink) -> tuple[int, int]:
    """(webhook-ids, Message-IDs) that arrived, asserting none arrived twice."""
    hooks = collections.Counter(r.headers["webhook-id"] for r in hook.requests)
    mails = collections.Counter(str(r.message["Message-ID"]) for r in mail.messages)
    assert [k for k, n in hooks.items() if n > 1] == [] and [
        k for k, n in mails.items() if n > 1
    ] == []
    return len(hooks), len(mails)


def race(relays: list[Relay], pipeline: Pipeline) -> list[Any]:
    start = threading.Barrier(len(relays))
    outcomes: list[Any] = []

    def run(relay: Relay) -> None:
        start.wait()
        outcomes.extend(relay.relay(pipeline.settings.routes))

    threads = [threading.Thread(target=run, args=(relay,)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_scheduler_threads_sharing_one_relay_send_each_delivery_once(
    owed: tuple[Pipeline, dict[str, Any]], webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> None:
    pipeline, _ = owed
    outcomes = race([pipeline.relay] * 4, pipeline)
    assert len(outcomes) == 15 and all(isinstance(o, Sent) for o in outcomes)
    assert received_once(webhook_sink, smtp_server) == (5, 5)


def test_separate_relays_on_one_store_send_each_delivery_once(
    owed: tuple[Pipeline, dict[str, Any]], webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> None:
    """Each Relay has its own lock, as two processes would: only the store's claim arbitrates."""
    pipeline, _ = owed
    relays = [Relay(pipeline.store, lambda: NOW) for _ in range(4)]
    outcomes = race(relays, pipeline)
    assert len(outcomes) == 15
    assert received_once(webhook_sink, smtp_server) == (5, 5)


def test_two_processes_relaying_one_store_send_each_delivery_once(
    owed: tuple[Pipeline, dict[str, Any]],
    webhook_sink: WebhookSink,
    smtp_server: SmtpSink,
    tmp_path: Path,
) -> None:
    _, data = owed
    (tmp_path / "config.json").write_text(json.dumps(data), encoding="utf-8")
    command = [sys.executable, "-m", "tests.support.relay_process", str(tmp_path / "config.json"),
               str(tmp_path / "go")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
                 for _ in range(2)]  # fmt: skip
    (tmp_path / "go").touch()
    counts = [int(p.communicate(timeout=60)[0]) for p in processes]
    assert sum(counts) == 15  # every delivery sent by one process or the other
    assert received_once(webhook_sink, smtp_server) == (5, 5)
    outbox = list((tmp_path / "var" / "outbox").glob("*.eml"))
    ids = collections.Counter(
        email.message_from_bytes(p.read_bytes())["Message-ID"] for p in outbox
    )
    assert len(ids) == 5 and set(ids.values()) == {1}


def test_each_delivery_fails_alone(
    owed: tuple[Pipeline, dict[str, Any]],
    webhook_sink: WebhookSink,
    smtp_server: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """An unreadable password file stops the email only; the webhook behind it still goes."""
    pipeline, data = owed
    monkeypatch.setenv("RELAY_SMTP_PASSWORD_FILE", str(tmp_path / "unreadable"))
    data["smtp"] |= {"username": "monitor", "password_env": "RELAY_SMTP_PASSWORD"}
    pipeline.settings = settings_from(data)
    outcomes = pipeline.relay_owed()
    failed = [o for o in outcomes if isinstance(o, Failed)]
    assert [o.channel for o in failed] == ["email"] * 5
    assert all("RELAY_SMTP_PASSWORD_FILE: cannot read" in o.error and o.retry_at for o in failed)
    assert len(webhook_sink.requests) == 5 and smtp_server.messages == []


def test_a_target_gone_from_the_config_is_given_up_with_the_reason(
    owed: tuple[Pipeline, dict[str, Any]], webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> None:
    pipeline, data = owed
    data["routes"][0]["webhooks"] = []
    pipeline.settings = settings_from(data)
    failed = [o for o in pipeline.relay_owed() if isinstance(o, Failed)]
    assert len(failed) == 5 and all(o.retry_at is None for o in failed)
    assert "route 'desk' has no webhook target 'ngo' any more" in failed[0].error
    dead = pipeline.store.deliveries.records([DeliveryStatus.DEAD])
    assert {record.channel for record in dead} == {"webhook"}
    assert webhook_sink.requests == []
