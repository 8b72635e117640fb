"""Deliveries: digests and the deliveries owed for them, a transactional queue.

In: rendered Digests with their targets, and what each send did. Out: alerts a route has
not carried yet, deliveries claimed for sending, and records for people to read.

A digest, the claim of its matches for the route ((route, match) is unique) and one
delivery row per target are written in one transaction, so an alert is never lost (it stays
owed until a send succeeds) and never put in two digests of a route. Before a send, a
delivery is claimed: it moves from `pending` to `sending` only if it was still pending,
checked by the row count, so two relays (threads or processes) never both send it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.model import Alert, Delivery, DeliveryRecord, Digest, Pending, Source
from monitor.model import DeliveryStatus as S
from monitor.store import rows
from monitor.store import tables as T
from monitor.store.archive import archived_of
from monitor.store.engine import write

D = T.deliveries


# Called inside the transaction that owes a digest's deliveries, with the new delivery ids
# (multi-node mode queues one job per delivery there: store.jobs.JobQueue.owed).
OnOwed = Callable[[Connection, list[int]], None]


class Deliveries:
    def __init__(self, engine: Engine, on_owed: OnOwed | None = None) -> None:
        self._engine, self._on_owed = engine, on_owed

    # --- digests -------------------------------------------------------------------------

    def pending(self, route: str, rule_ids: Collection[str] | None) -> list[Pending]:
        """Matches not yet put in a digest of this route (all rules when rule_ids is None),
        oldest first: a few small values each, so even a flood of matches stays light."""
        taken = sa.select(T.digest_items.c.match_id).where(T.digest_items.c.route == route)
        sources = (
            sa.select(sa.func.count())
            .where(T.article_sources.c.article_id == T.matches.c.article_id)
            .scalar_subquery()
        )
        query = (
            sa.select(
                T.matches.c.id, T.matches.c.rule_id, T.matches.c.name, sources.label("sources"),
                T.articles.c.published,
            )
            .join(T.articles, T.articles.c.id == T.matches.c.article_id)
            .where(T.matches.c.id.not_in(taken))
            .order_by(T.matches.c.id)
        )  # fmt: skip
        if rule_ids is not None:
            query = query.where(T.matches.c.rule_id.in_(sorted(rule_ids)))
        with self._engine.connect() as conn:
            return [Pending(*row) for row in conn.execute(query)]

    def alerts(self, match_ids: Collection[int]) -> list[Alert]:
        """The alerts of these matches in full, each with every source its story was seen
        at: a few queries however many there are."""
        found: list[tuple[int, Alert]] = []
        ids = sorted(set(match_ids))
        with self._engine.connect() as conn:
            for start in range(0, len(ids), rows.CHUNK):
                chunk = ids[start : start + rows.CHUNK]
                query = rows.alert_select().where(T.matches.c.id.in_(chunk))
                found += [(row.a_id, rows.alert(row)) for row in conn.execute(query)]
            sources = _sources(conn, {article_id for article_id, _ in found})
            archived = archived_of(conn, ids)
        alerts = [
            replace(a, sources=sources.get(article_id, ()), archived=archived.get(a.match_id, ()))
            for article_id, a in found
        ]
        return sorted(alerts, key=lambda alert: alert.match_id)

    def create_digest(
        self,
        digest: Digest,
        targets: Sequence[tuple[str, str]],
        now: datetime,
    ) -> list[int] | None:
        """Record a digest, claim its matches for the route and owe one delivery per
        (channel, target); return the delivery ids ([] for a digest without alerts). The
        store's `on_owed` hook runs in the same transaction (multi-node mode queues the
        delivery jobs there, so jobs and rows exist together or not at all).

        None when another process put one of these matches in a digest of the route first:
        nothing is written, and the caller reads the pending alerts again.
        """
        if not digest.match_ids:
            return []
        try:
            with write(self._engine) as conn:
                if _already_taken(conn, digest):
                    return None
                digest_id = _insert_digest(conn, digest)
                owed = [_owe(conn, digest_id, channel, target, now) for channel, target in targets]
                if self._on_owed is not None:
                    self._on_owed(conn, owed)
                return owed
        except sa.exc.IntegrityError:  # PostgreSQL: a concurrent digest committed first
            return None

    def take_slot(self, route: str, slot: datetime, previous: datetime | None) -> bool:
        """Multi-node mode: make `route`'s digest due at `slot` here; True for exactly one
        worker (the row moves from `previous`, or is created when there was none)."""
        slots = T.digest_slots
        try:
            with write(self._engine) as conn:
                if previous is None:  # the route's first slot: whoever inserts it first
                    conn.execute(sa.insert(slots), {"route": route, "slot": slot})
                    return True
                moved = conn.execute(
                    sa.update(slots)
                    .where(slots.c.route == route, slots.c.slot == previous)
                    .values(slot=slot)
                )
                return moved.rowcount == 1
        except sa.exc.IntegrityError:  # another worker inserted the first slot
            return False

    def last_slot(self, route: str) -> datetime | None:
        slots = T.digest_slots
        with self._engine.connect() as conn:
            found = conn.execute(sa.select(slots.c.slot).where(slots.c.route == route)).first()
        return found.slot if found else None

    # --- sending -------------------------------------------------------------------------

    def due(self, now: datetime) -> list[int]:
        """Ids of deliveries to send now: owed and due, or claimed by a relay whose lease
        ran out (it died mid-send), oldest first."""
        with self._engine.connect() as conn:
            return list(
                conn.execute(sa.select(D.c.id).where(_claimable(now)).order_by(D.c.id)).scalars()
            )

    def claim(self, delivery_id: int, now: datetime, lease: timedelta) -> Delivery | None:
        """Take a delivery for sending until `now + lease`; None if another relay has it
        or it is no longer owed. The row count of one guarded UPDATE decides."""
        with write(self._engine) as conn:
            claimed = conn.execute(
                sa.update(D)
                .where(D.c.id == delivery_id, _claimable(now))
                .values(status=S.SENDING.value, lease_until=now + lease)
            )
            if claimed.rowcount != 1:
                return None
            return _delivery(conn, delivery_id)

    def mark_sent(self, delivery_id: int, now: datetime) -> None:
        self._finish(delivery_id, status=S.SENT.value, sent_at=now, last_error=None)

    def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None) -> None:
        """A failed send stays owed until retry_at; with retry_at None it is dead."""
        status = S.PENDING if retry_at is not None else S.DEAD
        self._finish(
            delivery_id, status=status.value, last_error=error[:2000], next_attempt=retry_at
        )

    def release_claims(self, now: datetime) -> int:
        """Return every claimed delivery to the owed ones: for the one process allowed on
        the store, at its start, since a claim it finds was left by a process that died
        mid-send (the send may have happened: at-least-once). Returns how many."""
        with write(self._engine) as conn:
            released = conn.execute(
                sa.update(D)
                .where(D.c.status == S.SENDING.value)
                .values(status=S.PENDING.value, lease_until=None, next_attempt=now)
            )
        return int(released.rowcount)

    def retry(self, delivery_ids: Collection[int] | None, now: datetime) -> int:
        """Owe again given-up deliveries (all dead ones when ids is None); how many."""
        query = sa.update(D).where(D.c.status == S.DEAD.value)
        if delivery_ids is not None:
            query = query.where(D.c.id.in_(sorted(delivery_ids)))
        with write(self._engine) as conn:
            done = conn.execute(query.values(status=S.PENDING.value, next_attempt=now))
        return int(done.rowcount)

    def records(self, statuses: Collection[S]) -> list[DeliveryRecord]:
        """Deliveries with these statuses, oldest first, for people to read."""
        query = (
            sa.select(D, T.digests.c.route)
            .join(T.digests, T.digests.c.id == D.c.digest_id)
            .where(D.c.status.in_(sorted(s.value for s in statuses)))
            .order_by(D.c.id)
        )
        with self._engine.connect() as conn:
            return [rows.delivery_record(row) for row in conn.execute(query)]

    # --- endpoints that answered 410 ---------------------------------------------------

    def disable_endpoint(self, channel: str, target: str, reason: str, now: datetime) -> None:
        """Stop sending to an endpoint that said it is gone; kept until enabled again."""
        with write(self._engine) as conn:
            conn.execute(sa.delete(T.disabled_endpoints).where(*_endpoint(channel, target)))
            conn.execute(
                sa.insert(T.disabled_endpoints),
                {"channel": channel, "target": target, "reason": reason, "since": now},
            )

    def enable_endpoint(self, channel: str, target: str) -> bool:
        """Undo disable_endpoint; True if it was disabled."""
        with write(self._engine) as conn:
            result = conn.execute(
                sa.delete(T.disabled_endpoints).where(*_endpoint(channel, target))
            )
        return bool(result.rowcount)

    def disabled_endpoints(self) -> dict[tuple[str, str], str]:
        """(channel, target) -> why it was disabled."""
        with self._engine.connect() as conn:
            found = conn.execute(sa.select(T.disabled_endpoints)).all()
        return {(row.channel, row.target): row.reason for row in found}

    def _finish(self, delivery_id: int, **values: Any) -> None:
        """Record a send's outcome; only the relay holding the claim gets here."""
        with write(self._engine) as conn:
            conn.execute(
                sa.update(D)
                .where(D.c.id == delivery_id)
                .values(attempts=D.c.attempts + 1, lease_until=None, **values)
            )


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    owed = sa.and_(D.c.status == S.PENDING.value, D.c.next_attempt <= now)
    abandoned = sa.and_(D.c.status == S.SENDING.value, D.c.lease_until < now)
    return sa.or_(owed, abandoned)


