"""The fast feed reader (monitor/parse/fastfeed.py): every feed it accepts gives exactly
feedparser's articles (the whole parse corpus, the seeds, targeted and generated cases); it
declines what it does not reproduce, and hostile input costs nothing."""

# ruff: noqa: E501  (the case tables are XML snippets, each readable on one line)
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.fetch import Fetcher
from monitor.model import Document
from monitor.parse import parse_document
from monitor.parse.charset import decode, xml_encoding
from monitor.parse.document import Kind, primary_language, sniff
from monitor.parse.fastfeed import read_feed
from monitor.parse.feed import feed_articles, read_with_feedparser, to_safe_xml
from tests.conftest import SEEDS
from tests.test_parse_corpus import CORPUS, corpus_files

URL = "https://news.example.org/feeds/belarus.xml"
LOCATIONS = (URL, "/srv/feeds/belarus.xml")  # a base for relative links, and none


def fast_and_slow(text: str, location: str = URL) -> tuple[bool, object, object]:
    """(accepted, fast path's articles, feedparser's articles) for a decoded feed."""
    xml = to_safe_xml(text)
    fast = read_feed(xml, location)
    slow = read_with_feedparser(xml, location)
    theirs = feed_articles(slow, "f", None) if slow is not None else None
    return fast is not None, feed_articles(fast, "f", None) if fast else None, theirs


def assert_same(text: str, location: str = URL) -> None:
    accepted, ours, theirs = fast_and_slow(text, location)
    assert accepted, "the fast path declined"
    assert ours == theirs


def rss(items: str, channel: str = "<title>Nasha Niva</title>", attrs: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{attrs}><channel>'
        f"{channel}{items}</channel></rss>"
    )


def atom(entries: str, head: str = "<title>Viasna</title>", attrs: str = "") -> str:
    return f'<feed xmlns="http://www.w3.org/2005/Atom"{attrs}>{head}{entries}</feed>'


TYPICAL_RSS = rss(
    "<item><title>Court in Minsk sentences journalists</title>"
    "<link>https://news.example.org/a/1.html?utm_source=rss</link>"
    '<guid isPermaLink="false">news-1</guid><pubDate>Mon, 22 Apr 2024 13:52:00 +0000</pubDate>'
    "<dc:creator>Ales Bialiatski</dc:creator><category>Society</category>"
    '<enclosure url="https://news.example.org/p.jpg" type="image/jpeg" length="1"/>'
    "<description><![CDATA[<p><img src='x.jpg'/></p><p><strong>Minsk.</strong> The court "
    "sentenced <a href='/p'>two journalists</a>.</p>]]></description>"
    "<content:encoded><![CDATA[<p>The full story &amp; more.</p>]]></content:encoded></item>",
    "<title>Nasha Niva</title><link>https://news.example.org/</link><language>be-BY</language>"
    '<atom:link href="https://news.example.org/rss" rel="self" type="application/rss+xml"/>',
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"',
)
TYPICAL_ATOM = atom(
    '<entry><title type="html">Trial of &lt;b&gt;Viasna&lt;/b&gt;</title>'
    '<link rel="alternate" type="text/html" href="/2024/04/trial"/>'
    "<id>tag:viasna.example,2024:1</id><updated>2024-04-22T13:52:00Z</updated>"
    "<published>2024-04-21T10:00:00+03:00</published>"
    "<author><name>Viasna</name><email>info@viasna.example</email></author>"
    '<summary type="html">&lt;p&gt;Short&lt;/p&gt;</summary>'
    '<content type="html">&lt;p&gt;The full text.&lt;/p&gt;</content></entry>',
    attrs=' xml:lang="be_BY"',
)


# --- the fast path is taken, and gives feedparser's articles ------------------------------


@pytest.mark.parametrize("text", [TYPICAL_RSS, TYPICAL_ATOM], ids=["rss", "atom"])
def test_typical_rss_and_atom_take_the_fast_path_with_feedparsers_articles(text: str) -> None:
    for location in LOCATIONS:
        assert_same(text, location)
    _, ours, _ = fast_and_slow(text)
    assert isinstance(ours, tuple) and len(ours) == 1
    expected = replace(ours[0], language=primary_language(ours[0].language))
    assert parse_document(Document(URL, text.encode()), feed="f") == (expected,)


