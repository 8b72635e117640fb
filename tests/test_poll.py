"""The polling stage, end to end with real parts (a loopback feed server, the store, worker
processes): feeds in, articles stored and matched, each feed's health and next check out.

Moved and gone feeds, failures counted, only due feeds polled, full text fetched, <ttl>
honoured, edits matched again; a bug or a dead worker costs one feed, never the poll.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from monitor.fetch import Fetcher
from monitor.model import Document
from monitor.poll import batch
from monitor.poll.pool import WorkerPool
from monitor.run.daemon import Daemon
from monitor.run.pipeline import Pipeline
from monitor.store import Store
from tests.conftest import RULES, SEEDS
from tests.support import feedserver
from tests.support.feedserver import FeedServer, Reply
from tests.support.pipelines import Clock, served_config
from tests.support.settings import settings_from
from tests.support.stored import pending_alerts

FEED_PATHS = ("/seeds/rfe-belarus.rss.xml", "/seeds/belarus-news.atom.xml",
              "/seeds/nasha-niva-ru.rss.xml")  # fmt: skip


def test_a_moved_feed_is_followed_and_a_gone_feed_disabled(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    data = served_config(tmp_path, feed_server, None, None)
    feed_server.routes["/old.xml"] = feedserver.redirect(301, "/seeds/rfe-belarus.rss.xml")
    feed_server.routes["/gone.xml"] = Reply(status=410)
    data["feeds"] = [
        {"name": "moved", "url": feed_server.url("/old.xml")},
        {"name": "gone", "url": feed_server.url("/gone.xml")},
    ]
    pipeline = make_pipeline(data)
    summary = pipeline.run_once()
    assert [line.split(":")[0] for line in summary.poll.feeds_failed] == ["gone"]
    moved = pipeline.store.feeds.state("moved")
    assert moved is not None and moved.url.endswith("/seeds/rfe-belarus.rss.xml")
    gone = pipeline.store.feeds.state("gone")
    assert gone is not None and gone.disabled

    clock.advance(timedelta(hours=1))
    pipeline.run_once()
    assert len(feed_server.hits("/gone.xml")) == 1  # never asked again
    assert len(feed_server.hits("/old.xml")) == 1  # the new URL is used directly


def test_a_failing_feed_is_logged_and_counted(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    data = served_config(tmp_path, feed_server, None, None)
    feed_server.routes["/broken.xml"] = Reply(status=500)
    data["feeds"] = [{"name": "broken", "url": feed_server.url("/broken.xml")}]
    pipeline = make_pipeline(data)
    pipeline.run_once()
    pipeline.run_once()
    state = pipeline.store.feeds.state("broken")
    assert state is not None and state.failures == 2 and "500" in (state.last_error or "")
    assert any(getattr(r, "feed", None) == "broken" for r in caplog.records)


def test_the_tick_polls_only_feeds_that_are_due(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    data = served_config(tmp_path, feed_server, None, None)
    for feed in data["feeds"]:
        feed["interval"] = "4h"
    data["feeds"][0]["interval"] = "1h"
    pipeline = make_pipeline(data)
    Daemon(pipeline).poll_job()
    assert [len(feed_server.hits(p)) for p in FEED_PATHS] == [1, 1, 1]
    clock.advance(timedelta(minutes=30))
    Daemon(pipeline).poll_job()
    assert [len(feed_server.hits(p)) for p in FEED_PATHS] == [1, 1, 1]  # nothing due yet
    clock.advance(timedelta(hours=1))  # past 1 h plus at most 10% jitter
    Daemon(pipeline).poll_job()
    assert [len(feed_server.hits(p)) for p in FEED_PATHS] == [2, 1, 1]


def test_full_text_feeds_read_the_article_page(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    page = feed_server.url("/story.html")
    feed_server.routes["/teasers.xml"] = Reply(
        body=f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Teasers</title>
<item><title>Court hearing today</title><link>{page}</link>
<description>A hearing took place.</description></item></channel></rss>""".encode()
    )
    feed_server.routes["/story.html"] = Reply(
        body=b"<html><head><title>Court hearing today</title></head><body><nav>Menu</nav>"
        b"<article><h1>Court hearing today</h1><p>A hearing took place in Minsk.</p>"
        b"<p>Lilia Vlasova, a lawyer, attended the hearing with her family.</p></article>"
        b"</body></html>",
        headers={"content-type": "text/html; charset=utf-8"},
    )
    data = served_config(tmp_path, feed_server, None, None)
    data["feeds"] = [{"name": "teasers", "url": feed_server.url("/teasers.xml"),
                      "full_text": True, "allow_networks": ["127.0.0.1/32"]}]  # fmt: skip
    pipeline = make_pipeline(data)
    assert pipeline.run_once().poll.matches == 1
    [alert] = pending_alerts(pipeline.store, "other", None)
    assert alert.match.rule_id == "vlasova" and "Menu" not in alert.article.text
    pipeline.run_once()
    assert len(feed_server.hits("/story.html")) == 1  # a known article's page is not refetched


