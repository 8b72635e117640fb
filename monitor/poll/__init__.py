"""The polling stage: feeds in, their new articles stored and matched, and each feed's
health and next check recorded; a ``PollReport`` out.

- poller.py  ``Poller``: fetch -> parse -> enrich -> store -> match, in batches;
- batch.py   the named values a poll passes between its steps, and ``PollReport``;
- pool.py    ``WorkerPool``: the processes that parse (and match) fetched documents;
- enrich.py  a ``full_text`` feed's articles with their pages' text;
- policy.py  when to poll a feed next (interval, TTL, Retry-After, back-off, jitter);
- health.py  a feed's health: pure transitions, and verdicts for people.
"""

from monitor.poll.batch import PollReport
from monitor.poll.health import FeedHealth, describe, failing_too_long, verdict
from monitor.poll.poller import POOL_MIN_FEEDS, Poller
from monitor.poll.pool import WorkerPool

__all__ = [
    "POOL_MIN_FEEDS",
    "FeedHealth",
    "PollReport",
    "Poller",
    "WorkerPool",
    "describe",
    "failing_too_long",
    "verdict",
]
