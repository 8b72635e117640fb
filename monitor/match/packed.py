"""The compiled form of a rule set, kept on disk and shared: compiled once per version of the
rules and of this code, not once per process.

In: a RuleSet, a folder (the data folder's `compiled/`, or none) and how to build the
indexes. Out: the indexes, read from `<folder>/<key>.rules` when a process compiled the same
rules with the same code before, else built and written there. The key is a SHA-256 of the
rules as loaded (names, spellings, origins) and of this code (its version and the files of
monitor.match and monitor.language), so an edit of either compiles anew; a file that is
unreadable, damaged or of another format is compiled over, never trusted.

The file is MAGIC, a header (where each value is) and a body of pickled values: each
surname key's entries and each person. It is mapped read-only, so its pages are the page
cache's, shared by every process that maps it, and a value is unpickled the first time an
article needs it: a poll's worker processes open a 10,000-person list in a few hundredths
of a second and hold only what their articles touch. Two processes compiling at once each
write a whole file under a temporary name and rename it into place; both are the same.
The rule warnings (monitor.match.lint) and the rule files as loaded (monitor.rules.files)
are kept beside it, one pickle per version.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import mmap
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeAlias, TypeVar

import monitor
from monitor.match.people import Entry, Person, PersonIndex
from monitor.match.terms import TermIndex
from monitor.model import RuleSet

log = logging.getLogger(__name__)

FORMAT = 2  # of the file: a new layout takes a new number
MAGIC = b"monitor\x02"  # the first bytes of a compiled rule set
SUFFIX = ".rules"  # of a compiled rule set; rule warnings are kept in .pickle files
KEEP = 12  # compiled forms, rule warnings and loaded rule files kept in the folder
_CODE = ("match", "language", "rules", "model.py")  # the code whose files the key covers
T = TypeVar("T")
Built = tuple[PersonIndex, TermIndex]
Buffer: TypeAlias = "bytes | _Window"  # a body: in memory, or a window on a mapped file
Packed = tuple[dict[str, Any], Buffer]


def compiled(ruleset: RuleSet, folder: Path | None, build: Callable[[], Built]) -> Built:
    """The indexes of `ruleset`: from `folder` when it holds them, else built here (and
    kept there when it can be written; `ensure_kept` compiles apart)."""
    path = _form(ruleset, folder) if folder is not None else None
    if path is not None and (packed := _mapped(path)) is not None:
        return _unpack(packed)
    built = _pack(*build())
    if path is not None:
        _write(path, _file(built))
        if (packed := _mapped(path)) is not None:
            return _unpack(packed)  # the mapped file, not a copy in this process's memory
    return _unpack(built)


def ensure_kept(
    ruleset: RuleSet,
    folder: Path,
    build: Callable[[], Built],
    apart: Callable[[RuleSet, Path], None] | None = None,
) -> None:
    """Make sure `folder` holds a compiled form of `ruleset` (by `apart`, else built here),
    without reading it: for other processes to read."""
    if is_kept(ruleset, folder):
        return
    if apart is not None:
        apart(ruleset, folder)
    if not is_kept(ruleset, folder):
        keep(ruleset, folder, build())


def keep(ruleset: RuleSet, folder: Path, built: Built) -> None:
    """Keep indexes built for `ruleset` in `folder` (a child process compiling apart)."""
    _write(_form(ruleset, folder), _file(_pack(*built)))


def is_kept(ruleset: RuleSet, folder: Path | None) -> bool:
    """Whether `folder` holds a compiled form of `ruleset` (whole or not: reading tells)."""
    return folder is not None and _form(ruleset, folder).is_file()


def _form(ruleset: RuleSet, folder: Path) -> Path:
    return folder / f"{rules_key(ruleset)}{SUFFIX}"


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
        for path in sorted((root / package).rglob("*")) or [root / package]:
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                stamps.append(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


Span = tuple[int, int]  # offset and length of one pickled value in the body


class Lazy(Mapping[str, Sequence[T]], Generic[T]):
    """A table of pickled values in a body (the mapped file), each unpickled the first
    time it is read."""

    def __init__(self, body: Buffer, spans: dict[str, Span]) -> None:
        self._body, self._spans = body, spans
        self._read: dict[str, Sequence[T]] = {}

    def get(self, key: str, default: Any = None) -> Any:  # the matcher's one lookup
        found = self._read.get(key)
        if found is None:
            span = self._spans.get(key)
            if span is None:
                return default
            found = self._read[key] = pickle.loads(self._body[span[0] : span[0] + span[1]])
        return found

    def __getitem__(self, key: str) -> Sequence[T]:
        found: Sequence[T] | None = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


class LazyPeople(Sequence[Person]):
    """The compiled people, each unpickled the first time an article names its surname."""

    def __init__(self, body: Buffer, spans: list[Span]) -> None:
        self._body, self._spans = body, spans
        self._read: dict[int, Person] = {}

    def __getitem__(self, number: int) -> Person:  # type: ignore[override]
        found = self._read.get(number)
        if found is None:
            start, size = self._spans[number]
            found = self._read[number] = pickle.loads(self._body[start : start + size])
        return found

    def __len__(self) -> int:
        return len(self._spans)


class _Body:
    """Pickled values laid end to end, and where each is."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, value: object) -> Span:
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self.parts.append(blob)
        self.size += len(blob)
        return self.size - len(blob), len(blob)


