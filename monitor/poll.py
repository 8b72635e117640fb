"""The polling stage: feeds in, a PollReport out; fetch -> parse -> enrich -> store -> match.

Feeds are fetched concurrently (the Fetcher's limits); a large poll is parsed in worker
processes while this thread stores and matches each feed as its parse finishes. Each
document is stored and matched in one transaction (ArticleStore.ingest). Then the feed's
health and next check are recorded. A failure, even a bug, costs one feed: it is logged,
counted and retried later, and the other feeds go on.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa

from monitor import enrich, health, metrics
from monitor.config import FeedConfig
from monitor.errors import ParseError
from monitor.fetch import Fetcher
from monitor.live_rules import LiveRules
from monitor.model import Article, FeedState, FetchResult, FetchStatus, Match
from monitor.parse import ParsedFeed, ParsePool, parse_documents
from monitor.policy import next_check
from monitor.store import Store

log = logging.getLogger(__name__)

# Polls of fewer feeds parse in this process: starting workers would cost more than it saves.
POOL_MIN_FEEDS = 8
# Parsed feeds waiting to be stored, per worker: bounds memory, keeps the workers busy.
PARSE_QUEUE = 4

_Job = tuple[FeedConfig, FeedState | None, FetchResult]


@dataclass(frozen=True)
class PollReport:
    feeds_read: int = 0
    feeds_failed: tuple[str, ...] = ()  # "name: why"
    new_articles: int = 0
    matches: int = 0


@dataclass
class _Tally:
    advance: Callable[[int], object]  # told of each feed done (a progress bar)
    read: int = 0
    failed: list[str] = field(default_factory=list)
    new: int = 0
    matches: int = 0

    def report(self) -> PollReport:
        return PollReport(self.read, tuple(self.failed), self.new, self.matches)


class Poller:
    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        rules: LiveRules,
        clock: Callable[[], datetime],
        pool: ParsePool | None = None,
    ) -> None:
        self.store, self.fetcher, self.rules, self.clock = store, fetcher, rules, clock
        self.pool = pool or ParsePool()
        self.rng = random.Random()

    def due(self, feeds: Sequence[FeedConfig]) -> list[FeedConfig]:
        """Enabled feeds whose next check has come (or that were never polled)."""
        now = self.clock()
        states = self.store.feeds.states({f.name: f.url for f in feeds})
        return [feed for feed in feeds if feed.enabled and _is_due(states.get(feed.name), now)]

    def poll(
        self, feeds: Sequence[FeedConfig], advance: Callable[[int], object] = lambda n: None
    ) -> PollReport:
        """Fetch, parse, store and match the feeds; record each one's health."""
        with metrics.POLL_SECONDS.time():
            report = self._poll(feeds, _Tally(advance))
        log.info(
            "polled %d feeds: %d new articles, %d new matches, %d failed",
            report.feeds_read, report.new_articles, report.matches, len(report.feeds_failed),
        )  # fmt: skip
        return report

    def _poll(self, feeds: Sequence[FeedConfig], tally: _Tally) -> PollReport:
        jobs = self._to_fetch(feeds)
        pool = self.pool if len(jobs) >= POOL_MIN_FEEDS else None
        if pool is not None:
            pool.retry()
        parsing: dict[Future[ParsedFeed], _Job] = {}
        requests = [(url, state) for url, (_, state) in jobs.items()]
        for url, result in self.fetcher.fetch_many(requests):
            feed, state = jobs[url]
            tally.read += 1
            job = (feed, state, result)
            if result.status is not FetchStatus.OK or pool is None:
                parse = partial(parse_documents, result.documents, feed.name, feed.language)
                self._ingest_safely(job, parse, tally)
                continue
            parsing[pool.submit(result.documents, feed.name, feed.language)] = job
            self._ingest_parsed(pool, parsing, tally, limit=PARSE_QUEUE * pool.workers)
        if pool is not None:
            self._ingest_parsed(pool, parsing, tally, limit=0)
        return tally.report()

    def close(self) -> None:
        """Stop the parse workers (the store and fetcher belong to the caller)."""
        self.pool.close()

    def _to_fetch(
        self, feeds: Sequence[FeedConfig]
    ) -> dict[str, tuple[FeedConfig, FeedState | None]]:
        """URL to fetch -> (feed, its state), skipping disabled feeds."""
        states = self.store.feeds.states({feed.name: feed.url for feed in feeds})
        jobs: dict[str, tuple[FeedConfig, FeedState | None]] = {}
        for feed in feeds:
            state = states.get(feed.name)
            if state is not None and state.disabled:
                log.warning("disabled (%s); skipping", state.last_error, extra={"feed": feed.name})
                continue
            # The stored URL differs from the configured one after a permanent redirect.
            jobs[state.url if state else feed.url] = (feed, state)
        return jobs

    def _ingest_parsed(
        self, pool: ParsePool, parsing: dict[Future[ParsedFeed], _Job], tally: _Tally, limit: int
    ) -> None:
        """Ingest the finished parses; wait for more while over `limit` are in flight."""
        while parsing:
            done, _ = wait(
                parsing, timeout=None if len(parsing) > limit else 0, return_when=FIRST_COMPLETED
            )
            if not done:
                return
            for future in done:
                feed, _, result = job = parsing.pop(future)
                parsed = partial(pool.result, future, result.documents, feed.name, feed.language)
                self._ingest_safely(job, parsed, tally)

    def _ingest_safely(self, job: _Job, parsed: Callable[[], ParsedFeed], tally: _Tally) -> None:
        """Ingest, where a bug (in parsing too) fails only this feed."""
        feed, state, result = job
        try:
            self._ingest(job, parsed() if result.status is FetchStatus.OK else None, tally)
        except sa.exc.SQLAlchemyError:
            raise  # the store, not this feed: the job stops, says so in one line, retries
        except Exception as exc:  # a bug on one feed must not starve the others
            log.exception("unexpected error while ingesting", extra={"feed": feed.name})
            failed = replace(result, status=FetchStatus.ERROR, error=f"internal error: {exc}")
            self._settle((feed, state, failed), None, tally, saw_new=False)

    def _ingest(self, job: _Job, parsed: ParsedFeed | None, tally: _Tally) -> None:
        feed, _, result = job
        before = tally.new
        matcher = self.rules.active.matcher  # one rule set for the whole feed

        def match(article: Article) -> Sequence[Match]:
            return matcher.match(article.full_text, article.language)

        for document, outcome in zip(
            result.documents, parsed.outcomes if parsed else (), strict=False
        ):
            if isinstance(outcome, ParseError):
                log.warning("%s: %s", document.location, outcome, extra={"feed": feed.name})
                continue
            articles = outcome
            if feed.full_text:
                stored = self.store.articles.stored_versions(articles)
                articles = enrich.with_pages(articles, stored, self.fetcher, feed)
            done = self.store.articles.ingest(articles, self.clock(), match)
            tally.new += done.new
            tally.matches += len(done.matches)
            metrics.record_ingest(done.new, [rule for _, rule in done.matches])
        self._settle(job, parsed.ttl if parsed else None, tally, saw_new=tally.new > before)

    def _settle(self, job: _Job, ttl: timedelta | None, tally: _Tally, *, saw_new: bool) -> None:
        """Record the feed's new health and next check; failures are logged, never dropped."""
        feed, state, result = job
        metrics.record_fetch(result)
        now = self.clock()
        old = state or FeedState(url=feed.url)
        if result.status in (FetchStatus.OK, FetchStatus.NOT_MODIFIED):
            new = health.succeeded(old, result, now)
        else:
            new = health.failed(old, result, now)
            tally.failed.append(f"{feed.name}: {new.last_error}")
            _log_failure(feed, result, new)
        if saw_new:
            new = health.saw_new_items(new, now)
        if result.moved_to:
            log.warning(
                "moved permanently to %s; using the new URL",
                result.moved_to,
                extra={"feed": feed.name},
            )
            new = replace(new, url=result.moved_to)
        when = next_check(result, feed.interval, new.failures, now, self.rng, ttl)
        self.store.feeds.save(feed.name, replace(new, next_check=when), feed.url)
        tally.advance(1)


def _is_due(state: FeedState | None, now: datetime) -> bool:
    return state is None or not state.next_check or state.next_check <= now


def _log_failure(feed: FeedConfig, result: FetchResult, new: FeedState) -> None:
    context = {"feed": feed.name, "url": result.url}
    log.warning("failed (%d in a row): %s", new.failures, new.last_error, extra=context)
    if new.disabled:
        log.error(
            "gone (HTTP 410) and now disabled; remove it from the config or run "
            "`monitor feeds --enable %s`",
            feed.name,
            extra=context,
        )
