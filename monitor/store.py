"""The store: feeds' state, articles seen, matches found, digests and the deliveries owed.

In: a SQLAlchemy URL (SQLite by default, PostgreSQL too) and values from the other stages.
Out: the same values read back. Delivery rows are written in the same transaction as the
digest and the matches it carries (a transactional outbox), so an alert is never lost: it
stays owed until a send succeeds, and never repeats: (route, match) is unique.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor import rows, schema
from monitor.batch import Batch, Saved
from monitor.errors import StoreError
from monitor.model import (
    Alert,
    Article,
    Delivery,
    Digest,
    FeedState,
    Match,
)

T = schema  # short alias for the table definitions
__all__ = ["Batch", "Saved", "Store"]


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect and bring the schema up to date."""
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        try:
            engine = schema.create_engine(url)
            schema.migrate(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open database {_redact(url)}: {getattr(exc, 'orig', None) or exc}"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- feeds ---------------------------------------------------------------------------

    def feed_state(self, name: str, config_url: str | None = None) -> FeedState | None:
        """The feed's remembered state; None if unknown or its configured URL was edited."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(T.feeds).where(T.feeds.c.name == name)).first()
        if row is None or (config_url is not None and row.config_url != config_url):
            return None
        return rows.feed_state(row)

    def feed_states(self, configured: dict[str, str] | None = None) -> dict[str, FeedState]:
        """Every feed's state in one query; with `configured` (name -> URL in the config),
        only feeds whose configured URL is unchanged."""
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(T.feeds)).all()
        return {
            row.name: rows.feed_state(row)
            for row in found
            if configured is None or configured.get(row.name) == row.config_url
        }

    def save_feed_state(self, name: str, state: FeedState, config_url: str) -> None:
        values = rows.feed_values(state, config_url)
        with self.engine.begin() as conn:
            updated = conn.execute(sa.update(T.feeds).where(T.feeds.c.name == name), values)
            if updated.rowcount == 0:
                conn.execute(sa.insert(T.feeds), {"name": name, **values})

    # --- articles and matches ------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """One transaction for many articles (a feed's worth): all stored, or none."""
        with self.engine.begin() as conn:
            yield Batch(conn)

    def save_article(self, article: Article, now: datetime) -> Saved:
        with self.batch() as batch:
            return batch.save_article(article, now)

    def save_articles(self, articles: Sequence[Article], now: datetime) -> list[Saved]:
        with self.batch() as batch:
            return batch.save_articles(articles, now)

    def add_matches(self, article_id: int, matches: Sequence[Match], now: datetime) -> list[int]:
        with self.batch() as batch:
            return batch.add_matches(article_id, matches, now)

    def has_article(self, article: Article) -> bool:
        with self.engine.connect() as conn:
            return rows.find_story(conn, article) is not None

    def articles_since(self, since: datetime) -> list[tuple[int, Article]]:
        """Articles first seen at or after `since`, for re-matching with new rules."""
        query = sa.select(T.articles).where(T.articles.c.first_seen >= since)
        with self.engine.connect() as conn:
            return [
                (row.id, rows.article(row)) for row in conn.execute(query.order_by(T.articles.c.id))
            ]

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(T.metadata.tables[table])
                ).scalar_one()
            )

    # --- digests and the outbox ----------------------------------------------------------

    def pending_alerts(self, route: str, rule_ids: set[str] | None) -> list[Alert]:
        """Matches not yet put in a digest of this route (all rules when rule_ids is None)."""
        taken = sa.select(T.digest_items.c.match_id).where(T.digest_items.c.route == route)
        query = rows.alert_select().where(T.matches.c.id.not_in(taken)).order_by(T.matches.c.id)
        if rule_ids is not None:
            query = query.where(T.matches.c.rule_id.in_(sorted(rule_ids)))
        with self.engine.connect() as conn:
            return [rows.with_sources(conn, rows.alert(row)) for row in conn.execute(query)]

    def create_digest(
        self, digest: Digest, targets: Sequence[tuple[str, str]], now: datetime
    ) -> list[Delivery]:
        """Record a digest, claim its matches for the route and owe one delivery per target."""
        with self.engine.begin() as conn:
            digest_id = rows.insert_id(
                conn,
                T.digests,
                {
                    "route": digest.route,
                    "subject": digest.subject,
                    "text": digest.text,
                    "html": digest.html,
                    "created": digest.created,
                },
            )
            conn.execute(
                sa.insert(T.digest_items),
                [
                    {"digest_id": digest_id, "route": digest.route, "match_id": alert.match_id}
                    for alert in digest.alerts
                ],
            )
            deliveries = []
            for channel, target in targets:
                delivery_id = rows.insert_id(
                    conn,
                    T.deliveries,
                    {
                        "digest_id": digest_id,
                        "channel": channel,
                        "target": target,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt": now,
                        "created": now,
                    },
                )
                deliveries.append(Delivery(delivery_id, digest.route, channel, target, digest))
        return deliveries

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        """Owed deliveries whose next attempt has come, oldest first."""
        query = (
            sa.select(
                T.deliveries,
                T.digests.c.route,
                T.digests.c.subject,
                T.digests.c.text,
                T.digests.c.html,
                T.digests.c.created.label("digest_created"),
            )
            .join(T.digests, T.digests.c.id == T.deliveries.c.digest_id)
            .where(T.deliveries.c.status == "pending", T.deliveries.c.next_attempt <= now)
            .order_by(T.deliveries.c.id)
        )
        with self.engine.connect() as conn:
            owed = conn.execute(query).all()
            return [self._delivery(conn, row) for row in owed]

    def _delivery(self, conn: Connection, row: Any) -> Delivery:
        alerts_query = (
            rows.alert_select()
            .join(T.digest_items, T.digest_items.c.match_id == T.matches.c.id)
            .where(T.digest_items.c.digest_id == row.digest_id)
            .order_by(T.matches.c.id)
        )
        alerts = tuple(rows.with_sources(conn, rows.alert(r)) for r in conn.execute(alerts_query))
        digest = Digest(row.route, row.subject, row.text, row.html, row.digest_created, alerts)
        return Delivery(row.id, row.route, row.channel, row.target, digest, row.attempts)

    def mark_sent(self, delivery_id: int, now: datetime) -> None:
        self._update_delivery(
            delivery_id,
            status="sent",
            sent_at=now,
            last_error=None,
            attempts=T.deliveries.c.attempts + 1,
        )

    def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None) -> None:
        """A failed send stays owed until retry_at; with retry_at None it is dead."""
        status = "pending" if retry_at is not None else "dead"
        self._update_delivery(
            delivery_id,
            status=status,
            last_error=error[:2000],
            next_attempt=retry_at,
            attempts=T.deliveries.c.attempts + 1,
        )

    def deliveries(self, statuses: Sequence[str]) -> list[dict[str, Any]]:
        """Rows for `monitor outbox`: pending and dead deliveries with their last error."""
        query = (
            sa.select(T.deliveries, T.digests.c.route)
            .join(T.digests, T.digests.c.id == T.deliveries.c.digest_id)
            .where(T.deliveries.c.status.in_(statuses))
            .order_by(T.deliveries.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def disable_endpoint(self, channel: str, target: str, reason: str, now: datetime) -> None:
        """Stop sending to an endpoint that said it is gone; kept until enabled again."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.delete(T.disabled_endpoints).where(
                    T.disabled_endpoints.c.channel == channel,
                    T.disabled_endpoints.c.target == target,
                )
            )
            conn.execute(
                sa.insert(T.disabled_endpoints),
                {"channel": channel, "target": target, "reason": reason, "since": now},
            )

    def enable_endpoint(self, channel: str, target: str) -> bool:
        """Undo disable_endpoint; True if it was disabled."""
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.delete(T.disabled_endpoints).where(
                    T.disabled_endpoints.c.channel == channel,
                    T.disabled_endpoints.c.target == target,
                )
            )
        return bool(result.rowcount)

    def disabled_endpoints(self) -> dict[tuple[str, str], str]:
        """(channel, target) -> why it was disabled."""
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(T.disabled_endpoints)).all()
        return {(row.channel, row.target): row.reason for row in found}

    def _update_delivery(self, delivery_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(T.deliveries).where(T.deliveries.c.id == delivery_id).values(**values)
            )


def _redact(url: str) -> str:
    """Hide a password in a database URL before it reaches a message or a log."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)
