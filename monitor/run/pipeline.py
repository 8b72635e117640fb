"""The orchestrator: the one place where the stages meet. It composes them; it does none
of their work.

In: Settings (config and resolved routes), a Store and a Fetcher. Out: `run_once` polls
every feed (poll.py), makes each route's digest (digest.py) and sends what is owed
(relay.py), returning a RunSummary; the daemon's jobs (schedule.py) call the same steps.
Rule files are watched by LiveRules; new rules are run over recent articles once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from monitor.alerts.digest import Digester, OnOwed
from monitor.alerts.relay import Failed, Outcome, Relay, Sent
from monitor.clock import utcnow
from monitor.config.schema import FeedConfig
from monitor.config.settings import Settings
from monitor.fetch import Fetcher
from monitor.match.lint import lint
from monitor.model import RuleSet
from monitor.poll.poller import Poller, PollReport
from monitor.poll.pool import WorkerPool
from monitor.rules.live import Active, LiveRules
from monitor.store import Store

log = logging.getLogger(__name__)

# How far back a new or edited rule looks when the rule files change.
RETRO_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class RunSummary:
    """What one `run --once` did, as printed for the user."""

    poll: PollReport
    outcomes: tuple[Outcome, ...] = ()

    @property
    def failed(self) -> list[Failed]:
        return [o for o in self.outcomes if isinstance(o, Failed)]

    def lines(self) -> list[str]:
        sent = [o for o in self.outcomes if isinstance(o, Sent)]
        failed_feeds = self.poll.feeds_failed
        return [
            f"feeds read: {self.poll.feeds_read}"
            + (f" ({len(failed_feeds)} failed)" if failed_feeds else ""),
            f"new articles: {self.poll.new_articles}",
            f"new matches: {self.poll.matches}",
            f"digests delivered: {len(sent)}",
            *(f"  {o.route} -> {o.channel}: {o.done}" for o in sent),
            *(f"feed failed: {line}" for line in failed_feeds),
            *(f"delivery failed: {describe_failure(o)}" for o in self.failed),
        ]


def describe_failure(failed: Failed) -> str:
    when = failed.retry_at
    verdict = f"retry at {when:%Y-%m-%d %H:%M} UTC" if when else "dead, not retried"
    return f"{failed.channel} {failed.target}: {failed.error} ({verdict})"


def warn_noisy_once(rules: Active, marker: Path) -> None:
    """warn_noisy, once per set of rule files: `marker` holds the fingerprint of the last
    set warned about, so restarts (or `run --once` from cron) do not repeat the warnings of
    rules nobody has edited since; `monitor rules check` shows them at any time."""
    try:
        if marker.read_text(encoding="utf-8") == rules.fingerprint:
            return
    except OSError:
        pass  # never warned about, in this data folder
    warn_noisy(rules.rules)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(rules.fingerprint, encoding="utf-8")
    except OSError as exc:
        log.info("cannot remember which rules were checked (%s); warnings will repeat", exc)


def warn_noisy(rules: RuleSet) -> None:
    """Rules likely to alert wrongly (a shared surname, a very short one, no given name),
    said in the daemon's log when they load. Reading every surname against each language's
    everyday words is left to `monitor rules check`: 90,000 words cost 1.5 s of CPU on
    every start, and the matcher already keeps a lone everyday-word surname quiet."""
    for warning in lint(rules, languages=()):
        log.warning("rule may alert wrongly: %s", warning)


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        clock: Callable[[], datetime] = utcnow,
        workers: WorkerPool | None = None,
        on_owed: OnOwed | None = None,
    ) -> None:
        self.settings, self.store, self.clock = settings, store, clock
        self.rules = LiveRules(settings.config.rules)
        # Reading the rules for warnings takes a few tenths of a second, mostly spent on the
        # given-name lexicon: done beside the first poll's fetching, which mostly waits.
        self._lint = threading.Thread(
            target=warn_noisy_once,
            args=(self.rules.active, self._linted()),
            name="rules-lint",
            daemon=True,
        )
        self._lint.start()
        self.poller = Poller(store, fetcher, self.rules, clock, workers)
        self.digester = Digester(store, clock, on_owed)
        self.relay = Relay(store, clock)

    def run_once(self, advance: Callable[[int], object] = lambda n: None) -> RunSummary:
        """Poll every enabled feed, make every route's digest now, send what is owed;
        `advance(n)` is told of feeds done (a progress bar)."""
        report = self.poller.poll(self.feeds(), advance)
        for route in self.settings.routes:
            self.digester.make(route, self.rules.active)
        return RunSummary(report, tuple(self.relay.relay(self.settings.routes)))

    def feeds(self) -> list[FeedConfig]:
        return [feed for feed in self.settings.config.feeds if feed.enabled]

    def poll_due(self) -> PollReport:
        """Poll the feeds whose next check has come."""
        return self.poller.poll(self.poller.due(self.settings.config.feeds))

    def send_urgent(self) -> list[Outcome]:
        """`priority: high` matches go out at once on every route that takes their rule."""
        owed = sum(
            self.digester.make(route, self.rules.active, urgent_only=True)
            for route in self.settings.routes
        )
        return self.relay.relay(self.settings.routes) if owed else []

    def send_digest(self, route_name: str) -> list[Outcome]:
        """Make one route's digest now and send what is owed."""
        self.digester.make(self.settings.route(route_name), self.rules.active)
        return self.relay.relay(self.settings.routes)

    def _linted(self) -> Path:
        """Where the fingerprint of the last rules warned about is kept."""
        return self.settings.config.data_dir / "rules-checked"

    def relay_owed(self) -> list[Outcome]:
        return self.relay.relay(self.settings.routes)

    def reload_rules(self) -> bool:
        """Load changed rule files; a new or edited rule sees the recent articles once."""
        if not self.rules.reload(self.settings.config.rules):
            return False
        warn_noisy_once(self.rules.active, self._linted())
        checked, found = self.replay(self.clock() - RETRO_WINDOW)
        log.info("rules changed: re-matched %d recent articles, %d new matches", checked, found)
        return True

    def reload_settings(self, settings: Settings) -> None:
        """Run with new settings from now on (rule paths may have changed too)."""
        self.settings = settings
        self.reload_rules()

    def replay(self, since: datetime) -> tuple[int, int]:
        """Re-match articles first seen since `since`; (checked, new matches). Matches an
        article already had are not added again, so nothing repeats."""
        matcher = self.rules.active.matcher
        return self.store.articles.rematch(
            since, lambda a: matcher.match(a.full_text, a.language), self.clock()
        )

    def prune(self) -> tuple[int, int]:
        """Apply `retention_days`: (stories deleted, stories emptied of their text)."""
        days = self.settings.config.retention_days
        if not days:
            return 0, 0
        deleted, emptied = self.store.articles.prune(self.clock() - timedelta(days=days))
        if deleted or emptied:
            log.info("retention (%d days): %d stories forgotten, %d matched ones kept "
                     "without their text", days, deleted, emptied)  # fmt: skip
        return deleted, emptied

    def close(self) -> None:
        """Record sends the database missed, stop the worker processes, finish the rule
        warnings (the store and fetcher belong to the caller)."""
        self.relay.record_unrecorded()
        if unrecorded := self.relay.unrecorded():
            log.error("%d send(s) the database never recorded will be sent again at the next "
                      "start (same Message-ID and webhook-id)", unrecorded)  # fmt: skip
        self.poller.close()
        self._lint.join()  # its warnings are logged before the process ends
