"""A rule ready to paste for a candidate, and the candidates the rules in force leave.

In: `Candidate`s from the store and a test of whether the rules name a text. Out: `unlisted`
(those no rule names now: a candidate added to a rule file stops being one) and `rule_entry`
(a YAML rule entry: the name, and the other spellings seen as `aka`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from monitor.model import Candidate


def unlisted(
    candidates: Sequence[Candidate], listed: Callable[[str], bool], limit: int | None = None
) -> list[Candidate]:
    """The candidates whose name and spellings no rule in force matches (the first `limit`
    of them: the rest are not asked about)."""
    kept = (c for c in candidates if not any(listed(v) for v in (c.name, *c.variants)))
    return list(itertools.islice(kept, limit))


def rule_entry(candidate: Candidate) -> str:
    """'- id: ihar-karnei\\n  name: Ihar Karnei\\n  aka: [Игорь Карней]\\n ...' (a list item
    for the `people:` section of a rule file)."""
    entry: dict[str, Any] = {"id": _slug(candidate.name), "name": candidate.name}
    aka = [n for n in candidate.names if n != candidate.name]
    if aka:
        entry["aka"] = aka
    entry["tags"] = ["candidate"]
    text: str = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000)
    return text


def _slug(name: str) -> str:
    return re.sub(r"[\W_]+", "-", name.casefold()).strip("-") or "person"
