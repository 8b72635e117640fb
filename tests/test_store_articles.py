"""ArticleStore: a document's articles stored once per story and matched in one unit of
work, on SQLite and PostgreSQL (see conftest.db_url)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from monitor.model import Source
from monitor.store import Store
from tests.support.stored import ARTICLE, BABARYKA, LONG_TEXT, NOW, count, ingest, pending_alerts


def test_an_article_seen_twice_is_new_once(store: Store) -> None:
    [first] = ingest(store, [ARTICLE]).saved
    [again] = ingest(store, [ARTICLE], now=NOW + timedelta(hours=1)).saved
    assert (first.new, first.changed) == (True, True)
    assert (again.new, again.changed) == (False, False)
    assert again.article_id == first.article_id
    assert count(store, "articles") == 1


def test_a_changed_text_is_matched_again(store: Store) -> None:
    [first] = ingest(store, [ARTICLE]).saved
    edited = ingest(store, [replace(ARTICLE, text=ARTICLE.text + " Updated.")])
    assert (edited.new, edited.changed) == (0, 1)
    assert edited.saved[0].article_id == first.article_id


def test_matches_are_recorded_once_per_article_and_rule(store: Store) -> None:
    assert len(ingest(store, [ARTICLE], [BABARYKA]).match_ids) == 1
    edited = replace(ARTICLE, text=ARTICLE.text + " Updated.")
    assert ingest(store, [edited], [BABARYKA]).match_ids == ()  # matched again, not new


def test_only_new_and_edited_articles_are_matched(store: Store) -> None:
    ingest(store, [ARTICLE])
    matched = []
    other = replace(ARTICLE, url="https://example.org/a/2")
    store.articles.ingest([ARTICLE, other], NOW, lambda a: matched.append(a.url) or ())
    assert matched == [other.url]


def test_a_matcher_error_stores_nothing_of_the_document(store: Store) -> None:
    def broken(article: object) -> tuple[()]:
        raise RuntimeError("matcher bug")

    with pytest.raises(RuntimeError):
        store.articles.ingest([ARTICLE], NOW, broken)
    assert count(store, "articles") == 0  # one transaction: all or nothing


def test_alerts_round_trip_with_their_evidence_and_aware_times(store: Store) -> None:
    ingest(store, [ARTICLE], [BABARYKA])
    [alert] = pending_alerts(store, "daily", None)
    assert alert.match == BABARYKA
    assert alert.article == ARTICLE
    assert alert.article.published == ARTICLE.published  # tz-aware UTC survives the trip


def test_rematch_adds_only_matches_recent_articles_did_not_have(store: Store) -> None:
    old = replace(ARTICLE, url="https://example.org/old")
    ingest(store, [old], now=NOW - timedelta(days=40))
    ingest(store, [ARTICLE], [BABARYKA])
    other_rule = replace(BABARYKA, rule_id="vlasova", name="Lilia Vlasova")
    checked, added = store.articles.rematch(
        NOW - timedelta(days=30), lambda a: [BABARYKA, other_rule], NOW
    )
    assert (checked, added) == (1, 1)  # the old one is out of the window; babaryka known
    assert store.articles.rematch(NOW - timedelta(days=30), lambda a: [other_rule], NOW) == (1, 0)


def test_rematch_walks_a_large_store_in_chunks(store: Store) -> None:
    many = [replace(ARTICLE, url=f"https://a.example/{i}") for i in range(1234)]
    ingest(store, many)
    assert store.articles.rematch(NOW, lambda a: [BABARYKA], NOW) == (1234, 1234)


def test_the_same_url_from_two_feeds_is_one_story_with_two_sources(store: Store) -> None:
    [first] = ingest(store, [replace(ARTICLE, guid="rss-1", feed="rss")], [BABARYKA]).saved
    [second] = ingest(
        store, [replace(ARTICLE, guid="atom-9", feed="atom", source="Belarus news")]
    ).saved
    assert (second.new, second.changed, second.article_id) == (False, False, first.article_id)
    [alert] = pending_alerts(store, "daily", None)
    assert alert.sources == (Source("RFE/RL", ARTICLE.url), Source("Belarus news", ARTICLE.url))


def test_near_identical_text_under_another_url_is_the_same_story(store: Store) -> None:
    [first] = ingest(store, [replace(ARTICLE, text=LONG_TEXT, url="https://a.example/1")]).saved
    reprint = replace(ARTICLE, text=LONG_TEXT.upper() + "!", url="https://b.example/9", feed="b")
    [second] = ingest(store, [reprint]).saved
    assert (second.new, second.article_id) == (False, first.article_id)
    assert count(store, "articles") == 1


def test_short_equal_texts_are_not_merged(store: Store) -> None:
    ingest(store, [replace(ARTICLE, text="Breaking news.", url="https://a.example/1")])
    other = ingest(store, [replace(ARTICLE, text="Breaking news.", url="https://b.example/2")])
    assert other.new == 1


def test_a_document_is_one_story_per_url_or_body(store: Store) -> None:
    """Repeats, reprints and edits inside one document behave as if saved one by one."""
    wire = replace(ARTICLE, text=LONG_TEXT, url="https://a.example/1")
    repeat = replace(wire, guid="again")
    reprint = replace(wire, text=LONG_TEXT.upper(), url="https://b.example/9", source="Wire")
    edited = replace(wire, text=LONG_TEXT + " Updated.")
    other = replace(ARTICLE, url="https://a.example/2")
    saved = ingest(store, [wire, repeat, reprint, edited, other], [BABARYKA]).saved
    story = saved[0].article_id
    assert [(s.article_id == story, s.new, s.changed) for s in saved] == [
        (True, True, True),
        (True, False, False),
        (True, False, False),
        (True, False, True),
        (False, True, True),
    ]
    assert count(store, "articles") == 2
    known = store.articles.stored_versions([wire, other])
    assert (known[wire.key].text, known[other.key].text) == (edited.text, other.text)
    alert = next(a for a in pending_alerts(store, "daily", None) if a.article.url == wire.url)
    assert alert.sources == (Source("RFE/RL", wire.url), Source("Wire", reprint.url))


def test_several_feeds_in_one_batch_are_stored_as_if_one_after_the_other(store: Store) -> None:
    """The poller stores the documents of many feeds in one transaction: the same story in
    two of them is one story with two sources, and each feed's new stories are counted."""
    first = [
        replace(ARTICLE, url="https://a.example/1"),
        replace(ARTICLE, url="https://a.example/2"),
    ]
    second = [replace(ARTICLE, url="https://a.example/2", feed="b", source="Wire")]
    third = [replace(ARTICLE, url="https://a.example/3", feed="c")]
    done = ingest(store, [*first, *second, *third], [BABARYKA])
    assert done.new_by_group([2, 1, 1]) == [2, 0, 1]
    assert count(store, "articles") == 3 and len(done.matches) == 3
    alert = next(a for a in pending_alerts(store, "daily", None) if a.article.url.endswith("/2"))
    assert alert.sources == (Source("RFE/RL", first[1].url), Source("Wire", second[0].url))


