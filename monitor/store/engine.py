"""Connections to the store's database: a URL in, a SQLAlchemy Engine tuned for a daemon out.

SQLite and PostgreSQL take the same code path. Reads open a plain transaction; writes go
through `write()`, which on SQLite starts with BEGIN IMMEDIATE: a deferred transaction that
reads first and writes later can fail at once with "database is locked" when another
process wrote meanwhile, while an immediate one waits for its turn (busy timeout).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# How long a SQLite writer waits for another one before "database is locked".
SQLITE_BUSY_SECONDS = 30
_WRITE = "monitor_write"


def sqlalchemy_url(url: str) -> str:
    """The URL SQLAlchemy needs: plain postgresql:// means the psycopg 3 driver."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def sqlite_path(url: str) -> Path | None:
    """The database file of a sqlite:/// URL (a `file:` URI too, e.g. with ?mode=ro); None
    for PostgreSQL and in-memory SQLite."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    path = url.removeprefix("sqlite:///")
    return Path(urlsplit(path).path if path.startswith("file:") else path)


def error_text(exc: BaseException) -> str:
    """The first line of the driver's own message (no SQL, no parameters) for a log line or
    a readiness answer; the exception's type when it says nothing."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def redact(url: str) -> str:
    """Hide a password in a database URL before it reaches a message or a log."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def create_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a long-running daemon."""
    url = sqlalchemy_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}
        )
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on an error."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def upsert(conn: Connection, table: sa.Table) -> Any:
    """An INSERT that can say what to do on a conflict (`on_conflict_do_nothing` /
    `_do_update`), in the connection's dialect: where two processes may insert the same row,
    the store arbitrates. The dialects' modules are imported here, only by those who need it."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # The driver's own transaction handling is off so that `_sqlite_begin` decides how each
    # transaction starts. WAL lets readers (`monitor feeds`) work while the daemon writes;
    # synchronous=NORMAL is still crash-safe in WAL mode (a power cut loses at most the last
    # commits, never corrupts) and saves an fsync per transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
