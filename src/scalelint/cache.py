"""The per-file facts cache: one SQLite database per cache directory, one row per file.

A row is (scope, path) -> size, mtime_ns, content key, day last used, and the file's facts as
data (scalelint.facts_codec: whatever a cache file holds, the worst it can do is a miss). The
scope is the project root plus the *build*: scalelint's version, a hash of its own source, the
Python and parser versions, the facts schema and the settings extraction reads. Nothing in the
key depends on where scalelint is installed or when, so a fresh install of the same build hits.

A file whose size and modification time match its row is not read again (ruff's trick);
otherwise it is hashed and looked up by content key in any scope (a checkout in another
directory, a CI runner with a restored cache). A run reads only the rows it needs and writes
only the rows that changed, in one short transaction (WAL: concurrent runs never see half a
write; a run that cannot get the lock in BUSY_SECONDS leaves its rows unwritten).

Housekeeping, by every run that writes: rows of files gone from the tree are deleted; rows not
used for MAX_AGE_DAYS (other scalelint versions, deleted checkouts) too; past the size cap
(SCALELINT_CACHE_MAX_MB, default DEFAULT_MAX_MB) the least recently used go. A database that is
not ours (corrupt, another schema, not a regular file) is replaced. Any other problem means
"no cache", never an error."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import sys
import time
from functools import lru_cache
from pathlib import Path

from scalelint import __version__
from scalelint.facts import FileFacts
from scalelint.facts_codec import SCHEMA, BadEntry, decode, encode

DB_NAME = "facts-1.sqlite3"  # a new name when the table layout below changes
DEFAULT_MAX_MB = 256
MAX_AGE_DAYS = 30
BUSY_SECONDS = 5.0
_EXTRACTION_DEPENDENCIES = ("libcst", "sqlglot", "pyyaml")  # their parsers shape the facts

_TABLES = (
    "CREATE TABLE entries (scope BLOB NOT NULL, path BLOB NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " key BLOB NOT NULL, used INTEGER NOT NULL, blob BLOB NOT NULL, PRIMARY KEY (scope, path))",
    "CREATE INDEX entries_key ON entries (key)",
    "CREATE INDEX entries_used ON entries (used)",
)
_SCHEMA_ROWS = sorted(
    [("table", "entries", _TABLES[0]), ("index", "sqlite_autoindex_entries_1", None)]
    + [("index", sql.split()[2], sql) for sql in _TABLES[1:]],
    key=lambda row: row[1],
)
_LEGACY_PICKLE = re.compile(r"[0-9a-f]{24}\.pickle")


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
    parsers' versions and the facts schema; not with install paths or times (about 6 ms, once)."""
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


