"""Feed health: pure bookkeeping of a feed's successes, failures and rhythm.

In: the feed's last FeedState, a FetchResult and `now`. Out: the next FeedState, and
verdicts for `monitor feeds` and the digest footer (failing for how long, stale or not).
"""

from __future__ import annotations

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


def describe(state: FeedState | None, enabled: bool, now: datetime) -> str:
    """One status word or phrase for `monitor feeds`."""
    if state is None:
        return "never polled"
    if state.disabled or not enabled:
        return f"disabled ({state.last_error})" if state.disabled else "disabled in config"
    if state.failures:
        since = f" since {state.failing_since:%Y-%m-%d %H:%M} UTC" if state.failing_since else ""
        return f"FAILING x{state.failures}{since}: {state.last_error}"
    if is_stale(state, now):
        return f"stale: nothing new since {state.last_new:%Y-%m-%d %H:%M} UTC"
    return "ok"