def test_typical_fields_read_by_the_fast_path() -> None:
    (item,) = parse_document(Document(URL, TYPICAL_RSS.encode()))
    assert (item.title, item.url, item.guid) == (
        "Court in Minsk sentences journalists",
        "https://news.example.org/a/1.html",
        "news-1",
    )
    assert (item.author, item.source, item.language) == ("Ales Bialiatski", "Nasha Niva", "be")
    assert item.text == "Minsk. The court sentenced two journalists."  # the longer of the two
    (entry,) = parse_document(Document(URL, TYPICAL_ATOM.encode()))
    assert (entry.title, entry.url) == ("Trial of Viasna", "https://news.example.org/2024/04/trial")
    assert (entry.author, entry.language) == ("Viasna (info@viasna.example)", "be")


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.xml")), ids=lambda p: p.name)
def test_seed_feeds_take_the_fast_path_unless_they_carry_xhtml(seed: Path) -> None:
    body = seed.read_bytes()
    text = decode(body, (None, xml_encoding(body)))
    if 'type="xhtml"' in text:  # the Atom seed has one XHTML entry: feedparser's job
        assert read_feed(to_safe_xml(text), URL) is None
    else:
        assert_same(text)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_every_corpus_feed_the_fast_path_accepts_gives_feedparsers_articles() -> None:
    fetcher, accepted, differ = Fetcher("monitor-test"), 0, []
    for path in corpus_files():
        [document] = fetcher.fetch(str(path)).documents
        body = document.body
        if not body.strip() or sniff(body, document.content_type) is not Kind.FEED:
            continue
        text = decode(body, (document.charset, xml_encoding(body)))
        for location in LOCATIONS:
            taken, ours, theirs = fast_and_slow(text, location)
            accepted += taken
            if taken and ours != theirs:
                differ.append(f"{path} at {location}")
    assert differ == []
    assert accepted >= 2 * 700  # so this cannot pass by declining everything


# --- targeted cases: accepted, and the same as feedparser --------------------------------

