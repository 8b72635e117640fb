"""SMTP servers on 127.0.0.1 for tests: fixtures in, running aiosmtpd servers out.

``smtp_server`` is plain SMTP; ``smtp_starttls_server`` requires STARTTLS and AUTH;
``smtp_tls_server`` speaks implicit TLS. Each yields an ``SmtpSink`` whose ``messages``
lists what was received. TLS servers use a self-signed certificate made by the ``openssl``
command; point ``SSL_CERT_FILE`` at ``server.cafile`` to make a client trust it.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "monitor"
PASSWORD = "s3cret-pa55word"


@dataclass(frozen=True)
class TlsFiles:
    cert: Path  # also the CA file a client must trust: the certificate is self-signed
    key: Path


@dataclass(frozen=True)
class Received:
    message: EmailMessage
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    tls: bool  # whether the session was encrypted when the message arrived
    login: str | None  # the user who authenticated, if any


@dataclass
class SmtpSink:
    host: str
    port: int
    cafile: Path | None = None
    username: str | None = None
    password: str | None = None
    messages: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)  # address -> e.g. "550 no"
    data_replies: deque[str] = field(default_factory=deque)  # next DATA answers, e.g. "451"


class _Handler:
    def __init__(self, box: SmtpSink) -> None:
        self.box = box

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if reply := self.box.rcpt_replies.get(address):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.box.data_replies:
            return self.box.data_replies.popleft()
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        login = session.auth_data if session.authenticated else None
        tls = server.transport.get_extra_info("ssl_object") is not None
        received = Received(message, envelope.mail_from, tuple(envelope.rcpt_tos), raw, tls, login)
        self.box.messages.append(received)
        return "250 OK: queued"


def make_tls_files(folder: Path) -> TlsFiles:
    """A self-signed certificate for localhost and 127.0.0.1 (the openssl command)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return TlsFiles(cert, key)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def run_smtp(
    tls: TlsFiles | None = None, *, implicit_tls: bool = False, auth: bool = False
) -> Iterator[SmtpSink]:
    """Run a server; with ``tls`` it offers STARTTLS (required) or, if implicit, TLS only."""
    box = SmtpSink("127.0.0.1", free_port(), cafile=tls.cert if tls else None)
    kwargs: dict[str, Any] = {"hostname": box.host, "port": box.port}
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.cert, tls.key)
        kwargs |= {"ssl_context": context} if implicit_tls else _starttls(context)
    if auth:
        box.username, box.password = USERNAME, PASSWORD
        kwargs |= {"authenticator": _authenticator(box), "auth_required": True}
    controller = Controller(_Handler(box), **kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def _starttls(context: ssl.SSLContext) -> dict[str, Any]:
    return {"tls_context": context, "require_starttls": True}


def _authenticator(box: SmtpSink) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (
            data.login.decode() == box.username and data.password.decode() == box.password
        )
        return AuthResult(success=ok, handled=False, auth_data=data.login.decode() if ok else None)

    return check


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    with run_smtp() as server:
        yield server


@pytest.fixture
def smtp_starttls_server(tls_files: TlsFiles) -> Iterator[SmtpSink]:
    with run_smtp(tls_files, auth=True) as server:
        yield server


@pytest.fixture
def smtp_tls_server(tls_files: TlsFiles) -> Iterator[SmtpSink]:
    with run_smtp(tls_files, implicit_tls=True) as server:
        yield server
