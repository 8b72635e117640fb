"""Where a digest goes: typed targets, resolved from the config when it loads.

In: nothing (values). Out: one frozen dataclass per kind of target. A channel of
`monitor.deliver` receives a Delivery and one of these, never the config. Each target has
the `channel` that sends it and a `key`, its name within its route, which the store keeps
beside each owed delivery so the relay finds the target again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

DEFAULT_SENDER = "monitor <monitor@localhost>"


@dataclass(frozen=True)
class OutboxTarget:
    """.eml and .html files in a folder."""

    folder: Path
    sender: str = DEFAULT_SENDER  # the From of the saved .eml
    channel: ClassVar[str] = "outbox"

    @property
    def key(self) -> str:
        return str(self.folder)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: Literal["starttls", "tls", "none"]
    sender: str
    timeout: float  # seconds
    username: str | None = None
    password_env: str | None = None  # read at send time, so a rotated password is used


@dataclass(frozen=True)
class EmailTarget:
    """One message per recipient, or (bcc) one message with every recipient hidden."""

    server: SmtpServer
    recipients: tuple[str, ...]
    bcc: bool = False
    channel: ClassVar[str] = "email"

    @property
    def key(self) -> str:
        return ", ".join(self.recipients)


@dataclass(frozen=True)
class WebhookTarget:
    name: str
    url: str
    format: Literal["standard", "slack", "discord"]
    timeout: float  # seconds
    user_agent: str
    secret_env: str | None = None  # when set, every request is signed, never sent unsigned
    channel: ClassVar[str] = "webhook"

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class AppriseTarget:
    url: str  # `${NAME}` parts are filled from the environment at send time
    channel: ClassVar[str] = "apprise"

    @property
    def key(self) -> str:
        return self.url


Target = OutboxTarget | EmailTarget | WebhookTarget | AppriseTarget
