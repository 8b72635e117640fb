"""Render a digest, once, in every form its route sends: alerts in, a ``Digest`` out.

Pure: no clock, no network. The subject, plain text and HTML come from Jinja2 templates
(sandboxed, autoescaped; see templates.py), their fixed words from the route's language
(texts.py); the webhook bodies (payload.py) from the same groups of stories. Channels later
send these bytes as they are; nothing is rendered again at send time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.model import Alert, Digest
from monitor.oneline import one_line, shorten
from monitor.render.groups import Group, group_alerts, local_time
from monitor.render.payload import FORMATS, Content, webhook_bodies
from monitor.render.templates import Templates, load_templates
from monitor.render.texts import LANGUAGES, texts

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Footer",
    "Group",
    "Look",
    "Templates",
    "default_look",
    "load_templates",
    "render_digest",
    "texts",
]

SUBJECT_LIMIT = 150


@dataclass(frozen=True)
class Footer:
    """Health news shown under the stories, so problems are seen where people look."""

    failing_feeds: tuple[str, ...] = ()
    rule_errors: tuple[str, ...] = ()
    dead_deliveries: tuple[str, ...] = ()


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
) -> Digest:
    """Render one route's digest: subject, text, HTML and the webhook bodies it needs."""
    zone = ZoneInfo(look.timezone)
    groups = group_alerts(alerts, zone)
    words = texts(look.language)
    context = {
        "language": look.language,
        "t": words.words,
        "plural": words.plural,
        "route": one_line(route),
        "created": local_time(now, zone),
        "timezone": look.timezone,
        "count": sum(len(group.stories) for group in groups),
        "names": [group.name for group in groups],
        "groups": groups,
        "footer": footer or Footer(),
    }
    subject = shorten(one_line(look.templates.render("subject.txt.j2", context)), SUBJECT_LIMIT)
    content = Content(route, key, subject, now, alerts, groups, words)
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


def default_look() -> Look:
    """The built-in templates, in English, in UTC (previews and tests)."""
    return Look(load_templates(None))
