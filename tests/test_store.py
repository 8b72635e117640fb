"""Store tests: run against SQLite and PostgreSQL (see conftest.db_url)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from monitor import schema
from monitor.errors import StoreError
from monitor.model import Article, Digest, Evidence, FeedState, Match, RuleKind, Source
from monitor.store import Store

NOW = datetime(2024, 4, 22, 14, 0, tzinfo=UTC)
ARTICLE = Article(
    title="Lukashenka Meets With Jailed Opposition Leaders",
    text="Viktar Babaryka was among the prisoners.",
    url="https://example.org/a/1",
    source="RFE/RL",
    feed="seeds",
    published=datetime(2024, 4, 22, 13, 52, tzinfo=UTC),
)
BABARYKA = Match(
    "babaryka",
    RuleKind.PERSON,
    "Viktar Babaryka",
    (
        Evidence(
            "Viktar Babaryka",
            "Viktar Babaryka was among the prisoners.",
            50,
            65,
            "name",
            "full name",
        ),
    ),
)


@pytest.fixture
def store(db_url: str) -> Store:
    opened = Store.open(db_url)
    yield opened
    opened.close()


def digest_of(store: Store, route: str) -> Digest:
    alerts = tuple(store.pending_alerts(route, None))
    return Digest(route, "subject", "text", "<p>html</p>", NOW, alerts)


def test_an_article_seen_twice_is_new_once(store: Store) -> None:
    first = store.save_article(ARTICLE, NOW)
    again = store.save_article(ARTICLE, NOW + timedelta(hours=1))
    assert (first.new, first.changed) == (True, True)
    assert (again.new, again.changed) == (False, False)
    assert again.article_id == first.article_id
    assert store.count("articles") == 1


def test_a_changed_text_is_reported_for_rematching(store: Store) -> None:
    first = store.save_article(ARTICLE, NOW)
    edited = store.save_article(replace(ARTICLE, text=ARTICLE.text + " Updated."), NOW)
    assert (edited.new, edited.changed) == (False, True)
    assert edited.article_id == first.article_id


def test_matches_are_recorded_once_per_article_and_rule(store: Store) -> None:
    saved = store.save_article(ARTICLE, NOW)
    assert len(store.add_matches(saved.article_id, [BABARYKA], NOW)) == 1
    assert store.add_matches(saved.article_id, [BABARYKA], NOW) == []


def test_alerts_round_trip_with_their_evidence_and_aware_times(store: Store) -> None:
    saved = store.save_article(ARTICLE, NOW)
    store.add_matches(saved.article_id, [BABARYKA], NOW)
    [alert] = store.pending_alerts("daily", None)
    assert alert.match == BABARYKA
    assert alert.article == ARTICLE
    assert alert.article.published == ARTICLE.published  # tz-aware UTC survives the trip


def test_a_match_enters_a_routes_digest_only_once(store: Store) -> None:
    saved = store.save_article(ARTICLE, NOW)
    store.add_matches(saved.article_id, [BABARYKA], NOW)
    deliveries = store.create_digest(digest_of(store, "daily"), [("outbox", "var/outbox")], NOW)
    assert [d.channel for d in deliveries] == ["outbox"]
    assert store.pending_alerts("daily", None) == []
    assert len(store.pending_alerts("other-route", None)) == 1  # routes are independent
    with pytest.raises(sa.exc.IntegrityError):
        # Even a buggy caller cannot put the same match in a second digest of the route.
        store.create_digest(replace(deliveries[0].digest), [("outbox", "x")], NOW)


def test_pending_alerts_filter_by_rule_ids(store: Store) -> None:
    saved = store.save_article(ARTICLE, NOW)
    store.add_matches(saved.article_id, [BABARYKA], NOW)
    assert store.pending_alerts("daily", {"someone-else"}) == []
    assert len(store.pending_alerts("daily", {"babaryka"})) == 1


def test_a_failed_delivery_stays_owed_until_sent(store: Store) -> None:
    saved = store.save_article(ARTICLE, NOW)
    store.add_matches(saved.article_id, [BABARYKA], NOW)
    [delivery] = store.create_digest(digest_of(store, "daily"), [("email", "a@example.org")], NOW)
    assert [d.id for d in store.due_deliveries(NOW)] == [delivery.id]
    store.mark_failed(delivery.id, "connection refused", NOW + timedelta(minutes=5))
    assert store.due_deliveries(NOW) == []
    [owed] = store.due_deliveries(NOW + timedelta(minutes=5))
    assert owed.attempts == 1
    assert owed.digest.alerts[0].match == BABARYKA  # the retry carries the same alerts
    store.mark_sent(owed.id, NOW + timedelta(minutes=6))
    assert store.due_deliveries(NOW + timedelta(days=1)) == []
    assert store.deliveries(["pending", "dead"]) == []


def test_a_permanently_failed_delivery_is_dead_and_listed(store: Store) -> None:
    saved = store.save_article(ARTICLE, NOW)
    store.add_matches(saved.article_id, [BABARYKA], NOW)
    [delivery] = store.create_digest(digest_of(store, "daily"), [("email", "x@bad")], NOW)
    store.mark_failed(delivery.id, "550 no such user", None)
    assert store.due_deliveries(NOW + timedelta(days=10)) == []
    [row] = store.deliveries(["dead"])
    assert (row["target"], row["last_error"]) == ("x@bad", "550 no such user")


def test_feed_state_round_trip_and_reset_when_the_configured_url_changes(store: Store) -> None:
    state = FeedState(
        url="https://new.example.org/feed",
        etag='"abc"',
        failures=2,
        last_error="HTTP 500",
        next_check=NOW,
        last_success=NOW,
    )
    store.save_feed_state("rfe", state, "https://old.example.org/feed")
    assert store.feed_state("rfe", "https://old.example.org/feed") == state
    store.save_feed_state("rfe", replace(state, failures=0), "https://old.example.org/feed")
    assert store.feed_state("rfe").failures == 0
    assert store.feed_state("rfe", "https://edited.example.org/feed") is None


def test_articles_since_returns_recent_ones(store: Store) -> None:
    store.save_article(ARTICLE, NOW - timedelta(days=40))
    recent = replace(ARTICLE, url="https://example.org/a/2")
    store.save_article(recent, NOW)
    assert [a.url for _, a in store.articles_since(NOW - timedelta(days=30))] == [recent.url]


def test_opening_twice_migrates_once(db_url: str) -> None:
    Store.open(db_url).close()
    store = Store.open(db_url)
    with store.engine.connect() as conn:
        versions = conn.execute(sa.select(schema.schema_version.c.version)).scalars().all()
    store.close()
    assert versions == list(range(1, len(schema.MIGRATIONS) + 1))


def test_a_newer_schema_is_refused_with_advice(db_url: str) -> None:
    store = Store.open(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.insert(schema.schema_version), {"version": 999, "applied": NOW})
    store.close()
    with pytest.raises(StoreError, match="upgrade monitor"):
        Store.open(db_url)


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as info:
        Store.open("postgresql://user:s3cret@127.0.0.1:1/none")
    assert "cannot open database" in str(info.value)
    assert "s3cret" not in str(info.value)


LONG_TEXT = " ".join(f"word{i}" for i in range(60))


def test_the_same_url_from_two_feeds_is_one_story_with_two_sources(store: Store) -> None:
    first = store.save_article(replace(ARTICLE, guid="rss-1", feed="rss", source="RFE/RL"), NOW)
    second = store.save_article(
        replace(ARTICLE, guid="atom-9", feed="atom", source="Belarus news"), NOW
    )
    assert (second.new, second.changed, second.article_id) == (False, False, first.article_id)
    store.add_matches(first.article_id, [BABARYKA], NOW)
    [alert] = store.pending_alerts("daily", None)
    assert alert.sources == (Source("RFE/RL", ARTICLE.url), Source("Belarus news", ARTICLE.url))


def test_near_identical_text_under_another_url_is_the_same_story(store: Store) -> None:
    original = replace(ARTICLE, text=LONG_TEXT, url="https://a.example/1")
    reprint = replace(ARTICLE, text=LONG_TEXT.upper() + "!", url="https://b.example/9", feed="b")
    first = store.save_article(original, NOW)
    second = store.save_article(reprint, NOW)
    assert (second.new, second.article_id) == (False, first.article_id)
    assert store.count("articles") == 1


def test_short_equal_texts_are_not_merged(store: Store) -> None:
    store.save_article(replace(ARTICLE, text="Breaking news.", url="https://a.example/1"), NOW)
    other = store.save_article(
        replace(ARTICLE, text="Breaking news.", url="https://b.example/2"), NOW
    )
    assert other.new


def test_endpoints_can_be_disabled_and_enabled_again(store: Store) -> None:
    store.disable_endpoint("webhook", "ngo", "HTTP 410 Gone", NOW)
    store.disable_endpoint("webhook", "ngo", "HTTP 410 Gone again", NOW)
    assert store.disabled_endpoints() == {("webhook", "ngo"): "HTTP 410 Gone again"}
    assert store.enable_endpoint("webhook", "ngo") is True
    assert store.enable_endpoint("webhook", "ngo") is False
    assert store.disabled_endpoints() == {}


def test_a_document_saved_at_once_is_one_story_per_url_or_body(store: Store) -> None:
    """Repeats, reprints and edits inside one document behave as if saved one by one."""
    wire = replace(ARTICLE, text=LONG_TEXT, url="https://a.example/1")
    repeat = replace(wire, guid="again")
    reprint = replace(wire, text=LONG_TEXT.upper(), url="https://b.example/9", source="Wire")
    edited = replace(wire, text=LONG_TEXT + " Updated.")
    other = replace(ARTICLE, url="https://a.example/2")
    saved = store.save_articles([wire, repeat, reprint, edited, other], NOW)
    story = saved[0].article_id
    assert [(s.article_id == story, s.new, s.changed) for s in saved] == [
        (True, True, True),
        (True, False, False),
        (True, False, False),
        (True, False, True),
        (False, True, True),
    ]
    assert store.count("articles") == 2
    assert [a.text for _, a in store.articles_since(NOW)] == [edited.text, other.text]
    store.add_matches(story, [BABARYKA], NOW)
    [alert] = store.pending_alerts("daily", None)
    assert alert.sources == (Source("RFE/RL", wire.url), Source("Wire", reprint.url))


def test_a_document_saved_at_once_finds_stored_stories(store: Store) -> None:
    stored = store.save_article(replace(ARTICLE, text=LONG_TEXT), NOW)
    reprint = replace(ARTICLE, text=LONG_TEXT + "!", url="https://b.example/9", source="Wire")
    edited = replace(ARTICLE, text=ARTICLE.text + " Updated.")
    saved = store.save_articles([reprint, edited, replace(edited, guid="again")], NOW)
    assert [(s.article_id, s.new, s.changed) for s in saved] == [
        (stored.article_id, False, False),
        (stored.article_id, False, True),
        (stored.article_id, False, False),
    ]
    assert [a.text for _, a in store.articles_since(NOW)] == [edited.text]


def test_a_document_larger_than_one_query_chunk_is_stored_once(store: Store) -> None:
    many = [replace(ARTICLE, url=f"https://a.example/{i}") for i in range(1200)]
    first = store.save_articles(many, NOW)
    again = store.save_articles(many, NOW)
    assert sum(s.new for s in first) == 1200
    assert [s.article_id for s in again] == [s.article_id for s in first]
    assert not any(s.new or s.changed for s in again)
    assert store.count("articles") == 1200
    assert store.count("article_sources") == 1200


def test_matches_of_many_articles_are_recorded_once(store: Store) -> None:
    [one, two] = store.save_articles([ARTICLE, replace(ARTICLE, url="https://a.example/2")], NOW)
    store.add_matches(one.article_id, [BABARYKA], NOW)
    other_rule = replace(BABARYKA, rule_id="vlasova", name="Valiantsin Stefanovic")
    with store.batch() as batch:
        new = batch.add_matches_many(
            [
                (one.article_id, [BABARYKA, other_rule]),
                (two.article_id, [BABARYKA]),
                (two.article_id, [BABARYKA]),
            ],
            NOW,
        )
    assert len(new) == 2
    assert store.count("matches") == 3
    found = {(a.article.url, a.match.rule_id) for a in store.pending_alerts("daily", None)}
    assert found == {
        (ARTICLE.url, "babaryka"),
        (ARTICLE.url, "vlasova"),
        ("https://a.example/2", "babaryka"),
    }
