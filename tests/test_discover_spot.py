"""monitor.discover.spot: people beside an arrest or a trial, whom no rule names."""

from __future__ import annotations

from pathlib import Path

from monitor.discover import discover_words, on_list, spot
from monitor.match import compile_rules
from monitor.model import Article, EventRule, PersonRule, RuleSet
from monitor.rules import load_rules

DETAINED = "Belarusian KGB officers detained Ihar Karnei, a freelance journalist, in Minsk."


def article(text: str, title: str = "News") -> Article:
    return Article(title=title, text=text, source="Test")


def nobody(text: str) -> bool:
    return False


def test_a_person_beside_an_arrest_is_a_candidate_with_the_sentence() -> None:
    [seen] = spot(article(DETAINED), nobody)
    assert seen.name == "Ihar Karnei"
    assert seen.variants == ("Ihar Karnei",)
    assert seen.sentence == DETAINED


def test_each_language_has_words_of_arrest_and_trial() -> None:
    texts = {
        "ru": "Суд приговорил Игоря Карнея к трём годам колонии.",
        "be": "Супрацоўнікі КДБ затрымалі Ігара Карнея ў Мінску.",
        "uk": "Суд засудив Ігоря Карнея до трьох років.",
        "pl": "Policja zatrzymała Igora Karneja w Mińsku.",
        "cs": "Policie zadržela Igora Karneje v Minsku.",
        "sk": "Polícia zadržala Igora Karneja v Minsku.",
        "sl": "Policija je pridržala Igorja Karneja v Minsku.",
        "bg": "Полицията задържа Игор Карней в Минск.",
        "de": "Der Journalist Igor Karnei wurde in Minsk festgenommen.",
    }
    missing = [lang for lang, text in texts.items() if not spot(article(text), nobody)]
    assert missing == []


def test_no_word_of_arrest_or_trial_no_candidate() -> None:
    text = "Striker Ivan Petrov scored twice as Dinamo Minsk beat Shakhtyor 3-1 on Sunday."
    assert spot(article(text), nobody) == ()


def test_the_word_must_be_near_the_name_not_in_another_paragraph() -> None:
    text = (
        "Police detained three people on Monday.\n\n"
        + "Other news. " * 5
        + ("Striker Ivan Petrov scored twice on Sunday.")
    )
    assert spot(article(text), nobody) == ()


def test_an_event_rule_with_discover_adds_its_words() -> None:
    text = "Striker Ivan Petrov was deported from Lithuania on Sunday."
    rules = RuleSet(events=(EventRule("dep", "Deportations", any=("deported",), discover=True),))
    assert spot(article(text), nobody) == ()
    [seen] = spot(article(text), nobody, discover_words(rules))
    assert seen.name == "Ivan Petrov"
    silent = RuleSet(events=(EventRule("dep", "Deportations", any=("deported",)),))
    assert discover_words(silent) == ()


def test_someone_on_the_list_is_no_candidate_but_a_namesake_is() -> None:
    listed = on_list(compile_rules(RuleSet(people=(PersonRule("k", "Ihar Karnei"),))))
    assert spot(article(DETAINED), listed) == ()
    namesake = DETAINED.replace("Ihar", "Pavel")
    [seen] = spot(article(namesake), listed)
    assert seen.name == "Pavel Karnei"


def test_the_matcher_finds_the_listed_person_in_any_case_form() -> None:
    listed = on_list(compile_rules(RuleSet(people=(PersonRule("k", "Ihar Karnei"),))))
    text = "Сотрудники КГБ задержали журналиста Игоря Карнея в Минске."
    assert spot(article(text), listed) == ()


def test_discover_is_a_rule_file_key(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "events:\n  - name: Deportations\n    any: [deported]\n    discover: true\n",
        encoding="utf-8",
    )
    rules = load_rules([path])
    assert rules.events[0].discover is True
