"""Fixed sample alerts and digests for digest and delivery tests: nothing in, values out.

Hostile on purpose: a title with ``<script>``, one with CR/LF and a fake header, a
``javascript:`` link, two scripts (Latin and Cyrillic), a syndicated copy of one story.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from monitor.model import (
    Alert,
    Archived,
    Article,
    Candidate,
    Delivery,
    Digest,
    Evidence,
    Match,
    Priority,
    RuleKind,
    SourceChange,
)
from monitor.render import FORMATS, Footer, Look, load_templates, render_digest
from monitor.targets import Target

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
MINSK = timezone(timedelta(hours=3))
INJECTED_TITLE = "Kalesnikava seen in court\r\nBcc: attacker@example.org"
FOOTER = Footer(
    failing_feeds=("nashaniva: HTTP 503 since 2026-11-25 22:00 UTC",),
    rule_errors=("rules/belarus.yaml:14: people[3].aka: expected a list of names",),
    dead_deliveries=("email to ed@example.org: 550 mailbox unavailable",),
)


def _alert(
    match_id: int, article: Article, rule: tuple[str, RuleKind, str], hit: str, snippet: str,
    why: tuple[str, str, str, tuple[str, ...]] = ("", "", "", ()),
    priority: Priority = Priority.NORMAL,
) -> Alert:  # fmt: skip
    start = article.full_text.find(hit)
    evidence = Evidence(hit, snippet, start, start + len(hit), *why)
    return Alert(match_id, article, Match(rule[0], rule[1], rule[2], (evidence,)), (), priority)


BABARYKA = ("babaryka", RuleKind.PERSON, "Viktar Babaryka")
TSIKHANOUSKI = ("tsikhanouski", RuleKind.PERSON, "Syarhey Tsikhanouski")
KALESNIKAVA = ("kalesnikava", RuleKind.PERSON, "Maria Kalesnikava")
PROTEST = ("minsk-protest", RuleKind.EVENT, "Protest in Minsk")

# (variant, reason) as --explain words them, (basis, terms) as a digest does.
_PRISON = ("surname Babaryka (en)", "context term 'prison' present", "context", ("prison",))
_NAMED = ("surname Ціханоўскі (be)", "given name Сяргей agrees", "named", ())
_NEAR = ("any: detain*", "near 'Minsk*' within 20 words", "near", ("detained", "Minsk", "20"))

# The archived copies of two stories' pages (one kept, one whose body could not be written).
RFERL_SHA256 = hashlib.sha256(b"the RFE/RL page as served").hexdigest()
COURT_SHA256 = hashlib.sha256(b"the Zerkalo page as served").hexdigest()

# A page a re-check found removed since it was archived.
SAMPLE_CHANGE = SourceChange(
    url="https://nashaniva.example/409876",
    state="removed",
    detail="HTTP 404 Not Found",
    sha256=hashlib.sha256(b"the Nasha Niva page as served").hexdigest(),
    archived=NOW - timedelta(days=7, hours=3),
    checked=NOW - timedelta(hours=1),
    titles=("Babaryka's lawyer disbarred",),
)

_HOSPITAL = "Viktar Babaryka was moved to the prison hospital in Navapolatsk, his lawyer said."


def sample_alerts() -> tuple[Alert, ...]:
    rferl = Article(
        title="Babaryka moved to prison hospital",
        text=_HOSPITAL,
        url="https://www.rferl.example/a/babaryka-hospital/1.html",
        source="RFE/RL",
        published=datetime(2026, 11, 25, 18, 40, tzinfo=UTC),
        feed="rferl",
    )
    copy = Article(
        title="Babaryka  moved to prison hospital",
        text=_HOSPITAL,
        url="https://nashaniva.example/410001",
        source="Nasha Niva",
        published=datetime(2026, 11, 25, 19, 5, tzinfo=UTC),
        feed="nashaniva",
    )
    interview = Article(
        title="Ціханоўскі: першае інтэрв'ю пасля вызвалення",
        text="Сяргей Ціханоўскі расказаў пра ўмовы ў калоніі.",
        url="https://belsat.example/news/tsikhanouski-interview",
        source="Belsat",
        published=datetime(2026, 11, 26, 8, 15, tzinfo=MINSK),
        language="be",
        feed="belsat",
    )
    protest = Article(
        title='<script>alert("x")</script> Protest & "solidarity" march in Minsk',
        text="Dozens gathered near Kastryčnickaja square; police detained at least 12 people.",
        url="javascript:alert(1)",
        source="Zerkalo <b>live</b>",
        feed="zerkalo",
    )
    court = Article(
        title=INJECTED_TITLE,
        text="Maria Kalesnikava appeared in court in Homiel on Tuesday.",
        url="https://zerkalo.example/news/kalesnikava-court",
        source="Zerkalo",
        published=datetime(2026, 11, 25, 9, 0),  # naive: taken as UTC
        feed="zerkalo",
    )
    archived = Archived(rferl.url or "", RFERL_SHA256, NOW - timedelta(hours=11))
    unkept = Archived(
        court.url or "",
        COURT_SHA256,
        NOW - timedelta(hours=20),
        missing="cannot write /var/lib/monitor/evidence: No space left on device",
    )
    return (
        replace(_alert(1, rferl, BABARYKA, "Babaryka", _HOSPITAL, _PRISON), archived=(archived,)),
        _alert(2, copy, BABARYKA, "Babaryka", _HOSPITAL, _PRISON),
        _alert(3, interview, TSIKHANOUSKI, "Ціханоўскі",
               "Сяргей Ціханоўскі расказаў пра ўмовы ў калоніі.", _NAMED),
        _alert(4, protest, PROTEST, "detained", protest.text, _NEAR),
        replace(_alert(5, court, KALESNIKAVA, "Kalesnikava", court.text, priority=Priority.HIGH),
                archived=(unkept,)),
    )  # fmt: skip


def sample_look(language: str = "en", timezone: str = "Europe/Minsk") -> Look:
    """The default templates, every webhook format."""
    return Look(load_templates(None), timezone, language, FORMATS)


# Someone named beside an arrest whom no rule names: the digest's "not on your list" part.
SAMPLE_CANDIDATE = Candidate(
    key="A:KRN",
    name="Ihar Karnei",
    variants=("Ihar Karnei", "Игоря Карнея", "Игорь Карней"),
    articles=2,
    sources=("RFE/RL", "Nasha Niva"),
    first_seen=NOW - timedelta(hours=20),
    last_seen=NOW - timedelta(hours=2),
    sentences=(
        "Belarusian KGB officers detained Ihar Karnei, a freelance journalist, at his flat "
        "in Minsk.",
    ),
)


def sample_digest(route: str = "belarus", language: str = "en") -> Digest:
    return render_digest(route, sample_alerts(), NOW, look=sample_look(language),
                         key="dg_sample", footer=FOOTER, candidates=[SAMPLE_CANDIDATE],
                         changes=[SAMPLE_CHANGE])  # fmt: skip


def sample_delivery(target: Target, delivery_id: int = 42) -> Delivery:
    """The sample digest owed to `target`, as the relay claims it."""
    return Delivery(delivery_id, "belarus", target.channel, target.key, sample_digest())
