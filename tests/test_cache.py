"""The facts cache: hits where it should (also for a fresh install or another checkout), never
runs code or crashes whatever its directory holds, heals, forgets what is gone, stays bounded."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scalelint import api, cache, cache_db, engine
from scalelint.facts_codec import encode
from scalelint.facts import FileFacts

PROJECT = {
    "pyproject.toml": "[tool.scalelint]\n",
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    "shop/models.py": "def total(rows):\n    return sum(r.price for r in rows)\n",
}
EXPECTED = [("Procfile", "SCL201")]


def write(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def findings(project: Path, cache_dir: Path) -> list[tuple[str, str]]:
    report = api.lint([project], cache_dir=cache_dir)
    assert report.internal_errors == []
    return [(Path(d.path).name, d.code) for d in report.diagnostics]


def extracted(monkeypatch) -> list[str]:
    """The paths extraction runs on from now on."""
    calls: list[str] = []
    real = engine.extract_file

    def counting(rel, *args):
        calls.append(rel)
        return real(rel, *args)

    monkeypatch.setattr(engine, "extract_file", counting)
    return calls


def database(cache_dir: Path) -> Path:
    return cache_dir / cache_db.DB_NAME


def rows(cache_dir: Path) -> dict[str, tuple]:
    """path -> (key, day used, facts) of every file row that has its facts."""
    with sqlite3.connect(database(cache_dir)) as db:
        found = db.execute("SELECT path, files.key, files.used, blob FROM files JOIN facts ON files.key = facts.key").fetchall()
    return {path.decode("utf-8", "surrogateescape"): (key, used, blob) for path, key, used, blob in found if isinstance(path, bytes)}


def facts_keys(cache_dir: Path) -> set[bytes]:
    with sqlite3.connect(database(cache_dir)) as db:
        return {key for (key,) in db.execute("SELECT key FROM facts")}


def sql(cache_dir: Path, statement: str, *args) -> None:
    with sqlite3.connect(database(cache_dir)) as db:
        db.execute(statement, args)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "p"
    write(root, PROJECT)
    return root


def test_only_the_changed_file_is_extracted_and_written(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    before = rows(cache_dir)
    calls = extracted(monkeypatch)
    write(project, {"Procfile": "web: gunicorn app:app --workers 3 --threads 8\n"})
    assert findings(project, cache_dir) == []
    assert calls == ["Procfile"]
    after = rows(cache_dir)
    assert {p for p in after if after[p] != before[p]} == {"Procfile"}


def test_new_timestamps_alone_do_not_miss(project, tmp_path, monkeypatch):
    """A fresh checkout (CI) gives every file a new mtime: the content key still hits."""
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    later = time.time() + 3600
    for path in project.rglob("*"):
        os.utime(path, (later, later))
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []


def test_the_same_project_in_another_directory_hits(project, tmp_path, monkeypatch):
    """A CI runner whose checkout path differs from the run that filled the cache."""
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    elsewhere = tmp_path / "checkout" / "p"
    shutil.copytree(project, elsewhere)
    calls = extracted(monkeypatch)
    assert findings(elsewhere, cache_dir) == EXPECTED
    assert calls == []
    findings(project, cache_dir)  # the first checkout keeps its own rows
    assert calls == []


def test_other_settings_miss(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    calls = extracted(monkeypatch)
    write(project, {"pyproject.toml": '[tool.scalelint]\nsql-dialect = "mysql"\n'})
    findings(project, cache_dir)
    assert sorted(calls) == sorted(PROJECT)


# --- the key: scalelint's build, not where or when it was installed ----------------------


def _build_id_of(package_parent: Path) -> str:
    code = "import scalelint, scalelint.cache as c; print(scalelint.__file__); print(c.build_id())"
    env = dict(os.environ, PYTHONPATH=str(package_parent), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert Path(out[0]).resolve().is_relative_to(package_parent.resolve()), out  # really that copy
    return out[1]


def test_the_build_id_ignores_install_paths_and_times_but_not_the_code(tmp_path):
    package = Path(cache.__file__).resolve().parent
    ignore = shutil.ignore_patterns("__pycache__")
    first, second, edited = (tmp_path / name for name in ("site-a", "somewhere/else/site-b", "site-c"))
    for parent in (first, second, edited):
        shutil.copytree(package, parent / "scalelint", ignore=ignore)
    long_ago = time.time() - 400 * 86400
    for path in (second / "scalelint").rglob("*.py"):
        os.utime(path, (long_ago, long_ago))
    rules = edited / "scalelint" / "rule.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _build_id_of(first) == _build_id_of(second) != _build_id_of(edited)


# --- whatever the cache directory holds ----------------------------------------------------


class Sentinel:
    """Unpickled, creates a file: proof that a pickle ran."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def assert_healed(project: Path, cache_dir: Path, monkeypatch) -> None:
    """The hostile run found the same problems, left a sound cache, and the next run hits."""
    assert stat.S_ISREG(os.lstat(database(cache_dir)).st_mode)
    with sqlite3.connect(database(cache_dir)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []


def replace_database(cache_dir: Path, content: bytes) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database(cache_dir)}{suffix}").unlink(missing_ok=True)
    database(cache_dir).write_bytes(content)


