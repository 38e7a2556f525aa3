"""The per-file facts cache: one SQLite database per cache directory, one row per file.

A `files` row is (scope, path) -> size, mtime_ns, key, day last used; a `facts` row is key ->
day last used, the file's facts as data (scalelint.facts_codec: whatever a cache file holds,
the worst it can do is a miss). The key hashes the file's bytes, path and kind with the
*build*: scalelint's version, a hash of its own source, the Python and parser versions, the
facts schema and the settings extraction reads; the scope is the project root and the build.
Nothing depends on where scalelint is installed or when, so a fresh install of the same build
hits, and checkouts of one project in several directories share the facts.

A file whose size and modification time match its row is not read again (ruff's trick);
otherwise it is hashed and looked up by key (a new timestamp after a checkout, another
directory, a CI runner with a restored cache). A run reads only the rows it needs and writes
only the rows that changed, in one short transaction (WAL: concurrent runs never see half a
write; a run that cannot get the lock in cache_db.BUSY_SECONDS leaves its rows unwritten).

Housekeeping: rows of files gone from the tree are deleted by the next run; by every run that
writes, rows not used for cache_db.MAX_AGE_DAYS (other scalelint versions, deleted checkouts),
facts no file row points to after cache_db.ORPHAN_DAYS (a file's earlier content), and past the
size cap (SCALELINT_CACHE_MAX_MB, default DEFAULT_MAX_MB) the least recently used facts. A database that
is not ours is replaced (scalelint.cache_db). Any other problem means "no cache", never an error."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from functools import lru_cache
from pathlib import Path

from scalelint import __version__, cache_db
from scalelint.facts import FileFacts
from scalelint.facts_codec import SCHEMA, BadEntry, decode, encode

DEFAULT_MAX_MB = 256
_EXTRACTION_DEPENDENCIES = ("libcst", "sqlglot", "yaml")  # modules whose parsers shape the facts
_DISTRIBUTIONS = {"yaml": "pyyaml"}  # the module's distribution, normalised, where the names differ

def default_cache_dir() -> Path:
    explicit = os.environ.get("SCALELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scalelint"


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")  # file names need not be UTF-8


def content_key(data: bytes, rel: str, kind: str) -> str:
    digest = hashlib.blake2b(data, digest_size=16)
    digest.update(b"\0" + _bytes(rel) + b"\0" + kind.encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def build_id() -> str:
    """Changes with scalelint's version, any byte of its source, the Python that parses, the
    parsers' versions and the facts schema; not with install paths or times (a few ms, once)."""
    digest = hashlib.blake2b(f"{__version__}\0{sys.implementation.name}\0{sys.version_info[:3]}\0{SCHEMA}".encode(), digest_size=16)
    for name in _EXTRACTION_DEPENDENCIES:
        digest.update(f"\0{name}={_version_of(name)}".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for directory, subdirectories, names in os.walk(package):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(n for n in names if n.endswith(".py")):
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                data = b"<unreadable>"
            relative = os.path.relpath(path, package).replace(os.sep, "/")
            digest.update(b"\0" + _bytes(relative) + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def _version_of(module: str) -> str:
    """The installed version of the distribution that provides `module`, from its `.dist-info`
    directory's name (importlib.metadata costs some 50 ms to import and scan)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        places = list(spec.submodule_search_locations or []) if spec else []
        if spec and spec.origin and not places:
            places = [spec.origin]
        wanted = _DISTRIBUTIONS.get(module, module)
        for place in places:
            for name in os.listdir(os.path.dirname(os.path.abspath(place))):
                project, _, rest = name.partition("-")
                if rest.endswith(".dist-info") and project.lower().replace("-", "_").replace(".", "_") == wanted:
                    return rest[: -len(".dist-info")]
    except (ImportError, ValueError, OSError):
        pass
    return "?"  # not installed from a wheel (a source tree, a zip): the module name alone keys


def max_bytes() -> int:
    try:
        megabytes = float(os.environ.get("SCALELINT_CACHE_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(max(megabytes, 0) * 1024 * 1024)


class FactsCache:
    def __init__(self, directory: Path | None, root: Path, fingerprint: str):
        self.build = hashlib.blake2b(f"{build_id()}\0{fingerprint}".encode(), digest_size=16).digest()
        self.scope = hashlib.blake2b(self.build + b"\0" + _bytes(str(root.resolve())), digest_size=16).digest()
        self.today = int(time.time() // 86400)
        self.rows: dict[str, tuple] = {}  # path -> (size, mtime_ns, key, used): this scope's files as stored
        self.seen: set[str] = set()  # every path of this run's tree
        self.hits: dict[str, tuple] = {}  # path -> (size, mtime_ns, key, facts) served from the cache
        self.files_out: dict[str, tuple] = {}  # path -> (size, mtime_ns, key) to write
        self.facts_out: dict[bytes, bytes] = {}  # key -> encoded facts to write
        self.used: set[bytes] = set()  # keys read today whose facts had not been used yet today
        self.corrupt = False
        self.path = Path(directory) / cache_db.DB_NAME if directory is not None else None
        self.db: sqlite3.Connection | None = None
        if self.path is None:
            return
        try:
            self.db, rows = cache_db.attach(self.path, self.scope)
        except Exception:  # noqa: BLE001 - a cache we cannot open is no cache
            self.path = None
            return
        for path, size, mtime_ns, key, used in rows:
            if type(path) is bytes:
                self.rows[path.decode("utf-8", "surrogateescape")] = (size, mtime_ns, key, used)

    def key_for(self, content: str) -> bytes:
        return hashlib.blake2b(self.build + b"\0" + content.encode(), digest_size=16).digest()

    def by_stat(self, files: list[tuple[str, int, int]]) -> dict[str, FileFacts]:
        """Facts of the files, (path, size, mtime_ns), whose size and modification time match their row."""
        self.seen.update(rel for rel, _, _ in files)
        rows = self.rows
        matching = [(rel, size, mtime_ns) for rel, size, mtime_ns in files if (row := rows.get(rel)) and row[0] == size and row[1] == mtime_ns]
        read = [self._read(rows[rel][2]) for rel, _, _ in matching]
        found = {}
        for (rel, size, mtime_ns), (blob, used) in zip(matching, read):
            facts = _decoded(blob, rel)
            if facts is not None:
                found[rel] = self._hit(rel, size, mtime_ns, rows[rel][2], facts, used)
                if rows[rel][3] != self.today:
                    self.files_out[rel] = (size, mtime_ns, rows[rel][2])
        return found

    def keep(self, rel: str) -> None:
        """The file is still in the tree, though this run does not read its facts."""
        self.seen.add(rel)

    def by_key(self, rel: str, key: str, size: int, mtime_ns: int) -> FileFacts | None:
        """The facts of a file whose stat changed, by content: the same bytes with a new timestamp,
        another checkout's copy, a restored CI cache."""
        self.seen.add(rel)
        stored = self.key_for(key)
        blob, used = self._read(stored)
        facts = _decoded(blob, rel)
        if facts is None:
            return None
        self.files_out[rel] = (size, mtime_ns, stored)
        return self._hit(rel, size, mtime_ns, stored, facts, used)

    def put(self, rel: str, key: str, size: int, mtime_ns: int, facts: FileFacts, blob: bytes | None = None) -> None:
        """`blob`: the facts already encoded (by a worker process)."""
        self.seen.add(rel)
        if self.path is None or any(problem.message.startswith("internal error") for problem in facts.problems):
            return  # an internal error is a scalelint bug, not a property of the file: try again next run
        blob = blob or _encoded(facts)
        if blob is not None:
            stored = self.key_for(key)
            self.facts_out[stored] = blob
            self.files_out[rel] = (size, mtime_ns, stored)

    def save(self) -> None:
        """Write this run's new rows and forget the files that are gone, in one transaction."""
        gone = [rel for rel in self.rows if rel not in self.seen]
        if self.path is None or not (self.files_out or self.facts_out or self.used or gone or self.corrupt):
            self.close()
            return
        if self.corrupt:  # found while reading: start again from what this run knows
            self.close()
            cache_db.remove(self.path)
            gone = []
            for rel, (size, mtime_ns, key, facts) in self.hits.items():
                blob = _encoded(facts)
                if blob is not None:
                    self.facts_out[key] = blob
                    self.files_out[rel] = (size, mtime_ns, key)
        try:
            db = self.db or cache_db.attach(self.path, None)[0]
            self.db = db
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM files WHERE scope = ? AND path = ?", [(self.scope, _bytes(rel)) for rel in gone])
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                [(self.scope, _bytes(rel), size, mtime_ns, key, self.today) for rel, (size, mtime_ns, key) in self.files_out.items()],
            )
            db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", [(key, self.today, blob) for key, blob in self.facts_out.items()])
            db.executemany("UPDATE facts SET used = ? WHERE key = ?", [(self.today, key) for key in self.used - self.facts_out.keys()])
            evicted = cache_db.evict(db, self.today, self.path, max_bytes()) if (self.facts_out or gone) else False
            db.execute("COMMIT")
            if evicted:
                db.execute("PRAGMA incremental_vacuum")
        except sqlite3.DatabaseError as error:
            if cache_db.corrupt(error):
                self.close()
                cache_db.remove(self.path)  # the next run starts a new one
        except Exception:  # noqa: BLE001 - locked, full disk, read-only: the next run tries again
            pass
        self.close()

    def close(self) -> None:
        """Done reading (before forking workers, which must not share the connection); `save` reopens."""
        if self.db is not None:
            try:
                self.db.close()
            except Exception:  # noqa: BLE001
                pass
            self.db = None

    def _hit(self, rel: str, size: int, mtime_ns: int, key: bytes, facts: FileFacts, used: object) -> FileFacts:
        self.hits[rel] = (size, mtime_ns, key, facts)
        if used != self.today:
            self.used.add(key)
        return facts

    def _read(self, key: object) -> tuple[object, object]:
        """(blob, day last used) of a key; (None, None) when absent or unreadable."""
        if self.db is None:
            return None, None
        try:
            found = self.db.execute("SELECT blob, used FROM facts WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as error:
            if cache_db.corrupt(error):
                self.corrupt = True
                self.close()
            return None, None
        except Exception:  # noqa: BLE001 - a read error is a miss
            return None, None
        return found if found else (None, None)


def _encoded(facts: FileFacts) -> bytes | None:
    try:
        return encode(facts)
    except Exception:  # noqa: BLE001 - facts we cannot encode (too deep) are simply not cached
        return None


def _decoded(blob: object, rel: str) -> FileFacts | None:
    """The facts in `blob` if they are this file's; a miss otherwise (the row is then rewritten
    by `put` once the file is extracted again)."""
    if type(blob) is not bytes:
        return None
    try:
        facts = decode(blob)
    except BadEntry:
        return None
    return facts if facts.path == rel else None
