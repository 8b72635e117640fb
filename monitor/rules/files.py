"""Watch-rule files: YAML that users edit by hand, validated at load.

In: paths to rule files or folders (``rules/*.yaml``). Out: a ``RuleSet``, or a ``RuleError``
listing every problem as ``file:line: field: what is wrong`` (unknown keys get a "did you
mean" suggestion; duplicate ids name both places).
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import RuleError
from monitor.match import code_key, remembered
from monitor.model import EventRule, Origin, PersonRule, Priority, Rule, RuleSet

log = logging.getLogger(__name__)
# libyaml's parser, where PyYAML was built with it, reads a 10,000-person list six times as
# fast as the pure-Python one; both give the same nodes and line numbers.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RULE_SUFFIXES = (".yaml", ".yml")
PERSON_KEYS = ("id", "name", "aka", "context", "alone", "tags", "priority")
EVENT_KEYS = ("id", "name", "any", "near", "within", "not", "tags", "priority", "discover")
TOP_KEYS = ("people", "events")
EXAMPLE = """\
people:
  - name: Viktar Babaryka
    aka: [Viktor Babariko]
events:
  - name: Protests in Belarus
    any: [protest*, demonstrat*]
"""


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their *.yaml / *.yml files, sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in RULE_SUFFIXES))
        else:
            found.append(path)
    return found


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the rule files' names and bytes: changes whenever a user edits one."""
    digest = hashlib.sha256()
    for path in rule_files(paths):
        digest.update(str(path).encode())
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            digest.update(str(exc).encode())
    return digest.hexdigest()


def load_rules(paths: Iterable[Path], folder: Path | None = None) -> RuleSet:
    """Load every rule file; raise RuleError listing all problems of all files. With a
    `folder` (of compiled rules), rule files loaded before, byte for byte, are read back
    from there: 10,000 rules in a few hundredths of a second instead of a third of a second
    and twenty megabytes of YAML nodes (what a file said while loading was said then)."""
    paths = list(paths)
    if folder is None:
        return _load(paths)
    name = f"{hashlib.sha256((code_key() + fingerprint(paths)).encode()).hexdigest()}.loaded"
    return remembered(folder, name, lambda: _load(paths))


def _load(paths: list[Path]) -> RuleSet:
    files = rule_files(paths)
    if not files:
        raise RuleError([f"no rule files (*.yaml) found in {', '.join(map(str, paths))}"])
    reader = _Reader()
    for path in files:
        reader.read_file(path)
    reader.check_duplicates()
    if not reader.problems and not (reader.people or reader.events):
        where = ", ".join(map(str, files))
        reader.problems.append(
            f"{where}: no people or events in any rule file: nothing would be watched "
            f"(add a rule, like:\n{EXAMPLE})"
        )
    if reader.problems:
        raise RuleError(reader.problems)
    return RuleSet(people=tuple(reader.people), events=tuple(reader.events))


def slug(name: str) -> str:
    """'Viktar Babaryka' -> 'viktar-babaryka' (any script; word characters kept)."""
    return re.sub(r"[\W_]+", "-", name.casefold()).strip("-")


