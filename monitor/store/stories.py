"""What a document's articles are to the stored ones, worked out before anything is written.

In: the stored rows that share a key or a body with the articles. Out: which articles are new
stories, which edit a stored one and which are seen again unchanged, as if they were saved
one after the other (a later item of the document sees an earlier one). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.model import Article
from monitor.store import rows


@dataclass(eq=False)
class Story:
    """An article row as this batch sees it: stored (id known) or about to be inserted."""

    id: int | None
    key: str
    content_hash: str
    fingerprint: str | None
    values: dict[str, Any] = field(default_factory=dict)  # to insert, or to update with

    @property
    def ident(self) -> int:
        assert self.id is not None, "a new story has an id once the batch wrote it"
        return self.id


class Stories:
    """The stories a document's articles can be, by key and by body; saving one changes them
    the way a row-at-a-time save would, so a later article of the document sees it."""

    def __init__(self, found: Sequence[Any]) -> None:
        self.by_key: dict[str, Story] = {}
        self.by_fingerprint: dict[str, list[Story]] = {}
        self.new: list[Story] = []
        self.edited: dict[int, Story] = {}
        self.stored = {row.id for row in found}
        for row in sorted({row.id: row for row in found}.values(), key=lambda r: r.id):
            self._index(Story(row.id, row.key, row.content_hash, row.fingerprint))

    def save(self, article: Article, now: datetime) -> tuple[Story, bool, bool]:
        """(story, new, changed): `changed` is False for an article seen before unchanged."""
        story = self._find(article)
        values = rows.article_row(article, now)
        if story is None:
            story = Story(None, article.key, article.content_hash, article.fingerprint, values)
            self.new.append(story)
            self._index(story)
            return story, True, True
        if story.key != article.key or story.content_hash == article.content_hash:
            return story, False, False
        if story.id is not None:
            del values["first_seen"]
            self.edited[story.id] = story
        story.values, story.content_hash = values, article.content_hash
        story.fingerprint = article.fingerprint
        self._index(story)
        return story, False, True

    def _find(self, article: Article) -> Story | None:
        story = self.by_key.get(article.key)
        if story is None and (fingerprint := article.fingerprint):
            same = self.by_fingerprint.get(fingerprint, [])
            story = next((s for s in same if s.fingerprint == fingerprint), None)
        return story

    def _index(self, story: Story) -> None:
        self.by_key[story.key] = story
        if story.fingerprint:
            self.by_fingerprint.setdefault(story.fingerprint, []).append(story)