def _pack(people: PersonIndex, terms: TermIndex) -> tuple[dict[str, Any], bytes]:
    body = _Body()
    header = {
        "format": FORMAT,
        "people": [body.add(p) for p in people.people],
        "entries": {k: body.add(v) for k, v in people.entries.items()},
        "loose": {k: body.add(v) for k, v in people.loose.items()},
        "terms": terms,
        "size": body.size,
    }
    return header, b"".join(body.parts)


def _unpack(packed: Packed) -> Built:
    header, body = packed
    index = PersonIndex(
        LazyPeople(body, header["people"]),
        Lazy[Entry](body, header["entries"]),
        Lazy[Entry](body, header["loose"]),
    )
    return index, header["terms"]


def _file(packed: tuple[dict[str, Any], bytes]) -> bytes:
    """MAGIC, the header's length (8 bytes), the header, the body."""
    header = pickle.dumps(packed[0], pickle.HIGHEST_PROTOCOL)
    return b"".join((MAGIC, len(header).to_bytes(8, "little"), header, packed[1]))


def _mapped(path: Path) -> Packed | None:
    """The compiled form in the file, its body mapped read-only (the pages are the page
    cache's, shared by every process that maps it), or None when the file is missing,
    damaged or of another format (then it is compiled again)."""
    try:
        with path.open("rb") as file:
            body = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
        log.warning("compiled rules %s cannot be read (%s); compiling them again", path, exc)
        return None
    try:
        if body[: len(MAGIC)] != MAGIC:
            raise ValueError("not a compiled rule set of this format")
        start = len(MAGIC) + 8
        end = start + int.from_bytes(body[len(MAGIC) : start], "little")
        header = pickle.loads(body[start:end])
        if header.get("format") != FORMAT or header.get("size") != len(body) - end:
            raise ValueError("of another format, or cut short")
    except Exception as exc:  # damaged, truncated, another version's classes: build anew
        log.warning("compiled rules %s cannot be read (%s); compiling them again", path, exc)
        return None
    return header, _Window(body, end)


class _Window:
    """The body of a mapped file: slices are taken from `offset` on."""

    def __init__(self, mapped: mmap.mmap, offset: int) -> None:
        self._mapped, self._offset = mapped, offset

    def __getitem__(self, span: slice) -> bytes:
        return self._mapped[self._offset + span.start : self._offset + span.stop]


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
    for path in [*folder.glob("*.pickle"), *folder.glob(f"*{SUFFIX}"), *folder.glob(".*.*.*")]:
        with contextlib.suppress(OSError):  # another process may remove it meanwhile
            stamped.append((path.stat().st_mtime, path))
    forms = sorted((s for s in stamped if not s[1].name.startswith(".")), reverse=True)
    old = [p for _, p in forms if p != kept][KEEP - 1 :]
    old += [p for t, p in stamped if p.name.startswith(".") and time.time() - t > 3600]
    for path in old:
        with contextlib.suppress(OSError):
            path.unlink()
