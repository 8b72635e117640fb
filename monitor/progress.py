"""Progress bars for long work done at a terminal: a total and a label in, a function to
report progress with out. Quiet (a no-op) when stderr is not a terminal: logs, pipes and
the daemon under a service manager get no control characters.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Advance = Callable[[int], object]


@contextmanager
def progress(total: int, label: str, *, unit: str = "item") -> Iterator[Advance]:
    """`with progress(1000, "re-matching", unit="article") as advance: advance(50)`."""
    if not sys.stderr.isatty() or total <= 0:
        yield lambda n: None
        return
    with tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False) as bar:
        yield bar.update
