"""Parsing fetched feeds in worker processes, so the main thread stores and matches meanwhile.

In: a FetchResult's documents with their feed's name and language. Out: a Future of a
ParsedFeed (each document's articles or its ParseError, and the feed's <ttl> hint); parsed
in this process instead once a worker has died.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import timedelta
from logging.handlers import QueueHandler, QueueListener
from typing import Any

from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.parse.document import parse_document
from monitor.parse.ttl import feed_ttl

log = logging.getLogger(__name__)

# A document's outcome: its articles, or why it could not be parsed (logged by the caller).
Parsed = tuple[Article, ...] | ParseError


@dataclass(frozen=True)
class ParsedFeed:
    """What one fetch's documents hold: an outcome per document, and the feed's TTL hint."""

    outcomes: tuple[Parsed, ...]
    ttl: timedelta | None = None


def parse_documents(documents: Sequence[Document], feed: str, language: str | None) -> ParsedFeed:
    """parse_document for each document; runs in a worker, so the articles' derived values
    (key, hashes, fingerprint) are computed there too and travel back with them."""
    parsed: list[Parsed] = []
    for document in documents:
        try:
            articles = parse_document(document, feed=feed, language=language)
        except ParseError as exc:
            parsed.append(exc)
            continue
        for article in articles:
            _ = (article.key, article.content_hash, article.fingerprint)
        parsed.append(articles)
    ttls = [ttl for document in documents if (ttl := feed_ttl(document))]
    return ParsedFeed(tuple(parsed), max(ttls, default=None))


class ParsePool:
    """os.cpu_count() worker processes, started at the first use and kept for later polls.

    Workers come from a fork server, never a fork of this (threaded) process. If one dies,
    the documents it held and all later ones of the poll are parsed in this process. What
    workers log comes back through a queue and is logged here, in this process's format.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None
        self._listener: QueueListener | None = None
        self.broken = False

    def submit(
        self, documents: Sequence[Document], feed: str, language: str | None
    ) -> Future[ParsedFeed]:
        if not self.broken:
            try:
                return self._pool().submit(parse_documents, documents, feed, language)
            except BrokenProcessPool as exc:
                self._broke(exc)
        return _in_process(documents, feed, language)

    def result(
        self,
        future: Future[ParsedFeed],
        documents: Sequence[Document],
        feed: str,
        language: str | None,
    ) -> ParsedFeed:
        """The future's outcome; a dead worker's documents are parsed here instead."""
        try:
            return future.result()
        except BrokenProcessPool as exc:
            self._broke(exc)
            return parse_documents(documents, feed, language)

    def retry(self) -> None:
        """Give worker processes another chance (at the start of a poll)."""
        self.broken = False

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            records = context.Queue()
            if self._listener is None:
                self._listener = QueueListener(records, _Forward())
                self._listener.start()
            else:
                self._listener.queue = records
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_log_to, initargs=(records,)
            )
        return self._executor

    def _broke(self, exc: BaseException) -> None:
        if not self.broken:
            log.error("a parse worker died (%s); parsing in this process for the rest", exc)
        self.broken = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _log_to(records: Any) -> None:
    """In a worker: send log records (WARNING and up) to the main process."""
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(records)]
    root.setLevel(logging.WARNING)


class _Forward(logging.Handler):
    """In the main process: a worker's record goes through the logger it was logged on."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


def _in_process(
    documents: Sequence[Document], feed: str, language: str | None
) -> Future[ParsedFeed]:
    future: Future[ParsedFeed] = Future()
    try:
        future.set_result(parse_documents(documents, feed, language))
    except Exception as exc:  # re-raised by result(), as a worker's would be
        future.set_exception(exc)
    return future