def test_a_stored_story_seen_in_a_full_text_feed_gains_the_source_and_keeps_its_text(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    page = feed_server.url("/court.html")
    feed_server.routes["/court.html"] = Reply(body=b"<html><body><p>Other text</p></body></html>")

    def feed(title: str) -> Reply:
        return Reply(
            body=f"""<rss version="2.0"><channel><title>{title}</title>
<item><title>Court hearing today</title><link>{page}</link>
<description>Lilia Vlasova attended the hearing in Minsk with her family.</description>
</item></channel></rss>""".encode()
        )

    feed_server.routes["/wire.xml"] = feed("Wire")
    feed_server.routes["/teasers.xml"] = feed("Teasers")
    data = served_config(tmp_path, feed_server, None, None)
    data["feeds"] = [{"name": "wire", "url": feed_server.url("/wire.xml")}]
    make_pipeline(data).run_once()
    data["feeds"].append({"name": "teasers", "url": feed_server.url("/teasers.xml"),
                          "full_text": True})  # fmt: skip
    pipeline = make_pipeline(data)
    summary = pipeline.poll(pipeline.feeds())
    assert (summary.new_articles, summary.matches) == (0, 0)  # nothing new, nothing edited
    [alert] = pending_alerts(pipeline.store, "other", None)
    assert [source.name for source in alert.sources] == ["Wire", "Teasers"]
    assert feed_server.hits("/court.html") == []  # a stored story's page is not fetched


def test_a_feed_ttl_postpones_the_next_check(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    feed_server.routes["/ttl.xml"] = Reply(
        body=b"<rss version='2.0'><channel><title>t</title><ttl>120</ttl>"
        b"<item><title>a</title><link>https://x.example/a</link></item></channel></rss>"
    )
    data = served_config(tmp_path, feed_server, None, None)
    data["feeds"] = [{"name": "ttl", "url": feed_server.url("/ttl.xml"), "interval": "15m"}]
    pipeline = make_pipeline(data)
    Daemon(pipeline).poll_job()
    state = pipeline.store.feeds.state("ttl")
    assert state is not None and state.next_check is not None
    assert state.next_check - clock.now >= timedelta(hours=2)


def test_an_edited_article_alerts_only_for_new_matches(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    def feed(text: str) -> Reply:
        return Reply(
            body=f"""<rss version="2.0"><channel><title>Edits</title>
<item><title>Court news</title><link>https://x.example/court</link>
<description>{text}</description></item></channel></rss>""".encode()
        )

    data = served_config(tmp_path, feed_server, None, None)
    data["feeds"] = [{"name": "edits", "url": feed_server.url("/edits.xml")}]
    pipeline = make_pipeline(data)
    feed_server.routes["/edits.xml"] = feed("Lilia Vlasova was in court.")
    assert pipeline.run_once().poll.matches == 1
    feed_server.routes["/edits.xml"] = feed(
        "Lilia Vlasova was in court. Viktar Babaryka was also named."
    )
    second = pipeline.run_once()
    assert (second.poll.new_articles, second.poll.matches) == (0, 1)
    newest = sorted((tmp_path / "var" / "outbox").glob("*.html"))[-1].read_text("utf-8")
    # Group headings: Babaryka is new; Vlasova was already sent for this story.
    assert ">Viktar Babaryka <span" in newest and ">Lilia Vlasova <span" not in newest


class ExplodingMatcher:
    """Stands in for a matcher bug triggered by one article."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def match(self, text: str, language: str | None = None) -> Any:
        if "BOOM" in text:
            raise RuntimeError("matcher bug")
        return self.real.match(text, language)


def explode(pipeline: Any) -> None:
    active = pipeline.rules.active
    pipeline.rules.active = replace(active, matcher=ExplodingMatcher(active.matcher))


def test_a_bug_on_one_feed_does_not_starve_the_others(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    feed_server.routes["/boom.xml"] = Reply(
        body=b"<rss version='2.0'><channel><title>b</title><item><title>BOOM</title>"
        b"<link>https://x.example/boom</link></item></channel></rss>"
    )
    data = served_config(tmp_path, feed_server, None, None)
    data["feeds"].insert(0, {"name": "boom", "url": feed_server.url("/boom.xml")})
    pipeline = make_pipeline(data)
    explode(pipeline)
    summary = pipeline.run_once()
    assert summary.poll.new_articles > 5  # the other feeds were stored and matched
    state = pipeline.store.feeds.state("boom")
    assert state is not None and state.last_error == "internal error: matcher bug"
    [record] = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert getattr(record, "feed", None) == "boom" and record.exc_info


def many_feeds(tmp_path: Path, server: FeedServer, copies: int) -> dict[str, Any]:
    """The four seed feeds, each served under `copies` folders: the same stories, many feeds."""
    data = served_config(tmp_path, server, None, None)
    seeds = data["feeds"]
    data["feeds"] = []
    for copy in range(copies):
        server.serve_folder(SEEDS, f"/copy{copy}/")
        for feed in seeds:
            url = feed["url"].replace("/seeds/", f"/copy{copy}/")
            data["feeds"].append({**feed, "name": f"{feed['name']}-{copy}", "url": url})
    return data


def test_many_feeds_are_parsed_in_worker_processes_with_the_same_outcome(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    alone = make_pipeline(many_feeds(tmp_path / "alone", feed_server, 1))
    in_process = alone.poll(alone.feeds())
    assert not multiprocessing.active_children()  # four feeds: no workers started

    pooled = make_pipeline(many_feeds(tmp_path / "pooled", feed_server, 3))
    summary = pooled.poll(pooled.feeds())
    workers = multiprocessing.active_children()
    pooled.close()

    assert summary.feeds_read == 12 and not summary.feeds_failed
    # The copies are the same stories: stored and matched once, as with one copy.
    assert (summary.new_articles, summary.matches) == (in_process.new_articles, in_process.matches)
    assert pooled.store.articles.count() == alone.store.articles.count()
    states = pooled.store.feeds.states()
    assert len(states) == 12 and all(state.last_success for state in states.values())
    assert len(workers) == os.cpu_count()
    assert not any(worker.is_alive() for worker in workers)


def test_rules_changed_during_a_poll_are_matched_here_not_with_the_workers_old_rules(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers match with the rules in force when the poll began; a batch written after
    the rules changed is matched in this process with the new rules instead."""
    for n in range(10):
        feed_server.routes[f"/f{n}.xml"] = Reply(
            body=(
                "<rss version='2.0'><channel><title>t</title><item><title>Court news</title>"
                f"<link>https://x.example/{n}</link><description>Viktar Babaryka and Paval "
                "Latushka were named in court today.</description></item></channel></rss>"
            ).encode()
        )
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "watch.yaml").write_text("people:\n  - name: Viktar Babaryka\n", encoding="utf-8")
    data = served_config(tmp_path, feed_server, None, None, rules)
    data["feeds"] = [{"name": f"f{n}", "url": feed_server.url(f"/f{n}.xml")} for n in range(10)]
    pipeline = make_pipeline(data)
    monkeypatch.setattr(batch, "BATCH_FEEDS", 1)  # one feed per batch: the change falls between

    def change_rules(done: int) -> None:
        if pipeline.rules.active.rules.people[0].name == "Viktar Babaryka":
            (rules / "watch.yaml").write_text(
                "people:\n  - name: Paval Latushka\n", encoding="utf-8"
            )
            assert pipeline.rules.reload([rules])

    try:
        summary = pipeline.poll(pipeline.feeds(), change_rules)
    finally:
        pipeline.close()
    assert summary.feeds_read == 10 and summary.new_articles == 10
    found = [name for _, _, name in matched_names(pipeline)]
    # The first batch was matched by the workers with the old rules, every later one here
    # with the new rules; none with the old rules after the change.
    assert found[0] == "Viktar Babaryka" and found[1:] == ["Paval Latushka"] * 9


class ExplodingArticles:
    """Stands in for a bug in storing one article (the rest of the store is real)."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def ingest(self, articles: Any, now: Any, match: Any) -> Any:
        if any(article.title == "BOOM" for article in articles):
            raise RuntimeError("store bug")
        return self.real.ingest(articles, now, match)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def matched_names(pipeline: Any) -> list[tuple[int, str, str]]:
    with pipeline.store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT article_id, rule_id, name FROM matches ORDER BY article_id")
        )
        return [tuple(row) for row in rows]


def test_a_dead_parse_worker_leaves_the_parsing_to_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = (SEEDS / "rfe-belarus.rss.xml").read_bytes()
    documents = [Document("rfe-belarus.rss.xml", body, "application/rss+xml")]
    pool = WorkerPool(workers=1)
    try:
        [first] = pool.result(
            pool.submit(documents, "rferl", None), documents, "rferl", None
        ).parsed.outcomes
        for worker in multiprocessing.active_children():
            os.kill(worker.pid or 0, signal.SIGKILL)
            worker.join()
        [again] = pool.result(
            pool.submit(documents, "rferl", None), documents, "rferl", None
        ).parsed.outcomes
    finally:
        pool.close()
    assert isinstance(first, tuple) and len(first) == 4
    assert again == first
    assert "a parse worker died" in caplog.text


def test_a_bug_on_one_feed_parsed_by_a_worker_does_not_starve_the_others(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    """Feeds parsed (and matched) by workers are stored in batches; a bug while storing
    one feed's articles fails that feed only: the batch is stored again feed by feed."""
    feed_server.routes["/boom.xml"] = Reply(
        body=b"<rss version='2.0'><channel><title>b</title><item><title>BOOM</title>"
        b"<link>https://x.example/boom</link></item></channel></rss>"
    )
    data = many_feeds(tmp_path, feed_server, 2)
    data["feeds"].append({"name": "boom", "url": feed_server.url("/boom.xml")})
    pipeline = make_pipeline(data)
    pipeline.store.articles = ExplodingArticles(pipeline.store.articles)
    try:
        summary = pipeline.poll(pipeline.feeds())
    finally:
        pipeline.close()
    assert summary.feeds_read == 9 and summary.new_articles > 5 and summary.matches > 5
    assert [line.split(":")[0] for line in summary.feeds_failed] == ["boom"]
    state = pipeline.store.feeds.state("boom")
    assert state is not None and state.last_error == "internal error: store bug"


def test_a_public_feeds_redirect_is_followed_only_into_networks_the_feed_allows(
    tmp_path: Path, feed_server: FeedServer, clock: Clock
) -> None:
    """Each feed's `allow_networks` reaches its redirects: `intranet` may be redirected to
    127.0.0.2, `outside` may not (and its failure is the feed's health, not a crash)."""

    def seen_as_public(host: str, port: int) -> list[str]:  # 127.0.0.1 plays a public host
        return ["93.184.216.34"] if host == "127.0.0.1" else [host]

    with FeedServer("127.0.0.2") as inside:
        inside.routes["/inside.xml"] = Reply(body=(SEEDS / "rfe-belarus.rss.xml").read_bytes())
        for name in ("intranet", "outside"):
            feed_server.routes[f"/{name}.xml"] = feedserver.redirect(302, inside.url("/inside.xml"))
        settings = settings_from({
            "data_dir": str(tmp_path / "var"), "rules": [str(RULES)],
            "feeds": [
                {"name": "intranet", "url": feed_server.url("/intranet.xml"),
                 "allow_networks": ["127.0.0.2/32"]},
                {"name": "outside", "url": feed_server.url("/outside.xml")},
            ],
        })  # fmt: skip
        store = Store.open(settings.config.db_url)
        with Fetcher("monitor-test", resolver=seen_as_public) as fetcher:
            pipeline = Pipeline(settings, store, fetcher, clock, warn_rules=False)
            try:
                report = pipeline.poll(pipeline.feeds())
            finally:
                pipeline.close()
                store.close()
    assert report.new_articles > 0 and len(inside.hits("/inside.xml")) == 1
    [failure] = report.feeds_failed
    assert failure.startswith("outside: refused http://127.0.0.2:")


def test_a_feed_of_more_than_a_thousand_items_is_read_to_its_end(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    items = "".join(
        f"<item><title>Story {i}</title><link>https://news.example/{i}</link>"
        f"<description>Report number {i}.</description></item>"
        for i in range(1500)
    )
    feed_server.routes["/long.xml"] = Reply(
        body=f"<rss version='2.0'><channel><title>Long</title>{items}</channel></rss>".encode()
    )
    feed = {"name": "long", "url": feed_server.url("/long.xml")}
    pipeline = make_pipeline(
        {"data_dir": str(tmp_path / "var"), "rules": [str(RULES)], "feeds": [feed]}
    )
    assert pipeline.run_once().poll.new_articles == 1500
    assert pipeline.store.articles.count() == 1500
