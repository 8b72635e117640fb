"""Feed health bookkeeping: failures, failing-since, rhythm and staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.model import FeedState, FetchResult, FetchStatus
from monitor.poll import health

NOW = datetime(2024, 4, 22, 12, 0, tzinfo=UTC)
OK = FetchResult("https://x.example/feed", FetchStatus.OK, etag='"v2"', content_hash="h2")
ERROR = FetchResult("https://x.example/feed", FetchStatus.ERROR, error="HTTP 500 Internal")
GONE = FetchResult("https://x.example/feed", FetchStatus.GONE, error="HTTP 410 Gone")


def test_failures_count_up_and_remember_when_they_began() -> None:
    state = health.failed(FeedState("u"), ERROR, NOW)
    state = health.failed(state, ERROR, NOW + timedelta(hours=1))
    assert (state.failures, state.failing_since, state.last_error) == (2, NOW, "HTTP 500 Internal")
    assert not health.failing_too_long(state, NOW + timedelta(hours=23))
    assert health.failing_too_long(state, NOW + timedelta(days=1, minutes=1))
    assert health.describe(state, True, NOW).startswith("FAILING x2 since 2024-04-22 12:00 UTC")


def test_a_success_clears_the_failure_and_keeps_validators() -> None:
    failing = health.failed(FeedState("u", etag='"v1"'), ERROR, NOW)
    state = health.succeeded(failing, OK, NOW)
    assert (state.failures, state.failing_since, state.last_error) == (0, None, None)
    assert (state.etag, state.content_hash, state.last_success) == ('"v2"', "h2", NOW)


def test_gone_disables() -> None:
    state = health.failed(FeedState("u"), GONE, NOW)
    assert state.disabled
    assert health.describe(state, True, NOW) == "disabled (HTTP 410 Gone)"


def test_a_feed_that_stops_bringing_news_turns_stale() -> None:
    state = FeedState("u")
    for hour in range(0, 60, 6):  # a new item every 6 hours
        state = health.saw_new_items(state, NOW + timedelta(hours=hour))
    assert state.usual_gap == timedelta(hours=6)
    last = NOW + timedelta(hours=54)
    assert not health.is_stale(state, last + timedelta(days=1))  # under the 2-day floor
    assert health.is_stale(state, last + timedelta(days=2, minutes=1))
    assert health.describe(state, True, last + timedelta(days=3)).startswith("stale")


def test_a_new_feed_is_not_stale() -> None:
    assert not health.is_stale(health.saw_new_items(FeedState("u"), NOW), NOW + timedelta(days=9))
    assert health.describe(None, True, NOW) == "never polled"
