"""Database tables and their migrations (SQLAlchemy Core).

In: an Engine. Out: the tables, brought to the newest schema version. Migrations are an
ordered list of steps recorded in `schema_version`; each runs once, in its own transaction.
A hand-kept list suits an embedded single-writer daemon better than a migration framework:
nothing to configure, and the same code path for SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none) and always reads back aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass aware UTC times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied", UTCDateTime, nullable=False),
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("config_url", sa.Text, nullable=False),  # as written in the config
    sa.Column("url", sa.Text, nullable=False),  # in use: differs after a permanent redirect
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("content_hash", sa.Text),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("last_success", UTCDateTime),
    sa.Column("next_check", UTCDateTime),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("failing_since", UTCDateTime),
    sa.Column("last_new", UTCDateTime),
    sa.Column("usual_gap", sa.Float),  # seconds
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("url", sa.Text),
    sa.Column("guid", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("published", UTCDateTime),
    sa.Column("updated", UTCDateTime),
    sa.Column("language", sa.Text),
    sa.Column("feed", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("fingerprint", sa.String(64), index=True),  # body text, for cross-feed dedup
    sa.Column("first_seen", UTCDateTime, nullable=False, index=True),
    sa.Column("last_seen", UTCDateTime, nullable=False),
)

# Every feed a story was seen in; the digest lists them all under one alert.
article_sources = sa.Table(
    "article_sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("feed", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    # Serves both "is this source known" on every save and "list the sources" per alert.
    sa.UniqueConstraint("article_id", "source", "url"),
)

matches = sa.Table(
    "matches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("rule_id", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),  # JSON list of Evidence
    sa.Column("created", UTCDateTime, nullable=False),
    sa.UniqueConstraint("article_id", "rule_id"),
)

digests = sa.Table(
    "digests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("route", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("created", UTCDateTime, nullable=False),
)

# A match enters at most one digest per route: this constraint is what makes "never twice".
digest_items = sa.Table(
    "digest_items",
    metadata,
    sa.Column("digest_id", sa.Integer, sa.ForeignKey("digests.id"), nullable=False),
    sa.Column("route", sa.Text, nullable=False),
    sa.Column("match_id", sa.Integer, sa.ForeignKey("matches.id"), nullable=False),
    sa.PrimaryKeyConstraint("route", "match_id"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("digest_id", sa.Integer, sa.ForeignKey("digests.id"), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # pending | sent | dead
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("created", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.UniqueConstraint("digest_id", "channel", "target"),  # the idempotency key
)


# Endpoints that told us they are gone (HTTP 410): nothing more is sent there until the user
# removes the row (`monitor outbox --enable CHANNEL TARGET`).
disabled_endpoints = sa.Table(
    "disabled_endpoints",
    metadata,
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("channel", "target"),
)


def _v1(conn: Connection) -> None:
    for table in (
        feeds,
        articles,
        article_sources,
        matches,
        digests,
        digest_items,
        deliveries,
        disabled_endpoints,
    ):
        table.create(conn, checkfirst=True)


# Once a version has shipped, never edit its step: append a new one (e.g. _v2 adding a
# column with op-free DDL), so every existing database reaches the same schema.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1]


def migrate(engine: Engine) -> int:
    """Apply every migration not yet recorded; return the schema version now in force."""
    with engine.begin() as conn:
        schema_version.create(conn, checkfirst=True)
        done = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
    if done > len(MIGRATIONS):
        raise sa.exc.InvalidRequestError(
            f"database schema version {done} is newer than this monitor ({len(MIGRATIONS)});"
            " upgrade monitor"
        )
    for version, step in enumerate(MIGRATIONS[done:], start=done + 1):
        with engine.begin() as conn:
            step(conn)
            conn.execute(
                sa.insert(schema_version), {"version": version, "applied": datetime.now(UTC)}
            )
    return len(MIGRATIONS)


def create_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a long-running daemon."""
    engine = sa.create_engine(url, **engine_options(url))
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # WAL lets `monitor feeds` read while the daemon writes; synchronous=NORMAL is still
    # crash-safe in WAL mode (a power cut loses at most the last commits, never corrupts)
    # and saves an fsync per transaction, which dominates a first poll of many feeds.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def engine_options(url: str) -> dict[str, Any]:
    """SQLite: wait for locks instead of failing, since scheduler threads share the file."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}