SAME = {
    "guid permalink without link": "<item><guid>https://x.org/g?a=1&amp;b=2</guid></item>",
    "guid permalink after link": "<item><link>https://x.org/l</link><guid>https://x.org/g</guid></item>",
    "guid permalink before link": "<item><guid>https://x.org/g</guid><link>https://x.org/l</link></item>",
    "guid not a permalink": '<item><guid isPermaLink="false">abc</guid><title>t</title></item>',
    "guid permalink True": '<item><guid isPermaLink="True">/rel</guid></item>',
    "relative link": "<item><title>t</title><link>../a/b.html</link></item>",
    "link with entities": "<item><link>https://x.org/?a=1&amp;amp;b=2&amp;c;d=3</link></item>",
    "empty link": "<item><title>t</title><link></link><guid>https://x.org/g</guid></item>",
    "two links": "<item><link>https://x.org/1</link><link>https://x.org/2</link></item>",
    "utf-8 read as latin-1": "<item><title>BelarusÃ¢Â€Â™ news Ã©</title></item>",
    "windows-1252 controls": "<item><title>\u0093quoted\u0094 \u0080</title></item>",
    "title that looks like html": "<item><title>A &lt;b&gt;bold&lt;/b&gt; move &amp;amp; more</title></item>",
    "title with an entity only": "<item><title>Tom &amp;amp; Jerry</title></item>",
    "empty title": "<item><title></title><description>First para.</description></item>",
    "no title": "<item><description>&lt;p&gt;Only a body that is long enough.&lt;/p&gt;</description></item>",
    "content then description": "<item><content:encoded>long body text here</content:encoded><description>short</description></item>",
    "description then content": "<item><description>short</description><content:encoded>long body text</content:encoded></item>",
    "content only": "<item><content:encoded>&lt;p&gt;body&lt;/p&gt;</content:encoded></item>",
    "plain summary in rss": "<item><summary>a &lt;i&gt;b&lt;/i&gt; c</summary></item>",
    "rss content element": "<item><content>x &lt;b&gt;y&lt;/b&gt;</content></item>",
    "dates": "<item><title>t</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><dc:date>2003-06-11T08:00:00+02:00</dc:date></item>",
    "bad and odd dates": "<item><pubDate>tomorrow</pubDate><dcterms:modified>2024-13-45</dcterms:modified><title>t</title></item>",
    "two dates, last wins": "<item><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><published>2001-01-01T00:00:00Z</published></item>",
    "author with email": "<item><author>editor@x.org (The Editor)</author></item>",
    "itunes author": "<item><itunes:author>Podcaster</itunes:author><title>t</title></item>",
    "item language": "<item><title>t</title><language>ru_RU</language></item>",
    "empty item": "<item></item>",
    "item with only media group": "<item><media:group/></item>",
    "item with only a category": "<item><category/></item>",
    "media elements": '<item><title>t</title><media:content url="https://x.org/v.mp4"><media:thumbnail url="https://x.org/t.jpg"/></media:content><media:group><media:credit>AP</media:credit></media:group></item>',
    "unknown namespace": '<item><title>t</title><x:views>12</x:views><x:meta a="1"><x:inner>q</x:inner></x:meta></item>',
    "known namespace without handler": "<item><title>t</title><slash:comments>4</slash:comments><wfw:commentRss>/c</wfw:commentRss></item>",
    "comments and source": '<item><title>t</title><comments>https://x.org/c</comments><source url="https://y.org/rss">Y</source></item>',
    "cdata and whitespace": "<item><title>  <![CDATA[ <Minsk> ]]>  </title></item>",
    "character references": "<item><title>&#1041;&#x0439; &#160;x</title></item>",
    "typed rss description": '<item><description type="text">a &lt;b&gt;b&lt;/b&gt;</description></item>',
    "xml:lang on the item": '<item xml:lang="pl"><title>t</title></item>',
}
NAMESPACES = (
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:x="urn:example:unknown"'
    ' xmlns:itunes="http://www.itunes.com/DTDs/PodCast-1.0.dtd"'
    ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'
    ' xmlns:wfw="http://wellformedweb.org/commentAPI/"'
)
CHANNELS = {
    "channel language": "<title>T</title><language>en-us</language>",
    "no channel title": "<link>https://x.org/</link>",
    "html channel title": "<title>A &amp;amp; B &lt;i&gt;news&lt;/i&gt;</title>",
    "image and textinput": "<image><title>Logo</title><url>https://x.org/l.png</url></image>"
    "<title>T</title><textInput><title>Search</title><name>q</name></textInput>",
    "itunes channel": "<title>T</title><itunes:owner><itunes:name>N</itunes:name></itunes:owner>"
    "<skipHours><hour>1</hour></skipHours>",
}
ATOM_SAME = {
    "id as link": "<entry><id>https://x.org/e/1</id><title>t</title></entry>",
    "tag id and alternate": '<entry><id>tag:x.org,2024:1</id><link href="https://x.org/1"/></entry>',
    "link rels": '<entry><link rel="self" href="/s"/><link rel="ALTERNATE" type="text/html" href="/a"/><link rel="enclosure" href="/e.mp3"/></entry>',
    "alternate not html": '<entry><link rel="alternate" type="application/pdf" href="/a.pdf"/><title>t</title></entry>',
    "author name only": "<entry><author><name> N </name><uri>/me</uri></author></entry>",
    "author email only": "<entry><author><email>a@x.org</email></author><title>t</title></entry>",
    "author uri only": "<entry><author><uri>https://x.org/me</uri></author><title>t</title></entry>",
    "contributor": "<entry><title>t</title><contributor><name>C</name></contributor></entry>",
    "content before summary": '<entry><content type="text">long &lt;b&gt; text</content><summary>s</summary></entry>',
    "summary only, html": '<entry><summary type="html">&lt;p&gt;a&lt;/p&gt;&lt;p&gt;b&lt;/p&gt;</summary></entry>',
    "content text/plain": '<entry><content type="text/plain">x &lt;b&gt;y&lt;/b&gt;</content></entry>',
    "title text that looks like html": "<entry><title>a &lt;b&gt;b&lt;/b&gt;</title></entry>",
    "rights and category": '<entry><title>t</title><rights>CC</rights><category term="x"/></entry>',
}