def test_a_pickle_instead_of_the_database_is_not_run(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    sentinel = tmp_path / "pwned"
    replace_database(cache_dir, pickle.dumps({"app.py": Sentinel(sentinel)}))
    assert findings(project, cache_dir) == EXPECTED
    assert not sentinel.exists()
    assert_healed(project, cache_dir, monkeypatch)


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "zeroed pages", "empty"])
def test_a_damaged_database_is_replaced(project, tmp_path, monkeypatch, damage):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    data = database(cache_dir).read_bytes()
    broken = {
        "random bytes": os.urandom(len(data)),
        "truncated": data[: len(data) // 3],
        "zeroed pages": data[:4096] + bytes(len(data) - 4096),
        "empty": b"",
    }[damage]
    replace_database(cache_dir, broken)
    assert findings(project, cache_dir) == EXPECTED
    assert_healed(project, cache_dir, monkeypatch)


def test_a_database_with_a_trigger_is_replaced(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    sql(cache_dir, "CREATE TRIGGER t AFTER INSERT ON facts BEGIN DELETE FROM facts; END")
    assert findings(project, cache_dir) == EXPECTED
    with sqlite3.connect(database(cache_dir)) as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == []
    assert_healed(project, cache_dir, monkeypatch)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "directory"])
def test_a_database_that_is_not_a_file_is_never_opened(project, tmp_path, monkeypatch, kind):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    path = database(cache_dir)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
        (path / "keep").write_text("not ours to delete")
    else:
        path.symlink_to("/dev/zero")
    assert findings(project, cache_dir) == EXPECTED  # and no hang
    if kind == "directory":
        assert (path / "keep").exists()  # a directory is left alone: that run simply has no cache
    else:
        assert_healed(project, cache_dir, monkeypatch)


ENTRY_DAMAGE = {
    "a pickle": lambda tmp: pickle.dumps(Sentinel(tmp / "pwned")),
    "random bytes": lambda tmp: os.urandom(300),
    "msgpack of the wrong shape": lambda tmp: b"\x92\x01\x02",
    "an unknown tag": lambda tmp: b"\x91\x92\xcd\x03\xe7\x01",
    "another file's facts": lambda tmp: encode(FileFacts(path="elsewhere.py", kind="python")),
    "not a blob": lambda tmp: "text",
}


@pytest.mark.parametrize("damage", sorted(ENTRY_DAMAGE))
def test_a_bad_entry_is_a_miss_and_is_rewritten(project, tmp_path, monkeypatch, damage):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    sql(cache_dir, "UPDATE facts SET blob = ? WHERE key = (SELECT key FROM files WHERE path = ?)", ENTRY_DAMAGE[damage](tmp_path), b"app.py")
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == ["app.py"]
    assert not (tmp_path / "pwned").exists()
    calls.clear()
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []


