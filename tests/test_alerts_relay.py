"""The relay (alerts/relay.py): deliveries owed on a real store in, each sent over its channel
(the outbox folder, loopback SMTP, a loopback webhook) and its outcome recorded out.

Every owed delivery is sent once, even with relays racing in threads or in two processes on
one store (counted at the real sinks, on SQLite and PostgreSQL); a delivery another relay
holds is left to it until its lease runs out. Each delivery fails alone: a temporary
refusal or a missing secret keeps it owed and it is retried with growing back-off; a
permanent refusal, a target gone from the config or three days of failures give it up; an
endpoint answering 410 is disabled until a person enables it again."""

from __future__ import annotations

import base64
import collections
import email
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.alerts.relay import LEASE, Failed, Outcome, Relay, Sent
from monitor.config.settings import Settings
from monitor.model import DeliveryStatus
from monitor.render import render_digest
from monitor.store import Store
from tests.conftest import ROOT
from tests.support.pipelines import Clock
from tests.support.settings import settings_from
from tests.support.sink import WebhookSink
from tests.support.smtp import SmtpSink
from tests.support.stored import ARTICLE, BABARYKA, NOW, ingest, pending_alerts

EVERY_TARGET = {"outbox": True, "email": ["desk@example.org"], "webhooks": ["ngo"]}
MINUTE = timedelta(minutes=1)


def smtp_config(mail: SmtpSink, **more: Any) -> dict[str, Any]:
    return {"host": mail.host, "port": mail.port, "security": "none",
            "from": "Monitor <monitor@example.org>", "password_env": None, **more}  # fmt: skip



@dataclass
class Desk:
    """The route 'desk' of a config, the store its digests are owed on, and one relay."""

    data: dict[str, Any]  # the config, as a dict
    settings: Settings
    store: Store
    clock: Clock = field(default_factory=lambda: Clock(NOW))
    stories: int = 0

    def __post_init__(self) -> None:
        self.relay = Relay(self.store, self.clock)

    def owe(self, digests: int = 1) -> list[int]:
        """Each digest carries a new story of Babaryka and is owed to every target of the
        route, as the digest stage leaves it; the ids of the owed deliveries."""
        route = self.settings.route("desk")
        owed: list[int] = []
        for _ in range(digests):
            self.stories += 1
            story = replace(ARTICLE, url=f"https://example.org/a/{self.stories}",
                            title=f"{ARTICLE.title} ({self.stories})")  # fmt: skip
            ingest(self.store, [story], [BABARYKA], self.clock())
            alerts = pending_alerts(self.store, route.name, None)
            digest = render_digest(route.name, alerts, self.clock(), look=route.look,
                                   key=f"dg_{self.stories}")  # fmt: skip
            targets = [(target.channel, target.key) for target in route.targets]
            ids = self.store.deliveries.create_digest(digest, targets, self.clock())
            assert ids is not None and len(ids) == len(targets)
            owed += ids
        return owed

    def send(self) -> list[Outcome]:
        """One relay pass, as the daemon's tick makes it, with the config as it is now."""
        return self.relay.relay(self.settings.routes)

    def edit_config(self) -> None:
        """Load `data` again, as after an edit of the file."""
        self.settings = settings_from(self.data)

    def records(self, *statuses: DeliveryStatus) -> list[Any]:
        return self.store.deliveries.records(statuses)


