"""The rules in force (rules/live.py): rule files in, one `Active` value out (the rules and
their compiled matcher together), swapped whole when the files change; a broken edit keeps
the last good rules and says why, with the file and line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from monitor.errors import RuleError
from monitor.rules.live import Active, LiveRules

BABARYKA = "people:\n  - id: babaryka\n    name: Viktar Babaryka\n"
LATUSHKA = "people:\n  - id: latushka\n    name: Paval Latushka\n"
TEXT = "Viktar Babaryka and Paval Latushka were named in the report."


def found(active: Active) -> set[str]:
    """The rules the active matcher finds in TEXT."""
    return {match.rule_id for match in active.matcher.match(TEXT, "en")}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "people.yaml").write_text(BABARYKA, encoding="utf-8")
    return rules


def test_the_rules_load_at_start_with_their_matcher(folder: Path) -> None:
    live = LiveRules([folder])
    assert [rule.id for rule in live.active.rules.all()] == ["babaryka"]
    assert found(live.active) == {"babaryka"}
    assert live.active.errors == () and live.active.fingerprint


def test_broken_rules_at_start_are_an_error_there_is_nothing_to_fall_back_on(
    folder: Path,
) -> None:
    (folder / "people.yaml").write_text("people:\n  - nme: Viktar Babaryka\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        LiveRules([folder])
    assert f"{folder / 'people.yaml'}:2: people[0].nme: unknown key" in str(caught.value)


def test_a_start_with_broken_rules_runs_on_the_last_good_ones_kept_on_disk(
    folder: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "var" / "rules-in-force"
    LiveRules([folder], kept)  # good: a copy is kept
    (folder / "more.yaml").write_text(LATUSHKA, encoding="utf-8")
    live = LiveRules([folder], kept)  # a restart with another good file: the copy follows
    assert found(live.active) == {"babaryka", "latushka"}
    (folder / "people.yaml").write_text("people:\n  - nme: Viktar Babaryka\n", encoding="utf-8")
    restarted = LiveRules([folder], kept)
    assert found(restarted.active) == {"babaryka", "latushka"}  # the last good rules
    error = restarted.active.errors[0]
    assert error.startswith(f"{folder / 'people.yaml'}:2: people[0].nme: unknown key")
    (folder / "people.yaml").write_text(BABARYKA, encoding="utf-8")
    assert restarted.reload([folder])  # fixed: the files' rules, and no error
    assert restarted.active.errors == ()


def test_a_reload_with_nothing_changed_keeps_the_same_active_value(folder: Path) -> None:
    live = LiveRules([folder])
    before = live.active
    (folder / "people.yaml").write_text(BABARYKA, encoding="utf-8")  # saved, not changed
    assert live.reload([folder]) is False
    assert live.active is before


def test_an_edit_swaps_rules_and_matcher_together(folder: Path) -> None:
    live = LiveRules([folder])
    before = live.active
    (folder / "people.yaml").write_text(LATUSHKA, encoding="utf-8")
    assert live.reload([folder]) is True
    after = live.active
    assert after is not before
    assert [rule.id for rule in after.rules.all()] == ["latushka"]
    assert found(after) == {"latushka"}
    # A reader that took the old value before the swap still has a matching pair, and no
    # one can change half of a value.
    assert [rule.id for rule in before.rules.all()] == ["babaryka"]
    assert found(before) == {"babaryka"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.matcher = after.matcher  # type: ignore[misc]


def test_a_broken_edit_keeps_the_last_good_rules_and_records_why(folder: Path) -> None:
    live = LiveRules([folder])
    good = live.active
    (folder / "people.yaml").write_text(
        "people:\n  - id: latushka\n    name: Paval Latushka\n    priority: urgent\n",
        encoding="utf-8",
    )
    assert live.reload([folder]) is False
    assert live.active.rules is good.rules and live.active.matcher is good.matcher
    assert found(live.active) == {"babaryka"}
    [error] = live.active.errors
    assert error.startswith(f"{folder / 'people.yaml'}:4: people[0].priority: ")

    assert live.reload([folder]) is False  # the same broken files: nothing new to say
    assert live.active.errors == (error,)

    (folder / "people.yaml").write_text(LATUSHKA, encoding="utf-8")  # fixed
    assert live.reload([folder]) is True
    assert found(live.active) == {"latushka"} and live.active.errors == ()


def test_a_file_that_is_not_yaml_names_its_line(folder: Path) -> None:
    live = LiveRules([folder])
    (folder / "people.yaml").write_text(BABARYKA + "  - [\n", encoding="utf-8")
    assert live.reload([folder]) is False
    [error] = live.active.errors
    assert error.startswith(f"{folder / 'people.yaml'}:") and "not valid YAML" in error
    assert found(live.active) == {"babaryka"}


def test_a_new_rule_file_in_a_rules_folder_is_picked_up(folder: Path) -> None:
    live = LiveRules([folder])
    (folder / "more.yml").write_text(LATUSHKA, encoding="utf-8")
    (folder / "notes.txt").write_text("not a rule file", encoding="utf-8")
    assert live.reload([folder]) is True
    assert {rule.id for rule in live.active.rules.all()} == {"babaryka", "latushka"}
    assert found(live.active) == {"babaryka", "latushka"}
    (folder / "notes.txt").write_text("still not one", encoding="utf-8")
    assert live.reload([folder]) is False  # only *.yaml and *.yml files count
