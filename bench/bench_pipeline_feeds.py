"""Realistic RSS 2.0 feeds for the polling benchmark, and the loopback server that serves them.

In: a feed count, items per feed and a seed. Out: deterministic feeds of ~59 KB (English and
Russian news with HTML descriptions; some items name people of rules/belarus.yaml or protest
events, and one item in 25 is a wire story carried by ten feeds), served with ETags.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from xml.sax.saxutils import escape

from tests.support.feedserver import FeedServer, Reply, Request

SEED = 4
FEED_BYTES = 59_000  # the size in the issue: rss2email took 108 s for 1,000 such feeds
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
RSS_TYPE = "application/rss+xml; charset=utf-8"
WIRE_EVERY = 25  # one item in 25 is a wire story that ten feeds carry under one URL
MENTION_EVERY = 12  # one item in 12 names a watched person or a protest


def _words(text: str) -> list[str]:
    return text.split()


EN_WORDS = _words(
    "government minister court hearing ruling statement journalists report officials city "
    "region council budget plan school hospital workers company market prices energy gas "
    "border trade agreement talks week month year spokesman agency inquiry election vote "
    "police detained released appeal lawyer family relatives letter colony sentence years "
    "opposition exile parliament decree law media editor newspaper website blocked access "
    "the a of to in and on for with by from after before during about said told according"
)
RU_WORDS = _words(
    "правительство министр суд заседание решение заявление журналисты сообщили чиновники "
    "город область совет бюджет план школа больница работники компания рынок цены энергия "
    "граница торговля соглашение переговоры неделя месяц год представитель агентство "
    "проверка выборы голосование милиция задержали освободили апелляция адвокат семья "
    "родственники письмо колония приговор лет оппозиция эмиграция парламент указ закон "
    "редактор газета сайт заблокирован доступ и в на с по для из после до во время о "
    "сказал сообщил по словам"
)
EN_MENTIONS = (
    "Political prisoner Viktar Babaryka has not been heard from for months, his lawyer said.",
    "Lilia Vlasova was moved to another colony, relatives of Vlasova told reporters.",
    "Sviatlana Tsikhanouskaya met European ministers to discuss prisoners in Belarus.",
    "Thousands joined a protest in Minsk against the rigged election results.",
    "Women marched through the city centre carrying flowers, a women's march like in 2020.",
    "Paval Latushka said the regime of Lukashenka keeps hundreds of people in jail.",
    "Vitali Shkliarov, a political consultant, was released after months in detention.",
)
RU_MENTIONS = (
    "Политзаключённый Виктор Бабарико уже несколько месяцев без связи, сообщил адвокат.",
    "Светлана Тихановская встретилась с министрами и говорила о политзаключённых.",
    "В Минске прошла акция протеста против фальсификации выборов.",
    "Женщины вышли на марш солидарности с цветами, как в 2020 году.",
    "Сергея Тихановского снова перевели в одиночную камеру, рассказала жена.",
    "Павел Латушко заявил, что режим Лукашенко удерживает сотни людей.",
)
EN_NOISE = ("The football club of Minsk protested the referee's decision in the derby.",)


@dataclass(frozen=True)
class Corpus:
    """The feeds: plain and gzip-encoded bodies by path, and the number of items in all."""

    plain: dict[str, bytes]
    gzipped: dict[str, bytes]
    items: int


def path(f: int) -> str:
    return f"/feed/{f}.rss"


def sentence(rng: random.Random, words: list[str]) -> str:
    picked = rng.choices(words, k=rng.randint(8, 16))
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random, russian: bool, mention: bool, target: int) -> str:
    """Sentences up to about `target` UTF-8 bytes, one naming a rule's subject if asked."""
    words = RU_WORDS if russian else EN_WORDS
    sentences = [sentence(rng, words)]
    if mention:
        sentences.append(rng.choice(RU_MENTIONS if russian else EN_MENTIONS))
    elif not russian and rng.random() < 0.05:
        sentences.append(EN_NOISE[0])  # an `not:` exclusion for the protest rule
    while sum(len(s.encode()) + 1 for s in sentences) < target:
        sentences.append(sentence(rng, words))
    rng.shuffle(sentences)
    return " ".join(sentences)


