"""Precision and recall at watch-list scale: a generated list of 1,100 Belarusian political
prisoners against real news that names none of them, and against mentions of them.

The list and the mentions come from bench/watchlist.py and bench/mentions_by.py (seeded); the
news is the BSNLP-2021 dev corpus in ../shared/corpus/bsnlp-dev beside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.bench_watchlist import false_alarms, named_in, news, recall
from bench.mentions_by import LANGUAGES, mentions
from bench.watchlist import SEED, Listed, watchlist
from monitor.match import Matcher, compile_rules
from monitor.model import RuleSet

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "bsnlp-dev"
MAX_FALSE_ALARMS = 5.0  # per 1,000 articles
MIN_RECALL = 0.98
_INITIAL = re.compile(r"(?:^|\s)\w\. ")


@pytest.fixture(scope="module")
def people() -> list[Listed]:
    return watchlist(1100, SEED)


@pytest.fixture(scope="module")
def matcher(people: list[Listed]) -> Matcher:
    return compile_rules(RuleSet(people=tuple(p.rule for p in people)))


def test_the_generated_list_is_like_a_monitors(people: list[Listed]) -> None:
    women = sum(p.given[3] == "f" for p in people) / len(people)
    assert len({p.rule.name for p in people}) == 1100
    assert 0.15 <= women <= 0.25


@pytest.mark.slow
def test_few_false_alarms_on_news_that_names_no_one_listed(people: list[Listed]) -> None:
    if not (CORPUS / "docs.jsonl").exists():
        pytest.skip(f"the BSNLP dev corpus is not at {CORPUS}")
    texts = news(CORPUS)
    named = named_in(texts, people)
    unnamed = [p for p in people if p not in named]
    matcher = compile_rules(RuleSet(people=tuple(p.rule for p in unnamed)))
    alarms = false_alarms(matcher, texts)
    assert alarms.articles > 2000 and len(unnamed) > 1000
    assert alarms.per_thousand <= MAX_FALSE_ALARMS, alarms.alarms


def test_inflected_and_cross_script_mentions_are_found(
    matcher: Matcher, people: list[Listed]
) -> None:
    said = mentions(people, per_person=2, seed=SEED + 1)
    assert {m.language for m in said} == set(LANGUAGES)
    found = recall(matcher, people, said)
    missed = [m.text for m in said if m.rule_id not in {x.rule_id for x in matcher.match(m.text)}]
    assert found.rate >= MIN_RECALL, missed[:20]


def test_a_mention_alerts_no_namesake_with_another_given_name(
    matcher: Matcher, people: list[Listed]
) -> None:
    said = mentions(people, per_person=2, seed=SEED + 2)
    namesakes = recall(matcher, people, said).namesakes
    # An initial ("A. Pachobut") fits every namesake whose given name starts with it.
    assert [(m.text, other) for m, other in namesakes if not _INITIAL.search(m.text)] == []
