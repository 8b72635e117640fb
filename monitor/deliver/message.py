"""Build the RFC 5322 message of a digest: a ``Delivery`` in, an ``EmailMessage`` out.

Pure, shared by the outbox and email channels so a saved ``.eml`` is exactly what a mail
recipient would get. Header values are stripped of line breaks, so no article text can add
a header.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from monitor.model import Delivery
from monitor.oneline import one_line

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def build_message(delivery: Delivery, *, sender: str, to: str | None = None) -> EmailMessage:
    """multipart/alternative: the plain-text part first, then HTML (clients show the last)."""
    digest = delivery.digest
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = one_line(digest.subject)
    msg["From"] = one_line(sender)
    if to:
        msg["To"] = one_line(to)
    msg["Date"] = format_datetime(created_utc(delivery))
    msg["Message-ID"] = message_id(delivery, domain_of(sender))
    msg["List-Id"] = f'"monitor: {route_slug(delivery.route)}" <{list_id(delivery.route)}>'
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: autoresponders must not answer
    msg.set_content(digest.text, charset="utf-8")
    msg.add_alternative(digest.html, subtype="html", charset="utf-8")
    return msg


def message_id(delivery: Delivery, domain: str = "monitor.local") -> str:
    """Same delivery, same id: a retried send is recognised as a duplicate by clients.

    The digest's creation time is part of it, so ids stay unique after a database reset
    restarts delivery numbering (some providers silently drop a reused Message-ID).
    """
    stamp = created_utc(delivery).strftime("%Y%m%d%H%M%S")
    return f"<{stamp}.{delivery.id}.{route_slug(delivery.route)}@{domain}>"


def list_id(route: str) -> str:
    """RFC 2919 List-Id, so people can filter each route into its own folder."""
    return f"{route_slug(route)}.monitor.local"


def route_slug(route: str) -> str:
    """ASCII for headers; a route named only in another script gets a stable hash."""
    slug = _NOT_SLUG.sub("-", route.lower()).strip("-")
    return slug or "route-" + hashlib.sha256(route.encode("utf-8")).hexdigest()[:8]


def domain_of(sender: str) -> str:
    address = parseaddr(one_line(sender))[1]
    domain = address.rpartition("@")[2]
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain) else "monitor.local"


def created_utc(delivery: Delivery) -> datetime:
    """When the digest was made, in UTC (a naive time is taken as UTC)."""
    created = delivery.digest.created
    return (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(UTC)
