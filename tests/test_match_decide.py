"""The document-level decision on lone surnames, as `monitor check --explain` reports it."""

from __future__ import annotations

import pytest

from monitor.match import compile_rules
from monitor.model import EventRule, PersonRule, RuleSet

MATCHER = compile_rules(
    RuleSet(
        people=(
            PersonRule("losik", "Ihar Losik"),
            PersonRule("moroz", "Andrei Moroz"),
            PersonRule("zhuk", "Aleh Zhuk", context=("Вясна", "Viasna")),
            PersonRule("kruk-d", "Dzianis Kruk"),
            PersonRule("kruk-i", "Ihar Kruk"),
            PersonRule("rak", "Aliaksandr Rak"),
            PersonRule("zuev", "Pavel Zuyeu", alone=True),
        )
    )
)


def reasons(text: str, rule_id: str, language: str | None = "en") -> list[str]:
    """The reasons --explain gives for `rule_id`, 'counts: ...' or 'does not count: ...'."""
    lines = [line for line in MATCHER.explain(text, language) if line.startswith(f"{rule_id}:")]
    return [line.split("; ", 1)[1] for line in lines]


@pytest.mark.parametrize(
    ("text", "rule_id", "reason"),
    [
        (
            "Losik went on hunger strike.",
            "losik",
            "counts: distinctive surname (rare as a word in en, no other listed person's)",
        ),
        (
            "Andrei Moroz was fined. Later Moroz appealed.",
            "moroz",
            "counts: the article names the person (at 0-12) in full",
        ),
        (
            "Kruk was detained.",
            "kruk-d",
            "does not count: shared with 1 other listed person(s); needs the given name",
        ),
        (
            "Rak was detained.",
            "rak",
            "does not count: shorter than 4 letters as written; needs the given name",
        ),
        (
            "Мороз держался всю неделю.",
            "moroz",
            "does not count: ordinary word in ru (Zipf 4.1); needs the given name",
        ),
        (
            "Zuyeu was detained.",
            "zuev",
            "counts: the rule says the surname alone is enough (alone: true)",
        ),
    ],
)
def test_explain_says_why_a_lone_surname_counts_or_not(
    text: str, rule_id: str, reason: str
) -> None:
    language = "ru" if text.startswith("М") else "en"
    assert reason in reasons(text, rule_id, language)


def test_a_context_term_lets_a_lone_everyday_word_surname_count() -> None:
    text = "Правозащитный центр «Вясна» сообщил, что Жук задержан."
    assert reasons(text, "zhuk", "ru") == ["counts: context term 'Вясна' present"]
    assert reasons("Жук задержан.", "zhuk", "ru") == ["does not count: no context term present"]


def test_another_person_with_the_surname_blocks_the_lone_mentions() -> None:
    text = "Mikhail Losik, a teacher, spoke. Losik said he was afraid."
    assert reasons(text, "losik") == [
        "does not count: given name Mikhail conflicts",
        "does not count: the article names someone else with this surname "
        "(given name Mikhail conflicts)",
    ]


def test_a_namesake_named_in_full_takes_the_lone_mentions() -> None:
    found = {m.rule_id for m in MATCHER.match("Dzianis Kruk was fined. Kruk appealed.", "en")}
    assert found == {"kruk-d"}


def test_a_hit_is_labelled_with_its_own_script_not_the_articles_language() -> None:
    """An English sentence quoted in a Russian article: its hit is not labelled 'ru'."""
    matcher = compile_rules(RuleSet(people=(PersonRule("vlasova", "Lilia Vlasova"),)))
    text = "Лилию Власову задержали. Amnesty said: Lilia Vlasova must be released."
    lines = matcher.explain(text, "ru")
    [latin] = [line for line in lines if "'Lilia Vlasova'" in line]
    [cyrillic] = [line for line in lines if "'Лилию Власову'" in line]
    assert "surname Vlasova (latin, " in latin and "surname Vlasova (ru, " in cyrillic


def test_a_hit_records_why_it_counts_in_the_articles_own_words() -> None:
    """The basis a digest words: for people, how the person was named; for events, the
    words as the article writes them, not the rule's patterns."""
    rules = RuleSet(
        people=(PersonRule("babaryka", "Viktar Babaryka", context=("Belgazprombank",)),),
        events=(EventRule("protests", "Protests", any=("demonstrat*",), near=("Minsk*",)),),
    )
    text = ("Viktar Babaryka, once of Belgazprombank, is in prison. Babaryka's lawyer spoke. "
            "Police in Minsk detained people after demonstrations near the station.")  # fmt: skip
    found = {
        (m.rule_id, e.text): (e.basis, e.basis_terms)
        for m in compile_rules(rules).match(text, "en")
        for e in m.evidence
    }
    assert found[("babaryka", "Viktar Babaryka")] == ("named", ())
    assert found[("babaryka", "Babaryka's")] == ("named_elsewhere", ())
    assert found[("protests", "demonstrations")] == ("near", ("demonstrations", "Minsk", "20"))
