"""Bounded Content-Encoding decoding: bombs come out in small pieces, never all at once."""

from __future__ import annotations

import gzip
import zlib

import brotli  # type: ignore[import-untyped]
import pytest

from monitor.errors import FetchError
from monitor.fetch.decode import PIECE, decoder_for

TEXT = "Палітвязні — political prisoners. ".encode() * 3000


def _decode(encoding: str | None, data: bytes, step: int = 1000) -> list[bytes]:
    decoder = decoder_for(encoding)
    return [
        piece for i in range(0, len(data), step) for piece in decoder.decode(data[i : i + step])
    ]


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw, as many servers send it
        ("br", brotli.compress),
        ("identity", lambda b: b),
        (None, lambda b: b),
    ],
)
def test_round_trip_in_small_network_reads(encoding: str | None, encode: object) -> None:
    assert callable(encode)
    assert b"".join(_decode(encoding, encode(TEXT))) == TEXT


def test_stacked_encodings_are_undone_in_reverse_order() -> None:
    data = brotli.compress(gzip.compress(TEXT))
    assert b"".join(_decode("gzip, br", data)) == TEXT


@pytest.mark.parametrize(
    ("encoding", "size"),
    [("gzip", 32 << 20), ("br", 64 << 20)],
)
def test_a_bomb_in_one_read_comes_out_in_bounded_pieces(encoding: str, size: int) -> None:
    zeros = b"\0" * size
    bomb = gzip.compress(zeros) if encoding == "gzip" else brotli.compress(zeros, quality=1)
    assert len(bomb) < 64 * 1024  # it fits in one network read
    pieces = decoder_for(encoding).decode(bomb)
    first = [next(pieces) for _ in range(4)]
    assert all(0 < len(p) <= 2 * PIECE for p in first)


def test_unknown_encoding_and_corrupt_data_are_decode_errors() -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'zstd'"):
        decoder_for("zstd")
    with pytest.raises(FetchError, match="cannot decode br body"):
        _decode("br", b"definitely not brotli")
