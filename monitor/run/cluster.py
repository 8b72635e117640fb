"""Multi-node mode: the pipeline's steps as procrastinate tasks on the PostgreSQL store.

In: Settings with `engine = "procrastinate"` and a Pipeline. Out: a procrastinate App whose
tasks any number of `monitor worker` processes, on any number of machines, share:

    monitor.tick      every TICK_SECONDS: claims the feeds that are due (FOR UPDATE SKIP
                      LOCKED) and queues one poll job per feed; a claim whose job was lost
                      lapses after CLAIM and the feed is claimed again.
    monitor.poll      one feed: fetch, parse, store, match; then queues monitor.urgent.
    monitor.schedule  every minute: each route whose schedule slot has come queues its
                      monitor.digest, once, whichever worker gets there first (take_slot).
    monitor.urgent    a route's `priority: high` alerts, made into a digest at once.
    monitor.digest    a route's digest of everything pending.
    monitor.deliver   one owed delivery: claimed, sent, recorded. Queued in the transaction
                      that owed it, so a job exists exactly when its delivery row does.
    monitor.sweep     every minute: jobs of workers that died (no heartbeat) run again;
                      owed deliveries whose retry time came are sent.

Periodic jobs are deferred once per time slot by the database, not by one scheduler
process. Poll jobs carry a queueing lock per feed (never two waiting for one feed) and hold
a lock per host while they poll (one poll of a host at a time across all workers:
politeness); a route's digest jobs share a lock (one at a time per route: they would only
take each other's alerts). Every worker reads the config and the rule files, and picks up
edits within REFRESH (five seconds).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import procrastinate
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.config.schema import FeedConfig
from monitor.config.settings import load_settings
from monitor.errors import ConfigError
from monitor.fetch.client import host_key
from monitor.run.pipeline import Pipeline
from monitor.store.engine import write

log = logging.getLogger(__name__)

QUEUE = "monitor"
TICK_SECONDS = 15
# A claimed feed is not claimed again for this long, even if its poll job is lost.
CLAIM = timedelta(minutes=10)
# Schedule slots are looked for at most this far back after all workers were down.
CATCH_UP = timedelta(days=2)
_SCHEMA_LOCK = 0x6D6F6E70726F63  # "monproc": serialises schema creation by many workers
_HOST_LOCK = 0x686F7374  # "host": with a hash of the host name, one poll per host
# A poll whose host is busy with another poll comes back after this.
HOST_BUSY = timedelta(seconds=2)
# Edited config and rule files are picked up within this (every worker reads them).
REFRESH = timedelta(seconds=5)


@dataclass(frozen=True)
class Job:
    task: str
    args: dict[str, Any]
    lock: str | None = None
    queueing_lock: str | None = None
    scheduled_at: datetime | None = None


def queue_jobs(conn: Connection, jobs: Sequence[Job]) -> None:
    """Queue jobs with procrastinate's own SQL, inside the caller's transaction. A job whose
    queueing lock another waiting job holds is dropped: that job will do the same work."""
    _defer(conn, [job for job in jobs if job.queueing_lock is None])
    for job in jobs:
        if job.queueing_lock is not None:
            try:
                with conn.begin_nested():  # a savepoint: a clash undoes this job only
                    _defer(conn, [job])
            except sa.exc.IntegrityError:
                log.debug("job %s already waiting; not queued again", job.queueing_lock)


def _defer(conn: Connection, jobs: Sequence[Job]) -> None:
    if not jobs:
        return
    rows: list[str] = []
    params: dict[str, Any] = {"queue": QUEUE}
    for i, job in enumerate(jobs):
        rows.append(
            f"ROW(:queue, :task{i}, 0, :lock{i}, :ql{i}, CAST(:args{i} AS jsonb), :at{i})"
            "::procrastinate_job_to_defer_v1"
        )
        params |= {f"task{i}": job.task, f"lock{i}": job.lock, f"ql{i}": job.queueing_lock,
                   f"args{i}": json.dumps(job.args), f"at{i}": job.scheduled_at}  # fmt: skip
    sql = f"SELECT procrastinate_defer_jobs_v1(ARRAY[{', '.join(rows)}])"
    conn.execute(sa.text(sql), params)


def deliveries_queued(conn: Connection, delivery_ids: list[int]) -> None:
    """The Digester's hook: one deliver job per owed delivery, in the owing transaction."""
    queue_jobs(conn, [Job("monitor.deliver", {"delivery_id": i}) for i in delivery_ids])


