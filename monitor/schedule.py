"""The long-running daemon: APScheduler 3.x jobs around the pipeline.

In: a Pipeline. Out: jobs that poll the feeds that are due (then send urgent alerts), send
each route's digest on its schedule, retry owed deliveries and reload changed config and
rule files; the process stops cleanly on SIGTERM or SIGINT (Ctrl-C) and reloads on SIGHUP.
Jobs run in APScheduler's thread pool; each job runs one at a time (max_instances=1), and
the relay lets one send at a time in the whole process.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor.errors import ConfigError, MonitorError
from monitor.pipeline import Pipeline
from monitor.settings import load_settings

log = logging.getLogger(__name__)

# A job that wakes late (laptop asleep, long GC) still runs if within this grace; later
# wake-ups are coalesced into one run rather than replayed.
MISFIRE_GRACE = 600


def build_scheduler(pipeline: Pipeline) -> BlockingScheduler:
    """One polling tick, one job per route, and a housekeeping tick."""
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    add_jobs(scheduler, pipeline)
    return scheduler


def add_jobs(scheduler: BlockingScheduler, pipeline: Pipeline) -> None:
    # One polling tick picks the feeds whose next check has come: each feed's next check
    # already folds in its interval, TTL, Cache-Control, Retry-After, back-off and jitter.
    tick = IntervalTrigger(seconds=pipeline.settings.config.tick.total_seconds())
    scheduler.add_job(
        poll_job,
        tick,
        args=[pipeline],
        id="poll",
        name="poll due feeds, then send urgent alerts",
        next_run_time=pipeline.clock(),
    )
    for route in pipeline.settings.routes:
        scheduler.add_job(
            digest_job,
            route.trigger,
            args=[pipeline, route.name],
            id=f"route:{route.name}",
            name=f"digest {route.name}",
        )
    scheduler.add_job(
        housekeeping_job,
        tick,
        args=[scheduler, pipeline],
        id="housekeeping",
        name="reload changed config and rules, relay owed deliveries",
    )


def poll_job(pipeline: Pipeline) -> None:
    """The tick: poll what is due, then send urgent alerts at once."""
    guarded("poll", pipeline.poll_due)
    guarded("urgent", pipeline.send_urgent)


def digest_job(pipeline: Pipeline, route_name: str) -> None:
    guarded(f"digest {route_name}", lambda: pipeline.send_digest(route_name))


def housekeeping_job(scheduler: BlockingScheduler, pipeline: Pipeline) -> None:
    if pipeline.settings.changed():
        reload(scheduler, pipeline)
    guarded("rules", pipeline.reload_rules)
    guarded("relay", pipeline.relay_owed)


def reload(scheduler: BlockingScheduler, pipeline: Pipeline) -> None:
    """Re-read the config and reschedule; on an error keep running with the old one."""
    try:
        settings = load_settings(pipeline.settings.path, secrets=True)
    except ConfigError as exc:
        log.error("config reload failed, keeping the running config:\n%s", exc)
        return
    pipeline.reload_settings(settings)
    scheduler.remove_all_jobs()
    add_jobs(scheduler, pipeline)
    log.info(
        "config reloaded: %d feeds, %d routes", len(settings.config.feeds), len(settings.routes)
    )


def guarded(what: str, job: Callable[[], object]) -> None:
    """Jobs never die silently: log the error with context and let the next run retry."""
    try:
        job()
    except MonitorError as exc:
        log.error("%s: %s", what, exc)
    except Exception:
        log.exception("%s: unexpected error; will retry on the next run", what)


def run_daemon(pipeline: Pipeline) -> None:
    """Block until SIGTERM or Ctrl-C; SIGHUP reloads the config and rules."""
    scheduler = build_scheduler(pipeline)

    def on_stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after running jobs finish", signal.Signals(signum).name)
        # Jobs run in worker threads, so waiting here lets a poll or a send in progress
        # finish and commit before the store is closed.
        scheduler.shutdown(wait=True)

    def on_hup(signum: int, frame: FrameType | None) -> None:
        reload(scheduler, pipeline)

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_hup)
    settings = pipeline.settings
    log.info(
        "monitor running: %d feeds, %d routes; Ctrl-C to stop",
        len(settings.config.feeds),
        len(settings.routes),
    )
    scheduler.start()
    log.info("monitor stopped")
