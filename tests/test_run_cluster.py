"""Multi-node mode (procrastinate on PostgreSQL): slots and claims, then three real worker
processes on 300 feeds from the loopback server, one killed with SIGKILL mid-run."""

from __future__ import annotations

import collections
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.config.schedules import parse_schedule
from monitor.run.cluster import latest_slot
from monitor.store import Store
from tests.conftest import ROOT
from tests.support.feedserver import FeedServer, Reply
from tests.support.sink import WebhookSink

NOW = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)


def test_the_latest_slot_of_a_schedule() -> None:
    hourly = parse_schedule("hourly", "UTC")
    assert latest_slot(hourly, None, NOW) == NOW  # a new route starts without a backlog
    assert latest_slot(hourly, NOW.replace(minute=0), NOW) is None  # this hour's is made
    two_missed = NOW.replace(minute=0) - timedelta(hours=2)
    assert latest_slot(hourly, two_missed, NOW) == NOW.replace(minute=0)  # one digest, not 2
    minsk = parse_schedule("daily 07:00", "Europe/Minsk")  # 04:00 UTC
    assert latest_slot(minsk, NOW - timedelta(days=1), NOW) == NOW.replace(hour=4, minute=0)


@pytest.mark.postgres
def test_a_slot_is_taken_by_one_worker_and_due_feeds_are_split(postgres_url: str) -> None:
    store = Store.open(postgres_url)
    try:
        assert store.deliveries.take_slot("desk", NOW, None) is True
        assert store.deliveries.take_slot("desk", NOW, None) is False  # another worker, too late
        later = NOW + timedelta(hours=1)
        assert store.deliveries.take_slot("desk", later, NOW) is True
        assert store.deliveries.take_slot("desk", later, NOW) is False
        assert store.deliveries.last_slot("desk") == later
        feeds = {f"f{i}": f"https://x.example/{i}" for i in range(10)}
        first = store.feeds.claim_due(feeds, NOW, timedelta(minutes=10))
        again = store.feeds.claim_due(feeds, NOW, timedelta(minutes=10))
        assert sorted(first) == sorted(feeds) and again == []  # claimed until the lease ends
        assert sorted(
            store.feeds.claim_due(feeds, NOW + timedelta(minutes=11), timedelta(minutes=10))
        ) == sorted(feeds)
    finally:
        store.close()


FEEDS = 300
INTERVAL = 40  # seconds


def feed(i: int) -> Reply:
    body = (f"<rss version='2.0'><channel><title>Feed {i}</title><item><title>Court news {i}"
            f"</title><link>https://news.example/{i}</link><description>Viktar Babaryka was in "
            f"court, case {i}.</description></item></channel></rss>")  # fmt: skip
    return Reply(body=body.encode(), etag=f'"{i}"')


def config(tmp_path: Path, url: str, server: FeedServer, hook: WebhookSink) -> Path:
    rules = tmp_path / "rules.yaml"
    rules.write_text("people:\n  - name: Viktar Babaryka\n    priority: high\n", "utf-8")
    lines = ['engine = "procrastinate"', f'database_url = "{url}"',
             f'data_dir = "{tmp_path / "data"}"', f'rules = ["{rules}"]',
             f'[webhooks.ngo]\nurl = "{hook.url}"',
             '[[routes]]\nname = "desk"\nwebhooks = ["ngo"]\nschedule = "0 0 1 1 *"']  # fmt: skip
    for i in range(FEEDS):
        host = f"127.0.{i // 250}.{i % 250 + 1}"  # a host each: politeness is not the limit
        lines.append(f'[[feeds]]\nname = "f{i:03}"\nurl = "http://{host}:{server.port}/f/{i}"\n'
                     f'interval = "{INTERVAL}s"')  # fmt: skip
    path = tmp_path / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_three_workers_poll_each_feed_once_per_interval_and_deliver_each_alert_once(
    tmp_path: Path, postgres_url: str, webhook_sink: WebhookSink
) -> None:
    with FeedServer("0.0.0.0") as server:
        for i in range(FEEDS):
            server.routes[f"/f/{i}"] = feed(i)
        path = config(tmp_path, postgres_url, server, webhook_sink)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "monitor", "--config", str(path), "worker"]
        logs = [tmp_path / f"worker{k}.log" for k in range(3)]  # files: a full pipe would stall
        workers = [subprocess.Popen(command, env=env, stderr=log.open("w"))
                   for log in logs]  # fmt: skip
        try:
            started = time.monotonic()
            time.sleep(25)
            workers[0].send_signal(signal.SIGKILL)  # mid-run: it may hold jobs
            time.sleep(120 - (time.monotonic() - started))
        finally:
            for worker in workers[1:]:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=60)
        hits = collections.defaultdict(list)
        for request in server.requests:
            hits[request.path].append(request.at)
    survivors = "".join(log.read_text("utf-8") for log in logs[1:])
    at = survivors.find("Traceback")
    assert at < 0, survivors[max(0, at - 300) : at + 3000]
    assert len(hits) == FEEDS  # every feed polled
    gaps = [b - a for times in hits.values() for a, b in itertools.pairwise(times)]
    assert min(gaps) >= INTERVAL * 0.95  # never twice within its interval, by any two workers
    assert sum(len(times) >= 2 for times in hits.values()) >= FEEDS * 0.9  # and again after it
    payloads = [json.loads(r.body) for r in webhook_sink.requests]
    # Each alert is carried by one digest (a digest lists at most 20 per rule, counts all):
    assert sum(p["total_mentions"] for p in payloads) == FEEDS
    shown = collections.Counter(a["match_id"] for p in payloads for a in p["alerts"])
    assert set(shown.values()) == {1}
    ids = collections.Counter(r.headers["webhook-id"] for r in webhook_sink.requests)
    assert set(ids.values()) == {1}
    # Every feed document a match was found in is archived once, in the database (no shared
    # folder in multi-node mode), and each alert carries its hash.
    store = Store.open(postgres_url)
    try:
        kept = store.evidence.kept(datetime.now(UTC) - timedelta(hours=1))
        assert len({k.url for k in kept}) == FEEDS and not (tmp_path / "data" / "evidence").exists()
        assert all(store.evidence.body(k) == feed(int(k.url.rsplit("/", 1)[1])).body for k in kept)
    finally:
        store.close()
    hashes = {k.sha256 for k in kept}
    assert all(c["sha256"] in hashes for p in payloads for a in p["alerts"] for c in a["archived"])
    assert all(a["archived"] for p in payloads for a in p["alerts"])


@pytest.mark.postgres
def test_one_poll_per_host_at_a_time_across_workers(postgres_url: str) -> None:
    store = Store.open(postgres_url, jobs=True)
    assert store.jobs is not None
    jobs = store.jobs
    try:
        with (
            jobs.host_lock("news.example") as first,
            jobs.host_lock("news.example") as second,  # another worker's try
            jobs.host_lock("other.example") as other,
        ):
            assert (first, second, other) == (True, False, True)
        with jobs.host_lock("news.example") as again:
            assert again  # released when the poll ended
    finally:
        store.close()
