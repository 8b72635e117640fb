"""The rules in force, and their compiled matcher, swapped as one when rule files change.

In: the rule paths of the config. Out: `Active`, a frozen value holding the RuleSet, its
Matcher and the problems of the last broken edit. A reader takes `live.active` once and
uses that value throughout (one attribute read: a reload in another thread cannot show it
half-swapped). A broken edit keeps the last good rules and records why.

The last good rules are also kept on disk (a copy of their files in the data folder's
`rules-in-force`), so a process started while the files are broken (a restart, `monitor
digest preview`) runs with the rules the daemon runs with, and says why.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from monitor.errors import RuleError
from monitor.match import Matcher, compile_rules, keep_apart
from monitor.model import RuleSet, Standing
from monitor.rules import files as rule_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Active:
    rules: RuleSet
    matcher: Matcher
    fingerprint: str = ""  # of the files the rules were loaded from, or tried last
    errors: tuple[str, ...] = ()  # of the last broken edit, shown in the digest footer


KEPT = "rules-in-force"  # the folder, in the data folder, of the last good rule files
APART_FROM = 1000  # people from which the daemon compiles a new rule set apart at its start
COMPILED = "compiled"  # the folder, in the data folder, of compiled rule sets (match.packed)
_STAMP = "fingerprint"  # in it: the fingerprint of the files it copies


class LiveRules:
    def __init__(
        self, paths: Sequence[Path], kept: Path | None = None, compiled: Path | None = None
    ) -> None:
        """Load the rules, keeping a copy of good ones in `kept` and their compiled form in
        `compiled`. Broken ones: the copy in `kept`, with the problems recorded; RuleError
        when there is none to fall back on."""
        self.kept, self.compiled = kept, compiled
        fingerprint = rule_files.fingerprint(paths)
        ruleset, errors = read_rules(paths, kept, compiled)
        if errors:
            log.error("rule files have errors; using the last good rules (kept in %s):\n%s",
                      kept, "\n".join(errors))  # fmt: skip
        else:
            self._keep(paths, fingerprint)
        self.active = Active(ruleset, self._compile(ruleset), fingerprint, errors)

    def reload(self, paths: Sequence[Path]) -> bool:
        """Load the rule files if they changed; True if new rules are now in force."""
        fingerprint = rule_files.fingerprint(paths)
        if fingerprint == self.active.fingerprint:
            return False
        try:
            ruleset = rule_files.load_rules(paths, self.compiled)
        except RuleError as exc:
            log.error("rule files have errors; keeping the last good rules:\n%s", exc)
            self.active = replace(self.active, fingerprint=fingerprint, errors=tuple(exc.problems))
            return False
        # What the store taught stays with the rules it was counted for (same id and surname).
        ruleset = replace(ruleset, learned=self.active.rules.learned)
        self.active = Active(ruleset, self._compile(ruleset), fingerprint)
        self._keep(paths, fingerprint)
        log.info("rules loaded: %d people, %d events", len(ruleset.people), len(ruleset.events))
        return True

    def _compile(self, ruleset: RuleSet) -> Matcher:
        """The matcher of `ruleset`, compiled (when its compiled form is not kept yet) in a
        child process whose memory goes back when it ends."""
        apart = keep_apart if self.compiled is not None else None
        return compile_rules(ruleset, self.compiled, apart)

    def learn(self, standings: tuple[Standing, ...]) -> bool:
        """Put what the store taught about the surnames in force (the compiled indexes are
        kept); True if it differs from what was in force."""
        active = self.active
        if standings == active.rules.learned:
            return False
        rules = replace(active.rules, learned=standings)
        self.active = replace(active, rules=rules, matcher=active.matcher.relearned(rules))
        return True

    def _keep(self, paths: Sequence[Path], fingerprint: str) -> None:
        """Copy the rule files to `kept` (when they differ from the copy there)."""
        if self.kept is None or _stamp(self.kept) == fingerprint:
            return
        try:
            keep(rule_files.rule_files(paths), fingerprint, self.kept)
        except OSError as exc:
            log.warning("cannot keep a copy of the rules in force in %s: %s", self.kept, exc)


def compiled_folder(data_dir: Path) -> Path:
    """Where a command keeps compiled rule sets: in the data folder when there is one (the
    daemon's, so `monitor check` reads what the daemon compiled), else in the user's cache
    folder ($XDG_CACHE_HOME/monitor, ~/.cache/monitor): a command never makes a data
    folder of its own."""
    if data_dir.is_dir():
        return data_dir / COMPILED
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "monitor" / COMPILED


def read_rules(
    paths: Sequence[Path], kept: Path | None, compiled: Path | None = None
) -> tuple[RuleSet, tuple[str, ...]]:
    """The rules a process runs with: the files', or, when they are broken, the last good
    ones kept in `kept`, with the files' problems. RuleError when there is none kept."""
    try:
        return rule_files.load_rules(paths, compiled), ()
    except RuleError as exc:
        if kept is None or _stamp(kept) is None:
            raise
        return rule_files.load_rules([kept]), tuple(exc.problems)


def keep(files: Sequence[Path], fingerprint: str, kept: Path) -> None:
    """Replace `kept` with copies of `files` (numbered, so equal names cannot clash) and
    the fingerprint they were loaded under; built aside, then moved in place."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{kept.name}-", dir=kept.parent))
    for number, path in enumerate(files):
        shutil.copyfile(path, fresh / f"{number:04d}-{path.name}")
    (fresh / _STAMP).write_text(fingerprint, encoding="utf-8")
    old = kept.with_name(f".{kept.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if kept.exists():
        kept.rename(old)
    fresh.rename(kept)
    shutil.rmtree(old, ignore_errors=True)


def _stamp(kept: Path) -> str | None:
    try:
        return (kept / _STAMP).read_text(encoding="utf-8")
    except OSError:
        return None
