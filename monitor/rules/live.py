"""The rules in force, and their compiled matcher, swapped as one when rule files change.

In: the rule paths of the config. Out: `Active`, a frozen value holding the RuleSet, its
Matcher and the problems of the last broken edit. A reader takes `live.active` once and
uses that value throughout (one attribute read: a reload in another thread cannot show it
half-swapped). A broken edit keeps the last good rules and records why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from monitor.errors import RuleError
from monitor.match import Matcher, compile_rules
from monitor.model import RuleSet
from monitor.rules import files as rule_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Active:
    rules: RuleSet
    matcher: Matcher
    fingerprint: str = ""  # of the files the rules were loaded from, or tried last
    errors: tuple[str, ...] = ()  # of the last broken edit, shown in the digest footer


class LiveRules:
    def __init__(self, paths: Sequence[Path]) -> None:
        """Load the rules; RuleError if they are broken (there is nothing to fall back on)."""
        fingerprint = rule_files.fingerprint(paths)
        ruleset = rule_files.load_rules(paths)
        self.active = Active(ruleset, compile_rules(ruleset), fingerprint)

    def reload(self, paths: Sequence[Path]) -> bool:
        """Load the rule files if they changed; True if new rules are now in force."""
        fingerprint = rule_files.fingerprint(paths)
        if fingerprint == self.active.fingerprint:
            return False
        try:
            ruleset = rule_files.load_rules(paths)
        except RuleError as exc:
            log.error("rule files have errors; keeping the last good rules:\n%s", exc)
            self.active = replace(self.active, fingerprint=fingerprint, errors=tuple(exc.problems))
            return False
        self.active = Active(ruleset, compile_rules(ruleset), fingerprint)
        log.info("rules loaded: %d people, %d events", len(ruleset.people), len(ruleset.events))
        return True
