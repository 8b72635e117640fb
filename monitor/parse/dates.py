"""Read the date forms found in feeds and pages as timezone-aware UTC datetimes.

In: a date string (ISO 8601, RFC 822, "13:52,22-04-2024", "22.04.2024 13:52") or a
struct_time. Out: a UTC datetime, or None. A date without a zone is taken to be UTC.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime

_TIME_THEN_DAY = re.compile(r"(\d{1,2}):(\d{2})\s*,?\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_DAY_THEN_TIME = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?:[^\d]{1,4}(\d{1,2}):(\d{2}))?")
_MAX_CHARS = 120


def parse_datetime(value: str | None) -> datetime | None:
    """The moment a date string names, in UTC; None if it names none."""
    text = (value or "").strip()[:_MAX_CHARS]
    if not text:
        return None
    for reader in (_iso, _rfc822, _time_then_day, _day_then_time):
        moment = reader(text)
        if moment is not None:
            return to_utc(moment)
    return None


def from_struct(value: time.struct_time | None) -> datetime | None:
    """A UTC struct_time (as feedparser gives) as a datetime; None if out of range."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def to_utc(moment: datetime) -> datetime:
    """Aware datetimes are converted; naive ones are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return moment.replace(tzinfo=UTC)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _time_then_day(text: str) -> datetime | None:
    found = _TIME_THEN_DAY.search(text)
    if not found:
        return None
    hour, minute, day, month, year = map(int, found.groups())
    return _build(year, month, day, hour, minute)


def _day_then_time(text: str) -> datetime | None:
    found = _DAY_THEN_TIME.search(text)
    if not found:
        return None
    day, month, year = int(found[1]), int(found[2]), int(found[3])
    return _build(year, month, day, int(found[4] or 0), int(found[5] or 0))


def _build(year: int, month: int, day: int, hour: int, minute: int) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None
