"""The deliver stage: send a rendered digest to one target.

In: a ``Delivery`` (the digest, rendered once, with its identity) and a typed ``Target``.
Out: a short description of what was done, or a ``DeliveryError`` (``permanent`` when
retrying cannot help). The registry is ``channels.CHANNELS``; the relay owns claims and
retries. Channels never see the config: what they need is in the target.
"""

from __future__ import annotations

from monitor.deliver.channels import send
from monitor.deliver.push import check_urls, placeholders
from monitor.deliver.webhook import decode_secret

__all__ = [
    "check_urls",
    "decode_secret",
    "placeholders",
    "send",
]
