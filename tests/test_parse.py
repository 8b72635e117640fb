"""The parse stage: seeds, pages, JSON Feed, encodings, hostile and broken input, URLs."""

from __future__ import annotations

import re
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import feedparser.urls
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.parse import canonical_url, fastfeed, identity, parse_document
from monitor.parse.dates import parse_datetime
from monitor.parse.limits import MAX_TEXT_CHARS
from tests.conftest import ROOT, SAMPLE, SEEDS

DATA = Path(__file__).parent / "data" / "parse"
SAMPLE_TITLE = "Lukashenka Meets With Jailed Belarusian Opposition Leaders"
SAMPLE_URL = "https://www.rferl.org/a/belarus-lukashenka-meets-jailed-opposition/31000000.html"
SAMPLE_TIME = datetime(2024, 4, 22, 13, 52, tzinfo=UTC)


def parse_file(path: Path, **kwargs: str) -> tuple[Article, ...]:
    return parse_document(Document(location=str(path), body=path.read_bytes()), **kwargs)


def parse_bytes(
    body: bytes,
    location: str = "test.xml",
    *,
    content_type: str | None = None,
    charset: str | None = None,
    language: str | None = None,
) -> tuple[Article, ...]:
    doc = Document(location=location, body=body, content_type=content_type, charset=charset)
    return parse_document(doc, language=language)


def rss(items: str, declaration: str = '<?xml version="1.0"?>') -> str:
    return f'{declaration}\n<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'


# --- the plain-text sample ---------------------------------------------------------------


def test_sample_text_article_fields() -> None:
    (article,) = parse_file(SAMPLE, feed="seeds")
    assert article.title == SAMPLE_TITLE
    assert article.source == "RFE/RL"
    assert article.updated == SAMPLE_TIME
    assert article.published == SAMPLE_TIME
    assert article.feed == "seeds"
    assert article.text.startswith("Belarusian state media have reported that strongman")
    assert article.text.endswith("often carrying flowers.")


def test_sample_text_drops_metadata_lines_and_keeps_paragraphs() -> None:
    (article,) = parse_file(SAMPLE)
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 15
    assert all(p.strip() == p and "\n" not in p for p in paragraphs)
    assert SAMPLE_TITLE not in article.text
    assert "Photo:" not in article.text
    assert "Updated at" not in article.text
    assert "RFE/RL" not in article.text


def test_plain_text_hard_wrapped_lines_join_into_paragraphs() -> None:
    line = "Political prisoners in Belarus are held incommunicado for months, relatives say"
    body = f"A Title\n\n{line}\n{line}\nlast line.\n\nSecond paragraph.\n".encode()
    (article,) = parse_bytes(body, "note.txt")
    assert article.title == "A Title"
    assert article.text == f"{line} {line} last line.\n\nSecond paragraph."


# --- seed feeds --------------------------------------------------------------------------


def test_rss_seed_carries_the_sample_article() -> None:
    articles = parse_file(SEEDS / "rfe-belarus.rss.xml", feed="rfe")
    (from_text,) = parse_file(SAMPLE)
    first = articles[0]
    assert len(articles) == 4
    assert (first.title, first.url, first.guid) == (SAMPLE_TITLE, SAMPLE_URL, SAMPLE_URL)
    assert first.published == SAMPLE_TIME
    assert first.text == from_text.text  # same paragraphs; the photo credit dropped
    assert {a.source for a in articles} == {"RFE/RL - Belarus"}
    assert {a.feed for a in articles} == {"rfe"}
    assert {a.language for a in articles} == {"en"}


def test_rss_seed_cleans_links_and_markup() -> None:
    articles = parse_file(SEEDS / "rfe-belarus.rss.xml")
    urls = [a.url for a in articles]
    assert urls[1] == "https://www.rferl.org/a/belarus-homel-court-activist-sentence/31000001.html"
    assert urls[2] == "https://www.rferl.org/a/belarus-minsk-flower-march-detained/31000002.html"
    assert "trackView" not in articles[1].text
    assert "<p>" not in articles[1].text
    assert '"disobeying the prison administration"' in articles[1].text
    assert articles[1].author == "RFE/RL's Belarus Service"
    assert articles[1].title == "Court In Homel Adds Two Years To Jailed Activist's Sentence"


