"""What a monitor checks in the morning: settings, the store, the rules in force and the clock
in; a frozen `Status` out (feeds' health, the outbox, each route's next digest, the latest
mentions, candidates, archived pages and those since removed or changed), shown by the
status page (monitor.web) and by `monitor status` as one screen (monitor.cli.screen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitor.config import Settings
from monitor.discover import unlisted
from monitor.model import Candidate, Feed, FeedState, RuleSet, SourceChange
from monitor.poll import FeedHealth, describe, verdict
from monitor.store import DeliverySummary, Kept, Mention, Store

LATEST = 20  # mentions the page shows
CANDIDATES = 20  # people not on the list yet the page shows, strongest first
CANDIDATE_DAYS = timedelta(days=30)  # candidates, and removed or changed pages, this recent
CHANGES = 20  # removed or changed pages the page shows
ARCHIVED = 10  # newest archived copies the page shows


@dataclass(frozen=True)
class FeedLine:
    name: str
    url: str  # in use (after a permanent redirect it differs from the config's)
    health: FeedHealth
    state: str  # poll.describe: "ok", "FAILING x3 since ...: why", "stale: ...", ...
    last_success: datetime | None = None
    next_check: datetime | None = None


@dataclass(frozen=True)
class NextDigest:
    route: str
    schedule: str
    at: datetime | None  # in the route's time zone; None if the schedule never fires again


@dataclass(frozen=True)
class Status:
    now: datetime
    feeds: tuple[FeedLine, ...]
    deliveries: DeliverySummary
    digests: tuple[NextDigest, ...]
    latest: tuple[Mention, ...]
    last_tick: datetime | None = None  # the daemon's; None outside it or before its first
    rules: tuple[int, int] | None = None  # (people, events) in force; None when not known
    rule_errors: tuple[str, ...] = ()  # of the last broken edit of the rule files
    candidates: tuple[Candidate, ...] = ()  # not on the list yet, strongest first
    changes: tuple[SourceChange, ...] = ()  # archived pages since removed or changed
    archived: tuple[Kept, ...] = ()  # the newest archived copies

    def count(self, kind: FeedHealth) -> int:
        return sum(feed.health is kind for feed in self.feeds)


def gather(
    settings: Settings,
    store: Store,
    rules: RuleSet | None,
    now: datetime,
    *,
    rule_errors: tuple[str, ...] = (),
    last_tick: datetime | None = None,
    listed: Callable[[str], bool] | None = None,
) -> Status:
    """Read everything the status shows: a few queries, nothing written. `rules` are those
    in force (None: not known), `rule_errors` the problems of the rule files as they are,
    `listed` whether the rules in force name a person (candidates they name are left out)."""
    feeds = settings.feeds
    found = store.candidates.listed(now - CANDIDATE_DAYS)
    # the rules are asked about the page's candidates only, not about the whole month's
    candidates = unlisted(found, listed, CANDIDATES) if listed else found[:CANDIDATES]
    states = store.feeds.states({feed.name: feed.url for feed in feeds})
    return Status(
        now=now,
        feeds=tuple(feed_line(feed, states.get(feed.name), now) for feed in feeds),
        deliveries=store.reports.deliveries(),
        digests=next_digests(settings, now),
        latest=tuple(store.reports.latest(LATEST)),
        last_tick=last_tick,
        rules=(len(rules.people), len(rules.events)) if rules else None,
        rule_errors=rule_errors,
        candidates=tuple(candidates),
        changes=tuple(store.evidence.changes(now - CANDIDATE_DAYS, CHANGES)),
        archived=tuple(store.evidence.newest(ARCHIVED)),
    )


def feed_line(feed: Feed, state: FeedState | None, now: datetime) -> FeedLine:
    kind, text = verdict(state, feed.enabled, now), describe(state, feed.enabled, now)
    if state is None or kind is FeedHealth.NEW:
        return FeedLine(feed.name, feed.url, kind, text)
    return FeedLine(
        feed.name, state.url, kind, text, state.last_success,
        None if kind is FeedHealth.DISABLED else state.next_check,
    )  # fmt: skip


def next_digests(settings: Settings, now: datetime) -> tuple[NextDigest, ...]:
    return tuple(
        NextDigest(route.name, route.schedule, route.trigger.get_next_fire_time(None, now))
        for route in settings.routes
    )


def when(moment: datetime | None) -> str:
    """'2024-04-23 07:00 UTC', or '-' for never."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "-"


def local_time(moment: datetime | None) -> str:
    """A time in its own zone, '2024-04-24 07:00 +03'; 'never' for None."""
    return f"{moment:%Y-%m-%d %H:%M %Z}" if moment else "never"
