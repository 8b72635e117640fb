"""Opening the store: migrations once, in order, safe when processes start together; an old
database upgraded in place; refusals that say what to do."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from monitor.errors import StoreError
from monitor.model import DeliveryStatus
from monitor.store import Store
from monitor.store import tables as T
from tests.conftest import ROOT
from tests.support.stored import NOW

V1_DUMP = ROOT / "tests" / "data" / "store-v1.sql"


def versions(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(T.schema_version.c.version)).scalars())


def test_opening_twice_migrates_once(db_url: str) -> None:
    Store.open(db_url).close()
    store = Store.open(db_url)
    assert versions(store) == list(range(1, len(T.MIGRATIONS) + 1))
    store.close()


def test_a_newer_schema_is_refused_with_advice(db_url: str) -> None:
    store = Store.open(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.insert(T.schema_version), {"version": 999, "applied": NOW})
    store.close()
    with pytest.raises(StoreError, match="upgrade monitor"):
        Store.open(db_url)


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as info:
        Store.open("postgresql://user:s3cret@127.0.0.1:1/none")
    assert "cannot open database" in str(info.value)
    assert "s3cret" not in str(info.value)


def test_a_version_1_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_DUMP.read_text(encoding="utf-8"))
    store = Store.open(f"sqlite:///{path}")
    try:
        assert versions(store) == list(range(1, len(T.MIGRATIONS) + 1))
        [record] = store.deliveries.records([DeliveryStatus.PENDING])
        # Bcc is now a kind of email target, not a channel of its own.
        assert (record.channel, record.target) == ("email", "a@example.org, b@example.org")
        delivery = store.deliveries.claim(record.id, record.created, timedelta(minutes=1))
        assert delivery is not None and delivery.digest.key == "d1"
    finally:
        store.close()


def _open(url: str, start: Any) -> None:
    start.wait()
    Store.open(url).close()


def test_processes_starting_together_migrate_once(db_url: str) -> None:
    """Two daemons started at the same moment once crashed the second one with "table
    schema_version already exists": the migration now runs under a lock."""
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_open, args=(db_url, start)) for _ in range(4)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    store = Store.open(db_url)
    assert versions(store) == list(range(1, len(T.MIGRATIONS) + 1))
    store.close()
