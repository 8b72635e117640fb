"""The discovery commands: `names` (every person an article names in full) and `candidates`
(people beside arrests and trials who are on no list yet).

In: parsed arguments. Out: lines on stdout (JSON with --json) and an exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from monitor.cli.inputs import Inputs
from monitor.clock import utcnow
from monitor.config import config_file, load_settings, since_option
from monitor.discover import find_names, on_list, rule_entry, unlisted
from monitor.fetch import Fetcher
from monitor.match import compile_rules
from monitor.model import Candidate
from monitor.render import candidate_body
from monitor.rules import compiled_folder, load_rules
from monitor.store import Store
from monitor.web import when


def cmd_names(args: argparse.Namespace) -> int:
    """Each article of each FILE or URL, with the people it names in full."""
    inputs = Inputs(args.files)
    with Fetcher(config_file(args.config).user_agent) as fetcher:
        for name, article in inputs.articles(fetcher):
            found = find_names(article.full_text, article.language)
            if args.json:
                names = [{"text": f.text, "name": f.name, "key": f.key, "start": f.start,
                          "end": f.end} for f in found]  # fmt: skip
                record = {"file": name, "title": article.title, "names": names}
                print(json.dumps(record, ensure_ascii=False))
                continue
            print(f"{name}: {article.title}")
            for f in found:
                written = f" (written {f.text!r})" if f.text != f.name else ""
                print(f"  {f.name}{written}  key {f.key}  at {f.start}")
    return inputs.status


def cmd_candidates(args: argparse.Namespace) -> int:
    """List candidates (strongest first) or dismiss one."""
    settings = load_settings(args.config)
    store = Store.open(settings.config.db_url)
    try:
        if args.dismiss:
            if not store.candidates.dismiss(args.dismiss, utcnow()):
                print(f"monitor: no candidate with key {args.dismiss!r}", file=sys.stderr)
                return 2
            print(f"dismissed {args.dismiss}: it will not be listed again")
            return 0
        found = store.candidates.listed(since_option(args.since))
    finally:
        store.close()
    if found:  # the rules in force decide: someone added to a rule file is no candidate
        rules = load_rules(settings.config.rules)
        matcher = compile_rules(rules, compiled_folder(settings.config.data_dir))
        found = unlisted(found, on_list(matcher))
    for candidate in found:
        if args.json:
            print(json.dumps(candidate_json(candidate), ensure_ascii=False))
        else:
            _print_candidate(candidate)
    if not found and not args.json:
        print(f"no candidates since {since_option(args.since):%Y-%m-%d %H:%M} UTC")
    return 0


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    return {**candidate_body(candidate), "rule": rule_entry(candidate)}


def _print_candidate(candidate: Candidate) -> None:
    print(f"{candidate.name}  ({candidate.articles} article(s), {len(candidate.sources)} "
          f"source(s), last {when(candidate.last_seen)})  key {candidate.key}")  # fmt: skip
    print(f"  spellings: {', '.join(candidate.variants)}")
    for sentence in candidate.sentences:
        print(f"  > {sentence}")
    print("  rule to paste under people:")
    for line in rule_entry(candidate).splitlines():
        print(f"    {line}")
