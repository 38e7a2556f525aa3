"""The per-file facts cache: one pickle per (repository, scalelint build, settings), holding
each file's facts under the hash of its bytes. A file whose size and modification time are
unchanged is not even read again (ruff's trick); otherwise its bytes are hashed and compared.

The key includes a fingerprint of scalelint's own source files, so an upgraded or edited
scalelint never serves facts an older extractor produced. Any problem with the cache
(unwritable, corrupt) means "no cache", never an error."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scalelint import __version__
from scalelint.facts import FileFacts


def default_cache_dir() -> Path:
    explicit = os.environ.get("SCALELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scalelint"


def content_key(data: bytes, rel: str, kind: str) -> str:
    digest = hashlib.blake2b(data, digest_size=16)
    digest.update(b"\0" + rel.encode() + b"\0" + kind.encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever any module of scalelint changes (cheap: one stat per module)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(package.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


@dataclass
class Entry:
    size: int
    mtime_ns: int
    key: str
    facts: FileFacts


class FactsCache:
    def __init__(self, directory: Path | None, root: Path, fingerprint: str):
        self.entries: dict[str, Entry] = {}
        self.live: dict[str, Entry] = {}
        self.path: Path | None = None
        self.dirty = False
        if directory is None:
            return
        tag = hashlib.blake2b(f"{root.resolve()}\0{fingerprint}\0{code_fingerprint()}".encode(), digest_size=12).hexdigest()
        self.path = directory / __version__ / f"{tag}.pickle"
        try:
            with self.path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except Exception:  # noqa: BLE001 - a missing or unreadable cache is an empty one
            self.entries = {}

    def by_stat(self, rel: str, size: int, mtime_ns: int) -> FileFacts | None:
        entry = self.entries.get(rel)
        if entry is not None and entry.size == size and entry.mtime_ns == mtime_ns:
            self.live[rel] = entry
            return entry.facts
        return None

    def by_key(self, rel: str, key: str, size: int, mtime_ns: int) -> FileFacts | None:
        entry = self.entries.get(rel)
        if entry is not None and entry.key == key:
            self.live[rel] = Entry(size, mtime_ns, key, entry.facts)
            self.dirty = True  # same bytes, new timestamp: remember the new stat
            return entry.facts
        return None

    def put(self, rel: str, key: str, size: int, mtime_ns: int, facts: FileFacts) -> None:
        if any(problem.message.startswith("internal error") for problem in facts.problems):
            return  # a scalelint bug, not a property of the file: try again next run
        self.live[rel] = Entry(size, mtime_ns, key, facts)
        self.dirty = True

    def save(self) -> None:
        """Keep exactly this run's entries, so deleted files do not pile up."""
        if self.path is None or not (self.dirty or self.live.keys() != self.entries.keys()):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(self.live, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:  # noqa: BLE001 - caching is an optimisation, never a failure
            pass
