"""Webhook channel: a ``Delivery`` in, one signed HTTP POST to a configured URL out.

Signed per the Standard Webhooks spec (webhook-id / webhook-timestamp / webhook-signature)
when the webhook has a secret. Redirects are not followed: a 3xx means the URL in the
config is stale. 2xx succeeds; 408, 429, 5xx and network errors are worth a retry.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import time
from zoneinfo import ZoneInfo

import httpx

from monitor.config import Config, WebhookConfig
from monitor.deliver.message import created_utc
from monitor.deliver.payload import build_payload
from monitor.errors import DeliveryError
from monitor.model import Delivery

log = logging.getLogger(__name__)
SECRET_PREFIX = "whsec_"
_RETRYABLE = {408, 425, 429}


class EndpointGoneError(DeliveryError):
    """The endpoint answered HTTP 410: nothing more should go there until a person says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


def send_webhook(delivery: Delivery, config: Config) -> str:
    """POST the digest to the webhook named by ``delivery.target``; return 'HTTP 200 from x'."""
    hook = config.webhooks.get(delivery.target)
    if hook is None:
        raise DeliveryError(f"webhook {delivery.target!r}: not in the config", permanent=True)
    body = build_payload(delivery, hook.format, _route_zone(config, delivery.route))
    headers = {"content-type": "application/json", "user-agent": config.user_agent}
    headers |= signature_headers(hook, webhook_id(delivery), int(time.time()), body)
    status = _post(hook, delivery.target, body, headers)
    log.info("digest posted", extra={"channel": "webhook", "webhook": delivery.target})
    return f"HTTP {status} from webhook {delivery.target}"


def webhook_id(delivery: Delivery) -> str:
    """The same for every retry of a delivery, so receivers can drop duplicates.

    The digest's creation time keeps ids unique after a database reset restarts numbering.
    """
    return f"msg_{created_utc(delivery):%Y%m%dT%H%M%SZ}_{delivery.id}"


def signature_headers(
    hook: WebhookConfig, msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    secret = hook.secret()
    if secret is not None:
        key = decode_secret(secret.get_secret_value(), hook.secret_env or "")
        headers["webhook-signature"] = sign(key, msg_id, timestamp, body)
    return headers


def decode_secret(secret: str, env_name: str) -> bytes:
    """'whsec_<base64>' (the prefix is optional) -> the raw HMAC key."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DeliveryError(f"${env_name}: not a whsec_<base64> secret", permanent=True) from exc
    if not key:
        raise DeliveryError(f"${env_name}: the webhook secret is empty", permanent=True)
    return key


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """'v1,' + base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _post(hook: WebhookConfig, name: str, body: bytes, headers: dict[str, str]) -> int:
    where = f"webhook {name}"
    timeout = hook.timeout.total_seconds()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(hook.url, content=body, headers=headers)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise DeliveryError(f"{where}: bad URL: {exc}", permanent=True) from exc
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"{where}: no answer within {timeout:g}s", permanent=False) from exc
    except httpx.TransportError as exc:
        raise DeliveryError(f"{where}: {exc or type(exc).__name__}", permanent=False) from exc
    check_status(where, response)
    return response.status_code


def check_status(where: str, response: httpx.Response) -> None:
    """Raise the right DeliveryError for a non-2xx answer."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 410:
        raise EndpointGoneError(f"{where}: HTTP 410, endpoint gone")
    if 300 <= status < 400:
        moved = response.headers.get("location", "?")
        raise DeliveryError(
            f"{where}: HTTP {status} redirect to {moved}; update the URL", permanent=True
        )
    temporary = status in _RETRYABLE or status >= 500
    raise DeliveryError(f"{where}: HTTP {status} {response.reason_phrase}", permanent=not temporary)


def _route_zone(config: Config, route: str) -> ZoneInfo:
    zones = [r.timezone for r in config.routes if r.name == route]
    return ZoneInfo(zones[0] if zones else "UTC")
