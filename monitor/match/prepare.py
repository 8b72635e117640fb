"""Compiling a rule set apart from the process that polls: the compiled form and the rule
warnings kept on disk by a short-lived child process.

In: a RuleSet and the folder of compiled forms (monitor.match.packed). Out: in that folder,
the rules' compiled form and their warnings without everyday words (what the daemon logs
when rules load), written by a child process (`keep_apart`) or by this one
(`keep_compiled`). A 10,000-person list takes two seconds and over 50 MB to compile: in a
child, the seconds overlap with the poll's fetching on another core, and the memory goes
back to the system when the child ends; the polling process and its workers only read what
it kept, each key when an article needs it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

from monitor.match.documents import end_with
from monitor.match.lint import lint_name, linted
from monitor.match.matcher import terms_of
from monitor.match.packed import keep, remembered
from monitor.match.people import PersonIndex
from monitor.match.terms import TermIndex
from monitor.model import RuleSet

log = logging.getLogger(__name__)

CHILD_SECONDS = 600  # a child that has not finished by then is given up (this process builds)


def keep_apart(ruleset: RuleSet, folder: Path) -> None:
    """Keep the rules' compiled form and warnings in `folder`, compiled in a child process
    (from the fork server the poll's workers come from). A child that fails is logged; the
    caller, finding no compiled form, compiles in its own process."""
    child = multiprocessing.get_context("forkserver").Process(
        target=_compile_for,
        args=(os.getpid(), ruleset, folder),
        name="monitor-compile",
        daemon=True,
    )
    child.start()
    child.join(CHILD_SECONDS)
    if child.is_alive():
        child.kill()
        log.error("compiling the rules apart took over %d s; compiling here", CHILD_SECONDS)
    elif child.exitcode != 0:
        log.error("compiling the rules apart failed (exit %s); compiling here", child.exitcode)


def _compile_for(owner: int, ruleset: RuleSet, folder: Path) -> None:
    """In the child: compile for `owner`, and end at once if it is gone (killed, it could
    not end the child itself)."""
    end_with(owner)
    keep_compiled(ruleset, folder)


def keep_compiled(ruleset: RuleSet, folder: Path) -> None:
    """Compile the rules here and keep the compiled form and the warnings in `folder`."""
    people = PersonIndex.build(ruleset.people)
    keep(ruleset, folder, (people, TermIndex(list(terms_of(ruleset.all())))))
    remembered(folder, lint_name(ruleset, ()), lambda: linted(ruleset, (), people))
