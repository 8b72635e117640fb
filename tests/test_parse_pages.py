"""Article text from real pages no one here wrote: the dev pages of the public
article-extraction benchmark (articles-dev in ../shared/corpus beside the repository),
scored as bench/bench_extract.py scores them, at the bars of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_extract import measure, monitor_text

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "articles-dev"


def test_page_text_is_as_good_as_the_best_library() -> None:
    if not (CORPUS / "truth.json").exists():
        pytest.skip(f"the article-extraction pages are not at {CORPUS}")
    f1, _, recall = measure(CORPUS, monitor_text)
    assert f1 >= 0.96 and recall >= 0.98
