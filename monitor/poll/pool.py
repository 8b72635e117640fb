"""A poll's worker processes: a fetch's documents in; out, their articles and, when the
workers hold the rules in force, each article's matches (the work itself, and what a worker
runs, is monitor.match.documents).

Parsing and matching are a poll's CPU work; done in workers, they run on every core while
the main process stores what is done. Workers start in the background (`start`, `ready`)
while this process fetches, and read the rules they are started with from the compiled form
kept on disk just before (monitor.match.packed); when the rules change, they are replaced.
The caller uses a worker's matches only while the RuleSet it gave the pool is still the one
in force, and matches the others itself.
Whatever a worker cannot do (it died, compiling failed) is done in this process instead,
without matches. A worker ends by itself when this process is gone, however it died.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from logging.handlers import QueueListener
from pathlib import Path

from monitor.match import Worked, parse, start_worker, warm_up, work
from monitor.model import Document, RuleSet

log = logging.getLogger(__name__)


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
        self._folder: Path | None = None
        self._prepare: Callable[[], object] = lambda: None
        self._starting: threading.Thread | None = None
        self._opening = threading.Lock()  # one executor, whichever thread asks first
        self.broken = False

    def use_rules(
        self,
        rules: RuleSet,
        folder: Path | None = None,
        prepare: Callable[[], object] = lambda: None,
    ) -> None:
        """Match with `rules` from now on, read from their compiled form in `folder`, which
        `prepare` keeps there just before workers start (a poll that needs none compiles
        nothing): workers holding other rules are replaced (after finishing their work)
        when next needed."""
        if rules is not self._rules:
            self._stop()
            self._rules, self._folder, self._prepare = rules, folder, prepare

    def start(self) -> None:
        """Start the workers in the background rather than at the first document: the rules
        may need compiling and each worker most of a second to start, time the caller can
        spend fetching (`ready` says when documents can go to them without waiting)."""
        if self.broken or self._executor is not None:
            return
        if self._starting is None or not self._starting.is_alive():
            self._starting = threading.Thread(target=self._warm, name="pool-start", daemon=True)
            self._starting.start()

    def ready(self) -> bool:
        """Whether a document submitted now goes to a worker without waiting for the pool to
        start (or is parsed here, the pool being broken)."""
        starting = self._starting is not None and self._starting.is_alive()
        return self.broken or (self._executor is not None and not starting)

    def wait_ready(self) -> None:
        if self._starting is not None:
            self._starting.join()

    def _warm(self) -> None:
        try:
            for _ in range(self.workers):
                self._pool().submit(warm_up)
        except BrokenProcessPool as exc:
            self._broke(exc)
        except Exception:  # the rules could not be compiled, or no process started
            log.exception("worker processes could not start; parsing in this process")
            self.broken = True

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
            return Worked(parse(documents, feed, language))

    def retry(self) -> None:
        """Give worker processes another chance (at the start of a poll)."""
        self.broken = False

    def close(self) -> None:
        self._stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _stop(self) -> None:
        self.wait_ready()
        with self._opening:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._opening:
            return self._open()

    def _open(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._prepare()  # the compiled rules on disk before any worker reads them
            context = multiprocessing.get_context("forkserver")
            if self._listener is None:  # one queue for the pool's life, whatever workers come
                self._listener = QueueListener(context.Queue(), _Forward())
                self._listener.start()
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=start_worker,
                initargs=(self._listener.queue, self._rules, self._folder, os.getpid()),
            )
        return self._executor

    def _broke(self, exc: BaseException) -> None:
        if not self.broken:
            log.error("a parse worker died (%s); parsing in this process for the rest", exc)
        self.broken = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


class _Forward(logging.Handler):
    """In the main process: a worker's record goes through the logger it was logged on."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


def _in_process(documents: Sequence[Document], feed: str, language: str | None) -> Future[Worked]:
    future: Future[Worked] = Future()
    try:
        future.set_result(Worked(parse(documents, feed, language)))
    except Exception as exc:  # re-raised by result(), as a worker's would be
        future.set_exception(exc)
    return future
