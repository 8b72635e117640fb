"""The `monitor` command line.

In: argv. Out: an exit status (0 ran, 1 a run with failures worth a look, 2 bad input:
config, rules or files) and text or JSON on stdout; errors go to stderr without a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy.exc

from monitor import __version__, logs
from monitor.cli import archived, commands
from monitor.errors import MonitorError

log = logging.getLogger("monitor")

EXAMPLES = """\
commands (each has --help):
  run            poll, match and deliver            monitor run --once
  check          match files, store nothing         monitor check a.txt feed.xml
  rules check    validate rule files                monitor rules check rules/
  replay         re-match stored articles           monitor replay --since 30d
  feeds          each feed's health; OPML in, out   monitor feeds import subs.opml
  deliveries     pending and dead deliveries        monitor deliveries
  digest         preview or send a digest now       monitor digest preview digest
  matches        stored matches, newest first       monitor matches --since 2d
  names          people an article names in full    monitor names --json a.txt
  candidates     named beside arrests, not listed   monitor candidates --since 7d
  extract        a page's text, as it will be read  monitor extract page.html
  evidence       archived pages: export, verify     monitor evidence verify --since 7d
  status         feeds, deliveries, next digests    monitor status
  worker         multi-node mode (procrastinate)    monitor worker --concurrency 8

With no config file, monitor polls seeds/, matches rules/, stores in var/monitor.db and
writes digests to var/outbox/. See README.md for the config file.
"""


def _global_options(top: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (`monitor run -c x.toml`).

    Each command's parser gets them without defaults (SUPPRESS), so a value given before
    the command is not overwritten by the command parser's default.
    """
    parser = argparse.ArgumentParser(
        add_help=False, argument_default=None if top else argparse.SUPPRESS
    )
    parser.add_argument(
        "-c",
        "--config",
        metavar="FILE",
        help="TOML config file (default: $MONITOR_CONFIG, else built-in defaults)",
    )
    parser.add_argument("-v", "--verbose", action="count", help="more log output (-vv for debug)")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        help="log lines as text (default) or one JSON object per line",
    )
    if top:
        parser.set_defaults(verbose=0, log_format="text")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Follow named people and protest events across news feeds, in several "
        "languages and scripts, and deliver digests by email, webhook or outbox.",
        parents=[_global_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"monitor {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_SubParser
    )
    _add_run(sub)
    _add_check(sub)
    _add_rules(sub)
    _add_replay(sub)
    feeds = sub.add_parser(
        "feeds",
        help="show each feed's health",
        description="Last success, failures in a row, last error and next check "
        "of every configured feed; 'stale' when nothing new came for several times its "
        "usual gap.",
        epilog="examples: monitor feeds --enable rferl-belarus; monitor feeds import subs.opml "
        ">> monitor.toml; monitor feeds export > feeds.opml",
    )
    feeds.add_argument("--enable", metavar="NAME", help="poll again a feed disabled after HTTP 410")
    feeds.add_argument(
        "action", nargs="?", choices=["import", "export"],
        help="import FILE: print [[feeds]] TOML for an OPML subscription list, skipping feeds "
        "the config has; export: print the config's feeds as OPML",
    )  # fmt: skip
    feeds.add_argument("file", nargs="?", metavar="FILE", help="the OPML file to import")
    owed = sub.add_parser(
        "deliveries",
        aliases=["outbox"],  # its old name, kept for now with a warning (see commands)
        help="list pending and dead deliveries",
        description="Deliveries still owed (with their last error and next "
        "attempt) and dead ones that will not be retried.",
        epilog="example: monitor deliveries --retry 12",
    )
    owed.add_argument("--all", action="store_true", help="include sent deliveries too")
    owed.add_argument(
        "--retry",
        type=int,
        nargs="+",
        metavar="ID",
        help="owe again given-up (dead) deliveries by id, e.g. --retry 12 13",
    )
    owed.add_argument("--dead", action="store_true", help="with no --retry ids: every dead one")
    owed.add_argument(
        "--enable",
        nargs=2,
        metavar=("CHANNEL", "TARGET"),
        help="send again to an endpoint disabled after HTTP 410, e.g. --enable webhook ngo",
    )
    _add_digest(sub)
    _add_matches(sub)
    _add_discovery(sub)
    archived.add_parser(sub)
    _add_extract(sub)
    sub.add_parser(
        "status",
        help="one screen: feeds, deliveries, next digests, latest matches",
        description="The facts of the status page ([http]) as text: each feed's health, "
        "what is owed or given up, when each route's next digest goes, the latest matches.",
        epilog="example: monitor status",
    )
    worker = sub.add_parser(
        "worker",
        help="one of many processes sharing the work (engine = 'procrastinate')",
        description="Multi-node mode: run this on any number of machines against one "
        "PostgreSQL store; the workers share polling, digests and deliveries through the "
        "database. Stops on SIGTERM or Ctrl-C after the jobs in hand.",
        epilog="example: monitor --config /etc/monitor/monitor.toml worker --concurrency 8",
    )
    worker.add_argument(
        "--concurrency", type=int, default=4, help="jobs run at once by this process (4)"
    )
    return parser


