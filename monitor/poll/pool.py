"""A poll's worker processes: a fetch's documents in; out, their articles and, when the
workers hold the rules in force, each article's matches.

Parsing and matching are a poll's CPU work; done here, they run on every core while the
main process stores what is done. Workers compile the rules they are started with; when
the rules change, the workers are replaced. The caller uses a worker's matches only while
the RuleSet it gave the pool is still the one in force, and matches the others itself.
Whatever a worker cannot do (it died, compiling failed) is done in this process instead,
without matches. A worker ends by itself when this process is gone, however it died (a
SIGKILL leaves no chance to stop the pool): it watches its parent, the fork server, which
ends when this process does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.match import Matcher, compile_rules
from monitor.model import Article, Document, Match, RuleSet

if TYPE_CHECKING:
    from monitor.parse import ParsedFeed

log = logging.getLogger(__name__)

# An article's matches are found again by what matching reads: its text and language.
MatchKey = tuple[str, str | None]


def match_key(article: Article) -> MatchKey:
    return article.content_hash, article.language


@dataclass(frozen=True)
class Worked:
    """A fetch's documents parsed, and the matches of their articles by `match_key` under
    the rules the pool was last given (None: not matched, the caller matches)."""

    parsed: ParsedFeed
    matches: dict[MatchKey, tuple[Match, ...]] | None = None


# How often a worker looks whether the process that started the pool is still there.
WATCH_SECONDS = 1.0

# In a worker process: the matcher of the rules it was started with.
_matcher: Matcher | None = None


def work(documents: Sequence[Document], feed: str, language: str | None) -> Worked:
    """Parse the documents and, in a worker holding rules, match every article."""
    parsed = _parse(documents, feed, language)
    if _matcher is None:
        return Worked(parsed)
    matches = {
        match_key(article): _matcher.match(article.full_text, article.language)
        for outcome in parsed.outcomes
        if isinstance(outcome, tuple)
        for article in outcome
    }
    return Worked(parsed, matches)


class WorkerPool:
    """os.cpu_count() worker processes, started at the first use and kept for later polls.

    Workers come from a fork server, never a fork of this (threaded) process. If one dies,
    the documents it held and all later ones of the poll are parsed in this process. What
    workers log comes back through a queue and is logged here, in this process's format.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None
        self._listener: QueueListener | None = None
        self._rules: RuleSet | None = None
        self.broken = False

    def use_rules(self, rules: RuleSet) -> None:
        """Match with `rules` from now on: workers holding other rules are replaced (after
        finishing their work) when next needed."""
        if rules is not self._rules:
            self._stop()
            self._rules = rules

    def start(self) -> None:
        """Start the workers now rather than at the first document: each takes most of a
        second to import and compile the rules, time the caller can spend fetching."""
        if not self.broken:
            try:
                for _ in range(self.workers):
                    self._pool().submit(_nothing)
            except BrokenProcessPool as exc:
                self._broke(exc)

    def submit(
        self, documents: Sequence[Document], feed: str, language: str | None
    ) -> Future[Worked]:
        if not self.broken:
            try:
                return self._pool().submit(work, documents, feed, language)
            except BrokenProcessPool as exc:
                self._broke(exc)
        return _in_process(documents, feed, language)

    def result(
        self, future: Future[Worked], documents: Sequence[Document], feed: str, language: str | None
    ) -> Worked:
        """The future's outcome; a dead worker's documents are parsed here instead."""
        try:
            return future.result()
        except BrokenProcessPool as exc:
            self._broke(exc)
            return Worked(_parse(documents, feed, language))

    def retry(self) -> None:
        """Give worker processes another chance (at the start of a poll)."""
        self.broken = False

    def close(self) -> None:
        self._stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _stop(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            if self._listener is None:  # one queue for the pool's life, whatever workers come
                self._listener = QueueListener(context.Queue(), _Forward())
                self._listener.start()
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_start,
                initargs=(self._listener.queue, self._rules, os.getpid()),
            )
        return self._executor

    def _broke(self, exc: BaseException) -> None:
        if not self.broken:
            log.error("a parse worker died (%s); parsing in this process for the rest", exc)
        self.broken = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _start(records: Any, rules: RuleSet | None, owner: int) -> None:
    """In a worker: end with `owner` (the process that started the pool); send log records
    (WARNING and up) to it; compile the rules. A failure here breaks the pool, and the
    owner does the work instead."""
    watch = threading.Thread(target=_end_with, args=(owner, os.getppid()), daemon=True)
    watch.start()
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(records)]
    root.setLevel(logging.WARNING)
    hold_rules(rules)


def _end_with(owner: int, parent: int) -> None:
    """End this worker once `owner` is gone or this process was orphaned (the fork server,
    its parent, ends when the owner does). Not an orderly exit: no task of a dead owner is
    worth finishing, and an orderly one could wait on queues nobody reads."""
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent or not _running(owner):
            os._exit(0)


def _running(pid: int) -> bool:
    """Whether `pid` runs: it exists and, where /proc tells, is not a zombie (a dead owner
    whose parent has not reaped it yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc here: existing is running
    return state != "Z"


def hold_rules(rules: RuleSet | None) -> None:
    """Make `work` in this process match with `rules` (None: parse only). A worker does it
    when it starts; a benchmark does it to measure a worker's share in one process."""
    global _matcher
    _matcher = compile_rules(rules) if rules is not None else None


def _nothing() -> None:
    """A task that only makes the pool start a worker."""


class _Forward(logging.Handler):
    """In the main process: a worker's record goes through the logger it was logged on."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


def _parse(documents: Sequence[Document], feed: str, language: str | None) -> ParsedFeed:
    # The parse stack (feedparser, BeautifulSoup, soupsieve) is imported on first use: a
    # main process whose workers parse, or a poll of unchanged feeds, never needs it, and
    # its imports would be part of every start.
    from monitor.parse import parse_documents

    return parse_documents(documents, feed, language)


def _in_process(documents: Sequence[Document], feed: str, language: str | None) -> Future[Worked]:
    future: Future[Worked] = Future()
    try:
        future.set_result(Worked(_parse(documents, feed, language)))
    except Exception as exc:  # re-raised by result(), as a worker's would be
        future.set_exception(exc)
    return future
