"""The cache's database file: opened only when it is ours, replaced when it is not.

"Ours" is a regular file holding exactly the tables below: a link, a FIFO, a file another program
wrote, or one with a trigger or view someone added, is deleted and made again; so is a file
SQLite finds damaged. Also here: eviction, and removing the pickle caches of older versions."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path

DB_NAME = "facts-1.sqlite3"  # a new name when the tables change
MAX_AGE_DAYS = 30
ORPHAN_DAYS = 1  # a file's earlier content stays a day: pre-commit's stash, a quick branch switch
BUSY_SECONDS = 5.0

_TABLES = (
    "CREATE TABLE files (scope BLOB NOT NULL, path BLOB NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " key BLOB NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (scope, path)) WITHOUT ROWID",
    "CREATE INDEX files_key ON files (key)",
    "CREATE TABLE facts (key BLOB NOT NULL PRIMARY KEY, used INTEGER NOT NULL, blob BLOB NOT NULL)",
    "CREATE INDEX facts_used ON facts (used)",
)


def _schema(db: sqlite3.Connection) -> list:
    return sorted(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=str)


def _expected_schema() -> list:
    db = sqlite3.connect(":memory:")
    for sql in _TABLES:
        db.execute(sql)
    try:
        return _schema(db)
    finally:
        db.close()


_SCHEMA_ROWS = _expected_schema()
_LEGACY_PICKLE = re.compile(r"[0-9a-f]{24}\.pickle")  # in a directory named for the version: 0.1.0/<hash>.pickle
_VERSION = re.compile(r"\d+(\.\d+)+[0-9A-Za-z.+-]*")


def attach(path: Path, scope: bytes | None) -> tuple[sqlite3.Connection, list]:
    """Open the database, replacing one that is not ours, and read a scope's rows."""
    for attempt in (1, 2):
        db = None
        try:
            db = _open(path)
            rows = db.execute("SELECT path, size, mtime_ns, key, used FROM files WHERE scope = ?", (scope,)).fetchall() if scope else []
            return db, rows
        except (_NotOurs, sqlite3.DatabaseError) as error:
            if db is not None:
                db.close()
            if attempt == 2 or not (isinstance(error, _NotOurs) or corrupt(error)):
                raise
            remove(path)
    raise AssertionError("unreachable")


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


class _NotOurs(Exception):
    pass


def _open(path: Path) -> sqlite3.Connection:
    directory = path.parent
    if not directory.is_dir():
        try:
            directory.mkdir(mode=0o700, parents=True)
            _mark(directory)  # only a directory scalelint made: `--cache-dir .` must not hide a repository
        except FileExistsError:
            pass  # another run just made it
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


def corrupt(error: sqlite3.DatabaseError) -> bool:
    name = getattr(error, "sqlite_errorname", "")  # Python 3.11+
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    return "not a database" in str(error) or "malformed" in str(error)


def _mark(directory: Path) -> None:
    """Keep the cache out of git and out of backups."""
    for name, text in ((".gitignore", "# made by scalelint\n*\n"), ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# scalelint's cache\n")):
        try:
            with open(directory / name, "x", encoding="utf-8") as handle:
                handle.write(text)
        except OSError:
            pass


def _create_file(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another run just made it
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
        versions = [entry for entry in os.scandir(directory) if _VERSION.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)]
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


def evict(db: sqlite3.Connection, today: int, path: Path, cap: int) -> bool:
    """Old rows, facts no file points to, then the least recently used facts past the size cap
    (down to 80% of it). True when something went."""
    gone = db.execute("DELETE FROM files WHERE used < ?", (today - MAX_AGE_DAYS,)).rowcount
    gone += db.execute("DELETE FROM facts WHERE used < ?", (today - MAX_AGE_DAYS,)).rowcount
    gone += db.execute(
        "DELETE FROM facts WHERE used < ? AND NOT EXISTS (SELECT 1 FROM files WHERE files.key = facts.key)", (today - ORPHAN_DAYS,)
    ).rowcount
    try:
        on_disk = sum(os.stat(f"{path}{suffix}").st_size for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}"))
    except OSError:
        on_disk = cap + 1
    if on_disk <= cap:
        return gone > 0  # the facts cannot add up to more than the file: no need to count them
    (total,) = db.execute("SELECT total(length(blob)) FROM facts").fetchone()
    if total <= cap:
        return gone > 0
    doomed = []
    for rowid, length in db.execute("SELECT rowid, length(blob) FROM facts ORDER BY used, rowid"):
        if total <= cap * 0.8:
            break
        doomed.append((rowid,))
        total -= length or 0
    db.executemany("DELETE FROM facts WHERE rowid = ?", doomed)
    return True
