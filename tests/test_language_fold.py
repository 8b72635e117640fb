"""Unit tests of monitor.language (folding, endings, given names) and of the matcher's text
spans (monitor.match.spans: snippets, sentence starts)."""

from __future__ import annotations

import pytest

from monitor.language import (
    ADJECTIVAL,
    NOUN_A,
    POSSESSIVE,
    Gender,
    consonants,
    fold_text,
    given_names_of,
    skeleton,
    splits,
    stems_of,
    translit,
)
from monitor.match.spans import NAME_RE, snippet, starts_sentence, word_after, word_before


def stem_key(word: str) -> set[str]:
    """The skeletons of every stem a word can have as a surname."""
    return {skeleton(s.stem) for s in stems_of(translit(word))}


@pytest.mark.parametrize(
    "spellings",
    [
        ["Tsikhanouski", "Tikhanovsky", "Tsikhanovsky", "Cichanouski", "Тихановский",
         "Ціханоўскі", "Tichanowski", "Тихановський", "Tsikhanouskaya", "Тихановская"],
        ["Lukashenka", "Lukashenko", "Лукашенко", "Лукашэнка", "Łukaszenka", "Lukaschenko"],
        ["Babaryka", "Babariko", "Бабарико", "Бабарыка"],
        ["Shkliarov", "Шкляров", "Шкляроў", "Szklarow", "Shklyarov"],
        ["Vlasova", "Власова", "Уласава", "Własowa"],
    ],
)  # fmt: skip
def test_spellings_of_one_surname_share_a_stem(spellings: list[str]) -> None:
    keys = [stem_key(s) for s in spellings]
    assert set.intersection(*keys), dict(zip(spellings, keys, strict=True))


def test_different_surnames_keep_different_stems() -> None:
    assert not stem_key("Babaryka") & stem_key("Bialiatski")
    assert not stem_key("Latushka") & stem_key("Lukashenka")


def test_translit_reads_every_script_into_one_alphabet() -> None:
    assert translit("Ціханоўскага") == "cikhanowskaga"
    assert translit("Łukaszenkę") == "lukaszenke"
    assert translit("Тихано\u0301вский") == "tikhanovskij"  # a stress mark is dropped


def test_consonant_key_ignores_vowel_spelling() -> None:
    assert consonants(translit("Бяляцк")) == consonants(translit("Беляцк"))


def test_fold_text_keeps_one_character_per_character() -> None:
    text = "ŁUKASZENKA İstanbul Ёлка Ўсход women’s"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded.split() == ["lukaszenka", "istanbul", "елка", "усход", "women's"]


@pytest.mark.parametrize(
    ("word", "ending", "gender", "case"),
    [
        ("Тихановского", "ogo", Gender.MASC, "genitive"),
        ("Ціханоўскай", "aj", Gender.FEM, "oblique case"),
        ("Cichanouskiej", "iej", Gender.FEM, "oblique case"),
        ("Tsikhanouskaya", "aya", Gender.FEM, "nominative"),
    ],
)
def test_adjectival_endings_tell_gender(word: str, ending: str, gender: Gender, case: str) -> None:
    stem, found = next((s, e) for s, e in splits(translit(word)) if e == ending)
    assert skeleton(stem) == "TIXANAVSK"
    assert (ADJECTIVAL[found].gender, ADJECTIVAL[found].case) == (gender, case)


def test_surname_kinds_are_recognised() -> None:
    (tsikhanouskaya,) = stems_of("tsikhanouskaya")
    assert (tsikhanouskaya.stem, tsikhanouskaya.gender) == ("tsikhanousk", Gender.FEM)
    vlasova, *as_noun = stems_of("vlasova")  # her -ova, or a noun in -a (Ukrainian Калини)
    assert (vlasova.stem, vlasova.paradigm, vlasova.gender) == ("vlasov", POSSESSIVE, Gender.FEM)
    assert [s.paradigm for s in as_noun] == [NOUN_A]
    (kalina,) = stems_of("kalina", Gender.MASC)  # a man's Kalina declines as a noun
    assert (kalina.stem, kalina.paradigm) == ("kalin", NOUN_A)
    babaryka, alternation = stems_of("babaryka")
    assert (babaryka.stem, babaryka.paradigm, babaryka.gender) == ("babaryk", NOUN_A, None)
    assert alternation.stem == "babaryc"  # Polish dative Babaryce


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        ("Syarhey", "sergei"), ("Siarhei", "sergei"), ("Sergei", "sergei"), ("Сергея", "sergei"),
        ("Сяргею", "sergei"), ("Alyaksandr", "aleksandr"), ("Aleksander", "aleksandr"),
        ("Аляксандр", "aleksandr"), ("Віктарам", "viktor"), ("Swiatłany", "svetlana"),
    ],
)  # fmt: skip
def test_given_names_are_recognised_in_any_spelling_and_case(word: str, canonical: str) -> None:
    assert canonical in given_names_of(word)


def test_ordinary_words_are_not_given_names() -> None:
    assert given_names_of("Bank") == frozenset()
    assert given_names_of("Eduard") == {"eduard"}


def test_snippet_is_the_sentence_around_the_hit() -> None:
    text = "First sentence here. The hit is in this one! And a third."
    start = text.index("hit")
    assert snippet(text, start, start + 3) == "The hit is in this one!"


def test_starts_sentence() -> None:
    text = "Мороз держался. «Мороз» ушёл, и Мороз вернулся."
    assert starts_sentence(text, 0)
    assert starts_sentence(text, text.index("«") + 1)
    assert not starts_sentence(text, text.rindex("Мороз"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Viktar Babaryka", "Viktar"),
        ("V. Babaryka", "V"),
        ("O'Brien Babaryka", "O'Brien"),
        ("Anna. Babaryka", None),  # a sentence ends between them
        ("Viktar,  Babaryka", None),
        ("Viktar    Babaryka", None),
    ],
)
def test_word_before_finds_the_previous_word_of_the_same_name(
    text: str, expected: str | None
) -> None:
    found = word_before(text, text.index("Babaryka"))
    assert (text[found[0] : found[1]] if found else None) == expected


def test_word_after_and_capitalised_words() -> None:
    text = "Тихановский Сергей, iPhone McDonald ŁUKASZENKA’S"
    after = word_after(text, len("Тихановский"))
    assert after is not None and text[after[0] : after[1]] == "Сергей"
    assert NAME_RE.findall(text) == ["Тихановский", "Сергей", "McDonald", "ŁUKASZENKA’S"]
