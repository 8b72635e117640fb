"""Evidence in the store: the documents matches were found in, archived once per body.

In: new matches with the Document each was found in (its body and HTTP exchange), and the
verdicts of re-checks. Out: `Kept` exchanges (with their bodies, by SHA-256) for export and
re-checks, the `Archived` copies of an alert's matches, and the `SourceChange`s re-checks
found.
A body that cannot be written (a full disk, a read-only folder) is recorded as missing with
its hash and the reason, logged, and reported as `problem` (for /readyz) until a body is
written again; the match and its alert go on regardless.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.model import Archived, Document, Exchange, SourceChange
from monitor.store import rows
from monitor.store import tables as T
from monitor.store.bodies import Bodies
from monitor.store.engine import upsert, write

log = logging.getLogger(__name__)

MAX_BODY = 10 * 1024 * 1024  # the fetch cap: nothing larger is archived, even from a file
ARCHIVED = "archived"  # the state of an exchange nobody has checked again yet
NOTEWORTHY = ("removed", "changed")  # the states a digest and the status page report


@dataclass(frozen=True)
class Kept:
    """An archived exchange, as the store holds it (its body by `sha256`)."""

    id: int
    url: str
    sha256: str
    size: int
    feed: str
    fetched: datetime
    archived: datetime
    exchange: Exchange | None  # None: read from a local file
    content_type: str | None
    charset: str | None
    missing: str | None
    state: str
    checked: datetime | None
    checks: int


@dataclass(frozen=True)
class Found:
    """A match an archived document is the evidence of."""

    match_id: int
    rule_id: str
    rule_name: str
    sentence: str
    title: str
    story_url: str | None
    found: datetime


class EvidenceStore:
    def __init__(self, engine: Engine, bodies: Bodies) -> None:
        self._engine, self.bodies = engine, bodies
        self.problem: str | None = None  # why the last body could not be written

    def archive(
        self, owed: Sequence[tuple[int, str, Document]], now: datetime, first_check: datetime
    ) -> int:
        """Keep the documents new matches were found in: (match id, feed, document). Each
        body is written once, however many matches it holds; returns how many exchanges
        were recorded for the first time."""
        exchanges: dict[tuple[str, str], dict[str, Any]] = {}
        links: list[tuple[int, tuple[str, str]]] = []
        hashes: dict[int, str] = {}  # a flood of matches shares a few documents: hash each once
        for match_id, feed, document in owed:
            if (sha256 := hashes.get(id(document))) is None:
                sha256 = hashes[id(document)] = hashlib.sha256(document.body).hexdigest()
            pair = (document.location, sha256)
            if pair not in exchanges:
                exchanges[pair] = _row(feed, document, sha256, now, first_check)
                exchanges[pair]["missing"] = self._keep(sha256, document)
            links.append((match_id, pair))
        if not exchanges:
            return 0
        with write(self._engine) as conn:
            created = _insert(conn, list(exchanges.values()))
            ids = _ids(conn, exchanges)
            _mended(conn, [ids[p] for p, row in exchanges.items() if row["missing"] is None])
            link_rows = [{"match_id": m, "exchange_id": ids[p]} for m, p in links]
            conn.execute(upsert(conn, T.evidence_links).on_conflict_do_nothing(), link_rows)
        return created

    def _keep(self, sha256: str, document: Document) -> str | None:
        """Write a body; why it is missing, or None once it is kept."""
        if len(document.body) > MAX_BODY:
            return f"larger than {MAX_BODY // (1024 * 1024)} MiB; only its hash is kept"
        try:
            self.bodies.put(sha256, document.body)
        except OSError as exc:
            self.problem = f"cannot write {self.bodies.where}: {exc.strerror or exc}"
            log.error("evidence: %s; alerts go out with the hash only", self.problem)
            return self.problem
        self.problem = None
        return None

    def body(self, kept: Kept) -> bytes | None:
        return None if kept.missing else self.bodies.get(kept.sha256)

    def kept(self, since: datetime, rule_id: str | None = None) -> list[Kept]:
        """Exchanges archived since `since` (of matches of one rule), oldest first."""
        ex = T.evidence_exchanges
        query = sa.select(ex).where(ex.c.archived >= since).order_by(ex.c.archived, ex.c.id)
        if rule_id is not None:
            of_rule = (
                sa.select(T.evidence_links.c.exchange_id)
                .join(T.matches, T.matches.c.id == T.evidence_links.c.match_id)
                .where(T.matches.c.rule_id == rule_id)
            )
            query = query.where(ex.c.id.in_(of_rule))
        return self._select(query)

    def newest(self, limit: int) -> list[Kept]:
        """The most recently archived exchanges, newest first."""
        ex = T.evidence_exchanges
        return self._select(
            sa.select(ex).order_by(ex.c.archived.desc(), ex.c.id.desc()).limit(limit)
        )

    def by_hash(self, prefix: str) -> list[Kept]:
        """The exchanges whose body's SHA-256 begins with `prefix` (hex), newest first."""
        if not prefix or any(c not in "0123456789abcdef" for c in prefix.lower()):
            return []
        ex = T.evidence_exchanges
        query = (
            sa.select(ex)
            .where(ex.c.sha256.startswith(prefix.lower(), autoescape=True))
            .order_by(ex.c.id.desc())
            .limit(100)
        )
        return self._select(query)

    def _select(self, query: sa.Select[Any]) -> list[Kept]:
        with self._engine.connect() as conn:
            return [_kept(row) for row in conn.execute(query)]

    def found(self, exchange_ids: Collection[int]) -> dict[int, list[Found]]:
        """The matches each exchange is the evidence of, by exchange id."""
        links, m, a = T.evidence_links, T.matches, T.articles
        columns = (links.c.exchange_id, m.c.id, m.c.rule_id, m.c.name, m.c.evidence, a.c.title,
                   a.c.url, m.c.created)  # fmt: skip
        out: dict[int, list[Found]] = {}
        with self._engine.connect() as conn:
            query = (
                sa.select(*columns)
                .join(m, m.c.id == links.c.match_id)
                .join(a, a.c.id == m.c.article_id)
            )
            for start in range(0, len(ids := sorted(exchange_ids)), rows.CHUNK):
                chunk = ids[start : start + rows.CHUNK]
                for row in conn.execute(query.where(links.c.exchange_id.in_(chunk))):
                    evidence = rows.evidence_from(row.evidence)
                    sentence = evidence[0].snippet if evidence else ""
                    found = Found(row.id, row.rule_id, row.name, sentence, row.title, row.url,
                                  row.created)  # fmt: skip
                    out.setdefault(row.exchange_id, []).append(found)
        return out

    def due(self, now: datetime, limit: int) -> list[Kept]:
        """Exchanges whose next re-check has come, the longest waiting first."""
        ex = T.evidence_exchanges
        query = (
            sa.select(ex)
            .where(ex.c.next_check.is_not(None), ex.c.next_check <= now)
            .order_by(ex.c.next_check, ex.c.id)
            .limit(limit)
        )
        return self._select(query)

    def record_check(
        self,
        kept: Kept,
        state: str,
        detail: str,
        now: datetime,
        next_check: datetime | None,
        *,
        scheduled: bool,
    ) -> bool:
        """Record a re-check's verdict (a `scheduled` one counts and sets the next check);
        True when the state changed (then it is kept for the digests and the status page:
        `changes`)."""
        ex = T.evidence_exchanges
        with write(self._engine) as conn:
            previous = conn.execute(sa.select(ex.c.state).where(ex.c.id == kept.id)).scalar()
            if previous is None:
                return False  # pruned meanwhile
            values: dict[str, Any] = {"state": state, "checked": now}
            if scheduled:
                values.update(checks=ex.c.checks + 1, next_check=next_check)
            conn.execute(sa.update(ex).where(ex.c.id == kept.id).values(**values))
            first_ok = previous == ARCHIVED and state == "unchanged"
            if previous == state or first_ok:
                return False
            conn.execute(sa.insert(T.evidence_checks), {
                "exchange_id": kept.id, "checked": now, "state": state, "previous": previous,
                "detail": detail,
            })  # fmt: skip
        return True

    def changes(self, since: datetime, limit: int = 50) -> list[SourceChange]:
        """Removed and changed documents found since `since`, the newest first."""
        ex, ch = T.evidence_exchanges, T.evidence_checks
        query = (
            sa.select(ex.c.id, ex.c.url, ex.c.sha256, ex.c.archived,
                      ch.c.checked.label("c_checked"), ch.c.state.label("c_state"),
                      ch.c.detail.label("c_detail"))
            .join(ch, ch.c.exchange_id == ex.c.id)
            .where(ch.c.checked >= since, ch.c.state.in_(NOTEWORTHY))
            .order_by(ch.c.checked.desc(), ch.c.id.desc())
            .limit(limit)
        )  # fmt: skip
        with self._engine.connect() as conn:
            found = list(conn.execute(query))
            titles = _titles(conn, {row.id for row in found})
        return [
            SourceChange(row.url, row.c_state, row.c_detail, row.sha256, row.archived,
                         row.c_checked, titles.get(row.id, ()))
            for row in found
        ]  # fmt: skip

    def prune(self, before: datetime) -> int:
        """Forget exchanges archived before `before` (`evidence_days`), and the bodies no
        exchange holds any more; how many exchanges."""
        ex = T.evidence_exchanges
        stale = ex.c.archived < before
        with write(self._engine) as conn:
            hashes = set(conn.execute(sa.select(ex.c.sha256).where(stale)).scalars())
            for table in (T.evidence_links, T.evidence_checks):
                conn.execute(
                    sa.delete(table).where(table.c.exchange_id.in_(sa.select(ex.c.id).where(stale)))
                )
            gone = conn.execute(sa.delete(ex).where(stale)).rowcount
            kept = sa.select(ex.c.sha256).where(ex.c.sha256.in_(hashes))
            still = set(conn.execute(kept).scalars())
        self.bodies.delete(hashes - still)
        return int(gone)


