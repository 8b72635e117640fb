"""The compiled form of a rule set kept on disk (match/packed.py): read back, it gives exactly
the matches and explanations of a fresh compile; it is built anew for other rules, a damaged
file or another format; two processes building at once leave one whole file; a folder that
cannot be written only costs the time to compile."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.mentions_by import mentions
from bench.watchlist import SEED, watchlist
from monitor.match import compile_rules, lint
from monitor.match.packed import rules_key
from monitor.model import PersonRule, RuleSet
from tests.test_match import CASES, RULES, SAMPLE


def forms(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.rules"))


def test_read_back_it_matches_and_explains_as_a_fresh_compile_on_the_case_file(
    tmp_path: Path,
) -> None:
    fresh = compile_rules(RULES)
    kept = compile_rules(RULES, tmp_path)
    kept.ready()
    again = compile_rules(RULES, tmp_path)  # this one reads the file
    texts = [case["text"] for case in CASES["cases"]] + [SAMPLE.read_text(encoding="utf-8")]
    for text in texts:
        assert again.match(text) == fresh.match(text), text
        assert again.explain(text) == fresh.explain(text), text


def test_read_back_it_matches_as_a_fresh_compile_on_a_generated_list(tmp_path: Path) -> None:
    people = watchlist(1100, SEED)
    rules = RuleSet(people=tuple(p.rule for p in people))
    fresh = compile_rules(rules)
    compile_rules(rules, tmp_path).ready()
    again = compile_rules(rules, tmp_path)
    said = mentions(people, 1, SEED)
    assert len(said) == 1100
    for mention in said:
        assert again.explain(mention.text) == fresh.explain(mention.text), mention.text
        assert again.match(mention.text) == fresh.match(mention.text)


def test_other_rules_are_compiled_anew_and_old_forms_are_pruned(tmp_path: Path) -> None:
    one = RuleSet(people=(PersonRule("losik", "Ihar Losik"),))
    two = RuleSet(people=(PersonRule("losik", "Ihar Losik", context=("Radio Liberty",)),))
    assert rules_key(one) != rules_key(two)
    compile_rules(one, tmp_path).ready()
    compile_rules(two, tmp_path).ready()
    assert [p.stem for p in forms(tmp_path)] == sorted([rules_key(one), rules_key(two)])
    for n in range(16):
        compile_rules(RuleSet(people=(PersonRule(f"p{n}", f"Ihar Losik{n}"),)), tmp_path).ready()
    assert len(forms(tmp_path)) == 12  # the newest are kept


def test_what_the_store_learned_is_not_part_of_the_compiled_form() -> None:
    from monitor.model import Standing

    rules = RuleSet(people=(PersonRule("losik", "Ihar Losik"),))
    learned = RuleSet(rules.people, learned=(Standing("losik", "Losik", 9, 0, 0, 9, 28),))
    assert rules_key(rules) == rules_key(learned)


def compiled_bytes(rules: RuleSet, folder: Path) -> bytes:
    compile_rules(rules, folder).ready()
    return (folder / f"{rules_key(rules)}.rules").read_bytes()


RULES_ONE = RuleSet(people=(PersonRule("losik", "Ihar Losik"),))


@pytest.mark.parametrize(
    "damage",
    [
        lambda whole: b"",
        lambda whole: b"not a compiled rule set",
        lambda whole: whole[: len(whole) // 2],  # cut short
        lambda whole: whole[:8] + (10**9).to_bytes(8, "little") + whole[16:],  # bad header
        lambda whole: whole.replace(b"format", b"formas", 1),
    ],
    ids=["empty", "garbage", "cut-short", "bad-header", "another-format"],
)
def test_a_damaged_or_foreign_file_is_built_over(
    tmp_path: Path, damage: Callable[[bytes], bytes], caplog: pytest.LogCaptureFixture
) -> None:
    rules = RULES_ONE
    whole = compiled_bytes(rules, tmp_path / "good")
    (tmp_path / f"{rules_key(rules)}.rules").write_bytes(damage(whole))
    with caplog.at_level(logging.WARNING):
        matcher = compile_rules(rules, tmp_path)
        assert [m.rule_id for m in matcher.match("Ihar Losik was sentenced.")] == ["losik"]
    assert "compiling them again" in caplog.text
    assert [m.rule_id for m in compile_rules(rules, tmp_path).match("Losik appealed.")] == [
        "losik"
    ]  # and it was written over with a good one


def test_a_file_in_place_of_the_folder_costs_only_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "compiled"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    matcher = compile_rules(RuleSet(people=(PersonRule("losik", "Ihar Losik"),)), blocked)
    assert matcher.match("Ihar Losik was sentenced.")
    assert "cannot keep the compiled rules" in caplog.text


def _build(folder: str, start: multiprocessing.synchronize.Event) -> None:
    people = watchlist(300, SEED)
    start.wait()
    compile_rules(RuleSet(people=tuple(p.rule for p in people)), Path(folder)).ready()


def test_two_processes_building_at_once_leave_one_whole_file(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    builders = [context.Process(target=_build, args=(str(tmp_path), start)) for _ in range(2)]
    for process in builders:
        process.start()
    start.set()
    for process in builders:
        process.join(120)
        assert process.exitcode == 0
    [form] = forms(tmp_path)
    assert not list(tmp_path.glob(".*"))  # no temporary file left
    people = watchlist(300, SEED)
    rules = RuleSet(people=tuple(p.rule for p in people))
    assert form.stem == rules_key(rules)
    text = f"{people[0].rule.name} was sentenced."
    assert compile_rules(rules, tmp_path).match(text) == compile_rules(rules).match(text)


def test_the_rule_warnings_are_kept_per_version_of_the_rules(tmp_path: Path) -> None:
    rules = RuleSet(people=(PersonRule("kalina", "Ihar Kalina"), PersonRule("un", "Un")))
    first = lint(rules, folder=tmp_path)
    [kept] = tmp_path.glob("*.lint.pickle")  # beside the compiled forms
    assert lint(rules, folder=tmp_path) == first == lint(rules)
    edited = RuleSet(people=(PersonRule("kalina", "Ihar Kalina"),))
    assert [w.rule_id for w in lint(edited, folder=tmp_path)] == ["kalina"] * len(
        [w for w in first if w.rule_id == "kalina"]
    )
    assert kept.exists() and len(list(tmp_path.glob("*.lint.pickle"))) == 2


def test_a_child_process_compiles_apart_and_keeps_the_form_and_the_warnings(
    tmp_path: Path,
) -> None:
    """keep_apart: the compile runs in a child; this process finds both files and reads
    the form without compiling (its matcher gives what a fresh compile gives)."""
    from monitor.match import keep_apart

    rules = RuleSet(people=(PersonRule("kalina", "Ihar Kalina"), PersonRule("un", "Un")))
    keep_apart(rules, tmp_path)
    assert len(forms(tmp_path)) == 1
    assert len(list(tmp_path.glob("*.none.lint.pickle"))) == 1  # the start-up warnings
    text = "Ihar Kalina was detained. Kalina appealed."
    kept = compile_rules(rules, tmp_path)
    assert kept.explain(text) == compile_rules(rules).explain(text)
    assert lint(rules, languages=(), folder=tmp_path) == lint(rules, languages=())