def ensure_schema(pipeline: Pipeline) -> None:
    """procrastinate's tables, created once even when many workers start together."""
    with write(pipeline.store.engine) as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        exists = conn.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if exists is None:
            # Through the driver's own cursor, without parameters: the schema's SQL holds
            # '%' characters a parameterised call would read as placeholders.
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(procrastinate.schema.SchemaManager.get_schema())
            log.info("created procrastinate's tables in the store")


class Cluster:
    """The tasks of one worker process, bound to its pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._checked = 0.0  # when the files were last looked at (monotonic seconds)
        self._feeds: tuple[object, dict[str, FeedConfig]] = (None, {})
        url = pipeline.settings.config.db_url.replace("postgresql+psycopg://", "postgresql://")
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
        self._register()

    def run(self, concurrency: int) -> None:
        """Work until SIGTERM or Ctrl-C (procrastinate handles the signals)."""
        self.app.run_worker(
            queues=[QUEUE], concurrency=concurrency, delete_jobs="successful", wait=True
        )

    def _register(self) -> None:
        app = self.app
        tick = app.task(name="monitor.tick", queue=QUEUE, queueing_lock="monitor.tick")
        app.periodic(cron=f"* * * * * */{TICK_SECONDS}", periodic_id="tick")(tick(self.tick))
        app.task(name="monitor.poll", queue=QUEUE)(self.poll)
        app.task(name="monitor.urgent", queue=QUEUE)(self.urgent)
        app.task(name="monitor.digest", queue=QUEUE)(self.digest)
        schedule = app.task(name="monitor.schedule", queue=QUEUE, queueing_lock="monitor.schedule")
        app.periodic(cron="* * * * *", periodic_id="schedule")(schedule(self.schedule))
        app.task(name="monitor.deliver", queue=QUEUE)(self.deliver)
        sweep = app.task(name="monitor.sweep", queue=QUEUE, queueing_lock="monitor.sweep")
        app.periodic(cron="* * * * *", periodic_id="sweep")(sweep(self.sweep))

    # --- tasks ---------------------------------------------------------------------------

    def tick(self, timestamp: int) -> int:
        """Claim the feeds that are due and queue a poll job for each; how many."""
        self._refresh()
        feeds = {f.name: f for f in self.pipeline.feeds()}
        store, now = self.pipeline.store, self.pipeline.clock()
        claimed = store.feeds.claim_due({n: f.url for n, f in feeds.items()}, now, CLAIM)
        jobs = [
            Job("monitor.poll", {"feed": name}, queueing_lock=f"feed:{name}") for name in claimed
        ]
        with write(store.engine) as conn:
            queue_jobs(conn, _not_waiting(conn, jobs))
        return len(jobs)

    def poll(self, feed: str) -> None:
        """Poll one feed, holding its host's lock; new matches queue each route's urgent
        digest job. A host busy with another poll: the job comes back in a moment."""
        self._refresh()
        config = self._feed(feed)
        if config is None:
            log.warning("not in the config any more (or disabled); skipped", extra={"feed": feed})
            return
        found = [config]
        with host_lock(self.pipeline.store.engine, host_key(config.url)) as held:
            if not held:
                later = self.pipeline.clock() + HOST_BUSY
                with write(self.pipeline.store.engine) as conn:
                    queue_jobs(conn, [Job("monitor.poll", {"feed": feed}, scheduled_at=later)])
                return
            matched = self.pipeline.poller.poll(found).matches
        if matched:
            self._queue_digests("monitor.urgent", [r.name for r in self.pipeline.settings.routes])

    def schedule(self, timestamp: int) -> None:
        """Queue each route's digest whose schedule slot has come, once across workers."""
        self._refresh()
        now, outbox = self.pipeline.clock(), self.pipeline.store.deliveries
        due = []
        for route in self.pipeline.settings.routes:
            last = outbox.last_slot(route.name)
            slot = latest_slot(route.trigger, last, now)
            if slot is not None and outbox.take_slot(route.name, slot, last) and last:
                due.append(route.name)
        self._queue_digests("monitor.digest", due)

    def urgent(self, route: str) -> None:
        self._refresh()
        found = [r for r in self.pipeline.settings.routes if r.name == route]
        for each in found:
            self.pipeline.digester.make(each, self.pipeline.rules.active, urgent_only=True)

    def digest(self, route: str) -> None:
        self._refresh()
        for each in [r for r in self.pipeline.settings.routes if r.name == route]:
            self.pipeline.digester.make(each, self.pipeline.rules.active)

    def deliver(self, delivery_id: int) -> None:
        self._refresh()
        self.pipeline.relay.relay_one(delivery_id, self.pipeline.settings.routes)

    async def sweep(self, timestamp: int) -> None:
        """Jobs of dead workers run again; owed deliveries due for a retry are sent."""
        for job in await self.app.job_manager.get_stalled_jobs():
            log.warning("job %s of a worker that stopped answering runs again", job.id)
            await self.app.job_manager.retry_job(job)
        await procrastinate.utils.sync_to_async(self.pipeline.relay_owed)

    def _queue_digests(self, task: str, routes: list[str]) -> None:
        """One job per route, sharing the route's lock; none if one already waits."""
        jobs = [
            Job(task, {"route": name}, lock=f"digest:{name}", queueing_lock=f"{task}:{name}")
            for name in routes
        ]
        with write(self.pipeline.store.engine) as conn:
            queue_jobs(conn, _not_waiting(conn, jobs))

    def _feed(self, name: str) -> FeedConfig | None:
        """An enabled feed of the config in force, by name (indexed once per config)."""
        settings = self.pipeline.settings
        if self._feeds[0] is not settings:
            self._feeds = (settings, {f.name: f for f in self.pipeline.feeds()})
        return self._feeds[1].get(name)

    def _refresh(self) -> None:
        """Pick up edited config and rule files, looking at most every REFRESH seconds: a
        busy worker runs many jobs a second, and the files are the same for all of them."""
        if time.monotonic() - self._checked < REFRESH.total_seconds():
            return
        self._checked = time.monotonic()
        pipeline = self.pipeline
        if pipeline.settings.changed():
            try:
                pipeline.reload_settings(load_settings(pipeline.settings.path, secrets=True))
            except ConfigError as exc:
                log.error("config reload failed, keeping the running config:\n%s", exc)
        pipeline.reload_rules()


