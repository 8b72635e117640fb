"""Webhook bodies: a ``Delivery`` in, JSON bytes out (standard, Slack or Discord shape).

Pure. The ``standard`` payload is versioned and documented in docs/webhooks.md; change it
only by adding keys, or by bumping ``PAYLOAD_VERSION``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.digest import Group, Story, group_alerts, one_line
from monitor.model import Alert, Delivery

PAYLOAD_VERSION = 1
UTC_ZONE = ZoneInfo("UTC")
SLACK_TEXT_LIMIT = 3500  # Slack advises < 4,000 characters per message
DISCORD_CONTENT_LIMIT = 2000
DISCORD_EMBEDS = 10  # Discord's limits: 10 embeds, 4,096 per description, 6,000 in total
DISCORD_DESCRIPTION_LIMIT = 4096
DISCORD_TOTAL_LIMIT = 6000
_DISCORD_MARKDOWN = re.compile(r"([\\*_~`|<>\[\]()])")

Body = dict[str, Any]


def build_payload(delivery: Delivery, fmt: str, zone: ZoneInfo = UTC_ZONE) -> bytes:
    """Serialise the payload for ``fmt`` ('standard', 'slack', 'discord') as UTF-8 JSON."""
    builders: dict[str, Callable[[Delivery, ZoneInfo], Body]] = {
        "standard": standard_payload,
        "slack": slack_payload,
        "discord": discord_payload,
    }
    body = builders[fmt](delivery, zone)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "replace")  # a lone surrogate must not stop the send


def standard_payload(delivery: Delivery, zone: ZoneInfo) -> Body:
    digest = delivery.digest
    return {
        "version": PAYLOAD_VERSION,
        "type": "digest",
        "id": str(delivery.id),
        "route": delivery.route,
        "subject": digest.subject,
        "created": _iso(digest.created),
        "alerts": [_alert(alert) for alert in digest.alerts],
    }


def _alert(alert: Alert) -> Body:
    article, match = alert.article, alert.match
    return {
        "match_id": alert.match_id,
        "rule": {"id": match.rule_id, "kind": match.kind.value, "name": match.name},
        "priority": alert.priority.value,
        "tags": list(alert.tags),
        "article": {
            "title": article.title,
            "url": article.url,
            "source": article.source,
            "feed": article.feed,
            "published": _iso(article.published) if article.published else None,
            "language": article.language,
        },
        "evidence": [
            {"text": ev.text, "snippet": ev.snippet, "start": ev.start, "end": ev.end,
             "variant": ev.variant, "reason": ev.reason}
            for ev in match.evidence
        ],
    }  # fmt: skip


def slack_payload(delivery: Delivery, zone: ZoneInfo) -> Body:
    """Incoming-webhook message in mrkdwn; text from articles cannot ping or add links."""
    lines = [f"*{_slack(delivery.digest.subject)}*"]
    for group in group_alerts(delivery.digest.alerts, zone):
        lines.append(f"\n*{_slack(group.name)}*")
        lines += [f"• {_slack_story(story)}" for story in group.stories]
    return {"text": _fit(lines, SLACK_TEXT_LIMIT)}


def _slack_story(story: Story) -> str:
    title = _slack(story.title)
    link = f"<{_slack(story.url)}|{title}>" if story.url else title
    return f"{link} — {_slack(_byline(story))}"


def _slack(text: str) -> str:
    # Slack's only control characters are &, < and >; escaped, "<!channel>" stays text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def discord_payload(delivery: Delivery, zone: ZoneInfo) -> Body:
    """Discord execute-webhook body: the subject, then one embed per rule (within limits)."""
    groups = group_alerts(delivery.digest.alerts, zone)
    embeds, budget = [], DISCORD_TOTAL_LIMIT
    for group in groups[:DISCORD_EMBEDS]:
        embed = _discord_embed(group, budget)
        budget -= len(embed["title"]) + len(embed["description"])
        if budget <= 0 or not embed["description"]:
            break
        embeds.append(embed)
    content = _fit([_discord(delivery.digest.subject)], DISCORD_CONTENT_LIMIT)
    return {"content": content, "embeds": embeds, "allowed_mentions": {"parse": []}}


def _discord_embed(group: Group, budget: int) -> Body:
    title = _discord(group.name)[:256]
    lines = [_discord_story(story) for story in group.stories]
    limit = min(DISCORD_DESCRIPTION_LIMIT, budget - len(title))
    return {"title": title, "description": _fit(lines, limit) if limit > 40 else ""}


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


def _fit(lines: list[str], limit: int) -> str:
    """Join lines, dropping whole lines from the end (with a note) to stay under limit."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    for keep in range(len(lines) - 1, 0, -1):
        note = f"\n… and {len(lines) - keep} more"
        head = "\n".join(lines[:keep])
        if len(head) + len(note) <= limit:
            return head + note
    return one_line(lines[0])[: limit - 1] + "…"


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat()
