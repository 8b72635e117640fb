"""What stored articles taught about listed surnames (store/standings.py): kept whole per
learning, on both backends, by two processes at once too."""

from __future__ import annotations

import threading
from datetime import timedelta

from monitor.model import Standing
from monitor.store import Store
from tests.support.stored import NOW

JOHNSON = Standing("johnson", "Johnson", 12, 1, 0, 13, 28)
HUNT = Standing("hunt", "Hunt", 6, 0, 6, 6, 28)


def test_nothing_was_learned_in_a_new_store(store: Store) -> None:
    assert store.standings.learned() == ((), None, 0)


def test_what_was_learned_is_read_back_with_when(store: Store) -> None:
    store.standings.replace([JOHNSON, HUNT], NOW, 28)
    assert store.standings.learned() == ((HUNT, JOHNSON), NOW, 28)


def test_a_learning_that_found_nothing_still_says_when_it_ran(store: Store) -> None:
    store.standings.replace([], NOW, 28)
    assert store.standings.learned() == ((), NOW, 28)


def test_a_new_learning_replaces_the_old_whole(store: Store) -> None:
    store.standings.replace([JOHNSON, HUNT], NOW, 28)
    later = NOW + timedelta(days=1)
    fewer = Standing("johnson", "Johnson", 20, 1, 0, 21, 28)
    store.standings.replace([fewer], later, 28)
    assert store.standings.learned() == ((fewer,), later, 28)  # hunt no longer counted: gone


def test_two_processes_learning_at_once_leave_one_row_per_rule(db_url: str) -> None:
    stores = [Store.open(db_url), Store.open(db_url)]
    errors: list[BaseException] = []

    def learn(store: Store) -> None:
        try:
            for _ in range(10):
                store.standings.replace([JOHNSON, HUNT], NOW, 28)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=learn, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert stores[0].standings.learned() == ((HUNT, JOHNSON), NOW, 28)
    finally:
        for s in stores:
            s.close()