def test_atom_seed_matches_rss_identity_and_converts_dates() -> None:
    atom = parse_file(SEEDS / "belarus-news.atom.xml")
    rss_first = parse_file(SEEDS / "rfe-belarus.rss.xml")[0]
    assert len(atom) == 3
    assert atom[0].key == rss_first.key
    assert atom[0].text == rss_first.text
    assert atom[1].title == "Vyasna: 1,400 Political Prisoners Remain Behind Bars"
    assert atom[1].published == datetime(2024, 4, 22, 6, 30, tzinfo=UTC)
    assert atom[1].updated == datetime(2024, 4, 22, 7, 15, tzinfo=UTC)
    assert atom[1].url == "https://news.example.org/belarus/vyasna-count?page=1"
    assert atom[1].text.split("\n\n")[1].startswith("Relatives of several prisoners")


def test_atom_entry_with_only_updated_gets_it_as_published() -> None:
    entry = parse_file(SEEDS / "belarus-news.atom.xml")[2]
    assert entry.published == entry.updated == datetime(2024, 4, 21, 18, 0, tzinfo=UTC)
    assert entry.text.count("\n\n") == 1  # the text summary's blank line survives


def test_russian_utf8_seed() -> None:
    articles = parse_file(SEEDS / "nasha-niva-ru.rss.xml")
    assert [a.title for a in articles][:1] == [
        "Тихановская призвала освободить всех политзаключённых"
    ]
    assert len(articles) == 4
    assert "Бабарико" in articles[1].title
    assert articles[1].url == "https://nashaniva.com/ru/340002"
    assert "протеста" in articles[2].title and "Минске" in articles[2].title
    assert articles[0].published == datetime(2024, 4, 23, 7, 15, tzinfo=UTC)
    assert articles[0].language == "ru"


def test_windows_1251_seed_decodes_inflected_names() -> None:
    articles = parse_file(SEEDS / "belarus-cp1251.rss.xml")
    text = "\n".join(a.full_text for a in articles)
    assert (
        (SEEDS / "belarus-cp1251.rss.xml")
        .read_bytes()
        .startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    )
    for name in ("Тихановскому", "Тихановского", "Лукашенко", "Колесниковой"):
        assert name in text
    assert articles[0].source == "Белорусские новости (образец windows-1251)"


# --- encodings ---------------------------------------------------------------------------

RUSSIAN = rss(
    "<item><title>Суд над Тихановским продлён</title>"
    "<description>В Минске прошёл протест в поддержку Колесниковой и Бабарико.</description>"
    "</item>"
)


@pytest.mark.parametrize("encoding", ["koi8-r", "windows-1251"])
def test_undeclared_cyrillic_encodings_decode(encoding: str) -> None:
    (article,) = parse_bytes(RUSSIAN.encode(encoding))
    assert article.title == "Суд над Тихановским продлён"
    assert "Колесниковой" in article.text


def test_declared_koi8r_and_http_charset_decode() -> None:
    declared = RUSSIAN.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="KOI8-R"?>')
    (by_declaration,) = parse_bytes(declared.encode("koi8-r"))
    (by_header,) = parse_bytes(RUSSIAN.encode("koi8-r"), charset="koi8-r")
    assert by_declaration.title == by_header.title == "Суд над Тихановским продлён"


def test_utf8_labelled_as_latin1_is_read_as_utf8() -> None:
    (article,) = parse_bytes(RUSSIAN.encode("utf-8"), charset="iso-8859-1")
    assert article.title == "Суд над Тихановским продлён"


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    body = RUSSIAN.replace("Минске", "Минске \udcff").encode("utf-8", errors="surrogateescape")
    (article,) = parse_bytes(body)
    assert article.title == "Суд над Тихановским продлён"
    assert "Колесниковой" in article.text


