"""Benchmark of monitor.match: articles per second against 100 / 1,000 / 10,000 people.

In: nothing (rules and ~4 KB articles are generated from a fixed seed). Out: a Markdown
table on stdout, beside a one-regex-per-rule baseline measured in the same run. "cold" is
the first pass over the articles (empty word cache), "warm" the best of three more passes.
Run from the repository root:
    PYTHONPATH=. python bench/bench_match.py [--articles 2000] [--baseline-sample 20]
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import time
from collections.abc import Callable

from monitor.match import compile_rules
from monitor.model import EventRule, PersonRule, RuleSet

SEED = 20260
ARTICLE_BYTES = 4096
_LATIN_SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]
_CYRILLIC_SYLLABLES = [c + v for c in "бвгдклмнпрстз" for v in "аеиоуы"]
# Event terms use clusters the filler words never contain, as "protest" or "шэсце" are
# rarer in news than function words; they occur where the generator inserts them.
_TERM_SYLLABLES = [c + v for c in ("str", "pl", "kr", "gw", "shp") for v in "aeiou"]
_GIVEN = ["Ivan", "Aleh", "Pavel", "Yury", "Dzmitry", "Mikhail", "Ales", "Raman"]
_TAILS = ["enka", "ovich", "ski", "ov", "yonak", "uk", "evich", "inski", "ayeu", "ets"]
_REAL = [
    "Сергея Тихановского",
    "Святлана Ціханоўская",
    "Lukashenka's",
    "Łukaszenki",
    "Babarykę",
]


def people(count: int, rng: random.Random) -> tuple[PersonRule, ...]:
    """Distinct made-up names: a given name and a surname of 3-5 syllables and a tail."""
    seen: set[str] = set()
    out: list[PersonRule] = []
    while len(out) < count:
        stem = "".join(rng.choices(_LATIN_SYLLABLES, k=rng.randint(2, 4))).capitalize()
        surname = stem + rng.choice(_TAILS)
        if surname not in seen:
            seen.add(surname)
            out.append(PersonRule(f"p{len(out)}", f"{rng.choice(_GIVEN)} {surname}"))
    return tuple(out)


def events(count: int, rng: random.Random) -> tuple[EventRule, ...]:
    def term() -> str:
        word = "".join(rng.choices(_TERM_SYLLABLES, k=rng.randint(2, 3)))
        return word + "*" if rng.random() < 0.5 else word

    return tuple(
        EventRule(
            f"e{n}",
            f"Event {n}",
            any=tuple(term() for _ in range(5)),
            near=tuple(term() for _ in range(3)),
            exclude=(term(),),
        )
        for n in range(count)
    )


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = {
        "".join(rng.choices(syllables, k=rng.randint(1, 4)))
        for syllables in (_LATIN_SYLLABLES, _CYRILLIC_SYLLABLES)
        for _ in range(size // 2)
    }
    return sorted(words)


def articles(count: int, rules: RuleSet, rng: random.Random) -> list[str]:
    """~4 KB texts: Zipf-distributed words, some rule names and terms mixed in."""
    vocab = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    names = [p.name for p in rules.people[:200]] + _REAL
    terms = [t.replace("*", "s") for e in rules.events[:50] for t in e.any + e.near]
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < ARTICLE_BYTES:
            sentence = rng.choices(vocab, weights=weights, k=rng.randint(8, 20))
            if rng.random() < 0.1:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(names))
            if rng.random() < 0.1:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(terms))
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            parts.append(" ".join(sentence) + ".")
        out.append(" ".join(parts))
    return out


def baseline(rules: RuleSet) -> Callable[[str], list[str]]:
    """One compiled regex per rule (its name variants), each run over the article."""
    compiled: list[tuple[str, re.Pattern[str]]] = []
    for person in rules.people:
        variants = [person.name, *person.aka, person.name.split()[-1][:-1] + r"\w*"]
        compiled.append((person.id, re.compile(r"\b(?:" + "|".join(variants) + r")\b", re.I)))
    for event in rules.events:
        words = [re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else "") for t in event.any]
        compiled.append((event.id, re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I)))
    return lambda text: [rule_id for rule_id, rx in compiled if rx.search(text)]


def rate(run: Callable[[str], object], texts: list[str]) -> float:
    """Articles per CPU second of this process (steadier than wall time on a busy host)."""
    began = time.process_time()
    for text in texts:
        run(text)
    return len(texts) / (time.process_time() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--baseline-sample", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(SEED)
    all_people, all_events = people(10_000, rng), events(200, rng)
    print(f"python {platform.python_version()} on {platform.machine()}, one core\n")
    print("| people | events | compile s | cold art/s | warm art/s | baseline art/s | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (100, 1_000, 10_000):
        rules = RuleSet(people=all_people[:size], events=all_events)
        texts = articles(args.articles, rules, random.Random(SEED + size))
        began = time.process_time()
        matcher = compile_rules(rules)
        matcher.ready()  # built now, not in the first article's time
        compile_s = time.process_time() - began
        cold = rate(matcher.match, texts)
        warm = max(rate(matcher.match, texts) for _ in range(3))  # best of 3: a busy host
        slow = rate(baseline(rules), texts[: args.baseline_sample])
        print(
            f"| {size:,} | {len(all_events)} | {compile_s:.2f} | {cold:,.0f} | {warm:,.0f} "
            f"| {slow:,.1f} | {warm / slow:,.0f}x |"
        )


if __name__ == "__main__":
    main()