def _endpoint(channel: str, target: str) -> tuple[sa.ColumnElement[bool], ...]:
    return (T.disabled_endpoints.c.channel == channel, T.disabled_endpoints.c.target == target)


def _sources(conn: Connection, article_ids: set[int]) -> dict[int, tuple[Source, ...]]:
    """Every source each article was seen at, first seen first."""
    columns = (
        T.article_sources.c.id,
        T.article_sources.c.article_id,
        T.article_sources.c.source,
        T.article_sources.c.url,
    )
    found: dict[int, list[Source]] = {}
    for row in sorted(rows.select_in(conn, columns, T.article_sources.c.article_id, article_ids)):
        found.setdefault(row.article_id, []).append(Source(row.source or "", row.url or None))
    return {article_id: tuple(sources) for article_id, sources in found.items()}


def _already_taken(conn: Connection, digest: Digest) -> bool:
    """Whether one of the digest's matches is in a digest of its route already."""
    items = T.digest_items.c
    ids = list(digest.match_ids)
    for start in range(0, len(ids), rows.CHUNK):
        query = sa.select(items.match_id).where(
            items.route == digest.route, items.match_id.in_(ids[start : start + rows.CHUNK])
        )
        if conn.execute(query.limit(1)).first() is not None:
            return True
    return False


