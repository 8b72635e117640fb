"""monitor.discover.full_names: people named in full, in the nominative, one key per person."""

from __future__ import annotations

import pytest

from monitor.discover import find_names
from monitor.discover.nominative import person_key


def names(text: str, language: str | None = None) -> list[tuple[str, str]]:
    return [(f.text, f.name) for f in find_names(text, language)]


@pytest.mark.parametrize(
    ("text", "language", "found"),
    [
        (
            "Сотрудники КГБ задержали журналиста Игоря Карнея в Минске.",
            "ru",
            ("Игоря Карнея", "Игорь Карней"),
        ),
        (
            "Супрацоўнікі КДБ затрымалі журналіста Ігара Карнея ў Мінску.",
            "be",
            ("Ігара Карнея", "Ігар Карней"),
        ),
        (
            "Belarusian KGB officers detained Ihar Karnei at his flat.",
            "en",
            ("Ihar Karnei", "Ihar Karnei"),
        ),
        (
            "Spotkanie z premier Theresy May odbyło się w Londynie.",
            "pl",
            ("Theresy May", "Theresa May"),
        ),
        (
            "Premiérka Theresa Mayová a jednání s Theresou Mayovou.",
            "cs",
            ("Theresa Mayová", "Theresa Mayová"),
        ),
        ("Приговор вынесли Марфе Рабковой в Минске.", "ru", ("Марфе Рабковой", "Марфа Рабкова")),
        (
            "Британският министър Дейвид Дейвис подаде оставка.",
            "bg",
            ("Дейвид Дейвис", "Дейвид Дейвис"),
        ),
        (
            "Правительство Бориса Джонсона заявило о решении.",
            "ru",
            ("Бориса Джонсона", "Борис Джонсон"),
        ),
        (
            "Depuis, Jean-Claude Juncker a parlé.",
            "en",
            ("Jean-Claude Juncker", "Jean-Claude Juncker"),
        ),
        (
            "Министр Сергей Викторович Лавров заявил об этом.",
            "ru",
            ("Сергей Викторович Лавров", "Сергей Викторович Лавров"),
        ),
        (
            "Der frühere Präsident George W. Bush sprach.",
            "de",
            ("George W. Bush", "George W. Bush"),
        ),
    ],
)
def test_a_full_name_is_found_as_written_and_in_the_nominative(
    text: str, language: str, found: tuple[str, str]
) -> None:
    assert found in names(text, language)


def test_offsets_point_at_the_name_as_written() -> None:
    text = "В Минске задержали Игоря Карнея."
    (name,) = find_names(text, "ru")
    assert text[name.start : name.end] == "Игоря Карнея"


def test_one_person_has_one_key_across_scripts_and_languages() -> None:
    spellings = [
        ("detained Ihar Karnei at home", "en"),
        ("задержали Игоря Карнея дома", "ru"),
        ("затрымалі Ігара Карнея дома", "be"),
    ]
    keys = {f.key for text, lang in spellings for f in find_names(text, lang)}
    assert len(keys) == 1
    may = [
        ("premier Theresa May said", "en"),
        ("премиерът Тереза Мей каза", "bg"),
        ("premiérka Theresa Mayová řekla", "cs"),
        ("премьер Терезы Мэй заявила", "ru"),
    ]
    assert len({f.key for text, lang in may for f in find_names(text, lang)}) == 1


def test_two_people_have_two_keys() -> None:
    found = find_names("Дональд Туск и Дональд Трамп встретились.", "ru")
    assert len({f.key for f in found}) == 2


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Institutions whose first word reads as a case form of a given name
        ("Stany Zjednoczone i Polska podpisały umowę.", "pl"),
        ("Orzeczenie wydał Sąd Najwyższy, a sąd niższej instancji je uchylił.", "pl"),
        ("Власти Пакистана заявили, что власти примут решение.", "ru"),
        # a given name alone, or with an everyday word after it
        ("Boris said nothing.", "en"),
        ("Вчера Мария пришла домой.", "ru"),
    ],
)
def test_words_that_only_look_like_names_are_not_names(text: str, language: str) -> None:
    assert names(text, language) == []


def test_a_name_does_not_run_across_a_line_or_a_comma() -> None:
    found = names("Tony Blair,\nGordon Brown i David Cameron", "pl")
    assert [text for text, _ in found] == ["Tony Blair", "Gordon Brown", "David Cameron"]


@pytest.mark.parametrize(
    "spellings",
    [
        ("Syarhey Tsikhanouski", "Сергей Тихановский", "Сяргей Ціханоўскі", "Sergei Tikhanovsky"),
        ("Ales Bialiatski", "Алесь Бяляцкі", "Алесь Беляцкий"),
        ("Maria Kalesnikava", "Мария Колесникова", "Марыя Калеснікава", "Maria Kalesnikavová"),
        ("Mikalai Statkevich", "Николай Статкевич", "Мікалай Статкевіч"),
        ("Lilia Vlasova", "Лилия Власова", "Ліля Уласава"),
        ("Pavel Navikau", "Павел Новиков", "Павел Навікаў"),
    ],
)
def test_belarusian_names_share_a_key_in_every_romanisation(spellings: tuple[str, ...]) -> None:
    assert len({person_key(name) for name in spellings}) == 1