@contextmanager
def host_lock(engine: Engine, host: str) -> Iterator[bool]:
    """One poll of a host at a time across all workers (politeness): a PostgreSQL advisory
    lock on a connection of its own, held for the poll; yields False if another has it.

    Not procrastinate's job `lock`: the database checks those on every job fetch against
    every waiting job, which made a first cycle of 2,000 feeds three times slower."""
    with engine.connect() as conn:
        key = {"cls": _HOST_LOCK, "host": host}
        held = conn.execute(
            sa.text("SELECT pg_try_advisory_lock(:cls, hashtext(:host))"), key
        ).scalar()
        conn.commit()
        try:
            yield bool(held)
        finally:
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:cls, hashtext(:host))"), key)
                conn.commit()


def latest_slot(trigger: Any, last: datetime | None, now: datetime) -> datetime | None:
    """The latest fire time of `trigger` after `last` and not after `now`; with no `last`
    (the route's first run) `now` itself, so a new route starts without a backlog."""
    if last is None:
        return now
    slot, at = None, max(last, now - CATCH_UP)
    while (
        fire := trigger.get_next_fire_time(None, at + timedelta(microseconds=1))
    ) and fire <= now:
        slot, at = fire, fire
    return slot


def _not_waiting(conn: Connection, jobs: list[Job]) -> list[Job]:
    """Jobs whose queueing lock no waiting job holds (a feed whose poll still waits)."""
    locks = [job.queueing_lock for job in jobs if job.queueing_lock]
    if not locks:
        return jobs
    query = sa.text(
        "SELECT queueing_lock FROM procrastinate_jobs "
        "WHERE status = 'todo' AND queueing_lock = ANY(:locks)"
    )
    held = set(conn.execute(query, {"locks": locks}).scalars())
    return [job for job in jobs if job.queueing_lock not in held]
