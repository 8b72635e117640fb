"""Digest schedules as people write them: text in, an APScheduler CronTrigger out.

'hourly', 'daily 07:00', 'weekly mon 07:00' or a five-field cron line ('0 7 * * 1-5'),
in the route's time zone. ValueError, saying what is expected, for anything else.
"""

from __future__ import annotations

import re

from apscheduler.triggers.cron import CronTrigger

_DAILY = re.compile(r"^daily\s+(\d{1,2}):(\d{2})$")
_WEEKLY = re.compile(r"^weekly\s+(mon|tue|wed|thu|fri|sat|sun)\s+(\d{1,2}):(\d{2})$")


def parse_schedule(text: str, timezone: str) -> CronTrigger:
    """The trigger of a route's digest schedule."""
    spec = text.strip().lower()
    if spec == "hourly":
        return CronTrigger(minute=0, timezone=timezone)
    if m := _DAILY.match(spec):
        return CronTrigger(hour=_hour(m[1]), minute=_minute(m[2]), timezone=timezone)
    if m := _WEEKLY.match(spec):
        return CronTrigger(
            day_of_week=m[1], hour=_hour(m[2]), minute=_minute(m[3]), timezone=timezone
        )
    try:
        return CronTrigger.from_crontab(spec, timezone=timezone)
    except ValueError as exc:
        raise ValueError(
            f"schedule {text!r}: expected 'hourly', 'daily HH:MM', 'weekly mon HH:MM'"
            f" or a cron line like '0 7 * * 1-5' ({exc})"
        ) from None


def _hour(text: str) -> int:
    if not 0 <= int(text) <= 23:
        raise ValueError(f"hour {text} is not between 0 and 23")
    return int(text)


def _minute(text: str) -> int:
    if not 0 <= int(text) <= 59:
        raise ValueError(f"minute {text} is not between 0 and 59")
    return int(text)
