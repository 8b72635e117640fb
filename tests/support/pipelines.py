"""Pipelines for end-to-end tests: a config (as a dict) and a clock in, a real Pipeline out
(a real SQLite store and fetcher), all closed when the test ends; and the summary's lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from monitor.alerts.relay import Sent
from monitor.fetch import Fetcher
from monitor.run.pipeline import Pipeline, RunSummary, describe_failure
from monitor.store import Store
from tests.support.settings import settings_from


@contextmanager
def pipeline_factory(
    clock: Callable[[], datetime],
) -> Iterator[Callable[[dict[str, Any]], Pipeline]]:
    opened: list[tuple[Pipeline, Store, Fetcher]] = []

    def make(data: dict[str, Any]) -> Pipeline:
        settings = settings_from(data)
        store, fetcher = Store.open(settings.config.db_url), Fetcher("monitor-test")
        pipeline = Pipeline(settings, store, fetcher, clock)
        opened.append((pipeline, store, fetcher))
        return pipeline

    try:
        yield make
    finally:
        for pipeline, store, fetcher in opened:
            pipeline.close()
            fetcher.close()
            store.close()


def sent(summary: RunSummary) -> list[str]:
    """'route -> channel: what was done', as `run --once` prints it."""
    return [f"{o.route} -> {o.channel}: {o.done}" for o in summary.outcomes if isinstance(o, Sent)]


def failed(summary: RunSummary) -> list[str]:
    return [describe_failure(o) for o in summary.failed]
