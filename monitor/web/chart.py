"""A rule's mentions per day as bars of an inline SVG: DailyMentions in, a Chart (geometry
only, in SVG user units) out. Pure; the template draws it, so every text it carries is
escaped there. No script, no external library: the page works with JavaScript off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from monitor.oneline import one_line
from monitor.store import DailyMentions

STEP = 4  # user units per day; a bar is STEP - GAP wide
GAP = 1
HEIGHT = 48  # of the tallest bar


@dataclass(frozen=True)
class Bar:
    x: int
    y: float
    width: int
    height: float
    label: str  # "2024-04-22: 3", shown as the bar's tooltip


@dataclass(frozen=True)
class Chart:
    rule_id: str
    name: str
    total: int
    peak: int
    first_day: str
    last_day: str
    width: int  # of the viewBox; the height is HEIGHT
    bars: tuple[Bar, ...]  # only days with mentions


def chart(series: DailyMentions) -> Chart:
    peak = max(series.counts, default=0)
    last = series.first_day + timedelta(days=max(len(series.counts) - 1, 0))
    return Chart(
        rule_id=series.rule_id,
        name=one_line(series.name),
        total=series.total,
        peak=peak,
        first_day=series.first_day.isoformat(),
        last_day=last.isoformat(),
        width=len(series.counts) * STEP,
        bars=tuple(_bars(series, peak)),
    )


def _bars(series: DailyMentions, peak: int) -> list[Bar]:
    bars = []
    for i, count in enumerate(series.counts):
        if count:
            # At least 2 units tall, so a single mention on a busy rule's chart is visible.
            height = max(HEIGHT * count / peak, 2.0)
            day = series.first_day + timedelta(days=i)
            label = f"{day.isoformat()}: {count}"
            bars.append(Bar(i * STEP, HEIGHT - height, STEP - GAP, height, label))
    return bars
