"""Alerts arranged for reading: one group per rule, one story per title, snippets split
around the hit.

In: Alerts and the route's time zone. Out: Groups of Stories (frozen values), the shape
every template and webhook body is rendered from. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from monitor.model import Alert, Article, Evidence, Priority, Source
from monitor.oneline import one_line

SNIPPET_CONTEXT = 160  # characters kept on each side of the hit
MAX_SNIPPETS = 3  # per story: enough to see why, short enough to scan
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """The sentence around a hit, split so templates can highlight ``hit``."""

    before: str
    hit: str
    after: str
    variant: str  # for machines (webhook bodies) and --explain, in detail
    reason: str
    basis: str = ""  # why it counts, for people: see Texts.why
    basis_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Copy:
    """The archived copy of a document a story was found in (monitor.evidence)."""

    sha256: str
    archived: str  # in the route's time zone
    missing: str | None = None  # why only the hash was kept


@dataclass(frozen=True)
class Story:
    title: str
    url: str | None
    sources: tuple[Source, ...]
    published: str  # already in the route's time zone; "" when unknown
    snippets: tuple[Snippet, ...]
    published_at: datetime | None = None
    archived: tuple[Copy, ...] = ()


@dataclass(frozen=True)
class Group:
    """All stories of one rule (a person or an event)."""

    rule_id: str
    name: str
    kind: str
    high: bool
    stories: tuple[Story, ...]
    more: int = 0  # mentions of this rule in the digest but not shown (a flood)


def group_alerts(alerts: Iterable[Alert], zone: ZoneInfo) -> tuple[Group, ...]:
    """Alerts -> one group per rule, high priority first, then by name."""
    by_rule: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_rule.setdefault(alert.match.rule_id, []).append(alert)
    groups = [_group(rule_alerts, zone) for rule_alerts in by_rule.values()]
    return tuple(sorted(groups, key=lambda g: (not g.high, g.name.casefold(), g.rule_id)))


def _group(alerts: list[Alert], zone: ZoneInfo) -> Group:
    first = alerts[0].match
    by_story: dict[str, list[Alert]] = {}
    for alert in alerts:  # one story per title: syndicated copies list their sources
        by_story.setdefault(_SPACES.sub(" ", alert.article.title).casefold(), []).append(alert)
    stories = sorted((_story(same, zone) for same in by_story.values()), key=_newest_first)
    high = any(alert.priority is Priority.HIGH for alert in alerts)
    return Group(first.rule_id, one_line(first.name), first.kind.value, high, tuple(stories))


def _newest_first(story: Story) -> tuple[bool, float, str]:
    stamp = story.published_at.timestamp() if story.published_at else 0.0
    return (story.published_at is None, -stamp, story.title.casefold())


def _story(alerts: list[Alert], zone: ZoneInfo) -> Story:
    articles = sorted((alert.article for alert in alerts), key=_first_published)
    seen_at = [s for alert in alerts for s in alert.sources] or [
        Source(a.source or a.feed, a.url) for a in articles
    ]
    sources = tuple(dict.fromkeys(Source(one_line(s.name), safe_url(s.url)) for s in seen_at))
    published = _aware(articles[0].published) if articles[0].published else None
    evidence = [ev for alert in alerts for ev in alert.match.evidence]
    snippets = tuple(dict.fromkeys(split_snippet(ev) for ev in evidence))[:MAX_SNIPPETS]
    first = articles[0]
    when = local_time(published, zone) if published else ""
    # A story first seen without a link (a local file) links to the first source that has one.
    url = safe_url(first.url) or next((s.url for s in sources if s.url), None)
    copies = {c.sha256: c for alert in alerts for c in alert.archived}.values()
    archived = tuple(Copy(c.sha256, local_time(c.archived, zone), c.missing) for c in copies)
    return Story(one_line(first.title), url, sources, when, snippets, published, archived)


def _first_published(article: Article) -> tuple[bool, float, str]:
    """The earliest copy of a syndicated story is its primary link."""
    stamp = _aware(article.published).timestamp() if article.published else 0.0
    return (article.published is None, stamp, article.source)


def split_snippet(evidence: Evidence) -> Snippet:
    """Locate the hit inside its snippet; without it, the whole snippet is `before`."""
    snippet = one_line(evidence.snippet)
    hit = one_line(evidence.text)
    at = snippet.find(hit) if hit else -1
    if (
        at < 0
        and hit
        and len(snippet.casefold()) == len(snippet)
        and len(hit.casefold()) == len(hit)
    ):
        at = snippet.casefold().find(hit.casefold())
    variant, reason = one_line(evidence.variant), one_line(evidence.reason)
    why = (evidence.basis, tuple(one_line(term) for term in evidence.basis_terms))
    if at < 0:
        return Snippet(_clip_right(snippet), "", "", variant, reason, *why)
    before, after = snippet[:at], snippet[at + len(hit) :]
    return Snippet(
        _clip_left(before), snippet[at : at + len(hit)], _clip_right(after), variant, reason, *why
    )


def _clip_left(text: str) -> str:
    if len(text) <= SNIPPET_CONTEXT:
        return text
    cut = text[-SNIPPET_CONTEXT:]
    return "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut


def _clip_right(text: str) -> str:
    if len(text) <= SNIPPET_CONTEXT:
        return text
    cut = text[:SNIPPET_CONTEXT]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are shown: a feed could carry a `javascript:` URL."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return one_line(url).replace(" ", "%20")
    return None


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """'2026-11-26 10:15 +03'; a naive time is taken as UTC."""
    return _aware(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
