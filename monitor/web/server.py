"""The HTTP server of the status endpoints: settings (`[http] listen`) and an ASGI app in, a
running `HttpServer` out: uvicorn serving in a background thread until `.stop()`.

The socket is bound here, in the caller's thread, so a taken port fails `start` at once with
the address named. Uvicorn installs no signal handlers (the daemon owns SIGTERM/SIGHUP) and
logs through the standard `logging` tree (`uvicorn.error`); access lines are off.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from monitor.config import Settings, split_listen
from monitor.errors import ConfigError, MonitorError

log = logging.getLogger(__name__)

STARTUP_SECONDS = 10.0  # uvicorn is serving well within this, or something is wrong
STOP_SECONDS = 5.0  # open requests get this long to finish


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Never touch signal handlers: the daemon's own decide how monitor stops.
        yield


class HttpServer:
    """Uvicorn serving an app in a daemon thread, on a socket bound before it started."""

    def __init__(self, app: ASGIApp, sock: socket.socket) -> None:
        self.host, self.port = sock.getsockname()[:2]
        self._socket = sock
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="off", server_header=False,
            timeout_graceful_shutdown=int(STOP_SECONDS),
        )  # fmt: skip
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="monitor-http", daemon=True
        )

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve(self) -> None:
        """Start serving; MonitorError if uvicorn did not come up."""
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise MonitorError(f"http: the server on {self.url} did not start; see the log")
            time.sleep(0.01)
        log.info("status page on %s", self.url)

    def stop(self) -> None:
        """Stop serving and wait for the thread (open requests get STOP_SECONDS)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STOP_SECONDS * 2)
        self._socket.close()


def start(settings: Settings, app: ASGIApp, *, listen: str | None = None) -> HttpServer:
    """Serve `app` on `[http] listen` (or `listen`, "host:port"; port 0 picks a free one).
    ConfigError when there is no [http] section or the address cannot be bound."""
    if listen is None:
        if settings.config.http is None:
            raise ConfigError("http: no [http] section in the config")
        listen = settings.config.http.listen
    server = HttpServer(app, _bind(listen))
    server.serve()
    return server


def _bind(listen: str) -> socket.socket:
    host, port = split_listen(listen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise ConfigError(f"http.listen: cannot listen on {listen}: {exc.strerror or exc}") from exc
