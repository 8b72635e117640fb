"""The compiled form of a rule set, kept on disk and shared: compiled once per version of the
rules and of this code, not once per process.

In: a RuleSet, a folder (the data folder's `compiled/`, or none) and how to build the
indexes. Out: the indexes, read from `<folder>/<key>.pickle` when a process built them for
the same rules and code before, else built and written there. The key is a SHA-256 of the
rules as loaded (names, spellings, origins) and of this code (its version and the files of
monitor.match and monitor.language), so an edit of either builds anew; a file that is
unreadable, damaged or of another format is built over, never trusted.

Every process reads the same packed form, built or loaded: a table of pickled values, each
surname key's entries and each person unpickled the first time an article needs them. A
poll's worker processes thus load in a few tenths of a second and hold only what their
articles touch (a 10,000-person list is about 10 MB packed, several times that unpacked).
Two processes building at once each write a whole file under a temporary name and rename
it into place; the last one stays, and both are the same.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import monitor
from monitor.match.people import Entry, Person, PersonIndex
from monitor.match.terms import TermIndex
from monitor.model import RuleSet

log = logging.getLogger(__name__)

FORMAT = 1  # of the file: a new layout takes a new number
KEEP = 8  # compiled forms (and rule warnings) kept in the folder
_CODE = ("match", "language")  # the packages whose files the key covers
T = TypeVar("T")
Built = tuple[PersonIndex, TermIndex]


def compiled(ruleset: RuleSet, folder: Path | None, build: Callable[[], Built]) -> Built:
    """The indexes of `ruleset`: from `folder` when it holds them, else built (and kept
    there when it can be written)."""
    path = folder / f"{rules_key(ruleset)}.pickle" if folder is not None else None
    if path is not None and (packed := _read(path)) is not None:
        return _unpack(packed)
    packed = _pack(*build())
    if path is not None:
        _write(path, pickle.dumps(packed, pickle.HIGHEST_PROTOCOL))
    return _unpack(packed)


def remembered(folder: Path | None, name: str, make: Callable[[], T]) -> T:
    """A value made from the rules alone (the rule warnings), kept in `folder` under `name`
    (which holds `rules_key`), made again only for other rules or other code."""
    path = folder / f"{name}.pickle" if folder is not None else None
    if path is not None and (packed := _read(path)) is not None:
        return packed["value"]  # type: ignore[no-any-return]
    value = make()
    if path is not None:
        _write(path, pickle.dumps({"format": FORMAT, "value": value}, pickle.HIGHEST_PROTOCOL))
    return value


def rules_key(ruleset: RuleSet) -> str:
    """Names this version of the rules under this version of the code (what the store
    learned, applied after, is left out)."""
    digest = hashlib.sha256(code_key().encode())
    digest.update(repr((FORMAT, ruleset.people, ruleset.events)).encode())
    return digest.hexdigest()


@functools.cache
def code_key() -> str:
    """This code's version and the size and time of each file matching is built from: an
    edit of the matcher or of its word lists makes every compiled form stale."""
    root = Path(monitor.__file__).parent
    stamps = [monitor.__version__]
    for package in _CODE:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                stamps.append(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


class Lazy(Mapping[str, Sequence[T]], Generic[T]):
    """A table of pickled values, each unpickled the first time it is read."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = blobs
        self._read: dict[str, Sequence[T]] = {}

    def get(self, key: str, default: Any = None) -> Any:  # the matcher's one lookup
        found = self._read.get(key)
        if found is None:
            blob = self._blobs.get(key)
            if blob is None:
                return default
            found = self._read[key] = pickle.loads(blob)
        return found

    def __getitem__(self, key: str) -> Sequence[T]:
        found: Sequence[T] | None = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


class LazyPeople(Sequence[Person]):
    """The compiled people, each unpickled the first time an article names its surname."""

    def __init__(self, blobs: list[bytes]) -> None:
        self._blobs = blobs
        self._read: dict[int, Person] = {}

    def __getitem__(self, number: int) -> Person:  # type: ignore[override]
        found = self._read.get(number)
        if found is None:
            found = self._read[number] = pickle.loads(self._blobs[number])
        return found

    def __len__(self) -> int:
        return len(self._blobs)


def _pack(people: PersonIndex, terms: TermIndex) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "people": [pickle.dumps(p, pickle.HIGHEST_PROTOCOL) for p in people.people],
        "entries": {k: pickle.dumps(v, pickle.HIGHEST_PROTOCOL) for k, v in people.entries.items()},
        "loose": {k: pickle.dumps(v, pickle.HIGHEST_PROTOCOL) for k, v in people.loose.items()},
        "terms": terms,
    }


def _unpack(packed: dict[str, Any]) -> Built:
    index = PersonIndex(
        LazyPeople(packed["people"]),
        Lazy[Entry](packed["entries"]),
        Lazy[Entry](packed["loose"]),
    )
    return index, packed["terms"]


def _read(path: Path) -> dict[str, Any] | None:
    """The packed form in the file if it is whole and of this format, else None."""
    try:
        packed = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception as exc:  # damaged, truncated, another version's classes: build anew
        log.warning("compiled rules %s cannot be read (%s); compiling them again", path, exc)
        return None
    if not isinstance(packed, dict) or packed.get("format") != FORMAT:
        log.warning("compiled rules %s are of another format; compiling them again", path)
        return None
    return packed


_writing = threading.Lock()


def _write(path: Path, blob: bytes) -> None:
    """Write under a temporary name, then rename: a reader sees the old file or the whole
    new one. A folder that cannot be written costs only the time to compile next time."""
    with _writing:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(blob)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            _prune(path.parent, path)
        except OSError as exc:
            log.warning("cannot keep the compiled rules in %s: %s", path.parent, exc)


def _prune(folder: Path, kept: Path) -> None:
    """Keep the KEEP newest compiled forms (a rule set edited back, `monitor check` with
    other rules): older ones go, and temporary files a crash left behind an hour ago."""
    stamped = []
    for path in [*folder.glob("*.pickle"), *folder.glob(".*.pickle.*")]:
        with contextlib.suppress(OSError):  # another process may remove it meanwhile
            stamped.append((path.stat().st_mtime, path))
    forms = sorted((s for s in stamped if not s[1].name.startswith(".")), reverse=True)
    old = [p for _, p in forms if p != kept][KEEP - 1 :]
    old += [p for t, p in stamped if p.name.startswith(".") and time.time() - t > 3600]
    for path in old:
        with contextlib.suppress(OSError):
            path.unlink()
