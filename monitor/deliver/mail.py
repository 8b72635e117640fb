"""Email channel: a ``Delivery`` and an ``EmailTarget`` in, one message sent over SMTP out:
to the target's one recipient, or (a ``bcc`` target) to all its recipients at once, each in
Bcc (no recipient appears in any header).

Security is ``starttls``, ``tls`` (implicit, usually port 465) or ``none``; certificates are
verified against the system trust store (or the file named by ``SSL_CERT_FILE``). Failures are
classified: 5xx and refused recipients are permanent, 4xx and network trouble temporary.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr

from monitor.credentials import read_secret
from monitor.deliver.message import build_message
from monitor.errors import ConfigError, DeliveryError
from monitor.model import Delivery
from monitor.targets import EmailTarget, SmtpServer

log = logging.getLogger(__name__)


# RFC 5322 group syntax with no members: a valid To: that discloses nobody.
UNDISCLOSED = "undisclosed-recipients:;"


def send_email(delivery: Delivery, target: EmailTarget) -> str:
    """Send the digest; return e.g. 'sent to a@x via smtp.x:587'."""
    if target.bcc:
        return _send_bcc(delivery, target)
    [to] = target.recipients
    _check_address(to)
    server = target.server
    msg = build_message(delivery, sender=server.sender, to=to)
    _transmit(server, msg, [to], to)
    return f"sent to {to} via {server.host}:{server.port}"


def _send_bcc(delivery: Delivery, target: EmailTarget) -> str:
    """One message to every recipient, each in Bcc; refusals are reported."""
    server, recipients = target.server, list(target.recipients)
    if not recipients:
        raise DeliveryError("email: no recipients", permanent=True)
    for address in recipients:
        _check_address(address)
    msg = build_message(delivery, sender=server.sender, to=UNDISCLOSED)
    where = f"{len(recipients)} recipients (Bcc)"
    refused = _transmit(server, msg, recipients, where)
    done = f"sent to {len(recipients) - len(refused)} of {where} via {server.host}:{server.port}"
    if refused:
        # The others have it already: a retry would send them a duplicate, so report only.
        log.warning(
            "Bcc recipients refused: %s", ", ".join(refused), extra={"route": delivery.route}
        )
        return f"{done}; refused: {', '.join(refused)}"
    return done


def _check_address(address: str) -> None:
    if not _plausible_address(address):
        raise DeliveryError(f"email: {address!r} is not an email address", permanent=True)


def _transmit(smtp: SmtpServer, msg: EmailMessage, recipients: list[str], who: str) -> list[str]:
    """Send; return the refused recipients with the server's reply (only some may be)."""
    where = f"email to {who} via {smtp.host}:{smtp.port}"
    sender = parseaddr(smtp.sender)[1]
    try:
        with _connect(smtp) as client:
            _login(client, smtp)
            refused = client.send_message(msg, from_addr=sender, to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as exc:
        raise classify(exc, where) from exc
    return [f"{address} ({code} {_text(text)})" for address, (code, text) in refused.items()]


def classify(exc: smtplib.SMTPException | OSError, where: str) -> DeliveryError:
    """5xx and refused mailboxes are permanent; 4xx and network trouble are worth a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = exc.recipients.values()
        codes = ", ".join(f"{code} {_text(text)}" for code, text in replies)
        permanent = all(500 <= code < 600 for code, _ in replies)  # 4xx: mailbox busy
        return DeliveryError(f"{where}: recipient refused: {codes}", permanent=permanent)
    if isinstance(exc, smtplib.SMTPResponseException):
        permanent = 500 <= exc.smtp_code < 600
        reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return DeliveryError(f"{where}: {reply}", permanent=permanent)
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError):
        return DeliveryError(f"{where}: {exc} (check [smtp] security)", permanent=True)
    return DeliveryError(f"{where}: {str(exc) or type(exc).__name__}", permanent=False)


def _plausible_address(address: str) -> bool:
    """One bare address: an '@', no spaces or line breaks (they would corrupt SMTP commands)."""
    return "@" in address and not any(char.isspace() or ord(char) < 32 for char in address)


def _connect(smtp: SmtpServer) -> smtplib.SMTP:
    timeout = smtp.timeout
    if smtp.security == "tls":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=_tls())
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    try:
        if smtp.security == "starttls":
            client.starttls(context=_tls())
    except BaseException:
        client.close()
        raise
    return client


def _login(client: smtplib.SMTP, smtp: SmtpServer) -> None:
    if not smtp.username:
        return
    # Read at each send, so a rotated password is used; a missing or unreadable one is an
    # operator's fix away, so the delivery stays owed and is retried meanwhile.
    name = smtp.password_env or "MONITOR_SMTP_PASSWORD"
    try:
        password = read_secret(name)
    except ConfigError as exc:
        raise DeliveryError(f"email: {exc} (retried once fixed)", permanent=False) from None
    if password is None:
        raise DeliveryError(
            f"email: smtp.username is set but ${name} is not (retried once set)", permanent=False
        )
    # The password goes to the server only: never into a message, a log line or an error.
    client.login(smtp.username, password.get_secret_value())


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()
