"""Where a link found in a feed may lead: a request in, the same request pinned to a checked
address out, or a FetchError saying why not.

A feed decides which article pages `full_text` fetches, so a hostile feed could point them
at the daemon's own machine (file://, loopback), its private network, or a cloud metadata
service. Each request, every redirect hop included, is checked on the addresses its host
resolves to, not on the text of the URL: any address that is not global (loopback,
private, link-local, shared, reserved, multicast) is refused unless the operator allowed
its network for the feed. The connection then goes to the checked address itself (the
Host header and TLS server name keep the original host), so a second DNS answer cannot
swap in another address between the check and the connect (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from monitor.errors import FetchError
from monitor.model import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
SCHEMES = frozenset({"http", "https"})


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def is_public(host: str, port: int, resolver: Resolver = resolve) -> bool:
    """Whether every address `host` resolves to is public; a host that cannot be resolved
    counts as public (the stricter reading: its redirects are checked)."""
    try:
        addresses = resolver(host, port)
    except FetchError:
        return True
    return all(refusal(ipaddress.ip_address(text), ()) is None for text in addresses)


def refusal(address: IPAddress, allowed: Sequence[IPNetwork]) -> str | None:
    """Why a link may not lead to `address`, or None when it may."""
    ip = address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address
    if any(ip in network for network in allowed):
        return None
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata lives here)"
    if ip.is_private:
        return "private"
    if not ip.is_global or ip.is_multicast:
        return "non-public"
    return None


class GuardedTransport(httpx.BaseTransport):
    """Sends a request only to checked addresses (see the module docstring)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        allowed: Sequence[IPNetwork] = (),
        resolver: Resolver = resolve,
    ) -> None:
        self._inner, self._allowed, self._resolve = inner, tuple(allowed), resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in SCHEMES:
            raise FetchError(f"refused {url}: only http(s) links are fetched")
        address = self._checked_address(url)
        return self._inner.handle_request(_pinned(request, address))

    def close(self) -> None:
        self._inner.close()

    def _checked_address(self, url: httpx.URL) -> str:
        port = url.port or (443 if url.scheme == "https" else 80)
        addresses = self._resolve(url.host, port)
        if not addresses:
            raise FetchError(f"cannot resolve host {url.host}")
        for text in addresses:
            reason = refusal(ipaddress.ip_address(text), self._allowed)
            if reason is not None:
                where = url.host if url.host == text else f"{url.host} ({text})"
                raise FetchError(
                    f"refused {url}: {where} is a {reason} address; a feed's links and "
                    "redirects may only lead to public addresses (allow a network for the "
                    "feed with allow_networks)"
                )
        return addresses[0]


def _pinned(request: httpx.Request, address: str) -> httpx.Request:
    """The request sent to `address`, still naming its host to the server and to TLS."""
    url = request.url
    extensions: dict[str, Any] = dict(request.extensions)
    if url.scheme == "https":
        extensions["sni_hostname"] = url.host
    headers = request.headers.copy()
    headers["Host"] = url.netloc.decode("ascii")
    return httpx.Request(
        request.method,
        url.copy_with(host=address),
        headers=headers,
        stream=request.stream,
        extensions=extensions,
    )