def archived_of(conn: Connection, match_ids: Collection[int]) -> dict[int, tuple[Archived, ...]]:
    """The archived copies of each match's documents, by match id."""
    ex, links = T.evidence_exchanges, T.evidence_links
    columns = (links.c.match_id, ex.c.url, ex.c.sha256, ex.c.archived, ex.c.missing)
    query = sa.select(*columns).join(ex, ex.c.id == links.c.exchange_id)
    out: dict[int, list[Archived]] = {}
    ids = sorted(set(match_ids))
    for start in range(0, len(ids), rows.CHUNK):
        for row in conn.execute(query.where(links.c.match_id.in_(ids[start : start + rows.CHUNK]))):
            copy = Archived(row.url, row.sha256, row.archived, row.missing)
            out.setdefault(row.match_id, []).append(copy)
    return {match_id: tuple(copies) for match_id, copies in out.items()}


def _row(
    feed: str, document: Document, sha256: str, now: datetime, first_check: datetime
) -> dict[str, Any]:
    exchange = document.exchange
    return {
        "url": document.location, "sha256": sha256, "size": len(document.body), "feed": feed,
        "fetched": exchange.fetched if exchange else now, "archived": now,
        "exchange": json.dumps(asdict(exchange), default=str) if exchange else None,
        "content_type": document.content_type, "charset": document.charset, "missing": None,
        "state": ARCHIVED, "checked": None, "checks": 0, "next_check": first_check,
    }  # fmt: skip


