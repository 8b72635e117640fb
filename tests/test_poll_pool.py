"""A poll's worker processes: they match with the rules they were given and are replaced
when the rules change; what a worker logs reaches this process's log, with its context; a
feed cut at the item limit says so."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from monitor.discover import discover_words, on_list, spot
from monitor.match import compile_rules, match_key
from monitor.model import Document
from monitor.parse import parse_documents
from monitor.poll.pool import WorkerPool
from monitor.rules.files import load_rules
from tests.support.wait import wait_for

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def big_feed(items: int) -> Document:
    body = "".join(f"<item><title>Story {i}</title><link>https://x.example/{i}</link></item>"
                   for i in range(items))  # fmt: skip
    return Document("big.xml", f"<rss version='2.0'><channel>{body}</channel></rss>".encode())


def warnings_of(feed: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if getattr(r, "feed", None) == feed]


def test_every_item_of_a_long_feed_is_read_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No cap on items (the body cap bounds the work): a 1,500-item feed whose body never
    changes would otherwise leave its last 500 items unread for good."""
    [articles] = parse_documents([big_feed(1500)], "big", None).outcomes
    assert isinstance(articles, tuple) and len(articles) == 1500
    assert articles[-1].title == "Story 1499"
    assert warnings_of("big", caplog) == []


def warn_in_worker(feed: str) -> int:
    """A task that logs as a worker's parsing would, and says which process ran it."""
    logging.getLogger("monitor.parse").warning("odd document", extra={"feed": feed})
    return os.getpid()


def test_a_workers_warning_is_logged_here_with_its_context(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pool = WorkerPool(workers=1)
    try:
        pool.start()
        worker = pool._pool().submit(warn_in_worker, "odd").result(timeout=60)
        # The record crosses a queue and a thread after the result is in.
        wait_for(lambda: warnings_of("odd", caplog), 10, "the worker's warning in this log")
    finally:
        pool.close()
    assert worker != os.getpid()  # it came from another process
    [record] = [r for r in caplog.records if getattr(r, "feed", None) == "odd"]
    assert (record.name, record.levelname, record.getMessage()) == (
        "monitor.parse", "WARNING", "odd document",
    )  # fmt: skip


def rule_file(folder: Path, name: str) -> Path:
    folder.mkdir()
    (folder / "people.yaml").write_text(f"people:\n  - id: watched\n    name: {name}\n")
    return folder


def test_workers_match_with_the_rules_in_force_and_are_replaced_when_they_change(
    tmp_path: Path,
) -> None:
    body = (SEEDS / "rfe-belarus.rss.xml").read_bytes()
    documents = [Document("rfe-belarus.rss.xml", body, "application/rss+xml")]
    first = load_rules([rule_file(tmp_path / "a", "Viktar Babaryka")])
    second = load_rules([rule_file(tmp_path / "b", "Paval Latushka")])
    pool = WorkerPool(workers=1)
    found = []
    try:
        for rules in (first, second):
            pool.use_rules(rules)
            worked = pool.result(pool.submit(documents, "rferl", None), documents, "rferl", None)
            [articles] = worked.parsed.outcomes
            assert isinstance(articles, tuple) and worked.matches is not None
            # The same matches as this process finds with the same rules, article by article.
            matcher = compile_rules(rules)
            assert worked.matches == {
                match_key(a): matcher.match(a.full_text, a.language) for a in articles
            }
            found.append({m.name for ms in worked.matches.values() for m in ms})
    finally:
        pool.close()
    assert found == [{"Viktar Babaryka"}, {"Paval Latushka"}]


def test_a_worker_imports_neither_the_store_nor_the_fetcher() -> None:
    """A worker parses and matches; importing the store and the fetcher (SQLAlchemy, httpx,
    about 28 MiB) into each worker once cost the polling cycle its memory target."""
    pool = WorkerPool(workers=1)
    try:
        documents = [big_feed(3)]
        pool.result(pool.submit(documents, "big", None), documents, "big", None)
        # A builtin, so that sending the task imports nothing of ours into the worker.
        loaded = pool._pool().submit(eval, "sorted(__import__('sys').modules)").result(60)
    finally:
        pool.close()
    assert "monitor.match.documents" in loaded and "monitor.parse" in loaded
    heavy = ("sqlalchemy", "httpx", "apscheduler", "monitor.store", "monitor.fetch", "monitor.poll")
    assert [name for name in loaded if name.startswith(heavy)] == []


def test_workers_spot_candidates_as_this_process_does(tmp_path: Path) -> None:
    """The seeds name Lukashenka beside jailed opponents: the worker finds the same people
    as discovery here, and not the listed ones."""
    body = (SEEDS / "rfe-belarus.rss.xml").read_bytes()
    documents = [Document("rfe-belarus.rss.xml", body, "application/rss+xml")]
    rules = load_rules([rule_file(tmp_path / "a", "Viktar Babaryka")])
    pool = WorkerPool(workers=1)
    try:
        pool.use_rules(rules)
        worked = pool.result(pool.submit(documents, "rferl", None), documents, "rferl", None)
    finally:
        pool.close()
    [articles] = worked.parsed.outcomes
    assert isinstance(articles, tuple) and worked.sightings is not None
    listed = on_list(compile_rules(rules))
    here = {match_key(a): spot(a, listed, discover_words(rules)) for a in articles}
    assert worked.sightings == here
    names = {s.name for found in here.values() for s in found}
    assert "Alyaksandr Lukashenka" in names and "Viktar Babaryka" not in names


def test_workers_start_in_the_background_and_read_the_rules_compiled_for_them(
    tmp_path: Path,
) -> None:
    """start() returns while the rules are still being compiled (fetching goes on); the
    workers start once the compiled form is kept, and read it rather than compile."""
    rules = load_rules([rule_file(tmp_path / "a", "Viktar Babaryka")])
    folder = tmp_path / "compiled"
    matcher = compile_rules(rules, folder)
    compiling = threading.Event()

    def keep() -> None:
        compiling.wait(60)  # as long as the test says: a compile taking its time
        matcher.keep()

    pool = WorkerPool(workers=1)
    try:
        pool.use_rules(rules, folder, prepare=keep)
        pool.start()
        assert not pool.ready() and not list(folder.glob("*.rules"))
        compiling.set()
        pool.wait_ready()
        assert pool.ready() and len(list(folder.glob("*.rules"))) == 1
        body = (SEEDS / "rfe-belarus.rss.xml").read_bytes()
        documents = [Document("rfe-belarus.rss.xml", body, "application/rss+xml")]
        worked = pool.result(pool.submit(documents, "rferl", None), documents, "rferl", None)
    finally:
        pool.close()
    assert worked.matches is not None
    assert {m.name for ms in worked.matches.values() for m in ms} == {"Viktar Babaryka"}
    assert not matcher.is_ready  # this process kept the compiled form without reading it