def test_utf16_feed_with_bom_decodes() -> None:
    body = RUSSIAN.replace('version="1.0"', 'version="1.0" encoding="utf-16"').encode("utf-16")
    (article,) = parse_bytes(body)
    assert article.title == "Суд над Тихановским продлён"


# --- HTML pages and JSON Feed ------------------------------------------------------------


def test_html_page_with_json_ld_uses_article_body() -> None:
    (article,) = parse_file(DATA / "article-jsonld.html")
    assert article.title == "Court Rejects Appeal Of Jailed Journalist"
    assert article.text == (
        "The Supreme Court upheld the eight-year sentence of journalist Katsiaryna Andreyeva."
        "\n\nHer lawyer said the family would keep writing to her every week."
    )
    assert article.url == "https://news.example.org/world/belarus-journalist-appeal"
    assert article.author == "Hanna Liubakova"
    assert article.source == "Example News"
    assert article.published == datetime(2024, 4, 23, 6, 0, tzinfo=UTC)
    assert article.updated == datetime(2024, 4, 23, 9, 30, tzinfo=UTC)
    assert article.language == "en"  # primary subtag of en-GB


def test_html_page_without_json_ld_keeps_only_the_story() -> None:
    location = "https://minsk-daily.example/news/flower-march?utm_medium=social#top"
    body = (DATA / "article-plain.html").read_bytes()  # windows-1251, declared by <meta>
    (article,) = parse_bytes(body, location, content_type="text/html", language="en")
    assert article.title == "Flower March Ends In Detentions"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Police detained at least twelve women")
    for noise in ("Home", "Buy cheap", "Share on", "Football", "Contact", "trackPage", "Photo"):
        assert noise not in article.text
    assert article.updated == article.published == SAMPLE_TIME
    assert article.url == "https://minsk-daily.example/news/flower-march"
    assert article.language == "en"


# Page text comes from trafilatura, which tells a story from page furniture by the shape of
# a real page: these pages carry a story's worth of paragraphs.
TRIAL = "".join(
    f"<p>The trial of the Viasna staff opened in Minsk, day {i}: the court heard the "
    "prosecutor read the charges against the three defendants for an hour.</p>"
    for i in range(1, 6)
)


def test_html_page_reads_time_element_and_article_tag() -> None:
    page = (
        "<html><head><title>Site | Trial Opens</title></head><body><nav><ul><li><a href='/'>"
        "Menu</a></li></ul></nav><article><time datetime='2024-04-20T08:00:00+02:00'>20 April"
        f"</time>{TRIAL}</article><div class='related'><a href='/x'>Other news</a></div>"
        "</body></html>"
    )
    (article,) = parse_bytes(page.encode(), "page.html")
    assert article.title == "Site | Trial Opens"
    assert article.published == datetime(2024, 4, 20, 6, 0, tzinfo=UTC)
    assert article.text.startswith("The trial of the Viasna staff opened in Minsk, day 1:")
    assert article.text.count("The trial of the Viasna staff") == 5
    assert "Menu" not in article.text and "Other news" not in article.text


def test_html_wrapper_classed_as_sidebar_keeps_the_story() -> None:
    page = (
        '<html><body><div id="page" class="layout with-sidebar"><nav>Menu</nav><article>'
        "<header><h1>Trial Opens</h1><p>Updated at 10:00,20-04-2024</p></header>"
        f'{TRIAL}<div class="share">Share</div></article><aside>Other</aside></div></body></html>'
    )
    (article,) = parse_bytes(page.encode(), "https://x.example/a")
    assert article.title == "Trial Opens"
    assert article.text.count("The trial of the Viasna staff") == 5
    assert "Share" not in article.text and "Other" not in article.text
    assert article.updated == datetime(2024, 4, 20, 10, 0, tzinfo=UTC)
    assert article.source == "x.example"


