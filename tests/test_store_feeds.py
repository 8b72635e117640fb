"""FeedStore: each feed's state between polls, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from monitor.model import FeedState
from monitor.store import Store
from tests.support.stored import NOW

OLD = "https://old.example.org/feed"
STATE = FeedState(
    url="https://new.example.org/feed",
    etag='"abc"',
    failures=2,
    last_error="HTTP 500",
    next_check=NOW,
    last_success=NOW,
)


def test_feed_state_round_trip_and_reset_when_the_configured_url_changes(store: Store) -> None:
    store.feeds.save("rfe", STATE, OLD)
    assert store.feeds.state("rfe", OLD) == STATE
    store.feeds.save("rfe", replace(STATE, failures=0), OLD)
    assert store.feeds.state("rfe") == replace(STATE, failures=0)
    assert store.feeds.state("rfe", "https://edited.example.org/feed") is None
    assert store.feeds.states({"rfe": OLD}) == {"rfe": replace(STATE, failures=0)}
    assert store.feeds.states({"rfe": "https://edited.example.org/feed"}) == {}


def test_a_disabled_feed_is_enabled_for_the_next_tick(store: Store) -> None:
    store.feeds.save("gone", replace(STATE, disabled=True), OLD)
    assert store.feeds.enable("gone") is True
    state = store.feeds.state("gone")
    assert state is not None and not state.disabled and state.next_check is None
    assert store.feeds.enable("never-polled") is False


def test_many_feeds_are_saved_at_once_known_and_new(store: Store) -> None:
    store.feeds.save("known", STATE, OLD)
    fixed = replace(STATE, failures=0, last_error=None)
    store.feeds.save_many(
        [("known", fixed, OLD), ("new", STATE, "https://n.example/feed"), ("other", fixed, OLD)]
    )
    assert store.feeds.states() == {"known": fixed, "new": STATE, "other": fixed}
    store.feeds.save_many([])
    assert len(store.feeds.states()) == 3
