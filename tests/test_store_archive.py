"""EvidenceStore: the documents matches were found in, kept once per body, on SQLite (bodies
in the data folder) and PostgreSQL (bodies in the database); see conftest.db_url."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.model import Document, Exchange
from monitor.store import Store
from tests.support.stored import ARTICLE, BABARYKA, NOW, count, ingest, pending_alerts

PAGE = Document(
    "https://news.example/a/1.html",
    b"<html><body><p>Viktar Babaryka was moved.</p></body></html>",
    "text/html",
    "utf-8",
    Exchange(
        fetched=NOW - timedelta(seconds=3),
        request_headers=(("User-Agent", "monitor-test"), ("Accept-Encoding", "gzip")),
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        response_headers=(("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"')),
    ),
)
SHA = hashlib.sha256(PAGE.body).hexdigest()
LATER = NOW + timedelta(days=1)


def matched(store: Store, n: int = 1) -> list[int]:
    """The ids of `n` new matches (one per article)."""
    articles = [replace(ARTICLE, url=f"https://news.example/{i}") for i in range(n)]
    return list(ingest(store, articles, [BABARYKA]).match_ids)


def test_a_flood_of_matches_in_one_document_keeps_its_body_once(store: Store) -> None:
    ids = matched(store, 300)
    created = store.evidence.archive([(m, "news", PAGE) for m in ids], NOW, LATER)
    assert created == 1 and count(store, "evidence_exchanges") == 1
    assert count(store, "evidence_links") == 300
    [kept] = store.evidence.kept(NOW - timedelta(days=1))
    assert (kept.sha256, kept.size, kept.feed, kept.missing) == (SHA, len(PAGE.body), "news", None)
    assert store.evidence.body(kept) == PAGE.body
    assert kept.exchange == PAGE.exchange  # request and response headers as they were


def test_archiving_the_same_body_again_adds_only_the_link(store: Store) -> None:
    first, second = matched(store, 2)
    store.evidence.archive([(first, "news", PAGE)], NOW, LATER)
    assert store.evidence.archive([(second, "news", PAGE)], NOW + timedelta(hours=1), LATER) == 0
    assert count(store, "evidence_exchanges") == 1 and count(store, "evidence_links") == 2
    edited = replace(PAGE, body=PAGE.body.replace(b"moved", b"released"))
    assert store.evidence.archive([(second, "news", edited)], NOW, LATER) == 1  # a new body


def test_an_alert_carries_the_hash_and_time_of_its_archived_copy(store: Store) -> None:
    [match_id] = matched(store)
    store.evidence.archive([(match_id, "news", PAGE)], NOW, LATER)
    [alert] = pending_alerts(store, "desk", None)
    [copy] = alert.archived
    assert (copy.url, copy.sha256, copy.archived, copy.missing) == (PAGE.location, SHA, NOW, None)


def test_bodies_beside_sqlite_are_files_named_by_their_hash(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    try:
        [match_id] = matched(store)
        store.evidence.archive([(match_id, "news", PAGE)], NOW, LATER)
    finally:
        store.close()
    [path] = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert path.relative_to(tmp_path) == Path("evidence", SHA[:2], SHA)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA  # as `sha256sum` checks it


def test_a_body_over_the_cap_keeps_only_its_hash(store: Store) -> None:
    [match_id] = matched(store)
    huge = replace(PAGE, body=b"x" * (10 * 1024 * 1024 + 1))
    store.evidence.archive([(match_id, "news", huge)], NOW, LATER)
    [copy] = pending_alerts(store, "desk", None)[0].archived
    assert copy.sha256 == hashlib.sha256(huge.body).hexdigest()
    assert copy.missing is not None and "larger than 10 MiB" in copy.missing


def test_an_unwritable_evidence_folder_is_an_error_and_the_hash_is_still_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "evidence").write_text("a file where the folder should be")
    store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    try:
        first, second = matched(store, 2)
        with caplog.at_level(logging.ERROR):
            store.evidence.archive([(first, "news", PAGE)], NOW, LATER)
        assert store.evidence.problem is not None
        assert f"cannot write {tmp_path / 'evidence'}" in store.evidence.problem
        assert any("alerts go out with the hash only" in r.getMessage() for r in caplog.records)
        [alert] = pending_alerts(store, "desk", None)[:1]
        assert alert.archived[0].sha256 == SHA and alert.archived[0].missing
        # The folder is mended: the next archive writes the body and clears the problem.
        (tmp_path / "evidence").unlink()
        store.evidence.archive([(second, "news", PAGE)], NOW, LATER)
        assert store.evidence.problem is None
        [kept] = store.evidence.kept(NOW - timedelta(days=1))
        assert kept.missing is None and store.evidence.body(kept) == PAGE.body
    finally:
        store.close()


def test_rechecks_record_only_changes_of_state(store: Store) -> None:
    [match_id] = matched(store)
    store.evidence.archive([(match_id, "news", PAGE)], NOW, LATER)
    [kept] = store.evidence.due(LATER, 10)
    week = NOW + timedelta(days=7)
    assert not store.evidence.record_check(kept, "unchanged", "same", LATER, week, scheduled=True)
    assert store.evidence.due(LATER + timedelta(hours=1), 10) == []  # next one in a week
    assert store.evidence.record_check(kept, "removed", "HTTP 404", week, None, scheduled=True)
    assert not store.evidence.record_check(kept, "removed", "HTTP 404", week, None, scheduled=True)
    [change] = store.evidence.changes(NOW)
    assert (change.url, change.state, change.detail, change.sha256) == (
        PAGE.location, "removed", "HTTP 404", SHA,
    )  # fmt: skip
    assert change.titles == (ARTICLE.title,)
    assert store.evidence.changes(week + timedelta(seconds=1)) == []
    assert store.evidence.due(week + timedelta(days=100), 10) == []  # the schedule is done


def test_pruning_forgets_old_copies_and_bodies_no_one_holds(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'monitor.db'}")
    try:
        old, new = matched(store, 2)
        edited = replace(PAGE, body=PAGE.body + b"<!-- v2 -->")
        store.evidence.archive([(old, "news", PAGE)], NOW, LATER)
        store.evidence.archive([(new, "news", edited)], NOW + timedelta(days=40), LATER)
        assert store.evidence.prune(NOW + timedelta(days=30)) == 1
        [kept] = store.evidence.kept(NOW)
        assert kept.sha256 == hashlib.sha256(edited.body).hexdigest()
        assert not (tmp_path / "evidence" / SHA[:2] / SHA).exists()
        assert store.evidence.body(kept) == edited.body
    finally:
        store.close()
