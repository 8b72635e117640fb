"""What each CLI command does, given parsed arguments.

In: an argparse Namespace. Out: output on stdout/stderr and an exit status. The commands
wire the stages together through Pipeline; they hold no logic of their own beyond output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor import health
from monitor.config import CONFIG_ENV, load_config, parse_duration
from monitor.errors import ConfigError, MonitorError, ParseError, RuleError
from monitor.fetch import Fetcher
from monitor.match import Matcher, compile_rules
from monitor.model import Article, Document, Match
from monitor.parse import parse_document
from monitor.pipeline import Pipeline, RunSummary
from monitor.rules import load_rules
from monitor.schedule import run_daemon
from monitor.store import Store


def dispatch(args: argparse.Namespace) -> int:
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": cmd_run,
        "check": cmd_check,
        "rules": cmd_rules_check,
        "replay": cmd_replay,
        "feeds": cmd_feeds,
        "outbox": cmd_outbox,
        "digest": cmd_digest,
    }
    return handlers[args.command](args)


@contextmanager
def open_pipeline(args: argparse.Namespace) -> Iterator[Pipeline]:
    path = args.config or os.environ.get(CONFIG_ENV) or None
    config = load_config(path)
    store = Store.open(config.db_url)
    fetcher = Fetcher(config.user_agent)
    try:
        pipeline = Pipeline(config, store, fetcher, config_path=path)
        try:
            yield pipeline
        finally:
            pipeline.close()  # parse workers first: they may be mid-task
    finally:
        fetcher.close()
        store.close()


# --- run ---------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    with open_pipeline(args) as pipeline:
        if not args.once:
            run_daemon(pipeline)
            return 0
        summary = pipeline.run_once()
    print("\n".join(summary.lines()))
    return 1 if summary.failed else 0


# --- check -------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    matcher = compile_rules(load_rules(args.rules))
    status = 0
    for name in args.files:
        try:
            articles = read_articles(name)
        except MonitorError as exc:
            print(f"monitor: {exc}", file=sys.stderr)
            status = 2
            continue
        for article in articles:
            report(name, article, matcher, args)
    return status


def read_articles(name: str) -> tuple[Article, ...]:
    """A file given on the command line -> its articles (a feed yields several)."""
    path = Path(name)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{name}: cannot read: {exc.strerror}") from None
    return parse_document(Document(location=name, body=body), feed=path.name)


def report(name: str, article: Article, matcher: Matcher, args: argparse.Namespace) -> None:
    matches = matcher.match(article.full_text, article.language)
    if args.json:
        record: dict[str, Any] = {
            "file": name,
            "title": article.title,
            "matches": [match_json(m) for m in matches],
        }
        if args.explain:
            record["explain"] = matcher.explain(article.full_text, article.language)
        print(json.dumps(record, ensure_ascii=False))
        return
    print(f"{name}: {article.title}")
    for match in matches:
        forms = ", ".join(sorted({e.text for e in match.evidence}))
        print(f"  {match.kind.value} {match.rule_id} ({match.name}): {forms}")
    if args.explain:
        for line in matcher.explain(article.full_text, article.language):
            print(f"    {line}")
    if not matches:
        print("  no matches")


def match_json(match: Match) -> dict[str, Any]:
    return {
        "rule": match.rule_id,
        "kind": match.kind.value,
        "name": match.name,
        "evidence": [
            {"text": e.text, "snippet": e.snippet, "start": e.start, "end": e.end}
            for e in match.evidence
        ],
    }


# --- rules check -------------------------------------------------------------------------


def cmd_rules_check(args: argparse.Namespace) -> int:
    paths = args.paths or list(load_config(args.config).rules)
    try:
        ruleset = load_rules(paths)
    except RuleError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 2
    print(
        f"ok: {len(ruleset.people)} people, {len(ruleset.events)} events "
        f"in {', '.join(map(str, paths))}"
    )
    return 0


# --- replay, feeds, outbox, digest -------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    try:
        since = datetime.now(UTC) - parse_duration(args.since)
    except ValueError as exc:
        raise ConfigError(f"--since: {exc}") from None
    with open_pipeline(args) as pipeline:
        checked, found = pipeline.replay(since)
    print(f"re-matched {checked} stored article(s); {found} new match(es) for the next digest")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    with open_pipeline(args) as pipeline:
        if args.enable:
            return _enable_feed(pipeline, args.enable)
        now = pipeline.clock()
        for feed in pipeline.config.feeds:
            state = pipeline.store.feed_state(feed.name, feed.url)
            print(f"{feed.name}: {health.describe(state, feed.enabled, now)}")
            if state is not None:
                print(
                    f"  url {state.url}; last success {_when(state.last_success)}; "
                    f"next check {_when(state.next_check)}"
                )
    return 0


def _enable_feed(pipeline: Pipeline, name: str) -> int:
    feed = next((f for f in pipeline.config.feeds if f.name == name), None)
    state = pipeline.store.feed_state(name)
    if feed is None or state is None:
        raise ConfigError(f"no polled feed named {name!r}")
    pipeline.store.save_feed_state(name, replace(state, disabled=False, next_check=None), feed.url)
    print(f"{name}: enabled again; polled on the next tick")
    return 0


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def cmd_outbox(args: argparse.Namespace) -> int:
    statuses = ["pending", "dead", "sent"] if args.all else ["pending", "dead"]
    with open_pipeline(args) as pipeline:
        if args.enable:
            found = pipeline.store.enable_endpoint(*args.enable)
            print(f"{' '.join(args.enable)}: {'enabled again' if found else 'was not disabled'}")
            return 0
        rows = pipeline.store.deliveries(statuses)
        disabled = pipeline.store.disabled_endpoints()
    for (channel, target), reason in disabled.items():
        print(
            f"disabled endpoint: {channel} {target}: {reason} "
            f"(monitor outbox --enable {channel} {target})"
        )
    for row in rows:
        error = f" last error: {row['last_error']}" if row["last_error"] else ""
        print(
            f"#{row['id']} {row['status']} route={row['route']} {row['channel']} "
            f"{row['target']} attempts={row['attempts']}{error}"
        )
    if not rows:
        print("nothing owed: every delivery was sent")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    with open_pipeline(args) as pipeline:
        route = pipeline.route(args.route)
        if args.digest_command == "send":
            pipeline.make_digest(route)
            summary = RunSummary()
            pipeline.relay(summary)
            print("\n".join(summary.lines()[3:]))
            return 1 if summary.failed else 0
        alerts = pipeline.pending(route)
        digest = pipeline.render(route, alerts)
    if args.output:
        args.output.write_text(digest.html, encoding="utf-8")
        print(f"{len(alerts)} alert(s); HTML written to {args.output}")
    else:
        print(f"Subject: {digest.subject}\n\n{digest.text}")
    return 0
