"""Feed health: pure bookkeeping of a feed's successes, failures and rhythm.

In: the feed's last FeedState, a FetchResult and `now`. Out: the next FeedState, and
verdicts for `monitor feeds` and the digest footer (failing for how long, stale or not).
"""

from __future__ import annotations

import enum
from dataclasses import replace
from datetime import datetime, timedelta

from monitor.model import FeedState, FetchResult, FetchStatus

# A feed is stale when nothing new came for this many of its usual gaps between new items.
STALE_FACTOR = 4
# Below this, a quiet spell is normal whatever the feed's rhythm (nights, weekends).
STALE_MINIMUM = timedelta(days=2)
# Weight of the newest gap in the running average of gaps between new items.
GAP_WEIGHT = 0.3
# The digest footer names feeds failing for longer than this.
FAILING_REPORT_AFTER = timedelta(days=1)


def succeeded(old: FeedState, result: FetchResult, now: datetime) -> FeedState:
    return replace(
        old,
        etag=result.etag or old.etag,
        last_modified=result.last_modified or old.last_modified,
        content_hash=result.content_hash or old.content_hash,
        failures=0,
        last_error=None,
        last_success=now,
        failing_since=None,
    )


def failed(old: FeedState, result: FetchResult, now: datetime) -> FeedState:
    return replace(
        old,
        failures=old.failures + 1,
        last_error=result.error or result.status.value,
        failing_since=old.failing_since or now,
        disabled=result.status is FetchStatus.GONE,
    )


def saw_new_items(state: FeedState, now: datetime) -> FeedState:
    """Fold the gap since the last new item into the feed's usual gap."""
    if state.last_new is None:
        return replace(state, last_new=now)
    gap = now - state.last_new
    usual = (
        gap if state.usual_gap is None else state.usual_gap * (1 - GAP_WEIGHT) + gap * GAP_WEIGHT
    )
    return replace(state, last_new=now, usual_gap=usual)


def is_stale(state: FeedState, now: datetime) -> bool:
    if state.last_new is None or state.usual_gap is None:
        return False
    return now - state.last_new > max(state.usual_gap * STALE_FACTOR, STALE_MINIMUM)


def failing_too_long(state: FeedState, now: datetime) -> bool:
    return state.failing_since is not None and now - state.failing_since > FAILING_REPORT_AFTER


class FeedHealth(enum.Enum):
    OK = "ok"
    FAILING = "failing"
    STALE = "stale"
    DISABLED = "disabled"
    NEW = "new"  # not polled yet


def verdict(state: FeedState | None, enabled: bool, now: datetime) -> FeedHealth:
    """A feed's health as a value (the status page, `monitor status`, `monitor feeds`)."""
    if not enabled or (state is not None and state.disabled):
        return FeedHealth.DISABLED
    if state is None or never_polled(state):
        return FeedHealth.NEW
    if state.failures:
        return FeedHealth.FAILING
    return FeedHealth.STALE if is_stale(state, now) else FeedHealth.OK


def never_polled(state: FeedState) -> bool:
    """A row made before the first poll (multi-node claims make them) says nothing yet."""
    seen = (state.last_success, state.last_new, state.content_hash, state.last_error)
    return all(value is None for value in seen) and not state.failures and not state.disabled


def describe(state: FeedState | None, enabled: bool, now: datetime) -> str:
    """One status word or phrase for `monitor feeds`."""
    kind = verdict(state, enabled, now)
    if kind is FeedHealth.NEW or state is None:
        return "disabled in config" if not enabled else "never polled"
    if kind is FeedHealth.DISABLED:
        return f"disabled ({state.last_error})" if state.disabled else "disabled in config"
    if kind is FeedHealth.FAILING:
        since = f" since {state.failing_since:%Y-%m-%d %H:%M} UTC" if state.failing_since else ""
        return f"FAILING x{state.failures}{since}: {state.last_error}"
    if kind is FeedHealth.STALE:
        return f"stale: nothing new since {state.last_new:%Y-%m-%d %H:%M} UTC"
    return "ok"
