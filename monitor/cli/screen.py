"""`monitor status`: the status page's facts printed as one screen.

In: the config (`--config`). Out: plain text on stdout, in the page's order (monitor.web.status
gathers the facts); titles pass through one_line, so a feed cannot send terminal escapes.
"""

from __future__ import annotations

import argparse

from monitor.clock import utcnow
from monitor.config import load_settings
from monitor.errors import RuleError
from monitor.oneline import one_line
from monitor.poll import FeedHealth
from monitor.rules import KEPT, read_rules
from monitor.store import DeliverySummary, Mention, Store
from monitor.web import Status, gather, local_time, when

SCREEN_LATEST = 10  # of the latest mentions, printed to stay within one screen


def cmd_status(args: argparse.Namespace) -> int:
    """Print the status page's facts as one screen (args: `.config`)."""
    settings = load_settings(args.config)
    config = settings.config
    try:
        rules, errors = read_rules(config.rules, config.data_dir / KEPT)
    except RuleError as exc:  # broken, and no good rules kept: say so, show the rest
        rules, errors = None, tuple(exc.problems)
    store = Store.open(config.db_url)
    try:
        status = gather(settings, store, rules, utcnow(), rule_errors=errors)
    finally:
        store.close()
    print("\n".join(lines(status)))
    return 0


def lines(status: Status) -> list[str]:
    """The status as plain text, in the page's order."""
    return [
        f"monitor status at {when(status.now)}",
        *_rule_lines(status),
        *_feed_lines(status),
        *_delivery_lines(status.deliveries),
        "next digests:",
        *(f"  {d.route}: {local_time(d.at)} ({d.schedule})" for d in status.digests),
        *_latest_lines(status.latest),
    ]


def _rule_lines(status: Status) -> list[str]:
    found = [f"last tick: {when(status.last_tick)}"] if status.last_tick else []
    if status.rules is not None:
        found.append(f"rules: {status.rules[0]} people, {status.rules[1]} events")
    return found + [f"RULE ERROR: {error}" for error in status.rule_errors]


def _feed_lines(status: Status) -> list[str]:
    counts = ", ".join(f"{status.count(kind)} {kind.value}" for kind in FeedHealth)
    found = [f"feeds: {counts}"]
    for feed in status.feeds:
        found.append(f"  {feed.name}: {one_line(feed.state)}")
        found.append(
            f"    url {feed.url}; last success {when(feed.last_success)}; "
            f"next check {when(feed.next_check)}"
        )
    return found


def _delivery_lines(owed: DeliverySummary) -> list[str]:
    found = [
        f"deliveries: {owed.pending} owed, {owed.sending} sending, {owed.dead} dead; "
        f"next attempt {when(owed.next_attempt)}"
    ]
    for record in owed.retrying:
        found.append(
            f"  retrying #{record.id} route={record.route} {record.channel} {record.target} "
            f"(next attempt {when(record.next_attempt)}): {one_line(record.problem)}"
        )
    for record in owed.dead_records:
        found.append(
            f"  dead #{record.id} route={record.route} {record.channel} {record.target}: "
            f"{one_line(record.problem)}"
        )
    return found


def _latest_lines(latest: tuple[Mention, ...]) -> list[str]:
    if not latest:
        return ["latest mentions: none yet"]
    shown = latest[:SCREEN_LATEST]
    # Titles come from feeds: one_line drops the control characters (terminal escapes
    # included) a hostile feed could carry.
    found = [f"latest mentions (newest {len(shown)}; `monitor matches` lists more):"]
    for m in shown:
        found.append(f"  {when(m.found)} {m.rule_id}: {one_line(m.title)} ({one_line(m.source)})")
    return found
