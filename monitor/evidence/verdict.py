"""Whether an archived document still says what it said: the archived copy and a fresh fetch
in, a Verdict out. Pure (parsing only).

The states, and the rule behind each:
- `unreachable`: the fetch failed (timeout, refused, 5xx, 401/403/429...). A failure is
  not a removal.
- `removed`: 404, 410 or 451; or a redirect to a page that does not hold the article (its
  text shares under half of the archived words); or, in a feed or a channel page, the story
  is gone while stories older than it are still listed (it did not merely scroll away).
- `changed`: the text that matters differs: the text extracted from the page (or the
  story's own text in a feed), compared with runs of white space made one; never the bytes,
  so a rotating ad, a new timestamp in the markup or a reshuffled sidebar is no change.
- `unchanged`: the same bytes, or the same text.
- `unknown`: cannot be said: a feed that no longer lists the story, and lists only newer
  ones (feeds drop old stories); or an archived copy whose body could not be kept.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.errors import ParseError
from monitor.model import Article, Document, FetchResult, FetchStatus

REMOVED_STATUS = frozenset({404, 410, 451})
SAME_PAGE = 0.5  # a redirect's target holds the article when it shares this much of its words
DETAIL_CHARS = 160
GAP = 3  # words
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Verdict:
    state: str  # unchanged | changed | removed | unreachable | unknown
    detail: str
    http_status: int | None = None
    final_url: str | None = None


def judge(
    archived: Document, sha256: str, body_kept: bool, stories: Sequence[str], result: FetchResult
) -> Verdict:
    """The state of `archived` (its body `sha256`; `body_kept` False when only the hash was
    kept) given `result`, a fresh fetch of its URL. `stories` are the links of the matched
    stories it holds (to find them again in a feed or channel page)."""
    status = result.http_status
    if result.status in (FetchStatus.ERROR, FetchStatus.GONE) or not result.documents:
        if status in REMOVED_STATUS:
            return Verdict("removed", result.error or f"HTTP {status}", status)
        return Verdict("unreachable", result.error or result.status.value, status)
    fresh = _same_place(result.documents, archived.location)
    status, final = status or 200, fresh.location
    if hashlib.sha256(fresh.body).hexdigest() == sha256:
        return Verdict("unchanged", "the same bytes", status, final)
    if not body_kept:
        return Verdict("unknown", "the archived body was not kept; the bytes differ", status, final)
    try:
        before, after = _articles(archived), _articles(fresh)
    except ParseError as exc:
        return Verdict("changed", f"no longer readable as an article: {exc}", status, final)
    if len(before) <= 1:
        return _page(before, after, archived.location, status, final)
    return _listing(before, after, stories, status, final)


def _page(
    before: Sequence[Article], after: Sequence[Article], url: str, status: int, final: str
) -> Verdict:
    old = _text(before[0]) if before else ""
    new = _text(after[0]) if len(after) == 1 else " ".join(_text(a) for a in after)
    if final.rstrip("/") != url.rstrip("/") and _shared(old, new) < SAME_PAGE:
        return Verdict("removed", f"redirected to {final}, which does not hold the article",
                       status, final)  # fmt: skip
    return _compare(old, new, status, final)


def _listing(
    before: Sequence[Article], after: Sequence[Article], stories: Sequence[str], status: int,
    final: str,
) -> Verdict:  # fmt: skip
    """A feed or a channel page: each matched story is looked for by its link."""
    old = {a.url: a for a in before if a.url}
    new = {a.url: a for a in after if a.url}
    wanted = [link for link in stories if link in old] or list(old)[:1]
    for link in wanted:
        if link not in new:
            story = old[link]
            if _older_listed(story, after):
                return Verdict("removed", f"{link} is no longer listed, though older stories are",
                               status, final)  # fmt: skip
            return Verdict("unknown", f"{link} is no longer listed (feeds drop old stories)",
                           status, final)  # fmt: skip
        verdict = _compare(_text(old[link]), _text(new[link]), status, final)
        if verdict.state != "unchanged":
            return verdict
    return Verdict("unchanged", "the same text", status, final)


def _older_listed(story: Article, listed: Sequence[Article]) -> bool:
    """Does the listing still hold a story published before `story`?"""
    if story.published is None:
        return False
    return any(a.published is not None and a.published < story.published for a in listed)


def _compare(old: str, new: str, status: int, final: str) -> Verdict:
    if old == new:
        return Verdict("unchanged", "the same text", status, final)
    return Verdict("changed", _difference(old, new), status, final)


def _difference(old: str, new: str) -> str:
    """The first passage that differs, e.g. '"rejected the appeal" is now "upheld the
    sentence"': changes fewer than GAP words apart are one passage."""
    a, b = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changes:
        return "white space only"  # not reached: equal words make equal texts
    _, i1, i2, j1, j2 = changes[0]
    for _, k1, k2, _l1, l2 in changes[1:]:
        if k1 - i2 > GAP:
            break
        i2, j2 = k2, l2
    was, now = " ".join(a[i1:i2])[:DETAIL_CHARS], " ".join(b[j1:j2])[:DETAIL_CHARS]
    if not was:
        return f'added: "{now}"'
    return f'"{was}" is now "{now}"' if now else f'removed: "{was}"'


def _shared(old: str, new: str) -> float:
    """The share of the archived text's words still present, in order."""
    a, b = old.split(), new.split()
    if not a:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


def _articles(document: Document) -> tuple[Article, ...]:
    # The parse stack is imported when a page is judged, not by every process that imports
    # the pipeline (the daemon's workers are forked from it: see poll/pool.py).
    from monitor.parse import parse_document

    return parse_document(document)


def _text(article: Article) -> str:
    return _SPACES.sub(" ", article.full_text).strip()


def _same_place(documents: Sequence[Document], location: str) -> Document:
    """The fetched document at the archived location (a folder gives several), else the
    first."""
    return next((d for d in documents if d.location == location), documents[0])
