"""What a monitor checks in the morning: settings, the store, the rules in force and the clock
in; a frozen `Status` out (feeds' health, the outbox, each route's next digest, the latest
mentions), shown by the status page (monitor.web) and by `monitor status` as one screen.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor import health
from monitor.config import FeedConfig
from monitor.health import FeedHealth
from monitor.live_rules import Active
from monitor.model import FeedState
from monitor.oneline import one_line
from monitor.settings import Settings, load_settings
from monitor.store import Store
from monitor.store.reports import Mention, OutboxSummary

LATEST = 20  # mentions the page shows
SCREEN_LATEST = 10  # of which `monitor status` prints, to stay within one screen


@dataclass(frozen=True)
class FeedLine:
    name: str
    url: str  # in use (after a permanent redirect it differs from the config's)
    health: FeedHealth
    state: str  # health.describe: "ok", "FAILING x3 since ...: why", "stale: ...", ...
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
    outbox: OutboxSummary
    digests: tuple[NextDigest, ...]
    latest: tuple[Mention, ...]
    last_tick: datetime | None = None  # the daemon's; None outside it or before its first
    rules: tuple[int, int] | None = None  # (people, events) in force; None when not known
    rule_errors: tuple[str, ...] = ()  # of the last broken edit of the rule files

    def count(self, kind: FeedHealth) -> int:
        return sum(feed.health is kind for feed in self.feeds)


def gather(
    settings: Settings,
    store: Store,
    rules: Active | None,
    now: datetime,
    *,
    last_tick: datetime | None = None,
) -> Status:
    """Read everything the status shows: a few queries, nothing written."""
    feeds = settings.config.feeds
    states = store.feeds.states({feed.name: feed.url for feed in feeds})
    return Status(
        now=now,
        feeds=tuple(feed_line(feed, states.get(feed.name), now) for feed in feeds),
        outbox=store.reports.outbox(),
        digests=next_digests(settings, now),
        latest=tuple(store.reports.latest(LATEST)),
        last_tick=last_tick,
        rules=(len(rules.rules.people), len(rules.rules.events)) if rules else None,
        rule_errors=rules.errors if rules else (),
    )


def feed_line(feed: FeedConfig, state: FeedState | None, now: datetime) -> FeedLine:
    kind, text = health.verdict(state, feed.enabled, now), health.describe(state, feed.enabled, now)
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


# --- `monitor status` --------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    """Print the status page's facts as one screen (args: `.config`)."""
    settings = load_settings(args.config)
    store = Store.open(settings.config.db_url)
    try:
        status = gather(settings, store, None, datetime.now(UTC))
    finally:
        store.close()
    print("\n".join(lines(status)))
    return 0


def lines(status: Status) -> list[str]:
    """The status as plain text, in the page's order."""
    return [
        f"monitor status at {when(status.now)}",
        *_rule_lines(status),
        *_feed_lines(status),
        *_outbox_lines(status.outbox),
        "next digests:",
        *(f"  {d.route}: {local_time(d.at)} ({d.schedule})" for d in status.digests),
        *_latest_lines(status.latest),
    ]


def _rule_lines(status: Status) -> list[str]:
    found = [f"last tick: {when(status.last_tick)}"] if status.last_tick else []
    if status.rules is not None:
        found.append(f"rules: {status.rules[0]} people, {status.rules[1]} events")
    return found + [f"RULE ERROR: {error}" for error in status.rule_errors]


def _feed_lines(status: Status) -> list[str]:
    counts = ", ".join(f"{status.count(kind)} {kind.value}" for kind in FeedHealth)
    found = [f"feeds: {counts}"]
    for feed in status.feeds:
        found.append(f"  {feed.name}: {one_line(feed.state)}")
        found.append(
            f"    url {feed.url}; last success {when(feed.last_success)}; "
            f"next check {when(feed.next_check)}"
        )
    return found


def _outbox_lines(outbox: OutboxSummary) -> list[str]:
    found = [
        f"outbox: {outbox.pending} owed, {outbox.sending} sending, {outbox.dead} dead; "
        f"next attempt {when(outbox.next_attempt)}"
    ]
    for record in outbox.dead_records:
        found.append(
            f"  dead #{record.id} route={record.route} {record.channel} {record.target}: "
            f"{one_line(record.last_error or 'no error recorded')}"
        )
    return found


def _latest_lines(latest: tuple[Mention, ...]) -> list[str]:
    if not latest:
        return ["latest mentions: none yet"]
    shown = latest[:SCREEN_LATEST]
    # Titles come from feeds: one_line drops the control characters (terminal escapes
    # included) a hostile feed could carry.
    found = [f"latest mentions (newest {len(shown)}; `monitor matches` lists more):"]
    for m in shown:
        found.append(f"  {when(m.found)} {m.rule_id}: {one_line(m.title)} ({one_line(m.source)})")
    return found


def when(moment: datetime | None) -> str:
    """'2024-04-23 07:00 UTC', or '-' for never."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "-"


def local_time(moment: datetime | None) -> str:
    """A time in its own zone, '2024-04-24 07:00 +03'; 'never' for None."""
    return f"{moment:%Y-%m-%d %H:%M %Z}" if moment else "never"
