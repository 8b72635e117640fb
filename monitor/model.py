"""The values that flow between pipeline stages.

In: nothing (pure definitions). Out: frozen dataclasses and enums shared by fetch, parse,
match, store, digest and deliver. No stage passes dicts to another; it passes these.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

# --- fetch -------------------------------------------------------------------------------


class FetchStatus(enum.Enum):
    OK = "ok"  # documents carry fresh bytes
    NOT_MODIFIED = "not_modified"  # 304, or the same body hash as last time
    GONE = "gone"  # 410: the feed is disabled and the user is told
    ERROR = "error"  # anything else; the feed is retried later


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(texts: Sequence[str]) -> tuple[IPNetwork, ...]:
    """'10.0.0.0/8' and '192.168.1.5' -> networks; ValueError for anything else."""
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


@dataclass(frozen=True)
class Feed:
    """A feed to poll, resolved from the config when it loads (paths absolute, networks
    parsed), so the stages never read the config itself."""

    name: str
    url: str  # http(s)://, file://, or an absolute local file or folder path
    interval: timedelta = timedelta(minutes=15)
    language: str | None = None
    full_text: bool = False
    # Non-public networks the feed's links may lead to (full_text fetches only public
    # http(s) addresses otherwise).
    allow_networks: tuple[IPNetwork, ...] = ()
    tags: tuple[str, ...] = ()
    enabled: bool = True
    # A channel (Telegram preview) read for the first time: how far back to read.
    history_posts: int = 100
    history: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class Exchange:
    """The HTTP exchange a Document was read from, kept as evidence (monitor.evidence): the
    request as sent and the answer's status line and headers, as received."""

    fetched: datetime
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    http_version: str
    response_headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Document:
    """One fetched resource: a feed, an HTML page or a plain-text article file."""

    location: str  # URL or file path, as the user would recognise it
    body: bytes  # decoded from any Content-Encoding: what the parser reads
    content_type: str | None = None  # media type without parameters, e.g. "application/rss+xml"
    charset: str | None = None  # charset declared by the transport (HTTP header), if any
    exchange: Exchange | None = field(default=None, compare=False, repr=False)  # HTTP only


@dataclass(frozen=True)
class FeedState:
    """What the store remembers of a feed between polls (validators, health)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    failures: int = 0
    last_error: str | None = None
    last_success: datetime | None = None
    next_check: datetime | None = None
    disabled: bool = False
    failing_since: datetime | None = None  # first failure of the current run of failures
    last_new: datetime | None = None  # when the feed last brought a new article
    usual_gap: timedelta | None = None  # running average of the gaps between new articles


@dataclass(frozen=True)
class FetchResult:
    url: str  # the URL that was asked for
    status: FetchStatus
    documents: tuple[Document, ...] = ()
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    moved_to: str | None = None  # set on a permanent redirect (301/308): store the new URL
    retry_after: timedelta | None = None
    max_age: timedelta | None = None  # Cache-Control max-age
    error: str | None = None


# --- parse -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """A clean article: plain text, no markup. `text` is the body without the title.

    Derived values (key, hashes, full_text) are computed once per instance.
    """

    title: str
    text: str
    url: str | None = None
    guid: str | None = None
    source: str = ""  # publisher line or feed title, e.g. "RFE/RL"
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    feed: str = ""  # name of the configured feed it came from

    @cached_property
    def key(self) -> str:
        """Stable identity: canonical URL (so one story in two feeds with their own guids
        is one), else guid, else a hash of title and text."""
        basis = self.url or self.guid or f"{self.title}\n{self.text}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.full_text.encode("utf-8")).hexdigest()[:32]

    @cached_property
    def fingerprint(self) -> str | None:
        """The same story republished elsewhere: a hash of the body's words; None for short
        bodies (under 40 words), where equal text is no proof of one story."""
        words = re.findall(r"\w+", self.text.casefold())
        if len(words) < 40:
            return None
        return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]

    @cached_property
    def full_text(self) -> str:
        """What matchers read; Evidence offsets point into this string."""
        return f"{self.title}\n\n{self.text}" if self.text else self.title


# --- rules and matches -------------------------------------------------------------------


class RuleKind(enum.Enum):
    PERSON = "person"
    EVENT = "event"


class Priority(enum.Enum):
    NORMAL = "normal"  # goes into the next digest
    HIGH = "high"  # alerts at once


@dataclass(frozen=True)
class Origin:
    """Where a rule was written, for error messages and --explain."""

    file: str
    line: int


@dataclass(frozen=True)
class PersonRule:
    id: str
    name: str
    aka: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    priority: Priority = Priority.NORMAL
    origin: Origin | None = None
    alone: bool = False  # the surname alone names this person (no given name needed)

    kind = RuleKind.PERSON


@dataclass(frozen=True)
class EventRule:
    id: str
    name: str
    any: tuple[str, ...]
    near: tuple[str, ...] = ()
    within: int = 20
    exclude: tuple[str, ...] = ()  # the `not:` key of the rule file
    tags: tuple[str, ...] = ()
    priority: Priority = Priority.NORMAL
    origin: Origin | None = None
    discover: bool = False  # its `any` words also mark an article for candidates

    kind = RuleKind.EVENT


Rule = PersonRule | EventRule


@dataclass(frozen=True)
class Standing:
    """How a listed surname stood in the store's articles of the last `days`, counted in
    articles (monitor.match.standing reads it; monitor.rules.learned learns it)."""

    rule_id: str
    surname: str  # as the rule wrote it when counted: an edit of it starts over
    named: int  # naming the person in full
    others: int  # with another given name beside the surname
    lower: int  # writing it lower-case, as a word
    seen: int  # holding it in any form
    days: int  # how far back they were counted


@dataclass(frozen=True)
class RuleSet:
    people: tuple[PersonRule, ...] = ()
    events: tuple[EventRule, ...] = ()
    # What the store taught about the people's surnames; none where no store is read.
    learned: tuple[Standing, ...] = ()

    def all(self) -> tuple[Rule, ...]:
        return (*self.people, *self.events)

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.all()}


@dataclass(frozen=True)
class Evidence:
    """One hit: `text` is full_text[start:end]; `snippet` is the sentence around it."""

    text: str
    snippet: str
    start: int
    end: int
    variant: str = ""  # which form of the rule produced the hit (for --explain)
    reason: str = ""  # why it counts (for --explain)
    # Why it counts in a digest's words: a `why_` key of render/templates/texts.toml
    # ("named", "near"...) and the words its phrase names (a term, its near term, distance).
    basis: str = ""
    basis_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    rule_id: str
    kind: RuleKind
    name: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Candidate:
    """A person named beside an arrest, a trial or a sentence, on no list yet: every story
    that named them, grouped by the person's key (monitor.discover)."""

    key: str
    name: str  # in the nominative, Latin script first where a story wrote it so
    variants: tuple[str, ...]  # every spelling seen, as written and in the nominative
    articles: int
    sources: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    sentences: tuple[str, ...]  # the newest first, a few
    links: tuple[tuple[str, str | None], ...] = ()  # (title, url) of the newest stories
    names: tuple[str, ...] = ()  # every nominative seen: the rule's `aka`


