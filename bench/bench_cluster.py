"""Multi-node throughput: feeds polled per minute by 1, 2 and 4 `monitor worker` processes.

In: a feed count, worker counts, a PostgreSQL URL (a schema of its own is made and dropped).
Out: one line per worker count: seconds from the first poll to the last of the first
cycle, feeds per minute, and the job and write rates behind them (see docs/scaling.md).

Each feed is served on its own loopback address (127.0.x.y) by one threaded server, with one
new item naming a watched person (so each poll stores, matches and owes an urgent alert,
the worst case), as many feeds are in real life: per-host politeness is not the limit.

    python -m bench.bench_cluster --feeds 2000 --workers 1 2 4
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from tests.support.feedserver import FeedServer, Reply
from tests.support.sink import SinkRequest, run_sink

ROOT = Path(__file__).resolve().parent.parent
RULES = "people:\n  - name: Viktar Babaryka\n    priority: high\n"


def feed(i: int) -> Reply:
    body = (f"<rss version='2.0'><channel><title>Feed {i}</title><item><title>Court news {i}"
            f"</title><link>https://news.example/{i}</link><description>Viktar Babaryka was in "
            f"court again, case {i}.</description></item></channel></rss>")  # fmt: skip
    return Reply(body=body.encode(), etag=f'"{i}"')


def config(folder: Path, url: str, port: int, hook: str, feeds: int) -> Path:
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    lines = ['engine = "procrastinate"', f'database_url = "{url}"', f'data_dir = "{folder}"',
             f'rules = ["{folder / "rules.yaml"}"]', f'[webhooks.sink]\nurl = "{hook}"',
             '[[routes]]\nname = "desk"\nwebhooks = ["sink"]\nschedule = "0 0 1 1 *"']  # fmt: skip
    for i in range(feeds):
        host = f"127.0.{i // 250}.{i % 250 + 1}"
        lines.append(f'[[feeds]]\nname = "f{i:05}"\nurl = "http://{host}:{port}/f/{i}"\n'
                     'interval = "1d"')  # fmt: skip
    path = folder / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


STATS = sa.text(
    "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted "
    "FROM pg_stat_database WHERE datname = current_database()"
)


def database_work(engine: sa.Engine) -> tuple[int, int]:
    """(transactions committed, rows written) in this database so far, by every client."""
    with engine.connect() as conn:
        commits, rows = conn.execute(STATS).one()
    return int(commits), int(rows)


def first_cycle(base_url: str, feeds: int, workers: int) -> tuple[float, float, tuple[int, int]]:
    """Seconds from the first poll to the last of the first cycle, and to the moment the
    webhook had received every alert; and the database's (commits, rows written) meanwhile
    (other clients of the database count too: run it on a quiet one)."""
    engine = sa.create_engine(base_url.replace("postgresql://", "postgresql+psycopg://"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{base_url}?options=-csearch_path%3D{schema}"
    try:
        with (
            tempfile.TemporaryDirectory() as temp,
            FeedServer("0.0.0.0") as server,
            run_sink() as hook,
        ):
            for i in range(feeds):
                server.routes[f"/f/{i}"] = feed(i)
            path = config(Path(temp), url, server.port, hook.url, feeds)
            before = database_work(engine)
            polled, delivered = _run(path, server, workers, lambda: _alerts(hook.requests) >= feeds)
            after = database_work(engine)
            return polled, delivered, (after[0] - before[0], after[1] - before[1])
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _alerts(requests: list[SinkRequest]) -> int:
    return sum(json.loads(r.body)["total_mentions"] for r in list(requests))


def _run(
    path: Path, server: FeedServer, workers: int, delivered: Callable[[], bool]
) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "monitor", "--config", str(path), "worker"]
    processes = [subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
                 for _ in range(workers)]  # fmt: skip
    try:
        feeds = len(server.routes)
        deadline = time.monotonic() + 600
        while len(server.requests) < feeds and time.monotonic() < deadline:
            time.sleep(0.1)
        polled = server.requests[-1].at - server.requests[0].at
        while not delivered() and time.monotonic() < deadline:
            time.sleep(0.1)
        return polled, time.monotonic() - server.requests[0].at
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    for workers in args.workers:
        polled, delivered, (commits, written) = first_cycle(args.database, args.feeds, workers)
        rate = args.feeds / polled * 60
        line = (f"workers={workers} feeds={args.feeds} polled_s={polled:.1f} "
                f"feeds_per_minute={rate:.0f} all_alerts_delivered_s={delivered:.1f} "
                f"commits_per_feed={commits / args.feeds:.1f} "
                f"rows_written_per_feed={written / args.feeds:.1f}")  # fmt: skip
        print(line, flush=True)


if __name__ == "__main__":
    main()
