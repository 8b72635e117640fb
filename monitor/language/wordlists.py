"""wordfreq's word lists, held compactly: how common a word is, and a language's top words.

In: a wordfreq language code and a lower-case word. Out: its Zipf value from the "small" list
(every word at or above Zipf 3), or 0.0; the language's most frequent words in order. Each list
is read once from the data files wordfreq installs (its documented "cBpack" format) and kept as
sorted 64-bit hashes beside two bytes per word: about 4 MB for nine languages, where wordfreq's
own dicts take 100 MB and importing it (regex, ftfy, langcodes) another 16 MB.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import msgpack

_BITS = 10  # centibel buckets run 0-600
_MASK = (1 << _BITS) - 1


@dataclass(frozen=True)
class WordList:
    hashes: array[int]  # sorted hashes (Python's, this process) of every word of the list
    centibels: array[int]  # beside each hash: the word's frequency, -centibels (Zipf 9 - cB/100)

    def zipf(self, word: str) -> float:
        key = hash(word)
        at = bisect_left(self.hashes, key)
        if at < len(self.hashes) and self.hashes[at] == key:
            return round(9 - self.centibels[at] / 100, 2)
        return 0.0


def top_words(language: str, count: int) -> tuple[str, ...]:
    """The `count` most frequent words of `language`, most frequent first (read anew)."""
    buckets = _read_cbpack(_data_dir() / f"small_{language}.msgpack.gz")
    return tuple(word for words in buckets for word in words)[:count]


@functools.cache
def word_list(language: str) -> WordList:
    """The small list of `language` (a wordfreq code with such a list)."""
    buckets = _read_cbpack(_data_dir() / f"small_{language}.msgpack.gz")
    # Python's string hash is fixed for the life of a process, which is all a table needs;
    # hash and bucket travel as one number so that one sort orders both.
    packed = sorted(
        (hash(word) << _BITS) | cb for cb, words in enumerate(buckets) for word in words
    )
    hashes = array("q", (p >> _BITS for p in packed))
    centibels = array("H", (p & _MASK for p in packed))
    return WordList(hashes, centibels)


def _data_dir() -> Path:
    """wordfreq's data folder, found without importing the package."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed (pip install 'wordfreq>=3.1')")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_cbpack(path: Path) -> list[list[str]]:
    """A cBpack file: a header, then one list of words per centibel of frequency."""
    with gzip.open(path, "rb") as stream:
        header, *buckets = msgpack.load(stream, raw=False)
    if header != {"format": "cB", "version": 1}:
        raise ValueError(f"{path}: not a wordfreq cBpack file (header {header!r})")
    return list(buckets)
