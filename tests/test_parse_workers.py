"""Parsing in worker processes: what a worker logs reaches this process's log, with its
context; a feed cut at the item limit says so."""

from __future__ import annotations

import time

import pytest

from monitor.model import Document
from monitor.parse import ParsePool, parse_documents
from monitor.parse.limits import MAX_ENTRIES


def big_feed(items: int) -> Document:
    body = "".join(f"<item><title>Story {i}</title><link>https://x.example/{i}</link></item>"
                   for i in range(items))  # fmt: skip
    return Document("big.xml", f"<rss version='2.0'><channel>{body}</channel></rss>".encode())


def cut_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if getattr(r, "feed", None) == "big"]


def test_a_feed_cut_at_the_item_limit_says_so(caplog: pytest.LogCaptureFixture) -> None:
    [articles] = parse_documents([big_feed(MAX_ENTRIES + 500)], "big", None).outcomes
    assert isinstance(articles, tuple) and len(articles) == MAX_ENTRIES
    assert cut_warnings(caplog) == [
        f"the feed has {MAX_ENTRIES + 500} items; only the first {MAX_ENTRIES} are read "
        "(raise the feed's polling frequency if it publishes this much between polls)"
    ]


def test_a_workers_warning_is_logged_here_with_its_context(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pool = ParsePool(workers=1)
    try:
        documents = [big_feed(MAX_ENTRIES + 1)]
        pool.result(pool.submit(documents, "big", None), documents, "big", None)
        deadline = time.monotonic() + 10  # the record crosses a queue and a thread
        while not cut_warnings(caplog) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        pool.close()
    [message] = cut_warnings(caplog)
    assert message.startswith(f"the feed has {MAX_ENTRIES + 1} items")
