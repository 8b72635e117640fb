"""Rule files: loading, and the exact problems a user is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import RuleError
from monitor.model import Priority
from monitor.rules.files import fingerprint, load_rules, slug
from tests.conftest import RULES, SAMPLE_PEOPLE_IDS


def write(tmp_path: Path, text: str, name: str = "watch.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_rules([path])
    return [p.replace(str(path), "F") for p in info.value.problems]


def test_the_bundled_rules_load_and_cover_the_sample_article() -> None:
    ruleset = load_rules([RULES])
    ids = {rule.id for rule in ruleset.all()}
    assert {*SAMPLE_PEOPLE_IDS, "womens-march", "protest-belarus"} <= ids


def test_a_full_rule_file_loads_every_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
people:
  - id: babaryka
    name: Viktar Babaryka
    aka: [Viktor Babariko]
    context: [Belgazprombank, banker]
    tags: [political-prisoner]
    priority: high
  - name: Ihar Losik
events:
  - id: protest-belarus
    name: Protests in Belarus
    any: [protest*, шэсц*]
    near: [Minsk]
    within: 10
    not: [football]
""",
    )
    ruleset = load_rules([path])
    babaryka, losik = ruleset.people
    assert babaryka.aka == ("Viktor Babariko",)
    assert babaryka.context == ("Belgazprombank", "banker")
    assert babaryka.priority is Priority.HIGH
    assert babaryka.origin is not None and babaryka.origin.line == 2
    assert losik.id == "ihar-losik" and losik.priority is Priority.NORMAL
    [event] = ruleset.events
    assert (event.any, event.near, event.within, event.exclude) == (
        ("protest*", "шэсц*"),
        ("Minsk",),
        10,
        ("football",),
    )


def test_a_folder_loads_every_yaml_file_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "people:\n  - name: B Person\n", "b.yaml")
    write(tmp_path, "people:\n  - name: A Person\n", "a.yml")
    write(tmp_path, "not a rule file", "notes.txt")
    assert [p.id for p in load_rules([tmp_path]).people] == ["a-person", "b-person"]


def test_unknown_keys_get_a_suggestion_with_file_and_line(tmp_path: Path) -> None:
    assert problems(tmp_path, "people:\n  - name: X Y\n    akа: [Z]\n    alias: [Q]\n") == [
        "F:3: people[0].akа: unknown key (did you mean 'aka'?)",
        "F:4: people[0].alias: unknown key (known: id, name, aka, context, alone, tags, priority)",
    ]


def test_wrong_types_name_file_line_and_field(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """\
people:
  - name: Viktar Babaryka
    aka: {a: b}
  - aka: [X]
events:
  - name: Marches
    within: soon
    priority: urgent
""",
    ) == [
        "F:3: people[0].aka: expected a list of names",
        "F:4: people[1].name: missing (required)",
        "F:6: events[0].any: an event needs 'any:', a list of words of which one must occur",
        "F:7: events[0].within: expected a whole number of words > 0",
        "F:8: events[0].priority: expected 'high' or 'normal', got 'urgent'",
    ]


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    write(tmp_path, "people:\n  - name: Viktar Babaryka\n", "a.yaml")
    write(tmp_path, "people:\n  - id: viktar-babaryka\n    name: V. Babaryka\n", "b.yaml")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path])
    assert info.value.problems == [
        f"{tmp_path / 'b.yaml'}:2: id: duplicate id 'viktar-babaryka' "
        f"(first used at {tmp_path / 'a.yaml'}:2)"
    ]


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, "people:\n  - name: [unclosed\n")
    assert problem.startswith("F:3: not valid YAML:")


def test_a_top_level_typo_is_caught(tmp_path: Path) -> None:
    assert problems(tmp_path, "peopel:\n  - name: X\n") == [
        "F:1: peopel: unknown key (did you mean 'people'?)"
    ]


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no rule files"):
        load_rules([tmp_path])


def test_fingerprint_changes_when_a_file_is_edited(tmp_path: Path) -> None:
    path = write(tmp_path, "people:\n  - name: A B\n")
    before = fingerprint([tmp_path])
    path.write_text("people:\n  - name: A C\n", encoding="utf-8")
    assert fingerprint([tmp_path]) != before


def test_slug_keeps_any_script() -> None:
    assert slug("Viktar Babaryka") == "viktar-babaryka"
    assert slug("Сяргей Ціханоўскі") == "сяргей-ціханоўскі"


def test_a_control_character_the_yaml_reader_refuses_is_a_rule_error(tmp_path: Path) -> None:
    """Found by tests/test_properties.py: it once escaped as a yaml.ReaderError."""
    path = tmp_path / "bad.yaml"
    path.write_text("people:\n  - name: A\x07B\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules([path])
    assert str(caught.value).startswith(f"{path}: not valid YAML: ")


def test_an_empty_rule_file_is_allowed_but_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.yaml").write_text("people:\n  - name: Viktar Babaryka\n", encoding="utf-8")
    (tmp_path / "new.yaml").write_text("people:\n", encoding="utf-8")
    assert len(load_rules([tmp_path]).people) == 1
    assert f"{tmp_path / 'new.yaml'}: no people or events: this file watches nothing" in caplog.text


def test_rule_files_that_watch_nothing_at_all_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules([tmp_path])
    assert "no people or events in any rule file: nothing would be watched" in str(caught.value)
