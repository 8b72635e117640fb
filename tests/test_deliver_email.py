"""Email channel against real aiosmtpd servers on 127.0.0.1: plain, STARTTLS with AUTH,
implicit TLS; what arrives, and how each kind of failure is classified."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.deliver.channels import send
from monitor.errors import DeliveryError
from monitor.targets import EmailTarget
from monitor.targets import SmtpServer as Server
from tests.support.digests import sample_delivery
from tests.support.smtp import PASSWORD, USERNAME, SmtpSink, TlsFiles, free_port

SENDER = "Monitor <monitor@example.org>"
TO = "editor@example.org"


def _target(
    server: SmtpSink, recipients: tuple[str, ...] = (TO,), security: str = "none", *,
    bcc: bool = False, username: str | None = None,
) -> EmailTarget:  # fmt: skip
    smtp = Server(server.host, server.port, security, SENDER, 5.0, username,  # type: ignore[arg-type]
                  "TEST_SMTP_PASSWORD")  # fmt: skip
    return EmailTarget(smtp, recipients, bcc)


def _send(
    server: SmtpSink, security: str = "none", delivery_id: int = 42, username: str | None = None
) -> str:
    target = _target(server, (TO,), security, username=username)
    return send(sample_delivery(target, delivery_id), target)


@pytest.fixture
def trust_test_ca(monkeypatch: pytest.MonkeyPatch, tls_files: TlsFiles) -> None:
    """The servers' certificate is self-signed: make it the only one OpenSSL trusts."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files.cert))


def test_plain_smtp_delivers_one_message_to_the_target(smtp_server: SmtpSink) -> None:
    assert _send(smtp_server) == f"sent to {TO} via 127.0.0.1:{smtp_server.port}"
    [received] = smtp_server.messages
    assert (received.mail_from, received.rcpt_tos) == ("monitor@example.org", (TO,))
    assert not received.tls and received.login is None
    message = received.message
    assert (message["From"], message["To"]) == (SENDER, TO)
    assert message["Subject"].startswith("monitor: 4 new mentions — Maria Kalesnikava")
    assert message["Date"] == "Thu, 26 Nov 2026 06:00:00 +0000"
    assert message["List-Id"] == '"monitor: belarus" <belarus.monitor.local>'
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]


def test_message_id_is_stable_per_delivery(smtp_server: SmtpSink) -> None:
    _send(smtp_server)
    _send(smtp_server)  # a retry of the same delivery
    _send(smtp_server, delivery_id=43)
    ids = [received.message["Message-ID"] for received in smtp_server.messages]
    assert ids[0] == ids[1] == "<20261126060000.42.belarus@example.org>"
    assert ids[2] == "<20261126060000.43.belarus@example.org>"


def test_a_title_with_crlf_cannot_inject_a_header(smtp_server: SmtpSink) -> None:
    _send(smtp_server)
    [received] = smtp_server.messages
    assert received.message["Bcc"] is None
    assert received.rcpt_tos == (TO,)
    headers = received.raw.split(b"\r\n\r\n")[0]
    assert b"attacker@example.org" not in headers


