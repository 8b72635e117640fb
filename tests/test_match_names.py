"""Unit tests of the lexicons and name readers under monitor.match: word frequencies and the
language guess, the given-name lexicon, rule-name parsing, practical transcription."""

from __future__ import annotations

import pytest

from monitor.language import (
    COMMON,
    Gender,
    guess_language,
    is_given_form,
    looks_slavic,
    name_genders,
    readings,
    russian_forms,
    skeleton,
    translit,
    zipf,
)
from monitor.match.names import NameParts, parse_name, spellings


@pytest.mark.parametrize(
    ("word", "language"),
    [("Kolejny", "pl"), ("Войти", "ru"), ("Уряд", "uk"), ("Можете", "bg"), ("Wiele", "pl")],
)
def test_everyday_words_are_common_in_their_language(word: str, language: str) -> None:
    assert zipf(word, language) >= COMMON


@pytest.mark.parametrize(("word", "language"), [("Бабарико", "ru"), ("Tsikhanouski", "en")])
def test_rare_surnames_are_not(word: str, language: str) -> None:
    assert zipf(word, language) < COMMON


def test_belarusian_words_are_judged_by_their_neighbours() -> None:
    assert zipf("мороз", "be") >= COMMON  # Russian and Ukrainian stand in


def test_a_latin_name_in_a_cyrillic_article_is_judged_as_english() -> None:
    assert zipf("May", "ru") == zipf("may", "en")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Премьер-министр Великобритании заявила, что не уйдёт в отставку, и это было " * 3, "ru"),
        ("Premier powiedziała, że nie poda się do dymisji, a rząd jest w kryzysie i to " * 3, "pl"),
        ("Сустрэча з Андрэем Навікавым доўжылася гадзіну.", "be"),
    ],
)
def test_the_language_of_running_text_is_guessed(text: str, language: str) -> None:
    assert guess_language(text) == language


def test_a_short_text_of_shared_words_is_not_guessed() -> None:
    assert guess_language("Суд в Минске.") is None


@pytest.mark.parametrize(
    ("word", "gender"),
    [("Оксане", Gender.FEM), ("Wojciech", Gender.MASC), ("Сяргея", Gender.MASC)],
)
def test_given_names_are_known_in_their_case_forms(word: str, gender: Gender) -> None:
    assert gender in name_genders(word)


def test_words_that_are_no_given_names() -> None:
    assert name_genders("Bank") == frozenset() and name_genders("Борисов") == frozenset()
    assert is_given_form("May") and not is_given_form("Mayová")


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Viktar Babaryka", NameParts(("Viktar",), "Babaryka")),
        ("Тихановский Сергей", NameParts(("Сергей",), "Тихановский")),
        ("Artur Ilyin", NameParts(("Artur",), "Ilyin")),
        ("Queen Elizabeth II", NameParts((), "Elizabeth", "II", single=True)),
        ("Prophet Muhammad", NameParts((), "Muhammad", single=True)),
        ("Jacob Rees Mogg", NameParts(("Jacob", "Rees"), "Mogg")),
        ("Meghan Markle Duchess of Sussex", NameParts(("Meghan",), "Markle")),
        ("Palina Sharenda-Panasiuk", NameParts(("Palina",), "Sharenda-Panasiuk")),
        ("Lukashenka", NameParts((), "Lukashenka")),
    ],
)
def test_rule_names_are_read_into_parts(name: str, parts: NameParts) -> None:
    assert parse_name(name) == parts


@pytest.mark.parametrize(
    ("rule_word", "article_word"),
    [
        ("Johnson", "Джонсон"), ("Johnson", "Джонсън"), ("May", "Мэй"), ("May", "Мей"),
        ("Davis", "Дэвис"), ("Davis", "Дейвис"), ("Barnier", "Барнье"), ("Barnier", "Барние"),
        ("Hammond", "Хамънд"), ("Juncker", "Юнкер"), ("Farage", "Фарадж"), ("Theresa", "Тереза"),
    ],
)  # fmt: skip
def test_foreign_names_meet_their_transcriptions(rule_word: str, article_word: str) -> None:
    assert skeleton(translit(article_word)) in {skeleton(s) for s in spellings(rule_word)}


@pytest.mark.parametrize(
    ("rule_word", "russian"),
    [("Lebedzeu", "Лебедев"), ("Dziadok", "Дедок"), ("Bialiatski", "Беляцкий")],
)
def test_belarusian_names_meet_their_russian_forms(rule_word: str, russian: str) -> None:
    stems = {skeleton(s) for s in spellings(rule_word)}
    assert skeleton(translit(russian)) in stems or skeleton(translit(russian)[:-2]) in stems


def test_slavic_romanisations_get_no_foreign_readings() -> None:
    assert looks_slavic("tsikhanouski") and not looks_slavic("johnson")
    assert spellings("Tsikhanouski") == ["tsikhanouski"]


def test_readings_are_plainest_first_and_capped() -> None:
    found = readings("johnson", "english")
    assert "džonson" in found and len(found) <= 12
    assert "beliatski" in russian_forms("bialiatski")  # Бяляцкі -> Беляцкий
