"""Outages: the daemon (tick 1s) runs while its mail server is down, its webhook answers 500,
its PostgreSQL server drops every connection of the daemon (or restarts), or another process
holds its SQLite file locked. In: stories published before and during each outage. Out: the
proof, counted at the receivers, that after recovery every alert arrived on every channel
exactly once and nothing stays owed.

A failed delivery is retried a minute or more later; rather than wait for that, the tests
make owed deliveries due at once (skip_backoff), as if the time had passed.
MONITOR_TEST_PG_RESTART=1 adds a real restart of the local PostgreSQL cluster (opt-in: it
cuts the sessions of everyone using that server).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from monitor.clock import utcnow
from monitor.run.daemon import Daemon
from monitor.store import engine
from tests.reliability import outage
from tests.reliability.daemon import RECIPIENT, WEBHOOK, monitor_cli
from tests.reliability.newsroom import RULES, Wire
from tests.reliability.outage import (
    SqliteLock,
    drop_connections,
    ensure_postgres,
    restart_postgres,
    row_locked,
    skip_backoff,
    tagged,
    waiting_on_a_lock,
)
from tests.reliability.rig import Rig, rig
from tests.support.feedserver import FeedServer
from tests.support.pipelines import pipeline_factory

restartable_postgres_url = outage.restartable_postgres_url

EMAIL_FAILED = re.compile(rf"delivery to {re.escape(RECIPIENT)} failed")
WEBHOOK_FAILED = re.compile(rf"delivery to {WEBHOOK} failed")
SETTLE = 30  # seconds for the daemon to do what a tick or two should do
LOCK_HELD = 3  # seconds the SQLite lock stays held after the daemon read the news
PG_RESTART = os.environ.get("MONITOR_TEST_PG_RESTART") == "1"


def failures(r: Rig, pattern: re.Pattern[str]) -> int:
    return len(pattern.findall(r.daemon.log()))


def fail_again(r: Rig, pattern: re.Pattern[str]) -> None:
    """Publish a story, then retry what is owed, while the outage lasts: both fail."""
    before = failures(r, pattern)
    r.wire.publish()
    r.daemon.wait_for(lambda: failures(r, pattern) > before, SETTLE, "news failing to go out")
    before = failures(r, pattern)
    skip_backoff(r.database_url)
    r.daemon.wait_for(lambda: failures(r, pattern) > before, SETTLE, "a retry failing")


def recover(r: Rig) -> None:
    """Wait until every story reached every channel, making owed deliveries due meanwhile;
    then stop the daemon as systemd does."""

    def delivered() -> bool:
        skip_backoff(r.database_url)
        return r.complete()

    r.daemon.wait_for(delivered, SETTLE, "every alert on every channel after the outage")
    assert r.daemon.stop() == 0, r.daemon.tail()


@contextmanager
def control(what: str) -> Iterator[None]:
    """The steps an xfail test takes to reach its point: if one fails, the test fails for
    real (pytest.fail is no AssertionError), not as the failure it expects."""
    try:
        yield
    except AssertionError as exc:
        pytest.fail(f"control: {what}: {exc}")


def others_delivered(r: Rig, channel: str) -> bool:
    """Every story reached every channel but `channel`: a delivery fails alone."""
    return not any(titles for name, titles in r.missing().items() if name != channel)


@pytest.mark.timeout(120)
def test_mail_server_down_for_a_while_then_up(tmp_path: Path) -> None:
    with rig(tmp_path, mailbox_up=False) as r:
        r.wire.publish(2)
        r.daemon.start()
        r.daemon.wait_for(lambda: failures(r, EMAIL_FAILED) > 0, SETTLE, "a failed email")
        r.daemon.wait_for(lambda: others_delivered(r, "email"), SETTLE, "outbox and webhook")
        fail_again(r, EMAIL_FAILED)
        r.mailbox.start()
        recover(r)
        r.check_exactly_once()
        assert r.daemon.with_traceback() == []


@pytest.mark.timeout(120)
def test_webhook_answering_500_for_a_while_then_200(tmp_path: Path) -> None:
    with rig(tmp_path) as r:
        r.sink.responses.extend([500] * 1000)  # down: every request is answered 500
        r.wire.publish(2)
        r.daemon.start()
        r.daemon.wait_for(lambda: failures(r, WEBHOOK_FAILED) > 0, SETTLE, "a refused webhook")
        r.daemon.wait_for(lambda: others_delivered(r, "webhook"), SETTLE, "outbox and email")
        fail_again(r, WEBHOOK_FAILED)
        # Up again once every request it got was answered and logged (none in flight).
        r.daemon.wait_for(
            lambda: failures(r, WEBHOOK_FAILED) == len(r.sink.requests), SETTLE, "quiet"
        )
        r.sink.responses.clear()
        r.refused = len(r.sink.requests)
        recover(r)
        r.check_exactly_once()
        assert r.daemon.with_traceback() == []


def through_postgres_outage(folder: Path, url: str, outage: Callable[[Rig], None]) -> None:
    """Alerts before the outage, news during it, everything exactly once after it."""
    with rig(folder, database_url=url) as r:
        r.wire.publish(2)
        r.daemon.start()
        r.daemon.wait_for(r.complete, SETTLE, "alerts before the outage")
        try:
            outage(r)
            r.wire.publish(2)
        finally:
            ensure_postgres(url)
        recover(r)
        r.check_exactly_once()


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_postgres_dropping_every_connection_of_the_daemon_mid_run(
    tmp_path: Path, postgres_url: str
) -> None:
    def drop(r: Rig) -> None:
        assert drop_connections(r.database_url, r.daemon.pid) >= 2  # its pool's and its lock's

    through_postgres_outage(tmp_path, tagged(postgres_url), drop)


@pytest.mark.postgres
@pytest.mark.timeout(180)
@pytest.mark.skipif(
    not PG_RESTART, reason="restarts the PostgreSQL cluster: set MONITOR_TEST_PG_RESTART=1"
)
def test_postgres_restarted_mid_run(tmp_path: Path, restartable_postgres_url: str) -> None:
    through_postgres_outage(
        tmp_path, restartable_postgres_url, lambda r: restart_postgres(r.database_url)
    )


@pytest.mark.timeout(120)
def test_sqlite_file_locked_by_another_process_for_a_few_seconds(tmp_path: Path) -> None:
    with rig(tmp_path) as r:
        r.wire.publish()
        r.daemon.start()
        r.daemon.wait_for(r.complete, SETTLE, "alerts before the lock")
        with SqliteLock(tmp_path / "var" / "monitor.db"):
            new = [story.title for story in r.wire.publish(2)]
            total = len(r.wire.titles)
            r.daemon.wait_for(lambda: r.wire.served >= total, SETTLE, "a poll of the news")
            time.sleep(LOCK_HELD)  # the outage itself
            assert r.missing() == {"outbox": new, "email": new, "webhook": new}
        recover(r)
        r.check_exactly_once()
        log = r.daemon.log()
        assert "Traceback" not in log and "database is locked" not in log


@pytest.mark.timeout(60)
def test_sqlite_locked_past_the_busy_timeout_is_logged_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """In-process, the daemon's poll job with the busy timeout cut to 1 s, so that the lock
    outlasts it at once (the real one is 30 s)."""
    monkeypatch.setattr(engine, "SQLITE_BUSY_SECONDS", 1)
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    with FeedServer() as server, pipeline_factory(utcnow) as make:
        wire = Wire(server)
        wire.publish()
        daemon = Daemon(make({
            "data_dir": str(tmp_path / "var"), "rules": [str(tmp_path / "rules.yaml")],
            "feeds": [{"name": "wire", "url": wire.url}],
            "routes": [{"name": "desk", "outbox": True}],
        }))  # fmt: skip
        with SqliteLock(tmp_path / "var" / "monitor.db"), caplog.at_level(logging.WARNING):
            daemon.poll_job()
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    if not any("database is locked" in record.getMessage() for record in problems):
        pytest.fail("control: the lock did not get in the way of the poll")
    assert [record.getMessage() for record in problems if record.exc_info] == []
    assert [m for record in problems if "internal error" in (m := record.getMessage())] == []


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_after_postgres_drops_its_connections_the_daemon_still_holds_the_store(
    tmp_path: Path, postgres_url: str
) -> None:
    url = tagged(postgres_url)
    with rig(tmp_path, database_url=url) as r:
        with control("the daemon at work, then its connections dropped"):
            r.wire.publish()
            r.daemon.start()
            r.daemon.wait_for(r.complete, SETTLE, "the daemon at work")
            first = monitor_cli(r.daemon.config, "run", "--once")
            assert first.returncode == 2, "a second monitor was accepted before the outage"
            assert drop_connections(url, r.daemon.pid) >= 2
            r.wire.publish()
            r.daemon.wait_for(r.complete, SETTLE, "the daemon at work after the outage")
        second = monitor_cli(r.daemon.config, "run", "--once")
        assert second.returncode == 2, second.stdout + second.stderr
        assert "another monitor is running" in second.stderr


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_postgres_lost_between_a_send_and_its_record_then_back(
    tmp_path: Path, postgres_url: str
) -> None:
    url = tagged(postgres_url)
    with rig(tmp_path, database_url=url) as r:
        r.sink.delay = 1.0  # the receiver holds its answer: time to lock the delivery's row
        with control("the connection dropped while the daemon records a send"):
            r.wire.publish()
            r.daemon.start()
            r.daemon.wait_for(lambda: len(r.sink.requests) > 0, SETTLE, "the webhook send")
            # webhook-id is msg_<digest time>_<delivery id>
            delivery = int(r.sink.requests[0].headers["webhook-id"].rsplit("_", 1)[1])
            with row_locked(url, delivery):
                r.daemon.wait_for(lambda: waiting_on_a_lock(url), SETTLE, "the record waiting")
                assert drop_connections(url, r.daemon.pid) >= 2
        r.daemon.wait_for(r.nothing_owed, 10, "the send recorded, the database back")
        assert r.daemon.stop() == 0
        r.daemon.start()  # a restart must not send it again
        r.wire.publish()
        r.daemon.wait_for(r.complete, SETTLE, "news after the restart")
        assert r.daemon.stop() == 0
        r.check_exactly_once()