def test_starttls_with_auth(
    smtp_starttls_server: SmtpSink, trust_test_ca: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    _send(smtp_starttls_server, "starttls", username=USERNAME)
    [received] = smtp_starttls_server.messages
    assert received.tls and received.login == USERNAME


def test_wrong_password_is_permanent_and_not_repeated(
    smtp_starttls_server: SmtpSink, trust_test_ca: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong-horse-battery")
    with pytest.raises(DeliveryError, match=r": 535 ") as caught:
        _send(smtp_starttls_server, "starttls", username=USERNAME)
    assert caught.value.permanent and "wrong-horse-battery" not in str(caught.value)
    assert smtp_starttls_server.messages == []


def test_username_without_password_stays_owed_until_it_is_set(
    smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    with pytest.raises(DeliveryError, match=r"\$TEST_SMTP_PASSWORD is not") as caught:
        _send(smtp_server, username=USERNAME)
    assert not caught.value.permanent and smtp_server.messages == []


def test_an_unreadable_password_file_stays_owed_and_names_the_variable(
    smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("TEST_SMTP_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(DeliveryError, match=r"\$TEST_SMTP_PASSWORD_FILE: cannot read") as caught:
        _send(smtp_server, username=USERNAME)
    assert not caught.value.permanent


def test_implicit_tls(smtp_tls_server: SmtpSink, trust_test_ca: None) -> None:
    _send(smtp_tls_server, "tls")
    [received] = smtp_tls_server.messages
    assert received.tls


def test_untrusted_certificate_is_permanent(
    smtp_tls_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(DeliveryError, match=r"certificate verify failed") as caught:
        _send(smtp_tls_server, "tls")
    assert caught.value.permanent


def test_starttls_against_a_server_without_it_is_permanent(smtp_server: SmtpSink) -> None:
    with pytest.raises(DeliveryError, match=r"STARTTLS extension not supported") as caught:
        _send(smtp_server, "starttls")
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("reply", "permanent"), [("550 5.1.1 no such user", True), ("450 4.2.1 mailbox busy", False)]
)
def test_refused_recipient(smtp_server: SmtpSink, reply: str, permanent: bool) -> None:
    smtp_server.rcpt_replies[TO] = reply
    with pytest.raises(DeliveryError, match=f"recipient refused: {reply}") as caught:
        _send(smtp_server)
    assert caught.value.permanent is permanent


@pytest.mark.parametrize(
    ("reply", "permanent"), [("554 5.7.1 rejected as spam", True), ("451 4.3.0 try later", False)]
)
def test_rejected_message(smtp_server: SmtpSink, reply: str, permanent: bool) -> None:
    smtp_server.data_replies.append(reply)
    with pytest.raises(
        DeliveryError, match=f"{TO} via 127.0.0.1:{smtp_server.port}: {reply}$"
    ) as caught:
        _send(smtp_server)
    assert caught.value.permanent is permanent


def test_nobody_listening_is_temporary() -> None:
    closed = SmtpSink("127.0.0.1", free_port())
    with pytest.raises(DeliveryError, match=r"Connection refused") as caught:
        _send(closed)
    assert not caught.value.permanent


@pytest.mark.parametrize("target", ["editor@example.org\r\nRCPT TO:<x@evil.example>", "editor", ""])
def test_a_malformed_recipient_is_permanent(smtp_server: SmtpSink, target: str) -> None:
    email = _target(smtp_server, (target,))
    with pytest.raises(DeliveryError, match=r"is not an email address") as caught:
        send(sample_delivery(email), email)
    assert caught.value.permanent and smtp_server.messages == []


# --- email_mode = "bcc": one message, every recipient in the envelope, none in a header ----

BCC = ("desk@example.org", "casework@example.org", "lawyer@example.net")


def _send_bcc(server: SmtpSink, recipients: tuple[str, ...] = BCC) -> str:
    target = _target(server, recipients, bcc=True)
    return send(sample_delivery(target), target)


def test_bcc_sends_one_message_to_every_recipient(smtp_server: SmtpSink) -> None:
    done = _send_bcc(smtp_server)
    assert done == f"sent to 3 of 3 recipients (Bcc) via 127.0.0.1:{smtp_server.port}"
    [received] = smtp_server.messages
    assert received.rcpt_tos == BCC
    assert received.message["To"] == "undisclosed-recipients:;"
    assert received.message["From"] == SENDER


def test_bcc_names_no_recipient_in_any_header(smtp_server: SmtpSink) -> None:
    _send_bcc(smtp_server)
    [received] = smtp_server.messages
    headers = received.raw.split(b"\r\n\r\n")[0].decode("ascii")
    assert not [address for address in BCC if address in headers]
    assert received.message["Bcc"] is None and received.message["Cc"] is None


def test_bcc_with_one_refused_recipient_reports_it_and_delivers_the_rest(
    smtp_server: SmtpSink,
) -> None:
    smtp_server.rcpt_replies["lawyer@example.net"] = "550 5.1.1 no such user"
    done = _send_bcc(smtp_server)
    assert done.endswith("; refused: lawyer@example.net (550 5.1.1 no such user)")
    assert done.startswith("sent to 2 of 3 recipients (Bcc)")
    [received] = smtp_server.messages
    assert received.rcpt_tos == BCC[:2]


def test_bcc_with_every_recipient_refused_is_permanent(smtp_server: SmtpSink) -> None:
    for address in BCC:
        smtp_server.rcpt_replies[address] = "550 5.1.1 no such user"
    with pytest.raises(DeliveryError, match=r"3 recipients \(Bcc\).*recipient refused") as caught:
        _send_bcc(smtp_server)
    assert caught.value.permanent and smtp_server.messages == []


def test_bcc_with_a_malformed_address_sends_nothing(smtp_server: SmtpSink) -> None:
    with pytest.raises(DeliveryError, match=r"'desk' is not an email address") as caught:
        _send_bcc(smtp_server, ("casework@example.org", "desk"))
    assert caught.value.permanent and smtp_server.messages == []
