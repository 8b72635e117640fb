"""What the commands that read articles are given: a file, folder, feed or URL named on the
command line in; its articles out, read by the same fetch and parse code as the daemon.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import MonitorError, ParseError
from monitor.fetch import Fetcher
from monitor.model import Article, FetchStatus


@dataclass
class Inputs:
    """The articles of the files and URLs given, one by one; one that cannot be read is
    said on stderr, and `status` becomes 2 (the command goes on with the others)."""

    names: Sequence[str]
    status: int = 0

    def articles(self, fetcher: Fetcher) -> Iterator[tuple[str, Article]]:
        for name in self.names:
            try:
                found = read_articles(fetcher, name)
            except MonitorError as exc:
                print(f"monitor: {exc}", file=sys.stderr)
                self.status = 2
                continue
            for article in found:
                yield name, article


def read_articles(fetcher: Fetcher, name: str) -> list[Article]:
    """A file, folder or URL given on the command line -> its articles, read by the same
    fetch and parse code as the daemon (a feed yields several)."""
    result = fetcher.fetch(name)
    if result.status is not FetchStatus.OK:
        raise ParseError(f"{name}: {result.error or result.status.value}")
    from monitor.parse import parse_documents  # the parse stack: see workers._parse

    parsed = parse_documents(result.documents, Path(name).name, None)
    problems = [str(outcome) for outcome in parsed.outcomes if isinstance(outcome, ParseError)]
    if problems:
        raise ParseError("\n".join(problems))
    return [a for outcome in parsed.outcomes if isinstance(outcome, tuple) for a in outcome]
