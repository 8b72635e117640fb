"""An HTTP webhook sink on 127.0.0.1 for tests: a fixture in, a recording server out.

``webhook_sink`` answers each request with the next entry of ``.responses`` (a status, or a
status and headers), 200 when the queue is empty, and records every request; with
``.delay`` set it answers that many seconds late, as a slow receiver does. ``silent_url``
accepts connections but never answers, to test client timeouts without sleeping.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Reply = int | tuple[int, dict[str, str]]


@dataclass(frozen=True)
class SinkRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class WebhookSink:
    url: str
    requests: list[SinkRequest] = field(default_factory=list)
    responses: deque[Reply] = field(default_factory=deque)
    delay: float = 0.0


def _handler(sink: WebhookSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _record_and_answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            sink.requests.append(SinkRequest(self.command, self.path, headers, body))
            time.sleep(sink.delay)  # a slow receiver: the sender waits for the answer
            reply = sink.responses.popleft() if sink.responses else 200
            status, extra = reply if isinstance(reply, tuple) else (reply, {})
            self.send_response(status)
            for name, value in {"content-length": "0", **extra}.items():
                self.send_header(name, value)
            self.end_headers()

        do_POST = do_PUT = do_GET = _record_and_answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler


@contextmanager
def run_sink() -> Iterator[WebhookSink]:
    sink = WebhookSink("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(sink))
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    # A short poll interval makes shutdown() (and so each test's teardown) fast.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    with run_sink() as sink:
        yield sink


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A URL whose server accepts the connection (kernel backlog) and never replies."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
