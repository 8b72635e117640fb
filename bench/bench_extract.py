"""How much of an article's text monitor takes from real pages, beside trafilatura alone.

In: pages of the public article-extraction benchmark with hand-marked article text
(../shared/corpus/articles-dev beside the repository, or --corpus: pages/<id>.html.gz and
truth.json with each page's "articleBody"). Out: per-page precision and recall of 4-word
shingles of the text (each page weighs the same), averaged, and the F1 of the averages, for
monitor (each page read as `monitor extract` reads a file) and for trafilatura's own output.
Run from the repository root:
    PYTHONPATH=. python bench/bench_extract.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import statistics
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles-dev"
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> collections.Counter[tuple[str, ...]]:
    words = _WORD.findall(text)
    return collections.Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def page_score(truth: str, found: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where undefined (nothing found, nothing true)."""
    want, got = shingles(truth), shingles(found)
    common = sum((want & got).values())
    precision = common / sum(got.values()) if got else None
    recall = common / sum(want.values()) if want else None
    return precision, recall


def measure(corpus: Path, extract: Callable[[str, bytes], str]) -> tuple[float, float, float]:
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    scores = []
    for page, record in truth.items():
        body = gzip.decompress((corpus / "pages" / f"{page}.html.gz").read_bytes())
        scores.append(page_score(record["articleBody"], extract(page, body)))
    precision = statistics.mean([p for p, _ in scores if p is not None] or [0.0])
    recall = statistics.mean([r for _, r in scores if r is not None] or [0.0])
    return 2 * precision * recall / (precision + recall), precision, recall


def monitor_text(page: str, body: bytes) -> str:
    from monitor.model import Document
    from monitor.parse import parse_document

    return "\n".join(a.text for a in parse_document(Document(f"{page}.html", body)))


def trafilatura_text(page: str, body: bytes) -> str:
    import trafilatura

    return trafilatura.extract(body.decode("utf-8", "replace")) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    for name, extract in (("monitor", monitor_text), ("trafilatura", trafilatura_text)):
        f1, precision, recall = measure(args.corpus, extract)
        print(f"{name}: F1 {f1:.3f} precision {precision:.3f} recall {recall:.3f}")


if __name__ == "__main__":
    main()
