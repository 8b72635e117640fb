"""The store's articles teach the rules in force (rules/learned.py): once a day, from the
articles of the last `learn_days`, which everyday-word surnames name their person alone;
every process takes what one learned; an edited rule starts over."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.model import Article
from monitor.rules import Learner, LiveRules
from monitor.store import Store
from tests.support.stored import NOW

RULES = "people:\n  - id: lukashenko\n    name: Alexander Lukashenko\n"
ALONE = "Лукашенко подписал указ о помиловании."


def stories(n: int, first: int = 0) -> list[Article]:
    return [
        Article(title=f"Совещание {i}", text=f"Александр Лукашенко провёл совещание №{i}. "
                "Лукашенко заявил о новых мерах.", url=f"https://example.org/{i}")
        for i in range(first, first + n)
    ]  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def alone_counts(live: LiveRules) -> bool:
    return bool(live.active.matcher.match(ALONE, "ru"))


def test_a_day_of_news_teaches_the_rules_in_force(store: Store, rules: Path) -> None:
    store.articles.ingest(stories(6), NOW - timedelta(days=2), lambda a: ())
    live, clock = LiveRules([rules]), Clock()
    assert not alone_counts(live)
    assert Learner(store, live, clock, lambda: 28).due() is True
    assert alone_counts(live)
    standings, when, _ = store.standings.learned()
    assert when == NOW and [(s.rule_id, s.named) for s in standings] == [("lukashenko", 6)]
    matcher = live.active.matcher
    assert Learner(store, live, clock, lambda: 28).due() is False  # the same: nothing swapped
    assert live.active.matcher is matcher


def test_articles_older_than_learn_days_do_not_count(store: Store, rules: Path) -> None:
    store.articles.ingest(stories(6), NOW - timedelta(days=40), lambda a: ())
    live = LiveRules([rules])
    Learner(store, live, Clock(), lambda: 28).due()
    assert store.standings.learned()[0] == () and not alone_counts(live)


def test_within_a_day_it_does_not_learn_again_but_another_process_takes_it(
    store: Store, rules: Path
) -> None:
    store.articles.ingest(stories(6), NOW - timedelta(hours=3), lambda a: ())
    clock = Clock()
    Learner(store, LiveRules([rules]), clock, lambda: 28).due()
    store.articles.ingest(stories(20, first=100), NOW, lambda a: ())
    clock.now = NOW + timedelta(hours=23)
    other = LiveRules([rules])  # another process, started later
    Learner(store, other, clock, lambda: 28).due(learn=False)
    assert alone_counts(other)
    assert store.standings.learned()[1] == NOW  # not learned again
    clock.now = NOW + timedelta(days=1)
    Learner(store, other, clock, lambda: 28).due()
    standings, when, _ = store.standings.learned()
    assert when == clock.now and standings[0].named == 26


def test_learning_turned_off_takes_back_what_was_in_force(store: Store, rules: Path) -> None:
    store.articles.ingest(stories(6), NOW, lambda a: ())
    live, days = LiveRules([rules]), [28]
    learner = Learner(store, live, Clock(), lambda: days[0])
    learner.due()
    days[0] = 0
    assert learner.due() is True and not alone_counts(live)


def test_a_changed_learn_days_learns_again_at_once(store: Store, rules: Path) -> None:
    store.articles.ingest(stories(6), NOW - timedelta(days=10), lambda a: ())
    live, days = LiveRules([rules]), [28]
    learner = Learner(store, live, Clock(), lambda: days[0])
    learner.due()
    days[0] = 7
    learner.due()
    assert store.standings.learned()[0] == () and not alone_counts(live)


def test_an_edited_surname_starts_over_and_other_rules_keep_theirs(
    store: Store, rules: Path
) -> None:
    store.articles.ingest(stories(6), NOW, lambda a: ())
    live = LiveRules([rules])
    Learner(store, live, Clock(), lambda: 28).due()
    rules.write_text(RULES.replace("Lukashenko", "Lukashenka") + "  - id: other\n"
                     "    name: Ihar Losik\n", encoding="utf-8")  # fmt: skip
    assert live.reload([rules]) is True
    assert live.active.rules.learned  # still held, for the rules they were counted for
    assert not alone_counts(live)  # ... and this one is no longer it
