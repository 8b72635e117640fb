"""Which rules a search names: any script, spelling or case form of a listed name finds
its rule; what names no listed person finds nothing."""

from __future__ import annotations

import pytest

from monitor.match import rules_spelled
from monitor.model import EventRule, PersonRule, RuleSet

RULES = RuleSet(
    people=(
        PersonRule("losik", "Ihar Losik"),
        PersonRule("babaryka", "Viktar Babaryka", aka=("Viktor Babariko",)),
        PersonRule("tsikhanouskaya", "Sviatlana Tsikhanouskaya"),
        PersonRule("kalesnikava", "Maria Kalesnikava"),
        PersonRule("li", "Olga Li"),
    ),
    events=(EventRule("protests", "Protests in Belarus", any=("protest*",)),),
)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Losik", {"losik"}),
        ("Лосик", {"losik"}),  # Russian and Belarusian Cyrillic
        ("Лосіка", {"losik"}),  # Belarusian genitive
        ("Łosik", {"losik"}),
        ("losi", {"losik"}),  # typed halfway
        ("Ігар Лосік", {"losik"}),  # every word must fit the same rule
        ("Бабарико", {"babaryka"}),  # the Russian spelling
        ("Бабарыкі", {"babaryka"}),
        ("Babariko", {"babaryka"}),
        ("Ціханоўскай", {"tsikhanouskaya"}),
        ("Тихановская", {"tsikhanouskaya"}),
        ("Калесникову", {"kalesnikava"}),
        ("Protests", {"protests"}),
        ("Ihar Babaryka", set()),  # two people's words: no one rule
        ("Li", set()),  # too short to mean one person: the plain text search covers it
        ("Lukashenka", set()),
        ("", set()),
    ],
)
def test_a_search_finds_the_rules_its_words_spell(typed: str, found: set[str]) -> None:
    assert rules_spelled(RULES, typed) == found
