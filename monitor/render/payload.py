"""Webhook bodies, rendered once with the rest of the digest: JSON bytes per format.

In: the digest's alerts and groups, its identity and the route's fixed words. Out: bytes
for each format a route's webhooks use (standard, slack, discord). Pure. The ``standard``
payload is versioned and documented in docs/webhooks.md; change it only by adding keys, or
by bumping ``PAYLOAD_VERSION``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.model import Alert, Candidate, SourceChange
from monitor.oneline import one_line
from monitor.render.groups import Group, Story, safe_url
from monitor.render.texts import Texts

PAYLOAD_VERSION = 1
FORMATS = ("standard", "slack", "discord")
SLACK_TEXT_LIMIT = 3500  # Slack advises < 4,000 characters per message
DISCORD_CONTENT_LIMIT = 2000
DISCORD_EMBEDS = 10  # Discord's limits: 10 embeds, 4,096 per description, 6,000 in total
DISCORD_DESCRIPTION_LIMIT = 4096
DISCORD_TOTAL_LIMIT = 6000
_DISCORD_MARKDOWN = re.compile(r"([\\*_~`|<>\[\]()])")

Body = dict[str, Any]


@dataclass(frozen=True)
class Content:
    """What every webhook body is made of."""

    route: str
    key: str
    subject: str
    created: datetime
    alerts: Sequence[Alert]
    groups: tuple[Group, ...]
    words: Texts
    total: int  # mentions the digest carries; `alerts` may show fewer (a flood)
    candidates: Sequence[Candidate] = ()  # people not on the list yet, strongest first
    changes: Sequence[SourceChange] = ()  # archived pages since removed or changed


def webhook_bodies(formats: Collection[str], content: Content) -> dict[str, bytes]:
    """UTF-8 JSON for each of `formats` ('standard', 'slack', 'discord')."""
    builders: dict[str, Callable[[Content], Body]] = {
        "standard": standard_payload,
        "slack": slack_payload,
        "discord": discord_payload,
    }
    return {fmt: _json(builders[fmt](content)) for fmt in formats}


def _json(body: Body) -> bytes:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "replace")  # a lone surrogate must not stop the send


def standard_payload(content: Content) -> Body:
    return {
        "version": PAYLOAD_VERSION,
        "type": "digest",
        "id": content.key,
        "route": content.route,
        "subject": content.subject,
        "created": _iso(content.created),
        "total_mentions": content.total,
        "alerts": [_alert(alert) for alert in content.alerts],
        "candidates": [candidate_body(c) for c in content.candidates],
        "source_changes": [_change(change) for change in content.changes],
    }


def candidate_body(candidate: Candidate) -> Body:
    """A candidate as JSON: the webhook payload's and `monitor candidates --json`'s."""
    return {
        "key": candidate.key,
        "name": candidate.name,
        "variants": list(candidate.variants),
        "articles": candidate.articles,
        "sources": list(candidate.sources),
        "first_seen": _iso(candidate.first_seen),
        "last_seen": _iso(candidate.last_seen),
        "sentences": list(candidate.sentences),
    }


def _change(change: SourceChange) -> Body:
    return {
        "url": change.url, "state": change.state, "detail": change.detail,
        "sha256": change.sha256, "archived": _iso(change.archived),
        "checked": _iso(change.checked), "titles": list(change.titles),
    }  # fmt: skip


def _alert(alert: Alert) -> Body:
    article, match = alert.article, alert.match
    return {
        "match_id": alert.match_id,
        "rule": {"id": match.rule_id, "kind": match.kind.value, "name": match.name},
        "priority": alert.priority.value,
        "tags": list(alert.tags),
        "article": {
            "title": article.title,
            "url": safe_url(article.url),  # a feed may carry a `javascript:` link
            "source": article.source,
            "feed": article.feed,
            "published": _iso(article.published) if article.published else None,
            "language": article.language,
        },
        "archived": [
            {"url": safe_url(copy.url), "sha256": copy.sha256, "archived": _iso(copy.archived),
             "missing": copy.missing}
            for copy in alert.archived
        ],
        "evidence": [
            {"text": ev.text, "snippet": ev.snippet, "start": ev.start, "end": ev.end,
             "variant": ev.variant, "reason": ev.reason}
            for ev in match.evidence
        ],
    }  # fmt: skip


def slack_payload(content: Content) -> Body:
    """Incoming-webhook message in mrkdwn; text from articles cannot ping or add links."""
    lines = [f"*{_slack(content.subject)}*"]
    for group in content.groups:
        lines.append(f"\n*{_slack(group.name)}*")
        lines += [f"• {_slack_story(story)}" for story in group.stories]
        lines += [content.words.plural(group.more, "more_mentions")] if group.more else []
    return {"text": _fit(lines, SLACK_TEXT_LIMIT, content.words)}


def _slack_story(story: Story) -> str:
    title = _slack(story.title)
    link = f"<{_slack(story.url)}|{title}>" if story.url else title
    return f"{link} — {_slack(_byline(story))}"


def _slack(text: str) -> str:
    # Slack's only control characters are &, < and >; escaped, "<!channel>" stays text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def discord_payload(content: Content) -> Body:
    """Discord execute-webhook body: the subject, then one embed per rule (within limits)."""
    embeds, budget = [], DISCORD_TOTAL_LIMIT
    for group in content.groups[:DISCORD_EMBEDS]:
        embed = _discord_embed(group, budget, content.words)
        budget -= len(embed["title"]) + len(embed["description"])
        if budget <= 0 or not embed["description"]:
            break
        embeds.append(embed)
    subject = _fit([_discord(content.subject)], DISCORD_CONTENT_LIMIT, content.words)
    return {"content": subject, "embeds": embeds, "allowed_mentions": {"parse": []}}


def _discord_embed(group: Group, budget: int, words: Texts) -> Body:
    title = _discord(group.name)[:256]
    lines = [_discord_story(story) for story in group.stories]
    lines += [words.plural(group.more, "more_mentions")] if group.more else []
    limit = min(DISCORD_DESCRIPTION_LIMIT, budget - len(title))
    return {"title": title, "description": _fit(lines, limit, words) if limit > 40 else ""}


def _discord_story(story: Story) -> str:
    title = _discord(story.title)
    url = (story.url or "").replace("(", "%28").replace(")", "%29")
    link = f"[{title}]({url})" if url else title
    return f"• {link} — {_discord(_byline(story))}"


def _discord(text: str) -> str:
    return _DISCORD_MARKDOWN.sub(r"\\\1", text)


def _byline(story: Story) -> str:
    sources = ", ".join(source.name for source in story.sources)
    return f"{sources}, {story.published}" if story.published else sources


def _fit(lines: list[str], limit: int, words: Texts) -> str:
    """Join lines, dropping whole lines from the end (with a note) to stay under limit."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    for keep in range(len(lines) - 1, 0, -1):
        note = "\n" + words.words["and_more"].format(n=len(lines) - keep)
        head = "\n".join(lines[:keep])
        if len(head) + len(note) <= limit:
            return head + note
    return one_line(lines[0])[: limit - 1] + "…"


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat()
