"""What a poll's worker process runs: a fetch's documents in; out, their articles and, under
the rules the worker holds, each article's matches and the people it names beside an arrest
or a trial whom no rule names (monitor.discover). The CPU work of a poll, pure (no I/O).

Kept apart from the poll stage on purpose: a worker process imports this module to run its
tasks, and with it only the matcher (and the parse stack when it first parses), not the
store, the fetcher and their libraries (~28 MiB a worker). `start_worker` is the pool's
initializer (monitor.poll.pool): it also makes the worker end by itself when the process
that started the pool is gone, however it died (a SIGKILL leaves no chance to stop the pool).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from logging.handlers import QueueHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.discover import Sighting, discover_words, on_list, spot
from monitor.match.matcher import Matcher, compile_rules
from monitor.model import Article, Document, Match, RuleSet

if TYPE_CHECKING:
    from monitor.parse import ParsedFeed

# An article's matches are found again by what matching reads: its text and language.
MatchKey = tuple[str, str | None]


def match_key(article: Article) -> MatchKey:
    return article.content_hash, article.language


@dataclass(frozen=True)
class Worked:
    """A fetch's documents parsed, and the matches and candidates of their articles by
    `match_key` under the rules the pool was last given (None: not read, the caller reads
    them)."""

    parsed: ParsedFeed
    matches: dict[MatchKey, tuple[Match, ...]] | None = None
    sightings: dict[MatchKey, tuple[Sighting, ...]] | None = None


# How often a worker looks whether the process that started the pool is still there.
WATCH_SECONDS = 1.0

# In a worker process: the matcher of the rules it was started with, and the words of its
# event rules that mark articles for candidates.
_matcher: Matcher | None = None
_discover: tuple[str, ...] = ()


def work(documents: Sequence[Document], feed: str, language: str | None) -> Worked:
    """Parse the documents and, in a worker holding rules, match every article and spot
    the people named in it beside an arrest or a trial whom the rules do not name."""
    parsed = parse(documents, feed, language)
    if _matcher is None:
        return Worked(parsed)
    articles = [a for outcome in parsed.outcomes if isinstance(outcome, tuple) for a in outcome]
    listed = on_list(_matcher)
    matches = {match_key(a): _matcher.match(a.full_text, a.language) for a in articles}
    sightings = {match_key(a): spot(a, listed, _discover) for a in articles}
    return Worked(parsed, matches, sightings)


def start_worker(records: Any, rules: RuleSet | None, folder: Path | None, owner: int) -> None:
    """In a worker: end with `owner` (the process that started the pool); send log records
    (WARNING and up) to it; hold the rules, whose compiled form the owner kept in `folder`.
    A failure here breaks the pool, and the owner does the work instead."""
    end_with(owner)
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(records)]
    root.setLevel(logging.WARNING)
    hold_rules(rules, folder)


def end_with(owner: int) -> None:
    """In a child of the fork server (a worker, a compile): end it once `owner` is gone."""
    threading.Thread(target=_end_with, args=(owner, os.getppid()), daemon=True).start()


def _end_with(owner: int, parent: int) -> None:
    """End this worker once `owner` is gone or this process was orphaned (the fork server,
    its parent, ends when the owner does). Not an orderly exit: no task of a dead owner is
    worth finishing, and an orderly one could wait on queues nobody reads."""
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent or not _running(owner):
            os._exit(0)


def _running(pid: int) -> bool:
    """Whether `pid` runs: it exists and, where /proc tells, is not a zombie (a dead owner
    whose parent has not reaped it yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc here: existing is running
    return state != "Z"


def hold_rules(rules: RuleSet | None, folder: Path | None = None) -> None:
    """Make `work` in this process match with `rules` (None: parse only), read from their
    compiled form in `folder` (monitor.match.packed) at the first article. A worker does it
    when it starts; a benchmark does it to measure a worker's share in one process."""
    global _matcher, _discover
    _matcher = compile_rules(rules, folder) if rules is not None else None
    _discover = discover_words(rules) if rules is not None else ()


def warm_up() -> None:
    """A task that only makes the pool start a worker."""


def parse(documents: Sequence[Document], feed: str, language: str | None) -> ParsedFeed:
    """The documents parsed (the parse stack imported on first use)."""
    # The parse stack (feedparser, BeautifulSoup, soupsieve) is imported on first use: a
    # main process whose workers parse, or a poll of unchanged feeds, never needs it, and
    # its imports would be part of every start.
    from monitor.parse import parse_documents

    return parse_documents(documents, feed, language)