@pytest.fixture
def open_desk(
    tmp_path: Path, webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> Iterator[Callable[..., Desk]]:
    """`open_desk(route options, **config sections)`: a Desk on a store in tmp_path (or at
    `database_url`), with the loopback SMTP server and webhook sink `ngo` configured."""
    opened: list[Store] = []

    def open_desk(route: dict[str, Any], **sections: Any) -> Desk:
        data = {
            "data_dir": str(tmp_path / "var"),
            "smtp": smtp_config(smtp_server),
            "webhooks": {"ngo": {"url": webhook_sink.url}},
            "routes": [{"name": "desk", **route}],
            **sections,
        }
        settings = settings_from(data)
        opened.append(Store.open(settings.config.db_url))
        return Desk(data, settings, opened[-1])

    yield open_desk
    for store in opened:
        store.close()


# --- one send per delivery -----------------------------------------------------------------


@pytest.fixture
def owed(open_desk: Callable[..., Desk], db_url: str, webhook_sink: WebhookSink) -> Desk:
    """Five digests owed to three targets each (outbox, email, webhook), on each backend."""
    desk = open_desk(EVERY_TARGET, database_url=db_url)
    assert len(desk.owe(5)) == 15
    webhook_sink.delay = 0.05  # slow enough that racing relays overlap
    return desk


def received_once(hook: WebhookSink, mail: SmtpSink, outbox: Path) -> tuple[int, int, int]:
    """How many webhook-ids, email Message-IDs and outbox Message-IDs arrived, asserting
    that none arrived twice."""
    hooks = collections.Counter(r.headers["webhook-id"] for r in hook.requests)
    mails = collections.Counter(str(r.message["Message-ID"]) for r in mail.messages)
    files = collections.Counter(
        email.message_from_bytes(path.read_bytes())["Message-ID"] for path in outbox.glob("*.eml")
    )
    twice = [key for seen in (hooks, mails, files) for key, n in seen.items() if n > 1]
    assert twice == [], f"arrived more than once: {twice}"
    return len(hooks), len(mails), len(files)


def race(relays: list[Relay], desk: Desk) -> list[Outcome]:
    start = threading.Barrier(len(relays))
    outcomes: list[Outcome] = []

    def run(relay: Relay) -> None:
        start.wait()
        outcomes.extend(relay.relay(desk.settings.routes))

    threads = [threading.Thread(target=run, args=(relay,)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_scheduler_threads_sharing_one_relay_send_each_delivery_once(
    owed: Desk, webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> None:
    outcomes = race([owed.relay] * 4, owed)
    assert len(outcomes) == 15 and all(isinstance(o, Sent) for o in outcomes)
    assert received_once(webhook_sink, smtp_server, owed.settings.config.outbox) == (5, 5, 5)
    assert len(owed.records(DeliveryStatus.SENT)) == 15
    assert owed.store.deliveries.due(NOW + timedelta(days=1)) == []


def test_separate_relays_on_one_store_send_each_delivery_once(
    owed: Desk, webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> None:
    """Each Relay has its own lock, as two processes would: only the store's claim arbitrates."""
    outcomes = race([Relay(owed.store, owed.clock) for _ in range(4)], owed)
    assert len(outcomes) == 15 and all(isinstance(o, Sent) for o in outcomes)
    assert received_once(webhook_sink, smtp_server, owed.settings.config.outbox) == (5, 5, 5)


def test_two_processes_relaying_one_store_send_each_delivery_once(
    owed: Desk, webhook_sink: WebhookSink, smtp_server: SmtpSink, tmp_path: Path
) -> None:
    (tmp_path / "config.json").write_text(json.dumps(owed.data), encoding="utf-8")
    command = [sys.executable, "-m", "tests.support.relay_process", str(tmp_path / "config.json"),
               str(tmp_path / "go"), NOW.isoformat()]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
                 for _ in range(2)]  # fmt: skip
    (tmp_path / "go").touch()
    counts = [int(p.communicate(timeout=60)[0]) for p in processes]
    assert sum(counts) == 15  # every delivery sent by one process or the other
    assert received_once(webhook_sink, smtp_server, owed.settings.config.outbox) == (5, 5, 5)
    assert len(owed.records(DeliveryStatus.SENT)) == 15


def test_a_delivery_another_relay_holds_waits_for_its_lease_to_run_out(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink
) -> None:
    desk = open_desk({"webhooks": ["ngo"]})
    [owed] = desk.owe()
    assert desk.store.deliveries.claim(owed, NOW, LEASE) is not None  # another relay, mid-send
    assert desk.send() == [] and webhook_sink.requests == []
    desk.clock.now = NOW + LEASE + timedelta(seconds=1)  # it died without recording the send
    [outcome] = desk.send()
    assert outcome == Sent("desk", "webhook", "ngo", "HTTP 200 from webhook ngo")
    assert len(webhook_sink.requests) == 1


def test_relay_one_sends_a_due_delivery_once(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink
) -> None:
    """Multi-node mode sends each delivery in a job of its own."""
    desk = open_desk({"webhooks": ["ngo"]})
    [owed] = desk.owe()
    assert isinstance(desk.relay.relay_one(owed, desk.settings.routes), Sent)
    assert desk.relay.relay_one(owed, desk.settings.routes) is None  # sent: nothing to do
    assert len(webhook_sink.requests) == 1


# --- each delivery fails alone -------------------------------------------------------------


def test_each_delivery_fails_alone(
    open_desk: Callable[..., Desk],
    webhook_sink: WebhookSink,
    smtp_server: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """An unreadable password file stops the email only (it stays owed); the outbox copy and
    the webhook behind it still go."""
    monkeypatch.setenv("RELAY_SMTP_PASSWORD_FILE", str(tmp_path / "unreadable"))
    smtp = smtp_config(smtp_server, username="monitor", password_env="RELAY_SMTP_PASSWORD")
    desk = open_desk(EVERY_TARGET, smtp=smtp)
    desk.owe(5)
    outcomes = desk.send()
    failed = [o for o in outcomes if isinstance(o, Failed)]
    assert [o.channel for o in failed] == ["email"] * 5
    assert all("RELAY_SMTP_PASSWORD_FILE: cannot read" in o.error and o.retry_at for o in failed)
    sent = collections.Counter(o.channel for o in outcomes if isinstance(o, Sent))
    assert sent == {"outbox": 5, "webhook": 5}
    assert len(webhook_sink.requests) == 5 and smtp_server.messages == []
    owed = desk.records(DeliveryStatus.PENDING)
    assert [(r.channel, r.attempts) for r in owed] == [("email", 1)] * 5


def test_a_target_gone_from_the_config_is_given_up_with_the_reason(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink, smtp_server: SmtpSink
) -> None:
    desk = open_desk(EVERY_TARGET)
    desk.owe(5)
    desk.data["routes"][0]["webhooks"] = []
    desk.edit_config()
    outcomes = desk.send()
    failed = [o for o in outcomes if isinstance(o, Failed)]
    assert len(failed) == 5 and all(o.retry_at is None for o in failed)
    assert "route 'desk' has no webhook target 'ngo' any more" in failed[0].error
    assert {record.channel for record in desk.records(DeliveryStatus.DEAD)} == {"webhook"}
    assert webhook_sink.requests == [] and len(smtp_server.messages) == 5


def test_a_temporary_refusal_stays_owed_and_is_retried_with_growing_back_off(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink
) -> None:
    desk = open_desk({"webhooks": ["ngo"]})
    [owed] = desk.owe()
    webhook_sink.responses.extend([500, 503])
    [first] = desk.send()
    assert isinstance(first, Failed) and "HTTP 500" in first.error and first.retry_at
    assert NOW + MINUTE <= first.retry_at <= NOW + 1.2 * MINUTE  # 1 minute, 20% jitter

    desk.clock.now = first.retry_at - timedelta(seconds=1)
    assert desk.send() == [] and len(webhook_sink.requests) == 1  # not due yet
    desk.clock.now = first.retry_at
    [second] = desk.send()
    assert isinstance(second, Failed) and "HTTP 503" in second.error and second.retry_at
    assert 2 * MINUTE <= second.retry_at - first.retry_at <= 2.4 * MINUTE  # doubled

    desk.clock.now = second.retry_at
    [third] = desk.send()
    assert isinstance(third, Sent)
    [record] = desk.records(DeliveryStatus.SENT)
    assert (record.id, record.attempts, record.sent_at) == (owed, 3, second.retry_at)
    # Every attempt carried the same webhook-id, so the receiver can drop duplicates.
    assert len({r.headers["webhook-id"] for r in webhook_sink.requests}) == 1


def test_a_delivery_failing_for_three_days_is_given_up(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink
) -> None:
    desk = open_desk({"webhooks": ["ngo"]})
    [owed] = desk.owe()
    desk.clock.now = NOW + timedelta(days=3) + MINUTE
    webhook_sink.responses.append(500)
    [outcome] = desk.send()
    assert isinstance(outcome, Failed) and outcome.retry_at is None
    [record] = desk.records(DeliveryStatus.DEAD)
    assert record.id == owed and "HTTP 500" in (record.last_error or "")


def test_a_permanent_refusal_is_given_up_and_never_sent_again(
    open_desk: Callable[..., Desk], smtp_server: SmtpSink
) -> None:
    smtp_server.rcpt_replies["desk@example.org"] = "550 5.1.1 no such user"
    desk = open_desk({"email": ["desk@example.org"]})
    [owed] = desk.owe()
    [outcome] = desk.send()
    assert isinstance(outcome, Failed) and outcome.retry_at is None and "550" in outcome.error
    [record] = desk.records(DeliveryStatus.DEAD)
    assert (record.id, record.channel, record.attempts) == (owed, "email", 1)
    assert "550" in (record.last_error or "")
    del smtp_server.rcpt_replies["desk@example.org"]  # the address works again: too late
    desk.clock.now = NOW + timedelta(days=1)
    assert desk.send() == [] and smtp_server.messages == []


def test_an_endpoint_answering_410_is_disabled_until_enabled_again(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink
) -> None:
    desk = open_desk({"webhooks": ["ngo"]})
    webhook_sink.responses.append(410)
    desk.owe()
    [gone] = desk.send()
    assert gone == Failed("desk", "webhook", "ngo", "webhook ngo: HTTP 410, endpoint gone", None)
    assert desk.store.deliveries.disabled_endpoints() == {("webhook", "ngo"): gone.error}

    desk.owe()  # the next digest is not even tried
    [refused] = desk.send()
    assert isinstance(refused, Failed) and refused.retry_at is None
    assert "endpoint disabled after HTTP 410" in refused.error
    assert "monitor deliveries --enable webhook ngo" in refused.error
    assert len(webhook_sink.requests) == 1

    assert desk.store.deliveries.enable_endpoint("webhook", "ngo")
    desk.owe()
    assert [type(o) for o in desk.send()] == [Sent] and len(webhook_sink.requests) == 2


def test_a_webhook_whose_secret_is_missing_stays_owed_and_is_never_sent_unsigned(
    open_desk: Callable[..., Desk], webhook_sink: WebhookSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAY_TEST_WHSEC", raising=False)
    monkeypatch.delenv("RELAY_TEST_WHSEC_FILE", raising=False)
    hook = {"url": webhook_sink.url, "secret_env": "RELAY_TEST_WHSEC"}
    desk = open_desk({"webhooks": ["ngo"]}, webhooks={"ngo": hook})
    [owed] = desk.owe()
    [missing] = desk.send()
    assert isinstance(missing, Failed) and missing.retry_at is not None
    assert "$RELAY_TEST_WHSEC is not set; not sent unsigned" in missing.error
    assert webhook_sink.requests == []
    assert [r.id for r in desk.records(DeliveryStatus.PENDING)] == [owed]

    monkeypatch.setenv("RELAY_TEST_WHSEC", "whsec_" + base64.b64encode(b"k" * 32).decode())
    desk.clock.now = missing.retry_at
    assert [type(o) for o in desk.send()] == [Sent]
    [request] = webhook_sink.requests
    assert request.headers["webhook-signature"].startswith("v1,")