def test_file_rows_of_wrong_types_are_rewritten(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    sql(cache_dir, "UPDATE files SET size = 'big', mtime_ns = x'00', key = 5, used = 'today' WHERE path = ?", b"app.py")
    sql(cache_dir, "UPDATE files SET path = 7 WHERE path = ?", b"shop/models.py")
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []  # their facts are still found by content
    assert {"app.py", "shop/models.py"} <= set(rows(cache_dir))
    with sqlite3.connect(database(cache_dir)) as db:
        assert db.execute("SELECT typeof(size), typeof(used) FROM files WHERE path = ?", (b"app.py",)).fetchone() == ("integer", "integer")


def test_old_pickle_caches_are_removed_unread(project, tmp_path):
    cache_dir = tmp_path / "cache"
    legacy = cache_dir / "0.1.0" / ("ab" * 12 + ".pickle")
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(pickle.dumps(Sentinel(tmp_path / "pwned")))
    mine = cache_dir / "notes" / ("cd" * 12 + ".pickle")
    mine.parent.mkdir()
    mine.write_text("not scalelint's: not in a version's directory")
    assert findings(project, cache_dir) == EXPECTED
    assert not legacy.exists() and not legacy.parent.exists()
    assert mine.exists()
    assert not (tmp_path / "pwned").exists()


# --- housekeeping --------------------------------------------------------------------------


def test_rows_of_deleted_files_are_removed_and_their_facts_soon_after(project, tmp_path):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    models_key = rows(cache_dir)["shop/models.py"][0]
    (project / "shop" / "models.py").unlink()
    findings(project, cache_dir)
    assert set(rows(cache_dir)) == {"Procfile", "app.py", "pyproject.toml"}
    assert models_key in facts_keys(cache_dir)  # kept a day: the file may come back (a stash, a branch)
    sql(cache_dir, "UPDATE facts SET used = used - ?", cache_db.ORPHAN_DAYS + 1)
    write(project, {"app.py": PROJECT["app.py"] + "# edited\n"})
    findings(project, cache_dir)  # a run that writes tidies up
    assert models_key not in facts_keys(cache_dir)
    assert set(rows(cache_dir)) == {"Procfile", "app.py", "pyproject.toml"}


def test_rows_unused_for_a_month_are_removed(project, tmp_path):
    cache_dir = tmp_path / "cache"
    other = tmp_path / "other"
    write(other, {"pyproject.toml": "[tool.scalelint]\n", "worker.py": "x = 1\n"})
    findings(other, cache_dir)
    today = int(time.time() // 86400)
    sql(cache_dir, "UPDATE files SET used = ?", today - cache_db.MAX_AGE_DAYS - 1)
    sql(cache_dir, "UPDATE facts SET used = ?", today - cache_db.MAX_AGE_DAYS - 1)
    findings(project, cache_dir)  # writes, so it tidies up
    assert "worker.py" not in rows(cache_dir)
    with sqlite3.connect(database(cache_dir)) as db:
        assert db.execute("SELECT count(*) FROM files WHERE used < ?", (today,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM facts WHERE used < ?", (today,)).fetchone() == (0,)


def test_a_run_on_a_later_day_marks_what_it_used(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    sql(cache_dir, "UPDATE files SET used = used - 3")
    sql(cache_dir, "UPDATE facts SET used = used - 3")
    calls = extracted(monkeypatch)
    findings(project, cache_dir)
    assert calls == []
    today = int(time.time() // 86400)
    with sqlite3.connect(database(cache_dir)) as db:
        assert db.execute("SELECT DISTINCT used FROM files").fetchall() == [(today,)]
        assert db.execute("SELECT DISTINCT used FROM facts").fetchall() == [(today,)]


def test_checkouts_in_two_directories_share_the_facts(project, tmp_path):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    before = facts_keys(cache_dir)
    elsewhere = tmp_path / "again" / "p"
    shutil.copytree(project, elsewhere)
    findings(elsewhere, cache_dir)
    assert facts_keys(cache_dir) == before  # only file rows were added, no copy of the facts


def test_the_size_cap_evicts_the_least_recently_used(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    old = tmp_path / "old"
    write(old, {"pyproject.toml": "[tool.scalelint]\n"} | {f"m{i}.py": f"def f{i}(rows):\n    return [r.x for r in rows]\n" * 40 for i in range(12)})
    findings(old, cache_dir)
    with sqlite3.connect(database(cache_dir)) as db:
        db.execute("UPDATE facts SET used = used - 1")
        (old_bytes,) = db.execute("SELECT sum(length(blob)) FROM facts").fetchone()
    cap = old_bytes * 0.9
    monkeypatch.setenv("SCALELINT_CACHE_MAX_MB", str(cap / (1024 * 1024)))
    findings(project, cache_dir)
    kept = rows(cache_dir)
    assert sum(len(blob) for _, _, blob in kept.values()) <= cap
    assert {"Procfile", "app.py", "shop/models.py"} <= set(kept)  # this run's rows are the newest
    assert not {f"m{i}.py" for i in range(12)} <= set(kept)


def test_the_directory_and_database_are_private(project, tmp_path):
    cache_dir = tmp_path / "new" / "cache"
    findings(project, cache_dir)
    if os.name == "posix":
        assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(database(cache_dir).stat().st_mode) == 0o600
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")  # never committed by accident


def test_a_directory_scalelint_did_not_make_gets_no_gitignore(project, tmp_path):
    findings(project, project)  # `--cache-dir .`
    assert database(project).exists()
    assert not (project / ".gitignore").exists()


def test_a_file_name_that_is_not_utf8_is_cached(tmp_path, monkeypatch):
    if sys.platform in ("darwin", "win32"):
        pytest.skip("the file system insists on Unicode names")
    project = tmp_path / "p"
    write(project, PROJECT)
    name = os.fsdecode(b"caf\xe9.py")
    (project / name).write_text("x = 1\n")
    cache_dir = tmp_path / "cache"
    assert findings(project, cache_dir) == EXPECTED
    assert api.lint([project], cache=False).internal_errors == []
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []


def test_a_cache_that_cannot_be_written_is_no_cache(project, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would be")
    assert findings(project, blocker / "cache") == EXPECTED


# --- two runs at once ------------------------------------------------------------------------


def test_concurrent_runs_leave_a_sound_cache(tmp_path, monkeypatch):
    project = tmp_path / "p"
    write(project, PROJECT | {f"pkg/m{i}.py": f"def f(rows):\n    return [r.x{i} for r in rows]\n" for i in range(60)})
    cache_dir = tmp_path / "cache"
    command = [sys.executable, "-m", "scalelint", "--exit-zero", "-q", "--cache-dir", str(cache_dir), str(project)]
    for round_ in range(3):
        write(project, {f"pkg/m{round_}.py": f"x = {round_}\n"})
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert b"SCL201" in out
    with sqlite3.connect(database(cache_dir)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []


class CorruptAfter:
    """A connection whose blob reads fail as a damaged file does, after the first `good` ones."""

    def __init__(self, db: sqlite3.Connection, good: int):
        self.db, self.good = db, good

    def execute(self, sql: str, *args):
        if sql.startswith("SELECT blob"):
            if self.good == 0:
                error = sqlite3.DatabaseError("database disk image is malformed")
                error.sqlite_errorname = "SQLITE_CORRUPT"
                raise error
            self.good -= 1
        return self.db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_damage_found_while_reading_rows_rebuilds_the_database(project, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    findings(project, cache_dir)
    sql(cache_dir, "INSERT INTO facts VALUES (x'00', ?, x'00')", int(time.time() // 86400))  # no run of this project deletes it
    real = cache_db.attach
    with monkeypatch.context() as patch:
        patch.setattr(cache_db, "attach", lambda path, scope: (lambda db, found: (CorruptAfter(db, 2), found))(*real(path, scope)))
        calls = extracted(patch)
        assert findings(project, cache_dir) == EXPECTED
        assert len(calls) == len(PROJECT) - 2  # two files were read before the damage showed
    assert b"\x00" not in facts_keys(cache_dir)  # a new database
    assert set(rows(cache_dir)) == set(PROJECT)  # with the two files read before the damage showed too
    calls = extracted(monkeypatch)
    assert findings(project, cache_dir) == EXPECTED
    assert calls == []
