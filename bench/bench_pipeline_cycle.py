"""One polling cycle of monitor, in its own process, as `monitor run --once` would run it.

In: a JSON config file (the dict for monitor.config.config_from_dict) and a connection count.
Out: one JSON line on stdout: seconds inside Pipeline.run_once, what it did, row counts and
the seconds spent before it (imports, rules, store). With --profile, cProfile stats too.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the imports below, which are part of a real start

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from monitor.alerts.relay import Sent  # noqa: E402
from monitor.config.routes import resolve_routes  # noqa: E402
from monitor.config.schema import config_from_dict  # noqa: E402
from monitor.config.settings import Settings  # noqa: E402
from monitor.fetch import Fetcher  # noqa: E402
from monitor.run.pipeline import Pipeline, RunSummary  # noqa: E402
from monitor.store import Store  # noqa: E402

TABLES = ("articles", "matches", "feeds", "digests")


def run(config_file: Path, connections: int, profile: Path | None) -> dict[str, Any]:
    config = config_from_dict(json.loads(config_file.read_text(encoding="utf-8")))
    store = Store.open(config.db_url)
    # Every benchmark feed sits on one loopback host; per_host stands in for 1,000 hosts.
    fetcher = Fetcher(config.user_agent, max_connections=connections, per_host=connections)
    try:
        pipeline = Pipeline(
            Settings(config, resolve_routes(config, str(config_file))), store, fetcher
        )
        ready = time.perf_counter()
        summary = _timed_run(pipeline, profile)
        done = time.perf_counter()
        pipeline.close()
        counts = {table: _count(store, table) for table in TABLES}
    finally:
        fetcher.close()
        store.close()
    return {
        "startup": ready - STARTED,
        "run_once": done - ready,
        "feeds_read": summary.poll.feeds_read,
        "feeds_failed": len(summary.poll.feeds_failed),
        "new_articles": summary.poll.new_articles,
        "matches": summary.poll.matches,
        "digests_sent": sum(isinstance(o, Sent) for o in summary.outcomes),
        "rows": counts,
    }


def _count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def _timed_run(pipeline: Pipeline, profile: Path | None) -> RunSummary:
    if profile is None:
        return pipeline.run_once()
    profiler = cProfile.Profile()
    summary = profiler.runcall(pipeline.run_once)
    profiler.dump_stats(profile)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of run_once here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # a feed failure is an error; say it
    print(json.dumps(run(args.config, args.connections, args.profile)))


if __name__ == "__main__":
    main()
