"""Webhook channel against a real HTTP sink on 127.0.0.1: payload shapes, Standard Webhooks
signatures (checked with the reference package), and how each answer is classified."""

from __future__ import annotations

import base64
import json
import re
import tomllib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from monitor.config.schema import config_from_dict
from monitor.deliver.channels import send
from monitor.deliver.webhook import sign
from monitor.errors import DeliveryError
from monitor.render import render_digest
from monitor.targets import WebhookTarget
from tests.support.digests import NOW, sample_alerts, sample_delivery, sample_look
from tests.support.sink import WebhookSink
from tests.support.smtp import free_port

SECRET = "whsec_" + base64.b64encode(b"monitor-test-signing-key-32bytes").decode()


def _target(
    url: str,
    fmt: str = "standard",
    timeout: float = 5,
    secret_env: str | None = "TEST_WEBHOOK_SECRET",
) -> WebhookTarget:
    return WebhookTarget("ops", url, fmt, timeout, "monitor-test", secret_env)  # type: ignore[arg-type]


def _send(url: str, fmt: str = "standard", delivery_id: int = 42, timeout: float = 5,
          secret_env: str | None = None) -> str:  # fmt: skip
    target = _target(url, fmt, timeout, secret_env)
    return send(sample_delivery(target, delivery_id), target)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    return SECRET


def _signed(url: str, delivery_id: int = 42) -> str:
    return _send(url, delivery_id=delivery_id, secret_env="TEST_WEBHOOK_SECRET")


def _json(sink: WebhookSink, index: int = -1) -> Any:
    return json.loads(sink.requests[index].body)


def test_standard_payload_verifies_with_the_reference_library(
    webhook_sink: WebhookSink, secret: str
) -> None:
    assert _signed(webhook_sink.url) == "HTTP 200 from webhook ops"
    [request] = webhook_sink.requests
    assert (request.method, request.headers["content-type"]) == ("POST", "application/json")
    payload = Webhook(secret).verify(request.body, request.headers)
    assert (payload["version"], payload["type"], payload["route"]) == (1, "digest", "belarus")
    assert payload["created"] == "2026-11-26T06:00:00+00:00"
    assert request.headers["webhook-id"] == "msg_20261126T060000Z_42"


def test_standard_payload_carries_structured_alerts(webhook_sink: WebhookSink, secret: str) -> None:
    _send(webhook_sink.url)
    alerts = _json(webhook_sink)["alerts"]
    assert [alert["rule"]["id"] for alert in alerts] == [
        "babaryka", "babaryka", "tsikhanouski", "minsk-protest", "kalesnikava",
    ]  # fmt: skip
    first = alerts[0]
    assert first["rule"] == {"id": "babaryka", "kind": "person", "name": "Viktar Babaryka"}
    assert first["article"]["url"] == "https://www.rferl.example/a/babaryka-hospital/1.html"
    assert first["article"]["published"] == "2026-11-25T18:40:00+00:00"
    assert first["evidence"] == [
        {"text": "Babaryka", "start": 0, "end": 8, "variant": "surname Babaryka (en)",
         "reason": "context term 'prison' present", "snippet": first["evidence"][0]["snippet"]}
    ]  # fmt: skip
    assert "Babaryka was moved to the prison hospital" in first["evidence"][0]["snippet"]
    assert alerts[4]["article"]["title"].endswith("\r\nBcc: attacker@example.org")  # raw data


def test_tampered_body_fails_verification(webhook_sink: WebhookSink, secret: str) -> None:
    _signed(webhook_sink.url)
    request = webhook_sink.requests[0]
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(secret).verify(request.body.replace(b"Babaryka", b"Babaryk0"), request.headers)


def test_sign_matches_the_reference_library() -> None:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    reference = Webhook(SECRET).sign(
        "msg_1", datetime.fromtimestamp(1_700_000_000, UTC), '{"a":"б"}'
    )
    assert sign(key, "msg_1", 1_700_000_000, '{"a":"б"}'.encode()) == reference


def test_retry_after_500_keeps_the_webhook_id(webhook_sink: WebhookSink, secret: str) -> None:
    webhook_sink.responses.append(500)
    with pytest.raises(DeliveryError, match=r"^webhook ops: HTTP 500 Internal Server Error$") as e:
        _signed(webhook_sink.url)
    assert not e.value.permanent
    _signed(webhook_sink.url)
    _signed(webhook_sink.url, 43)
    ids = [request.headers["webhook-id"] for request in webhook_sink.requests]
    assert ids == ["msg_20261126T060000Z_42"] * 2 + ["msg_20261126T060000Z_43"]


@pytest.mark.parametrize(
    ("status", "permanent", "message"),
    [
        (408, False, "HTTP 408 Request Timeout"),
        (429, False, "HTTP 429 Too Many Requests"),
        (503, False, "HTTP 503 Service Unavailable"),
        (400, True, "HTTP 400 Bad Request"),
        (404, True, "HTTP 404 Not Found"),
        (410, True, "HTTP 410, endpoint gone"),
    ],
)
def test_status_classification(
    webhook_sink: WebhookSink, status: int, permanent: bool, message: str
) -> None:
    webhook_sink.responses.append(status)
    with pytest.raises(DeliveryError, match=f"^webhook ops: {message}$") as caught:
        _send(webhook_sink.url)
    assert caught.value.permanent is permanent


