"""The long-running daemon: APScheduler 3.x jobs around the pipeline.

In: a Config and a Pipeline. Out: jobs that poll each feed when it is due, send each
route's digest on its schedule, retry owed deliveries and reload changed rule files; the
process stops cleanly on SIGTERM, SIGINT (Ctrl-C) and reloads the config on SIGHUP.
"""

from __future__ import annotations

import logging
import re
import signal
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.errors import ConfigError

if TYPE_CHECKING:
    from monitor.pipeline import Pipeline

log = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAILY = re.compile(r"^daily\s+(\d{1,2}):(\d{2})$")
_WEEKLY = re.compile(r"^weekly\s+(mon|tue|wed|thu|fri|sat|sun)\s+(\d{1,2}):(\d{2})$")
# A job that wakes late (laptop asleep, long GC) still runs if within this grace; later
# wake-ups are coalesced into one run rather than replayed.
MISFIRE_GRACE = 600
HOUSEKEEPING = timedelta(seconds=30)
TICK = timedelta(seconds=30)


def parse_schedule(text: str, timezone: str) -> CronTrigger:
    """'hourly', 'daily 07:00', 'weekly mon 07:00' or a 5-field cron line -> a trigger."""
    spec = text.strip().lower()
    if spec == "hourly":
        return CronTrigger(minute=0, timezone=timezone)
    if m := _DAILY.match(spec):
        return CronTrigger(hour=_hour(m[1]), minute=_minute(m[2]), timezone=timezone)
    if m := _WEEKLY.match(spec):
        return CronTrigger(
            day_of_week=m[1], hour=_hour(m[2]), minute=_minute(m[3]), timezone=timezone
        )
    try:
        return CronTrigger.from_crontab(spec, timezone=timezone)
    except ValueError as exc:
        raise ValueError(
            f"schedule {text!r}: expected 'hourly', 'daily HH:MM', 'weekly mon HH:MM'"
            f" or a cron line like '0 7 * * 1-5' ({exc})"
        ) from None


def _hour(text: str) -> int:
    if not 0 <= int(text) <= 23:
        raise ValueError(f"hour {text} is not between 0 and 23")
    return int(text)


def _minute(text: str) -> int:
    if not 0 <= int(text) <= 59:
        raise ValueError(f"minute {text} is not between 0 and 59")
    return int(text)


def build_scheduler(pipeline: Pipeline) -> BlockingScheduler:
    """One job per feed and per route, plus a housekeeping tick (relay, rule reload)."""
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    add_jobs(scheduler, pipeline)
    return scheduler


def add_jobs(scheduler: BlockingScheduler, pipeline: Pipeline) -> None:
    # One polling tick picks the feeds whose next check has come: each feed's next check
    # already folds in its interval, TTL, Cache-Control, Retry-After, back-off and jitter.
    scheduler.add_job(
        pipeline.poll_job,
        IntervalTrigger(seconds=TICK.total_seconds()),
        id="poll",
        name="poll due feeds",
        next_run_time=pipeline.clock(),
    )
    for route in pipeline.config.routes:
        scheduler.add_job(
            pipeline.digest_job,
            parse_schedule(route.schedule, route.timezone),
            args=[route.name],
            id=f"route:{route.name}",
            name=f"digest {route.name}",
        )
    scheduler.add_job(
        housekeeping,
        IntervalTrigger(seconds=HOUSEKEEPING.total_seconds()),
        args=[scheduler, pipeline],
        id="housekeeping",
        name="reload changed config and rules, relay owed deliveries",
    )


def housekeeping(scheduler: BlockingScheduler, pipeline: Pipeline) -> None:
    if pipeline.config_changed():
        reload(scheduler, pipeline)
    pipeline.housekeeping_job()


def reload(scheduler: BlockingScheduler, pipeline: Pipeline) -> None:
    """Re-read the config and reschedule; on an error keep running with the old one."""
    try:
        pipeline.reload_config()
    except ConfigError as exc:
        log.error("config reload failed, keeping the running config:\n%s", exc)
        return
    scheduler.remove_all_jobs()
    add_jobs(scheduler, pipeline)
    log.info(
        "config reloaded: %d feeds, %d routes",
        len(pipeline.config.feeds),
        len(pipeline.config.routes),
    )


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
    log.info(
        "monitor running: %d feeds, %d routes; Ctrl-C to stop",
        len(pipeline.config.feeds),
        len(pipeline.config.routes),
    )
    scheduler.start()
    log.info("monitor stopped")