def test_json_feed() -> None:
    first, second = parse_file(DATA / "feed.json", feed="viasna")
    assert first.title == "New Political Prisoners Recognised"
    assert first.text == (
        "Rights groups recognised five more people as political prisoners."
        "\n\nAmong them is a teacher from Hrodna."
    )
    assert first.url == "https://viasna.example.org/news/1001"
    assert first.author == "Viasna, Ales Bialiatski"
    assert first.published == datetime(2024, 4, 22, 7, 0, tzinfo=UTC)
    assert (first.source, first.language, first.feed) == ("Viasna Updates", "be", "viasna")
    assert second.title == "Short note without a title: monitoring of trials continues in Minsk."
    assert second.text == ""  # the one paragraph became the title, not repeated
    assert second.guid == "1002"


# --- broken, empty and hostile input -----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b" \n\t ",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"{not json",
        b'{"title": "not a feed"}',
        b"[" * 100_000,
        b"\x1f\x8b\x08\x00garbage",
        b"<rss",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>",
    ],
)
def test_unusable_input_raises_parse_error_naming_the_location(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^broken\.bin: "):
        parse_bytes(body, "broken.bin")


def test_text_starting_with_a_bracket_is_an_article_and_a_bom_is_skipped() -> None:
    (article,) = parse_bytes(b"[Updated] Verdict in Minsk\n\nThe court ruled.", "a.txt")
    assert (article.title, article.text) == ("[Updated] Verdict in Minsk", "The court ruled.")
    padding = "<!-- " + "x" * 5000 + " -->"
    feed = "\ufeff" + padding + rss("<item><title>After a BOM</title></item>").split("?>", 1)[1]
    assert [a.title for a in parse_bytes(feed.encode())] == ["After a BOM"]


def test_feed_without_entries_is_empty_not_an_error() -> None:
    assert parse_bytes(rss("").encode()) == ()
    assert parse_bytes(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>') == ()


def test_feed_that_crashes_feedparser_is_salvaged() -> None:
    # feedparser 6.0.14 raises KeyError('where') on a gml:posList outside a georss:where
    body = (
        '<rss version="2.0" xmlns:gml="http://www.opengis.net/gml"><channel><title>C</title>'
        "<item><title>Protest in Minsk</title><link>https://x.org/a?utm_source=a</link>"
        "<description><![CDATA[<p>Text &amp; more</p><p>Second</p>]]></description>"
        "<pubDate>Mon, 22 Apr 2024 13:52:00 +0000</pubDate><gml:posList>1 2</gml:posList>"
        "</item><item><title>Other &amp; news</title><description>&lt;b&gt;Bold&lt;/b&gt;"
        "</description></item></channel></rss>"
    )
    first, second = parse_bytes(body.encode())
    assert (first.title, first.url, first.source) == ("Protest in Minsk", "https://x.org/a", "C")
    assert first.text == "Text & more\n\nSecond"
    assert first.published == SAMPLE_TIME
    assert (second.title, second.text) == ("Other & news", "Bold")


def test_out_of_range_character_references_do_not_break_the_feed() -> None:
    body = rss(
        "<item><title>a&#99999999;b&#xD800;c&#1041;" + "&#1" + "0" * 5000 + ";</title></item>"
    )
    (article,) = parse_bytes(body.encode())
    assert article.title == "a\ufffdb\ufffdcБ\ufffd"


def test_body_naming_a_local_file_is_not_opened(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    target.write_text(rss("<item><title>Read from disk</title></item>"))
    (article,) = parse_bytes(str(target).encode(), "odd.txt")
    assert article.title == str(target)


BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 100_000 + '">\n]>\n'
    '<rss version="2.0"><channel><title>t</title><item><title>x</title><description>'
    + "&a;" * 5000
    + "</description></item></channel></rss>\n"
)  # 115 KB; plain feedparser expands it to 500 MB (30 s, 1.5 GB)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_entity_bomb_is_cheap(tmp_path: Path, encoding: str) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(BOMB.encode(encoding))
    started = time.perf_counter()
    articles = parse_file(bomb)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    parse_file(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [a.title for a in articles] == ["x"]
    assert "A" * 1000 not in articles[0].text
    assert seconds < 5
    assert peak < 100 * 1024 * 1024


def test_external_entities_never_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">'
        f'<!ENTITY % p SYSTEM "file://{secret}"> %p;]>'
        '<rss version="2.0"><channel><title>t &x;</title><item><title>a &x;</title>'
        "<description>&x;</description></item></channel></rss>"
    )
    articles = parse_bytes(body.encode())
    assert articles
    assert not any("TOP-SECRET" in f"{a.full_text}{a.source}" for a in articles)


def test_small_literal_entities_still_work() -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY org "Viasna"><!ENTITY nb "&#160;">]>'
        '<rss version="2.0"><channel><title>T</title><item><title>&org;&nb;report &amp; '
        "&#1041;</title></item></channel></rss>"
    )
    (article,) = parse_bytes(body.encode())
    assert article.title == "Viasna report & Б"


