"""What each CLI command does, given parsed arguments.

In: an argparse Namespace. Out: output on stdout/stderr and an exit status. Each command
opens only what it needs: `rules check` reads rule files only, `feeds` and `deliveries` the
config and the store, `check` the rules and the fetcher; only `run` builds the pipeline.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.alerts import Failed, Sent
from monitor.cli.archived import cmd_evidence
from monitor.cli.discovery import cmd_candidates, cmd_names
from monitor.cli.extract import cmd_extract
from monitor.cli.inputs import Inputs
from monitor.cli.rules_check import cmd_rules_check
from monitor.cli.screen import cmd_status
from monitor.clock import utcnow
from monitor.config import (
    Settings,
    config_file,
    export_opml,
    import_opml,
    load_settings,
    since_option,
)
from monitor.errors import ConfigError, StoreError
from monitor.fetch import Fetcher
from monitor.match import Matcher, compile_rules
from monitor.model import Article, DeliveryStatus, Match, Standing
from monitor.poll import describe
from monitor.progress import progress
from monitor.rules import compiled_folder, load_rules
from monitor.run import describe_failure, open_pipeline, run_daemon, serve_http
from monitor.store import Store, sqlite_path


def dispatch(args: argparse.Namespace) -> int:
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": cmd_run,
        "check": cmd_check,
        "rules": cmd_rules_check,
        "replay": cmd_replay,
        "feeds": cmd_feeds,
        "deliveries": cmd_deliveries,
        "outbox": _renamed("outbox", "deliveries", cmd_deliveries),
        "digest": cmd_digest,
        "matches": cmd_matches,
        "worker": cmd_worker,
        "status": cmd_status,
        "names": cmd_names,
        "candidates": cmd_candidates,
        "extract": cmd_extract,
        "evidence": cmd_evidence,
    }
    return handlers[args.command](args)


def _renamed(
    old: str, new: str, handler: Callable[[argparse.Namespace], int]
) -> Callable[[argparse.Namespace], int]:
    """A command under its old name: runs, after a one-line warning naming the new one."""

    def run(args: argparse.Namespace) -> int:
        print(f"monitor: `monitor {old}` is now `monitor {new}`; the old name will go",
              file=sys.stderr)  # fmt: skip
        return handler(args)

    return run


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """The store alone, for the commands that only read or tidy it."""
    store = Store.open(settings.config.db_url)
    try:
        yield store
    finally:
        store.close()


# --- run ---------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, secrets=True)
    if settings.config.engine == "procrastinate" and not args.once:
        raise ConfigError(
            "engine = 'procrastinate': start `monitor worker` on each machine instead of "
            "`monitor run` (the workers share the work through the database)"
        )
    owner = "monitor run --once" if args.once else "monitor run"
    with open_pipeline(settings, owner=owner, warn_rules=True) as pipeline:
        if not args.once:
            return run_daemon(pipeline)
        with progress(len(pipeline.feeds()), "polling", unit="feed") as advance:
            summary = pipeline.run_once(advance)
    print("\n".join(summary.lines()))
    return 1 if summary.failed else 0


def cmd_worker(args: argparse.Namespace) -> int:
    from monitor.run.cluster import Cluster  # procrastinate: only workers import it

    settings = load_settings(args.config, secrets=True)
    if settings.config.engine != "procrastinate":
        raise ConfigError(
            "`monitor worker` needs engine = 'procrastinate' and a PostgreSQL database_url "
            "in the config; with one machine, `monitor run` does everything"
        )
    with ExitStack() as stack:
        pipeline = stack.enter_context(open_pipeline(settings, jobs=True, warn_rules=True))
        server = serve_http(pipeline)  # readiness: the store answers
        if server is not None:
            stack.callback(server.stop)
        Cluster(pipeline).run(concurrency=args.concurrency)
    return 0


# --- check -------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    config = config_file(args.config)
    folder = compiled_folder(config.data_dir)
    rules = load_rules(args.rules or list(config.rules), folder)
    learned = replace(rules, learned=_learned(config.db_url, config.learn_days))
    matcher = compile_rules(learned, folder)
    inputs = Inputs(args.files)
    with Fetcher(config.user_agent) as fetcher:
        for name, article in inputs.articles(fetcher):
            report(name, article, matcher, args)
    return inputs.status


def _learned(url: str, days: int) -> tuple[Standing, ...]:
    """What the config's store learned about the surnames, as the daemon decides with it;
    none where there is no store yet (check never creates one) or learning is off."""
    path = sqlite_path(url)
    if not days or (path is not None and not path.is_file()):
        return ()
    try:
        store = Store.open(url)
    except StoreError as exc:
        print(f"warning: not using learned surnames: {exc}", file=sys.stderr)
        return ()
    try:
        return store.standings.learned()[0]
    finally:
        store.close()


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


# --- replay, feeds, outbox, digest -------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    since = since_option(args.since)
    with open_pipeline(load_settings(args.config)) as pipeline:
        total = pipeline.store.articles.count(since=since)
        with progress(total, "re-matching", unit="article") as advance:
            checked, found = pipeline.replay(since, advance)
    print(f"re-matched {checked} stored article(s); {found} new match(es) for the next digest")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.action:
        return _feed_list(args, settings)
    with open_store(settings) as store:
        if args.enable:
            return _enable_feed(settings, store, args.enable)
        now = utcnow()
        for feed in settings.feeds:
            state = store.feeds.state(feed.name, feed.url)
            print(f"{feed.name}: {describe(state, feed.enabled, now)}")
            if state is not None:
                print(
                    f"  url {state.url}; last success {_when(state.last_success)}; "
                    f"next check {_when(state.next_check)}"
                )
    return 0


def _feed_list(args: argparse.Namespace, settings: Settings) -> int:
    """`feeds import FILE` (TOML on stdout, a summary on stderr) or `feeds export`."""
    if args.action == "export":
        print(export_opml(settings.feeds), end="")
        return 0
    if not args.file:
        raise ConfigError("feeds import: name the OPML file (monitor feeds import subs.opml)")
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{args.file}: {exc.strerror or exc}") from None
    found = import_opml(data, args.file, settings.feeds)
    print(found.toml, end="")
    already = f"; {len(found.skipped)} skipped (already in the config, or not http(s))"
    print(f"monitor: {found.added} new feed(s){already if found.skipped else ''}",
          file=sys.stderr)  # fmt: skip
    return 0


def _enable_feed(settings: Settings, store: Store, name: str) -> int:
    configured = any(feed.name == name for feed in settings.feeds)
    if not configured or not store.feeds.enable(name):
        raise ConfigError(f"no polled feed named {name!r}")
    print(f"{name}: enabled again; polled on the next tick")
    return 0


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def cmd_deliveries(args: argparse.Namespace) -> int:
    with open_store(load_settings(args.config)) as store:
        if args.enable:
            found = store.deliveries.enable_endpoint(*args.enable)
            print(f"{' '.join(args.enable)}: {'enabled again' if found else 'was not disabled'}")
            return 0
        if args.retry or args.dead:
            again = store.deliveries.retry(None if args.dead else args.retry, utcnow())
            print(f"{again} given-up delivery(ies) owed again; sent on the next relay")
            return 0
        return _list_deliveries(store, everything=args.all)


def _list_deliveries(store: Store, *, everything: bool) -> int:
    statuses = [DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.DEAD]
    records = store.deliveries.records([*statuses, DeliveryStatus.SENT] if everything else statuses)
    for (channel, target), reason in store.deliveries.disabled_endpoints().items():
        print(
            f"disabled endpoint: {channel} {target}: {reason} "
            f"(monitor deliveries --enable {channel} {target})"
        )
    for record in records:
        error = f" last error: {record.problem}" if record.last_error else ""
        print(
            f"#{record.id} {record.status.value} route={record.route} {record.channel} "
            f"{record.target} attempts={record.attempts}{error}"
        )
    if not records:
        print("nothing owed: every delivery was sent")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    sending = args.digest_command == "send"
    settings = load_settings(args.config, secrets=sending)
    settings.route(args.route)  # an unknown route is an error before the store is opened
    owner = "monitor digest send" if sending else None
    with open_pipeline(settings, owner=owner) as pipeline:
        if sending:
            return _print_outcomes(pipeline.send_digest(args.route))
        pending, digest = pipeline.preview_digest(args.route)
        if errors := pipeline.rules.active.errors:
            print("monitor: the rule files have errors; previewed with the last good rules, as "
                  "the daemon runs:\n" + "\n".join(errors), file=sys.stderr)  # fmt: skip
    if args.output:
        args.output.write_text(digest.html, encoding="utf-8")
        print(f"{pending} alert(s); HTML written to {args.output}")
    else:
        print(f"Subject: {digest.subject}\n\n{digest.text}")
    return 0


def cmd_matches(args: argparse.Namespace) -> int:
    since = since_option(args.since)
    settings = load_settings(args.config)
    rule_ids: set[str] | None = set(args.rule) if args.rule else None
    if args.route:
        rules = load_rules(settings.config.rules)  # the rules only: no matcher needed
        selected = settings.route(args.route).selected(rules)
        if selected is not None:  # None: the route takes every rule
            rule_ids = selected if rule_ids is None else rule_ids & selected
    with open_store(settings) as store:
        found = store.articles.matched(since, rule_ids, args.limit)
    for when, rule_id, article in found:
        _print_match(when, rule_id, article, as_json=args.json)
    if not found and not args.json:
        print(f"no matches since {since:%Y-%m-%d %H:%M} UTC")
    return 0


def _print_match(when: datetime, rule_id: str, article: Article, *, as_json: bool) -> None:
    if as_json:
        record = {"found": when.isoformat(), "rule": rule_id, "title": article.title,
                  "url": article.url, "source": article.source}  # fmt: skip
        print(json.dumps(record, ensure_ascii=False))
        return
    print(f"{when:%Y-%m-%d %H:%M} {rule_id}: {article.title}")
    print(f"    {article.url or article.source}")


def _print_outcomes(outcomes: list[Sent | Failed]) -> int:
    for outcome in outcomes:
        if isinstance(outcome, Sent):
            print(f"  {outcome.route} -> {outcome.channel}: {outcome.done}")
        else:
            print(f"delivery failed: {describe_failure(outcome)}")
    if not outcomes:
        print("nothing to send: no new alerts for this route")
    return 1 if any(isinstance(o, Failed) for o in outcomes) else 0
