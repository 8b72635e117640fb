"""The status endpoints as a Starlette app: settings, the store and the daemon's live values
(rules in force, last scheduler tick, clock) in; an ASGI app out. Read-only: every route is
GET (HEAD too); anything else is 405.

`/` the status page and search; `/evidence/<sha256>` an archived copy as text; `/healthz`
alive; `/readyz` the store answers and the scheduler ticks; `/metrics` Prometheus text.
Auth and security headers: auth.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import jinja2
import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from monitor.clock import utcnow
from monitor.config import Settings
from monitor.discover import on_list
from monitor.errors import MonitorError
from monitor.match import rules_spelled
from monitor.model import Document
from monitor.poll import FeedHealth
from monitor.rules import Active
from monitor.store import Store, error_text
from monitor.targets import OutboxTarget
from monitor.web.auth import Guard, credentials
from monitor.web.chart import chart
from monitor.web.scrape import Scrape
from monitor.web.status import gather, local_time, when
from monitor.web.view import KINDS, SEARCH_LIMIT, cards, search_form

log = logging.getLogger(__name__)

CHART_DAYS = 90
# The scheduler counts as stuck when it has not ticked for this many ticks; before its first
# tick, the process counts as starting (ready) for as long.
TICKS_LATE = 3
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # titles, evidence and sources come from feeds: hostile by default
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_STORE_ERRORS = (sa.exc.SQLAlchemyError, MonitorError)
_HASH = re.compile(r"[0-9a-fA-F]{64}")


def create_app(
    settings: Settings | Callable[[], Settings],
    store: Store,
    *,
    rules: Callable[[], Active | None] = lambda: None,
    ticks: Callable[[], datetime | None] | None = None,
    now: Callable[[], datetime] = utcnow,
    problems: Callable[[], Sequence[str]] = lambda: (),
) -> Starlette:
    """The app. `settings` may be a callable, to follow a daemon's reloads; `ticks` gives
    the scheduler's last tick (None before the first); without `ticks` there is no
    scheduler to check and /readyz asks the store only; `problems` are the process's own
    (a store it cannot write, a config change that takes a restart): /readyz answers 503
    with them, as it does while an outbox folder cannot be written. ConfigError when
    `[http]` names a secret that cannot be read."""
    current = settings if callable(settings) else lambda: settings
    started = now()

    def page(request: Request) -> Response:
        return _page(request, current(), store, rules(), now(), ticks() if ticks else None)

    def ready(request: Request) -> Response:
        late = _tick_problem(ticks(), started, now(), current().config.tick) if ticks else None
        problem = _store_problem(store) or _not_ready(store, late, problems())
        return PlainTextResponse(f"not ready: {problem}\n", 503) if problem else _ok()

    def copy(request: Request) -> Response:
        return _copy(store, request.path_params["sha256"])

    def metrics(request: Request) -> Response:
        feeds = {feed.name: feed.url for feed in current().feeds}
        body = generate_latest(Scrape(store, feeds))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/healthz", lambda request: _ok(), methods=["GET"]),
        Route("/readyz", ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/evidence/{sha256}", copy, methods=["GET"]),
    ]
    guard = Middleware(Guard, creds=credentials(current().config.http))
    handlers = dict.fromkeys(_STORE_ERRORS, _store_down)
    return Starlette(routes=routes, middleware=[guard], exception_handlers=handlers)


def _ok() -> Response:
    return PlainTextResponse("ok\n")


def _page(
    request: Request,
    settings: Settings,
    store: Store,
    rules: Active | None,
    now: datetime,
    last_tick: datetime | None,
) -> Response:
    form = search_form(request.query_params)
    status = gather(
        settings, store, rules.rules if rules else None, now,
        rule_errors=rules.errors if rules else (), last_tick=last_tick,
        listed=on_list(rules.matcher) if rules else None,
    )  # fmt: skip
    query = form.query
    if query is not None and query.text and rules is not None:
        # Any spelling of a name finds its rule's mentions: Лосик as well as Losik.
        query = replace(query, named=frozenset(rules_spelled(rules.rules, query.text)))
    found = store.reports.search(query) if query else None
    upcoming = [digest for digest in status.digests if digest.at is not None]
    context = {
        "status": status,
        "health": FeedHealth,
        "when": when,
        "local": local_time,
        "next_digest": min(upcoming, key=lambda d: d.at or now, default=None),
        "latest": cards(status.latest),
        "form": form,
        "search_limit": SEARCH_LIMIT,
        "kinds": KINDS,
        "results": None if found is None else cards(found),
        "found": 0 if found is None else len(found),
        "charts": [chart(series) for series in store.reports.daily(now, CHART_DAYS)],
        "chart_days": CHART_DAYS,
    }
    page = _TEMPLATES.get_template("status.html.j2").render(context)
    return HTMLResponse(page, status_code=400 if form.errors else 200)


def _copy(store: Store, sha256: str) -> Response:
    """One archived copy as text (escaped, never live HTML), with its headers and hash."""
    found = store.evidence.by_hash(sha256) if _HASH.fullmatch(sha256) else []
    if not found:
        return PlainTextResponse("no archived copy with that SHA-256\n", 404)
    kept = found[0]
    body = store.evidence.body(kept)
    text = None
    if body is not None:
        from monitor.parse import document_text  # the parse stack, for this page only

        text = document_text(Document(kept.url, body, kept.content_type, kept.charset))
    page = _TEMPLATES.get_template("copy.html.j2").render(kept=kept, body=text, when=when)
    return HTMLResponse(page)


def _not_ready(store: Store, late: str | None, problems: Sequence[str]) -> str | None:
    """Everything that keeps the process from doing its work, or None: a scheduler that
    stopped ticking, its own problems, an outbox folder it cannot write."""
    outbox = [
        f"outbox {record.target}: {record.problem} (retrying)"
        for record in store.reports.retrying(OutboxTarget.channel)
    ]
    found = [*([late] if late else []), *problems, *outbox]
    return "; ".join(found) or None


def _store_problem(store: Store) -> str | None:
    """Why the store cannot serve, or None: the SQLite file is still the one opened, and a
    query (the feeds' states: a small table) answers."""
    try:
        store.check()
        store.feeds.states()
    except _STORE_ERRORS as exc:
        log.warning("readyz: the store did not answer: %s", error_text(exc))
        return f"store: {error_text(exc)}"
    return None


def _tick_problem(
    last_tick: datetime | None, started: datetime, now: datetime, tick: timedelta
) -> str | None:
    late = tick * TICKS_LATE
    if last_tick is None:
        if now - started <= late:
            return None
        return f"scheduler: no tick in the {_seconds(now - started)} since start"
    if now - last_tick > late:
        ago, every = _seconds(now - last_tick), _seconds(tick)
        return f"scheduler: last tick {ago} ago (expected every {every})"
    return None


def _seconds(span: timedelta) -> str:
    return f"{int(span.total_seconds())}s"


async def _store_down(request: Request, exc: Exception) -> Response:
    log.error("status page: the store did not answer: %s", error_text(exc))
    return PlainTextResponse("the store did not answer; see monitor's log\n", 503)