@pytest.mark.parametrize("items", SAME.values(), ids=SAME.keys())
@pytest.mark.parametrize("location", LOCATIONS)
def test_rss_cases_are_read_as_feedparser_reads_them(items: str, location: str) -> None:
    assert_same(rss(items, attrs=NAMESPACES), location)


@pytest.mark.parametrize("channel", CHANNELS.values(), ids=CHANNELS.keys())
def test_channel_cases_are_read_as_feedparser_reads_them(channel: str) -> None:
    assert_same(rss("<item><title>t</title></item>", channel, attrs=NAMESPACES))


@pytest.mark.parametrize("entries", ATOM_SAME.values(), ids=ATOM_SAME.keys())
@pytest.mark.parametrize("location", LOCATIONS)
def test_atom_cases_are_read_as_feedparser_reads_them(entries: str, location: str) -> None:
    assert_same(atom(entries), location)


# --- what it declines: feedparser reads those -------------------------------------------

DECLINED = {
    "doctype": '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "x.dtd">'
    + rss("<item><title>t</title></item>"),
    "entity": '<!DOCTYPE rss [<!ENTITY org "Viasna">]>' + rss("<item><title>&org;</title></item>"),
    "not well-formed": rss("<item><title>t</title><description>a & b</description></item>"),
    "undefined entity": rss("<item><title>caf&eacute;</title></item>"),
    "rss 1.0": '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel><item><title>i</title></item></rdf:RDF>',
    "rss 0.91": '<rss version="0.91"><channel><title>t</title><item><title>i</title></item></channel></rss>',
    "atom 0.3": '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title><entry><title>i</title></entry></feed>',
    "xml:base": atom('<entry xml:base="https://other.org/x/"><link href="a"/></entry>'),
    "xhtml content": atom(
        '<entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></content></entry>'
    ),
    "base64 content": atom(
        '<entry><content type="application/octet-stream">eA==</content></entry>'
    ),
    "content by reference": atom('<entry><content type="html" src="https://x.org/c"/></entry>'),
    "unknown default namespace": rss('<item><title>t</title><x xmlns="urn:other">q</x></item>'),
    "a prefix bound twice": rss(
        '<item><p:a xmlns:p="urn:one">1</p:a><p:b xmlns:p="urn:two">2</p:b></item>'
    ),
    "known prefix for an unknown namespace": rss(
        '<item xmlns:dc="urn:not-dc"><dc:creator>x</dc:creator></item>'
    ),
    "media:title": rss(
        '<item><title>t</title><media:title xmlns:media="http://search.yahoo.com/mrss/">m</media:title></item>'
    ),
    "two titles": rss("<item><title>a</title><title>b</title></item>"),
    "two descriptions": rss(
        "<item><description>a</description><description>b</description></item>"
    ),
    "two channel titles": rss("<item><title>i</title></item>", "<title>a</title><title>b</title>"),
    "markup in a title": rss("<item><title>a <b>bold</b> title</title></item>"),
    "image in an item": rss("<item><image><title>x</title></image><title>t</title></item>"),
    "itunes:keywords with attributes": rss(
        '<item><title>t</title><itunes:keywords xmlns:itunes="http://www.itunes.com/DTDs/PodCast-1.0.dtd" a="1">k</itunes:keywords></item>'
    ),
    "attributes on the item": rss(
        '<item rdf:about="https://x.org/1" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><title>t</title></item>'
    ),
    "item outside the channel": '<rss version="2.0"><channel><title>t</title></channel><item><title>i</title></item></rss>',
    "unknown core element in an item": rss("<item><title>t</title><body>b</body></item>"),
    "unhandled key that feedparser writes": rss(
        '<item xmlns:published="urn:x"><published:parsed>r</published:parsed></item>'
    ),
    "a prefix for an unknown and a known namespace": rss(
        '<item><x:a xmlns:x="urn:x">1</x:a><x:b xmlns:x="http://purl.org/dc/elements/1.1/">2</x:b></item>'
    ),
    "title inside a channel extension": rss(
        "<item><title>i</title></item>", '<x:w xmlns:x="urn:x"><title>a</title></x:w>'
    ),
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_unusual_feeds_are_declined_and_still_read(text: str) -> None:
    assert read_feed(to_safe_xml(text), URL) is None
    parse_document(Document(URL, text.encode()))  # feedparser's path: no exception escapes


# --- hostile input ---------------------------------------------------------------------


def test_entity_bomb_and_external_entities_are_declined_unread(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    for doctype in (
        f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>',
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    ):
        body = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><item><title>&x;&d;</title></item></channel></rss>'
        assert read_feed(body.encode(), URL) is None  # before any parsing: no DTD at all
    entity = rss("<item><title>&x;</title></item>").encode()
    assert read_feed(entity, URL) is None  # an undefined entity is a parse error


def test_huge_and_deep_documents_are_cheap() -> None:
    item = "<item><title>t</title><description>" + "word " * 200 + "</description></item>"
    big = rss(item * 5000)  # 5.6 MB
    started = time.perf_counter()
    accepted, ours, _ = fast_and_slow(big)
    assert accepted and len(ours) == 5000  # every item: the body cap bounds the work  # type: ignore[arg-type]
    deep = rss(
        '<item><title>t</title></item><x:a xmlns:x="urn:x">' + "<x:a>" * 50_000 + "</x:a>" * 50_001
    )
    assert read_feed(to_safe_xml(deep), URL) is not None
    assert time.perf_counter() - started < 60


# --- generated feeds: whatever is accepted reads as feedparser reads it -------------------

TEXTS = st.sampled_from(
    ["Minsk", "  spaced  ", "", "a &amp; b", "&lt;p&gt;para&lt;/p&gt;", "Ã©t", "\u0093q\u0094",
     "<![CDATA[<b>x</b> & y]]>", "&#1041;", "/relative/path", "https://x.org/a?b=1&amp;c=2",
     "mail@x.org (Name)", "Tue, 10 Jun 2003 04:00:00 GMT", "2024-04-22T13:52:00Z", "tag:x,2024:1"]
)  # fmt: skip
RSS_PARTS = st.sampled_from(
    ["title", "link", "description", "guid", "pubDate", "author", "dc:creator", "dc:date",
     "content:encoded", "category", "comments", "language", "x:extra", "slash:comments",
     "media:credit", "summary"]
)  # fmt: skip
GUID_ATTRS = st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"'])


@st.composite
def generated_items(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(RSS_PARTS, TEXTS, GUID_ATTRS), max_size=7))
    return (
        "<item>"
        + "".join(
            f"<{name}{attrs if name == 'guid' else ''}>{text}</{name}>"
            for name, text, attrs in parts
        )
        + "</item>"
    )


@pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(generated_items(), min_size=1, max_size=3), TEXTS, st.sampled_from(LOCATIONS))
def test_generated_rss_is_read_as_feedparser_reads_it(
    items: list[str], title: str, location: str
) -> None:
    text = rss("".join(items), f"<title>{title}</title>", NAMESPACES)
    accepted, ours, theirs = fast_and_slow(text, location)
    if accepted:
        assert ours == theirs


