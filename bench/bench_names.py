"""How well `monitor names` finds people named in full, on real news no one here wrote.

In: the BSNLP-2021 dev documents and their annotated person mentions (../shared/corpus/
bsnlp-dev beside the repository, or --corpus: docs.jsonl with id, lang, text; mentions.jsonl
with each document's person mentions: form as written, base form, cross-lingual person id).
Each document is read as `monitor names` reads a plain-text file.
Out: for the mentions of two or more words (full names), recognition precision and recall,
the share of right names whose nominative equals the base form, and the pairwise precision,
recall and F1 of the person keys against the person ids, over all documents and languages;
then the same per language, and the most frequent misses and false finds.

A found name is right when the document has a mention written the same way (quotes,
apostrophes and spacing unified, case ignored); recall is over each document's distinct
full-name forms. Run from the repository root:
    PYTHONPATH=. python bench/bench_names.py [--corpus DIR] [--by-language]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.discover import FoundName, find_names
from monitor.model import Document
from monitor.parse.document import parse_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "bsnlp-dev"
_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u0060\u00b4]")
_QUOTES = re.compile('[\u00ab\u00bb\u201c\u201d\u201e"]')


def same(text: str) -> str:
    """A form as compared: one apostrophe, no quotes, single spaces, no edge punctuation."""
    text = _APOSTROPHES.sub("'", unicodedata.normalize("NFC", text))
    text = re.sub(r"\s+", " ", _QUOTES.sub("", text))
    return text.strip(" .,;:!?()[]-").casefold()


def full(form: str) -> bool:
    return len(form.split()) >= 2 and "(" not in form


@dataclass
class Score:
    right: int = 0  # found, and the document has this mention
    wrong: int = 0  # found, and the document has no such mention
    wanted: int = 0  # full-name forms the documents have
    missed: int = 0
    nominative: int = 0  # of the right ones, the base form given
    keys: collections.Counter[str] = field(default_factory=collections.Counter)
    people: collections.Counter[str] = field(default_factory=collections.Counter)
    both: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    misses: collections.Counter[str] = field(default_factory=collections.Counter)
    wrongs: collections.Counter[str] = field(default_factory=collections.Counter)

    def add(self, mentions: list[dict[str, str]], found: tuple[FoundName, ...]) -> None:
        forms = {same(m["form"]): m for m in mentions}
        wanted = {f for f, m in forms.items() if full(m["form"])}
        names = {same(n.text): n for n in found if full(n.text)}
        for form, name in names.items():
            mention = forms.get(form)
            if mention is None:
                self.wrong += 1
                self.wrongs[name.text] += 1
                continue
            self.right += form in wanted
            self.nominative += same(name.name) == same(mention["lemma"])
            self.keys[name.key] += 1
            self.people[mention["id"]] += 1
            self.both[(name.key, mention["id"])] += 1
        self.wanted += len(wanted)
        for form in wanted - set(names):
            self.missed += 1
            self.misses[forms[form]["form"]] += 1

    def line(self) -> str:
        matched = sum(self.both.values())
        precision = matched / max(matched + self.wrong, 1)
        recall = self.right / max(self.wanted, 1)
        pairs = [sum(n * (n - 1) // 2 for n in c.values()) for c in (self.keys, self.people,
                                                                     self.both)]  # fmt: skip
        gp, gr = pairs[2] / max(pairs[0], 1), pairs[2] / max(pairs[1], 1)
        f1 = 2 * gp * gr / max(gp + gr, 1e-9)
        return (f"precision {precision:.3f} recall {recall:.3f} nominative "
                f"{self.nominative / max(matched, 1):.3f} grouping P {gp:.3f} R {gr:.3f} "
                f"F1 {f1:.3f}")  # fmt: skip


def names_in(text: str) -> tuple[FoundName, ...]:
    """The names of a document read as `monitor names` reads a plain-text file."""
    body = (text + "\n").encode("utf-8")
    found: list[FoundName] = []
    for article in parse_document(Document(location="doc.txt", body=body)):
        found.extend(find_names(article.full_text, article.language))
    return tuple(found)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def measure(corpus: Path) -> tuple[Score, dict[str, Score], float]:
    docs = read_jsonl(corpus / "docs.jsonl")
    gold = {record["id"]: record["mentions"] for record in read_jsonl(corpus / "mentions.jsonl")}
    total, by_language = Score(), collections.defaultdict(Score)
    started = time.perf_counter()
    for doc in docs:
        found = names_in(doc["text"])
        total.add(gold.get(doc["id"], []), found)
        by_language[doc["lang"]].add(gold.get(doc["id"], []), found)
    return total, dict(by_language), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--by-language", action="store_true")
    args = parser.parse_args()
    total, by_language, seconds = measure(args.corpus)
    print(f"{len(read_jsonl(args.corpus / 'docs.jsonl'))} documents, {seconds:.1f} s")
    print("all:", total.line())
    if args.by_language:
        for language, score in sorted(by_language.items()):
            print(f"{language}:", score.line())
    print("often missed:", ", ".join(f"{k} {v}" for k, v in total.misses.most_common(10)))
    print("often wrong:", ", ".join(f"{k} {v}" for k, v in total.wrongs.most_common(10)))


if __name__ == "__main__":
    main()
