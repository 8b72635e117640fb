"""A real loopback HTTP server for fetch and end-to-end tests.

In: routes (path -> Reply, or a callable Request -> Reply) and optional folders to serve.
Out: URLs to fetch, a log of every request (method, path, headers) and the peak number of
concurrent requests per host name. Use the `feed_server` fixture (a plugin named in
tests/conftest.py: ask for it by name) or `with FeedServer()`:

    feed_server.routes["/rss"] = Reply(body=xml, etag='"v1"')       # 304 on a matching ETag
    feed_server.routes["/old"] = redirect(301, "/rss")
    feed_server.routes["/n"] = lambda request: Reply(body=make(request.headers))
    feed_server.serve_folder(ROOT / "seeds", "/seeds/")              # GET /seeds/<file name>
    fetcher.fetch(feed_server.url("/rss")); feed_server.hits("/rss")[0].headers["user-agent"]
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import brotli  # type: ignore[import-untyped]
import pytest

MEDIA_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]  # lower-case names
    host: str  # the Host header without the port: 'localhost' and '127.0.0.1' differ
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Reply:
    """What the server answers. With `etag`/`last_modified` set it answers 304 to a
    request whose If-None-Match / If-Modified-Since match them."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None  # 'gzip', 'deflate' or 'br': compress `body` on the fly
    delay: float = 0.0  # seconds to wait before answering (to make requests overlap)
    drip: float | None = None  # send the body a byte at a time, this many seconds apart
    length: bool = True  # False: no Content-Length; the body ends when the server closes


Handler = Reply | Callable[[Request], Reply]


def redirect(status: int, location: str) -> Reply:
    return Reply(status, headers={"Location": location})


def compress(body: bytes, encoding: str) -> bytes:
    """Encode `body` as a server would for Content-Encoding `encoding`."""
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        return bytes(brotli.compress(body))
    raise ValueError(f"unknown encoding {encoding!r}")


class FeedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (or another loopback address) and a random
    free port."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.address = address
        self.routes: dict[str, Handler] = {}
        self.folders: dict[str, Path] = {}
        self.requests: list[Request] = []
        self.max_active: dict[str, int] = {}  # peak concurrent requests per host name
        self.max_total = 0  # peak concurrent requests over all hosts
        self._active: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _Server((address, 0), _RequestHandler)
        self._httpd.feed = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str, host: str | None = None) -> str:
        """The URL of `path`; host='localhost' reaches the same server as another host."""
        return f"http://{host or self.address}:{self.port}{path}"

    def serve_folder(self, folder: Path, prefix: str = "/") -> None:
        """Serve the files of `folder` under `prefix`, with ETag and Last-Modified."""
        self.folders[prefix.rstrip("/") + "/"] = folder

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reply_for(self, request: Request) -> Reply:
        route = self.routes.get(request.path.split("?")[0]) or self._file(request.path)
        if route is None:
            return Reply(404, b"not found")
        return route(request) if callable(route) else route

    def _file(self, path: str) -> Reply | None:
        for prefix, folder in self.folders.items():
            name = unquote(path.split("?")[0].removeprefix(prefix))
            if path.startswith(prefix) and "/" not in name and (folder / name).is_file():
                return _file_reply(folder / name)
        return None

    def enter(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
            now = self._active[request.host] = self._active.get(request.host, 0) + 1
            self.max_active[request.host] = max(now, self.max_active.get(request.host, 0))
            self.max_total = max(self.max_total, sum(self._active.values()))

    def leave(self, request: Request) -> None:
        with self._lock:
            self._active[request.host] -= 1


def _file_reply(path: Path) -> Reply:
    body = path.read_bytes()
    return Reply(
        body=body,
        headers={"Content-Type": MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")},
        etag=f'"{hashlib.sha256(body).hexdigest()[:16]}"',
        last_modified=formatdate(path.stat().st_mtime, usegmt=True),
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    feed: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is fine
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server: _Server

    def do_GET(self) -> None:
        feed = self.server.feed
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host", "").rsplit(":", 1)[0]
        request = Request(self.command, self.path, headers, host)
        feed.enter(request)
        try:
            self._answer(feed, feed.reply_for(request), request)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as a fetcher with a cap should
        finally:
            feed.leave(request)

    def _answer(self, feed: FeedServer, reply: Reply, request: Request) -> None:
        if reply.delay and feed.stopping.wait(reply.delay):
            return
        if _matches(reply, request):
            self._head(304, _validators(reply), 0)
            return
        body = compress(reply.body, reply.encoding) if reply.encoding else reply.body
        headers = {**_validators(reply), **reply.headers}
        if reply.encoding:
            headers["Content-Encoding"] = reply.encoding
        self._head(reply.status, headers, len(body) if reply.length else None)
        self._body(feed, body, reply.drip)

    def _head(self, status: int, headers: dict[str, str], length: int | None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if length is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        elif status != 304:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _body(self, feed: FeedServer, body: bytes, drip: float | None) -> None:
        if drip is None:
            self.wfile.write(body)
            return
        for i in range(len(body)):
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()
            if feed.stopping.wait(drip):
                return

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean; the request log is FeedServer.requests


def _validators(reply: Reply) -> dict[str, str]:
    headers = {}
    if reply.etag:
        headers["ETag"] = reply.etag
    if reply.last_modified:
        headers["Last-Modified"] = reply.last_modified
    return headers


def _matches(reply: Reply, request: Request) -> bool:
    etag, since = request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    if reply.etag and etag is not None:
        return etag == reply.etag
    return bool(reply.last_modified and since == reply.last_modified)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started FeedServer, stopped after the test."""
    with FeedServer() as server:
        yield server
