"""The polling stage: feeds in, a PollReport out; fetch -> parse -> enrich -> store -> match.

Feeds are fetched concurrently (the Fetcher's limits); a large poll is parsed in worker
processes while this thread stores and matches what they finished. Parsed feeds are stored
and matched in batches, one transaction each (ArticleStore.ingest), and the feeds' health
and next checks recorded together (FeedStore.save_many): a batch is written when full, or,
while this thread waits for the workers, once it is worth a transaction, so a busy poll
writes few large transactions. The workers match too, with the rules in force when the poll
began; should the rules change meanwhile, this thread matches instead. A failure, even a
bug, costs one feed: it is logged, counted and retried later, and the other feeds go on.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

import sqlalchemy as sa

from monitor import metrics
from monitor.discover import Sighting, discover_words, on_list, spot
from monitor.errors import ParseError
from monitor.fetch import Fetcher, conditional_headers
from monitor.match import MatchKey, Worked, match_key, work
from monitor.model import Article, Document, Feed, FeedState, FetchResult, FetchStatus, Match
from monitor.poll import enrich, health, history
from monitor.poll.batch import Batch, Fetched, PollReport, Read, Tally, evidence_of, origins_of
from monitor.poll.policy import host_pauses, next_check
from monitor.poll.pool import WorkerPool
from monitor.rules import Active, LiveRules
from monitor.store import Ingested, Store

if TYPE_CHECKING:
    from monitor.parse import ParsedFeed

log = logging.getLogger(__name__)

# Polls of fewer feeds parse in this process: starting workers would cost more than it saves.
POOL_MIN_FEEDS = 8
# Fetched feeds waiting for a worker or to be stored, per worker: keeps the workers busy
# and lets fetching run ahead while they start; bounds memory (a feed is ~60 kB).
PARSE_QUEUE = 32
# Fetches kept while the workers start (or the rules compile, apart) before fetching waits.
MAX_WAITING = 128
DAY = timedelta(days=1)


class Poller:
    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        rules: LiveRules,
        clock: Callable[[], datetime],
        pool: WorkerPool | None = None,
        first_check: Callable[[datetime], datetime] = lambda archived: archived + DAY,
    ) -> None:
        """`first_check`: when a document archived at a time is first checked again."""
        self.store, self.fetcher, self.rules, self.clock = store, fetcher, rules, clock
        self.pool = pool or WorkerPool()
        self.rng = random.Random()
        self.first_check = first_check

    def due(self, feeds: Sequence[Feed]) -> list[Feed]:
        """Enabled feeds whose next check has come (or that were never polled)."""
        now = self.clock()
        states = self.store.feeds.states({f.name: f.url for f in feeds})
        return [feed for feed in feeds if feed.enabled and _is_due(states.get(feed.name), now)]

    def poll(
        self, feeds: Sequence[Feed], advance: Callable[[int], object] = lambda n: None
    ) -> PollReport:
        """Fetch, parse, store and match the feeds; record each one's health."""
        with metrics.POLL_SECONDS.time():
            report = self._poll(feeds, Tally(advance))
        if not report.feeds_read:
            return report  # a tick with nothing due: not worth a line every 30 seconds
        log.info(
            "polled %d feeds: %d new articles, %d new matches, %d failed",
            report.feeds_read, report.new_articles, report.matches, len(report.feeds_failed),
        )  # fmt: skip
        return report

    def _poll(self, feeds: Sequence[Feed], tally: Tally) -> PollReport:
        jobs = self._to_fetch(feeds)
        pool = self.pool if len(jobs) >= POOL_MIN_FEEDS else None
        batch = Batch()
        if pool is not None:
            pool.retry()
            active = self.rules.active
            matcher, batch.rules = active.matcher, active.rules
            # Workers match with the rules in force now, compiled once they are needed (apart)
            # and read by each from the compiled form kept on disk, not by this process.
            pool.use_rules(batch.rules, matcher.folder, prepare=matcher.keep)
            if _unconditional(jobs) >= POOL_MIN_FEEDS:
                pool.start()  # these cannot answer 304: workers will be needed, start them
        parsing: dict[Future[Worked], Fetched] = {}
        waiting: list[Fetched] = []  # fetched while the workers start (or the rules compile)
        requests = [(url, state) for url, (feed, state) in jobs.items()]

        def fetch(url: str, state: FeedState | None) -> FetchResult:
            return self.fetcher.fetch(url, state, jobs[url][0].allow_networks)

        for url, result in self.fetcher.fetch_many(requests, fetch):
            feed, state = jobs[url]
            tally.read += 1
            fetched = Fetched(feed, state, result)
            if result.status is not FetchStatus.OK or pool is None:
                here = partial(work, result.documents, feed.name, feed.language)
                self._read(fetched, here, batch)
            else:
                pool.start()  # in the background; fetching goes on meanwhile
                waiting.append(fetched)
            if waiting and pool is not None and (pool.ready() or len(waiting) >= MAX_WAITING):
                pool.wait_ready()  # no wait when ready; else bounds what waits in memory
                _submit(pool, waiting, parsing)
            self._drain(parsing, batch, tally, limit=PARSE_QUEUE * self.pool.workers)
        if waiting and pool is not None:
            pool.wait_ready()
            _submit(pool, waiting, parsing)
        self._drain(parsing, batch, tally, limit=0)
        self._write(batch, tally)
        return tally.report()

    def close(self) -> None:
        """Stop the worker processes (the store and fetcher belong to the caller)."""
        self.pool.close()

    def _to_fetch(self, feeds: Sequence[Feed]) -> dict[str, tuple[Feed, FeedState | None]]:
        """URL to fetch -> (feed, its state), skipping disabled feeds."""
        states = self.store.feeds.states({feed.name: feed.url for feed in feeds})
        jobs: dict[str, tuple[Feed, FeedState | None]] = {}
        for feed in feeds:
            state = states.get(feed.name)
            if state is not None and state.disabled:
                log.warning("disabled (%s); skipping", state.last_error, extra={"feed": feed.name})
                continue
            # The stored URL differs from the configured one after a permanent redirect.
            jobs[state.url if state else feed.url] = (feed, state)
        return jobs

    def _drain(
        self, parsing: dict[Future[Worked], Fetched], batch: Batch, tally: Tally, limit: int
    ) -> None:
        """Take in the finished parses, writing full batches; while over `limit` parses are
        in flight, write a batch worth writing (rather than idle), then wait for more."""
        while True:
            if batch.full():
                self._write(batch, tally)
            ready = [future for future in parsing if future.done()]
            if not ready:
                if len(parsing) <= limit:
                    return
                if batch.worth_writing():
                    self._write(batch, tally)
                ready = list(wait(parsing, return_when=FIRST_COMPLETED).done)
            for future in ready:
                fetched = parsing.pop(future)
                feed, documents = fetched.feed, fetched.result.documents
                parsed = partial(self.pool.result, future, documents, feed.name, feed.language)
                self._read(fetched, parsed, batch)
                if batch.full():
                    self._write(batch, tally)

    def _read(self, fetched: Fetched, worked: Callable[[], Worked], batch: Batch) -> None:
        """Add a fetched feed's articles (parsed, enriched) to the batch; a bug in parsing
        or enriching fails only this feed."""
        try:
            found = worked() if fetched.result.status is FetchStatus.OK else None
            unreadable = _unreadable(found.parsed) if found else None
            articles, origins = (
                self._articles(fetched, found.parsed) if found and not unreadable else ((), ())
            )
        except sa.exc.SQLAlchemyError:
            raise  # the store, not this feed: the job stops, says so in one line, retries
        except Exception as exc:  # a bug on one feed must not starve the others
            batch.add(Read(self._failed(fetched, exc)))
            return
        if found is None:
            batch.add(Read(fetched))
        elif unreadable:
            # Nothing of what was fetched could be read: the feed fails, saying why (a
            # Telegram channel without a public preview, a page that is no feed).
            failed = replace(fetched.result, status=FetchStatus.ERROR, error=unreadable)
            batch.add(Read(replace(fetched, result=failed)))
        else:
            read = Read(fetched, articles, found.parsed.ttl, origins)
            batch.add(read, found.matches, found.sightings)

    def _articles(
        self, fetched: Fetched, parsed: ParsedFeed
    ) -> tuple[tuple[Article, ...], tuple[Document, ...]]:
        """The articles of every document parsed (parse errors logged), with their pages'
        text for a full_text feed; and the document each one's text was read from."""
        feed = fetched.feed
        articles: list[Article] = []
        origins: list[Document] = []
        for document, outcome in zip(fetched.result.documents, parsed.outcomes, strict=False):
            if isinstance(outcome, ParseError):
                log.warning("%s: %s", document.location, outcome, extra={"feed": feed.name})
                continue
            pages: dict[str, Document] = {}
            if feed.full_text:
                stored = self.store.articles.stored_versions(outcome)
                outcome, pages = enrich.with_pages(outcome, stored, self.fetcher, feed)
            if history.post_ids(outcome):  # a Telegram channel: read back what is new
                first = fetched.state is None or fetched.state.last_success is None
                since = self.clock() - feed.history if first else None
                known = self.store.articles.stored_versions
                outcome, older = history.with_history(outcome, feed, fetched.result.url,
                                                      self.fetcher, known, since)  # fmt: skip
                pages.update(older)
            articles += outcome
            origins += (pages.get(article.key, document) for article in outcome)
        return tuple(articles), tuple(origins)

    def _failed(self, fetched: Fetched, exc: Exception) -> Fetched:
        """A feed that met a bug, recorded as failed; the bug is logged."""
        log.error("unexpected error while ingesting", extra={"feed": fetched.feed.name},
                  exc_info=exc)  # fmt: skip
        failed = replace(fetched.result, status=FetchStatus.ERROR, error=f"internal error: {exc}")
        return replace(fetched, result=failed)

    def _write(self, batch: Batch, tally: Tally) -> None:
        """Store and match the batch's articles in one transaction, then record every
        feed's health in another. Should the batch fail on a bug (not the database), each
        feed is stored alone, so that only the feed behind the bug fails."""
        rules = batch.rules
        feeds, matched, sighted = batch.take()
        if not feeds:
            return
        if rules is not self.rules.active.rules:
            matched, sighted = {}, {}  # the rules changed since the workers read: read here
        groups = [read.articles for read in feeds]
        origins = origins_of(feeds)
        try:
            new: Sequence[int | Exception] = self._ingest(groups, matched, sighted, origins, tally)
        except sa.exc.SQLAlchemyError:
            raise  # the store, not a feed: the job stops, says so in one line, retries
        except Exception:
            new = self._ingest_each(groups, matched, sighted, origins, tally)
        settled = []
        for read, outcome in zip(feeds, new, strict=True):
            fetched = read.fetched
            if isinstance(outcome, Exception):
                fetched, outcome = self._failed(fetched, outcome), 0
            settled.append(self._settle(fetched, read.ttl, tally, saw_new=outcome > 0))
        self.store.feeds.save_many(settled)
        for host, until in host_pauses(
            [read.fetched.result for read in feeds], self.clock()
        ).items():
            paused = self.store.feeds.pause_host(host, until)
            log.warning("%s asked to slow down (429): its %d feed(s) wait until %s", host, paused,
                        f"{until:%H:%M} UTC")  # fmt: skip
        tally.advance(len(settled))

    def _ingest(
        self,
        groups: Sequence[tuple[Article, ...]],
        matched: Mapping[MatchKey, tuple[Match, ...]],
        sighted: Mapping[MatchKey, tuple[Sighting, ...]],
        origins: Mapping[str, Document],
        tally: Tally,
    ) -> list[int]:
        """Store and match the groups' articles in one transaction (a worker's matches are
        used where it made them), archive the documents of the new matches; how many new
        stories each group brought."""
        articles = [article for group in groups for article in group]
        if not articles:
            return [0] * len(groups)
        matcher = self.rules.active.matcher  # one rule set for the whole batch

        def match(article: Article) -> Sequence[Match]:
            found = matched.get(match_key(article))
            return matcher.match(article.full_text, article.language) if found is None else found

        now = self.clock()
        done = self.store.articles.ingest(articles, now, match)
        self.store.candidates.record(_sightings(articles, done, self.rules.active, sighted), now)
        self.store.evidence.archive(
            evidence_of(articles, done, origins), now, self.first_check(now)
        )
        tally.new += done.new
        tally.matches += len(done.matches)
        metrics.record_ingest(done.new, [match.rule_id for match in done.matches])
        return done.new_by_group([len(group) for group in groups])

    def _ingest_each(
        self,
        groups: Sequence[tuple[Article, ...]],
        matched: Mapping[MatchKey, tuple[Match, ...]],
        sighted: Mapping[MatchKey, tuple[Sighting, ...]],
        origins: Mapping[str, Document],
        tally: Tally,
    ) -> list[int | Exception]:
        """Each group in a transaction of its own: a group's bug is its outcome."""
        outcomes: list[int | Exception] = []
        for group in groups:
            try:
                outcomes += self._ingest([group], matched, sighted, origins, tally)
            except sa.exc.SQLAlchemyError:
                raise
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    def _settle(
        self, fetched: Fetched, ttl: timedelta | None, tally: Tally, *, saw_new: bool
    ) -> tuple[str, FeedState, str]:
        """The feed's new health and next check (to save: name, state, configured URL);
        failures are logged, never dropped."""
        feed, state, result = fetched.feed, fetched.state, fetched.result
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
        return feed.name, replace(new, next_check=when), feed.url


