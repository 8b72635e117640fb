"""Deliver a digest: a ``Delivery`` and the ``Config`` in, a short description of what was
done out, or a ``DeliveryError`` (``permanent`` when retrying cannot help).

``CHANNELS`` is the registry; the orchestrator calls ``send`` and owns retries.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.config import Config
from monitor.deliver.mail import send_email, send_email_bcc
from monitor.deliver.outbox import send_outbox
from monitor.deliver.push import send_push
from monitor.deliver.webhook import EndpointGoneError, send_webhook
from monitor.errors import DeliveryError
from monitor.model import Delivery

Channel = Callable[[Delivery, Config], str]

CHANNELS: dict[str, Channel] = {
    "outbox": send_outbox,
    "email": send_email,  # target: one address
    "email-bcc": send_email_bcc,  # target: "a@x, b@y", all in one message, hidden
    "webhook": send_webhook,  # target: a [webhooks.NAME] name
    "apprise": send_push,  # target: an Apprise URL, `${NAME}` parts unexpanded
}

__all__ = ["CHANNELS", "Channel", "EndpointGoneError", "send"]


def send(delivery: Delivery, config: Config) -> str:
    """Send over ``delivery.channel``; an unknown channel is a permanent failure."""
    channel = CHANNELS.get(delivery.channel)
    if channel is None:
        known = ", ".join(sorted(CHANNELS))
        raise DeliveryError(
            f"unknown channel {delivery.channel!r} (known: {known})", permanent=True
        )
    return channel(delivery, config)
