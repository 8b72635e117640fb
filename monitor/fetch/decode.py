"""Decompression, the only place in the package that inflates anything.

In: the Content-Encoding header and raw body chunks, or a whole body that arrived without
one (a .gz file, a server that forgot the header). Out: decoded pieces of about PIECE bytes
(zlib: at most PIECE; brotli may overshoot by part of a block), so the caller can count
them and stop a decompression bomb early. httpx's own decoders inflate a whole 64 KiB
network read at once: up to ~64 MiB for gzip and far more for brotli.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli  # type: ignore[import-untyped]  # no stubs published

from monitor.errors import FetchError
from monitor.fetch.headers import format_size

PIECE = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# What a body that is text (XML, HTML, JSON, plain) can start with; anything else may be raw
# deflate, which has no magic number of its own.
_TEXT_START = re.compile(rb"[\s<{\x20-\x7e]|\xef\xbb\xbf|\xfe\xff|\xff\xfe")


class Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    """gzip (wbits 31) or deflate; deflate is zlib-wrapped by the RFC, raw in the wild."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._head = b""
        self._inflater: zlib._Decompress | None = None

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._head += data
            if len(self._head) < 2:
                return
            self._inflater = zlib.decompressobj(self._wbits(self._head))
            data, self._head = self._head, b""
        try:
            yield from _drain_zlib(self._inflater, data)
        except zlib.error as exc:
            raise FetchError(f"cannot decode {self._name} body: {exc}") from exc

    def _wbits(self, head: bytes) -> int:
        if self._name == "gzip":
            return zlib.MAX_WBITS | 16
        is_zlib = head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0
        return zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS


def _drain_zlib(inflater: zlib._Decompress, data: bytes) -> Iterator[bytes]:
    while True:
        out = inflater.decompress(data, PIECE)
        data = inflater.unconsumed_tail
        if out:
            yield out
        # A full piece may leave output pending inside zlib even with no input left.
        if not data and len(out) < PIECE:
            return


class _Brotli:
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        inflater = self._inflater
        try:
            out = inflater.process(data, output_buffer_limit=PIECE)
            yield out
            # The limit stops the buffer growing, not the decoding: a full buffer means more
            # output may be pending, which only empty input brings out.
            while not inflater.is_finished() and (
                len(out) >= PIECE or not inflater.can_accept_more_data()
            ):
                out = inflater.process(b"", output_buffer_limit=PIECE)
                yield out
        except brotli.error as exc:
            raise FetchError(f"cannot decode br body: {exc}") from exc


class _Chain:
    """Encodings listed as 'gzip, br' were applied in that order: undo br first."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self._decoders = decoders

    def decode(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield data
            return
        for piece in self._decoders[index].decode(data):
            yield from self._through(index + 1, piece)


def decoder_for(content_encoding: str | None) -> Decoder:
    """A fresh decoder for one response; raises FetchError for an unknown encoding."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
    decoders = [_one(name) for name in reversed(names) if name != "identity"]
    if not decoders:
        return _Identity()
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)


def _one(name: str) -> Decoder:
    if name in ("gzip", "x-gzip"):
        return _Zlib("gzip")
    if name == "deflate":
        return _Zlib("deflate")
    if name == "br":
        return _Brotli()
    raise FetchError(f"unsupported Content-Encoding {name!r}")


def inflate_sniffed(body: bytes, cap: int) -> bytes:
    """A body that came without Content-Encoding, decompressed if its first bytes say it is
    gzip, zlib or (when it cannot be text) raw deflate; any other body comes back unchanged,
    as does one that does not decompress. FetchError past `cap` bytes after decompression."""
    if body.startswith(_GZIP_MAGIC):
        return _inflate_whole(body, zlib.MAX_WBITS | 16, cap) or body
    if len(body) > 1 and body[0] == 0x78 and (body[0] * 256 + body[1]) % 31 == 0:
        return _inflate_whole(body, zlib.MAX_WBITS, cap) or body
    if body and not _TEXT_START.match(body):
        return _inflate_whole(body, -zlib.MAX_WBITS, cap, whole=True) or body
    return body


def _inflate_whole(body: bytes, wbits: int, cap: int, *, whole: bool = False) -> bytes:
    """What decompresses, or b"" on corrupt data (or, with `whole`, data not all used:
    a raw-deflate guess must account for every byte, or it was not deflate)."""
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(body, cap + 1)
    except zlib.error:
        return b""
    if len(out) > cap:
        raise FetchError(f"body exceeds {format_size(cap)} after decompression")
    if whole and not (inflater.eof and not inflater.unused_data):
        return b""
    return out