def _unreadable(parsed: ParsedFeed) -> str | None:
    """The first parse error when every document of a fetch failed to parse, else None."""
    outcomes = parsed.outcomes
    if outcomes and all(isinstance(outcome, ParseError) for outcome in outcomes):
        return str(outcomes[0])
    return None


def _submit(
    pool: WorkerPool, waiting: list[Fetched], parsing: dict[Future[Worked], Fetched]
) -> None:
    """Hand the documents fetched meanwhile to the workers, first fetched first."""
    for fetched in waiting:
        feed = fetched.feed
        parsing[pool.submit(fetched.result.documents, feed.name, feed.language)] = fetched
    waiting.clear()


def _sightings(
    articles: Sequence[Article],
    done: Ingested,
    active: Active,
    sighted: Mapping[MatchKey, tuple[Sighting, ...]],
) -> list[tuple[int, Article, tuple[Sighting, ...]]]:
    """Candidates in the new and edited stories: people beside an arrest or a trial whom
    the rules in force do not name (as a worker found them, or read here)."""
    listed, words = on_list(active.matcher), discover_words(active.rules)

    def sightings(article: Article) -> tuple[Sighting, ...]:
        found = sighted.get(match_key(article))
        return spot(article, listed, words) if found is None else found

    return [
        (saved.article_id, article, sightings(article))
        for article, saved in zip(articles, done.saved, strict=True)
        if saved.changed
    ]


def _unconditional(jobs: Mapping[str, tuple[Feed, FeedState | None]]) -> int:
    """How many feeds will be fetched without a validator (never polled, or their server
    gave none): each brings a whole document."""
    return sum(not conditional_headers(state) for feed, state in jobs.values())


def _is_due(state: FeedState | None, now: datetime) -> bool:
    return state is None or not state.next_check or state.next_check <= now


def _log_failure(feed: Feed, result: FetchResult, new: FeedState) -> None:
    context = {"feed": feed.name, "url": result.url}
    log.warning("failed (%d in a row): %s", new.failures, new.last_error, extra=context)
    if new.disabled:
        log.error(
            "gone (HTTP 410) and now disabled; remove it from the config or run "
            "`monitor feeds --enable %s`",
            feed.name,
            extra=context,
        )
