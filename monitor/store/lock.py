"""One running monitor per store: a database URL in, a held lock (or a clear refusal) out.

Two daemons on one store would poll every feed twice and race each other to every send.
The claim on each delivery already stops a double send; this lock stops the second process
at its start, with a message that says which process holds the store and what to do.

SQLite: an advisory file lock (flock) on `<database>.lock` beside the database, which the
kernel drops when the holder dies, even after kill -9. PostgreSQL: a session advisory lock
on a connection of its own, which the server drops when that connection ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from monitor.errors import StoreBusyError, StoreError
from monitor.store.engine import create_engine, redact, sqlite_path

log = logging.getLogger(__name__)

# Two 32-bit keys for pg_try_advisory_lock: "mon" and a hash of the schema in use.
_PG_CLASS = 0x6D6F6E


class StoreLock:
    """Held until release() (or the process ends); `purpose` appears in the refusal."""

    def __init__(self, url: str, purpose: str) -> None:
        self._file: IO[str] | None = None
        self._conn: Connection | None = None
        self._url = url
        self._who = f"pid {os.getpid()} on {socket.gethostname()}: {purpose}"
        path = sqlite_path(url)
        if path is not None:
            self._lock_file(path)
        elif url.startswith(("postgresql", "postgres")):
            self._lock_postgres(url)

    def check(self) -> None:
        """PostgreSQL: make sure the lock is still ours. A server restart or a dropped
        connection ends the session that held it, silently: take it again, or raise
        StoreBusyError if another process took the store meanwhile (StoreError while the
        server cannot be reached: the next check tries again)."""
        if self._conn is None and self._file is None and self._url.startswith("postgres"):
            self._lock_postgres(self._url)  # lost at an earlier check: try again
            log.warning("store lock taken again after the database connection was lost")
            return
        if self._conn is None:
            return
        try:
            self._conn.execute(sa.text("SELECT 1"))
            self._conn.commit()
        except sa.exc.SQLAlchemyError:
            self._drop_connection()
            log.warning("the database connection holding the store lock was lost; taking it again")
            self.check()

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sa.exc.SQLAlchemyError):  # broken already: just tidy up
                self._conn.close()
            self._conn.engine.dispose()
            self._conn = None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self._drop_connection()
        self._url = ""  # released: check() must not take it again

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _lock_file(self, database: Path) -> None:
        path = database.with_name(database.name + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            lock.close()
            raise StoreBusyError(_refusal(str(database), holder)) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{self._who}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        lock.flush()
        self._file = lock

    def _lock_postgres(self, url: str) -> None:
        engine = create_engine(url)
        try:
            conn = engine.connect()
            conn.execute(
                sa.text("SELECT set_config('application_name', :who, false)"),
                {"who": self._who[:63]},
            )
            got = conn.execute(
                sa.text("SELECT pg_try_advisory_lock(:cls, hashtext(current_schema()))"),
                {"cls": _PG_CLASS},
            ).scalar()
            conn.commit()  # the lock is the session's; no transaction stays open
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open database {redact(url)}: {getattr(exc, 'orig', exc)}"
            ) from exc
        if not got:
            holder = _pg_holder(conn)
            conn.close()
            engine.dispose()
            raise StoreBusyError(_refusal(redact(url), holder))
        self._conn = conn


def _pg_holder(conn: Connection) -> str:
    query = sa.text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = :cls AND l.granted "
        "AND l.objid = hashtext(current_schema())::oid LIMIT 1"
    )
    name = conn.execute(query, {"cls": _PG_CLASS}).scalar()
    return str(name) if name else "another process"


def _refusal(where: str, holder: str) -> str:
    return (
        f"another monitor is running on {where} ({holder}); one daemon per store: "
        "stop it first, or let it do the work (it polls and sends on its own)"
    )
