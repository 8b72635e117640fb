"""The registry of channels: a target's `channel` name in, the function that sends it out.

In: a Delivery and its typed Target. Out: what was done (a short text) or a DeliveryError.
Each channel is written for one kind of target; the registry checks the kind before the
call, so a channel never receives a target it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from monitor.deliver.mail import send_email
from monitor.deliver.outbox import send_outbox
from monitor.deliver.push import send_push
from monitor.deliver.webhook import send_webhook
from monitor.errors import DeliveryError
from monitor.model import Delivery
from monitor.targets import AppriseTarget, EmailTarget, OutboxTarget, Target, WebhookTarget

Channel = Callable[[Delivery, Target], str]
T = TypeVar("T", OutboxTarget, EmailTarget, WebhookTarget, AppriseTarget)


def _taking(kind: type[T], channel: Callable[[Delivery, T], str]) -> Channel:
    """`channel`, refusing (permanently) any target that is not a `kind`."""

    def send(delivery: Delivery, target: Target) -> str:
        if not isinstance(target, kind):
            raise DeliveryError(
                f"the {kind.channel} channel cannot send to a {type(target).__name__}",
                permanent=True,
            )
        return channel(delivery, target)

    return send


CHANNELS: dict[str, Channel] = {
    OutboxTarget.channel: _taking(OutboxTarget, send_outbox),
    EmailTarget.channel: _taking(EmailTarget, send_email),
    WebhookTarget.channel: _taking(WebhookTarget, send_webhook),
    AppriseTarget.channel: _taking(AppriseTarget, send_push),
}


def send(delivery: Delivery, target: Target) -> str:
    """Send over the target's channel; an unknown channel is a permanent failure."""
    channel = CHANNELS.get(target.channel)
    if channel is None:
        known = ", ".join(sorted(CHANNELS))
        raise DeliveryError(f"unknown channel {target.channel!r} (known: {known})", permanent=True)
    return channel(delivery, target)
