"""Evidence end to end, on loopback servers: a full_text feed's pages are archived as served,
alerts carry their hashes (digest and webhook), `monitor evidence export` writes a WARC that
warcio reads, `monitor evidence verify` and the daemon's scheduled re-checks say what became
of each page, and a folder that cannot be written costs the archive, never the alert."""

from __future__ import annotations

import email
import gzip
import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from email import policy
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from monitor.model import Document
from monitor.run.daemon import problems
from tests.conftest import ROOT
from tests.support.channel import Post, route
from tests.support.feedserver import FeedServer, Reply
from tests.support.mounts import read_only_folder
from tests.support.pipelines import Clock
from tests.support.sink import WebhookSink
from tests.test_cli import monitor

STORIES = {
    "a1": ("Appeal rejected", "The Supreme Court rejected the appeal of Ales Bialiatski."),
    "a2": ("Letters", "Алеся Бяляцкага зноў пазбавілі лістоў, паведамляе жонка."),
    "a3": ("Transfer", "Алеся Беляцкого перевели в другую колонию, сообщили правозащитники."),
}


def article(title: str, text: str) -> bytes:
    more = "More context follows here. " * 20
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><nav>Home | World</nav><article><h1>{title}</h1><p>{text}</p>"
            f"<p>{more}</p></article></body></html>").encode()  # fmt: skip


def site(server: FeedServer) -> dict[str, bytes]:
    """Three article pages (a1 served gzipped) and the feed that links them; the bodies."""
    bodies = {key: article(*story) for key, story in STORIES.items()}
    for key, body in bodies.items():
        server.routes[f"/{key}.html"] = Reply(body=body, headers={"Content-Type": "text/html"},
                                              encoding="gzip" if key == "a1" else None)  # fmt: skip
    items = "".join(
        f"<item><title>{t}</title><link>{server.url(f'/{k}.html')}</link><guid>{k}</guid>"
        f"<description>{t}</description><pubDate>Mon, 07 Dec 2026 0{i}:00:00 GMT</pubDate></item>"
        for i, (k, (t, _)) in enumerate(STORIES.items(), 1)
    )
    feed = f"<rss version='2.0'><channel><title>Example</title>{items}</channel></rss>"
    server.routes["/feed.xml"] = Reply(
        body=feed.encode(), headers={"Content-Type": "application/rss+xml"}
    )
    return bodies


def write_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "r.yaml").write_text("people:\n  - id: bialiatski\n    name: Ales Bialiatski\n")
    return rules


def full_text(server: FeedServer) -> dict[str, Any]:
    """The loopback feed whose pages are read (its network allowed)."""
    return {"name": "example", "url": server.url("/feed.xml"), "full_text": True,
            "allow_networks": ["127.0.0.0/8"]}  # fmt: skip


def data(tmp_path: Path, feed: dict[str, Any], **route: Any) -> dict[str, Any]:
    """A pipeline's config: the Bialiatski rule, `feed`, one outbox route."""
    return {"data_dir": str(tmp_path / "var"), "rules": [str(write_rules(tmp_path))],
            "feeds": [feed], "routes": [{"name": "desk", "outbox": True, **route}]}  # fmt: skip


def config(tmp_path: Path, server: FeedServer, hook: WebhookSink | None = None) -> Path:
    """The same as a config file, for the command line (and a webhook, if given)."""
    rules = write_rules(tmp_path)
    webhook = f'[webhooks.team]\nurl = "{hook.url}"\n' if hook else ""
    path = tmp_path / "m.toml"
    path.write_text(f"""data_dir = "{tmp_path / "var"}"
rules = ["{rules}"]
[[feeds]]
name = "example"
url = "{server.url("/feed.xml")}"
full_text = true
allow_networks = ["127.0.0.0/8"]
{webhook}[[routes]]
name = "digest"
outbox = true
webhooks = [{'"team"' if hook else ""}]
schedule = "daily 07:00"
""")
    return path


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def digest_text(tmp_path: Path) -> str:
    """The text and HTML of the newest digest in the outbox."""
    eml = max((tmp_path / "var" / "outbox").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    return "\n".join(p.get_content() for p in message.walk() if p.get_content_maintype() == "text")


def warc(path: Path) -> list[Any]:
    with path.open("rb") as stream:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                for r in ArchiveIterator(stream)]  # fmt: skip


