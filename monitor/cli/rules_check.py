"""`monitor rules check`: rule files in; problems, warnings about rules likely to be noisy
and, against the store, how often each rule would have fired out.

Problems (a broken file) make the exit status 2. Warnings do not: they say what to add
(a given name, `context`, `aka`) so a new rule can be judged before it alerts anyone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.config import config_file, load_settings, since_option
from monitor.errors import RuleError
from monitor.match import compile_rules, fire_counts, lint
from monitor.model import RuleSet
from monitor.progress import progress
from monitor.rules import load_rules
from monitor.store import Store


def cmd_rules_check(args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths or list(config_file(args.config).rules)
    try:
        ruleset = load_rules(paths)
    except RuleError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 2
    print(f"ok: {len(ruleset.people)} people, {len(ruleset.events)} events "
          f"in {', '.join(map(str, paths))}")  # fmt: skip
    for warning in lint(ruleset):
        print(f"warning: {warning}")
    if args.against_store:
        _fire_report(ruleset, args)
    return 0


def _fire_report(ruleset: RuleSet, args: argparse.Namespace) -> None:
    """How many stored articles of the last --since each rule matches, most first."""
    since = since_option(args.since)
    settings = load_settings(args.config)
    matcher = compile_rules(ruleset)
    store = Store.open(settings.config.db_url)
    try:
        total = store.articles.count(since=since)
        counts: dict[str, int] = dict.fromkeys((rule.id for rule in ruleset.all()), 0)
        with progress(total, "matching stored articles", unit="article") as advance:
            for chunk in store.articles.since(since):
                for rule_id, n in fire_counts(matcher, (a for _, a in chunk)).items():
                    counts[rule_id] += n
                advance(len(chunk))
    finally:
        store.close()
    print(f"against {total} article(s) stored since {since:%Y-%m-%d %H:%M} UTC:")
    for rule_id, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        share = f" ({100 * n / total:.1f}%)" if total else ""
        print(f"  {rule_id}: {n}{share}")
