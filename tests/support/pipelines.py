"""Pipelines for end-to-end tests: a Config and a clock in, a real Pipeline out (a real
SQLite store and fetcher), all closed when the test ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from monitor.config import Config
from monitor.fetch import Fetcher
from monitor.pipeline import Pipeline
from monitor.store import Store


@contextmanager
def pipeline_factory(clock: Callable[[], datetime]) -> Iterator[Callable[[Config], Pipeline]]:
    opened: list[Pipeline] = []

    def make(config: Config) -> Pipeline:
        pipeline = Pipeline(config, Store.open(config.db_url), Fetcher("monitor-test"), clock)
        opened.append(pipeline)
        return pipeline

    try:
        yield make
    finally:
        for pipeline in opened:
            pipeline.close()
            pipeline.fetcher.close()
            pipeline.store.close()
