"""What the daemon's receivers got: a mailbox (aiosmtpd on a port of its own, which can be
down), the webhook sink and the outbox folder in; a Tally per channel out, each delivery
with its id (Message-ID or webhook-id) and its text, to count duplicates and find titles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.sink import WebhookSink
from tests.support.smtp import free_port


@dataclass(frozen=True)
class Received:
    """One delivery as its receiver saw it."""

    id: str  # the Message-ID or webhook-id: the same on every send of one delivery
    text: str  # the plain text (or JSON body), where the stories' titles are


@dataclass(frozen=True)
class Tally:
    """What one channel received, in order of arrival."""

    channel: str
    received: tuple[Received, ...]

    @property
    def deliveries(self) -> int:
        """Distinct deliveries: a duplicate counts once."""
        return len({r.id for r in self.received})

    @property
    def duplicates(self) -> int:
        """Arrivals beyond the first of each id (a receiver can drop them by id)."""
        return len(self.received) - self.deliveries

    def carriers(self, titles: Iterable[str]) -> dict[str, set[str]]:
        """Each title -> the ids of the deliveries that carry it."""
        return {title: {r.id for r in self.received if title in r.text} for title in titles}

    def missing(self, titles: Iterable[str]) -> list[str]:
        """Titles no delivery carries: lost alerts."""
        return [title for title, ids in self.carriers(titles).items() if not ids]

    def altered(self) -> list[str]:
        """Ids that arrived twice with different texts: a resend must be the same message."""
        texts: dict[str, set[str]] = {}
        for r in self.received:
            texts.setdefault(r.id, set()).add(r.text)
        return [id_ for id_, seen in texts.items() if len(seen) > 1]

    def split(self, titles: Iterable[str]) -> list[str]:
        """Titles carried by two deliveries: an alert sent twice under two ids, a duplicate
        no receiver could drop."""
        return [title for title, ids in self.carriers(titles).items() if len(ids) > 1]


class Mailbox:
    """An SMTP server on 127.0.0.1 and a port fixed at creation. Down until start(); stop()
    takes it down again (connections are refused), as an outage does."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self.messages: list[bytes] = []
        self._controller: Controller | None = None

    def start(self) -> Mailbox:
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK: queued"


def mail_tally(mailbox: Mailbox) -> Tally:
    return Tally("email", tuple(_email(raw) for raw in list(mailbox.messages)))


def webhook_tally(sink: WebhookSink, refused: int = 0) -> Tally:
    """`refused`: how many first requests the sink answered with an error (not deliveries)."""
    requests = list(sink.requests)[refused:]
    return Tally(
        "webhook",
        tuple(Received(r.headers["webhook-id"], r.body.decode("utf-8")) for r in requests),
    )


def outbox_tally(folder: Path) -> Tally:
    """The .eml files (a resend overwrites its own file, so no duplicate shows here)."""
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return Tally("outbox", tuple(_email(path.read_bytes()) for path in files))


@lru_cache(maxsize=8192)
def _email(raw: bytes) -> Received:
    message = BytesParser(_class=EmailMessage, policy=policy.default).parsebytes(raw)
    body = message.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    return Received(str(message["Message-ID"]), text)
