"""Who may read the status endpoints, and the headers every answer carries.

In: the `[http]` config (secrets read from the environment once) and each request's
`Authorization` header. Out: an ASGI middleware that answers 401 when auth is configured and
the request lacks it (`/healthz` stays open for container health checks) and adds security
headers to every response. Secrets are compared in constant time and never logged or echoed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.config import HttpConfig
from monitor.credentials import missing_secret, read_secret
from monitor.errors import ConfigError

OPEN_PATHS = frozenset({"/healthz"})
SECURITY_HEADERS = {
    # Nothing is loaded from anywhere: styles are inline, the chart is inline SVG.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links lead to news sites: they need not learn where the monitor's page lives.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Credentials:
    """What a request must show: a user and password (Basic), a token (Bearer), or either."""

    username: bytes | None = field(default=None, repr=False)
    password: bytes | None = field(default=None, repr=False)
    token: bytes | None = field(default=None, repr=False)

    def allow(self, authorization: str | None) -> bool:
        scheme, _, value = (authorization or "").strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic" and self.password is not None:
            return self._basic(value)
        if scheme.lower() == "bearer" and self.token is not None:
            return hmac.compare_digest(value.encode(), self.token)
        return False

    def _basic(self, value: str) -> bool:
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return False
        user, colon, password = decoded.partition(b":")
        # Both compared, always: how long the check takes says nothing about which was wrong.
        same_user = hmac.compare_digest(user, self.username or b"")
        same_password = hmac.compare_digest(password, self.password or b"")
        return bool(colon) and same_user & same_password

    @property
    def challenge(self) -> str:
        if self.password is not None:
            return 'Basic realm="monitor", charset="UTF-8"'
        return 'Bearer realm="monitor"'


def credentials(
    http: HttpConfig | None, env: Mapping[str, str] | None = None
) -> Credentials | None:
    """The credentials the config asks for; None when it asks for none. ConfigError if a
    secret it names cannot be read: the page is never served open by mistake."""
    if http is None or not (http.password_env or http.token_env):
        return None
    password = _secret(http.password_env, "http.password_env", env)
    token = _secret(http.token_env, "http.token_env", env)
    username = http.username.encode() if http.username else None
    return Credentials(username, password, token)


def _secret(name: str | None, key: str, env: Mapping[str, str] | None) -> bytes | None:
    if not name:
        return None
    problem = missing_secret(name, key) if env is None else missing_secret(name, key, env)
    if problem is not None:
        raise ConfigError(problem)
    secret = read_secret(name) if env is None else read_secret(name, env)
    return secret.get_secret_value().encode() if secret else b""


class Guard:
    """ASGI middleware: auth (when configured) and security headers on every answer."""

    def __init__(self, app: ASGIApp, creds: Credentials | None) -> None:
        self.app = app
        self.creds = creds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        if self.creds is None or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send_with_headers)
            return
        if not self.creds.allow(Headers(scope=scope).get("authorization")):
            refused = PlainTextResponse(
                "authentication required\n", 401, {"WWW-Authenticate": self.creds.challenge}
            )
            await refused(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
