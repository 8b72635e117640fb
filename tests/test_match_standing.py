"""A famous surname standing alone (match/standing.py, match/tally.py): counted in stored
articles, it names its person alone where the news shows it does, as `--explain` says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitor.match import Tally, compile_rules, known
from monitor.model import Article, PersonRule, RuleSet, Standing

RULES = RuleSet(
    people=(
        PersonRule("johnson", "Boris Johnson"),
        PersonRule("lukashenko", "Alexander Lukashenko"),
        PersonRule("hunt", "Jeremy Hunt"),
    )
)
PLACES = ["Minsk", "London", "Vilnius", "Warsaw", "Kyiv", "Paris", "Berlin", "Riga"]


def news(sentence: str, n: int) -> list[Article]:
    """`n` different stories built around `sentence` ({place} varies)."""
    return [
        Article(title=f"Report {i}", text=sentence.format(place=PLACES[i % len(PLACES)]) + f" #{i}")
        for i in range(n)
    ]


def learned(articles: list[Article], rules: RuleSet = RULES) -> dict[str, Standing]:
    tally = Tally(compile_rules(rules), days=28)
    tally.add(articles)
    return {s.rule_id: s for s in tally.standings()}


def explain(text: str, standings: dict[str, Standing], rule_id: str) -> str:
    """Why the last mention of `rule_id`'s surname in `text` counts or not."""
    matcher = compile_rules(replace(RULES, learned=tuple(standings.values())))
    lines = [line for line in matcher.explain(text, "en") if line.startswith(f"{rule_id}:")]
    assert lines
    return lines[-1].split("; ", 1)[1]


STORIES = (
    news("Boris Johnson spoke in {place}. Later Johnson added that Johnson was right.", 8)
    + news("Александр Лукашенко провёл совещание в {place}. Лукашенко заявил о мерах.", 6)
    + news("Jeremy Hunt spoke in {place}. The hunt for votes goes on.", 6)
    + news("Dustin Johnson won in {place}.", 1)
)


def test_articles_are_counted_once_each_whatever_a_story_repeats() -> None:
    standings = learned(STORIES)
    johnson = standings["johnson"]
    assert (johnson.named, johnson.others, johnson.lower, johnson.seen) == (8, 1, 0, 9)
    assert johnson.surname == "Johnson" and johnson.days == 28
    hunt = standings["hunt"]
    assert (hunt.named, hunt.lower, hunt.seen) == (6, 6, 6)


def test_a_surname_the_news_uses_for_the_person_counts_alone_and_says_on_what_counts() -> None:
    reason = explain("Лукашенко подписал указ.", learned(STORIES), "lukashenko")
    assert reason.startswith("counts: ordinary word in ru")
    assert "names this person alone" in reason
    assert "named in full in 6, beside another given name in 0, written lower-case in 0 of 6" in (
        reason
    )


def test_without_what_the_store_learned_the_everyday_word_needs_the_given_name() -> None:
    reason = explain("Лукашенко подписал указ.", {}, "lukashenko")
    assert reason.startswith("does not count: ordinary word in ru")


def test_a_surname_written_lower_case_as_a_word_stays_silent_however_often_it_names() -> None:
    reason = explain("Hunt will travel to Paris.", learned(STORIES), "hunt")
    assert reason.startswith("does not count")
    assert "written lower-case in more than 5%" in reason and "lower-case in 6 of 6" in reason


def test_a_surname_often_beside_other_given_names_stays_silent() -> None:
    golf = news("Dustin Johnson won in {place}.", 2)
    reason = explain("Johnson will travel to Paris.", learned(STORIES + golf), "johnson")
    assert reason.startswith("does not count")
    assert "not 10 times as often beside this given name" in reason


def test_a_known_surname_still_yields_to_someone_else_named_in_the_article() -> None:
    standings = learned(STORIES + news("Boris Johnson met voters in {place}.", 4))
    assert known(standings["johnson"])  # named in 12 articles, beside Dustin in 1
    assert explain("Johnson will travel to Paris.", standings, "johnson").startswith("counts")
    text = "Dustin Johnson won the open. Johnson thanked his caddie."
    assert explain(text, standings, "johnson").startswith("does not count")


def test_a_few_articles_do_not_teach_it() -> None:
    few = news("Александр Лукашенко провёл совещание в {place}.", 4)
    reason = explain("Лукашенко подписал указ.", learned(few), "lukashenko")
    assert "named in full in fewer than 5 articles" in reason


def test_counts_of_a_surname_the_rule_no_longer_writes_are_not_used() -> None:
    standings = learned(STORIES)
    edited = RuleSet(people=(PersonRule("lukashenko", "Alexander Lukashenka"),),
                     learned=tuple(standings.values()))  # fmt: skip
    lines = compile_rules(edited).explain("Лукашенко подписал указ.", "ru")
    assert lines and all("does not count" in line for line in lines)


@pytest.mark.parametrize(
    ("named", "others", "lower", "seen", "expected"),
    [
        (5, 0, 0, 5, True),
        (4, 0, 0, 4, False),  # too few articles
        (50, 5, 0, 55, True),  # ten times as often
        (49, 5, 0, 54, False),
        (100, 0, 5, 100, True),  # lower-case in 5 %
        (100, 0, 6, 100, False),
    ],
)
def test_the_thresholds(named: int, others: int, lower: int, seen: int, expected: bool) -> None:
    assert known(Standing("r", "Name", named, others, lower, seen, 28)) is expected


def test_learning_anew_keeps_the_compiled_indexes_and_changes_only_the_decision() -> None:
    matcher = compile_rules(RULES)
    before = matcher.match("Лукашенко подписал указ.", "ru")
    twin = matcher.relearned(replace(RULES, learned=tuple(learned(STORIES).values())))
    assert before == () and [m.rule_id for m in twin.match("Лукашенко подписал указ.", "ru")] == [
        "lukashenko"
    ]
    assert matcher.match("Лукашенко подписал указ.", "ru") == ()  # the old one is unchanged
    evidence = twin.match("Лукашенко подписал указ.", "ru")[0].evidence[0]
    assert evidence.basis == "known"


def test_learning_makes_no_matcher_build_before_it_is_needed() -> None:
    """At a start, what the store learned is put in force before any article: the matcher
    is not compiled (or read) for it, and once needed it decides with the counts."""
    matcher = compile_rules(RULES)
    twin = matcher.relearned(replace(RULES, learned=tuple(learned(STORIES).values())))
    assert not matcher.is_ready and not twin.is_ready
    assert [m.rule_id for m in twin.match("Лукашенко подписал указ.", "ru")] == ["lukashenko"]
    assert not matcher.is_ready  # the first one was left as it was