def _add_run(sub: argparse._SubParsersAction[Any]) -> None:
    run = sub.add_parser(
        "run",
        help="poll feeds, match and deliver (daemon, or --once)",
        description="Run the daemon: poll each feed at its interval, send "
        "digests on their schedules. Stops on SIGTERM or Ctrl-C; "
        "SIGHUP reloads the config.",
        epilog="example: monitor run --once",
    )
    run.add_argument(
        "--once",
        action="store_true",
        help="poll every feed once, send every route's digest now, and exit",
    )


def _add_check(sub: argparse._SubParsersAction[Any]) -> None:
    check = sub.add_parser(
        "check",
        help="match article files against rules without storing them",
        description="FILE may be a feed (RSS/Atom/JSON Feed: each entry is an article), an "
        "HTML page, a plain-text article, a folder of them or an http(s) URL, read the way "
        "the daemon reads feeds. Exit 0 when it ran, whether or not anything matched; 2 for "
        "bad rules or unreadable input.",
        epilog="example: monitor check --rules rules/ --json seeds/*.txt",
    )
    check.add_argument(
        "--rules",
        type=Path,
        action="append",
        metavar="PATH",
        help="rule file or folder (repeatable; default: the config's rules)",
    )
    check.add_argument("--json", action="store_true", help="one JSON object per article per line")
    check.add_argument(
        "--explain",
        action="store_true",
        help="say for each hit which variant of which rule matched and why",
    )
    check.add_argument("files", nargs="+", metavar="FILE")


def _add_rules(sub: argparse._SubParsersAction[Any]) -> None:
    rules = sub.add_parser("rules", help="work with rule files")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="COMMAND", required=True)
    check = rules_sub.add_parser(
        "check",
        help="validate rule files",
        description="Validate rule files; print each problem with "
        "file and line. Exit 0 if all are valid, else 2.",
        epilog="example: monitor rules check rules/",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="rule files or folders (default: the config's rules)",
    )
    check.add_argument(
        "--against-store",
        action="store_true",
        help="also say how many stored articles each rule would have matched",
    )
    check.add_argument(
        "--since", default="30d", help="with --against-store: how far back (default 30d)"
    )


def _add_replay(sub: argparse._SubParsersAction[Any]) -> None:
    replay = sub.add_parser(
        "replay",
        help="re-match stored articles with the current rules",
        description="Run the current rules over articles stored within "
        "--since; matches they did not have before go into the "
        "next digest, once.",
        epilog="example: monitor replay --since 30d",
    )
    replay.add_argument("--since", default="30d", help="how far back, e.g. 7d, 12h (default 30d)")


def _add_digest(sub: argparse._SubParsersAction[Any]) -> None:
    digest = sub.add_parser("digest", help="preview or send a route's digest now")
    digest_sub = digest.add_subparsers(dest="digest_command", metavar="COMMAND", required=True)
    preview = digest_sub.add_parser(
        "preview",
        help="render the next digest without sending",
        epilog="example: monitor digest preview digest -o next.html",
    )
    preview.add_argument("route")
    preview.add_argument(
        "-o",
        "--output",
        type=Path,
        help="write the HTML here (default: the text version to stdout)",
    )
    send = digest_sub.add_parser(
        "send",
        help="render and send the route's digest now",
        epilog="example: monitor digest send digest",
    )
    send.add_argument("route")


