"""Feeds on many loopback hosts for the one-machine polling benchmark: files and a server.

In: a feed count, items per feed and a folder. Out: RSS 2.0 files (~1 KB per item; one item
in ten names a watched person or a protest), and a plain threaded stdlib HTTP server with
Last-Modified (304 on a repeat) answering on 127.0.x.y, one address per feed, so per-host
politeness is not what is measured. Binds only loopback addresses, one socket each.
"""

from __future__ import annotations

import functools
import random
import selectors
import socket
import socketserver
from email.utils import formatdate
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

SEED = 11
WORDS = (
    "court", "council", "budget", "minister", "weather", "market", "railway", "school",
    "hospital", "report", "said", "week", "city", "region", "farmers", "bank", "inflation",
    "energy", "football", "season", "museum", "airport", "road", "bridge", "election",
    "committee", "parliament", "industry", "exports", "hospital", "research", "university",
    "water",
)  # fmt: skip
HITS = (
    "Syarhey Tsikhanouski", "Сергея Тихановского", "Viktar Babaryka", "Бабарыкі",
    "Lilia Vlasova", "Лилии Власовой", "Vitali Shkliarov", "protest in Minsk",
    "women marched in Minsk",
)  # fmt: skip
HOSTS_PER_BLOCK = 250  # 127.0.x.1 ... 127.0.x.250


def address(n: int) -> str:
    """Feed n's host: 127.0.0.1, ..., 127.0.0.250, 127.0.1.1, ..."""
    return f"127.0.{n // HOSTS_PER_BLOCK}.{n % HOSTS_PER_BLOCK + 1}"


def url(n: int, port: int) -> str:
    return f"http://{address(n)}:{port}/f/{n:04d}.xml"


def write_feeds(folder: Path, feeds: int, items: int) -> None:
    """FOLDER/f/NNNN.xml; deterministic (the same seed and shape as the acceptance check)."""
    rnd = random.Random(SEED)
    (folder / "f").mkdir(parents=True, exist_ok=True)
    for n in range(feeds):
        body = "".join(_item(rnd, n, i) for i in range(items))
        (folder / "f" / f"{n:04d}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}'
            f"</title><link>http://127.0.0.1/</link><description>d</description>{body}"
            "</channel></rss>",
            encoding="utf-8",
        )


def _item(rnd: random.Random, n: int, i: int) -> str:
    title = " ".join(rnd.choice(WORDS) for _ in range(8)).capitalize()
    words = [rnd.choice(WORDS) for _ in range(120)]
    if rnd.random() < 0.1:
        words.insert(rnd.randrange(120), rnd.choice(HITS))
    return (
        f"<item><title>{title}</title><link>http://127.0.0.1/a/{n}/{i}.html</link>"
        f'<guid isPermaLink="false">feed{n}-item{i}</guid>'
        f"<pubDate>{formatdate(1700000000 + n * 1000 + i * 60)}</pubDate>"
        f"<description><![CDATA[<p>{' '.join(words)}</p>]]></description></item>"
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 512
    daemon_threads = True

    def server_bind(self) -> None:
        """HTTPServer's, without its reverse DNS lookup (seconds for 1,000 addresses)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


def serve(folder: Path, feeds: int, port: int, ready: Event) -> None:
    """Serve FOLDER on every feed's address until killed: one listening socket per address,
    one thread polling them all, a thread per connection (as ThreadingHTTPServer does).
    `ready` is set once every address answers."""
    handler = functools.partial(_Quiet, directory=str(folder))
    servers = [_Server((address(n), port), handler) for n in range(feeds)]
    with selectors.DefaultSelector() as selector:
        for server in servers:
            selector.register(server.socket, selectors.EVENT_READ, server)
        ready.set()
        while True:
            for key, _ in selector.select():
                key.data._handle_request_noblock()  # accept and hand to a thread


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
