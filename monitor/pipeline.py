"""The orchestrator: the one place where all stages meet, read top to bottom.

In: a Config, a Store and a Fetcher. Out: feeds polled, articles stored and matched,
digests rendered into owed deliveries, deliveries sent; a RunSummary for `run --once`.
Rule files are reloaded when they change; a broken edit keeps the last good rules.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from monitor import health, routes
from monitor import rules as rules_mod
from monitor.config import Config, FeedConfig, RouteConfig, load_config
from monitor.deliver import EndpointGoneError, send
from monitor.digest import Footer, render_digest
from monitor.errors import DeliveryError, MonitorError, ParseError, RuleError
from monitor.fetch import Fetcher
from monitor.match import Matcher, compile_rules
from monitor.model import (
    Alert,
    Article,
    Delivery,
    Digest,
    Document,
    FeedState,
    FetchResult,
    FetchStatus,
    Priority,
    RuleSet,
)
from monitor.parse import feed_ttl, parse_document
from monitor.parsing import Parsed, ParsePool, parse_documents
from monitor.policy import delivery_retry_at, next_check
from monitor.store import Batch, Store

log = logging.getLogger(__name__)

# How far back a new or edited rule looks when the rule files change.
RETRO_WINDOW = timedelta(days=30)
# Polls of fewer feeds parse in this process: starting workers would cost more than it saves.
POOL_MIN_FEEDS = 8
# Parsed feeds waiting to be stored, per worker: bounds memory, keeps the workers busy.
PARSE_QUEUE = 4


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunSummary:
    feeds_read: int = 0
    feeds_failed: list[str] = field(default_factory=list)
    new_articles: int = 0
    matches: int = 0
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"feeds read: {self.feeds_read}"
            + (f" ({len(self.feeds_failed)} failed)" if self.feeds_failed else ""),
            f"new articles: {self.new_articles}",
            f"new matches: {self.matches}",
            f"digests delivered: {len(self.sent)}",
        ]
        out += [f"  {line}" for line in self.sent]
        out += [f"feed failed: {line}" for line in self.feeds_failed]
        out += [f"delivery failed: {line}" for line in self.failed]
        return out


class Pipeline:
    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        clock: Callable[[], datetime] = utcnow,
        config_path: str | None = None,
    ) -> None:
        self.config = config
        self.config_path = config_path
        self.config_hash = _file_hash(config_path)
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.rng = random.Random()
        # One writer at a time (store, rules); fetches run outside it. Re-entrant because a
        # config reload reloads rules, which may replay stored articles.
        self.lock = threading.RLock()
        self.rules = RuleSet()
        self.matcher: Matcher = compile_rules(self.rules)
        self.rules_fingerprint = ""
        self.rule_errors: tuple[str, ...] = ()
        self.parse_pool = ParsePool()
        self.reload_rules(initial=True)

    def close(self) -> None:
        """Stop the parse workers (the store and fetcher belong to the caller)."""
        self.parse_pool.close()

    # --- rules ---------------------------------------------------------------------------

    def reload_rules(self, *, initial: bool = False) -> bool:
        """Load rule files if they changed; on error keep the last good set. True if loaded."""
        fingerprint = rules_mod.fingerprint(self.config.rules)
        if fingerprint == self.rules_fingerprint:
            return False
        self.rules_fingerprint = fingerprint
        try:
            ruleset = rules_mod.load_rules(self.config.rules)
        except RuleError as exc:
            if initial:
                raise
            self.rule_errors = tuple(exc.problems)
            log.error("rule files have errors; keeping the last good rules:\n%s", exc)
            return False
        with self.lock:
            self.rules, self.matcher, self.rule_errors = ruleset, compile_rules(ruleset), ()
        log.info("rules loaded: %d people, %d events", len(ruleset.people), len(ruleset.events))
        if not initial:
            # Retro-match: a new or edited rule sees the recent articles once; matches an
            # article already had are not added again, so nothing repeats.
            checked, found = self.replay(self.clock() - RETRO_WINDOW)
            log.info("rules changed: re-matched %d recent articles, %d new matches", checked, found)
        return True

    def config_changed(self) -> bool:
        return _file_hash(self.config_path) != self.config_hash

    def reload_config(self) -> None:
        self.config_hash = _file_hash(self.config_path)  # a broken file is not retried in a loop
        config = load_config(self.config_path)
        with self.lock:
            self.config = config
            self.reload_rules()  # the fingerprint covers file names: new rule paths reload

    def replay(self, since: datetime) -> tuple[int, int]:
        """Re-match stored articles first seen since `since`; return (checked, new matches)."""
        with self.lock:
            stored = self.store.articles_since(since)
            found = [
                (article_id, self.matcher.match(article.full_text, article.language))
                for article_id, article in stored
            ]
            with self.store.batch() as batch:  # one transaction, not one per article
                added = batch.add_matches_many(found, self.clock())
        return len(stored), len(added)

    # --- polling -------------------------------------------------------------------------

    def poll(self, feeds: Sequence[FeedConfig], summary: RunSummary) -> None:
        """Fetch feeds concurrently; parse them in worker processes (in this one for a few
        feeds); store and match each feed here, in the order its parse finishes."""
        by_url = self._to_fetch(feeds)
        pool = self.parse_pool if len(by_url) >= POOL_MIN_FEEDS else None
        if pool is not None:
            pool.retry()
        parsing: dict[Future[list[Parsed]], tuple[FeedConfig, FeedState | None, FetchResult]] = {}
        requests = [(url, state) for url, (_, state) in by_url.items()]
        for url, result in self.fetcher.fetch_many(requests):
            feed, state = by_url[url]
            summary.feeds_read += 1
            if pool is None or result.status is not FetchStatus.OK:
                self._ingest_safely(feed, state, result, summary)
                continue
            future = pool.submit(result.documents, feed.name, feed.language)
            parsing[future] = (feed, state, result)
            self._ingest_parsed(pool, parsing, summary, limit=PARSE_QUEUE * pool.workers)
        if pool is not None:
            self._ingest_parsed(pool, parsing, summary, limit=0)

    def _to_fetch(
        self, feeds: Sequence[FeedConfig]
    ) -> dict[str, tuple[FeedConfig, FeedState | None]]:
        """URL to fetch -> (feed, its state), skipping disabled feeds."""
        states = self.store.feed_states({feed.name: feed.url for feed in feeds})
        by_url: dict[str, tuple[FeedConfig, FeedState | None]] = {}
        for feed in feeds:
            # The stored URL differs from the configured one after a permanent redirect.
            state = states.get(feed.name)
            if state is not None and state.disabled:
                log.warning("feed=%s is disabled (%s); skipping", feed.name, state.last_error)
                continue
            by_url[state.url if state else feed.url] = (feed, state)
        return by_url

    def _ingest_parsed(
        self,
        pool: ParsePool,
        parsing: dict[Future[list[Parsed]], tuple[FeedConfig, FeedState | None, FetchResult]],
        summary: RunSummary,
        limit: int,
    ) -> None:
        """Ingest the finished parses; wait for more while over `limit` are in flight."""
        while parsing:
            timeout = None if len(parsing) > limit else 0
            done, _ = wait(parsing, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done:
                return
            for future in done:
                feed, state, result = parsing.pop(future)
                outcome = partial(pool.result, future, result.documents, feed.name, feed.language)
                self._ingest_safely(feed, state, result, summary, outcome)

    def _ingest_safely(
        self,
        feed: FeedConfig,
        state: FeedState | None,
        result: FetchResult,
        summary: RunSummary,
        parsed: Callable[[], Sequence[Parsed]] | None = None,
    ) -> None:
        """ingest, where a bug (in parsing too) fails only this feed; `parsed` gives the
        parse's outcome, or raises what the parse raised."""
        try:
            self.ingest(feed, state, result, summary, parsed() if parsed else None)
        except Exception as exc:  # a bug on one feed must not starve the others
            log.exception("feed=%s: unexpected error while ingesting", feed.name)
            failed = replace(result, status=FetchStatus.ERROR, error=f"internal error: {exc}")
            self.ingest(feed, state, failed, summary)

    def ingest(
        self,
        feed: FeedConfig,
        state: FeedState | None,
        result: FetchResult,
        summary: RunSummary,
        parsed: Sequence[Parsed] | None = None,
    ) -> None:
        """Store a fetch's articles and the feed's new state; `parsed` (one entry per
        document) when its documents were parsed already, else they are parsed here."""
        with self.lock:
            before = summary.new_articles
            if result.status is FetchStatus.OK:
                if parsed is None:
                    parsed = parse_documents(result.documents, feed.name, feed.language)
                for document, outcome in zip(result.documents, parsed, strict=True):
                    self._ingest_document(feed, document, outcome, summary)
                result = _with_feed_ttl(result)
            new = self._feed_health(feed, state or FeedState(url=feed.url), result, summary)
            if summary.new_articles > before:
                new = health.saw_new_items(new, self.clock())
            self.store.save_feed_state(feed.name, new, feed.url)

    def _ingest_document(
        self, feed: FeedConfig, document: Document, parsed: Parsed, summary: RunSummary
    ) -> None:
        if isinstance(parsed, ParseError):
            log.warning("feed=%s document=%s: %s", feed.name, document.location, parsed)
            return
        articles = parsed
        if feed.full_text:
            # Pages are fetched before the transaction opens, so no database transaction waits
            # on the network; a stored article keeps its page text, which the feed's teaser
            # must not replace.
            articles = tuple(
                self._full_text(feed, a) for a in articles if not self.store.has_article(a)
            )
        with self.store.batch() as batch:  # one transaction per document, not per article
            self._ingest_articles(batch, articles, summary)

    def _full_text(self, feed: FeedConfig, article: Article) -> Article:
        """Replace a feed's teaser by the article page's main text, when the page has more."""
        if not article.url:
            return article
        result = self.fetcher.fetch(article.url)
        if result.status is not FetchStatus.OK or not result.documents:
            log.warning(
                "feed=%s article=%s: page not fetched (%s); keeping the feed text",
                feed.name,
                article.url,
                result.error or result.status.value,
            )
            return article
        try:
            [page, *_] = parse_document(result.documents[0], feed=feed.name, language=feed.language)
        except (ParseError, ValueError) as exc:
            log.warning("feed=%s article=%s: page not parsed: %s", feed.name, article.url, exc)
            return article
        return replace(article, text=page.text) if len(page.text) > len(article.text) else article

    def _ingest_articles(
        self, batch: Batch, articles: Sequence[Article], summary: RunSummary
    ) -> None:
        """Store a document's articles; match the new and changed ones; record new matches."""
        now = self.clock()
        saved = batch.save_articles(articles, now)
        summary.new_articles += sum(s.new for s in saved)
        found = [
            (s.article_id, self.matcher.match(article.full_text, article.language))
            for article, s in zip(articles, saved, strict=True)
            if s.changed
        ]
        summary.matches += len(batch.add_matches_many(found, now))

    def _feed_health(
        self, feed: FeedConfig, old: FeedState, result: FetchResult, summary: RunSummary
    ) -> FeedState:
        """The feed's new state after a fetch; failures are logged, never dropped."""
        now = self.clock()
        if result.status in (FetchStatus.OK, FetchStatus.NOT_MODIFIED):
            new = health.succeeded(old, result, now)
        else:
            new = health.failed(old, result, now)
            summary.feeds_failed.append(f"{feed.name}: {new.last_error}")
            log.warning(
                "feed=%s url=%s failed (%d in a row): %s",
                feed.name,
                result.url,
                new.failures,
                new.last_error,
            )
            if new.disabled:
                log.error(
                    "feed=%s is gone (HTTP 410) and is now disabled; remove it from the "
                    "config or run `monitor feeds --enable %s`",
                    feed.name,
                    feed.name,
                )
        if result.moved_to:
            log.warning(
                "feed=%s moved permanently to %s; using the new URL", feed.name, result.moved_to
            )
            new = replace(new, url=result.moved_to)
        return replace(
            new, next_check=next_check(result, feed.interval, new.failures, now, self.rng)
        )

    # --- digests and delivery ------------------------------------------------------------

    def route(self, name: str) -> RouteConfig:
        return routes.find_route(self.config, name)

    def pending(self, route: RouteConfig) -> list[Alert]:
        """Alerts the route has not yet carried, with their rule's tags and priority."""
        alerts = self.store.pending_alerts(route.name, routes.rule_ids(route, self.rules))
        return [self._with_rule_info(alert) for alert in alerts]

    def make_digest(self, route: RouteConfig, *, urgent_only: bool = False) -> list[Delivery]:
        """Render the route's pending alerts into one digest owed to each of its targets.

        With urgent_only, only `priority: high` alerts go out now; the rest wait for the
        schedule. Either way a (route, match) is claimed once, so nothing is sent twice.
        """
        with self.lock:
            alerts = self.pending(route)
            if urgent_only:
                alerts = [a for a in alerts if a.priority is Priority.HIGH]
            if not alerts:
                return []
            return self.store.create_digest(
                self.render(route, alerts), routes.targets(route, self.config), self.clock()
            )

    def render(self, route: RouteConfig, alerts: Sequence[Alert]) -> Digest:
        return render_digest(
            route.name,
            alerts,
            self.clock(),
            timezone=route.timezone,
            language=route.language,
            footer=self.footer(),
            templates_dir=route.templates_dir or self.config.templates_dir,
        )

    def _with_rule_info(self, alert: Alert) -> Alert:
        rule = self.rules.by_id().get(alert.match.rule_id)
        return replace(alert, tags=rule.tags, priority=rule.priority) if rule else alert

    def footer(self) -> Footer:
        now = self.clock()
        failing = [
            f"{name}: {state.last_error} (failing since {state.failing_since:%Y-%m-%d %H:%M} UTC)"
            for name, state in self.store.feed_states().items()
            if health.failing_too_long(state, now)
        ]
        dead = [
            f"{row['channel']} {row['target']}: {row['last_error']}"
            for row in self.store.deliveries(["dead"])
        ]
        return Footer(
            failing_feeds=tuple(failing),
            rule_errors=self.rule_errors,
            dead_deliveries=tuple(dead),
        )

    def relay(self, summary: RunSummary) -> None:
        """Send every owed delivery that is due; a failure stays owed and is retried."""
        for delivery in self.store.due_deliveries(self.clock()):
            try:
                self._check_enabled(delivery)
                done = send(delivery, self.config)
            except DeliveryError as exc:
                self._failed(delivery, exc, summary)
            else:
                self.store.mark_sent(delivery.id, self.clock())
                summary.sent.append(f"{delivery.route} -> {delivery.channel}: {done}")
                log.info(
                    "route=%s channel=%s delivered: %s", delivery.route, delivery.channel, done
                )

    def _check_enabled(self, delivery: Delivery) -> None:
        """An endpoint that answered 410 gets nothing until `monitor outbox --enable`."""
        if (delivery.channel, delivery.target) in self.store.disabled_endpoints():
            again = f"monitor outbox --enable {delivery.channel} {delivery.target}"
            raise DeliveryError(
                f"endpoint disabled after HTTP 410, not sent (to send again: {again})",
                permanent=True,
            )

    def _failed(self, delivery: Delivery, exc: DeliveryError, summary: RunSummary) -> None:
        now = self.clock()
        if isinstance(exc, EndpointGoneError):
            self.store.disable_endpoint(delivery.channel, delivery.target, str(exc), now)
        retry_at = (
            None
            if exc.permanent
            else delivery_retry_at(delivery.attempts, delivery.digest.created, now, self.rng)
        )
        self.store.mark_failed(delivery.id, str(exc), retry_at)
        verdict = f"retry at {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else "dead, not retried"
        summary.failed.append(f"{delivery.channel} {delivery.target}: {exc} ({verdict})")
        log.error(
            "route=%s channel=%s target=%s delivery failed: %s (%s)",
            delivery.route,
            delivery.channel,
            delivery.target,
            exc,
            verdict,
        )

    # --- entry points --------------------------------------------------------------------

    def run_once(self) -> RunSummary:
        """Poll every enabled feed, then digest every route now and send."""
        summary = RunSummary()
        self.poll([f for f in self.config.feeds if f.enabled], summary)
        for route in self.config.routes:
            self.make_digest(route)
        self.relay(summary)
        return summary

    def due_feeds(self) -> list[FeedConfig]:
        """Enabled feeds whose next check has come (or that were never polled)."""
        now = self.clock()
        states = self.store.feed_states({f.name: f.url for f in self.config.feeds})
        due = []
        for feed in self.config.feeds:
            state = states.get(feed.name)
            if feed.enabled and (state is None or not state.next_check or state.next_check <= now):
                due.append(feed)
        return due

    def poll_job(self) -> None:
        """The scheduler's tick: poll what is due, then send urgent alerts at once."""
        self._guarded("poll", lambda: self.poll(self.due_feeds(), RunSummary()))
        self._guarded("urgent", self.send_urgent)

    def send_urgent(self) -> None:
        """High-priority matches alert at once on every route that takes their rule."""
        owed = [
            d for route in self.config.routes for d in self.make_digest(route, urgent_only=True)
        ]
        if owed:
            self.relay(RunSummary())

    def digest_job(self, route_name: str) -> None:
        routes = [r for r in self.config.routes if r.name == route_name]
        self._guarded(f"route={route_name}", lambda: [self.make_digest(r) for r in routes])
        self.housekeeping_job()

    def housekeeping_job(self) -> None:
        self._guarded("rules", self.reload_rules)
        self._guarded("relay", lambda: self.relay(RunSummary()))

    def _guarded(self, what: str, job: Callable[[], object]) -> None:
        """Jobs never die silently: log the error with context and let the next run retry."""
        try:
            job()
        except MonitorError as exc:
            log.error("%s: %s", what, exc)
        except Exception:
            log.exception("%s: unexpected error; will retry on the next run", what)


def _with_feed_ttl(result: FetchResult) -> FetchResult:
    """Fold an RSS <ttl> into the result's max-age: the larger hint wins."""
    ttls = [ttl for doc in result.documents if (ttl := feed_ttl(doc))]
    if not ttls:
        return result
    return replace(result, max_age=max([*ttls, result.max_age or timedelta(0)]))


def _file_hash(path: str | None) -> str:
    if not path:
        return ""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
