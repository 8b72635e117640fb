"""Webhook channel: a ``Delivery`` and a ``WebhookTarget`` in, one signed HTTP POST out.

The body is the digest's, rendered once in the target's format. Signed per the Standard
Webhooks spec (webhook-id / webhook-timestamp / webhook-signature) when the webhook has a
secret; a configured signature is never skipped: without its secret the request is not
sent, and stays owed. Redirects are not followed: a 3xx means the URL in the config is
stale. 2xx succeeds; 408, 429, 5xx and network errors are worth a retry.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

import httpx

from monitor.credentials import read_secret
from monitor.deliver.message import created_utc
from monitor.errors import ConfigError, DeliveryError, EndpointGoneError
from monitor.model import Delivery
from monitor.targets import WebhookTarget

SECRET_PREFIX = "whsec_"
_RETRYABLE = {408, 425, 429}


def send_webhook(delivery: Delivery, target: WebhookTarget) -> str:
    """POST the digest to the target's URL; return e.g. 'HTTP 200 from webhook ops'."""
    body = delivery.digest.bodies.get(target.format)
    if body is None:
        raise DeliveryError(
            f"webhook {target.name}: this digest has no {target.format} body (the webhook's "
            "format changed after it was made); not sent",
            permanent=True,
        )
    headers = {"content-type": "application/json", "user-agent": target.user_agent}
    headers |= signature_headers(target, webhook_id(delivery), int(time.time()), body)
    status = _post(target, body, headers)
    return f"HTTP {status} from webhook {target.name}"


def webhook_id(delivery: Delivery) -> str:
    """The same for every retry of a delivery, so receivers can drop duplicates.

    The digest's creation time keeps ids unique after a database reset restarts numbering.
    """
    return f"msg_{created_utc(delivery):%Y%m%dT%H%M%SZ}_{delivery.id}"


def signature_headers(
    target: WebhookTarget, msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if target.secret_env is None:
        return headers
    try:
        secret = read_secret(target.secret_env)
    except ConfigError as exc:
        raise DeliveryError(f"webhook {target.name}: {exc}; not sent unsigned") from None
    if secret is None:
        raise DeliveryError(
            f"webhook {target.name}: ${target.secret_env} is not set; not sent unsigned "
            "(retried once it is set)"
        )
    try:
        key = decode_secret(secret.get_secret_value(), target.secret_env)
    except ValueError as exc:
        raise DeliveryError(f"webhook {target.name}: {exc}; not sent unsigned") from None
    headers["webhook-signature"] = sign(key, msg_id, timestamp, body)
    return headers


def decode_secret(secret: str, env_name: str) -> bytes:
    """'whsec_<base64>' (the prefix is optional) -> the raw HMAC key; ValueError naming
    the variable when it holds something else."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"${env_name}: not a whsec_<base64> secret") from None
    if not key:
        raise ValueError(f"${env_name}: the webhook secret is empty")
    return key


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """'v1,' + base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> int:
    where = f"webhook {target.name}"
    timeout = target.timeout
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(target.url, content=body, headers=headers)
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
