"""feedparser's corpus of 2,248 real and broken feeds, read as the daemon reads a local feed
(fetch, which also inflates compressed files, then parse): never crashes, never opens a file
an entity names, and finds articles wherever plain feedparser finds entries (1,190 files)."""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.fetch import Fetcher
from monitor.model import FetchStatus
from monitor.parse import parse_documents
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus" / "feedparser-6.0.14"
SUFFIXES = {".xml", ".gz", ".z"}
_opened: list[str] | None = None  # set while a parse runs; the audit hook appends to it


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes):
        _opened.append(str(args[0]))


def _is_python_code(path: str) -> bool:
    """Lazy imports (codecs, feedparser internals) open library files; those are fine."""
    roots = {sys.prefix, sys.base_prefix, *sysconfig.get_paths().values()}
    return any(path.startswith(root) for root in roots)


def corpus_files() -> Iterator[Path]:
    return (p for p in sorted(CORPUS.rglob("*")) if p.suffix in SUFFIXES)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_corpus_parses_without_crashing_or_reading_files() -> None:
    global _opened
    sys.addaudithook(_audit)  # hooks cannot be removed; it is idle while _opened is None
    with_articles, errors, files = 0, 0, 0
    fetcher = Fetcher("monitor-test")
    for path in corpus_files():
        result, files = fetcher.fetch(str(path)), files + 1
        assert result.status is FetchStatus.OK, result.error
        _opened = []
        try:
            [outcome] = parse_documents(result.documents, "corpus", None).outcomes
        finally:
            opened, _opened = _opened, None
        if isinstance(outcome, ParseError):
            errors += 1
            assert str(path) in str(outcome)
        else:
            with_articles += bool(outcome)
        assert [p for p in opened if not _is_python_code(p)] == [], path
    assert files == 2248
    assert with_articles >= 1190
    assert errors <= 10
