"""What the status page shows, ready for its template: store values and query parameters in,
frozen display values out (times as text, links only when http(s), evidence split around
the hit). Pure. The template autoescapes; nothing here marks text as safe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from monitor.model import RuleKind
from monitor.oneline import one_line
from monitor.render import MAX_SNIPPETS, Snippet, safe_url, split_snippet
from monitor.store import Mention, MentionQuery
from monitor.web.status import when

SEARCH_LIMIT = 50
CARD_SNIPPETS = 8  # hits shown per story at most
KINDS = tuple(kind.value for kind in RuleKind)
FIELDS = ("q", "kind", "from", "to")  # the search form's query parameters
MAX_QUERY = 200  # characters of `q`
# Days a search may name: the store holds nothing older than the project, and the day
# after `to` must still be a date.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(9998, 12, 31)


@dataclass(frozen=True)
class RuleTag:
    rule_id: str
    name: str
    kind: str  # "person" or "event"


@dataclass(frozen=True)
class Card:
    """One story as the page shows it, with every rule it mentions among those listed."""

    title: str
    url: str | None  # None unless http(s)
    source: str
    published: str  # "" when the feed gave no date
    found: str  # when the newest of its mentions was recorded
    rules: tuple[RuleTag, ...]
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True)
class SearchForm:
    """The search as asked (echoed back into the form) and the query it makes; `query` is
    None when nothing was asked or a field is wrong (then `errors` says which)."""

    text: str = ""
    kind: str = ""
    since: str = ""  # YYYY-MM-DD, as typed
    until: str = ""
    errors: tuple[str, ...] = ()
    query: MentionQuery | None = None


def cards(mentions: Sequence[Mention]) -> list[Card]:
    """Mentions -> one card per story, in the order of each story's first mention: a story
    naming five people reads once, not five times."""
    by_article: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_article.setdefault(mention.article_id, []).append(mention)
    return [_card(same) for same in by_article.values()]


def _card(mentions: list[Mention]) -> Card:
    first = mentions[0]
    rules = tuple(
        dict.fromkeys(RuleTag(m.rule_id, one_line(m.name), m.kind.value) for m in mentions)
    )
    # One hit per rule when a story names several, so each shows why it is there.
    each = MAX_SNIPPETS if len(mentions) == 1 else 1
    snippets = tuple(dict.fromkeys(split_snippet(e) for m in mentions for e in m.evidence[:each]))
    return Card(
        title=one_line(first.title) or "(no title)",
        url=safe_url(first.url),
        source=one_line(first.source),
        published=when(first.published) if first.published else "",
        found=when(max(m.found for m in mentions)),
        rules=rules,
        snippets=snippets[:CARD_SNIPPETS],
    )


def search_form(params: Mapping[str, str]) -> SearchForm:
    """Read the form's fields: `q` (a person's or event's name, or part), `kind`, `from`
    and `to` (days, both included). Anything else, or a field out of its range, is an
    error the page answers with 400 and shows in the form."""
    text = params.get("q", "").strip()
    kind = params.get("kind", "").strip()
    since, until = params.get("from", "").strip(), params.get("to", "").strip()
    errors = [f"{name}: not a field of this page (fields: {', '.join(FIELDS)})"
              for name in params if name not in FIELDS]  # fmt: skip
    if len(text) > MAX_QUERY:
        errors.append(f"q: at most {MAX_QUERY} characters")
    if kind and kind not in KINDS:
        errors.append(f"kind: choose one of {', '.join(KINDS)}")
    first, first_error = _day(since, "from")
    last, last_error = _day(until, "to")
    errors += [e for e in (first_error, last_error) if e]
    if first and last and first > last:
        errors.append("from: after to")
    asked = bool(text or kind or since or until)
    if errors or not asked:
        return SearchForm(text[:MAX_QUERY], kind, since, until, tuple(errors))
    query = MentionQuery(
        text=text or None,
        kind=RuleKind(kind) if kind else None,
        since=_midnight(first) if first else None,
        until=_midnight(last + timedelta(days=1)) if last else None,
        limit=SEARCH_LIMIT,
    )
    return SearchForm(text, kind, since, until, (), query)


def _day(text: str, name: str) -> tuple[date | None, str | None]:
    if not text:
        return None, None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, f"{name}: expected a date like 2024-04-22"
    if not FIRST_DAY <= day <= LAST_DAY:
        return None, f"{name}: expected a date from {FIRST_DAY} to {LAST_DAY}"
    return day, None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
