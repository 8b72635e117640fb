"""The registry of channels: a target's `channel` name in, the function that sends it out.

In: a Delivery and its typed Target. Out: what was done (a short text) or a DeliveryError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.deliver.mail import send_email
from monitor.deliver.outbox import send_outbox
from monitor.deliver.push import send_push
from monitor.deliver.webhook import send_webhook
from monitor.errors import DeliveryError
from monitor.model import Delivery
from monitor.targets import Target

# Each channel takes the target type of its name (see monitor.targets).
CHANNELS: dict[str, Callable[[Delivery, Any], str]] = {
    "outbox": send_outbox,
    "email": send_email,
    "webhook": send_webhook,
    "apprise": send_push,
}


def send(delivery: Delivery, target: Target) -> str:
    """Send over the target's channel; an unknown channel is a permanent failure."""
    channel = CHANNELS.get(target.channel)
    if channel is None:
        known = ", ".join(sorted(CHANNELS))
        raise DeliveryError(f"unknown channel {target.channel!r} (known: {known})", permanent=True)
    return channel(delivery, target)
