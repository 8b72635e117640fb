"""Re-checks of archived documents: Kept exchanges in, each fetched again now and judged
(verdict.py), the verdicts recorded in the store and given back as Checked values.

A URL is fetched once however many archived copies it has, through the Fetcher, so the
global and per-host limits hold. Links are fetched as links: a page a feed linked to only at
a public address, unless that feed's `allow_networks` allows its network (fetch/guard.py);
a feed's own URL as the feed is. The daemon re-checks on a schedule (`evidence_checks`,
counted from when a copy was archived); `monitor evidence verify` re-checks at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from monitor.evidence.verdict import Verdict, judge
from monitor.fetch import Fetcher
from monitor.model import Document, Feed, FeedState, FetchResult, IPNetwork
from monitor.store import Kept, Store

log = logging.getLogger(__name__)

DUE_PER_RUN = 200  # scheduled re-checks per run: the rest wait for the next


@dataclass(frozen=True)
class Checked:
    kept: Kept
    verdict: Verdict
    news: bool  # the state changed (recorded as a change)


class Rechecker:
    """The evidence services of a running monitor. `feeds`, `schedule` (the config's
    `evidence_checks`) and `keep_days` (`evidence_days`) are asked each time, so a
    reloaded config is followed."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        clock: Callable[[], datetime],
        feeds: Callable[[], Sequence[Feed]],
        schedule: Callable[[], Sequence[timedelta]],
        keep_days: Callable[[], int | None],
    ) -> None:
        self.store, self.fetcher, self.clock = store, fetcher, clock
        self.feeds, self.schedule, self.keep_days = feeds, schedule, keep_days

    def due(self) -> list[Checked]:
        """Re-check the archived copies whose time has come, and schedule their next."""
        delays = self.schedule()
        if not delays:
            return []
        kept = self.store.evidence.due(self.clock(), DUE_PER_RUN)
        checked = self._check(kept, delays)
        for item in checked:
            if item.news:
                log.warning("evidence: %s is %s (%s); archived copy sha256 %s", item.kept.url,
                            item.verdict.state, item.verdict.detail, item.kept.sha256)  # fmt: skip
        return checked

    def first_check(self, archived: datetime) -> datetime:
        """When a copy archived at `archived` is first checked again (a day later when the
        schedule is empty: `monitor evidence verify` checks then)."""
        return archived + min(self.schedule(), default=timedelta(days=1))

    def check(self, kept: Sequence[Kept]) -> list[Checked]:
        """Fetch each copy's URL again now, judge it and record the verdict (`monitor
        evidence verify`: the schedule is left as it is)."""
        return self._check(kept, None)

    def prune(self) -> int:
        """Apply `evidence_days` (unset: archived copies are kept for good)."""
        days = self.keep_days()
        if not days:
            return 0
        gone = self.store.evidence.prune(self.clock() - timedelta(days=days))
        if gone:
            log.info("evidence (%d days): %d archived copies forgotten", days, gone)
        return gone

    def _check(self, kept: Sequence[Kept], delays: Sequence[timedelta] | None) -> list[Checked]:
        """Fetch each copy's URL again and judge it; record the verdicts (with `delays`, as
        scheduled re-checks: the next one is set from them)."""
        by_name = {feed.name: feed for feed in self.feeds()}
        fetchers = {k.url: self._fetcher(k, by_name.get(k.feed)) for k in kept}
        requests = [(url, None) for url in fetchers]
        results = dict(self.fetcher.fetch_many(requests, lambda u, s: fetchers[u](u, s)))
        found = self.store.evidence.found([k.id for k in kept])
        now, out = self.clock(), []
        for item in kept:
            stories = [f.story_url for f in found.get(item.id, ()) if f.story_url]
            verdict = self._judge(item, stories, results[item.url])
            following = _next(item, delays, now) if delays is not None else None
            news = self.store.evidence.record_check(
                item, verdict.state, verdict.detail, now, following, scheduled=delays is not None
            )
            out.append(Checked(item, verdict, news))
        return out

    def _judge(self, kept: Kept, stories: list[str], result: FetchResult) -> Verdict:
        body = self.store.evidence.body(kept)
        archived = Document(kept.url, body or b"", kept.content_type, kept.charset)
        return judge(archived, kept.sha256, body is not None, stories, result)

    def _fetcher(
        self, kept: Kept, feed: Feed | None
    ) -> Callable[[str, FeedState | None], FetchResult]:
        allowed: tuple[IPNetwork, ...] = feed.allow_networks if feed else ()
        is_link = urlsplit(kept.url).scheme.lower() in ("http", "https") and not (
            feed and kept.url.startswith(feed.url)
        )
        if is_link:
            return lambda url, state: self.fetcher.fetch_page(url, allowed)
        return lambda url, state: self.fetcher.fetch(url, None, allowed)


def _next(kept: Kept, delays: Sequence[timedelta], now: datetime) -> datetime | None:
    """The next scheduled re-check: the first of `delays` (from the archiving) still ahead
    after this one; None when the schedule is done."""
    for delay in delays[kept.checks + 1 :]:
        if kept.archived + delay > now:
            return kept.archived + delay
    return None
