"""Apprise channel: a ``Delivery`` and an ``AppriseTarget`` (an Apprise URL) in, the
digest's subject and plain text sent there out. Optional: ``pip install 'monitor[apprise]'``.

``${NAME}`` parts of a URL are filled from the environment at send time, so tokens stay out
of the config, the database and our logs; Apprise's own log lines are redacted meanwhile.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from urllib.parse import quote

from monitor.errors import DeliveryError
from monitor.model import Delivery
from monitor.targets import AppriseTarget

INSTALL_HINT = "pip install 'monitor[apprise]'"
# Apprise logs service URLs, and urllib3 (under it) request paths: both may hold a token.
SEND_LOGGERS = ("apprise", "urllib3.connectionpool")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def check_urls(urls: Sequence[str]) -> None:
    """For the config loader: ValueError unless Apprise is installed and knows each scheme."""
    if not urls:
        return
    if importlib.util.find_spec("apprise") is None:
        raise ValueError(f"Apprise is not installed: {INSTALL_HINT}")
    for url in urls:
        scheme = scheme_of(url)
        if scheme is None:
            raise ValueError("expected an Apprise URL like 'json://host/path' or 'tgram://...'")
        if scheme not in supported_schemes():
            raise ValueError(f"Apprise does not know the scheme '{scheme}://'")


def scheme_of(url: str) -> str | None:
    match = _SCHEME.match(url.strip())
    return match[1].lower() if match else None


@functools.cache
def supported_schemes() -> frozenset[str]:
    import apprise

    schemes: set[str] = set()
    for schema in apprise.Apprise().details()["schemas"]:
        for key in ("protocols", "secure_protocols"):
            found = schema.get(key) or ()
            schemes.update([found] if isinstance(found, str) else found)
    return frozenset(s.lower() for s in schemes)


def send_push(delivery: Delivery, target: AppriseTarget) -> str:
    """Notify one Apprise URL; return e.g. 'sent via Apprise (tgram)'."""
    import apprise

    where = f"apprise {scheme_of(target.url) or '?'}://"
    url, secrets = expand(target.url, os.environ)
    with redacted_apprise_log(secrets) as problems:
        notifier = apprise.Apprise()
        if not notifier.add(url):
            why = "; ".join(problems) or "Apprise cannot use this URL"
            raise DeliveryError(f"{where}: {why}", permanent=True)
        digest = delivery.digest
        done = notifier.notify(
            body=digest.text, title=digest.subject, body_format=apprise.NotifyFormat.TEXT
        )
    if not done:
        raise DeliveryError(f"{where}: {'; '.join(problems) or 'not accepted'}", permanent=False)
    return f"sent via Apprise ({scheme_of(target.url)})"


def placeholders(template: str) -> list[str]:
    """The variable names of a URL's `${NAME}` parts."""
    return _PLACEHOLDER.findall(template)


def expand(template: str, env: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """Fill ``${NAME}`` from env; return the URL and the values used (to redact them)."""
    missing = sorted({name for name in _PLACEHOLDER.findall(template) if name not in env})
    if missing:
        names = ", ".join(f"${name}" for name in missing)
        raise DeliveryError(f"apprise: {names} not set in the environment (retried once set)")
    values = tuple(env[name] for name in _PLACEHOLDER.findall(template) if env[name])
    return _PLACEHOLDER.sub(lambda m: env[m[1]], template), values


@contextmanager
def redacted_apprise_log(secrets: Sequence[str]) -> Iterator[list[str]]:
    """While Apprise works, mask secrets in its log records and collect its warnings."""
    redactor = _Redactor(secrets)
    loggers = [logging.getLogger(name) for name in SEND_LOGGERS]
    for logger in loggers:
        logger.addFilter(redactor)
    try:
        yield redactor.problems
    finally:
        for logger in loggers:
            logger.removeFilter(redactor)


class _Redactor(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        # Apprise logs URLs both as written and percent-encoded.
        forms = {form for s in secrets for form in (s, quote(s, safe=""), quote(s))}
        self.secrets = sorted((f for f in forms if f), key=len, reverse=True)
        self.problems: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, "***")
        record.msg, record.args = message, None
        if record.levelno >= logging.WARNING and record.name == "apprise":
            self.problems.append(message)
        return True
