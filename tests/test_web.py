"""The status endpoints over real HTTP: uvicorn on a loopback port serving the app on a store
filled by a real `run_once` over the bundled seeds; httpx as the client. Nothing mocked."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import shutil
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from monitor.alerts import Sent
from monitor.errors import ConfigError
from monitor.metrics import REGISTRY
from monitor.model import Article, Document, Evidence, Match, RuleKind
from monitor.run.daemon import Daemon, problems
from monitor.run.pipeline import Pipeline
from monitor.store import Store
from monitor.store.reports import DailyMentions, MentionQuery
from monitor.web.app import create_app
from monitor.web.auth import Credentials
from monitor.web.chart import chart
from monitor.web.server import HttpServer, start
from monitor.web.view import search_form
from tests.conftest import RULES, SEEDS
from tests.support.mounts import read_only_folder, small_filesystem
from tests.support.pipelines import Clock, pipeline_factory

WHEN = datetime(2024, 4, 23, 7, 0, tzinfo=UTC)  # the morning after the seed articles
SAMPLE_TITLE = "Lukashenka Meets With Jailed Belarusian Opposition Leaders"
PASSWORD_ENV, TOKEN_ENV = "TEST_MONITOR_HTTP_PASSWORD", "TEST_MONITOR_HTTP_TOKEN"
PATHS = ("/", "/healthz", "/readyz", "/metrics")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class Site:
    """A served app and the live values it reads; tests change `last_tick` and the clock."""

    server: HttpServer
    pipeline: Pipeline
    clock: Clock
    last_tick: datetime | None = WHEN
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.server.url, timeout=10)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)


def seeds_config(tmp_path: Path, http: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "data_dir": str(tmp_path / "var"),
        "rules": [str(RULES)],
        "feeds": [{"name": "seeds", "url": str(SEEDS)}],
        "routes": [{"name": "morning", "outbox": True, "timezone": "Europe/Minsk"}],
    }
    if http is not None:
        data["http"] = {"listen": "127.0.0.1:8787", **http}
    return data


@contextmanager
def serve_seeds(tmp_path: Path, http: dict[str, Any] | None = None) -> Iterator[Site]:
    """The seeds polled, matched and delivered at WHEN, then the app served on a free port."""
    clock = Clock(WHEN)
    with pipeline_factory(clock) as make:
        pipeline = make(seeds_config(tmp_path, http))
        pipeline.run_once()
        with serve(pipeline, pipeline.store, clock) as site:
            yield site


@contextmanager
def serve(
    pipeline: Pipeline, store: Store, clock: Clock, daemon: Daemon | None = None
) -> Iterator[Site]:
    holder: list[Site] = []
    app = create_app(
        pipeline.settings, store, rules=lambda: pipeline.rules.active,
        ticks=lambda: holder[0].last_tick, now=clock,
        problems=lambda: problems(pipeline, daemon),
    )  # fmt: skip
    server = start(pipeline.settings, app, listen="127.0.0.1:0")
    holder.append(Site(server, pipeline, clock))
    try:
        yield holder[0]
    finally:
        holder[0].http.close()
        server.stop()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with serve_seeds(tmp_path) as served:
        yield served


def section(html: str, name: str) -> str:
    """The HTML of one <section id=...> of the page."""
    start = html.index(f'<section id="{name}">')
    return html[start : html.index("</section>", start)]


# --- health and readiness ---------------------------------------------------------------


def test_healthz_answers_while_the_process_lives(site: Site) -> None:
    answer = site.get("/healthz")
    assert (answer.status_code, answer.text) == (200, "ok\n")


def test_readyz_is_ready_when_the_store_answers_and_the_scheduler_ticks(site: Site) -> None:
    site.last_tick = WHEN - timedelta(seconds=50)
    assert (site.get("/readyz").status_code, site.get("/readyz").text) == (200, "ok\n")


def test_readyz_is_not_ready_when_the_scheduler_stopped_ticking(site: Site) -> None:
    site.last_tick = WHEN - timedelta(minutes=2)  # tick is 30s: 3 ticks missed
    answer = site.get("/readyz")
    assert answer.status_code == 503
    assert answer.text == "not ready: scheduler: last tick 120s ago (expected every 30s)\n"


def test_a_read_only_outbox_is_retried_and_said_on_readyz_and_the_page(tmp_path: Path) -> None:
    """A local I/O error is passing, like a mail server that refuses: the delivery stays
    owed, /readyz and the page say why, and it is sent once the folder is writable."""
    clock = Clock(WHEN)
    with read_only_folder(tmp_path) as folder, pipeline_factory(clock) as make:
        pipeline = make({**seeds_config(tmp_path), "outbox_dir": str(folder.path)})
        [failure] = pipeline.run_once().failed
        assert failure.retry_at is not None  # owed, not given up
        why = "Read-only file system" if folder.real else "Not a directory"
        with serve(pipeline, pipeline.store, clock) as site:
            ready = site.get("/readyz")
            assert ready.status_code == 503
            assert f"outbox {folder.path}: {why} (retrying)" in ready.text
            page = section(site.get("/").text, "deliveries")
            assert "retrying</span> #1 morning → outbox" in page and why in page
            folder.heal()
            clock.now = site.last_tick = WHEN + timedelta(hours=1)  # past the retry time
            [sent] = pipeline.relay_owed()
            assert isinstance(sent, Sent) and list(folder.path.glob("*.eml"))
            assert (site.get("/readyz").status_code, site.get("/readyz").text) == (200, "ok\n")


def test_readyz_is_not_ready_while_the_store_cannot_write(tmp_path: Path) -> None:
    """The database's disk is full: every poll fails to write, and /readyz says so until a
    poll writes again. A real full filesystem where the machine can mount one, else SQLite's
    own limit (max_page_count: the same SQLITE_FULL error)."""
    clock = Clock(WHEN)
    news = tmp_path / "news"
    shutil.copytree(SEEDS, news)
    with small_filesystem(tmp_path) as small, pipeline_factory(clock) as make:
        data = seeds_config(small.path if small else tmp_path / "var")
        data["feeds"] = [{"name": "news", "url": str(news), "interval": "15m"}]
        pipeline = make(data)
        daemon = Daemon(pipeline)
        daemon.poll_job()  # the database is made and holds the seeds
        if small is not None:
            small.fill()
        else:
            limit_pages(pipeline.store)
        (news / "new.txt").write_text("Babaryka moved\n\n" + "Viktar Babaryka. " * 400)
        clock.now = WHEN + timedelta(hours=1)
        with serve(pipeline, pipeline.store, clock, daemon) as site:
            site.last_tick = clock.now
            daemon.poll_job()
            ready = site.get("/readyz")
            assert ready.status_code == 503
            assert "store: poll: cannot write: database or disk is full" in ready.text
            if small is not None:
                small.heal()
            else:
                sa.event.remove(pipeline.store.engine, "connect", _max_pages)
                pipeline.store.engine.dispose()
            clock.now = site.last_tick = WHEN + timedelta(hours=2)
            daemon.poll_job()
            assert (site.get("/readyz").status_code, site.get("/readyz").text) == (200, "ok\n")


def _max_pages(dbapi_connection: Any, record: Any) -> None:
    dbapi_connection.execute("PRAGMA max_page_count = 1")  # SQLite keeps what it has


def limit_pages(store: Store) -> None:
    sa.event.listen(store.engine, "connect", _max_pages)
    store.engine.dispose()


def test_readyz_is_not_ready_while_a_config_change_waits_for_a_restart(site: Site) -> None:
    site.pipeline.restart_needed = "database_url or engine changed in the config file"
    answer = site.get("/readyz")
    assert (answer.status_code, answer.text) == (
        503, "not ready: restart needed: database_url or engine changed in the config file\n",
    )  # fmt: skip


def test_readyz_waits_for_the_first_tick_only_for_a_grace(site: Site) -> None:
    site.last_tick = None
    site.clock.now = WHEN + timedelta(seconds=80)
    assert site.get("/readyz").status_code == 200  # starting: the first tick may come
    site.clock.now = WHEN + timedelta(seconds=100)
    answer = site.get("/readyz")
    assert (answer.status_code, answer.text) == (
        503, "not ready: scheduler: no tick in the 100s since start\n",
    )  # fmt: skip


def test_readyz_is_not_ready_when_the_store_does_not_answer(site: Site) -> None:
    unreachable = Store(sa.create_engine("postgresql+psycopg://monitor@127.0.0.1:1/monitor"))
    with serve(site.pipeline, unreachable, site.clock) as down:
        answer = down.get("/readyz")
        assert answer.status_code == 503
        assert answer.text.startswith("not ready: store: ")
        assert "127.0.0.1" in answer.text and answer.text[-1] == "\n"
        page = down.get("/")
        assert (page.status_code, page.text) == (
            503,
            "the store did not answer; see monitor's log\n",
        )
        metrics = down.get("/metrics")  # the counters stay visible; the store is reported down
        assert metrics.status_code == 200
        assert "monitor_store_up 0.0" in metrics.text
        assert "monitor_polls_total" in metrics.text


def test_readyz_is_not_ready_once_the_sqlite_file_is_gone(site: Site) -> None:
    path = Path(site.pipeline.settings.config.data_dir) / "monitor.db"
    path.unlink()
    answer = site.get("/readyz")
    assert answer.status_code == 503
    assert "was deleted or replaced" in answer.text


# --- metrics ------------------------------------------------------------------------------


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_a_real_run_and_read_the_store_at_scrape_time(tmp_path: Path) -> None:
    def counted(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = {
        "articles": counted("monitor_new_articles_total"),
        "babaryka": counted("monitor_matches_total", rule="babaryka"),
        "polls": counted("monitor_polls_total", outcome="ok"),
        "sent": counted("monitor_deliveries_total", channel="outbox", outcome="sent"),
    }
    with serve_seeds(tmp_path) as site:
        answer = site.get("/metrics")
        store = site.pipeline.store
        stored_articles = store.articles.count()
        stored_babaryka = len(store.reports.search(MentionQuery(rule_id="babaryka", limit=500)))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    found = samples(answer.text)
    assert all(name.startswith("monitor_") for name, _ in found)

    def value(name: str, **labels: str) -> float:
        return found[(name, frozenset(labels.items()))]

    assert value("monitor_new_articles_total") - before["articles"] == stored_articles == 13
    assert value("monitor_matches_total", rule="babaryka") - before["babaryka"] == stored_babaryka
    assert value("monitor_polls_total", outcome="ok") - before["polls"] == 1
    assert value("monitor_deliveries_total", channel="outbox", outcome="sent") - before["sent"] == 1
    assert value("monitor_delivery_queue", status="sent") == 1
    assert value("monitor_delivery_queue", status="pending") == 0
    assert value("monitor_delivery_queue", status="dead") == 0
    assert value("monitor_feed_last_success_timestamp_seconds", feed="seeds") == WHEN.timestamp()
    assert value("monitor_store_up") == 1
    assert value("monitor_poll_seconds_count") >= 1


# --- the page -----------------------------------------------------------------------------


def test_the_page_shows_feeds_deliveries_next_digest_matches_and_chart(site: Site) -> None:
    answer = site.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    html = answer.text
    feeds = section(html, "feeds")
    assert "<strong>seeds</strong>" in feeds and '<span class="tag ok">ok</span>' in feeds
    assert "2024-04-23 07:00 UTC" in feeds  # last success
    assert "0 owed · 0 sending · " in section(html, "deliveries")
    assert "1 sent" in section(html, "deliveries")
    assert "<strong>morning</strong> 2024-04-24 07:00 +03" in section(html, "digests")
    latest = section(html, "latest")
    assert SAMPLE_TITLE in latest
    assert "<mark>Viktar Babaryka</mark>" in latest
    assert "rules: 6 people, 2 events" in html
    chart = section(html, "mentions")
    assert chart.count('<svg class="bars"') >= 5
    assert "<title>2024-04-22: " in chart


def test_the_page_lists_people_not_on_the_list_yet(site: Site) -> None:
    # The seeds name Lukashenka, on no starter rule, beside "jailed" opponents and a pardon
    # of convicts: one person across two feeds and two scripts.
    candidates = section(site.get("/").text, "candidates")
    assert "<b>Alyaksandr Lukashenka</b>" in candidates
    assert "2 article(s)" in candidates and "Александр Лукашенко" in candidates
    assert "monitor candidates --dismiss KEY" in candidates


def test_search_finds_stored_matches_by_name_kind_and_dates(site: Site) -> None:
    def results(status: int = 200, **params: str) -> str:
        answer = site.get("/", params=params)
        assert answer.status_code == status
        return section(answer.text, "search")

    found = results(q="babaryka")
    assert "mentions found" in found and SAMPLE_TITLE in found
    assert "<mark>Viktar Babaryka</mark>" in found
    assert 'value="babaryka"' in found  # the form keeps what was asked
    assert "0 mentions found" in results(q="babaryka", kind="event")
    events = results(kind="event")
    assert "Protests and demonstrations in Belarus" in events and "Viktar Babaryka" not in events
    one_day = results(q="babaryka", **{"from": "2024-04-22", "to": "2024-04-22"})
    assert SAMPLE_TITLE in one_day  # published 2024-04-22 13:52 UTC
    assert "Родные Бабарико" not in one_day  # published 2024-04-23
    assert "0 mentions found" in results(q="nobody-at-all")
    for spelled in ("Бабарико", "Бабарыкі", "Babariko"):  # any script or case form of the name
        assert SAMPLE_TITLE in results(q=spelled), spelled
    wrong = results(400, q="babaryka", **{"from": "22.04.2024"})
    assert "from: expected a date like 2024-04-22" in wrong and "found" not in wrong
    assert "found" not in results()  # nothing asked, nothing listed


def test_the_chart_counts_one_mention_in_the_singular(site: Site) -> None:
    labels = re.findall(r'aria-label="[^"]*: (\d+) (mentions?) from', site.get("/").text)
    assert ("1", "mention") in labels  # a rule mentioned once in the seeds
    assert all((number == "1") == (word == "mention") for number, word in labels)


def test_hostile_article_text_is_escaped_and_bad_links_dropped(site: Site) -> None:
    title = '<script>alert("t")</script> Babaryka <img src=x onerror=alert(1)>'
    hostile = Article(
        title=title, text="Babaryka </blockquote><b>free</b>", url="javascript:alert(1)",
        source='<a href="https://evil.example">RFE</a>', feed="seeds", published=WHEN,
    )  # fmt: skip
    evidence = Evidence("Babaryka", "</blockquote><b>x</b> Babaryka <script>y</script>", 0, 8)
    match = Match("babaryka", RuleKind.PERSON, "Viktar <i>Babaryka</i>", (evidence,))
    site.pipeline.store.articles.ingest([hostile], WHEN, lambda article: [match])
    for html in (site.get("/").text, site.get("/", params={"q": "<script>"}).text):
        assert "<script" not in html and "<img" not in html and "<i>" not in html
        assert "javascript:" not in html and 'href="https://evil.example"' not in html
    html = site.get("/").text
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Babaryka &lt;img" in html
    assert "&lt;/blockquote&gt;&lt;b&gt;x&lt;/b&gt; <mark>Babaryka</mark> &lt;script&gt;" in html
    assert 'value="&lt;script&gt;"' in site.get("/", params={"q": "<script>"}).text


def test_every_answer_carries_the_security_headers(site: Site) -> None:
    for path in (*PATHS, "/nowhere"):
        answer = site.get(path)
        assert answer.headers["content-security-policy"] == CSP, path
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["referrer-policy"] == "no-referrer", path
    assert "server" not in site.get("/").headers


def test_nothing_can_change_state(site: Site) -> None:
    for path in PATHS:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            answer = site.http.request(method, path)
            assert answer.status_code == 405, (method, path)
            assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert site.http.head("/").status_code == 200


# --- auth ---------------------------------------------------------------------------------


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "correct horse ü")
    monkeypatch.setenv(TOKEN_ENV, "t0ken-Zq9")


@pytest.mark.usefixtures("secrets")
def test_basic_auth_guards_everything_but_healthz(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    http = {"username": "desk", "password_env": PASSWORD_ENV}
    with caplog.at_level(logging.DEBUG), serve_seeds(tmp_path, http) as site:
        for path in ("/", "/readyz", "/metrics"):
            refused = site.get(path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"] == 'Basic realm="monitor", charset="UTF-8"'
            assert refused.headers["content-security-policy"] == CSP
            for wrong in (("desk", "wrong"), ("other", "correct horse ü"), ("desk", "")):
                assert site.get(path, auth=wrong).status_code == 401, (path, wrong)
            assert site.get(path, auth=("desk", "correct horse ü")).status_code == 200, path
        assert site.get("/healthz").status_code == 200
        assert site.get("/", headers={"Authorization": "Bearer t0ken-Zq9"}).status_code == 401
        assert site.get("/", headers={"Authorization": "Basic !!!"}).status_code == 401
        assert site.http.post("/").status_code == 401  # refused before anything else
        assert site.http.post("/", auth=("desk", "correct horse ü")).status_code == 405
    assert "correct horse" not in caplog.text


@pytest.mark.usefixtures("secrets")
def test_bearer_token_guards_everything_but_healthz(tmp_path: Path) -> None:
    with serve_seeds(tmp_path, {"token_env": TOKEN_ENV}) as site:
        for path in ("/", "/readyz", "/metrics"):
            refused = site.get(path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"] == 'Bearer realm="monitor"'
            assert "t0ken" not in refused.text
            bad = site.get(path, headers={"Authorization": "Bearer t0ken-Zq"})
            assert bad.status_code == 401, path
            good = site.get(path, headers={"Authorization": "Bearer t0ken-Zq9"})
            assert good.status_code == 200, path
        assert site.get("/healthz").status_code == 200
        assert site.get("/", auth=("desk", "t0ken-Zq9")).status_code == 401


def test_a_configured_secret_that_is_missing_stops_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.delenv(f"{TOKEN_ENV}_FILE", raising=False)
    with pipeline_factory(Clock(WHEN)) as make:
        pipeline = make(seeds_config(tmp_path, {"token_env": TOKEN_ENV}))
        with pytest.raises(ConfigError) as caught:
            create_app(pipeline.settings, pipeline.store)
    assert str(caught.value) == f"http.token_env: ${TOKEN_ENV} is not set (nor ${TOKEN_ENV}_FILE)"


# --- the server ---------------------------------------------------------------------------


def test_the_server_binds_once_leaves_signals_alone_and_stops(site: Site) -> None:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    app = create_app(site.pipeline.settings, site.pipeline.store)
    taken = f"127.0.0.1:{site.server.port}"
    with pytest.raises(ConfigError, match=f"http.listen: cannot listen on {taken}: "):
        start(site.pipeline.settings, app, listen=taken)
    second = start(site.pipeline.settings, app, listen="127.0.0.1:0")
    assert httpx.get(f"{second.url}/healthz").status_code == 200
    assert {sig: signal.getsignal(sig) for sig in handlers} == handlers
    second.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{second.url}/healthz")
    assert _refused(second.port)


def test_start_needs_an_http_section_or_an_address(site: Site) -> None:
    app = create_app(site.pipeline.settings, site.pipeline.store)
    with pytest.raises(ConfigError, match=r"no \[http\] section"):
        start(site.pipeline.settings, app)


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


# --- the pure parts -----------------------------------------------------------------------


def test_a_chart_draws_a_bar_per_day_with_mentions_scaled_to_the_busiest() -> None:
    series = DailyMentions("babaryka", "Viktar\nBabaryka", date(2024, 4, 20), (0, 4, 1))
    drawn = chart(series)
    assert (drawn.name, drawn.total, drawn.peak, drawn.width) == ("Viktar Babaryka", 5, 4, 12)
    assert (drawn.first_day, drawn.last_day) == ("2024-04-20", "2024-04-22")
    assert [(b.x, b.y, b.width, b.height, b.label) for b in drawn.bars] == [
        (4, 0.0, 3, 48.0, "2024-04-21: 4"),
        (8, 36.0, 3, 12.0, "2024-04-22: 1"),
    ]
    tiny = chart(DailyMentions("x", "X", date(2024, 4, 20), (100, 1)))
    assert tiny.bars[1].height == 2.0  # one mention stays visible beside a hundred


@pytest.mark.parametrize(
    ("params", "errors", "query"),
    [
        ({}, (), None),
        ({"q": "  Babaryka "}, (), MentionQuery(text="Babaryka")),
        ({"kind": "event"}, (), MentionQuery(kind=RuleKind.EVENT)),
        (
            {"from": "2024-04-01", "to": "2024-04-22"},
            (),
            MentionQuery(
                since=datetime(2024, 4, 1, tzinfo=UTC), until=datetime(2024, 4, 23, tzinfo=UTC)
            ),
        ),
        ({"kind": "place"}, ("kind: choose one of person, event",), None),
        (
            {"q": "x", "from": "yesterday", "to": "2024-13-01"},
            ("from: expected a date like 2024-04-22", "to: expected a date like 2024-04-22"),
            None,
        ),
        ({"to": "9999-12-31"}, ("to: expected a date from 2000-01-01 to 9998-12-31",), None),
        ({"from": "0001-01-01"}, ("from: expected a date from 2000-01-01 to 9998-12-31",), None),
        ({"from": "2024-04-22", "to": "2024-04-01"}, ("from: after to",), None),
        ({"q": "x" * 201}, ("q: at most 200 characters",), None),
        (
            {"q": "Babaryka", "page": "2"},
            ("page: not a field of this page (fields: q, kind, from, to)",),
            None,
        ),
    ],
)
def test_the_search_form_reads_its_fields(
    params: dict[str, str], errors: tuple[str, ...], query: MentionQuery | None
) -> None:
    form = search_form(params)
    assert form.errors == errors
    assert form.query == query


@pytest.mark.parametrize(
    "query", ["to=9999-12-31", "from=0001-01-01", "kind=place", "from=2024-04-22&to=2024-04-01",
              "q=" + "x" * 201, "debug=1", "to=2024-02-30"],
)  # fmt: skip
def test_a_bad_query_parameter_is_answered_400_with_its_reason(
    site: Site, query: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = site.get("/?" + query)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    name = query.split("=")[0]
    assert f'<p class="alert">{name}: ' in answer.text  # the page says which field, and why
    assert not [r for r in caplog.records if r.exc_info]  # no traceback in the log


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (None, False),
        ("", False),
        ("Basic " + base64.b64encode(b"desk:pw").decode(), True),
        ("basic  " + base64.b64encode(b"desk:pw").decode(), True),
        ("Basic " + base64.b64encode(b"desk:pw2").decode(), False),
        ("Basic " + base64.b64encode(b"desk").decode(), False),
        ("Basic " + base64.b64encode(b":pw").decode(), False),
        ("Basic not-base64!", False),
        ("Bearer tok", True),
        ("bearer tok", True),
        ("Bearer tok ", True),
        ("Bearer to", False),
        ("Bearer tok2", False),
        ("Token tok", False),
    ],
)
def test_credentials_accept_exactly_the_configured_secrets(
    header: str | None, allowed: bool
) -> None:
    both = Credentials(username=b"desk", password=b"pw", token=b"tok")
    assert both.allow(header) is allowed
    assert "pw" not in repr(both) and "tok" not in repr(both)


# --- evidence ----------------------------------------------------------------------------


def _hostile_copy(site: Site) -> str:
    """Archive a page with a script in it as the evidence of a stored match; its SHA-256."""
    store = site.pipeline.store
    [kept] = store.evidence.newest(1)  # a seed file some match was found in
    first = store.evidence.found([kept.id])[kept.id][0].match_id
    body = b"<html><body><script>alert('owned')</script><p>Viktar Babaryka</p></body></html>"
    page = Document("https://hostile.example/a.html", body, "text/html", "utf-8")
    store.evidence.archive([(first, "seeds", page)], WHEN, WHEN + timedelta(days=1))
    return hashlib.sha256(body).hexdigest()


def test_an_archived_copy_is_shown_as_text_never_as_live_html(site: Site) -> None:
    sha = _hostile_copy(site)
    answer = site.get(f"/evidence/{sha}")
    assert answer.status_code == 200 and answer.headers["content-security-policy"] == CSP
    assert "<script>" not in answer.text
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in answer.text
    assert f"SHA-256: {sha}" in answer.text and "https://hostile.example/a.html" in answer.text
    assert site.get("/evidence/" + "0" * 64).status_code == 404
    assert site.get("/evidence/not-a-hash").status_code == 404


def test_the_page_lists_archived_copies_and_links_each_as_text(site: Site) -> None:
    sha = _hostile_copy(site)
    evidence = section(site.get("/").text, "evidence")
    assert f'<a href="evidence/{sha}">{sha}</a>' in evidence
    seeds = [k for k in site.pipeline.store.evidence.newest(10) if k.feed == "seeds"]
    assert seeds and all(k.sha256 in evidence for k in seeds[:5])


@pytest.mark.usefixtures("secrets")
def test_archived_copies_are_behind_the_page_login(tmp_path: Path) -> None:
    http = {"username": "desk", "password_env": PASSWORD_ENV}
    with serve_seeds(tmp_path, http) as site:
        [kept, *_] = site.pipeline.store.evidence.newest(1)
        assert site.get(f"/evidence/{kept.sha256}").status_code == 401
        shown = site.get(f"/evidence/{kept.sha256}", auth=("desk", "correct horse ü"))
        assert shown.status_code == 200 and kept.url in shown.text