ATOM_PARTS = st.sampled_from(
    ["<title>{t}</title>", '<title type="html">{t}</title>', "<id>{t}</id>",
     '<link href="{t}"/>', '<link rel="alternate" type="text/html" href="{t}"/>',
     '<link rel="self" href="{t}"/>', "<updated>{t}</updated>", "<published>{t}</published>",
     "<author><name>{t}</name></author>", "<author><email>{t}</email><name>n</name></author>",
     '<summary type="html">{t}</summary>', "<summary>{t}</summary>",
     '<content type="html">{t}</content>', '<content type="text">{t}</content>',
     '<category term="{t}"/>', "<x:extra>{t}</x:extra>"]
)  # fmt: skip
ATTRIBUTE_SAFE = TEXTS.filter(lambda t: "<" not in t and '"' not in t)


@pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.tuples(ATOM_PARTS, ATTRIBUTE_SAFE), max_size=6), min_size=1, max_size=3),
    st.sampled_from(LOCATIONS),
)
def test_generated_atom_is_read_as_feedparser_reads_it(
    entries: list[list[tuple[str, str]]], location: str
) -> None:
    body = "".join(
        "<entry>" + "".join(part.format(t=text) for part, text in entry) + "</entry>"
        for entry in entries
    )
    accepted, ours, theirs = fast_and_slow(atom(body, attrs=' xmlns:x="urn:x"'), location)
    if accepted:
        assert ours == theirs
