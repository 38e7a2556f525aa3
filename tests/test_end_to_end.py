"""The foundation's acceptance checks, run through the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import run, write, findings

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nurl = 'postgresql://db/tiny'\nengine = create_engine(url, pool_size=2, max_overflow=0)\n",
}


def test_tiny_project_reports_workers_and_pool(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n"})
    result = run(["--format", "json", "--no-cache", "."], tmp_path)
    assert result.returncode == 1, result.stderr
    found = findings(result)
    assert ("Procfile", 1, "SCL201") in found
    pool = [f for f in found if f[0] == "db.py"]
    assert pool == [("db.py", 4, "SCL302")], found


def test_configured_project_is_clean(tmp_path):
    write(
        tmp_path,
        {
            **TINY_APP,
            "Procfile": "web: gunicorn app:app --workers 4 --threads 8\n",
            "db.py": TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5"),
        },
    )
    result = run(["--no-cache", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All clear" in result.stdout


def test_inline_ignore_silences_one_finding(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8  # scalelint: ignore[SCL201]\n"})
    found = findings(run(["--format", "json", "--no-cache", "."], tmp_path))
    assert [f for f in found if f[2] == "SCL201"] == []
    assert ("db.py", 4, "SCL302") in found


BROKEN_FILES: dict[str, str | bytes] = {
    "broken/syntax.py": "def f(:\n    pass\n",
    "broken/binary.py": b"\x00\x01\x02ELF\x00\x00",
    "broken/latin.py": "NAME = 'caf\xe9'\n".encode("latin-1"),
    "broken/schema.sql": "CREATE TABLE (\n",
    "docker-compose.yml": "services:\n  web:\n    command: [unclosed\n",
}


def test_broken_files_become_parse_errors_and_the_run_goes_on(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n", **BROKEN_FILES})
    result = run(["--format", "json", "--no-cache", "."], tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = findings(result)
    parse_errors = {path for path, _, code in found if code == "SCL001"}
    assert parse_errors == {"broken/syntax.py", "broken/binary.py", "broken/latin.py", "broken/schema.sql", "docker-compose.yml"}
    assert ("Procfile", 1, "SCL201") in found
    assert ("db.py", 4, "SCL302") in found


def test_pre_commit_style_file_arguments_use_the_whole_project(tmp_path):
    """Passed only db.py, the pool is still judged against the Procfile's threads, and only
    db.py is reported."""
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n"})
    found = findings(run(["--format", "json", "--no-cache", "db.py"], tmp_path))
    assert found == [("db.py", 4, "SCL302")]


def test_text_output_shows_the_line_and_the_fix(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n"})
    result = run(["--no-cache", "--select", "SCL201", "."], tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Procfile:1:6: SCL201 ")
    assert "web: gunicorn app:app --threads 8" in lines[2]
    assert lines[3].endswith("^^^^^^^^ SCL201")
    assert any(line.strip().startswith("= fix:") for line in lines)
    assert lines[-2].startswith("Found 1 finding")
    # the Procfile's fix is an edit that may change behaviour: the summary says how to apply it
    assert lines[-1].startswith("1 fixable with `--fix --unsafe-fixes`")
    assert "\x1b[" not in result.stdout


def test_exit_codes_and_config_errors(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.scalelint]\nselcet = ['SCL2']\n", "app.py": "x = 1\n"})
    result = run(["."], tmp_path)
    assert result.returncode == 2
    assert "selcet" in result.stderr and "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr
    write(tmp_path, {"pyproject.toml": "[tool.scalelint.rules.pool-exhaustion]\nmax-connections = 'lots'\n"})
    result = run(["."], tmp_path)
    assert result.returncode == 2 and "max-connections" in result.stderr
    assert run(["does-not-exist"], tmp_path).returncode == 2
    assert run(["--select", "SCL999", "."], tmp_path).returncode == 2


def test_exit_zero_and_statistics(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n"})
    result = run(["--no-cache", "--exit-zero", "--statistics", "."], tmp_path)
    assert result.returncode == 0
    rows = result.stdout.splitlines()
    assert [row.split() for row in rows[:2]] == [["1", "SCL201", "unconfigured-gunicorn"], ["1", "SCL302", "pool-exhaustion"]]
    assert rows[2].split()[:2] == ["2", "total"] and "in 2 files" in rows[2]
    assert rows[3].startswith("2 fixable with `--fix --unsafe-fixes`")


def test_option_reaches_the_rule(tmp_path):
    """max-connections set in pyproject.toml changes what pool-exhaustion reports."""
    files = {
        **TINY_APP,
        "Procfile": "web: gunicorn app:app --workers 4\n",
        "db.py": TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5"),
    }
    write(tmp_path, files)
    assert findings(run(["--format", "json", "--no-cache", "."], tmp_path)) == []
    write(tmp_path, {"pyproject.toml": "[tool.scalelint.rules.pool-exhaustion]\nmax-connections = 50\n"})
    assert findings(run(["--format", "json", "--no-cache", "."], tmp_path)) == [("db.py", 4, "SCL302")]


def test_github_format(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n"})
    result = run(["--no-cache", "--format", "github", "--select", "SCL201", "."], tmp_path)
    assert result.stdout.startswith("::warning file=Procfile,line=1,col=6,endLine=1,endColumn=14,title=SCL201 unconfigured-gunicorn::")


@pytest.mark.parametrize("flag", ["--list-rules", "--version"])
def test_informational_flags(tmp_path, flag):
    result = run([flag], tmp_path)
    assert result.returncode == 0 and result.stdout.strip()


@pytest.mark.parametrize("key", ["SCL201", "pool-exhaustion"])
def test_explain_renders_the_shipped_spec(tmp_path, key):
    result = run(["--explain", key], tmp_path)
    assert result.returncode == 0
    assert "Why it hurts at scale" in result.stdout and "Look-alike" in result.stdout


def test_list_rules_names_every_rule(tmp_path):
    from scalelint import registry

    output = run(["--list-rules"], tmp_path).stdout
    assert all(rule.code in output and rule.name in output for rule in registry.all_rules())


def test_explain_unknown_rule_is_a_usage_error(tmp_path):
    result = run(["--explain", "SCL999"], tmp_path)
    assert result.returncode == 2 and "unknown rule" in result.stderr


def test_odd_files_never_hang_or_crash(tmp_path):
    """A FIFO named like a module, a directory nested past the recursion limit, a module too
    deeply nested for the parser, a UTF-16 file: each is skipped or reported, never fatal."""
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --threads 8\n"})
    os.mkfifo(tmp_path / "web.py")
    levels = [str(tmp_path)]
    for _ in range(1100):  # deeper than Python's recursion limit; os.mkdir one level at a time
        levels.append(os.path.join(levels[-1], "d"))
        os.mkdir(levels[-1])
    leaf = os.path.join(levels[-1], "leaf.py")
    with open(leaf, "w") as handle:
        handle.write("x = 1\n")
    (tmp_path / "chain.py").write_text("x = " + " + ".join(["1"] * 8000) + "\n")
    (tmp_path / "utf16.py").write_bytes("x = 1\n".encode("utf-16"))
    try:
        result = run(["--format", "json", "--no-cache", "."], tmp_path)
    finally:
        # pytest's own cleanup removes trees recursively and would overflow on this one
        os.unlink(leaf)
        for directory in reversed(levels[1:]):
            os.rmdir(directory)
    assert "Traceback" not in result.stderr, result.stderr
    found = findings(result)
    assert ("Procfile", 1, "SCL201") in found
    assert ("chain.py", 1, "SCL001") in found and ("utf16.py", 1, "SCL001") in found
    messages = {d["path"]: d["message"] for d in json.loads(result.stdout)["diagnostics"]}
    assert "UTF-16" in messages["utf16.py"]