def test_a_document_finds_stored_stories(store: Store) -> None:
    [first] = ingest(store, [replace(ARTICLE, text=LONG_TEXT)]).saved
    reprint = replace(ARTICLE, text=LONG_TEXT + "!", url="https://b.example/9", source="Wire")
    edited = replace(ARTICLE, text=ARTICLE.text + " Updated.")
    saved = ingest(store, [reprint, edited, replace(edited, guid="again")]).saved
    assert [(s.article_id, s.new, s.changed) for s in saved] == [
        (first.article_id, False, False),
        (first.article_id, False, True),
        (first.article_id, False, False),
    ]


def test_a_document_larger_than_one_query_chunk_is_stored_once(store: Store) -> None:
    many = [replace(ARTICLE, url=f"https://a.example/{i}") for i in range(1200)]
    first = ingest(store, many)
    again = ingest(store, many)
    assert first.new == 1200
    assert [s.article_id for s in again.saved] == [s.article_id for s in first.saved]
    assert not any(s.new or s.changed for s in again.saved)
    assert (count(store, "articles"), count(store, "article_sources")) == (1200, 1200)


def test_stored_versions_find_a_story_by_url_or_by_body(store: Store) -> None:
    original = replace(ARTICLE, text=LONG_TEXT, url="https://a.example/1")
    ingest(store, [original])
    teaser_elsewhere = replace(ARTICLE, text=LONG_TEXT, url="https://b.example/2")
    unknown = replace(ARTICLE, url="https://c.example/3")
    known = store.articles.stored_versions([original, teaser_elsewhere, unknown])
    assert set(known) == {original.key, teaser_elsewhere.key}
    assert known[teaser_elsewhere.key].url == original.url


def test_retention_forgets_old_unmatched_stories_and_keeps_a_record_of_matched_ones(
    store: Store,
) -> None:
    old_plain = replace(ARTICLE, url="https://example.org/old-plain", text=LONG_TEXT)
    old_matched = replace(ARTICLE, url="https://example.org/old-matched")
    ingest(store, [old_plain], now=NOW - timedelta(days=200))
    ingest(store, [old_matched], [BABARYKA], now=NOW - timedelta(days=200))
    ingest(store, [ARTICLE], now=NOW)
    assert store.articles.prune(NOW - timedelta(days=180)) == (1, 1)
    assert (count(store, "articles"), count(store, "article_sources")) == (2, 2)
    [alert] = pending_alerts(store, "daily", None)  # the match and its story's record stay
    assert (alert.article.url, alert.article.title, alert.article.text) == (
        old_matched.url,
        old_matched.title,
        "",
    )
    assert store.articles.prune(NOW - timedelta(days=180)) == (0, 0)  # nothing left to do


def test_a_story_still_in_its_feed_is_not_forgotten(store: Store) -> None:
    ingest(store, [ARTICLE], now=NOW - timedelta(days=200))
    ingest(store, [ARTICLE], now=NOW - timedelta(days=1))  # seen again: last_seen moves on
    assert store.articles.prune(NOW - timedelta(days=180)) == (0, 0)
