"""A Telegram channel's public web preview, written for tests in the markup the preview uses
(`tgme_widget_message` blocks with `data-post`, a "more" link to `?before=<id>`), with the
kinds of post a channel has: text with line breaks and links, service posts, a photo alone,
an album with a caption, a forward, a link preview, a reply quoting another post.

In: posts (`Post`) of one channel. Out: the HTML of the page of the 20 posts before a post
(or the newest), and a FeedServer route that answers `?before=`."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from tests.support.feedserver import Reply, Request

PAGE = 20
START = datetime(2026, 12, 1, 8, tzinfo=UTC)


@dataclass
class Post:
    id: int
    text: str = ""
    kind: str = "text"  # text | service | photo | album | forward | preview | reply
    edited: bool = False
    when: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def date(self) -> datetime:
        return self.when or START + timedelta(hours=self.id - 1000)


def _body(post: Post, channel: str, title: str) -> str:
    text = html.escape(post.text).replace("\n", "<br/>")
    if post.kind == "service":
        return (f'<div class="tgme_widget_message service_message js-widget_message" '
                f'data-post="{channel}/{post.id}"><div class="tgme_widget_message_text '
                f'js-message_text">{text}</div></div>')  # fmt: skip
    owner = f'<a class="tgme_widget_message_owner_name" href="https://t.me/{channel}">'
    parts = [f'<div class="tgme_widget_message_author">{owner}<span>{html.escape(title)}'
             "</span></a></div>"]  # fmt: skip
    if post.kind == "forward":
        source = post.extra.get("from", "other")
        parts.append(f'<div class="tgme_widget_message_forwarded_from">Forwarded from <a class="'
                     f'tgme_widget_message_forwarded_from_name" href="https://t.me/{source}/7">'
                     f"<span>{html.escape(source)}</span></a></div>")  # fmt: skip
    if post.kind == "reply":
        parts.append(f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/1"><div '
                     f'class="tgme_widget_message_text js-message_text">'
                     f'{html.escape(post.extra.get("quoted", ""))}</div></a>')  # fmt: skip
    if post.kind in ("photo", "album"):
        count = 3 if post.kind == "album" else 1
        parts.append('<div class="tgme_widget_message_grouped_wrap">' + "".join(
            f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{channel}/{post.id}"'
            f" style=\"background-image:url('https://cdn.example/{post.id}_{i}.jpg')\"></a>"
            for i in range(count)) + "</div>")  # fmt: skip
    if text:
        link = post.extra.get("link")
        if link:
            text += f' <a href="{html.escape(link)}">{html.escape(post.extra["link_text"])}</a>'
        parts.append(f'<div class="tgme_widget_message_text js-message_text">{text}</div>')
    if post.kind == "preview":
        site, head = html.escape(post.extra["site"]), html.escape(post.extra["title"])
        about = html.escape(post.extra["description"])
        parts.append(f'<a class="tgme_widget_message_link_preview" href="{post.extra["url"]}">'
                     f'<div class="link_preview_site_name">{site}</div>'
                     f'<div class="link_preview_title">{head}</div>'
                     f'<div class="link_preview_description">{about}</div></a>')  # fmt: skip
    edited = '<span class="tgme_widget_message_meta">edited </span>' if post.edited else ""
    link = f'<a class="tgme_widget_message_date" href="https://t.me/{channel}/{post.id}">'
    stamp = f'<time datetime="{post.date.isoformat()}" class="time">{post.date:%H:%M}</time>'
    parts.append(f'<div class="tgme_widget_message_footer"><div class="tgme_widget_message_info">'
                 f'{edited}<span class="tgme_widget_message_meta">{link}{stamp}</a></span>'
                 "</div></div>")  # fmt: skip
    return (f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message '
            f'js-widget_message" data-post="{channel}/{post.id}"><div class="tgme_widget_'
            f'message_bubble">{"".join(parts)}</div></div></div>')  # fmt: skip


def page(channel: str, title: str, posts: list[Post], before: int | None = None) -> str:
    ordered = sorted(posts, key=lambda p: p.id)
    if before is not None:
        ordered = [p for p in ordered if p.id < before]
    shown = ordered[-PAGE:]
    more = (f'<div class="tgme_widget_message_centered"><a href="/s/{channel}?before='
            f'{shown[0].id}" class="tme_messages_more" data-before="{shown[0].id}"></a></div>'
            if len(ordered) > len(shown) else "")  # fmt: skip
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta property="og:title" content="{html.escape(title)}"></head><body><main>'
            f'<div class="tgme_channel_info_header_title"><span>{html.escape(title)}</span></div>'
            f'<section class="tgme_channel_history">{more}'
            f'{"".join(_body(p, channel, title) for p in shown)}</section></main></body>'
            "</html>")  # fmt: skip


CARD = ('<!DOCTYPE html><html><head><title>Telegram: Contact @closed</title></head><body>'
        '<div class="tgme_page"><div class="tgme_page_title">closed</div><div class="tgme_page_'
        'action"><a class="tgme_action_button_new" href="tg://resolve?domain=closed">View in '
        "Telegram</a></div></div></body></html>")  # fmt: skip


def route(channel: str, title: str, posts: list[Post]) -> Callable[[Request], Reply]:
    """A FeedServer route for /s/<channel>: the newest page, or the one `?before=`."""

    def answer(request: Request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        before = int(query["before"][0]) if "before" in query else None
        body = page(channel, title, posts, before).encode()
        return Reply(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    return answer
