"""Render a digest: alerts for one route in, a ``Digest`` (subject, text, HTML) out.

Pure: no clock, no network. Templates are Jinja2, always rendered in a sandbox because a
user's ``templates_dir`` may override any of the defaults in ``monitor/templates/``. Their
fixed words come from ``templates/texts.toml`` in the route's language (en, ru, be).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from monitor.errors import ConfigError
from monitor.model import Alert, Article, Digest, Evidence, Priority, Source

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATES = ("subject.txt.j2", "digest.txt.j2", "digest.html.j2")
LANGUAGES = ("en", "ru", "be")
SUBJECT_LIMIT = 150
SNIPPET_CONTEXT = 160  # characters kept on each side of the hit
MAX_SNIPPETS = 3  # per story: enough to see why, short enough to scan
# C0/C1 controls and Unicode line/paragraph separators: none may reach a header or a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Footer:
    """Health news shown under the stories, so problems are seen where people look."""

    failing_feeds: tuple[str, ...] = ()
    rule_errors: tuple[str, ...] = ()
    dead_deliveries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Texts:
    """The fixed words of one language: ``words[key]`` and ``plural(n, key)`` for templates."""

    language: str
    words: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]

    def plural(self, n: int, key: str) -> str:
        """'4 new mentions', '4 новых упоминания': the form the number asks for."""
        forms = self.plurals.get(key)
        if forms is None:
            raise jinja2.UndefinedError(f"no plural text {key!r} (known: {sorted(self.plurals)})")
        return forms[plural_form(self.language, n)].format(n=n)


@dataclass(frozen=True)
class Snippet:
    """The sentence around a hit, split so templates can highlight ``hit``."""

    before: str
    hit: str
    after: str
    variant: str
    reason: str


@dataclass(frozen=True)
class Story:
    title: str
    url: str | None
    sources: tuple[Source, ...]
    published: str  # already in the route's time zone; "" when unknown
    snippets: tuple[Snippet, ...]
    published_at: datetime | None = None


@dataclass(frozen=True)
class Group:
    """All stories of one rule (a person or an event)."""

    rule_id: str
    name: str
    kind: str
    high: bool
    stories: tuple[Story, ...]


def render_digest(
    route: str,
    alerts: Sequence[Alert],
    now: datetime,
    *,
    timezone: str = "UTC",
    footer: Footer | None = None,
    templates_dir: Path | None = None,
    language: str = "en",
) -> Digest:
    """Render the subject, plain text and HTML of one route's digest."""
    zone = ZoneInfo(timezone)
    groups = group_alerts(alerts, zone)
    words = texts(language)
    context = {
        "language": language,
        "t": words.words,
        "plural": words.plural,
        "route": one_line(route),
        "created": local_time(now, zone),
        "timezone": timezone,
        "count": sum(len(group.stories) for group in groups),
        "names": [group.name for group in groups],
        "groups": groups,
        "footer": footer or Footer(),
    }
    env = _environment(templates_dir)
    subject = shorten(one_line(_render(env, "subject.txt.j2", context)), SUBJECT_LIMIT)
    text = _render(env, "digest.txt.j2", context)
    html = _render(env, "digest.html.j2", context)
    return Digest(route, subject, text, html, now, tuple(alerts))


def texts(language: str) -> Texts:
    """The fixed words of ``language``; ConfigError for a language we have no words for."""
    if language not in LANGUAGES:
        raise ConfigError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    table = _text_tables()[language]
    words = {key: value for key, value in table.items() if isinstance(value, str)}
    plurals = {key: tuple(value) for key, value in table.items() if isinstance(value, list)}
    return Texts(language, words, plurals)


@functools.cache
def _text_tables() -> dict[str, dict[str, str | list[str]]]:
    text = (DEFAULT_TEMPLATES / "texts.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def plural_form(language: str, n: int) -> int:
    """Index of the plural form: en one/other; ru, be one/few/many (CLDR rules)."""
    if language == "en":
        return 0 if n == 1 else 1
    if n % 10 == 1 and n % 100 != 11:
        return 0
    return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2


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
    return Story(one_line(first.title), url, sources, when, snippets, published)


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
    if at < 0:
        return Snippet(_clip_right(snippet), "", "", variant, reason)
    before, after = snippet[:at], snippet[at + len(hit) :]
    return Snippet(
        _clip_left(before), snippet[at : at + len(hit)], _clip_right(after), variant, reason
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


def one_line(text: str) -> str:
    """Control characters and line breaks become spaces; runs of space collapse."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def shorten(text: str, limit: int) -> str:
    """Cut at the last ', ' (else space) that fits and end with '…'."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for separator in (", ", " "):
        if (at := head.rfind(separator)) > limit // 2:
            return head[:at] + (", …" if separator == ", " else " …")
    return head + "…"


def _render(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateError as exc:
        where = (
            f"{exc.filename}:{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else name
        )
        raise ConfigError(f"template {where}: {exc.message or exc}") from exc


def _environment(templates_dir: Path | None) -> SandboxedEnvironment:
    if templates_dir is not None and not templates_dir.is_dir():
        raise ConfigError(f"templates_dir: {templates_dir} is not a folder")
    return _cached_environment(templates_dir)


@functools.lru_cache(maxsize=8)
def _cached_environment(templates_dir: Path | None) -> SandboxedEnvironment:
    search = [str(templates_dir)] if templates_dir else []
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([*search, str(DEFAULT_TEMPLATES)]),
        autoescape=_is_html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _is_html(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html", ".html.j2", ".htm"))
