"""Archived bodies, kept by their SHA-256: bytes in, the same bytes out, each body once.

Two homes, one interface. Beside an SQLite database the bodies are files in the data
folder (`evidence/ab/abcdef...`: a hash can be checked by hand with `sha256sum`); on
PostgreSQL (multi-node mode: no shared folder) they are rows of `evidence_bodies`. A file is
written under a temporary name and renamed, so a reader never sees half a body, and two
processes writing the same body both end with the same file. Writing raises OSError (a full
disk, a folder that cannot be written): the caller records the body as missing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from monitor.store import tables as T
from monitor.store.engine import upsert, write


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file written under a hidden temporary name in `path`'s folder, fsynced and renamed
    to `path` when the block ends, removed if it fails: a reader never sees half of it."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Bodies(Protocol):
    where: str  # for messages: the folder, or "the database"

    def put(self, sha256: str, body: bytes) -> None: ...

    def get(self, sha256: str) -> bytes | None: ...

    def delete(self, hashes: Iterable[str]) -> None: ...


class FolderBodies:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.where = str(folder)

    def path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def put(self, sha256: str, body: bytes) -> None:
        final = self.path(sha256)
        if final.exists():
            return  # content-addressed: the same name is the same bytes
        final.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(final) as out:
            out.write(body)

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, hashes: Iterable[str]) -> None:
        for sha256 in hashes:
            self.path(sha256).unlink(missing_ok=True)


class TableBodies:
    where = "the database"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, sha256: str, body: bytes) -> None:
        with write(self._engine) as conn:
            insert = upsert(conn, T.evidence_bodies).on_conflict_do_nothing()
            conn.execute(insert, {"sha256": sha256, "body": body})

    def get(self, sha256: str) -> bytes | None:
        query = sa.select(T.evidence_bodies.c.body).where(T.evidence_bodies.c.sha256 == sha256)
        with self._engine.connect() as conn:
            found = conn.execute(query).scalar()
        return bytes(found) if found is not None else None

    def delete(self, hashes: Iterable[str]) -> None:
        wanted = sorted(set(hashes))
        with write(self._engine) as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                conn.execute(
                    sa.delete(T.evidence_bodies).where(T.evidence_bodies.c.sha256.in_(chunk))
                )
