"""Rows <-> values: how the store's tables map to the model's dataclasses.

In: SQLAlchemy rows, or model values. Out: the other. Used inside the store package only,
so its classes read as the list of what can be stored and asked.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from monitor.model import (
    Alert,
    Article,
    Delivery,
    DeliveryRecord,
    DeliveryStatus,
    Digest,
    Evidence,
    FeedState,
    Match,
    RuleKind,
)
from monitor.store import tables as T

V = TypeVar("V")


def insert_id(conn: Connection, table: sa.Table, values: dict[str, Any]) -> int:
    key = conn.execute(sa.insert(table), values).inserted_primary_key
    assert key is not None
    return int(key[0])


def article_row(article: Article, now: datetime) -> dict[str, Any]:
    """The article's fields, its derived identity values and when it was seen."""
    derived = {k: getattr(article, k) for k in ("key", "fingerprint", "content_hash")}
    return {**values_of(article), **derived, "first_seen": now, "last_seen": now}


def article(row: Any) -> Article:
    return build(Article, row._mapping)


def build(cls: type[V], mapping: Mapping[str, Any], **overrides: Any) -> V:
    """A dataclass from the same-named columns of a row (`overrides` win)."""
    names = {f.name for f in dataclasses.fields(cls)} - set(overrides)  # type: ignore[arg-type]
    return cls(**{name: mapping[name] for name in names if name in mapping}, **overrides)


def values_of(value: Any) -> dict[str, Any]:
    """A dataclass's fields by name, for an INSERT or UPDATE (not deep-copied)."""
    return {name: getattr(value, name) for name in _field_names(value.__class__)}


@functools.cache
def _field_names(cls: Any) -> tuple[str, ...]:
    """A dataclass's field names (dataclasses.fields is slow enough to show per row)."""
    return tuple(f.name for f in dataclasses.fields(cls))


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


def alert(row: Any) -> Alert:
    match = Match(row.rule_id, RuleKind(row.kind), row.match_name, evidence_from(row.evidence))
    fields = {k[2:]: v for k, v in row._mapping.items() if k.startswith("a_")}
    return Alert(match_id=row.match_id, article=build(Article, fields), match=match)


def evidence_json(evidence: Iterable[Evidence]) -> str:
    return json.dumps([e.__dict__ for e in evidence], ensure_ascii=False)


def evidence_from(text: str) -> tuple[Evidence, ...]:
    """Stored evidence (JSON keeps tuples as lists; rows from before `basis` have none)."""
    return tuple(
        Evidence(**{**item, "basis_terms": tuple(item.get("basis_terms", ()))})
        for item in json.loads(text)
    )


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
    return build(FeedState, row._mapping, usual_gap=gap)


def feed_values(state: FeedState, config_url: str) -> dict[str, Any]:
    gap = state.usual_gap.total_seconds() if state.usual_gap else None
    return {**values_of(state), "usual_gap": gap, "config_url": config_url}


def delivery_record(row: Any) -> DeliveryRecord:
    """A deliveries row joined with its digest's route."""
    return build(DeliveryRecord, row._mapping, status=DeliveryStatus(row.status))


# Bound parameters per `IN (...)`: far below SQLite's limit, large enough for any feed.
CHUNK = 500


def select_in(
    conn: Connection,
    columns: Iterable[sa.ColumnElement[Any]],
    column: sa.Column[Any],
    values: Iterable[Any],
) -> list[Any]:
    """Rows whose `column` is one of `values`, asked in chunks of CHUNK."""
    wanted = sorted(set(values))
    found: list[Any] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found += conn.execute(sa.select(*columns).where(column.in_(chunk))).all()
    return found


def digest_row(digest: Digest) -> dict[str, Any]:
    values = values_of(digest)
    return {key: values[key] for key in ("key", "route", "subject", "text", "html", "created")}


def delivery(row: Any, bodies: Mapping[str, bytes]) -> Delivery:
    """A deliveries row joined with its digest's columns (prefixed `d_`)."""
    fields = {k[2:]: v for k, v in row._mapping.items() if k.startswith("d_")}
    digest = build(Digest, fields, bodies=dict(bodies))
    return Delivery(row.id, digest.route, row.channel, row.target, digest, row.attempts)