@dataclass
class _Reader:
    """Walks YAML nodes (not plain data) so every problem can name its line."""

    problems: list[str] = field(default_factory=list)
    people: list[PersonRule] = field(default_factory=list)
    events: list[EventRule] = field(default_factory=list)
    file: str = ""

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(
            f"{self.file}:{line}: {where}: {message}" if where else f"{self.file}:{line}: {message}"
        )

    def read_file(self, path: Path) -> None:
        self.file = str(path)
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except OSError as exc:
            self.problems.append(f"{path}: cannot read: {exc.strerror}")
            return
        except UnicodeDecodeError:
            self.problems.append(f"{path}: not UTF-8 text")
            return
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            self.problems.append(f"{path}:{line}: not valid YAML: {exc.problem}")
            return
        except yaml.YAMLError as exc:  # e.g. a control character the YAML reader refuses
            self.problems.append(f"{path}: not valid YAML: {exc}")
            return
        before = len(self.people) + len(self.events)
        if root is not None and not isinstance(root, yaml.MappingNode):
            self.problem(root, "", f"expected 'people:' and/or 'events:' lists, like:\n{EXAMPLE}")
            return
        for key, value in self.mapping(root, TOP_KEYS, "") if root is not None else ():
            for index, item in enumerate(self.sequence(value, key)):
                self.read_rule(key, index, item)
        if len(self.people) + len(self.events) == before and not self.problems:
            # Allowed (a user may be starting one), but never silently.
            log.warning("%s: no people or events: this file watches nothing", path)

    def mapping(
        self, node: yaml.MappingNode, known: tuple[str, ...], where: str
    ) -> Iterator[tuple[str, yaml.Node]]:
        for key_node, value in node.value:
            key = str(key_node.value)
            if key in known:
                yield key, value
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
            self.problem(key_node, f"{where}.{key}" if where else key, f"unknown key{hint}")

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        self.problem(node, where, "expected a list (lines starting with '- ')")
        return []

    def read_rule(self, section: str, index: int, node: yaml.Node) -> None:
        where = f"{section}[{index}]"
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, "expected a rule with 'name:' and other keys")
            return
        known = PERSON_KEYS if section == "people" else EVENT_KEYS
        fields = {key: value for key, value in self.mapping(node, known, where)}
        before = len(self.problems)
        values = _RuleFields(self, where, fields, node)
        if section == "people":
            person = values.person()
            if person is not None and len(self.problems) == before:
                self.people.append(person)
        elif (event := values.event()) is not None and len(self.problems) == before:
            self.events.append(event)

    def check_duplicates(self) -> None:
        seen: dict[str, Origin | None] = {}
        rules: list[Rule] = [*self.people, *self.events]
        for rule in rules:
            if rule.id in seen:
                first = seen[rule.id]
                at = f"{first.file}:{first.line}" if first else "?"
                here = rule.origin or Origin("?", 0)
                self.problems.append(
                    f"{here.file}:{here.line}: id: duplicate id '{rule.id}' (first used at {at})"
                )
            seen.setdefault(rule.id, rule.origin)


@dataclass
class _RuleFields:
    reader: _Reader
    where: str
    fields: dict[str, yaml.Node]
    node: yaml.Node

    def person(self) -> PersonRule | None:
        name = self.text("name", required=True)
        rule = PersonRule(
            id=self.text("id") or slug(name),
            name=name,
            aka=self.names("aka"),
            context=self.names("context"),
            tags=self.names("tags"),
            priority=self.priority(),
            origin=self.origin(),
            alone=self.flag("alone"),
        )
        return rule if name else None

    def event(self) -> EventRule | None:
        name, terms = self.text("name", required=True), self.names("any")
        if not terms:
            self.reader.problem(
                self.node,
                f"{self.where}.any",
                "an event needs 'any:', a list of words of which one must occur",
            )
        # Every field is read before giving up, so one pass reports all problems.
        rule = EventRule(
            id=self.text("id") or slug(name),
            name=name,
            any=terms,
            near=self.names("near"),
            within=self.within(),
            exclude=self.names("not"),
            tags=self.names("tags"),
            priority=self.priority(),
            origin=self.origin(),
            discover=self.flag("discover"),
        )
        return rule if name and terms else None

    def origin(self) -> Origin:
        return Origin(self.reader.file, self.node.start_mark.line + 1)

    def text(self, key: str, *, required: bool = False) -> str:
        node = self.fields.get(key)
        if node is None:
            if required:
                self.reader.problem(self.node, f"{self.where}.{key}", "missing (required)")
            return ""
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
            return str(node.value).strip()
        self.reader.problem(node, f"{self.where}.{key}", "expected a non-empty text")
        return ""

    def names(self, key: str) -> tuple[str, ...]:
        node = self.fields.get(key)
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
            return (str(node.value).strip(),)  # a single name without brackets is fine
        items = node.value if isinstance(node, yaml.SequenceNode) else None
        if items is None or not all(_is_text(item) for item in items):
            self.reader.problem(node, f"{self.where}.{key}", "expected a list of names")
            return ()
        return tuple(str(item.value).strip() for item in items)

    def priority(self) -> Priority:
        text = self.text("priority") if "priority" in self.fields else "normal"
        try:
            return Priority(text)
        except ValueError:
            self.reader.problem(
                self.fields.get("priority"),
                f"{self.where}.priority",
                f"expected 'high' or 'normal', got {text!r}",
            )
            return Priority.NORMAL

    def flag(self, key: str) -> bool:
        """A yes/no key: `alone: true`."""
        node = self.fields.get(key)
        if node is None:
            return False
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return bool(yaml.safe_load(node.value))
        self.reader.problem(node, f"{self.where}.{key}", "expected true or false")
        return False

    def within(self) -> int:
        node = self.fields.get("within")
        if node is None:
            return 20
        value: Any = node.value
        if isinstance(node, yaml.ScalarNode) and str(value).isdigit() and int(value) > 0:
            return int(value)
        self.reader.problem(node, f"{self.where}.within", "expected a whole number of words > 0")
        return 20


def _is_text(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and bool(str(node.value).strip())
