"""False alarms and recall of person matching at watch-list scale, on real news.

In: the BSNLP-2021 dev documents (../shared/corpus/bsnlp-dev beside the repository, or
--corpus) and a watch list of 1,100 Belarusian political prisoners generated from a seed
(bench/watchlist.py), none of whom those documents name. Out: false alarms per 1,000
articles over the documents, recall on generated mentions of the listed people (ru/be/uk/pl/en,
inflected, cross-script), alarms for a namesake of the person mentioned, and the rules that
raised false alarms. Run from the repository root:
    PYTHONPATH=. python bench/bench_watchlist.py [--size 1100] [--mentions 3] [--seed 9] [--learn]
With --learn the matcher first learns from the documents as a store's articles of the last
weeks (monitor.match.tally): which everyday-word surnames of the list stand alone.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.mentions_by import decline, mentions, spelled
from bench.watchlist import SEED, Listed, Mention, feminine, watchlist
from monitor.match import Matcher, Tally, compile_rules, known
from monitor.model import Article, Document, RuleSet
from monitor.parse.document import parse_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "bsnlp-dev"


@dataclass(frozen=True)
class Alarms:
    articles: int
    alarms: list[tuple[int, str]]  # (article number, rule id)

    @property
    def per_thousand(self) -> float:
        return 1000 * len(self.alarms) / max(self.articles, 1)


@dataclass(frozen=True)
class Recall:
    found: int
    total: int
    namesakes: list[tuple[Mention, str]]  # a namesake alerted too

    @property
    def rate(self) -> float:
        return self.found / max(self.total, 1)


def news(corpus: Path) -> list[str]:
    """The documents as `monitor check` reads them: parsed as plain-text article files."""
    texts = []
    for line in (corpus / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        body = (json.loads(line)["text"] + "\n").encode("utf-8")
        for article in parse_document(Document(location="doc.txt", body=body)):
            texts.append(article.full_text)
    return texts


def named_in(texts: list[str], people: list[Listed]) -> list[Listed]:
    """The listed people whose full name the news itself writes (a generated "Марыя
    Захарава" is the Russian ministry's spokeswoman): they are left out of the list, which
    must name no one in these articles. Checked by spelling, not by the matcher."""
    pairs = {f"{a} {b}" for text in texts for a, b in _PAIRS.findall(text)}
    rng = random.Random(0)
    return [
        person
        for person in people
        if any(
            _full_name(person, language, case, rng) in pairs
            for language in ("ru", "uk", "pl", "en")
            for case in range(4)
        )
    ]


_INITIAL = re.compile(r"(?:^|\s)\w\. ")  # "A. Pachobut" fits every namesake with an A.
# Every two words in a row.
_PAIRS = re.compile(r"\b(\w[\w'’-]*)(?=\s+(\w[\w'’-]*))")


def _full_name(person: Listed, language: str, case: int, rng: random.Random) -> str:
    woman = person.given[3] == "f"
    surname = spelled(feminine(person.surname) if woman else person.surname, language, rng)
    given = {"ru": person.given[1], "uk": person.given[2]}.get(language)
    given = given or spelled(person.given[0], language, rng)
    if language == "en":
        return f"{given} {surname}"
    return f"{decline(given, language, case, woman)} {decline(surname, language, case, woman)}"


def false_alarms(matcher: Matcher, texts: list[str]) -> Alarms:
    """Every (article, rule) the matcher reports: none of these articles names the list."""
    found = [(i, m.rule_id) for i, text in enumerate(texts) for m in matcher.match(text)]
    return Alarms(len(texts), found)


def recall(matcher: Matcher, people: list[Listed], said: list[Mention]) -> Recall:
    """How many mentions find their person; which also alert a namesake (same surname,
    another given name)."""
    surname = {p.rule.id: p.surname for p in people}
    found, namesakes = 0, []
    for mention in said:
        ids = {m.rule_id for m in matcher.match(mention.text)}
        found += mention.rule_id in ids
        namesakes += [
            (mention, i) for i in ids - {mention.rule_id} if surname[i] == mention.surname
        ]
    return Recall(found, len(said), namesakes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--size", type=int, default=1100)
    parser.add_argument("--mentions", type=int, default=3, help="mentions per person")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--learn", action="store_true", help="learn from the documents first")
    args = parser.parse_args()
    texts = news(args.corpus)
    people = watchlist(args.size, args.seed)
    named = named_in(texts, people)
    people = [p for p in people if p not in named]
    rules = RuleSet(people=tuple(p.rule for p in people))
    matcher = compile_rules(rules)
    if args.learn:
        tally = Tally(matcher, 28)
        tally.add(Article(title="", text=text) for text in texts)
        learned = tally.standings()
        matcher = matcher.relearned(replace(rules, learned=learned))
        print("surnames that learned to stand alone:",
              ", ".join(s.rule_id for s in learned if known(s)) or "none")  # fmt: skip
    began = time.process_time()
    alarms = false_alarms(matcher, texts)
    rate = len(texts) / (time.process_time() - began)
    said = mentions(people, args.mentions, args.seed)
    got = recall(matcher, people, said)
    women = sum(p.given[3] == "f" for p in people)
    print(
        f"{len(people)} people ({women} women), seed {args.seed}; left out, named in the news:",
        ", ".join(p.rule.name for p in named) or "none",
    )
    print(
        f"false alarms: {len(alarms.alarms)} in {alarms.articles} articles "
        f"= {alarms.per_thousand:.1f} per 1,000 ({rate:,.0f} articles/s)"
    )
    initials = sum(bool(_INITIAL.search(m.text)) for m, _ in got.namesakes)
    print(
        f"recall: {got.found}/{got.total} = {got.rate:.3f}; namesake alarms: "
        f"{len(got.namesakes) - initials} (+{initials} where only an initial is written)"
    )
    by_language = collections.Counter(m.language for m in said)
    missed = collections.Counter(
        m.language for m in said if m.rule_id not in {x.rule_id for x in matcher.match(m.text)}
    )
    print("missed by language:", {k: f"{missed[k]}/{v}" for k, v in sorted(by_language.items())})
    for i, rule in alarms.alarms[:20]:
        lines = [x for x in matcher.explain(texts[i]) if x.startswith(rule) and "; counts" in x]
        print(f"  alarm {rule} in article {i}: {lines[0] if lines else ''}")


if __name__ == "__main__":
    main()
