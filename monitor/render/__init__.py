"""Render a digest, once, in every form its route sends: alerts in, a ``Digest`` out.

Pure: no clock, no network. The subject, plain text and HTML come from Jinja2 templates
(sandboxed, autoescaped; see templates.py), their fixed words from the route's language
(texts.py); the webhook bodies (payload.py) from the same groups of stories. Channels later
send these bytes as they are; nothing is rendered again at send time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.model import Alert, Candidate, Digest, SourceChange
from monitor.oneline import one_line, shorten
from monitor.render.groups import (
    MAX_SNIPPETS,
    Group,
    Snippet,
    group_alerts,
    local_time,
    safe_url,
    split_snippet,
)
from monitor.render.payload import FORMATS, Content, candidate_body, webhook_bodies
from monitor.render.templates import Templates, load_templates
from monitor.render.texts import LANGUAGES, Texts, texts

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "MAX_SNIPPETS",
    "Footer",
    "Group",
    "Look",
    "Snippet",
    "Templates",
    "Volume",
    "candidate_body",
    "default_look",
    "load_templates",
    "render_digest",
    "safe_url",
    "split_snippet",
    "texts",
]

SUBJECT_LIMIT = 150
SHOWN_CANDIDATES = 10  # people not on the list shown in one digest; the rest are counted


@dataclass(frozen=True)
class Footer:
    """Health news shown under the stories, so problems are seen where people look."""

    failing_feeds: tuple[str, ...] = ()
    rule_errors: tuple[str, ...] = ()
    dead_deliveries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Volume:
    """How much a digest carries beyond what it shows: a flood is counted, not listed."""

    total: int  # mentions the digest carries, shown or not
    more: Mapping[str, int] = field(default_factory=dict)  # rule id -> mentions not shown
    hidden: tuple[tuple[str, int], ...] = ()  # rules none of whose stories is shown
    # Rules that matched an unusual share of the day's articles: (name, mentions, articles).
    broad: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class Look:
    """How one route's digests look, and which webhook bodies they need."""

    templates: Templates
    timezone: str = "UTC"
    language: str = "en"
    formats: tuple[str, ...] = ()  # webhook body formats its targets use


def render_digest(
    route: str,
    alerts: Sequence[Alert],
    now: datetime,
    *,
    look: Look,
    key: str,
    footer: Footer | None = None,
    volume: Volume | None = None,
    candidates: Sequence[Candidate] = (),
    changes: Sequence[SourceChange] = (),
) -> Digest:
    """Render one route's digest: subject, text, HTML and the webhook bodies it needs."""
    zone = ZoneInfo(look.timezone)
    volume = volume or Volume(len(alerts))
    groups = tuple(
        replace(group, more=volume.more.get(group.rule_id, 0))
        for group in group_alerts(alerts, zone)
    )
    words = texts(look.language)
    stories = sum(len(group.stories) for group in groups)
    shown_all = volume.total <= len(alerts)
    context = {
        "language": look.language,
        "t": words.words,
        "plural": words.plural,
        "why": words.why,
        "route": one_line(route),
        "created": local_time(now, zone),
        "timezone": look.timezone,
        "count": stories if shown_all else volume.total,
        "names": [group.name for group in groups] + [one_line(n) for n, _ in volume.hidden],
        "groups": groups,
        "footer": footer or Footer(),
        "volume": notes(volume, len(alerts), route, words),
        # People not on the list yet, strongest first: a few shown, the rest counted.
        "candidates": {
            "shown": tuple(candidates[:SHOWN_CANDIDATES]),
            "more": max(0, len(candidates) - SHOWN_CANDIDATES),
        },
        # Archived pages a re-check found removed or changed since the last digest.
        "changes": [_change(change, zone) for change in changes],
    }
    subject = shorten(one_line(look.templates.render("subject.txt.j2", context)), SUBJECT_LIMIT)
    shown = tuple(candidates[:SHOWN_CANDIDATES])
    content = Content(route, key, subject, now, alerts, groups, words, volume.total, shown,
                      changes)  # fmt: skip
    return Digest(
        route=route,
        key=key,
        subject=subject,
        text=look.templates.render("digest.txt.j2", context),
        html=look.templates.render("digest.html.j2", context),
        created=now,
        bodies=webhook_bodies(look.formats, content),
        match_ids=tuple(alert.match_id for alert in alerts),
    )


@dataclass(frozen=True)
class Notes:
    """What templates say about a digest's volume, in the route's language."""

    summary: str = ""  # "Showing the 200 strongest of 10,182 new mentions ..." or ""
    hidden: tuple[str, ...] = ()  # "Paval Latushka (12)"
    broad: tuple[str, ...] = ()  # one warning per rule that is probably too broad


def notes(volume: Volume, shown: int, route: str, words: Texts) -> Notes:
    """The sentences of `volume` in the route's language."""
    summary = ""
    if volume.total > shown:
        summary = words.words["shown_of"].format(
            shown=words.number(shown), total=words.number(volume.total), route=one_line(route)
        )
    hidden = tuple(f"{one_line(name)} ({words.number(n)})" for name, n in volume.hidden)
    broad = tuple(
        words.words["too_broad"].format(
            name=one_line(name), n=words.number(n), m=words.number(m), pct=round(100 * n / m)
        )
        for name, n, m in volume.broad
    )
    return Notes(summary, hidden, broad)


def default_look() -> Look:
    """The built-in templates, in English, in UTC (previews and tests)."""
    return Look(load_templates(None))


def _change(change: SourceChange, zone: ZoneInfo) -> dict[str, object]:
    """A removed or changed page as the templates show it (one line each, local time)."""
    return {
        "url": one_line(change.url), "state": change.state, "detail": one_line(change.detail),
        "sha256": change.sha256, "archived": local_time(change.archived, zone),
        "titles": [one_line(title) for title in change.titles],
    }  # fmt: skip