def _add_extract(sub: argparse._SubParsersAction[Any]) -> None:
    extract = sub.add_parser(
        "extract",
        help="show the title and text monitor takes from a page or file",
        description="Exactly what will be matched: each article's title, date, language and "
        "text, read from files, folders, feeds or http(s) URLs as the daemon reads them. "
        "Test a site here before adding it as a feed.",
        epilog="example: monitor extract https://example.org/news/1.html",
    )
    extract.add_argument("--json", action="store_true", help="one JSON object per article per line")
    extract.add_argument("files", nargs="+", metavar="FILE_OR_URL")


def _add_discovery(sub: argparse._SubParsersAction[Any]) -> None:
    names = sub.add_parser(
        "names",
        help="list the people an article names in full",
        description="Every person named with given name and surname (either order, initials, "
        "patronymics) in ru, be, uk, pl, cs, sk, sl, bg, en and de text: as written, in the "
        "nominative, and a key that is the same for one person across articles, scripts and "
        "languages. FILE is read as `check` reads it (file, folder, feed or URL).",
        epilog="example: monitor names --json seeds/*.txt",
    )
    names.add_argument("--json", action="store_true", help="one JSON object per article per line")
    names.add_argument("files", nargs="+", metavar="FILE")
    candidates = sub.add_parser(
        "candidates",
        help="people named beside arrests and trials who are on no list yet",
        description="People named in full in stored articles that speak of detention, "
        "search, charge, trial, sentence, fine or prison, whom no rule matches; grouped "
        "across articles, scripts and languages, most sources first. Each comes with a rule "
        "entry to paste under `people:` in a rule file.",
        epilog="example: monitor candidates --since 7d --json",
    )
    candidates.add_argument("--since", default="30d", help="how far back, e.g. 7d (default 30d)")
    candidates.add_argument("--json", action="store_true", help="one JSON object per line")
    candidates.add_argument(
        "--dismiss", metavar="KEY", help="never list this candidate again (the key it shows)"
    )


def _add_matches(sub: argparse._SubParsersAction[Any]) -> None:
    matches = sub.add_parser(
        "matches",
        help="list stored matches, newest first",
        description="Every match found, whether or not a digest showed it (a digest with "
        "more alerts than it can show lists the strongest and counts the rest).",
        epilog="example: monitor matches --route digest --since 2d",
    )
    matches.add_argument("--route", help="only the rules this route takes")
    matches.add_argument(
        "--rule", action="append", metavar="ID", help="only this rule (repeatable)"
    )
    matches.add_argument("--since", default="1d", help="how far back, e.g. 12h, 7d (default 1d)")
    matches.add_argument("--limit", type=int, default=1000, help="at most this many (default 1000)")
    matches.add_argument("--json", action="store_true", help="one JSON object per line")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args)
    try:
        return commands.dispatch(args)
    except MonitorError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return 2
    except sqlalchemy.exc.SQLAlchemyError as exc:
        # The database went away or holds something this version cannot read: say so
        # plainly; the details are in the log with -v.
        log.debug("database error", exc_info=True)
        print(f"monitor: database error: {getattr(exc, 'orig', None) or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`monitor matches --json | head`): it wanted no more, which
        # is no error. Python would complain again flushing stdout at exit: point it nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _setup_logging(args: argparse.Namespace) -> None:
    quiet = args.command not in ("run", "worker")  # others print their results: logs are noise
    level = logging.DEBUG if args.verbose > 1 else logging.INFO
    if not args.verbose and quiet:
        level = logging.WARNING
    libraries = logging.DEBUG if args.verbose > 1 else logging.WARNING
    logs.setup(level, args.log_format, libraries=libraries)


class _SubParser(argparse.ArgumentParser):
    """A command's parser: it takes the global options too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parents", []).append(_global_options(top=False))
        super().__init__(*args, **kwargs)
