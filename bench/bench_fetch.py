"""Benchmark of the fetch stage: N feeds x M items served from a loopback server.

In: --feeds, --items, --connections. Out: timings of a full fetch cycle (all 200) and of a
repeat (all 304) with Fetcher.fetch_many, and the fetching process's peak RSS, on stdout.
Run from the repository root: `python -m bench.bench_fetch`. The server runs in a child
process so its threads neither share the GIL nor count in the RSS.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import resource
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection

from monitor.fetch import Fetcher
from monitor.model import FeedState
from tests.support.feedserver import FeedServer, Reply

ITEM = (
    "<item><title>Item {i} of feed {f}: court hearing in Minsk</title>"
    "<link>https://news.example/{f}/{i}</link><guid>{f}-{i}</guid>"
    "<pubDate>Thu, 26 Nov 2026 12:{m:02d}:00 GMT</pubDate>"
    "<description>{text}</description></item>"
)
_RSS = "application/rss+xml; charset=utf-8"
TEXT = "A political prisoner was sentenced again; relatives were not admitted. " * 4


def feed(f: int, items: int) -> bytes:
    body = "".join(ITEM.format(i=i, f=f, m=i % 60, text=TEXT) for i in range(items))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {f}</title>{body}</channel></rss>"
    ).encode()


def serve(feeds: int, items: int, conn: Connection) -> None:
    """Child process: serve the feeds (gzip, with an ETag) until the parent says stop."""
    with FeedServer() as server:
        for f in range(feeds):
            server.routes[f"/feed/{f}.xml"] = Reply(
                body=gzip.compress(feed(f, items)),  # once, not per request
                headers={"Content-Type": _RSS, "Content-Encoding": "gzip"},
                etag=f'"{f}-v1"',
            )
        conn.send(server.port)
        conn.recv()


@dataclass
class Cycle:
    seconds: float
    cpu: float  # CPU seconds of the fetching process
    statuses: Counter[str]
    decoded: int  # bytes of all documents
    states: list[FeedState]  # what a store would keep for the next cycle


def cycle(fetcher: Fetcher, requests: list[tuple[str, FeedState | None]]) -> Cycle:
    """One fetch_many pass; documents are dropped as they come, as the pipeline would."""
    started, cpu = time.perf_counter(), time.process_time()
    statuses: Counter[str] = Counter()
    decoded, states = 0, []
    for url, result in fetcher.fetch_many(requests):
        statuses[result.status.value] += 1
        decoded += sum(len(d.body) for d in result.documents)
        states.append(FeedState(url, etag=result.etag, content_hash=result.content_hash))
    elapsed = time.perf_counter() - started
    return Cycle(elapsed, time.process_time() - cpu, statuses, decoded, states)


def summary(label: str, run: Cycle) -> str:
    rate = sum(run.statuses.values()) / run.seconds
    mib = run.decoded / 2**20
    return (
        f"{label}: {run.seconds:.2f} s ({run.cpu:.2f} s CPU), {rate:.0f} feeds/s, "
        f"{mib:.1f} MiB decoded, {dict(run.statuses)}"
    )


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.feeds, args.items, theirs))
    child.start()
    port = ours.recv()
    urls = [f"http://127.0.0.1:{port}/feed/{f}.xml" for f in range(args.feeds)]
    # Every feed sits on one loopback host, so the per-host limit is lifted to the global one.
    n = args.connections
    baseline = _peak_rss_mib()
    with Fetcher("monitor-bench/1.0", max_connections=n, per_host=n) as fetcher:
        first = cycle(fetcher, [(url, None) for url in urls])
        again = cycle(fetcher, [(state.url, state) for state in first.states])
    ours.send("stop")
    child.join()
    print(f"{args.feeds} feeds x {args.items} items, {n} connections")
    print(summary("full cycle (200)", first))
    print(summary("repeat (304)    ", again))
    print(f"peak RSS of the fetching process: {_peak_rss_mib():.0f} MiB ({baseline:.0f} before)")
    if first.statuses != {"ok": args.feeds} or again.statuses != {"not_modified": args.feeds}:
        raise SystemExit("unexpected statuses: see above")


if __name__ == "__main__":
    main()
