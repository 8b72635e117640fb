"""A news wire for the daemon to poll: stories published by the test in, an RSS feed on the
loopback feed server out (every story so far, newest first). Each story names a person of
a `priority: high` rule under a title of its own, so each one owes an alert at once.

`Publisher` publishes a story every few seconds from a thread, for runs that go on while
the test does something else (kills the daemon, takes a server down).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from xml.sax.saxutils import escape

from tests.support.feedserver import FeedServer, Reply, Request

# The rule file the daemon runs with: one person, alerted at once on every route.
RULES = """\
people:
  - id: babaryka
    name: Viktar Babaryka
    priority: high
"""


@dataclass(frozen=True)
class Story:
    number: int
    published: float  # seconds since the epoch

    @property
    def title(self) -> str:
        # Fixed width: no title is a substring of another ("#00001" is not in "#00010").
        return f"Babaryka court hearing #{self.number:05d}"

    @property
    def url(self) -> str:
        return f"https://wire.example/belarus/hearing-{self.number:05d}"

    @property
    def text(self) -> str:
        return (
            f"Viktar Babaryka appeared in court again for hearing {self.number}; "
            "his lawyer was not allowed to speak."
        )


class Wire:
    """The feed at `path` on `server`; thread-safe, so a Publisher may feed it."""

    def __init__(self, server: FeedServer, path: str = "/wire.xml") -> None:
        self.url = server.url(path)
        self._stories: list[Story] = []
        self._lock = threading.Lock()
        self.served = 0  # the most stories one answer carried: what a poll may have read
        server.routes[path] = self._reply

    def publish(self, count: int = 1) -> list[Story]:
        with self._lock:
            start = len(self._stories) + 1
            new = [Story(n, time.time()) for n in range(start, start + count)]
            self._stories.extend(new)
        return new

    @property
    def titles(self) -> list[str]:
        with self._lock:
            return [story.title for story in self._stories]

    def _reply(self, request: Request) -> Reply:
        with self._lock:
            stories = list(reversed(self._stories))
            self.served = max(self.served, len(stories))
        return Reply(body=rss(stories), headers={"Content-Type": "application/rss+xml"})


def rss(stories: list[Story]) -> bytes:
    items = "".join(
        f"<item><title>{escape(s.title)}</title><link>{escape(s.url)}</link>"
        f"<guid>{escape(s.url)}</guid><pubDate>{formatdate(s.published, usegmt=True)}</pubDate>"
        f"<description>{escape(s.text)}</description></item>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Wire</title><link>https://wire.example/</link><description>Court news"
        f"</description>{items}</channel></rss>"
    ).encode()


class Publisher:
    """Publishes one story every `every` seconds on a thread, until the block ends."""

    def __init__(self, wire: Wire, every: float) -> None:
        self.wire, self.every = wire, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Publisher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.wire.publish()
