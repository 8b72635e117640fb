"""Database tables and their migrations (SQLAlchemy Core).

In: an Engine. Out: the tables, brought to the newest schema version. Migrations are an
ordered list of steps recorded in `schema_version`, all run in one write transaction that
first takes a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two
processes started at the same moment migrate once: the second waits, then finds nothing to
do. A hand-kept list suits an embedded daemon better than a migration framework: nothing
to configure, and the same code path for SQLite and PostgreSQL (both have transactional DDL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine

from monitor.store.engine import write


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
    sa.Column("key", sa.Text),  # the digest's identity in webhook payloads; unique index
    sa.Column("route", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("created", UTCDateTime, nullable=False),
    sa.Index("ix_digests_key", "key", unique=True),
)

# The digest's webhook bodies, rendered once when the digest was made: format -> JSON bytes.
digest_bodies = sa.Table(
    "digest_bodies",
    metadata,
    sa.Column("digest_id", sa.Integer, sa.ForeignKey("digests.id"), nullable=False),
    sa.Column("format", sa.String(32), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("digest_id", "format"),
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
    sa.Column("status", sa.String(16), nullable=False, index=True),  # a DeliveryStatus
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt", UTCDateTime),
    # While `sending`: the claim holds until then; past it another process may take it over.
    sa.Column("lease_until", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("created", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.UniqueConstraint("digest_id", "channel", "target"),  # the idempotency key
)


# Multi-node mode: the last schedule slot each route's digest was made for. A worker takes a
# slot by moving this row from the previous slot (row count 1: it won), so every slot is
# made once whichever worker gets there first.
digest_slots = sa.Table(
    "digest_slots",
    metadata,
    sa.Column("route", sa.Text, primary_key=True),
    sa.Column("slot", UTCDateTime, nullable=False),
)

# Endpoints that told us they are gone (HTTP 410): nothing more is sent there until the user
# removes the row (`monitor deliveries --enable CHANNEL TARGET`).
disabled_endpoints = sa.Table(
    "disabled_endpoints",
    metadata,
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("channel", "target"),
)

# People named beside an arrest or a trial whom no rule names (monitor.discover): one row
# per person (key) and story. The story's link, title and source are kept here, so a
# candidate outlives the article's retention.
candidate_sightings = sa.Table(
    "candidate_sightings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.Text, nullable=False, index=True),
    sa.Column("article_id", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),  # nominative, as this article gives it
    sa.Column("variants", sa.Text, nullable=False),  # JSON list, as written
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("seen", UTCDateTime, nullable=False, index=True),
    sa.UniqueConstraint("key", "article_id"),
)

candidate_dismissals = sa.Table(
    "candidate_dismissals",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("dismissed", UTCDateTime, nullable=False),
)

# Evidence (monitor.evidence): the HTTP exchange of each document a match was found in, once
# per URL and body. The body itself is kept by its SHA-256: in the data folder beside an
# SQLite database, or in `evidence_bodies` on PostgreSQL. `missing` says why a body could
# not be kept (its hash still is). `state` is what the last re-check found.
evidence_exchanges = sa.Table(
    "evidence_exchanges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("feed", sa.Text, nullable=False),
    sa.Column("fetched", UTCDateTime, nullable=False),
    sa.Column("archived", UTCDateTime, nullable=False, index=True),
    sa.Column("exchange", sa.Text),  # JSON of model.Exchange; none for a local file
    sa.Column("content_type", sa.Text),
    sa.Column("charset", sa.Text),
    sa.Column("missing", sa.Text),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("checked", UTCDateTime),
    sa.Column("checks", sa.Integer, nullable=False),
    sa.Column("next_check", UTCDateTime, index=True),
    sa.UniqueConstraint("url", "sha256"),
)

# Which archived documents each match was found in.
evidence_links = sa.Table(
    "evidence_links",
    metadata,
    sa.Column("match_id", sa.Integer, sa.ForeignKey("matches.id"), nullable=False),
    sa.Column("exchange_id", sa.Integer, sa.ForeignKey("evidence_exchanges.id"), nullable=False),
    sa.PrimaryKeyConstraint("match_id", "exchange_id"),
    sa.Index("ix_evidence_links_exchange", "exchange_id"),
)

# Each change of state a re-check found (unchanged -> changed, -> removed...).
evidence_checks = sa.Table(
    "evidence_checks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("exchange_id", sa.Integer, sa.ForeignKey("evidence_exchanges.id"), nullable=False),
    sa.Column("checked", UTCDateTime, nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("previous", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Index("ix_evidence_checks_exchange", "exchange_id"),
)

evidence_bodies = sa.Table(
    "evidence_bodies",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("body", sa.LargeBinary, nullable=False),
)

# What the stored articles of the last weeks taught about each listed surname
# (monitor.match.standing); replaced whole at each learning.
standings = sa.Table(
    "standings",
    metadata,
    sa.Column("rule_id", sa.Text, primary_key=True),
    sa.Column("surname", sa.Text, nullable=False),
    sa.Column("named", sa.Integer, nullable=False),
    sa.Column("others", sa.Integer, nullable=False),
    sa.Column("lower", sa.Integer, nullable=False),
    sa.Column("seen", sa.Integer, nullable=False),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("learned", UTCDateTime, nullable=False),
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


def _v2(conn: Connection) -> None:
    """Claims with a lease, digest keys and bodies rendered once; Bcc is a target, not a
    channel of its own."""
    _add_column(conn, deliveries, deliveries.c.lease_until)
    _add_column(conn, digests, digests.c.key)
    legacy_key = sa.literal("d") + sa.cast(digests.c.id, sa.Text)
    conn.execute(sa.update(digests).where(digests.c.key.is_(None)).values(key=legacy_key))
    conn.execute(sa.text("CREATE UNIQUE INDEX IF NOT EXISTS ix_digests_key ON digests (key)"))
    digest_bodies.create(conn, checkfirst=True)
    conn.execute(
        sa.update(deliveries).where(deliveries.c.channel == "email-bcc").values(channel="email")
    )


def _add_column(conn: Connection, table: sa.Table, column: sa.Column[Any]) -> None:
    """ALTER TABLE ADD COLUMN, unless the table already has it (_v1 creates tables from the
    current definitions, so a new database has every column from the start)."""
    present = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    if column.name not in present:
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))


def _v3(conn: Connection) -> None:
    """Digest schedule slots for multi-node mode."""
    digest_slots.create(conn, checkfirst=True)


def _v4(conn: Connection) -> None:
    """Candidates: people beside arrests and trials who are on no list yet."""
    candidate_sightings.create(conn, checkfirst=True)
    candidate_dismissals.create(conn, checkfirst=True)


def _v5(conn: Connection) -> None:
    """Evidence: archived exchanges, their links to matches, re-checks and bodies."""
    for table in (evidence_exchanges, evidence_links, evidence_checks, evidence_bodies):
        table.create(conn, checkfirst=True)


def _v6(conn: Connection) -> None:
    """What stored articles taught about listed surnames."""
    standings.create(conn, checkfirst=True)


# Once a version has shipped, never edit its step: append a new one, so every existing
# database reaches the same schema.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6]
# PostgreSQL advisory lock key for migrations ("monitor" in ASCII, as a 64-bit number).
_MIGRATION_LOCK = 0x6D6F6E69746F72


def migrate(engine: Engine) -> int:
    """Apply every migration not yet recorded; return the schema version now in force."""
    with write(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        schema_version.create(conn, checkfirst=True)
        done = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
        if done > len(MIGRATIONS):
            raise sa.exc.InvalidRequestError(
                f"database schema version {done} is newer than this monitor "
                f"({len(MIGRATIONS)}); upgrade monitor"
            )
        for version, step in enumerate(MIGRATIONS[done:], start=done + 1):
            step(conn)
            conn.execute(
                sa.insert(schema_version), {"version": version, "applied": datetime.now(UTC)}
            )
    return len(MIGRATIONS)