def _version_of(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except Exception:  # noqa: BLE001 - missing or broken metadata: the name alone still keys
        return "?"


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
        self.rows: dict[str, tuple] = {}  # path -> (size, mtime_ns, key, used), this scope's rows as stored
        self.seen: set[str] = set()  # every path of this run's tree
        self.hits: dict[str, tuple] = {}  # path -> (size, mtime_ns, key, facts) served from the cache
        self.writes: dict[str, tuple] = {}  # path -> (size, mtime_ns, key, blob); blob None: only the stat and day change
        self.corrupt = False
        self.path = Path(directory) / DB_NAME if directory is not None else None
        self.db: sqlite3.Connection | None = None
        if self.path is None:
            return
        try:
            self.db, rows = _attach(self.path, self.scope)
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
        blobs = [self._blob("SELECT blob FROM entries WHERE scope = ? AND path = ?", (self.scope, _bytes(rel))) for rel, _, _ in matching]
        found = {}
        for (rel, size, mtime_ns), blob in zip(matching, blobs):
            facts = _decoded(blob, rel)
            if facts is None:
                continue
            key, used = rows[rel][2], rows[rel][3]
            self.hits[rel] = (size, mtime_ns, key, facts)
            found[rel] = facts
            if used != self.today:
                self.writes[rel] = (size, mtime_ns, key, None)
        return found

    def by_key(self, rel: str, key: str, size: int, mtime_ns: int) -> FileFacts | None:
        self.seen.add(rel)
        stored = self.key_for(key)
        row = self.rows.get(rel)
        if row is not None and row[2] == stored:  # same bytes, new timestamp
            facts = self._own(rel, size, mtime_ns, stored)
            if facts is not None:
                self.writes[rel] = (size, mtime_ns, stored, None)
            return facts
        # the same file of the same build elsewhere: another checkout, a restored CI cache
        blob = self._blob("SELECT blob FROM entries WHERE key = ? LIMIT 1", (stored,))
        facts = _decoded(blob, rel)
        if facts is not None:
            self.hits[rel] = (size, mtime_ns, stored, facts)
            self.writes[rel] = (size, mtime_ns, stored, blob)
        return facts

    def put(self, rel: str, key: str, size: int, mtime_ns: int, facts: FileFacts, blob: bytes | None = None) -> None:
        """`blob`: the facts already encoded (by a worker process)."""
        self.seen.add(rel)
        if self.path is None or any(problem.message.startswith("internal error") for problem in facts.problems):
            return  # an internal error is a scalelint bug, not a property of the file: try again next run
        blob = blob or _encoded(facts)
        if blob is not None:
            self.writes[rel] = (size, mtime_ns, self.key_for(key), blob)

    def save(self) -> None:
        """Write this run's new rows and forget the files that are gone, in one transaction."""
        gone = [rel for rel in self.rows if rel not in self.seen]
        if self.path is None or not (self.writes or gone or self.corrupt):
            self.close()
            return
        if self.corrupt:  # found while reading rows: start again from what this run knows
            self.close()
            _remove(self.path)
            gone = []
            for rel, (size, mtime_ns, key, facts) in self.hits.items():
                blob = _encoded(facts)
                if blob is not None:
                    self.writes[rel] = (size, mtime_ns, key, blob)
        try:
            db = self.db or _attach(self.path, None)[0]
            self.db = db
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM entries WHERE scope = ? AND path = ?", [(self.scope, _bytes(rel)) for rel in gone])
            stats, rows = [], []
            for rel, (size, mtime_ns, key, blob) in self.writes.items():
                if blob is None:
                    stats.append((size, mtime_ns, self.today, self.scope, _bytes(rel)))
                else:
                    rows.append((self.scope, _bytes(rel), size, mtime_ns, key, self.today, blob))
            db.executemany("UPDATE entries SET size = ?, mtime_ns = ?, used = ? WHERE scope = ? AND path = ?", stats)
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            evicted = _evict(db, self.today, self.path) if rows else False
            db.execute("COMMIT")
            if evicted:
                db.execute("PRAGMA incremental_vacuum")
        except sqlite3.DatabaseError as error:
            if _corrupt(error):
                self.close()
                _remove(self.path)  # the next run starts a new one
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

    def _own(self, rel: str, size: int, mtime_ns: int, key: object) -> FileFacts | None:
        facts = _decoded(self._blob("SELECT blob FROM entries WHERE scope = ? AND path = ?", (self.scope, _bytes(rel))), rel)
        if facts is not None:
            self.hits[rel] = (size, mtime_ns, key, facts)
        return facts

    def _blob(self, query: str, args: tuple) -> object:
        if self.db is None:
            return None
        try:
            found = self.db.execute(query, args).fetchone()
        except sqlite3.DatabaseError as error:
            if _corrupt(error):
                self.corrupt = True
                self.close()
            return None
        except Exception:  # noqa: BLE001 - a read error is a miss
            return None
        return found[0] if found else None


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


def _evict(db: sqlite3.Connection, today: int, path: Path) -> bool:
    """Old rows, then the least recently used past the size cap (down to 80% of it)."""
    evicted = db.execute("DELETE FROM entries WHERE used < ?", (today - MAX_AGE_DAYS,)).rowcount > 0
    cap = max_bytes()
    try:
        on_disk = sum(os.stat(f"{path}{suffix}").st_size for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}"))
    except OSError:
        on_disk = cap + 1
    if on_disk <= cap:
        return evicted  # the rows cannot add up to more than the file: no need to count them
    (total,) = db.execute("SELECT total(length(blob)) FROM entries").fetchone()
    if total <= cap:
        return evicted
    doomed = []
    for rowid, length in db.execute("SELECT rowid, length(blob) FROM entries ORDER BY used, rowid"):
        if total <= cap * 0.8:
            break
        doomed.append((rowid,))
        total -= length or 0
    db.executemany("DELETE FROM entries WHERE rowid = ?", doomed)
    return True


# --- the database file ---------------------------------------------------------------------


def _attach(path: Path, scope: bytes | None) -> tuple[sqlite3.Connection, list]:
    """Open the database, replacing one that is not ours, and read a scope's rows."""
    for attempt in (1, 2):
        db = None
        try:
            db = _open(path)
            rows = db.execute("SELECT path, size, mtime_ns, key, used FROM entries WHERE scope = ?", (scope,)).fetchall() if scope else []
            return db, rows
        except (_NotOurs, sqlite3.DatabaseError) as error:
            if db is not None:
                db.close()
            if attempt == 2 or not (isinstance(error, _NotOurs) or _corrupt(error)):
                raise
            _remove(path)
    raise AssertionError("unreachable")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


class _NotOurs(Exception):
    pass


def _open(path: Path) -> sqlite3.Connection:
    directory = path.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        _create_file(path)
    else:
        if not stat.S_ISREG(mode):
            raise _NotOurs  # a link, a FIFO, a device: never opened (a FIFO would block)
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA synchronous = NORMAL")
        tables = _schema(db)
        if not tables:
            _create_tables(db)
        elif tables != _SCHEMA_ROWS:
            raise _NotOurs  # another program's database, or a trigger someone added: never used
        return db
    except BaseException:
        db.close()
        raise


def _schema(db: sqlite3.Connection) -> list:
    return sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=lambda row: str(row[1]))


def _corrupt(error: sqlite3.DatabaseError) -> bool:
    name = getattr(error, "sqlite_errorname", "")  # Python 3.11+
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    return "not a database" in str(error) or "malformed" in str(error)


def _create_file(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another run just made it
    for name, text in ((".gitignore", "# made by scalelint\n*\n"), ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# scalelint's cache\n")):
        try:
            with open(path.parent / name, "x", encoding="utf-8") as handle:
                handle.write(text)
        except OSError:
            pass
    _remove_legacy_pickles(path.parent)


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # before the first table: lets eviction give space back
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("BEGIN IMMEDIATE")
    try:
        if not _schema(db):  # another run may have been first
            for sql in _TABLES:
                db.execute(sql)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    if _schema(db) != _SCHEMA_ROWS:
        raise _NotOurs


def _remove_legacy_pickles(directory: Path) -> None:
    """Earlier scalelint versions kept `<version>/<hash>.pickle` here: never read, now removed."""
    try:
        versions = [entry for entry in os.scandir(directory) if entry.is_dir(follow_symlinks=False)]
        for version in versions:
            removed = False
            for entry in os.scandir(version.path):
                if _LEGACY_PICKLE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                    removed = True
            if removed:
                try:
                    os.rmdir(version.path)
                except OSError:
                    pass  # not empty: not only ours
    except OSError:
        pass
