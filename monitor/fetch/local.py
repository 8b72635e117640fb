"""Local sources: a file, or a folder of article/feed files, read like a feed.

In: a `file://` URL or a plain path, the previous FeedState and a size cap. Out: a
FetchResult with one Document per file; NOT_MODIFIED when the bytes hash as last time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from monitor.errors import FetchError
from monitor.fetch.decode import inflate_sniffed
from monitor.fetch.headers import format_size
from monitor.model import Document, FeedState, FetchResult, FetchStatus

# The extension says what the parser should expect; the transport has no other hint.
MEDIA_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}
SKIPPED = frozenset({"README.md"})


def is_local(url: str) -> bool:
    """True for `file://` URLs and for plain paths (anything without a URL scheme)."""
    scheme = urlsplit(url).scheme.lower()
    return scheme == "file" or scheme == "" or (len(scheme) == 1 and url[1:2] == ":")


def to_path(url: str) -> Path:
    """'file:///srv/feeds/a.xml' or 'seeds' -> a Path."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        return Path(url)
    return Path(url2pathname(unquote(parts.path)))


def fetch_local(url: str, state: FeedState | None, max_bytes: int) -> FetchResult:
    """Read the file, or each known file in the folder (sorted, not recursive)."""
    path = to_path(url)
    try:
        files = _files(path)
        documents = tuple(_read(file, max_bytes) for file in files)
    except FetchError as exc:
        return FetchResult(url, FetchStatus.ERROR, error=str(exc))
    digest = content_hash(documents)
    if state is not None and state.content_hash == digest:
        return FetchResult(url, FetchStatus.NOT_MODIFIED, content_hash=digest)
    return FetchResult(url, FetchStatus.OK, documents=documents, content_hash=digest)


def content_hash(documents: tuple[Document, ...]) -> str:
    """sha256 over every file's name, length and bytes, so a rename or a split counts."""
    digest = hashlib.sha256()
    for doc in documents:
        name = Path(doc.location).name.encode("utf-8", "surrogateescape")
        digest.update(b"%d:%s:%d:" % (len(name), name, len(doc.body)))
        digest.update(doc.body)
    return digest.hexdigest()


def _files(path: Path) -> list[Path]:
    try:
        if path.is_file():
            return [path]
        if path.is_dir():
            return sorted(p for p in path.iterdir() if _wanted(p))
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror}") from exc
    raise FetchError(f"no such file or folder: {path}")


def _wanted(path: Path) -> bool:
    return (
        not path.name.startswith(".")
        and path.name not in SKIPPED
        and path.suffix.lower() in MEDIA_TYPES
        and path.is_file()
    )


def _read(path: Path, max_bytes: int) -> Document:
    try:
        with path.open("rb") as stream:
            body = stream.read(max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror}") from exc
    if len(body) > max_bytes:
        raise FetchError(f"{path}: file exceeds {format_size(max_bytes)}")
    try:
        body = inflate_sniffed(body, max_bytes)
    except FetchError as exc:
        raise FetchError(f"{path}: {exc}") from None
    return Document(str(path), body, content_type=MEDIA_TYPES.get(path.suffix.lower()))