# --- digest and delivery -----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A publisher a story was seen at, and its link there."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Archived:
    """A matched document's archived copy: its SHA-256, when; `missing`: why only the hash is."""

    url: str
    sha256: str
    archived: datetime
    missing: str | None = None


@dataclass(frozen=True)
class SourceChange:
    """An archived document a re-check found `removed` or `changed` (monitor.evidence)."""

    url: str
    state: str
    detail: str
    sha256: str  # of the archived copy, which is kept
    archived: datetime
    checked: datetime
    titles: tuple[str, ...]  # of the matched stories it held


@dataclass(frozen=True)
class Alert:
    """A stored match awaiting delivery: the unit a digest is made of."""

    match_id: int
    article: Article
    match: Match
    tags: tuple[str, ...] = ()
    priority: Priority = Priority.NORMAL
    sources: tuple[Source, ...] = ()  # every feed the story was seen in, first seen first
    archived: tuple[Archived, ...] = ()  # the documents it was found in, as archived


@dataclass(frozen=True)
class Pending:
    """A match a route has not carried yet, as little as choosing what to show needs."""

    match_id: int
    rule_id: str
    name: str  # the rule's name when it matched
    sources: int  # how many feeds the story was seen in
    published: datetime | None = None


@dataclass(frozen=True)
class Digest:
    """A digest rendered once in every form its channels send (`bodies`: webhook JSON)."""

    route: str
    key: str  # the digest's identity, the same in every channel's copy
    subject: str
    text: str
    html: str
    created: datetime
    bodies: Mapping[str, bytes] = field(default_factory=dict, hash=False, repr=False)
    match_ids: tuple[int, ...] = field(default=(), repr=False)  # the alerts it carries


class DeliveryStatus(enum.Enum):
    PENDING = "pending"  # owed: sent when next_attempt comes
    SENDING = "sending"  # claimed by one relay; no other may send it until its lease ends
    SENT = "sent"
    DEAD = "dead"  # given up: a permanent refusal, or owed past the retry window


@dataclass(frozen=True)
class Delivery:
    """One owed send of one digest over one channel to one target, as the relay claims it."""

    id: int
    route: str
    channel: str  # key of deliver.CHANNELS: "outbox", "email", "webhook", "apprise"
    target: str  # the target's key within its route: folder, address(es), webhook name, URL
    digest: Digest
    attempts: int = 0


@dataclass(frozen=True)
class DeliveryRecord:
    """A delivery as people read it (`monitor deliveries`, the digest footer, the page)."""

    id: int
    route: str
    channel: str
    target: str
    status: DeliveryStatus
    attempts: int
    created: datetime
    next_attempt: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None

    @property
    def problem(self) -> str:
        """The last error without the channel and target it may begin with (shown beside)."""
        return without_where(self.last_error or "no error recorded", self.channel, self.target)


def without_where(error: str, channel: str, target: str) -> str:
    """A send's error without the "channel target: " (or "channel: ") it begins with."""
    where = next((w for w in (f"{channel} {target}: ", f"{channel}: ") if error.startswith(w)), "")
    return error[len(where) :]
