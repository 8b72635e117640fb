"""`monitor rules check`: rule files in; problems, warnings about rules likely to be noisy
and, against the store, how often each rule would have fired and which surnames that are
everyday words the stored articles show to name their person alone out.

Problems (a broken file) make the exit status 2. Warnings do not: they say what to add
(a given name, `context`, `aka`) so a new rule can be judged before it alerts anyone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.clock import utcnow
from monitor.config import config_file, load_settings, since_option
from monitor.errors import RuleError
from monitor.match import EVERYDAY, SHORT, Tally, compile_rules, describe, fire_counts, known, lint
from monitor.match import why_not as failed
from monitor.model import RuleSet, Standing
from monitor.progress import progress
from monitor.rules import compiled_folder, load_rules
from monitor.store import Store


def cmd_rules_check(args: argparse.Namespace) -> int:
    config = config_file(args.config)
    paths: list[Path] = args.paths or list(config.rules)
    try:
        ruleset = load_rules(paths)
    except RuleError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 2
    print(f"ok: {len(ruleset.people)} people, {len(ruleset.events)} events "
          f"in {', '.join(map(str, paths))}")  # fmt: skip
    warnings = lint(ruleset, folder=compiled_folder(config.data_dir))
    for warning in warnings:
        print(f"warning: {warning}")
    if args.against_store:
        # A surname under four letters never stands alone, whatever the counts.
        short = {w.rule_id for w in warnings if w.kind == SHORT}
        everyday = [w.rule_id for w in warnings if w.kind == EVERYDAY and w.rule_id not in short]
        _fire_report(ruleset, everyday, args)
    return 0


def _fire_report(ruleset: RuleSet, everyday: list[str], args: argparse.Namespace) -> None:
    """How many stored articles of the last --since each rule matches, most first; then how
    the surnames that are everyday words stood in them."""
    since = since_option(args.since)
    settings = load_settings(args.config)
    matcher = compile_rules(ruleset)
    store = Store.open(settings.config.db_url)
    try:
        total = store.articles.count(since=since)
        counts: dict[str, int] = dict.fromkeys((rule.id for rule in ruleset.all()), 0)
        days = max(1, round((utcnow() - since).total_seconds() / 86400))
        tally = Tally(matcher, days)
        with progress(total, "matching stored articles", unit="article") as advance:
            for chunk in store.articles.since(since):
                for rule_id, n in fire_counts(matcher, (a for _, a in chunk)).items():
                    counts[rule_id] += n
                tally.add(a for _, a in chunk)
                advance(len(chunk))
    finally:
        store.close()
    print(f"against {total} article(s) stored since {since:%Y-%m-%d %H:%M} UTC:")
    for rule_id, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        share = f" ({100 * n / total:.1f}%)" if total else ""
        print(f"  {rule_id}: {n}{share}")
    _standing_report(everyday, {s.rule_id: s for s in tally.standings()})


def _standing_report(everyday: list[str], standings: dict[str, Standing]) -> None:
    """For each rule whose surname everyday words read as: whether it names the person
    alone, as the daemon learns it from the same counts."""
    if not everyday:
        return
    print("surnames that are everyday words, alone:")
    for rule_id in dict.fromkeys(everyday):
        standing = standings.get(rule_id)
        if standing is None:
            print(f"  {rule_id}: needs the given name (not in the stored articles)")
        elif known(standing):
            print(f"  {rule_id}: '{standing.surname}' alone names this person "
                  f"({describe(standing)})")  # fmt: skip
        else:
            print(f"  {rule_id}: needs the given name ({failed(standing)}: "
                  f"{describe(standing)})")  # fmt: skip
