"""Local sources: file:// URLs and plain paths to a file or a folder of articles."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from monitor.fetch import Fetcher
from monitor.model import FeedState, FetchStatus

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "b.xml").write_bytes(b"<rss/>")
    (tmp_path / "a.txt").write_text("Title\n\nText", encoding="utf-8")
    (tmp_path / "c.JSON").write_bytes(b"{}")
    (tmp_path / ".hidden.xml").write_bytes(b"<rss/>")
    (tmp_path / "README.md").write_text("# about this folder", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "sub.xml").mkdir()
    (tmp_path / "sub.xml" / "d.xml").write_bytes(b"<rss/>")
    return tmp_path


def test_a_file_url_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "my feed.rss"  # a space, so the URL is percent-encoded
    path.write_bytes(b"<rss version='2.0'/>")
    result = Fetcher("t").fetch(path.as_uri())
    assert result.status is FetchStatus.OK
    [doc] = result.documents
    assert (doc.location, doc.body, doc.content_type) == (
        str(path),
        b"<rss version='2.0'/>",
        "application/rss+xml",
    )


def test_a_folder_yields_known_files_sorted_and_not_recursive(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = Fetcher("t").fetch(str(folder))
    assert result.status is FetchStatus.OK
    assert [Path(d.location).name for d in result.documents] == ["a.txt", "b.xml", "c.JSON"]
    assert [d.content_type for d in result.documents] == [
        "text/plain",
        "application/xml",
        "application/json",
    ]


def test_unchanged_files_are_not_modified_and_a_change_is_seen(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    fetcher = Fetcher("t")
    first = fetcher.fetch(str(folder))
    state = FeedState(str(folder), content_hash=first.content_hash)
    again = fetcher.fetch(str(folder), state)
    assert (again.status, again.documents) == (FetchStatus.NOT_MODIFIED, ())
    assert again.content_hash == first.content_hash
    (folder / "a.txt").write_text("Title\n\nText, corrected", encoding="utf-8")
    changed = fetcher.fetch(str(folder), state)
    assert changed.status is FetchStatus.OK and changed.content_hash != first.content_hash


def test_a_renamed_file_changes_the_hash(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    fetcher = Fetcher("t")
    before = fetcher.fetch(str(folder)).content_hash
    (folder / "b.xml").rename(folder / "e.xml")
    assert fetcher.fetch(str(folder)).content_hash != before


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    result = Fetcher("t").fetch(str(tmp_path / "nowhere"))
    assert (result.status, result.error) == (
        FetchStatus.ERROR,
        f"no such file or folder: {tmp_path / 'nowhere'}",
    )


def test_a_file_over_the_cap_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 2048)
    result = Fetcher("t", max_bytes=1024).fetch(str(tmp_path))
    assert (result.status, result.error) == (
        FetchStatus.ERROR,
        f"{tmp_path / 'big.txt'}: file exceeds 1 KiB",
    )


def test_the_repository_seeds_folder_reads_every_seed() -> None:
    known = {".xml", ".rss", ".atom", ".json", ".html", ".htm", ".txt"}
    expected = sorted(
        p.name for p in SEEDS.iterdir() if p.suffix.lower() in known and not p.name.startswith(".")
    )
    assert expected, "seeds/ should hold at least one article or feed"
    result = Fetcher("t").fetch(str(SEEDS))
    assert result.status is FetchStatus.OK
    assert [Path(d.location).name for d in result.documents] == expected
    assert all(d.body for d in result.documents)


def test_compressed_files_are_inflated_by_fetch(tmp_path: Path) -> None:
    feed = b"<rss version='2.0'><channel><item><title>Packed</title></item></channel></rss>"
    (tmp_path / "gzip.xml").write_bytes(gzip.compress(feed))
    (tmp_path / "zlib.xml").write_bytes(zlib.compress(feed))
    (tmp_path / "raw.xml").write_bytes(zlib.compress(feed)[2:-4])  # raw deflate, no header
    result = Fetcher("t").fetch(str(tmp_path))
    assert [doc.body for doc in result.documents] == [feed, feed, feed]


def test_a_compressed_bomb_is_refused_past_the_size_cap(tmp_path: Path) -> None:
    (tmp_path / "bomb.xml").write_bytes(gzip.compress(b"\0" * (64 << 20), compresslevel=9))
    result = Fetcher("t", max_bytes=1 << 20).fetch(str(tmp_path / "bomb.xml"))
    assert result.status is FetchStatus.ERROR
    assert result.error is not None and result.error.endswith("exceeds 1 MiB after decompression")


def test_a_body_that_only_looks_compressed_is_kept_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "odd.txt").write_bytes(b"\x1f\x8b not gzip at all")
    [doc] = Fetcher("t").fetch(str(tmp_path / "odd.txt")).documents
    assert doc.body == b"\x1f\x8b not gzip at all"
