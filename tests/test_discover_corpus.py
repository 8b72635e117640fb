"""Full names on real news no one here wrote: the BSNLP-2021 dev documents (bsnlp-dev in
../shared/corpus beside the repository) scored as bench/bench_names.py scores them, at the
bars of docs/discovery.md. A change that loses names, nominatives or keys fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_names import measure

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "bsnlp-dev"


def test_full_names_are_found_named_and_grouped_on_real_news() -> None:
    if not (CORPUS / "docs.jsonl").exists():
        pytest.skip(f"the BSNLP dev corpus is not at {CORPUS}")
    score, by_language, _ = measure(CORPUS)
    matched = sum(score.both.values())
    assert matched / (matched + score.wrong) >= 0.95  # precision
    assert score.right / score.wanted >= 0.90  # recall
    assert score.nominative / matched >= 0.90
    line = score.line()
    assert float(line.split("F1 ")[1]) >= 0.90, line
    # every language of the corpus carries its share: none far below the rest
    for language, part in by_language.items():
        found = sum(part.both.values())
        assert part.right / part.wanted >= 0.80, (language, part.line())
        assert found / (found + part.wrong) >= 0.93, (language, part.line())