def _insert_digest(conn: Connection, digest: Digest) -> int:
    digest_id = rows.insert_id(conn, T.digests, rows.digest_row(digest))
    if digest.bodies:
        conn.execute(
            sa.insert(T.digest_bodies),
            [{"digest_id": digest_id, "format": f, "body": b} for f, b in digest.bodies.items()],
        )
    conn.execute(
        sa.insert(T.digest_items),
        [{"digest_id": digest_id, "route": digest.route, "match_id": m} for m in digest.match_ids],
    )
    return digest_id


def _owe(conn: Connection, digest_id: int, channel: str, target: str, now: datetime) -> int:
    values = {
        "digest_id": digest_id,
        "channel": channel,
        "target": target,
        "status": S.PENDING.value,
        "attempts": 0,
        "next_attempt": now,
        "created": now,
    }
    return rows.insert_id(conn, D, values)


def _delivery(conn: Connection, delivery_id: int) -> Delivery:
    """A claimed delivery with its digest, every rendered form included."""
    query = (
        sa.select(D, *(c.label(f"d_{c.name}") for c in T.digests.c))
        .join(T.digests, T.digests.c.id == D.c.digest_id)
        .where(D.c.id == delivery_id)
    )
    row = conn.execute(query).one()
    bodies_query = sa.select(T.digest_bodies).where(T.digest_bodies.c.digest_id == row.digest_id)
    bodies = {b.format: bytes(b.body) for b in conn.execute(bodies_query)}
    return rows.delivery(row, bodies)