def test_every_entry_is_read_and_text_is_capped() -> None:
    items = "".join(f"<item><title>n{i}</title></item>" for i in range(2500))
    assert len(parse_bytes(rss(items).encode())) == 2500
    huge = "<item><title>big</title><description>" + "word " * 100_000 + "</description></item>"
    (article,) = parse_bytes(rss(huge).encode())
    assert MAX_TEXT_CHARS - 10 <= len(article.text) <= MAX_TEXT_CHARS


def test_large_feed_past_the_markup_budget_gives_the_same_text() -> None:
    story = "<p>Trial of <b>Viasna</b> staff &amp; lawyers.</p><script>track()</script>"
    item = f"<item><title>t</title><description><![CDATA[{story * 4000}]]></description></item>"
    articles = parse_bytes(rss(item * 8).encode())  # about 2.4 MB of markup
    assert len(articles) == 8
    assert articles[0].text.startswith("Trial of Viasna staff & lawyers.\n\nTrial of")
    assert {a.text for a in articles} == {articles[0].text}
    assert "track()" not in articles[-1].text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Updated at 13:52,22-04-2024", datetime(2024, 4, 22, 13, 52, tzinfo=UTC)),
        ("22.04.2024 13:52", datetime(2024, 4, 22, 13, 52, tzinfo=UTC)),
        ("Mon, 22 Apr 2024 16:52:00 +0300", datetime(2024, 4, 22, 13, 52, tzinfo=UTC)),
        ("2024-04-22T13:52:00Z", datetime(2024, 4, 22, 13, 52, tzinfo=UTC)),
        ("2024-04-22", datetime(2024, 4, 22, tzinfo=UTC)),
        ("31.02.2024", None),
        ("yesterday", None),
    ],
)
def test_date_forms(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


def test_language_argument_overrides_the_feed_and_is_reduced_to_its_primary_tag() -> None:
    articles = parse_file(SEEDS / "rfe-belarus.rss.xml", language="BE-by")
    assert {a.language for a in articles} == {"be"}


def test_undeclared_cp1251_plain_text_starting_with_cyrillic() -> None:
    text = "Колесникову перевели в другую колонию\n\nОб этом сообщила её сестра."
    (article,) = parse_bytes(text.encode("cp1251"), "note.txt")
    assert article.title == "Колесникову перевели в другую колонию"
    assert article.text == "Об этом сообщила её сестра."


# --- canonical URLs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.RferL.org/a/x.html", "https://www.rferl.org/a/x.html"),
        ("https://x.org/a?utm_source=tw&utm_medium=rss&id=7", "https://x.org/a?id=7"),
        ("https://x.org/a?fbclid=1&gclid=2&yclid=3&mc_cid=4&mc_eid=5&ref=6", "https://x.org/a"),
        ("https://x.org/a?b=2&a=1&a=0", "https://x.org/a?a=0&a=1&b=2"),
        ("https://x.org/a#comments", "https://x.org/a"),
        ("http://x.org:80/a", "http://x.org/a"),
        ("https://x.org:443", "https://x.org/"),
        ("https://x.org:8443/a", "https://x.org:8443/a"),
        ("http://x.org/a", "http://x.org/a"),  # the scheme is kept, never upgraded
        ("https://x.org/p?q=a+b&q=%2F", "https://x.org/p?q=%2F&q=a+b"),
        ("https://x.org/p?flag", "https://x.org/p?flag"),
        ("  https://x.org/a  ", "https://x.org/a"),
        ("https://user@Host.ORG/a", "https://user@host.org/a"),
        ("mailto:editor@x.org", "mailto:editor@x.org"),
        ("not a url", "not a url"),
        ("http://[::1", "http://[::1"),
        ("http://x.org:abc/", "http://x.org:abc/"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected


URL_PIECES = st.sampled_from(
    ["http", "https", "HTTP", "ftp", ":", "//", "/", "a", "B", "x.org", "127.0.0.1", ":80",
     ":8080", "?", "#", "q=1", "&", "utm_source=x", ";p", "..", "%20", " ", "\t", "é", "-",
     ".", "[::1]", "@", "~"]
)  # fmt: skip
URLS = st.builds(
    lambda scheme, pieces: scheme + "".join(pieces),
    st.sampled_from(["", "http://", "https://"]),
    st.lists(URL_PIECES, max_size=10),
)


@given(URLS)
@settings(max_examples=3000)
def test_the_shortcut_for_plain_urls_spells_them_as_the_full_path_does(url: str) -> None:
    fast = canonical_url(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(identity, "_PLAIN", re.compile("(?!)"))  # the shortcut never applies
        assert fast == canonical_url(url)


@given(URLS, st.sampled_from(["", "http://b.example/feed.xml", "https://b.example:8443/f"]))
@settings(max_examples=3000)
def test_links_the_fast_reader_keeps_as_written_are_those_feedparser_keeps(
    url: str, base: str
) -> None:
    link = url.strip()
    if link and fastfeed._ABSOLUTE.fullmatch(link):
        assert feedparser.urls._urljoin(base, link) == link


def test_feed_ttl_is_read_from_the_channel() -> None:
    from datetime import timedelta

    from monitor.parse.ttl import feed_ttl

    rss = b"<rss><channel><title>t</title><ttl> 90 </ttl><item/></channel></rss>"
    assert feed_ttl(Document("x", rss)) == timedelta(minutes=90)
    assert feed_ttl(Document("x", b"<rss><channel><ttl>0</ttl></channel></rss>")) is None
    assert feed_ttl(Document("x", b"<rss><channel></channel></rss>")) is None


def _descriptions() -> list[str]:
    """Every distinct entry body of the parse corpus and the seeds, as feedparser gives it."""
    import io

    import feedparser

    corpus = ROOT.parent / "shared" / "corpus" / "feedparser-6.0.14"
    values: list[str] = []
    for path in [*sorted(corpus.rglob("*.xml")), *sorted(SEEDS.glob("*.xml"))]:
        try:
            parsed = feedparser.parse(
                io.BytesIO(path.read_bytes()), sanitize_html=False, resolve_relative_uris=False
            )
        except Exception:  # feedparser's own crashes are covered by the salvage tests
            continue
        for entry in parsed.get("entries", []):
            values.append(str(entry.get("summary") or ""))
            values += [str(c.get("value") or "") for c in entry.get("content", [])]
    return list(dict.fromkeys(v for v in values if v))


def test_the_cheap_path_gives_beautifulsoups_text_for_simple_descriptions() -> None:
    from monitor.parse.cleantext import html_to_text
    from monitor.parse.quicktext import is_simple, strip_markup

    simple = [d for d in _descriptions() if is_simple(d)]
    assert len(simple) >= 5  # seeds alone give some; with the corpus, hundreds
    assert [d for d in simple if strip_markup(d) != html_to_text(d)] == []


@pytest.mark.parametrize(
    "markup",
    [
        "plain text, no markup",
        "<p>a</p><script>x()</script>",
        '<p>a</p><iframe src="x" /><p>b</p>',
        "<p>1 < 2</p>",
        "<p>AT&T</p>",
        "<!-- c --><p>a</p>",
    ],
)
def test_anything_unusual_takes_the_beautifulsoup_path(markup: str) -> None:
    from monitor.parse.quicktext import is_simple

    assert not is_simple(markup)
