"""The evidence commands: `evidence export` (archived pages as a WARC file), `evidence
verify` (fetch them again: unchanged, changed, removed, unreachable) and `evidence show`
(one archived copy, as stored).

In: parsed arguments. Out: a file, lines on stdout (JSON with --json), an exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.config import load_settings, since_option
from monitor.evidence import Checked, write_warc
from monitor.run import open_pipeline
from monitor.store import Kept, Store, atomic_file
from monitor.web import when


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    evidence = sub.add_parser(
        "evidence",
        help="archived copies of matched pages: export, verify, show",
        description="Every document a match was found in is archived as fetched (request, "
        "response headers, body) and hashed with SHA-256; see docs/evidence.md.",
    )
    actions = evidence.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write archived exchanges and their matches to a WARC 1.1 file",
        description="A gzipped WARC 1.1 file: a request and a response record per archived "
        "exchange, a metadata record per match (rule, sentence, story, time found). pywb, "
        "ReplayWeb.page and warcio open it.",
        epilog="example: monitor evidence export --since 30d -o evidence.warc.gz",
    )
    export.add_argument("-o", "--output", required=True, metavar="FILE.warc.gz")
    verify = actions.add_parser(
        "verify",
        help="fetch archived pages again: unchanged, changed, removed or unreachable",
        description="Each archived URL is fetched now and compared with its newest archived "
        "copy by the text that matters (not the bytes). The states: unchanged, changed, "
        "removed (404, 410, 451, or a redirect away from the article), unreachable (a "
        "failure is not a removal), unknown (a feed that no longer lists the story). The "
        "verdicts are recorded: the next digest reports removed and changed pages.",
        epilog="example: monitor evidence verify --since 7d --json",
    )
    verify.add_argument("--json", action="store_true", help="one JSON object per URL per line")
    for action in (export, verify):
        action.add_argument("--since", default="30d", help="archived since, e.g. 7d (default 30d)")
        action.add_argument("--rule", metavar="ID", help="only pages matched by this rule")
    show = actions.add_parser(
        "show",
        help="print one archived copy: its headers, then its body as stored",
        epilog="example: monitor evidence show 3f1a... > copy.html",
    )
    show.add_argument("sha256", help="the SHA-256 an alert shows (a unique prefix will do)")


def cmd_evidence(args: argparse.Namespace) -> int:
    handlers = {"export": _export, "verify": _verify, "show": _show}
    return handlers[args.action](args)


def _export(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    store = Store.open(settings.config.db_url)
    output = Path(args.output)
    try:
        kept = store.evidence.kept(since_option(args.since), args.rule)
        found = store.evidence.found([k.id for k in kept])
        # Written beside the target and renamed: an interrupted export leaves no half file.
        with atomic_file(output) as out:
            records = write_warc(out, kept, found, store.evidence, f"monitor {__version__}")
    finally:
        store.close()
    matches = sum(len(f) for f in found.values())
    print(f"wrote {output}: {len(kept)} archived exchange(s), {matches} match(es), "
          f"{records} WARC records")  # fmt: skip
    return 0


def _verify(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, secrets=False)
    with open_pipeline(settings) as pipeline:
        kept = pipeline.store.evidence.kept(since_option(args.since), args.rule)
        checked = pipeline.evidence.check(_newest_per_url(kept))
    if not checked and not args.json:
        print(f"nothing archived since {args.since}")
    for item in checked:
        print(json.dumps(_body(item), ensure_ascii=False) if args.json else _line(item))
    return 0


def _show(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    store = Store.open(settings.config.db_url)
    try:
        found = store.evidence.by_hash(args.sha256)
        hashes = {k.sha256 for k in found}
        if len(hashes) != 1:
            why = "no archived copy" if not hashes else f"{len(hashes)} archived copies"
            print(f"monitor: {why} with a SHA-256 beginning {args.sha256!r}", file=sys.stderr)
            return 2
        kept = found[0]
        body = store.evidence.body(kept)
    finally:
        store.close()
    head = [f"URL: {kept.url}", f"SHA-256: {kept.sha256}", f"archived: {when(kept.archived)}",
            f"body: {kept.size} bytes as stored, decoded from any Content-Encoding"]  # fmt: skip
    if kept.exchange:
        sent = kept.exchange
        head += [f"HTTP: {sent.http_version} {sent.status} {sent.reason}"]
        head += [f"{name}: {value}" for name, value in sent.response_headers]
    print("\n".join(head) + "\n", flush=True)
    if body is None:
        print(f"(the body was not kept: {kept.missing})")
        return 1
    sys.stdout.buffer.write(body)
    return 0


def _newest_per_url(kept: list[Kept]) -> list[Kept]:
    """The newest archived copy of each URL, oldest URL first (kept is oldest first)."""
    return list({k.url: k for k in kept}.values())


def _body(item: Checked) -> dict[str, Any]:
    kept, verdict = item.kept, item.verdict
    return {
        "url": kept.url, "state": verdict.state, "detail": verdict.detail,
        "http_status": verdict.http_status, "final_url": verdict.final_url,
        "sha256": kept.sha256, "archived": kept.archived.isoformat(), "feed": kept.feed,
    }  # fmt: skip


def _line(item: Checked) -> str:
    kept, verdict = item.kept, item.verdict
    return (f"{verdict.state:<11} {kept.url}\n            {verdict.detail}; archived "
            f"{when(kept.archived)}, sha256 {kept.sha256}")  # fmt: skip
