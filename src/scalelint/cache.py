"""The per-file facts cache: one pickle per (repository, scalelint version, settings), holding
each file's facts under the hash of its bytes. Lives in the user's cache directory; any
problem with it (unwritable, corrupt, another version) means "no cache", never an error."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
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


class FactsCache:
    def __init__(self, directory: Path | None, root: Path, fingerprint: str):
        self.entries: dict[str, FileFacts] = {}
        self.path: Path | None = None
        self._dirty = False
        if directory is None:
            return
        tag = hashlib.blake2b(f"{root.resolve()}\0{fingerprint}".encode(), digest_size=12).hexdigest()
        self.path = directory / __version__ / f"{tag}.pickle"
        try:
            with self.path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except Exception:  # noqa: BLE001 - a missing or unreadable cache is an empty one
            self.entries = {}

    def get(self, key: str) -> FileFacts | None:
        return self.entries.get(key)

    def store(self, live: dict[str, FileFacts]) -> None:
        """Keep exactly the entries of this run, so deleted files do not pile up."""
        if self.path is None or (not self._changed(live)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(live, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:  # noqa: BLE001 - caching is an optimisation, never a failure
            pass

    def _changed(self, live: dict[str, FileFacts]) -> bool:
        return live.keys() != self.entries.keys()
