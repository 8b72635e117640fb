"""Rows <-> values: how the store's tables map to the model's dataclasses.

In: SQLAlchemy rows and connections, or model values. Out: the other. Used by store.py only;
kept apart so the Store class reads as the list of what can be stored and asked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from monitor import schema as T
from monitor.model import Alert, Article, Evidence, FeedState, Match, RuleKind, Source


def insert_id(conn: Connection, table: sa.Table, values: dict[str, Any]) -> int:
    key = conn.execute(sa.insert(table), values).inserted_primary_key
    assert key is not None
    return int(key[0])


def find_story(conn: Connection, article: Article) -> Any:
    """The stored article this one is: same key, else (another feed) the same body text."""
    columns = (T.articles.c.id, T.articles.c.key, T.articles.c.content_hash)
    row = conn.execute(sa.select(*columns).where(T.articles.c.key == article.key)).first()
    if row is None and (fingerprint := article.fingerprint):
        query = sa.select(*columns).where(T.articles.c.fingerprint == fingerprint).limit(1)
        row = conn.execute(query).first()
    return row


def add_source(conn: Connection, article_id: int, article: Article) -> None:
    known = conn.execute(
        sa.select(T.article_sources.c.article_id).where(
            T.article_sources.c.article_id == article_id,
            T.article_sources.c.source == article.source,
            T.article_sources.c.url == (article.url or ""),
        )
    ).first()
    if known is None:
        conn.execute(
            sa.insert(T.article_sources),
            {
                "article_id": article_id,
                "feed": article.feed,
                "source": article.source,
                "url": article.url or "",
            },
        )


def article_row(article: Article, now: datetime) -> dict[str, Any]:
    return {
        "fingerprint": article.fingerprint,
        "key": article.key,
        "url": article.url,
        "guid": article.guid,
        "title": article.title,
        "text": article.text,
        "source": article.source,
        "author": article.author,
        "published": article.published,
        "updated": article.updated,
        "language": article.language,
        "feed": article.feed,
        "content_hash": article.content_hash,
        "first_seen": now,
        "last_seen": now,
    }


def article(row: Any) -> Article:
    return article_from(dict(row._mapping))


def article_from(fields: dict[str, Any]) -> Article:
    names = (
        "title",
        "text",
        "url",
        "guid",
        "source",
        "author",
        "published",
        "updated",
        "language",
        "feed",
    )
    return Article(**{name: fields[name] for name in names})


def alert_select() -> sa.Select[Any]:
    """Matches joined to their articles; article columns carry an `a_` prefix."""
    return sa.select(
        T.matches.c.id.label("match_id"),
        T.matches.c.rule_id,
        T.matches.c.kind,
        T.matches.c.name.label("match_name"),
        T.matches.c.evidence,
        *(column.label(f"a_{column.name}") for column in T.articles.c),
    ).join(T.articles, T.articles.c.id == T.matches.c.article_id)


def with_sources(conn: Connection, alert: Alert) -> Alert:
    """Every feed the story was seen in, first seen first."""
    query = (
        sa.select(T.article_sources.c.source, T.article_sources.c.url)
        .join(T.matches, T.matches.c.article_id == T.article_sources.c.article_id)
        .where(T.matches.c.id == alert.match_id)
        .order_by(T.article_sources.c.id)
    )
    sources = tuple(Source(row.source or "", row.url or None) for row in conn.execute(query))
    return replace(alert, sources=sources)


def alert(row: Any) -> Alert:
    match = Match(row.rule_id, RuleKind(row.kind), row.match_name, evidence_from(row.evidence))
    fields = {k[2:]: v for k, v in row._mapping.items() if k.startswith("a_")}
    return Alert(match_id=row.match_id, article=article_from(fields), match=match)


def evidence_json(evidence: Iterable[Evidence]) -> str:
    return json.dumps([e.__dict__ for e in evidence], ensure_ascii=False)


def evidence_from(text: str) -> tuple[Evidence, ...]:
    return tuple(Evidence(**item) for item in json.loads(text))


def match_row(article_id: int, match: Match, now: datetime) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "rule_id": match.rule_id,
        "kind": match.kind.value,
        "name": match.name,
        "evidence": evidence_json(match.evidence),
        "created": now,
    }


def feed_state(row: Any) -> FeedState:
    gap = timedelta(seconds=row.usual_gap) if row.usual_gap is not None else None
    return FeedState(
        url=row.url,
        etag=row.etag,
        last_modified=row.last_modified,
        content_hash=row.content_hash,
        failures=row.failures,
        last_error=row.last_error,
        last_success=row.last_success,
        next_check=row.next_check,
        disabled=row.disabled,
        failing_since=row.failing_since,
        last_new=row.last_new,
        usual_gap=gap,
    )


def feed_values(state: FeedState, config_url: str) -> dict[str, Any]:
    return {
        "config_url": config_url,
        "url": state.url,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "content_hash": state.content_hash,
        "failures": state.failures,
        "last_error": state.last_error,
        "last_success": state.last_success,
        "next_check": state.next_check,
        "disabled": state.disabled,
        "failing_since": state.failing_since,
        "last_new": state.last_new,
        "usual_gap": state.usual_gap.total_seconds() if state.usual_gap else None,
    }