def description(rng: random.Random, russian: bool, mention: bool, target: int) -> str:
    """HTML as CMSs emit it: paragraphs, a link, emphasis and an image."""
    first = paragraph(rng, russian, mention, target // 2)
    second = paragraph(rng, russian, False, target // 2 - 120)
    link = "https://media.example/photo/" + str(rng.randrange(10**6))
    return (
        f'<p><img src="{link}.jpg" alt="" width="640" height="360"/></p>'
        f"<p><strong>{first.split('.')[0]}.</strong>{first[first.find('.') + 1 :]}</p>"
        f'<p>{second} <a href="https://news.example/related/{rng.randrange(10**6)}">'
        f"{'Читайте также' if russian else 'Read more'}</a></p>"
    )


def item(f: int, i: int, russian: bool, target: int) -> str:
    wire = i % WIRE_EVERY == 0
    story = f"wire/{f // 10}/{i}" if wire else f"{f}/{i}"
    rng = random.Random(f"{SEED}:{story}")  # a wire story is the same text in every feed
    mention = rng.randrange(MENTION_EVERY) == 0
    words = RU_WORDS if russian else EN_WORDS
    title = sentence(rng, words).rstrip(".")
    if mention:
        title = (RU_MENTIONS if russian else EN_MENTIONS)[0].split(",")[0]
    published = NOW - timedelta(minutes=37 * i + f % 60)
    url = f"https://news{f % 97}.example/{story}.html"
    return (
        f"<item><title>{escape(title)}</title><link>{url}</link>"
        f'<guid isPermaLink="true">{url}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<category>{'Общество' if russian else 'Society'}</category>"
        f"<description><![CDATA[{description(rng, russian, mention, target)}]]></description>"
        "</item>"
    )


def feed(f: int, items: int, feed_bytes: int = FEED_BYTES) -> bytes:
    """Feed `f`: even numbers in Russian, odd in English; about `feed_bytes` long."""
    russian = f % 2 == 0
    target = max(200, (feed_bytes - 600) // items - 560)  # minus markup and overshoot
    body = "".join(item(f, i, russian, target) for i in range(items))
    language = "ru" if russian else "en"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>News site {f}</title><link>https://news{f % 97}.example/</link>"
        f"<description>Headlines of news site {f}</description><language>{language}</language>"
        f"<lastBuildDate>{format_datetime(NOW)}</lastBuildDate>"
        f"{body}</channel></rss>\n"
    ).encode()


def corpus(feeds: int, items: int) -> Corpus:
    plain = {path(f): feed(f, items) for f in range(feeds)}
    gzipped = {p: gzip.compress(body, 6) for p, body in plain.items()}
    return Corpus(plain, gzipped, feeds * items)


def handler(corpus: Corpus, p: str, etag: str) -> Callable[[Request], Reply]:
    """gzip to a client that accepts it (both tools do), the plain body otherwise."""

    def reply(request: Request) -> Reply:
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers = {
                "Content-Type": RSS_TYPE,
                "Content-Encoding": "gzip",
                "Vary": "Accept-Encoding",
            }
            return Reply(body=corpus.gzipped[p], headers=headers, etag=etag)
        return Reply(body=corpus.plain[p], headers={"Content-Type": RSS_TYPE}, etag=etag)

    return reply


def serve(feeds: int, items: int, conn: Connection) -> None:
    """Child process: build the feeds, then serve them and answer "count" until "stop"."""
    data = corpus(feeds, items)
    etags = {path(f): f'"v1-{f}"' for f in range(feeds)}
    with FeedServer() as server:
        for p, etag in etags.items():
            server.routes[p] = handler(data, p, etag)
        plain = sum(len(body) for body in data.plain.values())
        conn.send((server.port, plain, sum(len(body) for body in data.gzipped.values())))
        while conn.recv() == "count":
            conn.send(_counts(server, etags))


def _counts(server: FeedServer, etags: dict[str, str]) -> tuple[int, int]:
    """Requests served so far, and how many of them were answered 304."""
    requests = list(server.requests)
    hits = sum(1 for r in requests if r.headers.get("if-none-match") == etags.get(r.path))
    return len(requests), hits
