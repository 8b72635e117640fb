"""Read-only reports for people: the store in, frozen values for the status page and CLI out.

Latest mentions, a search over stored mentions, mentions per rule per day, and the deliveries
at a glance; a few set-based queries each, the same on SQLite and PostgreSQL. Writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.model import DeliveryRecord, DeliveryStatus, Evidence, RuleKind
from monitor.store import rows
from monitor.store import tables as T

M, A, D = T.matches, T.articles, T.deliveries
MAX_LIMIT = 500  # rows a report returns at most, whatever the caller asks
DEAD_SHOWN = 20  # given-up deliveries listed (all are counted)


@dataclass(frozen=True)
class Mention:
    """A stored match as people read it: the rule, why it matched, and its article."""

    match_id: int
    article_id: int
    rule_id: str
    kind: RuleKind
    name: str  # the rule's name when it matched
    evidence: tuple[Evidence, ...]
    found: datetime  # when monitor recorded the match
    title: str
    url: str | None
    source: str  # publisher, else the feed's name
    published: datetime | None


@dataclass(frozen=True)
class MentionQuery:
    """A search over stored mentions; every criterion given must hold. `text` is a
    case-insensitive part of the rule's name or id, or names one of the rules in `named`
    (those the caller found spelled by it in another script or form); the dates bound the
    mention's day (published, else first seen): `since` inclusive, `until` exclusive."""

    rule_id: str | None = None
    text: str | None = None
    named: frozenset[str] = frozenset()
    kind: RuleKind | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50


@dataclass(frozen=True)
class DailyMentions:
    """One rule's mentions per UTC day: counts[0] is `first_day`, one count per day."""

    rule_id: str
    name: str
    first_day: date
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class DeliverySummary:
    """Deliveries by status, when the next owed one is tried, and the newest given up."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    dead: int = 0
    next_attempt: datetime | None = None  # earliest among the pending ones
    dead_records: tuple[DeliveryRecord, ...] = ()  # newest first, at most DEAD_SHOWN
    # Owed deliveries whose last attempt failed (they will be tried again), newest first.
    retrying: tuple[DeliveryRecord, ...] = ()


class Reports:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def latest(self, limit: int = 20) -> list[Mention]:
        """The newest matches recorded, newest first."""
        query = _mentions().order_by(M.c.created.desc(), M.c.id.desc()).limit(_cap(limit))
        with self._engine.connect() as conn:
            return [_mention(row) for row in conn.execute(query)]

    def search(self, wanted: MentionQuery) -> list[Mention]:
        """Stored mentions that meet every criterion, newest mention first."""
        with self._engine.connect() as conn:
            query = _filtered(conn, _mentions(), wanted)
            if query is None:
                return []
            query = query.order_by(_mentioned().desc(), M.c.id.desc()).limit(_cap(wanted.limit))
            return [_mention(row) for row in conn.execute(query)]

    def daily(self, now: datetime, days: int = 90) -> list[DailyMentions]:
        """Mentions per rule per UTC day over the `days` days up to `now`'s, busiest first."""
        first = now.date() - timedelta(days=days - 1)
        mentioned = _mentioned()
        day = sa.func.date(mentioned, type_=sa.Date).label("day")
        end = _midnight(now.date() + timedelta(days=1))  # a feed's future dates left out
        query = (
            sa.select(M.c.rule_id, day, sa.func.count().label("n"), sa.func.max(M.c.name))
            .join(A, A.c.id == M.c.article_id)
            .where(mentioned >= _midnight(first), mentioned < end)
            .group_by(M.c.rule_id, day)
        )
        with self._engine.connect() as conn:
            found = conn.execute(query).all()
        return _per_rule(found, first, days)

    def deliveries(self) -> DeliverySummary:
        """Deliveries counted by status, the next attempt due, the newest dead ones."""
        counts = sa.select(D.c.status, sa.func.count()).group_by(D.c.status)
        pending = D.c.status == DeliveryStatus.PENDING.value
        soonest = sa.select(sa.func.min(D.c.next_attempt)).where(pending)
        dead = (
            sa.select(D, T.digests.c.route)
            .join(T.digests, T.digests.c.id == D.c.digest_id)
            .where(D.c.status == DeliveryStatus.DEAD.value)
            .order_by(D.c.id.desc())
            .limit(DEAD_SHOWN)
        )
        with self._engine.connect() as conn:
            by_status = {str(status): int(n) for status, n in conn.execute(counts)}
            next_attempt = conn.execute(soonest).scalar()
            records = tuple(rows.delivery_record(row) for row in conn.execute(dead))
        return DeliverySummary(
            **{s.value: by_status.get(s.value, 0) for s in DeliveryStatus},
            next_attempt=next_attempt,
            dead_records=records,
            retrying=self.retrying(),
        )

    def retrying(self, channel: str | None = None) -> tuple[DeliveryRecord, ...]:
        """Owed deliveries whose last attempt failed (of one channel, if given), newest
        first: they will be tried again."""
        query = (
            sa.select(D, T.digests.c.route)
            .join(T.digests, T.digests.c.id == D.c.digest_id)
            .where(D.c.status == DeliveryStatus.PENDING.value, D.c.last_error.is_not(None))
            .order_by(D.c.id.desc())
            .limit(DEAD_SHOWN)
        )
        if channel is not None:
            query = query.where(D.c.channel == channel)
        with self._engine.connect() as conn:
            return tuple(rows.delivery_record(row) for row in conn.execute(query))


