"""End to end, with real parts: a loopback feed server, aiosmtpd, a webhook sink, the store.

feed server -> Pipeline.run_once -> an email arrives naming the sample article's people,
a signed webhook arrives -> a second run sends nothing. Then the failure paths: SMTP down
then up, a broken rule edit, urgent alerts, feeds that move or vanish.
"""

from __future__ import annotations

import email
import email.policy
import json
import multiprocessing
import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from monitor.model import DeliveryStatus, Document
from monitor.poll import poller as poll
from monitor.poll.pool import WorkerPool
from monitor.run.daemon import Daemon
from tests.conftest import RULES, SEEDS
from tests.support import feedserver, sink, smtp
from tests.support.feedserver import FeedServer, Reply
from tests.support.pipelines import failed, pipeline_factory, sent
from tests.support.settings import settings_from
from tests.support.sink import WebhookSink
from tests.support.smtp import SmtpSink
from tests.support.stored import pending_alerts

feed_server = feedserver.feed_server
smtp_server = smtp.smtp_server
webhook_sink = sink.webhook_sink

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SAMPLE_PEOPLE = ("Viktar Babaryka", "Lilia Vlasova", "Vitali Shkliarov", "Paval Latushka")


class Clock:
    """Time that only moves when a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2024, 4, 23, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


def settings(
    tmp_path: Path,
    server: FeedServer,
    mail: SmtpSink | None,
    hook: WebhookSink | None,
    rules: Path = RULES,
) -> dict[str, Any]:
    server.serve_folder(SEEDS, "/seeds/")
    route: dict[str, Any] = {"name": "desk", "outbox": True, "schedule": "daily 07:00"}
    data: dict[str, Any] = {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(rules)],
        "feeds": [
            {"name": "rferl", "url": server.url("/seeds/rfe-belarus.rss.xml")},
            {"name": "atom", "url": server.url("/seeds/belarus-news.atom.xml")},
            {"name": "nn", "url": server.url("/seeds/nasha-niva-ru.rss.xml"), "language": "ru"},
            {"name": "cp1251", "url": server.url("/seeds/belarus-cp1251.rss.xml")},
        ],
        "routes": [route],
    }
    if mail:
        data["smtp"] = {
            "host": mail.host,
            "port": mail.port,
            "security": "none",
            "from": "Monitor <monitor@example.org>",
            "password_env": None,
        }
        route["email"] = ["desk@example.org", "casework@example.org"]
    if hook:
        data["webhooks"] = {"ngo": {"url": hook.url, "secret_env": "TEST_WEBHOOK_SECRET"}}
        route["webhooks"] = ["ngo"]
    return data


@pytest.fixture
def make_pipeline(clock: Clock) -> Iterator[Any]:
    with pipeline_factory(clock) as make:
        yield make


def bodies(mail: SmtpSink) -> list[str]:
    return [str(r.message.get_body(("plain",)).get_content()) for r in mail.messages]  # type: ignore[union-attr]


def test_feeds_to_email_and_webhook_then_nothing_twice(
    tmp_path: Path,
    feed_server: FeedServer,
    smtp_server: SmtpSink,
    webhook_sink: WebhookSink,
    make_pipeline: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    pipeline = make_pipeline(settings(tmp_path, feed_server, smtp_server, webhook_sink))

    summary = pipeline.run_once()

    assert summary.poll.feeds_read == 4 and not summary.poll.feeds_failed
    assert summary.poll.new_articles > 5 and summary.poll.matches > 5
    assert sorted(r.rcpt_tos[0] for r in smtp_server.messages) == [
        "casework@example.org",
        "desk@example.org",
    ]
    text = bodies(smtp_server)[0]
    for person in SAMPLE_PEOPLE:
        assert person in text
    assert "Lukashenka Meets With Jailed Belarusian Opposition Leaders" in text
    assert "Тихановского" in text  # from the windows-1251 feed, decoded right
    [request] = webhook_sink.requests
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert {a["rule"]["id"] for a in payload["alerts"]} >= {"babaryka", "vlasova"}
    assert list((tmp_path / "var" / "outbox").glob("*.eml"))

    again = pipeline.run_once()
    assert (again.poll.new_articles, again.poll.matches, sent(again)) == (0, 0, [])
    assert len(smtp_server.messages) == 2 and len(webhook_sink.requests) == 1
    # The second poll was conditional: the server answered 304, nothing was parsed again.
    assert feed_server.hits("/seeds/rfe-belarus.rss.xml")[-1].headers.get("if-none-match")


def test_smtp_down_then_up_delivers_everything_exactly_once(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    with smtp.run_smtp() as mail:
        data = settings(tmp_path, feed_server, mail, None)
    # The server is gone now: the same host and port refuse connections.
    pipeline = make_pipeline(data)
    first = pipeline.run_once()
    assert len(first.failed) == 2 and all("retry at" in line for line in failed(first))
    assert len(pipeline.store.deliveries.records([DeliveryStatus.PENDING])) == 2

    with smtp.run_smtp() as mail:
        data["smtp"]["port"] = mail.port
        pipeline.settings = settings_from(data)
        clock.advance(timedelta(minutes=1))
        pipeline.run_once()  # not due yet: the retry waits out its back-off
        assert mail.messages == []
        clock.advance(timedelta(minutes=5))
        pipeline.run_once()
        pipeline.run_once()
        assert sorted(r.rcpt_tos[0] for r in mail.messages) == [
            "casework@example.org",
            "desk@example.org",
        ]
        assert "Viktar Babaryka" in bodies(mail)[0]
    assert pipeline.store.deliveries.records([DeliveryStatus.PENDING, DeliveryStatus.DEAD]) == []


def test_a_webhook_that_fails_then_recovers_gets_one_digest(
    tmp_path: Path,
    feed_server: FeedServer,
    webhook_sink: WebhookSink,
    make_pipeline: Any,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    webhook_sink.responses.extend([500])
    pipeline = make_pipeline(settings(tmp_path, feed_server, None, webhook_sink))
    assert len(pipeline.run_once().failed) == 1
    clock.advance(timedelta(hours=1))
    pipeline.run_once()
    first, second = webhook_sink.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # receivers can dedup
    assert pipeline.store.deliveries.records([DeliveryStatus.PENDING, DeliveryStatus.DEAD]) == []


def watching_vlasova(tmp_path: Path) -> Path:
    """A rules folder of the user's own, with one person in it."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "watch.yaml").write_text("people:\n  - name: Lilia Vlasova\n", encoding="utf-8")
    return rules


