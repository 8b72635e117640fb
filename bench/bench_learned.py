"""What learning from the store does to person matching, on real news no one here wrote.

In: a corpus folder holding `docs.jsonl` (one JSON document a line: `text`, `lang`, `persons`,
the rule ids of the people its annotators marked) and `watchlist.yaml` (the BSNLP-2021 dev
topics: ../shared/corpus/bsnlp-dev beside the repository, or --corpus). Out: recall and
precision per document as `../shared/checks/bsnlp-dev` scores them, first with no store (as
`monitor check` without one), then after the documents themselves were the store's articles
of the last weeks (monitor.match.tally counts them, as the daemon's daily learning does),
and the surnames that learning let stand alone. Run from the repository root:
    PYTHONPATH=. python bench/bench_learned.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
from dataclasses import replace
from pathlib import Path

from monitor.match import Matcher, Tally, compile_rules, known
from monitor.model import Article, Document
from monitor.parse.document import parse_document
from monitor.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "bsnlp-dev"


def documents(corpus: Path) -> list[tuple[dict[str, object], Article]]:
    """Each document with its article, parsed as `monitor check` parses a text file."""
    found = []
    for line in (corpus / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        body = (doc["text"] + "\n").encode("utf-8")
        found += [(doc, a) for a in parse_document(Document(location="doc.txt", body=body))]
    return found


def score(matcher: Matcher, docs: list[tuple[dict[str, object], Article]]) -> str:
    per: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for doc, article in docs:
        expected = set(doc["persons"])  # type: ignore[call-overload]
        got = {m.rule_id for m in matcher.match(article.full_text)}
        counts = per[str(doc["lang"])]
        counts[0] += len(expected & got)
        counts[1] += len(got - expected)
        counts[2] += len(expected - got)
    total = [sum(v[i] for v in per.values()) for i in range(3)]

    def rp(tp: int, fp: int, fn: int) -> str:
        return f"R={tp / max(tp + fn, 1):.3f} P={tp / max(tp + fp, 1):.3f}"

    return "; ".join(f"{k}: {rp(*v)}" for k, v in sorted(per.items())) + f"; all: {rp(*total)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--days", type=int, default=28, help="what the counts say they cover")
    args = parser.parse_args()
    rules = load_rules([args.corpus / "watchlist.yaml"])
    docs = documents(args.corpus)
    matcher = compile_rules(rules)
    print(f"{len(docs)} documents, {len(rules.people)} people")
    print("no store:     ", score(matcher, docs))
    tally = Tally(matcher, args.days)
    tally.add(article for _, article in docs)
    standings = tally.standings()
    learned = matcher.relearned(replace(rules, learned=standings))
    print("store learned:", score(learned, docs))
    alone = sorted(s.rule_id for s in standings if known(s))
    print(f"surnames that stand alone ({len(alone)} of {len(standings)} counted):",
          ", ".join(alone))  # fmt: skip


if __name__ == "__main__":
    main()
