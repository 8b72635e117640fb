"""Apprise channel: a real Apprise send (its ``json://`` service) to the loopback webhook
sink; failures classified; ``${NAME}`` secrets filled from the environment and never logged;
config errors when Apprise is missing or a URL scheme is unknown."""

from __future__ import annotations

import base64
import json
import logging
import sys

import pytest

from monitor.deliver.channels import send
from monitor.errors import ConfigError, DeliveryError
from monitor.targets import AppriseTarget
from tests.support.digests import sample_delivery, sample_digest
from tests.support.settings import settings_from
from tests.support.sink import WebhookSink
from tests.support.smtp import free_port

TOKEN = "tok3n-Zq81xWv"  # what a real bot token looks like to a URL parser: no / : @ +


def _json_url(sink_url: str, credentials: str = "") -> str:
    """The sink's http:// URL as Apprise's JSON service URL (json:// posts over http)."""
    return sink_url.replace("http://", f"json://{credentials}")


def _push(url: str) -> str:
    target = AppriseTarget(url)
    return send(sample_delivery(target), target)


def test_the_digest_subject_and_text_arrive_as_apprise_json(webhook_sink: WebhookSink) -> None:
    assert _push(_json_url(webhook_sink.url)) == "sent via Apprise (json)"
    [request] = webhook_sink.requests
    assert (request.method, request.path) == ("POST", "/hook")
    body = json.loads(request.body)
    assert body["title"] == sample_digest().subject
    assert body["message"] == sample_digest().text.rstrip()  # Apprise trims the end


def test_a_500_answer_is_a_temporary_failure(webhook_sink: WebhookSink) -> None:
    webhook_sink.responses.append(500)
    with pytest.raises(DeliveryError, match=r"^apprise json://: .*500") as caught:
        _push(_json_url(webhook_sink.url))
    assert not caught.value.permanent


def test_nobody_listening_is_a_temporary_failure() -> None:
    with pytest.raises(DeliveryError, match=r"^apprise json://: ") as caught:
        _push(f"json://127.0.0.1:{free_port()}/hook")
    assert not caught.value.permanent


def test_placeholders_are_filled_from_the_environment_and_never_logged(
    webhook_sink: WebhookSink, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TEST_APPRISE_TOKEN", TOKEN)
    # Apprise masks passwords itself but logs paths in full: the token is in both here.
    url = _json_url(webhook_sink.url, "monitor:${TEST_APPRISE_TOKEN}@") + "/${TEST_APPRISE_TOKEN}"
    webhook_sink.responses.extend([200, 500])
    with caplog.at_level(logging.DEBUG):
        _push(url)
        with pytest.raises(DeliveryError) as caught:
            _push(url)
    basic = base64.b64encode(f"monitor:{TOKEN}".encode()).decode()
    assert webhook_sink.requests[0].headers["authorization"] == f"Basic {basic}"
    assert webhook_sink.requests[0].path == f"/hook/{TOKEN}"
    assert caplog.records, "Apprise logged nothing: the redaction was not exercised"
    assert TOKEN not in caplog.text and TOKEN not in str(caught.value)


def test_a_missing_placeholder_variable_is_named_and_retried_once_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_APPRISE_TOKEN", raising=False)
    with pytest.raises(DeliveryError) as caught:
        _push("tgram://${TEST_APPRISE_TOKEN}/12345")
    assert str(caught.value) == (
        "apprise: $TEST_APPRISE_TOKEN not set in the environment (retried once set)"
    )
    assert not caught.value.permanent


def test_a_missing_placeholder_variable_is_a_config_error_at_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_APPRISE_TOKEN", raising=False)
    with pytest.raises(ConfigError) as caught:
        settings_from(_route_config(["tgram://${TEST_APPRISE_TOKEN}/1"]), secrets=True)
    assert str(caught.value) == (
        "monitor.toml: routes[0].apprise (${TEST_APPRISE_TOKEN}): "
        "$TEST_APPRISE_TOKEN is not set (nor $TEST_APPRISE_TOKEN_FILE)"
    )


def _route_config(urls: list[str]) -> dict[str, object]:
    return {"routes": [{"name": "phones", "apprise": urls}]}


def test_a_route_with_apprise_urls_loads() -> None:
    settings = settings_from(_route_config(["tgram://${TG_TOKEN}/${TG_CHAT}", "json://h/x"]))
    assert settings.routes[0].targets == (
        AppriseTarget("tgram://${TG_TOKEN}/${TG_CHAT}"),
        AppriseTarget("json://h/x"),
    )


def test_an_unknown_scheme_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from(_route_config(["telegram://x/y"]))
    assert str(caught.value) == (
        "monitor.toml: routes[0].apprise: Apprise does not know the scheme 'telegram://'"
    )


def test_without_apprise_installed_a_route_using_it_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # what `import apprise` sees when absent
    with pytest.raises(ConfigError) as caught:
        settings_from(_route_config(["json://h/x"]))
    assert str(caught.value) == (
        "monitor.toml: routes[0].apprise: Apprise is not installed: pip install 'monitor[apprise]'"
    )
    assert settings_from({"routes": [{"name": "plain", "outbox": True}]}).routes
