"""What `monitor rules check` tells the person editing rules, and the --against-store counts."""

from __future__ import annotations

from monitor.match import compile_rules
from monitor.match.lint import RuleWarning, fire_counts, lint
from monitor.model import Article, Origin, PersonRule, RuleSet

RULES = RuleSet(
    people=(
        PersonRule("kalina", "Natallia Kalina", origin=Origin("rules/by.yaml", 3)),
        PersonRule("andrei-melnik", "Andrei Melnik"),
        PersonRule("pavel-melnik", "Pavel Melnik"),
        PersonRule("rak", "Ihar Rak"),
        PersonRule("babaryka", "Babaryka"),
        PersonRule("muhammad", "Prophet Muhammad"),
        PersonRule("losik", "Ihar Losik"),
    )
)


def messages(warnings: list[RuleWarning], rule_id: str) -> list[str]:
    return [w.message for w in warnings if w.rule_id == rule_id]


def test_lint_names_the_everyday_words_a_surname_is_read_from() -> None:
    warnings = lint(RULES, languages=("pl",))
    (kalina,) = [m for m in messages(warnings, "kalina") if "frequent words" in m]
    assert "pl 'kolejny'" in kalina
    assert "'context:'" in kalina  # says what to add


def test_lint_says_where_the_rule_is_written() -> None:
    warning = next(w for w in lint(RULES, languages=("pl",)) if w.rule_id == "kalina")
    assert str(warning).startswith("rules/by.yaml:3: kalina: ")


def test_lint_warns_about_shared_short_and_incomplete_names() -> None:
    warnings = lint(RULES, languages=())
    assert messages(warnings, "andrei-melnik") == [
        "surname shared with 1 other rule(s) (pavel-melnik): alone it alerts none of them; "
        "keep each rule's given name"
    ]
    assert any("shorter than 4 letters" in m for m in messages(warnings, "rak"))
    assert any("no given name" in m for m in messages(warnings, "babaryka"))
    assert any("known by one name" in m for m in messages(warnings, "muhammad"))


def test_a_distinctive_rule_gets_no_warning() -> None:
    assert messages(lint(RULES, languages=("pl", "ru", "en")), "losik") == []


def test_fire_counts_counts_articles_per_rule() -> None:
    matcher = compile_rules(RULES)
    articles = [
        Article(title="Ihar Losik", text="Ihar Losik went on hunger strike.", language="en"),
        Article(title="Court", text="Andrei Melnik and Ihar Losik were sentenced."),
        Article(title="Weather", text="Kolejny dzień deszczu.", language="pl"),
    ]
    counts = fire_counts(matcher, articles)
    assert counts["losik"] == 2 and counts["andrei-melnik"] == 1
    assert counts["kalina"] == 0 and set(counts) == {r.id for r in RULES.people}
