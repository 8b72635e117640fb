"""Properties over generated input (hypothesis): the rule loader and the matcher never crash,
matching is deterministic, and adding a rule for someone else never takes a match away."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import RuleError
from monitor.match import compile_rules
from monitor.model import EventRule, PersonRule, RuleSet
from monitor.rules.files import load_rules

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
BASE = RuleSet(
    people=(
        PersonRule("babaryka", "Viktar Babaryka"),
        PersonRule("vlasova", "Lilia Vlasova", context=("court",)),
        PersonRule("tsikhanouski", "Syarhey Tsikhanouski"),
    ),
    events=(EventRule("protest", "Protest", ("protest*", "марш*"), near=("Minsk", "Мінск*")),),
)
EXTRA = PersonRule("kalesnikava", "Maryia Kalesnikava")  # shares no word with BASE
FORMS = ["Viktar Babaryka", "Бабарыкі", "Babaryka's", "Lilia Vlasova", "Лилии Власовой",
         "Сяргей Ціханоўскі", "Tsikhanouski", "Maryia Kalesnikava", "Калеснікавай",
         "protest", "протест", "marched", "Minsk", "Мінску", "court", "said", "the", "in",
         "Mr.", "Dr"]  # fmt: skip
PIECES = st.one_of(st.sampled_from(FORMS), st.text(max_size=12))
ARTICLES = st.lists(PIECES, max_size=60).map(" ".join)
SEPARATORS = st.sampled_from([" ", ". ", ", ", "\n\n", " — ", "-"])
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["people", "events", "name", "aka", "any", "near", "within", "not",
                         "tags", "priority", "context", "id", "x"]), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip


@SETTINGS
@given(st.one_of(YAML_VALUES.map(yaml.safe_dump), st.text(max_size=300)))
def test_any_rule_file_loads_or_is_a_rule_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_rules([path])
        except RuleError as exc:
            assert exc.problems and all(str(path) in problem for problem in exc.problems)


@SETTINGS
@given(ARTICLES, st.sampled_from([None, "en", "ru", "be", "uk", "pl", "de"]))
def test_matching_never_crashes_and_is_deterministic(text: str, language: str | None) -> None:
    first = compile_rules(BASE).match(text, language)
    assert compile_rules(BASE).match(text, language) == first
    for match in first:
        for evidence in match.evidence:
            assert text[evidence.start : evidence.end] == evidence.text


@SETTINGS
@given(st.lists(st.tuples(PIECES, SEPARATORS), max_size=40))
def test_a_rule_for_someone_else_never_takes_a_match_away(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + separator for piece, separator in parts)
    before = {m.rule_id for m in compile_rules(BASE).match(text)}
    more = RuleSet(people=(*BASE.people, EXTRA), events=BASE.events)
    after = {m.rule_id for m in compile_rules(more).match(text)}
    assert before <= after
