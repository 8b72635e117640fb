"""The long-running daemon: APScheduler 3.x jobs around the pipeline.

In: a Pipeline. Out: jobs that poll the feeds that are due (then send urgent alerts), send
each route's digest on its schedule, retry owed deliveries, reload changed config and
rule files, check archived pages again and learn from the stored articles; the process
stops cleanly on SIGTERM or SIGINT (Ctrl-C) and reloads on SIGHUP.
Jobs run in APScheduler's thread pool; each job runs one at a time (max_instances=1), and
the relay lets one send at a time in the whole process.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor.errors import MonitorError, StoreBusyError, StoreError
from monitor.run.pipeline import Pipeline
from monitor.store import error_text

if TYPE_CHECKING:
    from monitor.web.server import HttpServer

log = logging.getLogger(__name__)

# A job that wakes late (laptop asleep, long GC) still runs if within this grace; later
# wake-ups are coalesced into one run rather than replayed.
MISFIRE_GRACE = 600
PRUNE_EVERY = timedelta(days=1)
# How often archived pages due for a re-check (after 1, 7, 30 days) are looked for.
RECHECK_EVERY = timedelta(minutes=10)
# How often the store's articles are looked at for learning; it learns when the last
# learning is a day old (monitor.rules.learned), the first time a minute after the start.
LEARN_CHECK = timedelta(hours=1)


class SkippedRuns(logging.Filter):
    """APScheduler warns at every tick that finds the job's last run still going (a poll of
    many feeds outlasts the tick): expected, so said once per job, at INFO."""

    def __init__(self) -> None:
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if "maximum number of running instances reached" not in str(record.msg):
            return True
        job = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
        if job in self.said:
            return False
        self.said.add(job)
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg = str(record.msg) + "; it is still running (said once per job)"
        return True


def quiet_skipped_runs() -> None:
    """Install SkippedRuns on APScheduler's logger, once per process."""
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, SkippedRuns) for f in scheduler_log.filters):
        scheduler_log.addFilter(SkippedRuns())


