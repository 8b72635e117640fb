"""The daemon's jobs: errors logged in one line and retried; a database that vanished stops
the daemon (exit 3) so the service manager restarts it instead of logging errors forever."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from monitor.errors import ConfigError
from monitor.run.daemon import Daemon
from tests.conftest import ROOT, RULES, SEEDS
from tests.support.pipelines import pipeline_factory
from tests.support.wait import wait_for

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


@pytest.fixture
def daemon(tmp_path: Path) -> Daemon:
    data = {"data_dir": str(tmp_path / "var"), "rules": [str(RULES)],
            "feeds": [{"name": "seeds", "url": str(SEEDS)}]}  # fmt: skip
    with pipeline_factory(lambda: NOW, warn_rules=False) as make:
        yield Daemon(make(data))


def test_a_users_mistake_is_one_line(daemon: Daemon, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise ConfigError("no route named 'x'")

    daemon.guarded("digest x", broken)
    [record] = caplog.records
    assert record.getMessage() == "digest x: no route named 'x'" and record.exc_info is None


def test_a_database_error_is_one_line_and_the_daemon_goes_on(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    def read_only() -> None:
        raise sa.exc.OperationalError("INSERT", {}, sqlite3.OperationalError(
            "attempt to write a readonly database"))  # fmt: skip

    with caplog.at_level(logging.INFO):
        daemon.guarded("poll", read_only)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "poll: database error: attempt to write a readonly database"
    ]
    assert errors[0].exc_info is None and daemon.fatal is None


def test_a_bug_is_logged_with_its_traceback(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    daemon.guarded("poll", lambda: 1 / 0)
    [record] = caplog.records
    assert "unexpected error; will retry" in record.getMessage() and record.exc_info


def test_a_deleted_database_stops_the_daemon(daemon: Daemon, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "var")
    daemon.check_store()
    assert daemon.fatal is not None and "was deleted or replaced" in daemon.fatal


def test_the_housekeeping_tick_notices_a_deleted_database_and_does_nothing_more(
    daemon: Daemon, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Open connections write on to a deleted file without an error: the tick looks."""
    shutil.rmtree(tmp_path / "var")
    daemon.housekeeping_job()
    assert daemon.fatal is not None and "was deleted or replaced" in daemon.fatal
    assert not [r for r in caplog.records if r.levelno == logging.ERROR]  # no job ran on


def test_the_learn_job_learns_from_the_stored_articles_once_a_day(daemon: Daemon) -> None:
    pipeline = daemon.pipeline
    pipeline.poll(pipeline.feeds())
    daemon.learn_job()
    standings, learned, days = pipeline.store.standings.learned()
    assert learned == NOW and days == 28
    assert {s.rule_id for s in standings} >= {"babaryka"}  # the seeds name him in full
    assert pipeline.rules.active.rules.learned == standings
    assert "learn" in {job.id for job in daemon.scheduler.get_jobs()}


def test_the_running_daemon_exits_3_when_its_data_folder_is_deleted(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "var"}"\ntick = "1s"\nrules = ["{RULES}"]\n'
        f'[[feeds]]\nname = "seeds"\nurl = "{SEEDS}"\ninterval = "1s"\n'
        '[[routes]]\nname = "d"\noutbox = true\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "run"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def polled() -> bool:
        assert daemon.poll() is None, "the daemon exited before its first poll"
        return (tmp_path / "var" / "outbox").exists()

    try:
        wait_for(polled, 30, "the daemon to start and poll")
        shutil.rmtree(tmp_path / "var")
        assert daemon.wait(30) == 3
    finally:
        daemon.kill()
        _, err = daemon.communicate()
    assert "was deleted or replaced while monitor was running; stopping" in err
    assert "Traceback" not in err


def test_a_read_only_database_at_start_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    sqlite3.connect(db).close()
    config = tmp_path / "monitor.toml"
    config.write_text(f'database_url = "sqlite:///file:{db}?mode=ro&uri=true"\n', "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "run", "--once"],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().endswith("attempt to write a readonly database")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_daemon_serves_its_status_page_and_stops_it_on_sigterm(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "var"}"\nrules = ["{RULES}"]\ntick = "1s"\n'
        f'[http]\nlisten = "127.0.0.1:{port}"\n[[feeds]]\nname = "seedfeed"\nurl = "{SEEDS}"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    daemon = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "run"],
                              env=env, stderr=subprocess.DEVNULL)  # fmt: skip

    def ready() -> bool:
        assert daemon.poll() is None, "the daemon exited before it was ready"
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200

    try:
        wait_for(ready, 30, "/readyz to answer 200", ignoring=httpx.TransportError)
        assert "seedfeed" in httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(30) == 0
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        daemon.kill()


def test_a_poll_outlasting_the_tick_is_said_once_per_job_at_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """APScheduler's own warning, as its scheduler logs it when a tick finds the last run
    still going: the first becomes one INFO line per job, the repeats are dropped."""
    with pipeline_factory(lambda: datetime(2024, 4, 23, tzinfo=UTC)) as make:
        Daemon(make({"data_dir": str(tmp_path / "var"), "rules": [str(RULES)]}))
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    skipped = 'Execution of job "%s" skipped: maximum number of running instances reached (%d)'
    with caplog.at_level(logging.INFO, logger="apscheduler.scheduler"):
        for job in ("poll due feeds", "poll due feeds", "digest desk", "poll due feeds"):
            scheduler_log.warning(skipped, job, 1)
    said = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in said] == ["INFO", "INFO"]
    assert said[0][1].startswith('Execution of job "poll due feeds" skipped')
    assert said[1][1].startswith('Execution of job "digest desk" skipped')
    scheduler_log.warning("something else went wrong")  # other warnings are left alone
    assert caplog.records[-1].levelname == "WARNING"


def test_a_tick_with_nothing_due_logs_no_poll_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pipeline_factory(lambda: datetime(2024, 4, 23, tzinfo=UTC)) as make:
        daemon = Daemon(make({"data_dir": str(tmp_path / "var"), "rules": [str(RULES)],
                              "feeds": [{"name": "seeds", "url": str(SEEDS)}]}))  # fmt: skip
        with caplog.at_level(logging.INFO, logger="monitor.poll.poller"):
            daemon.poll_job()  # the seeds are due: polled
            daemon.poll_job()  # same instant: nothing due
    polled = [r.getMessage() for r in caplog.records if r.getMessage().startswith("polled ")]
    assert polled == ["polled 1 feeds: 13 new articles, 17 new matches, 0 failed"]
