"""Pure readers of HTTP header values, and the short texts fetch errors are made of.

In: header strings (and the reference time for HTTP dates). Out: timedeltas, media types,
charsets and human-readable sizes. No I/O.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as a delay: delta-seconds, or an HTTP date minus `now` (never negative).

    Returns None when the header is absent or unreadable, so callers fall back to backoff.
    """
    if value is None or not (text := value.strip()):
        return None
    if text.isdigit():
        return timedelta(seconds=int(text))
    when = parse_http_date(text)
    if when is None:
        return None
    return max(when - now, timedelta(0))


def parse_http_date(value: str | None) -> datetime | None:
    """An RFC 9110 date ('Wed, 21 Oct 2015 07:28:00 GMT') as an aware UTC datetime."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_max_age(cache_control: str | None) -> timedelta | None:
    """The max-age directive of a Cache-Control header, or None if there is none."""
    if not cache_control or not (m := _MAX_AGE.search(cache_control)):
        return None
    return timedelta(seconds=int(m[1]))


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """'Application/RSS+XML; charset="KOI8-R"' -> ('application/rss+xml', 'KOI8-R').

    The charset is passed through as declared (only quotes and blanks removed): whether it
    is right is for the parser to judge against the document itself.
    """
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset" and (token := raw.strip().strip("\"'").strip()):
            charset = token
    return media.strip().lower() or None, charset


def format_size(n: int) -> str:
    """10485760 -> '10 MiB', 65536 -> '64 KiB', 1000 -> '1000 bytes'."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def format_seconds(seconds: float) -> str:
    """30.0 -> '30 s', 0.5 -> '0.5 s'."""
    return f"{seconds:g} s"


def http_reason(status: int, reason: str) -> str:
    """'HTTP 500 Internal Server Error' (the server's reason phrase, else the standard one)."""
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"HTTP {status} {reason}".rstrip()