def _mentioned() -> sa.ColumnElement[datetime]:
    """When a mention happened: its article's publication, else when monitor first saw it."""
    return sa.func.coalesce(A.c.published, A.c.first_seen)


def _mentions() -> sa.Select[Any]:
    """Matches with the article columns a reader needs (the body text left out)."""
    return sa.select(
        M.c.id, M.c.article_id, M.c.rule_id, M.c.kind, M.c.name, M.c.evidence, M.c.created,
        A.c.title, A.c.url, A.c.source, A.c.feed, A.c.published,
    ).join(A, A.c.id == M.c.article_id)  # fmt: skip


def _filtered(
    conn: Connection, query: sa.Select[Any], wanted: MentionQuery
) -> sa.Select[Any] | None:
    """The query narrowed to the criteria; None when no rule's name or id has the text."""
    if wanted.rule_id is not None:
        query = query.where(M.c.rule_id == wanted.rule_id)
    if wanted.kind is not None:
        query = query.where(M.c.kind == wanted.kind.value)
    if wanted.since is not None:
        query = query.where(_mentioned() >= wanted.since)
    if wanted.until is not None:
        query = query.where(_mentioned() < wanted.until)
    if wanted.text:
        rule_ids = _rules_named(conn, wanted.text) | wanted.named
        if not rule_ids:
            return None
        query = query.where(M.c.rule_id.in_(sorted(rule_ids)))
    return query


def _rules_named(conn: Connection, text: str) -> set[str]:
    """Rule ids whose id or name (as matched) contains the text, caseless. Done here, not
    with SQL LIKE: SQLite folds the case of ASCII letters only, and names are Cyrillic too.
    There are as many (rule, name) pairs as rules, so the list is short."""
    needle = text.strip().casefold()
    pairs = conn.execute(sa.select(M.c.rule_id, M.c.name).distinct()).all()
    return {rule_id for rule_id, name in pairs if needle in f"{rule_id}\n{name}".casefold()}


def _per_rule(found: Sequence[Any], first: date, days: int) -> list[DailyMentions]:
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for rule_id, day, n, name in found:
        at = (_as_date(day) - first).days
        counts.setdefault(rule_id, [0] * days)[at] += int(n)
        names[rule_id] = max(names.get(rule_id, ""), name)
    series = [DailyMentions(r, names[r], first, tuple(c)) for r, c in counts.items()]
    return sorted(series, key=lambda s: (-s.total, s.name.casefold(), s.rule_id))


def _as_date(value: date | str) -> date:
    """SQLite may hand back the day as text; PostgreSQL gives a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _mention(row: Any) -> Mention:
    return Mention(
        match_id=row.id,
        article_id=row.article_id,
        rule_id=row.rule_id,
        kind=RuleKind(row.kind),
        name=row.name,
        evidence=rows.evidence_from(row.evidence),
        found=row.created,
        title=row.title,
        url=row.url,
        source=row.source or row.feed,
        published=row.published,
    )


def _cap(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))