def test_redirect_is_not_followed(webhook_sink: WebhookSink) -> None:
    webhook_sink.responses.append((301, {"location": webhook_sink.url + "/new"}))
    with pytest.raises(DeliveryError, match=r"HTTP 301 redirect to .*/hook/new; update") as caught:
        _send(webhook_sink.url)
    assert caught.value.permanent
    assert len(webhook_sink.requests) == 1


def test_no_answer_within_the_timeout_is_temporary(silent_url: str) -> None:
    with pytest.raises(DeliveryError, match=r"^webhook ops: no answer within 0.2s$") as caught:
        _send(silent_url, timeout=0.2)
    assert not caught.value.permanent


def test_nobody_listening_is_temporary() -> None:
    with pytest.raises(DeliveryError, match=r"^webhook ops: ") as caught:
        _send(f"http://127.0.0.1:{free_port()}/hook")
    assert not caught.value.permanent


def test_a_webhook_without_secret_env_is_sent_unsigned(webhook_sink: WebhookSink) -> None:
    _send(webhook_sink.url)
    headers = webhook_sink.requests[0].headers
    assert "webhook-signature" not in headers and headers["webhook-id"] == "msg_20261126T060000Z_42"


def test_a_configured_signature_is_never_skipped(
    webhook_sink: WebhookSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_WEBHOOK_SECRET", raising=False)
    with pytest.raises(DeliveryError, match=r"TEST_WEBHOOK_SECRET is not set; not sent unsigned"
                       ) as caught:  # fmt: skip
        _signed(webhook_sink.url)
    assert not caught.value.permanent and webhook_sink.requests == []


def test_malformed_secret_stays_owed_and_nothing_is_sent(
    webhook_sink: WebhookSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", "whsec_not base64!")
    with pytest.raises(DeliveryError, match=r"TEST_WEBHOOK_SECRET: not a whsec_") as caught:
        _signed(webhook_sink.url)
    assert not caught.value.permanent and webhook_sink.requests == []


def test_slack_payload_is_escaped_mrkdwn(webhook_sink: WebhookSink) -> None:
    _send(webhook_sink.url, "slack")
    text = _json(webhook_sink)["text"]
    assert text.startswith("*monitor: 4 new mentions — Maria Kalesnikava")
    link = (
        "<https://www.rferl.example/a/babaryka-hospital/1.html|Babaryka moved to prison hospital>"
    )
    assert f"• {link} — RFE/RL, Nasha Niva, 2026-11-25 21:40 +03" in text
    assert "&lt;script&gt;" in text and "<script>" not in text and "javascript:" not in text


def test_discord_payload_cannot_ping_and_has_one_embed_per_rule(webhook_sink: WebhookSink) -> None:
    _send(webhook_sink.url, "discord")
    body = _json(webhook_sink)
    assert body["allowed_mentions"] == {"parse": []}
    assert body["content"].startswith("monitor: 4 new mentions")
    titles = [embed["title"] for embed in body["embeds"]]
    assert titles == [
        "Maria Kalesnikava",
        "Protest in Minsk",
        "Syarhey Tsikhanouski",
        "Viktar Babaryka",
    ]
    assert "\\<script\\>" in body["embeds"][1]["description"]


def test_documented_payload_has_the_keys_we_send(webhook_sink: WebhookSink) -> None:
    [block] = re.findall(r"```json\n(.*?)```", _docs(), flags=re.S)
    example = json.loads(block)
    _send(webhook_sink.url)
    sent = _json(webhook_sink)
    assert _shape(example) == _shape(sent)


def _shape(value: Any) -> Any:
    """Keys and nesting, not values: a list of objects is represented by its first one."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value and isinstance(value[0], dict) else []
    return None


def test_documented_config_snippet_loads() -> None:
    [snippet] = re.findall(r"```toml\n(.*?)```", _docs(), flags=re.S)
    config = config_from_dict(tomllib.loads(snippet), "docs/webhooks.md")
    assert config.webhooks["newsroom"].secret_env == "NEWSROOM_WEBHOOK_SECRET"
    assert config.routes[0].webhooks == ("newsroom",)


def _docs() -> str:
    return (Path(__file__).parent.parent / "docs" / "webhooks.md").read_text(encoding="utf-8")


def test_chat_payloads_stay_within_service_limits() -> None:
    alerts = [
        replace(alert, match=replace(alert.match, rule_id=f"r{i}", name=f"Prisoner {i:02}"),
                article=replace(alert.article, title=f"Story {i} " + "x" * 200))
        for i, alert in enumerate(sample_alerts() * 60)
    ]  # fmt: skip
    digest = render_digest("belarus", alerts, NOW, look=sample_look(), key="dg_1")
    slack = json.loads(digest.bodies["slack"])["text"]
    assert len(slack) <= 3500 and re.search(r"\n… and \d+ more$", slack)
    discord = json.loads(digest.bodies["discord"])
    embeds = discord["embeds"]
    assert 1 <= len(embeds) <= 10
    assert sum(len(e["title"]) + len(e["description"]) for e in embeds) <= 6000
    assert all(len(e["description"]) <= 4096 for e in embeds)