def test_noisy_rule_warnings_are_logged_once_per_edit_of_the_rules(
    tmp_path: Path,
    feed_server: FeedServer,
    make_pipeline: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "watch.yaml").write_text("people:\n  - name: Babaryka\n", encoding="utf-8")
    data = settings(tmp_path, feed_server, None, None, rules)

    def warnings_of_a_start() -> list[str]:
        caplog.clear()
        make_pipeline(data).close()  # close waits for the warnings
        return [r.getMessage() for r in caplog.records if "may alert wrongly" in r.getMessage()]

    [first] = warnings_of_a_start()
    assert "watch.yaml:2: babaryka: no given name" in first
    assert warnings_of_a_start() == []  # a restart with the same rules: said already
    (rules / "watch.yaml").write_text("people:\n  - name: Kalina\n", encoding="utf-8")
    [edited] = warnings_of_a_start()
    assert "kalina" in edited


def test_a_broken_rule_edit_keeps_the_last_good_rules_and_is_reported(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    rules = watching_vlasova(tmp_path)
    pipeline = make_pipeline(settings(tmp_path, feed_server, None, None, rules))
    (rules / "watch.yaml").write_text("people:\n  - nam: Viktar Babaryka\n", encoding="utf-8")

    assert pipeline.reload_rules() is False
    assert [rule.id for rule in pipeline.rules.active.rules.all()] == ["lilia-vlasova"]
    pipeline.run_once()
    html = next((tmp_path / "var" / "outbox").glob("*.html")).read_text(encoding="utf-8")
    assert "Lilia Vlasova" in html
    assert "watch.yaml:2: people[0].nam: unknown key (did you mean &#39;name&#39;?)" in html


def test_a_new_rule_retro_matches_recent_articles_once(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    rules = watching_vlasova(tmp_path)
    pipeline = make_pipeline(settings(tmp_path, feed_server, None, None, rules))
    pipeline.run_once()
    outbox = tmp_path / "var" / "outbox"
    assert len(list(outbox.glob("*.eml"))) == 1

    (rules / "more.yaml").write_text("people:\n  - name: Viktar Babaryka\n", encoding="utf-8")
    clock.advance(timedelta(minutes=1))
    assert pipeline.reload_rules() is True
    pipeline.run_once()
    newest = sorted(outbox.glob("*.html"))[-1].read_text(encoding="utf-8")
    assert "Viktar Babaryka" in newest and "Lilia Vlasova" not in newest
    pipeline.run_once()
    assert len(list(outbox.glob("*.eml"))) == 2


def test_high_priority_alerts_go_at_once_and_never_again_in_the_digest(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpSink, make_pipeline: Any
) -> None:
    pipeline = make_pipeline(settings(tmp_path, feed_server, smtp_server, None))
    Daemon(pipeline).poll_job()  # the tick: poll, then urgent alerts at once
    urgent = bodies(smtp_server)
    assert urgent and all("== Syarhey Tsikhanouski (" in body for body in urgent)
    assert all("== Viktar Babaryka (" not in body for body in urgent)

    Daemon(pipeline).digest_job("desk")
    digest = bodies(smtp_server)[len(urgent) :]
    assert digest and "== Viktar Babaryka (" in digest[0]
    assert "== Syarhey Tsikhanouski (" not in digest[0]  # already sent, never again


def test_a_moved_feed_is_followed_and_a_gone_feed_disabled(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    data = settings(tmp_path, feed_server, None, None)
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
    data = settings(tmp_path, feed_server, None, None)
    feed_server.routes["/broken.xml"] = Reply(status=500)
    data["feeds"] = [{"name": "broken", "url": feed_server.url("/broken.xml")}]
    pipeline = make_pipeline(data)
    pipeline.run_once()
    pipeline.run_once()
    state = pipeline.store.feeds.state("broken")
    assert state is not None and state.failures == 2 and "500" in (state.last_error or "")
    assert any(getattr(r, "feed", None) == "broken" for r in caplog.records)


def test_webhook_payload_carries_each_rules_priority_and_tags(
    tmp_path: Path,
    feed_server: FeedServer,
    webhook_sink: WebhookSink,
    make_pipeline: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    pipeline = make_pipeline(settings(tmp_path, feed_server, None, webhook_sink))
    pipeline.run_once()
    payload = json.loads(webhook_sink.requests[0].body)
    assert payload["version"] == 1 and payload["route"] == "desk"
    rules = {a["rule"]["id"]: (a["priority"], a["tags"]) for a in payload["alerts"]}
    assert rules["tsikhanouski"] == ("high", ["political-prisoner"])  # as in rules/belarus.yaml
    assert rules["tsikhanouskaya"] == ("normal", ["opposition"])


def test_a_webhook_whose_secret_is_missing_gets_nothing_unsigned_and_stays_owed(
    tmp_path: Path,
    feed_server: FeedServer,
    webhook_sink: WebhookSink,
    make_pipeline: Any,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_WEBHOOK_SECRET", raising=False)
    pipeline = make_pipeline(settings(tmp_path, feed_server, None, webhook_sink))
    [failure] = failed(pipeline.run_once())
    assert "$TEST_WEBHOOK_SECRET is not set; not sent unsigned" in failure
    assert webhook_sink.requests == []
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)  # the operator fixes it
    clock.advance(timedelta(minutes=5))
    pipeline.run_once()
    [request] = webhook_sink.requests
    assert Webhook(SECRET).verify(request.body, request.headers)


def test_the_tick_polls_only_feeds_that_are_due(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    data = settings(tmp_path, feed_server, None, None)
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


FEED_PATHS = ("/seeds/rfe-belarus.rss.xml", "/seeds/belarus-news.atom.xml",
              "/seeds/nasha-niva-ru.rss.xml")  # fmt: skip


def test_a_feed_failing_for_over_a_day_is_named_in_the_digest_footer(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    data = settings(tmp_path, feed_server, None, None)
    feed_server.routes["/down.xml"] = Reply(status=503)
    data["feeds"].append({"name": "down", "url": feed_server.url("/down.xml")})
    pipeline = make_pipeline(data)
    pipeline.run_once()
    first = sorted((tmp_path / "var" / "outbox").glob("*.html"))[-1].read_text("utf-8")
    assert "down: HTTP 503" not in first  # a fresh failure is not yet news
    clock.advance(timedelta(days=1, hours=1))
    feed_server.routes["/seeds/rfe-belarus.rss.xml"] = Reply(
        body=(SEEDS / "rfe-belarus.rss.xml").read_bytes().replace(
            b"</channel>", NEW_ITEM.encode() + b"</channel>"))  # fmt: skip
    pipeline.run_once()
    latest = sorted((tmp_path / "var" / "outbox").glob("*.html"))[-1].read_text("utf-8")
    assert "down: HTTP 503" in latest


NEW_ITEM = """<item><title>Babaryka transferred</title>
<link>https://www.rferl.org/a/babaryka-transferred/1.html</link>
<description>Viktar Babaryka was transferred to another colony.</description></item>"""


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
    data = settings(tmp_path, feed_server, None, None)
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
    data = settings(tmp_path, feed_server, None, None)
    data["feeds"] = [{"name": "wire", "url": feed_server.url("/wire.xml")}]
    make_pipeline(data).run_once()
    data["feeds"].append({"name": "teasers", "url": feed_server.url("/teasers.xml"),
                          "full_text": True})  # fmt: skip
    pipeline = make_pipeline(data)
    summary = pipeline.poller.poll(pipeline.feeds())
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
    data = settings(tmp_path, feed_server, None, None)
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

    data = settings(tmp_path, feed_server, None, None)
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


def explode(pipeline: Any) -> None:
    active = pipeline.rules.active
    pipeline.rules.active = replace(active, matcher=ExplodingMatcher(active.matcher))


class ExplodingMatcher:
    """Stands in for a matcher bug triggered by one article."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def match(self, text: str, language: str | None = None) -> Any:
        if "BOOM" in text:
            raise RuntimeError("matcher bug")
        return self.real.match(text, language)


def test_a_bug_on_one_feed_does_not_starve_the_others(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    feed_server.routes["/boom.xml"] = Reply(
        body=b"<rss version='2.0'><channel><title>b</title><item><title>BOOM</title>"
        b"<link>https://x.example/boom</link></item></channel></rss>"
    )
    data = settings(tmp_path, feed_server, None, None)
    data["feeds"].insert(0, {"name": "boom", "url": feed_server.url("/boom.xml")})
    pipeline = make_pipeline(data)
    explode(pipeline)
    summary = pipeline.run_once()
    assert summary.poll.new_articles > 5  # the other feeds were stored and matched
    state = pipeline.store.feeds.state("boom")
    assert state is not None and state.last_error == "internal error: matcher bug"
    [record] = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert getattr(record, "feed", None) == "boom" and record.exc_info


def test_a_route_can_have_its_own_templates(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    own = tmp_path / "partners"
    own.mkdir()
    (own / "subject.txt.j2").write_text("For partners: {{ count }} stories", encoding="utf-8")
    data = settings(tmp_path, feed_server, None, None)
    data["routes"][0]["templates_dir"] = str(own)
    pipeline = make_pipeline(data)
    pipeline.run_once()
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert str(message["Subject"]).startswith("For partners: ")
    text = message.get_body(("plain",))
    assert text is not None and "Viktar Babaryka" in text.get_content()  # default templates


def many_feeds(tmp_path: Path, server: FeedServer, copies: int) -> dict[str, Any]:
    """The four seed feeds, each served under `copies` folders: the same stories, many feeds."""
    data = settings(tmp_path, server, None, None)
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
    in_process = alone.poller.poll(alone.feeds())
    assert not multiprocessing.active_children()  # four feeds: no workers started

    pooled = make_pipeline(many_feeds(tmp_path / "pooled", feed_server, 3))
    summary = pooled.poller.poll(pooled.feeds())
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
    data = settings(tmp_path, feed_server, None, None, rules)
    data["feeds"] = [{"name": f"f{n}", "url": feed_server.url(f"/f{n}.xml")} for n in range(10)]
    pipeline = make_pipeline(data)
    monkeypatch.setattr(poll, "BATCH_FEEDS", 1)  # one feed per batch: the change falls between

    def change_rules(done: int) -> None:
        if pipeline.rules.active.rules.people[0].name == "Viktar Babaryka":
            (rules / "watch.yaml").write_text(
                "people:\n  - name: Paval Latushka\n", encoding="utf-8"
            )
            assert pipeline.rules.reload([rules])

    try:
        summary = pipeline.poller.poll(pipeline.feeds(), change_rules)
    finally:
        pipeline.close()
    assert summary.feeds_read == 10 and summary.new_articles == 10
    found = [name for _, _, name in matched_names(pipeline)]
    # The first batch was matched by the workers with the old rules, every later one here
    # with the new rules; none with the old rules after the change.
    assert found[0] == "Viktar Babaryka" and found[1:] == ["Paval Latushka"] * 9


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
        summary = pipeline.poller.poll(pipeline.feeds())
    finally:
        pipeline.close()
    assert summary.feeds_read == 9 and summary.new_articles > 5 and summary.matches > 5
    assert [line.split(":")[0] for line in summary.feeds_failed] == ["boom"]
    state = pipeline.store.feeds.state("boom")
    assert state is not None and state.last_error == "internal error: store bug"


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
