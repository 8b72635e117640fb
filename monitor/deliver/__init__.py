"""Deliver a digest: a ``Delivery`` and the ``Config`` in, a short description of what was
done out, or a ``DeliveryError`` (``permanent`` when retrying cannot help).

``CHANNELS`` is the registry; the orchestrator calls ``send`` and owns retries.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.config import Config
from monitor.deliver.mail import send_email
from monitor.deliver.outbox import send_outbox
from monitor.deliver.webhook import send_webhook
from monitor.errors import DeliveryError
from monitor.model import Delivery

Channel = Callable[[Delivery, Config], str]

CHANNELS: dict[str, Channel] = {
    "outbox": send_outbox,
    "email": send_email,
    "webhook": send_webhook,
}

__all__ = ["CHANNELS", "Channel", "send"]


def send(delivery: Delivery, config: Config) -> str:
    """Send over ``delivery.channel``; an unknown channel is a permanent failure."""
    channel = CHANNELS.get(delivery.channel)
    if channel is None:
        known = ", ".join(sorted(CHANNELS))
        raise DeliveryError(
            f"unknown channel {delivery.channel!r} (known: {known})", permanent=True
        )
    return channel(delivery, config)
