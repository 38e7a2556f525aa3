"""Fingerprints and baselines: `--write-baseline FILE` records today's findings, `--baseline FILE`
reports only new ones, matched by rule, path and a line-number-free fingerprint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scalelint import baseline
from scalelint.diagnostics import Diagnostic
from scalelint.facts import Span
from scalelint.fingerprint import fingerprint, fingerprints, normalise, read_lines
from clitools import run, write, findings

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nurl = 'postgresql://db/tiny'\nengine = create_engine(url, pool_size=2, max_overflow=0)\n",
}
SECOND_POOL = "\nother = create_engine(url, pool_size=3, max_overflow=0)\n"


def diag(code: str, path: str, line: int, column: int = 1) -> Diagnostic:
    return Diagnostic(code, "rule", "warning", "high", path, Span(line, column, line, column + 1), "message")


# --- fingerprints ------------------------------------------------------------------------


def test_fingerprint_ignores_line_numbers_and_whitespace():
    before = {"a.py": ["x = 1", "engine = create_engine(url,  pool_size=2)"]}
    after = {"a.py": ["# new", "", "x = 1", "", "    engine = create_engine(url, pool_size=2)   "]}
    one = fingerprints([diag("SCL302", "a.py", 2)], lines=before.__getitem__)
    two = fingerprints([diag("SCL302", "a.py", 5)], lines=after.__getitem__)
    assert one == two
    assert normalise("  a \t b  ") == "a b"


def test_fingerprint_depends_on_code_path_text_and_occurrence():
    base = fingerprint("SCL302", "a.py", "pool_size=2")
    assert base == fingerprint("SCL302", "a.py", "pool_size=2", 0)
    assert len({base, fingerprint("SCL301", "a.py", "pool_size=2"), fingerprint("SCL302", "b.py", "pool_size=2"),
                fingerprint("SCL302", "a.py", "pool_size=3"), fingerprint("SCL302", "a.py", "pool_size=2", 1)}) == 5


def test_identical_findings_are_numbered_in_file_order():
    source = {"a.py": ["f(x)", "f(x)", "g()", "f(x)"], "b.py": ["f(x)"]}
    found = [diag("SCL1", "a.py", 1), diag("SCL1", "a.py", 2), diag("SCL1", "a.py", 4), diag("SCL1", "b.py", 1)]
    prints = fingerprints(found, lines=source.__getitem__)
    assert prints == [
        fingerprint("SCL1", "a.py", "f(x)", 0),
        fingerprint("SCL1", "a.py", "f(x)", 1),
        fingerprint("SCL1", "a.py", "f(x)", 2),
        fingerprint("SCL1", "b.py", "f(x)", 0),
    ]


def test_fingerprint_of_an_unreadable_line_is_still_defined(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert read_lines("missing.py") == []
    assert fingerprints([diag("SCL1", "missing.py", 3)]) == [fingerprint("SCL1", "missing.py", "")]


def test_read_lines_counts_line_breaks_like_the_parsers(tmp_path):
    (tmp_path / "a.py").write_bytes(b"a\r\nb\rc\x0cd\ne\xff\n")
    assert read_lines(str(tmp_path / "a.py")) == ["a", "b", "c\x0cd", "e\ufffd", ""]


def test_paths_are_keyed_relative_to_the_project_root(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "db.py").write_text("pool\n")
    monkeypatch.chdir(tmp_path)
    from_root = fingerprints([diag("SCL1", "pkg/db.py", 1)], root=tmp_path)
    monkeypatch.chdir(tmp_path / "pkg")
    from_pkg = fingerprints([diag("SCL1", "db.py", 1)], root=tmp_path)
    assert from_root == from_pkg


# --- baseline module -----------------------------------------------------------------------


def test_apply_is_a_multiset_and_counts_stale_entries(monkeypatch):
    source = {"a.py": ["f(x)", "f(x)"]}
    found = [diag("SCL1", "a.py", 1), diag("SCL1", "a.py", 2)]
    prints = fingerprints(found, lines=source.__getitem__)
    entries = [("SCL1", "a.py", prints[0]), ("SCL9", "a.py", "0" * 32)]
    monkeypatch.setattr(baseline, "fingerprints", lambda ds, root=None: fingerprints(ds, root, lines=source.__getitem__))
    applied = baseline.apply(entries, found, None)
    assert applied.kept == [found[1]] and applied.matched == 1 and applied.stale == 1
    scoped = baseline.apply(entries, found, None, in_scope=lambda entry: entry[0] != "SCL9")
    assert scoped.stale == 0


def test_scope_covers_only_the_linted_paths_and_rules(tmp_path):
    (tmp_path / "app").mkdir()
    covered = baseline.scope(tmp_path, [tmp_path / "app"], frozenset({"SCL302"}))
    assert covered(("SCL302", "app/db.py", "x"))
    assert not covered(("SCL302", "Procfile", "x"))
    assert not covered(("SCL201", "app/db.py", "x"))
    assert not covered(("SCL302", "appendix.py", "x"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("{not json", "not valid JSON"),
        ('{"version": 1}', "not a scalelint baseline"),
        ('{"version": 99, "entries": []}', "version 99"),
        ('{"version": 1, "entries": [{"code": "SCL1"}]}', "entry 1"),
    ],
)
def test_load_rejects_missing_and_corrupt_files(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(baseline.BaselineError, match=message):
        baseline.load(path)


# --- the CLI -----------------------------------------------------------------------------


def test_round_trip_survives_ten_lines_inserted_above(tmp_path):
    """The issue's acceptance test: write a baseline, insert ten lines at the top of a file
    holding a finding, re-run with --baseline: nothing reported, exit 0."""
    write(tmp_path, TINY_APP)
    result = run(["--write-baseline", "scalelint-baseline.json", "--no-cache", "."], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "recorded 2 findings" in result.stderr
    recorded = json.loads((tmp_path / "scalelint-baseline.json").read_text())
    assert recorded["version"] == 1
    assert sorted((e["code"], e["path"]) for e in recorded["entries"]) == [("SCL201", "Procfile"), ("SCL302", "db.py")]
    assert all(set(e) == {"code", "path", "fingerprint"} for e in recorded["entries"])

    write(tmp_path, {"db.py": "".join(f"# line {i}\n" for i in range(10)) + TINY_APP["db.py"]})
    assert findings(run(["--format", "json", "--no-cache", "."], tmp_path)) == [("Procfile", 1, "SCL201"), ("db.py", 14, "SCL302")]
    result = run(["--format", "json", "--no-cache", "--baseline", "scalelint-baseline.json", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert findings(result) == []
    assert "stale" not in result.stderr


def test_new_finding_is_reported_despite_the_baseline(tmp_path):
    write(tmp_path, TINY_APP)
    assert run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path).returncode == 0
    write(tmp_path, {"db.py": TINY_APP["db.py"] + SECOND_POOL})
    result = run(["--format", "json", "--no-cache", "--baseline", "b.json", "."], tmp_path)
    assert result.returncode == 1
    assert findings(result) == [("db.py", 6, "SCL302")]


def test_second_copy_of_a_baselined_line_is_new(tmp_path):
    """Each entry absorbs one finding: duplicating a baselined line adds a finding."""
    line = "engine = create_engine(url, pool_size=2, max_overflow=0)\n"
    write(tmp_path, TINY_APP)
    assert run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path).returncode == 0
    write(tmp_path, {"db.py": TINY_APP["db.py"] + "\n" + line})
    result = run(["--format", "json", "--no-cache", "--baseline", "b.json", "."], tmp_path)
    assert findings(result) == [("db.py", 6, "SCL302")]


def test_fixed_finding_makes_a_stale_entry(tmp_path):
    write(tmp_path, TINY_APP)
    assert run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path).returncode == 0
    write(tmp_path, {"db.py": TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5")})
    result = run(["--no-cache", "--baseline", "b.json", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All clear" in result.stdout
    assert "1 baseline entry is stale" in result.stderr and "--write-baseline b.json" in result.stderr


def test_partial_run_does_not_call_other_files_stale(tmp_path):
    """pre-commit passes only the changed files: entries for the others are not stale."""
    write(tmp_path, TINY_APP)
    assert run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path).returncode == 0
    result = run(["--format", "json", "--no-cache", "--baseline", "b.json", "db.py"], tmp_path)
    assert result.returncode == 0 and findings(result) == []
    assert "stale" not in result.stderr
    result = run(["--format", "json", "--no-cache", "--baseline", "b.json", "--select", "SCL201", "."], tmp_path)
    assert result.returncode == 0 and "stale" not in result.stderr


def test_baseline_works_from_a_subdirectory(tmp_path):
    files = {**TINY_APP, "app/db.py": TINY_APP["db.py"]}
    del files["db.py"]
    write(tmp_path, files)
    assert run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path).returncode == 0
    result = run(["--format", "json", "--no-cache", "--baseline", "../b.json", "."], tmp_path / "app")
    assert result.returncode == 0, result.stdout + result.stderr
    assert findings(result) == []


@pytest.mark.parametrize("content", [None, "not json at all", '{"entries": "nope"}'])
def test_missing_or_corrupt_baseline_is_a_usage_error(tmp_path, content):
    write(tmp_path, TINY_APP)
    if content is not None:
        (tmp_path / "b.json").write_text(content)
    result = run(["--format", "json", "--no-cache", "--baseline", "b.json", "."], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "baseline b.json" in result.stderr and "Traceback" not in result.stderr


def test_baseline_and_write_baseline_together_is_a_usage_error(tmp_path):
    write(tmp_path, TINY_APP)
    result = run(["--baseline", "a.json", "--write-baseline", "b.json", "."], tmp_path)
    assert result.returncode == 2 and "cannot be used together" in result.stderr
    assert not (tmp_path / "b.json").exists()
    result = run(["--write-baseline", "b.json", "--output-file", "out.txt", "."], tmp_path)
    assert result.returncode == 2 and "--output-file" in result.stderr
    assert not (tmp_path / "b.json").exists() and not (tmp_path / "out.txt").exists()


def test_write_baseline_on_a_clean_project_records_nothing(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --workers 2\n"})
    write(tmp_path, {"db.py": TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5")})
    result = run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path)
    assert result.returncode == 0
    assert json.loads((tmp_path / "b.json").read_text())["entries"] == []
    assert run(["--no-cache", "--baseline", "b.json", "."], tmp_path).returncode == 0


def test_baseline_combines_with_other_formats_and_output_file(tmp_path):
    write(tmp_path, TINY_APP)
    assert run(["--write-baseline", "b.json", "--no-cache", "."], tmp_path).returncode == 0
    write(tmp_path, {"db.py": TINY_APP["db.py"] + SECOND_POOL})
    result = run(["--format", "sarif", "--no-cache", "--baseline", "b.json", "-o", "out.sarif", "."], tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [("SCL302", 6)]