def _insert(conn: Connection, values: list[dict[str, Any]]) -> int:
    """Insert the exchanges not yet recorded (two processes may archive the same one: the
    store arbitrates); how many were new."""
    ex = T.evidence_exchanges
    insert = upsert(conn, ex).on_conflict_do_nothing().returning(ex.c.id)
    return sum(len(conn.execute(insert, row).all()) for row in values)


def _ids(conn: Connection, exchanges: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
    ex = T.evidence_exchanges
    hashes = {sha256 for _, sha256 in exchanges}
    found = rows.select_in(conn, (ex.c.id, ex.c.url, ex.c.sha256), ex.c.sha256, hashes)
    return {(row.url, row.sha256): row.id for row in found if (row.url, row.sha256) in exchanges}


def _mended(conn: Connection, ids: Sequence[int]) -> None:
    """Exchanges recorded as missing whose body has now been written."""
    if ids:
        ex = T.evidence_exchanges
        conn.execute(sa.update(ex).where(ex.c.id.in_(ids), ex.c.missing.is_not(None))
                     .values(missing=None))  # fmt: skip


def _titles(conn: Connection, exchange_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
    links, m, a = T.evidence_links, T.matches, T.articles
    query = (
        sa.select(links.c.exchange_id, a.c.title)
        .join(m, m.c.id == links.c.match_id)
        .join(a, a.c.id == m.c.article_id)
        .where(links.c.exchange_id.in_(sorted(exchange_ids)))
    )
    out: dict[int, list[str]] = {}
    for row in conn.execute(query):
        if row.title not in out.setdefault(row.exchange_id, []):
            out[row.exchange_id].append(row.title)
    return {key: tuple(titles) for key, titles in out.items()}


def _kept(row: Any) -> Kept:
    exchange = None
    if row.exchange:
        raw = json.loads(row.exchange)
        exchange = Exchange(
            fetched=datetime.fromisoformat(raw["fetched"]),
            request_headers=tuple(tuple(pair) for pair in raw["request_headers"]),
            status=raw["status"], reason=raw["reason"], http_version=raw["http_version"],
            response_headers=tuple(tuple(pair) for pair in raw["response_headers"]),
        )  # fmt: skip
    fields = {name: getattr(row, name) for name in (
        "id", "url", "sha256", "size", "feed", "fetched", "archived", "content_type", "charset",
        "missing", "state", "checked", "checks")}  # fmt: skip
    return Kept(exchange=exchange, **fields)
