"""Route options end to end through the Pipeline, with real servers: `email_mode = "bcc"`
(aiosmtpd), Apprise URLs (webhook sink), `language` (outbox files), and a webhook that
answers 410 being disabled until a person enables it again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.model import DeliveryStatus
from monitor.run.pipeline import Pipeline
from monitor.targets import EmailTarget
from tests.conftest import RULES
from tests.support.pipelines import failed, pipeline_factory, sent
from tests.support.sink import WebhookSink, run_sink
from tests.support.smtp import SmtpSink

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
DESK = ("desk@example.org", "casework@example.org", "lawyer@example.net")
STORIES = {
    "babaryka": "Babaryka moved to prison hospital\n\nViktar Babaryka was moved to the prison"
    " hospital in Navapolatsk, his lawyer said.\n",
    "vlasova": "Vlasova's appeal rejected\n\nThe court rejected the appeal of Lilia Vlasova,"
    " her family said on Tuesday.\n",
    "latushka": "Latushka speaks in Vilnius\n\nPaval Latushka spoke to journalists in Vilnius"
    " about the prisoners.\n",
}


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    return folder


def publish(folder: Path, story: str) -> None:
    """A new article appears in the feed folder: the next run digests it."""
    (folder / f"{story}.txt").write_text(STORIES[story], encoding="utf-8")


@pytest.fixture
def make_pipeline(tmp_path: Path, news: Path) -> Iterator[Any]:
    def make(route: dict[str, Any], **sections: Any) -> Pipeline:
        data = {
            "data_dir": str(tmp_path / "var"),
            "rules": [str(RULES)],
            "feeds": [{"name": "news", "url": str(news)}],
            "routes": [{"name": "morning", **route}],
            **sections,
        }
        return open_one(data)

    with pipeline_factory(lambda: NOW) as open_one:
        yield make


def _smtp(server: SmtpSink) -> dict[str, Any]:
    return {"host": server.host, "port": server.port, "security": "none",
            "from": "Monitor <monitor@example.org>", "password_env": None}  # fmt: skip


def test_bcc_route_sends_one_message_to_all_recipients_once(
    news: Path, smtp_server: SmtpSink, make_pipeline: Any
) -> None:
    pipeline = make_pipeline({"email": list(DESK), "email_mode": "bcc"}, smtp=_smtp(smtp_server))
    [target] = pipeline.settings.routes[0].targets
    assert isinstance(target, EmailTarget) and (target.recipients, target.bcc) == (DESK, True)
    publish(news, "babaryka")
    summary = pipeline.run_once()
    assert sent(summary) == [f"morning -> email: sent to 3 of 3 recipients (Bcc) via "
                             f"127.0.0.1:{smtp_server.port}"]  # fmt: skip
    [received] = smtp_server.messages
    assert received.rcpt_tos == DESK
    headers = received.raw.split(b"\r\n\r\n")[0].decode("ascii")
    assert not [address for address in DESK if address in headers]
    assert sent(pipeline.run_once()) == [] and len(smtp_server.messages) == 1


def test_each_mode_stays_one_message_per_recipient(
    news: Path, smtp_server: SmtpSink, make_pipeline: Any
) -> None:
    pipeline = make_pipeline({"email": list(DESK)}, smtp=_smtp(smtp_server))
    publish(news, "babaryka")
    pipeline.run_once()
    assert sorted(r.rcpt_tos for r in smtp_server.messages) == sorted((a,) for a in DESK)
    assert {r.message["To"] for r in smtp_server.messages} == set(DESK)


def test_a_webhook_answering_410_is_disabled_until_enabled_again(
    news: Path, webhook_sink: WebhookSink, make_pipeline: Any
) -> None:
    pipeline = make_pipeline({"webhooks": ["ngo"]}, webhooks={"ngo": {"url": webhook_sink.url}})
    webhook_sink.responses.append(410)
    publish(news, "babaryka")
    [failure] = failed(pipeline.run_once())
    assert failure == "webhook ngo: HTTP 410, endpoint gone (dead, not retried)"
    assert pipeline.store.deliveries.disabled_endpoints() == {
        ("webhook", "ngo"): "webhook ngo: HTTP 410, endpoint gone"
    }

    publish(news, "vlasova")  # the next digest is not even tried
    [failure] = failed(pipeline.run_once())
    assert "endpoint disabled after HTTP 410" in failure
    assert "monitor deliveries --enable webhook ngo" in failure
    assert len(webhook_sink.requests) == 1
    dead = pipeline.footer().dead_deliveries
    assert len(dead) == 2 and "endpoint disabled after HTTP 410" in dead[1]

    assert pipeline.store.deliveries.enable_endpoint("webhook", "ngo")
    publish(news, "latushka")
    assert sent(pipeline.run_once()) == ["morning -> webhook: HTTP 200 from webhook ngo"]
    assert len(webhook_sink.requests) == 2
    assert pipeline.store.deliveries.records([DeliveryStatus.PENDING]) == []


def test_a_410_disables_only_that_endpoint(
    news: Path, webhook_sink: WebhookSink, make_pipeline: Any
) -> None:
    with run_sink() as other:
        hooks = {"gone": {"url": webhook_sink.url}, "fine": {"url": other.url}}
        pipeline = make_pipeline({"webhooks": ["gone", "fine"]}, webhooks=hooks)
        webhook_sink.responses.append(410)
        publish(news, "babaryka")
        pipeline.run_once()
        publish(news, "vlasova")
        pipeline.run_once()
        assert (len(webhook_sink.requests), len(other.requests)) == (1, 2)


def test_apprise_route_pushes_each_digest_once(
    news: Path, webhook_sink: WebhookSink, make_pipeline: Any
) -> None:
    url = webhook_sink.url.replace("http://", "json://")
    pipeline = make_pipeline({"apprise": [url]})
    publish(news, "babaryka")
    assert sent(pipeline.run_once()) == ["morning -> apprise: sent via Apprise (json)"]
    assert b"Viktar Babaryka" in webhook_sink.requests[0].body
    assert sent(pipeline.run_once()) == [] and len(webhook_sink.requests) == 1


def test_apprise_failure_is_retried_later(
    news: Path, webhook_sink: WebhookSink, make_pipeline: Any
) -> None:
    webhook_sink.responses.append(500)
    pipeline = make_pipeline({"apprise": [webhook_sink.url.replace("http://", "json://")]})
    publish(news, "babaryka")
    [failure] = failed(pipeline.run_once())
    assert "retry at" in failure
    [owed] = pipeline.store.deliveries.records([DeliveryStatus.PENDING])
    assert owed.channel == "apprise"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "1 new mention · route morning"), ("ru", "1 новое упоминание · рассылка morning"),
     ("be", "1 новая згадка · рассылка morning")],
)  # fmt: skip
def test_route_language_reaches_the_written_digest(
    tmp_path: Path, news: Path, make_pipeline: Any, language: str, heading: str
) -> None:
    pipeline = make_pipeline({"outbox": True, "language": language})
    publish(news, "babaryka")
    pipeline.run_once()
    [html] = (tmp_path / "var" / "outbox").glob("*.html")
    text = html.read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in text and heading in text
