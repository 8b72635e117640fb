"""Multi-node mode: the pipeline's steps as procrastinate tasks on the PostgreSQL store.

In: a Pipeline on a PostgreSQL store opened with its job queue (`engine = "procrastinate"`).
Out: a procrastinate App whose tasks any number of `monitor worker` processes, on any number
of machines, share; each task calls the pipeline's services, and the store (store.jobs)
queues the jobs, so this module holds no connection and writes no SQL:

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
    monitor.recheck   every ten minutes: archived pages whose re-check has come are
                      fetched again (monitor.evidence); removals and changes recorded.

Every worker reads the config and the rule files, and picks up edits within REFRESH (five
seconds); at the same time it takes what the store's articles taught about the listed
surnames, and the first to find that a day old learns it again (monitor.rules.learned).

Periodic jobs are deferred once per time slot by the database, not by one scheduler
process. Poll jobs carry a queueing lock per feed (never two waiting for one feed) and hold
a lock per host while they poll (one poll of a host at a time across all workers:
politeness); a route's digest jobs share a lock (one at a time per route: they would only
take each other's alerts).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

import procrastinate

from monitor.errors import ConfigError
from monitor.fetch import host_key
from monitor.run.pipeline import Pipeline
from monitor.store import QUEUE, Job

log = logging.getLogger(__name__)

TICK_SECONDS = 15
# A claimed feed is not claimed again for this long, even if its poll job is lost.
CLAIM = timedelta(minutes=10)
# Schedule slots are looked for at most this far back after all workers were down.
CATCH_UP = timedelta(days=2)
# A poll whose host is busy with another poll comes back after this.
HOST_BUSY = timedelta(seconds=2)
# Edited config and rule files are picked up within this (every worker reads them).
REFRESH = timedelta(seconds=5)


class Cluster:
    """The tasks of one worker process, bound to its pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        if pipeline.store.jobs is None:
            raise ConfigError("multi-node mode needs the store opened with its job queue")
        self.pipeline, self.jobs = pipeline, pipeline.store.jobs
        self._checked = 0.0  # when the files were last looked at (monotonic seconds)
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
        recheck = app.task(name="monitor.recheck", queue=QUEUE, queueing_lock="monitor.recheck")
        app.periodic(cron="*/10 * * * *", periodic_id="recheck")(recheck(self.recheck))

    # --- tasks ---------------------------------------------------------------------------

    def tick(self, timestamp: int) -> int:
        """Claim the feeds that are due and queue a poll job for each; how many."""
        self._refresh()
        feeds = {feed.name: feed.url for feed in self.pipeline.feeds()}
        claimed = self.pipeline.store.feeds.claim_due(feeds, self.pipeline.clock(), CLAIM)
        jobs = [Job("monitor.poll", {"feed": n}, queueing_lock=f"feed:{n}") for n in claimed]
        self.jobs.queue(jobs)
        return len(jobs)

    def poll(self, feed: str) -> None:
        """Poll one feed, holding its host's lock; new matches queue each route's urgent
        digest job. A host busy with another poll: the job comes back in a moment."""
        self._refresh()
        found = self.pipeline.settings.feed(feed)
        if found is None:
            log.warning("not in the config any more (or disabled); skipped", extra={"feed": feed})
            return
        with self.jobs.host_lock(host_key(found.url)) as held:
            if not held:
                later = self.pipeline.clock() + HOST_BUSY
                self.jobs.queue([Job("monitor.poll", {"feed": feed}, scheduled_at=later)])
                return
            matched = self.pipeline.poll([found]).matches
        if matched:
            self._queue_digests("monitor.urgent", [r.name for r in self.pipeline.settings.routes])

    def schedule(self, timestamp: int) -> None:
        """Queue each route's digest whose schedule slot has come, once across workers."""
        self._refresh()
        now, deliveries = self.pipeline.clock(), self.pipeline.store.deliveries
        due = []
        for route in self.pipeline.settings.routes:
            last = deliveries.last_slot(route.name)
            slot = latest_slot(route.trigger, last, now)
            if slot is not None and deliveries.take_slot(route.name, slot, last) and last:
                due.append(route.name)
        self._queue_digests("monitor.digest", due)

    def recheck(self, timestamp: int) -> int:
        """Fetch again the archived pages whose re-check has come; how many."""
        self._refresh()
        return len(self.pipeline.evidence.due())

    def urgent(self, route: str) -> None:
        self._refresh()
        self.pipeline.make_digest(route, urgent_only=True)

    def digest(self, route: str) -> None:
        self._refresh()
        self.pipeline.make_digest(route)

    def deliver(self, delivery_id: int) -> None:
        self._refresh()
        self.pipeline.deliver(delivery_id)

    async def sweep(self, timestamp: int) -> None:
        """Jobs of dead workers run again; owed deliveries due for a retry are sent."""
        for job in await self.app.job_manager.get_stalled_jobs():
            log.warning("job %s of a worker that stopped answering runs again", job.id)
            await self.app.job_manager.retry_job(job)
        await procrastinate.utils.sync_to_async(self.pipeline.relay_owed)

    def _queue_digests(self, task: str, routes: list[str]) -> None:
        """One job per route, sharing the route's lock; none if one already waits."""
        self.jobs.queue([
            Job(task, {"route": name}, lock=f"digest:{name}", queueing_lock=f"{task}:{name}")
            for name in routes
        ])  # fmt: skip

    def _refresh(self) -> None:
        """Pick up edited config and rule files, looking at most every REFRESH seconds: a
        busy worker runs many jobs a second, and the files are the same for all of them."""
        if time.monotonic() - self._checked < REFRESH.total_seconds():
            return
        self._checked = time.monotonic()
        self.pipeline.reload_config()
        self.pipeline.reload_rules()
        self.pipeline.learner.due()  # what a worker learned, or, once a day, learn


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