def test_each_page_is_archived_as_served_and_its_hash_is_in_digest_and_webhook(
    tmp_path: Path, feed_server: FeedServer, webhook_sink: WebhookSink
) -> None:
    bodies = site(feed_server)
    run = monitor("--config", str(config(tmp_path, feed_server, webhook_sink)), "run", "--once")
    assert run.returncode == 0, run.stderr
    text = digest_text(tmp_path)
    [hook] = [json.loads(r.body) for r in webhook_sink.requests]
    sent = {c["url"]: c["sha256"] for a in hook["alerts"] for c in a["archived"]}
    for key, body in bodies.items():
        assert f"archived copy: sha256 {sha(body)}" in text  # a1 decoded from gzip: as read
        assert sent[feed_server.url(f"/{key}.html")] == sha(body)


def test_export_writes_a_warc_that_warcio_reads(tmp_path: Path, feed_server: FeedServer) -> None:
    bodies = site(feed_server)
    conf = str(config(tmp_path, feed_server))
    assert monitor("--config", conf, "run", "--once").returncode == 0
    out = tmp_path / "e.warc.gz"
    export = monitor("--config", conf, "evidence", "export", "--since", "1d", "-o", str(out))
    assert export.returncode == 0 and "3 archived exchange(s), 3 match(es)" in export.stdout
    records = warc(out)
    assert records[0][0] == "warcinfo" and records[0][1].protocol == "WARC/1.1"
    responses = {h.get_header("WARC-Target-URI"): (h, http, body)
                 for kind, h, http, body in records if kind == "response"}  # fmt: skip
    for key, body in bodies.items():
        headers, http, archived = responses[feed_server.url(f"/{key}.html")]
        assert archived == body and http.get_statuscode() == "200"
        assert headers.get_header("WARC-Payload-Digest") == f"sha256:{sha(body)}"
    gzipped = responses[feed_server.url("/a1.html")][1]
    assert gzipped.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert gzipped.get_header("Content-Length") == str(len(bodies["a1"]))
    requests = [(h, http) for kind, h, http, _ in records if kind == "request"]
    ids = {h.get_header("WARC-Record-ID") for h, _, _ in responses.values()}
    assert len(requests) == 3 and {h.get_header("WARC-Concurrent-To") for h, _ in requests} == ids
    assert all(http.get_header("User-Agent") for _, http in requests)
    notes = [body.decode() for kind, _, _, body in records if kind == "metadata"]
    assert len(notes) == 3 and all("rule: bialiatski" in note for note in notes)
    assert any(f"story: {feed_server.url('/a1.html')}" in n and "Supreme Court" in n for n in notes)
    with gzip.open(out) as stream:
        assert stream.read(4) == b"WARC"  # a gzipped WARC, record by record
    # One copy by a prefix of its hash, as an alert shows it: headers, a blank line, the body.
    shown = subprocess.run([sys.executable, "-m", "monitor", "--config", conf, "evidence", "show",
                            sha(bodies["a2"])[:10]], capture_output=True, check=False,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    head, _, body = shown.stdout.partition(b"\n\n")
    assert shown.returncode == 0 and body == bodies["a2"]
    assert f"SHA-256: {sha(bodies['a2'])}".encode() in head
    assert monitor("--config", conf, "evidence", "show", "f" * 70).returncode == 2
    # warcio's own checker recomputes every record's digests, the payloads' SHA-256 too.
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(out)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert check.returncode == 0 and check.stdout.count("digest pass") >= 9, check.stdout


def test_verify_says_what_became_of_each_page(tmp_path: Path, feed_server: FeedServer) -> None:
    site(feed_server)
    conf = str(config(tmp_path, feed_server))
    assert monitor("--config", conf, "run", "--once").returncode == 0
    feed_server.routes["/a1.html"] = Reply(404)
    story = article("Transfer", "Алеся Беляцкого перевели в тюрьму, сообщили правозащитники.")
    feed_server.routes["/a3.html"] = Reply(body=story, headers={"Content-Type": "text/html"})
    feed_server.routes["/a2.html"] = Reply(503)
    verify = monitor("--config", conf, "evidence", "verify", "--since", "1d", "--json")
    assert verify.returncode == 0, verify.stderr
    states = {o["url"].rsplit("/", 1)[1]: o for o in map(json.loads, verify.stdout.splitlines())}
    assert {k: o["state"] for k, o in states.items()} == {
        "a1.html": "removed", "a2.html": "unreachable", "a3.html": "changed",
    }  # fmt: skip
    assert states["a3.html"]["detail"] == '"другую колонию," is now "тюрьму,"'
    # The original bytes stay exportable after the page is gone.
    out = tmp_path / "after.warc.gz"
    monitor("--config", conf, "evidence", "export", "--since", "1d", "-o", str(out))
    kept = {h.get_header("WARC-Target-URI"): b for k, h, _, b in warc(out) if k == "response"}
    assert kept[feed_server.url("/a1.html")] == article(*STORIES["a1"])


def test_the_daemon_rechecks_on_schedule_and_the_next_digest_reports_removals(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    bodies = site(feed_server)
    pipeline = make_pipeline(data(tmp_path, full_text(feed_server), schedule="daily 07:00"))
    pipeline.run_once()
    assert pipeline.evidence.due() == []  # nothing due before a day has passed
    feed_server.routes["/a2.html"] = Reply(410)
    clock.advance(timedelta(days=1, minutes=1))
    checked = {c.kept.url.rsplit("/", 1)[1]: c.verdict.state for c in pipeline.evidence.due()}
    assert checked == {"a1.html": "unchanged", "a2.html": "removed", "a3.html": "unchanged"}
    assert pipeline.evidence.due() == []  # the next check is due at 7 days
    clock.advance(timedelta(days=6))
    assert len(pipeline.evidence.due()) == 3
    # A new alert's digest reports the removal with the archived copy's hash.
    feed_server.routes["/feed.xml"] = Reply(body=b"<rss version='2.0'><channel><title>E</title>"
        b"<item><title>New</title><guid>n1</guid><description>Ales Bialiatski is ill."
        b"</description></item></channel></rss>")  # fmt: skip
    pipeline.run_once()
    text = digest_text(tmp_path)
    section = text.split("== Changed or removed since archived ==")[1]
    assert f"* removed: {feed_server.url('/a2.html')}" in section
    assert f"sha256 {sha(bodies['a2'])}" in section and "Letters" in section


def test_an_unwritable_evidence_folder_costs_the_archive_not_the_alert(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    bodies = site(feed_server)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "evidence").write_text("a file where the folder should be")
    pipeline = make_pipeline(data(tmp_path, full_text(feed_server)))
    summary = pipeline.run_once()
    assert summary.poll.matches == 3 and not summary.failed
    text = digest_text(tmp_path)
    assert text.count("not archived, hash only: sha256") == 3 * 2  # text and HTML
    assert f"sha256 {sha(bodies['a1'])}" in text and "cannot write" in text
    [problem] = problems(pipeline, None)
    assert problem.startswith(f"evidence: cannot write {tmp_path / 'var' / 'evidence'}")


def test_a_channel_post_is_archived_with_the_channel_page(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any, clock: Clock
) -> None:
    posts = [Post(7, "Суд над Алесем Беляцким перенесли.", when=clock() - timedelta(hours=1))]
    feed_server.routes["/s/spring96"] = route("spring96", "Вясна", posts)
    channel = {"name": "vyasna", "url": feed_server.url("/s/spring96")}
    pipeline = make_pipeline(data(tmp_path, channel))
    pipeline.run_once()
    [kept] = pipeline.store.evidence.kept(clock() - timedelta(days=1))
    assert kept.url == feed_server.url("/s/spring96") and kept.exchange is not None
    assert "Беляцким" in (pipeline.store.evidence.body(kept) or b"").decode()
    found = pipeline.store.evidence.found([kept.id])[kept.id]
    assert [f.story_url for f in found] == ["https://t.me/spring96/7"]


def test_a_read_only_evidence_folder_is_said_and_healed(
    tmp_path: Path, feed_server: FeedServer, make_pipeline: Any
) -> None:
    """A real read-only filesystem where the machine can mount one (the data folder's
    evidence/ links to it), else a file in the folder's place."""
    bodies = site(feed_server)
    (tmp_path / "var").mkdir()
    with read_only_folder(tmp_path) as broken:
        target = tmp_path / "var" / "evidence"
        if broken.real:
            target.symlink_to(broken.path, target_is_directory=True)
        else:
            target.write_text("a file where the folder should be")
        pipeline = make_pipeline(data(tmp_path, full_text(feed_server)))
        summary = pipeline.run_once()
        assert summary.poll.matches == 3 and not summary.failed
        [problem] = problems(pipeline, None)
        assert "evidence: cannot write" in problem
        if broken.real:
            assert "Read-only file system" in problem
            broken.heal()
        else:
            target.unlink()
        [kept] = [k for k in pipeline.store.evidence.newest(10) if k.url.endswith("/a1.html")]
        assert kept.missing is not None  # recorded as missing, never silently
        # The next match in the same page writes its body, and the problem is gone.
        match_id = pipeline.store.evidence.found([kept.id])[kept.id][0].match_id
        page = Document(kept.url, bodies["a1"], "text/html")
        pipeline.store.evidence.archive([(match_id, "example", page)], kept.archived, kept.archived)
        assert problems(pipeline, None) == []
        [mended] = [k for k in pipeline.store.evidence.newest(10) if k.id == kept.id]
        assert mended.missing is None and pipeline.store.evidence.body(mended) == bodies["a1"]
