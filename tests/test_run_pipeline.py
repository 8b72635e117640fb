"""The orchestrator end to end, with real parts: a loopback feed server, aiosmtpd, a webhook
sink, the store.

feed server -> Pipeline.run_once -> an email arrives naming the sample article's people,
a signed webhook arrives -> a second run sends nothing. Then the failure paths: SMTP down
then up, a broken rule edit, urgent alerts, missing secrets, a route's own templates.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from monitor.config import load_settings
from monitor.model import DeliveryStatus
from monitor.run import open_pipeline
from monitor.run.daemon import Daemon
from tests.conftest import ROOT, RULES, SEEDS
from tests.support import smtp
from tests.support.feedserver import FeedServer, Reply
from tests.support.pipelines import Clock, failed, sent, served_config
from tests.support.settings import settings_from
from tests.support.sink import WebhookSink
from tests.support.smtp import SmtpSink

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEW_ITEM = """<item><title>Babaryka transferred</title>
<link>https://www.rferl.org/a/babaryka-transferred/1.html</link>
<description>Viktar Babaryka was transferred to another colony.</description></item>"""
SAMPLE_PEOPLE = ("Viktar Babaryka", "Lilia Vlasova", "Vitali Shkliarov", "Paval Latushka")


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
    pipeline = make_pipeline(served_config(tmp_path, feed_server, smtp_server, webhook_sink))

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
        data = served_config(tmp_path, feed_server, mail, None)
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
    pipeline = make_pipeline(served_config(tmp_path, feed_server, None, webhook_sink))
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
    data = served_config(tmp_path, feed_server, None, None, rules)

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


def test_a_long_list_of_noisy_rules_is_summed_up_in_one_line(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A 10,000-person list once logged 9,308 warnings at a start: counts by kind instead."""
    rules = tmp_path / "rules"
    rules.mkdir()
    surnames = [f"Zhurav{chr(0x430 + i % 26)}{chr(0x430 + i // 26)}ich" for i in range(40)]
    people = "".join(f"  - name: {name}\n" for name in surnames)  # no given names
    people += "  - name: Ivan Li\n  - name: Olga Li\n"  # short, and shared by two
    (rules / "watch.yaml").write_text("people:\n" + people, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        make_pipeline(served_config(tmp_path, feed_server, None, None, rules)).close()
    [line] = [r.getMessage() for r in caplog.records if "alert wrongly" in r.getMessage()]
    assert line.startswith("42 rules may alert wrongly (40 no given name, ")
    assert ", 2 short surname" in line and "surname shared with other rules" in line
    assert line.endswith("`monitor rules check` lists each with what to add")


def test_a_broken_rule_edit_keeps_the_last_good_rules_and_is_reported(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    rules = watching_vlasova(tmp_path)
    pipeline = make_pipeline(served_config(tmp_path, feed_server, None, None, rules))
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
    pipeline = make_pipeline(served_config(tmp_path, feed_server, None, None, rules))
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
    pipeline = make_pipeline(served_config(tmp_path, feed_server, smtp_server, None))
    Daemon(pipeline).poll_job()  # the tick: poll, then urgent alerts at once
    urgent = bodies(smtp_server)
    assert urgent and all("== Syarhey Tsikhanouski (" in body for body in urgent)
    assert all("== Viktar Babaryka (" not in body for body in urgent)

    Daemon(pipeline).digest_job("desk")
    digest = bodies(smtp_server)[len(urgent) :]
    assert digest and "== Viktar Babaryka (" in digest[0]
    assert "== Syarhey Tsikhanouski (" not in digest[0]  # already sent, never again


def test_a_route_with_urgent_false_sends_high_priority_alerts_on_its_schedule(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpSink, make_pipeline: Any
) -> None:
    data = served_config(tmp_path, feed_server, smtp_server, None)
    data["routes"][0]["urgent"] = False  # a daily route: no urgent mail between digests
    pipeline = make_pipeline(data)
    Daemon(pipeline).poll_job()
    assert bodies(smtp_server) == []  # the high-priority match waits
    Daemon(pipeline).digest_job("desk")
    [digest, *_] = bodies(smtp_server)
    assert "== Syarhey Tsikhanouski (" in digest and "== Viktar Babaryka (" in digest


def test_webhook_payload_carries_each_rules_priority_and_tags(
    tmp_path: Path,
    feed_server: FeedServer,
    webhook_sink: WebhookSink,
    make_pipeline: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    pipeline = make_pipeline(served_config(tmp_path, feed_server, None, webhook_sink))
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
    pipeline = make_pipeline(served_config(tmp_path, feed_server, None, webhook_sink))
    [failure] = failed(pipeline.run_once())
    assert "$TEST_WEBHOOK_SECRET is not set; not sent unsigned" in failure
    assert webhook_sink.requests == []
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)  # the operator fixes it
    clock.advance(timedelta(minutes=5))
    pipeline.run_once()
    [request] = webhook_sink.requests
    assert Webhook(SECRET).verify(request.body, request.headers)


def test_a_feed_failing_for_over_a_day_is_named_in_the_digest_footer(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    data = served_config(tmp_path, feed_server, None, None)
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


def test_a_route_can_have_its_own_templates(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    own = tmp_path / "partners"
    own.mkdir()
    (own / "subject.txt.j2").write_text("For partners: {{ count }} stories", encoding="utf-8")
    data = served_config(tmp_path, feed_server, None, None)
    data["routes"][0]["templates_dir"] = str(own)
    pipeline = make_pipeline(data)
    pipeline.run_once()
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert str(message["Subject"]).startswith("For partners: ")
    text = message.get_body(("plain",))
    assert text is not None and "Viktar Babaryka" in text.get_content()  # default templates


def test_a_reload_that_moves_the_store_keeps_the_store_and_says_a_restart_is_needed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SIGHUP (or an edit) with another database_url: the rest of the edit applies, the
    store opened at start stays, and one log line says a restart is needed."""
    path = tmp_path / "monitor.toml"
    base = (f'data_dir = "{tmp_path / "var"}"\nrules = ["{RULES}"]\n'
            f'[[feeds]]\nname = "seeds"\nurl = "{SEEDS}"\n')  # fmt: skip
    path.write_text(base, encoding="utf-8")
    settings = load_settings(str(path))
    with open_pipeline(settings) as pipeline:
        path.write_text(
            f'database_url = "sqlite:///{tmp_path / "other.db"}"\n{base}'
            f'[[feeds]]\nname = "more"\nurl = "{SEEDS / "rfe-belarus.rss.xml"}"\n',
            encoding="utf-8",
        )
        with caplog.at_level(logging.INFO, logger="monitor.run.pipeline"):
            assert pipeline.reload_config()
            assert not pipeline.reload_config()  # nothing new: said once
        assert [f.name for f in pipeline.settings.feeds] == ["seeds", "more"]  # applied
        assert pipeline.settings.config.db_url == settings.config.db_url  # the store stays
        why = pipeline.restart_needed
        assert why is not None and "takes a restart" in why
        assert pipeline.run_once().poll.feeds_read == 2  # and it runs on
        path.write_text(base, encoding="utf-8")  # the edit undone: as configured again
        assert pipeline.reload_config() and pipeline.restart_needed is None
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert said == [f"config reloaded except its store: {why}"]
    assert not (tmp_path / "other.db").exists()


def test_the_pipeline_loads_no_parse_stack_and_no_warc_writer_until_needed() -> None:
    """The daemon's process holds the pipeline for good: the evidence services import the
    parse stack when a page is judged, and warcio when a WARC is written, not at start."""
    probe = ("import sys, monitor.run; print(sorted(m for m in sys.modules if m.startswith("
             "('warcio', 'feedparser', 'bs4', 'trafilatura', 'monitor.parse'))))")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=env, check=True)  # fmt: skip
    assert found.stdout.strip() == "[]"


def test_a_run_with_nothing_new_does_no_matcher_work(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Any
) -> None:
    """The rules are compiled once per version of the rule files and kept; their compiled
    form is read at the first article that needs it: once the feeds are read and the day's
    learning is done, a run that brings nothing new does not even read it."""
    data = served_config(tmp_path, feed_server, None, None)
    compiled = tmp_path / "var" / "compiled"
    first = make_pipeline(data)
    assert first.run_once().poll.matches
    kept = sorted(compiled.glob("*.rules"))
    assert len(kept) == 1  # compiled once, and kept
    first.close()
    again = make_pipeline(data)  # a later `run --once` from cron, the same day
    assert not again.run_once().poll.matches
    assert not again.rules.active.matcher.is_ready
    again.close()
    assert sorted(compiled.glob("*.rules")) == kept