class Daemon:
    """The scheduler and the pipeline's jobs; `fatal` says why it stopped on its own."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.lock = pipeline.lock  # this process's hold on the store, checked every tick
        self.fatal: str | None = None
        self.last_tick: datetime | None = None  # for readiness: the scheduler is alive
        self.pruned: datetime | None = None
        # Jobs whose last run failed on the store (full disk, read-only file): job -> why.
        self.store_failures: dict[str, str] = {}
        quiet_skipped_runs()
        self.scheduler = BlockingScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE,
            },
        )
        self.add_jobs()

    def add_jobs(self) -> None:
        # One polling tick picks the feeds whose next check has come: each feed's next check
        # already folds in its interval, TTL, Cache-Control, Retry-After, back-off and jitter.
        pipeline = self.pipeline
        tick = IntervalTrigger(seconds=pipeline.settings.config.tick.total_seconds())
        self.scheduler.add_job(
            self.poll_job, tick, id="poll", name="poll due feeds, then send urgent alerts",
            next_run_time=pipeline.clock(),
        )  # fmt: skip
        for route in pipeline.settings.routes:
            self.scheduler.add_job(
                self.digest_job, route.trigger, args=[route.name], id=f"route:{route.name}",
                name=f"digest {route.name}",
            )  # fmt: skip
        self.scheduler.add_job(
            self.recheck_job, IntervalTrigger(seconds=RECHECK_EVERY.total_seconds()),
            id="recheck", name="check archived pages again: changed, removed?",
            next_run_time=pipeline.clock() + RECHECK_EVERY / 10,
        )  # fmt: skip
        self.scheduler.add_job(
            self.learn_job, IntervalTrigger(seconds=LEARN_CHECK.total_seconds()), id="learn",
            name="learn from stored articles which famous surnames stand alone (daily)",
            next_run_time=pipeline.clock() + LEARN_CHECK / 60,
        )  # fmt: skip
        self.scheduler.add_job(
            self.housekeeping_job, tick, id="housekeeping",
            name="reload changed config and rules, relay owed deliveries",
        )  # fmt: skip

    def poll_job(self) -> None:
        """The tick: poll what is due, then send urgent alerts at once."""
        self.guarded("poll", self.pipeline.poll_due)
        self.guarded("urgent", self.pipeline.send_urgent)

    def recheck_job(self) -> None:
        self.guarded("recheck", self.pipeline.evidence.due)

    def learn_job(self) -> None:
        self.guarded("learn", self.pipeline.learner.due)  # learns once the last is a day old

    def digest_job(self, route_name: str) -> None:
        self.guarded(f"digest {route_name}", lambda: self.pipeline.send_digest(route_name))

    def housekeeping_job(self) -> None:
        now = self.pipeline.clock()
        self.last_tick = now
        self.check_lock()
        # A deleted data folder shows in no error while open connections write on to the
        # deleted file: look at it every tick (a stat), and stop if it is gone.
        self.check_store()
        if self.fatal is not None:
            return
        self.reload()
        self.guarded("rules", self.pipeline.reload_rules)
        self.guarded("relay", self.pipeline.relay_owed)
        if self.pruned is None or now - self.pruned >= PRUNE_EVERY:
            self.pruned = now
            self.guarded("retention", self.pipeline.prune)

    def reload(self) -> None:
        """Run with the edited config, if it changed, and reschedule; a broken edit is
        logged once and the running config stays (Pipeline.reload_config)."""
        if self.pipeline.reload_config():
            self.scheduler.remove_all_jobs()
            self.add_jobs()

    def guarded(self, what: str, job: Callable[[], object]) -> None:
        """Jobs never die silently: log the error with context and let the next run retry;
        a database that is gone stops the daemon, so the service manager restarts it."""
        try:
            job()
        except MonitorError as exc:
            log.error("%s: %s", what, exc)
        except sa.exc.SQLAlchemyError as exc:
            log.debug("%s: database error", what, exc_info=True)
            reason = error_text(exc)
            log.error("%s: database error: %s", what, reason)
            self.store_failures[what] = reason  # not ready until this job works again
            self.check_store()
            return
        except Exception:
            log.exception("%s: unexpected error; will retry on the next run", what)
        self.store_failures.pop(what, None)

    def check_lock(self) -> None:
        """Still the one daemon of this store? Another one took it: stop; the database
        cannot be reached: say so, and check again on the next tick."""
        if self.lock is None:
            return
        try:
            self.lock.check()
        except StoreBusyError as exc:
            self.stop(str(exc))
        except StoreError as exc:
            log.error("store lock: %s", exc)

    def check_store(self) -> None:
        try:
            self.pipeline.store.check()
        except StoreError as exc:
            self.stop(str(exc))

    def stop(self, fatal: str | None = None) -> None:
        if fatal is not None:
            log.critical("%s", fatal)
            self.fatal = fatal
        if self.scheduler.running:
            # From a job thread the scheduler must not wait for itself.
            self.scheduler.shutdown(wait=fatal is None)


def run_daemon(pipeline: Pipeline) -> int:
    """Block until SIGTERM or Ctrl-C (exit status 0), or a fatal store error (3); SIGHUP
    reloads the config and rules. `lock` is checked every tick (see StoreLock.check)."""
    daemon = Daemon(pipeline)

    def on_stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after running jobs finish", signal.Signals(signum).name)
        # Jobs run in worker threads, so waiting here lets a poll or a send in progress
        # finish and commit before the store is closed.
        daemon.stop()

    def on_hup(signum: int, frame: FrameType | None) -> None:
        daemon.reload()

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_hup)
    settings = pipeline.settings
    server = serve_http(pipeline, daemon)
    log.info(
        "monitor running: %d feeds, %d routes%s; Ctrl-C to stop",
        len(settings.feeds),
        len(settings.routes),
        f"; status page at {server.url}" if server else "",
    )
    try:
        daemon.scheduler.start()
    finally:
        if server is not None:
            server.stop()
    log.info("monitor stopped")
    return 3 if daemon.fatal else 0


def problems(pipeline: Pipeline, daemon: Daemon | None) -> list[str]:
    """What keeps this process from running as configured, for /readyz."""
    found = [f"restart needed: {pipeline.restart_needed}"] if pipeline.restart_needed else []
    if pipeline.store.evidence.problem:
        found.append(f"evidence: {pipeline.store.evidence.problem}")
    # A copy first: job threads change the dict while the page's thread reads it.
    failures = dict(daemon.store_failures) if daemon else {}
    return found + [f"store: {job}: cannot write: {why}" for job, why in sorted(failures.items())]


def serve_http(pipeline: Pipeline, daemon: Daemon | None = None) -> HttpServer | None:
    """The status page and endpoints, when the config has [http]; None otherwise. With the
    daemon, /readyz also asks whether its scheduler ticks and its jobs can write."""
    if pipeline.settings.config.http is None:
        return None
    # Starlette and uvicorn are imported only by those who serve the page: a start's
    # imports are part of every `run --once`.
    from monitor.web.app import create_app
    from monitor.web.server import start

    app = create_app(
        lambda: pipeline.settings, pipeline.store, rules=lambda: pipeline.rules.active,
        ticks=(lambda: daemon.last_tick) if daemon else None,
        problems=lambda: problems(pipeline, daemon),
    )  # fmt: skip
    return start(pipeline.settings, app)
