"""Candidates in the store: grouped by person across stories and sources, ranked, dismissed
for good; on SQLite and PostgreSQL (see conftest.db_url)."""

from __future__ import annotations

from datetime import timedelta

from monitor.discover import Sighting
from monitor.model import Article
from monitor.store import Store
from tests.support.stored import NOW, count

KARNEI = Sighting("A:KRN", "Ihar Karnei", ("Ihar Karnei",), "KGB officers detained Ihar Karnei.")
KARNEI_RU = Sighting("A:KRN", "Игорь Карней", ("Игоря Карнея",), "Задержали Игоря Карнея.")
OTHER = Sighting("P:TRV", "Pavel Petrov", ("Pavel Petrov",), "Pavel Petrov was sentenced.")


def story(n: int, source: str) -> Article:
    return Article(title=f"Story {n}", text="text", url=f"https://example.org/{n}", source=source)


def test_sightings_group_by_person_across_stories_scripts_and_sources(store: Store) -> None:
    store.candidates.record([(1, story(1, "RFE/RL"), [KARNEI]), (2, story(2, "Nasha Niva"),
                             [KARNEI_RU]), (3, story(3, "RFE/RL"), [OTHER])], NOW)  # fmt: skip
    first, second = store.candidates.listed()
    assert first.key == "A:KRN"
    assert (first.articles, set(first.sources)) == (2, {"RFE/RL", "Nasha Niva"})
    assert first.name == "Ihar Karnei"  # the Latin spelling names the person
    assert set(first.variants) == {"Ihar Karnei", "Игоря Карнея", "Игорь Карней"}
    assert set(first.names) == {"Ihar Karnei", "Игорь Карней"}
    assert second.name == "Pavel Petrov"


def test_more_sources_rank_first_then_the_newest(store: Store) -> None:
    store.candidates.record([(1, story(1, "A"), [OTHER])], NOW)
    store.candidates.record([(2, story(2, "A"), [KARNEI])], NOW + timedelta(hours=1))
    assert [c.key for c in store.candidates.listed()] == ["A:KRN", "P:TRV"]
    store.candidates.record([(3, story(3, "B"), [OTHER])], NOW)
    assert [c.key for c in store.candidates.listed()] == ["P:TRV", "A:KRN"]


def test_since_leaves_out_older_sightings(store: Store) -> None:
    store.candidates.record([(1, story(1, "A"), [OTHER])], NOW - timedelta(days=10))
    store.candidates.record([(2, story(2, "A"), [KARNEI])], NOW)
    assert [c.key for c in store.candidates.listed(NOW - timedelta(days=7))] == ["A:KRN"]


def test_a_story_seen_again_is_one_sighting(store: Store) -> None:
    other_process = Store.open(str(store.engine.url.render_as_string(hide_password=False)))
    try:
        store.candidates.record([(1, story(1, "A"), [KARNEI])], NOW)
        other_process.candidates.record([(1, story(1, "A"), [KARNEI, KARNEI])], NOW)
    finally:
        other_process.close()
    assert count(store, "candidate_sightings") == 1
    assert store.candidates.listed()[0].articles == 1


def test_a_dismissed_candidate_is_never_listed_again(store: Store) -> None:
    store.candidates.record([(1, story(1, "A"), [KARNEI]), (2, story(2, "A"), [OTHER])], NOW)
    assert store.candidates.dismiss("A:KRN", NOW)
    assert [c.key for c in store.candidates.listed()] == ["P:TRV"]
    store.candidates.record([(5, story(5, "B"), [KARNEI])], NOW + timedelta(days=1))
    assert [c.key for c in store.candidates.listed()] == ["P:TRV"]
    assert not store.candidates.dismiss("nobody", NOW)


def test_retention_forgets_old_sightings_but_not_dismissals(store: Store) -> None:
    store.candidates.record([(1, story(1, "A"), [OTHER])], NOW - timedelta(days=200))
    store.candidates.record([(2, story(2, "A"), [KARNEI])], NOW)
    store.candidates.dismiss("A:KRN", NOW)
    assert store.candidates.prune(NOW - timedelta(days=180)) == 1
    assert count(store, "candidate_sightings") == 1
    store.candidates.record([(3, story(3, "B"), [KARNEI])], NOW)
    assert store.candidates.listed() == []  # still dismissed
