"""Email channel: a ``Delivery`` in, one message sent over SMTP out: to the one address in
``delivery.target`` (channel ``email``), or to every address of a comma-separated target in
Bcc (channel ``email-bcc``: no recipient appears in any header).

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

from monitor.config import Config, SmtpConfig
from monitor.deliver.message import build_message
from monitor.errors import DeliveryError
from monitor.model import Delivery

log = logging.getLogger(__name__)


# RFC 5322 group syntax with no members: a valid To: that discloses nobody.
UNDISCLOSED = "undisclosed-recipients:;"


def send_email(delivery: Delivery, config: Config) -> str:
    """Send the digest to one recipient; return e.g. 'sent to a@x via smtp.x:587'."""
    smtp = _smtp(config)
    _check_address(delivery.target)
    msg = build_message(delivery, sender=smtp.sender, to=delivery.target)
    _transmit(smtp, msg, [delivery.target], delivery.target)
    log.info("digest mailed", extra={"channel": "email", "route": delivery.route})
    return f"sent to {delivery.target} via {smtp.host}:{smtp.port}"


def send_email_bcc(delivery: Delivery, config: Config) -> str:
    """One message to every address of the target, each in Bcc; refusals are reported."""
    smtp = _smtp(config)
    recipients = split_recipients(delivery.target)
    for address in recipients:
        _check_address(address)
    msg = build_message(delivery, sender=smtp.sender, to=UNDISCLOSED)
    where = f"{len(recipients)} recipients (Bcc)"
    refused = _transmit(smtp, msg, recipients, where)
    log.info("digest mailed", extra={"channel": "email-bcc", "route": delivery.route})
    done = f"sent to {len(recipients) - len(refused)} of {where} via {smtp.host}:{smtp.port}"
    if refused:
        # The others have it already: a retry would send them a duplicate, so report only.
        log.warning("route=%s email-bcc refused: %s", delivery.route, ", ".join(refused))
        return f"{done}; refused: {', '.join(refused)}"
    return done


def split_recipients(target: str) -> list[str]:
    """'a@x, b@y' -> ['a@x', 'b@y'] (the target of an email-bcc delivery)."""
    recipients = [part.strip() for part in target.split(",") if part.strip()]
    if not recipients:
        raise DeliveryError("email: no recipients", permanent=True)
    return recipients


def _smtp(config: Config) -> SmtpConfig:
    if config.smtp is None:
        raise DeliveryError("email: the config has no [smtp] section", permanent=True)
    return config.smtp


def _check_address(address: str) -> None:
    if not _plausible_address(address):
        raise DeliveryError(f"email: {address!r} is not an email address", permanent=True)


def _transmit(smtp: SmtpConfig, msg: EmailMessage, recipients: list[str], who: str) -> list[str]:
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


def _connect(smtp: SmtpConfig) -> smtplib.SMTP:
    timeout = smtp.timeout.total_seconds()
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


def _login(client: smtplib.SMTP, smtp: SmtpConfig) -> None:
    if not smtp.username:
        return
    password = smtp.password()
    if password is None:
        where = f"${smtp.password_env}" if smtp.password_env else "smtp.password_env"
        raise DeliveryError(f"email: smtp.username is set but {where} is not set", permanent=True)
    # The password goes to the server only: never into a message, a log line or an error.
    client.login(smtp.username, password.get_secret_value())


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()
