"""Digest schedules: the forms users write, and when they fire in the route's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config.schedules import parse_schedule

NOW = datetime(2024, 4, 22, 13, 52, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("spec", "zone", "fires"),
    [
        ("hourly", "UTC", datetime(2024, 4, 22, 14, 0, tzinfo=UTC)),
        ("daily 07:00", "UTC", datetime(2024, 4, 23, 7, 0, tzinfo=UTC)),
        ("daily 17:30", "Europe/Minsk", datetime(2024, 4, 22, 14, 30, tzinfo=UTC)),  # UTC+3
        ("weekly mon 07:00", "UTC", datetime(2024, 4, 29, 7, 0, tzinfo=UTC)),
        ("weekly wed 9:15", "UTC", datetime(2024, 4, 24, 9, 15, tzinfo=UTC)),
        ("0 7 * * 1-5", "UTC", datetime(2024, 4, 23, 7, 0, tzinfo=UTC)),
        ("  Daily 07:00 ", "UTC", datetime(2024, 4, 23, 7, 0, tzinfo=UTC)),
    ],
)
def test_schedules_fire_when_expected(spec: str, zone: str, fires: datetime) -> None:
    trigger = parse_schedule(spec, zone)
    assert trigger.get_next_fire_time(None, NOW) == fires


@pytest.mark.parametrize("bad", ["daily 25:00", "daily 07:61", "weekly xyz 07:00", "often"])
def test_bad_schedules_are_refused_with_the_forms(bad: str) -> None:
    with pytest.raises(ValueError, match=r"hourly|between"):
        parse_schedule(bad, "UTC")
