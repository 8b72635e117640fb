"""Evidence as a WARC 1.1 file: archived exchanges with their bodies and the matches they
hold in, a gzipped WARC (warcio) out, which pywb, ReplayWeb.page and warcio open.

Per archived exchange: a `request` record (the request line and headers monitor sent) and a
`response` record (status line, headers, body), tied by WARC-Concurrent-To; a document read
from a local file is a `resource` record. Per match: a `metadata` record (application/
warc-fields) referring to the response: the rule, the sentence, the story's link and title,
when it was found, the body's SHA-256. The body is stored as monitor read it, decoded from
any Content-Encoding; so that readers do not decode it twice, the response's
Content-Encoding, Transfer-Encoding and Content-Length headers are renamed
X-Archive-Orig-* and Content-Length states the body's length. A body that could not be kept
has a metadata record saying why, and no response record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

from monitor.store import Found, Kept

RENAMED = ("content-encoding", "transfer-encoding", "content-length")


class BodySource(Protocol):
    def body(self, kept: Kept) -> bytes | None: ...


def write_warc(
    out: BinaryIO,
    kept: Sequence[Kept],
    found: Mapping[int, Sequence[Found]],
    bodies: BodySource,
    software: str,
) -> int:
    """Write the WARC to `out`; how many records (the warcinfo record included)."""
    from warcio.warcwriter import WARCWriter  # only `monitor evidence export` needs it

    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info = {"software": software, "format": "WARC File Format 1.1",
            "description": "documents matched by monitor's watch rules, as archived"}  # fmt: skip
    writer.write_record(writer.create_warcinfo_record("monitor-evidence.warc.gz", info))
    written = 1
    for item in kept:
        body = bodies.body(item)
        refers = None
        for record in _exchange(writer, item, body):
            writer.write_record(record)
            refers = refers or record.rec_headers.get_header("WARC-Record-ID")
            written += 1
        notes = [_missing(item)] if body is None else []
        notes += [_match_fields(item, match) for match in found.get(item.id, ())]
        for fields in notes:
            writer.write_record(_metadata(writer, item, fields, refers))
            written += 1
    return written


def _exchange(writer: Any, kept: Kept, body: bytes | None) -> list[Any]:
    """The records of one exchange, the one later records refer to first."""
    from warcio.statusandheaders import StatusAndHeaders

    if body is None:
        return []
    date = _warc_date(kept.fetched)
    digest = {"WARC-Date": date, "WARC-Payload-Digest": f"sha256:{kept.sha256}"}
    exchange = kept.exchange
    if exchange is None:
        uri = Path(kept.url).resolve().as_uri() if not urlsplit(kept.url).scheme else kept.url
        return [writer.create_warc_record(
            uri, "resource", payload=BytesIO(body), length=len(body),
            warc_content_type=kept.content_type or "application/octet-stream",
            warc_headers_dict=digest,
        )]  # fmt: skip
    headers = StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(),
                               _as_stored(exchange.response_headers, len(body)),
                               protocol=exchange.http_version)  # fmt: skip
    response = writer.create_warc_record(
        kept.url, "response", payload=BytesIO(body), length=len(body), http_headers=headers,
        warc_headers_dict=digest,
    )  # fmt: skip
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    concurrent = {"WARC-Date": date, "WARC-Concurrent-To": response_id}
    line = f"GET {_request_target(kept.url)} {exchange.http_version}"
    sent = StatusAndHeaders(line, list(exchange.request_headers), is_http_request=True)
    request = writer.create_warc_record(
        kept.url, "request", payload=BytesIO(b""), length=0, http_headers=sent,
        warc_headers_dict=concurrent,
    )  # fmt: skip
    return [response, request]


def _as_stored(headers: Iterable[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    out = [(f"X-Archive-Orig-{name}" if name.lower() in RENAMED else name, value)
           for name, value in headers]  # fmt: skip
    return [*out, ("Content-Length", str(length))]


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _missing(kept: Kept) -> list[tuple[str, str]]:
    return [("sha256", kept.sha256), ("archived", _iso(kept.archived)),
            ("missing", kept.missing or "the body is not in the store")]  # fmt: skip


def _match_fields(kept: Kept, found: Found) -> list[tuple[str, str]]:
    return [
        ("rule", found.rule_id), ("rule-name", found.rule_name),
        ("evidence", found.sentence), ("story", found.story_url or ""),
        ("title", found.title), ("found", _iso(found.found)),
        ("sha256", kept.sha256), ("archived", _iso(kept.archived)), ("feed", kept.feed),
    ]  # fmt: skip


def _metadata(writer: Any, kept: Kept, fields: list[tuple[str, str]], refers: str | None) -> Any:
    # warc-fields are "name: value" lines: a value's line breaks become spaces.
    text = "".join(f"{name}: {' '.join(value.split())}\r\n" for name, value in fields)
    headers = {"WARC-Date": _warc_date(kept.archived)}
    if refers:
        headers["WARC-Refers-To"] = refers
    payload = text.encode("utf-8")
    return writer.create_warc_record(
        kept.url, "metadata", payload=BytesIO(payload), length=len(payload),
        warc_content_type="application/warc-fields", warc_headers_dict=headers,
    )  # fmt: skip


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
