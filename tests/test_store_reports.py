"""Reports: latest mentions, the search, mentions per day and the outbox summary, on SQLite
and PostgreSQL, from data stored the way the daemon stores it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from monitor.model import Article, DeliveryStatus, Digest, Evidence, Match, RuleKind
from monitor.store import Store
from monitor.store.reports import MentionQuery
from tests.support.stored import ARTICLE, BABARYKA, NOW, ingest

DAY = timedelta(days=1)
PROTEST = Match(
    "protest-belarus", RuleKind.EVENT, "Protests in Belarus",
    (Evidence("marched", "Thousands marched in Minsk.", 10, 17),),
)  # fmt: skip
KALESNIKAVA = Match(
    "kalesnikava", RuleKind.PERSON, "Марыя Калеснікава",
    (Evidence("Калеснікава", "Марыя Калеснікава у турме.", 0, 11),),
)  # fmt: skip


def article(n: int, published: datetime | None, source: str = "RFE/RL") -> Article:
    return replace(
        ARTICLE, title=f"Story {n}", url=f"https://example.org/a/{n}", published=published,
        source=source,
    )  # fmt: skip


def put(store: Store, items: Sequence[tuple[Article, Sequence[Match]]], now: datetime) -> None:
    """Store articles, each with its own matches, as one polled document."""
    by_title = {a.title: list(m) for a, m in items}
    store.articles.ingest([a for a, _ in items], now, lambda a: by_title[a.title])


def three_stories(store: Store) -> None:
    put(store, [(article(1, NOW - 10 * DAY), [BABARYKA])], NOW - 9 * DAY)
    put(store, [(article(2, NOW - 2 * DAY), [BABARYKA, PROTEST])], NOW - DAY)
    put(store, [(article(3, None, source=""), [KALESNIKAVA])], NOW)  # no date: first seen


def test_latest_lists_the_newest_matches_with_their_article(store: Store) -> None:
    three_stories(store)
    latest = store.reports.latest(limit=3)
    assert [(m.rule_id, m.title) for m in latest] == [
        ("kalesnikava", "Story 3"),
        ("protest-belarus", "Story 2"),
        ("babaryka", "Story 2"),
    ]
    newest = latest[0]
    assert (newest.kind, newest.name, newest.found) == (RuleKind.PERSON, "Марыя Калеснікава", NOW)
    assert newest.evidence == KALESNIKAVA.evidence
    assert (newest.url, newest.source, newest.published) == (
        "https://example.org/a/3",
        "seeds",
        None,
    )
    assert latest[1].published == NOW - 2 * DAY and latest[1].source == "RFE/RL"


def test_latest_of_an_empty_store_is_empty(store: Store) -> None:
    assert store.reports.latest() == []


def test_search_by_rule_id_kind_and_name_part(store: Store) -> None:
    three_stories(store)

    def titles(query: MentionQuery) -> list[tuple[str, str]]:
        return [(m.rule_id, m.title) for m in store.reports.search(query)]

    babaryka = [("babaryka", "Story 2"), ("babaryka", "Story 1")]
    assert titles(MentionQuery(rule_id="babaryka")) == babaryka
    assert titles(MentionQuery(text="BABAR")) == babaryka
    assert titles(MentionQuery(text="калеснік")) == [("kalesnikava", "Story 3")]  # caseless
    assert titles(MentionQuery(text="КАЛЕСНІК")) == [("kalesnikava", "Story 3")]
    assert titles(MentionQuery(kind=RuleKind.EVENT)) == [("protest-belarus", "Story 2")]
    assert titles(MentionQuery(text="babaryka", kind=RuleKind.EVENT)) == []
    assert titles(MentionQuery(text="nobody")) == []
    assert len(store.reports.search(MentionQuery())) == 4
    assert len(store.reports.search(MentionQuery(limit=2))) == 2


def test_search_dates_bound_the_published_day_else_the_first_seen(store: Store) -> None:
    three_stories(store)

    def titles(since: datetime | None, until: datetime | None) -> list[str]:
        found = store.reports.search(MentionQuery(since=since, until=until))
        return sorted({m.title for m in found})

    assert titles(NOW - 3 * DAY, None) == ["Story 2", "Story 3"]
    assert titles(None, NOW - 3 * DAY) == ["Story 1"]
    assert titles(NOW - 2 * DAY, NOW - 2 * DAY + timedelta(seconds=1)) == ["Story 2"]
    assert titles(NOW - 2 * DAY + timedelta(seconds=1), NOW) == []  # until is exclusive


def test_daily_counts_each_rules_mentions_per_day(store: Store) -> None:
    three_stories(store)
    put(store, [(article(4, NOW - 2 * DAY + timedelta(hours=3)), [BABARYKA])], NOW)
    put(store, [(article(5, NOW - 89 * DAY), [PROTEST])], NOW)  # the first day shown
    put(store, [(article(6, NOW - 90 * DAY), [PROTEST])], NOW)  # one day too old
    put(store, [(article(7, NOW + 2 * DAY), [PROTEST])], NOW)  # a feed's future date
    series = {s.rule_id: s for s in store.reports.daily(NOW)}
    assert [s.rule_id for s in store.reports.daily(NOW)] == [
        "babaryka", "protest-belarus", "kalesnikava",
    ]  # fmt: skip
    babaryka = series["babaryka"]
    assert (babaryka.name, babaryka.first_day, len(babaryka.counts)) == (
        "Viktar Babaryka", NOW.date() - 89 * DAY, 90,
    )  # fmt: skip
    assert babaryka.total == 3
    assert babaryka.counts[-3] == 2 and babaryka.counts[-11] == 1
    assert series["protest-belarus"].counts[0] == 1 and series["protest-belarus"].total == 2
    assert series["kalesnikava"].counts[-1] == 1


def test_daily_over_fewer_days(store: Store) -> None:
    three_stories(store)
    [protest, babaryka, kalesnikava] = store.reports.daily(NOW, days=3)  # ties: by name
    assert babaryka.first_day == date(2024, 4, 20)
    assert (babaryka.counts, protest.counts, kalesnikava.counts) == (
        (1, 0, 0),
        (1, 0, 0),
        (0, 0, 1),
    )


def test_the_outbox_summary_of_an_empty_store(store: Store) -> None:
    summary = store.reports.deliveries()
    assert (summary.pending, summary.sending, summary.sent, summary.dead) == (0, 0, 0, 0)
    assert (summary.next_attempt, summary.dead_records) == (None, ())


def test_the_outbox_summary_counts_by_status_and_lists_the_dead(store: Store) -> None:
    ingest(store, [ARTICLE], [BABARYKA])
    match_ids = tuple(p.match_id for p in store.deliveries.pending("daily", None))
    digest = Digest("daily", "dg_1", "s", "t", "<p>h</p>", NOW, {}, match_ids)
    targets = [("email", f"{n}@example.org") for n in range(5)]
    ids = store.deliveries.create_digest(digest, targets, NOW)
    assert ids is not None
    store.deliveries.mark_failed(ids[0], "550 no such user", None)
    store.deliveries.mark_failed(ids[1], "421 try later", NOW + timedelta(minutes=5))
    store.deliveries.mark_failed(ids[2], "554 refused", None)
    store.deliveries.mark_sent(ids[3], NOW)
    store.deliveries.claim(ids[4], NOW, timedelta(minutes=15))
    summary = store.reports.deliveries()
    assert (summary.pending, summary.sending, summary.sent, summary.dead) == (1, 1, 1, 2)
    assert summary.next_attempt == NOW + timedelta(minutes=5)
    assert [(r.id, r.route, r.target, r.last_error) for r in summary.dead_records] == [
        (ids[2], "daily", "2@example.org", "554 refused"),
        (ids[0], "daily", "0@example.org", "550 no such user"),
    ]
    assert {r.status for r in summary.dead_records} == {DeliveryStatus.DEAD}
