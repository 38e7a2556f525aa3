"""The options ruff users reach for: -V, `check`, stdin (`-`, --stdin-filename), -j, and
--show-settings (read back by the config loader to the same settings)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clitools import findings, run, write
from scalelint.config import TOP_LEVEL_KEYS, load_settings, settings_from_table

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --workers 2 --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/tiny', pool_size=10, max_overflow=5)\n",
}
SMALL_POOL = "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/tiny', pool_size=2, max_overflow=0)\n"


def run_stdin(args, cwd, text):
    import os

    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "scalelint", *args], cwd=cwd, input=text, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(tmp_path, flag):
    from scalelint import __version__

    result = run([flag], tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"scalelint, version {__version__}"


def test_check_is_the_default_command(tmp_path):
    write(tmp_path, {**TINY_APP, "db.py": SMALL_POOL})
    plain = run(["--output-format", "json", "--no-cache", "."], tmp_path)
    check = run(["check", "--output-format", "json", "--no-cache", "."], tmp_path)
    assert findings(check) == findings(plain) == [("db.py", 3, "SCL302")]
    assert "scalelint [check]" in run(["check", "--help"], tmp_path).stdout


def test_stdin_is_linted_as_the_named_file_of_its_project(tmp_path):
    """The text on stdin stands for db.py: judged against the Procfile on disk; the disk's
    db.py (a pool of 10) is not what is read."""
    write(tmp_path, TINY_APP)
    result = run_stdin(["--output-format", "json", "--no-cache", "-", "--stdin-filename", "db.py"], tmp_path, SMALL_POOL)
    assert result.returncode == 1, result.stderr
    assert findings(result) == [("db.py", 3, "SCL302")]
    # --stdin-filename alone reads stdin too; a file that does not exist yet is a new file of the project
    result = run_stdin(["--output-format", "json", "--no-cache", "--stdin-filename", "new_db.py"], tmp_path, SMALL_POOL)
    assert findings(result) == [("new_db.py", 3, "SCL302")]
    assert not (tmp_path / "new_db.py").exists()


def test_stdin_without_a_name_is_python_shown_as_dash(tmp_path):
    write(tmp_path, TINY_APP)
    result = run_stdin(["--no-cache", "-"], tmp_path, SMALL_POOL)
    assert result.stdout.startswith("-:3:"), result.stdout
    assert "pool_size=2" in result.stdout  # the snippet comes from stdin, not from a file


def test_fix_on_stdin_prints_the_fixed_text_and_writes_nothing(tmp_path):
    write(tmp_path, TINY_APP)
    result = run_stdin(["--fix", "--unsafe-fixes", "--no-cache", "-", "--stdin-filename", "db.py"], tmp_path, SMALL_POOL)
    assert result.stdout == SMALL_POOL.replace("pool_size=2", "pool_size=8")
    assert "scalelint: fixed 1 finding in 1 file" in result.stderr and "All clear" in result.stderr
    assert result.returncode == 0
    assert (tmp_path / "db.py").read_text() == TINY_APP["db.py"]
    diff = run_stdin(["--diff", "--unsafe-fixes", "--no-cache", "-", "--stdin-filename", "db.py"], tmp_path, SMALL_POOL)
    assert diff.returncode == 1 and "+engine = create_engine('postgresql://db/tiny', pool_size=8" in diff.stdout


def test_stdin_cannot_mix_with_paths_or_in_place_modes(tmp_path):
    write(tmp_path, TINY_APP)
    assert run_stdin(["-", "app.py"], tmp_path, "x = 1\n").returncode == 2
    assert run_stdin(["--add-noqa", "-"], tmp_path, "x = 1\n").returncode == 2


def test_jobs(tmp_path):
    files = {**TINY_APP, "db.py": SMALL_POOL}
    files.update({f"pkg/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(60)})  # enough to use worker processes
    write(tmp_path, files)
    one = run(["--output-format", "json", "--no-cache", "-j", "1", "."], tmp_path)
    two = run(["--output-format", "json", "--no-cache", "--jobs", "2", "."], tmp_path)
    assert findings(one) == findings(two) == [("db.py", 3, "SCL302")]
    assert json.loads(one.stdout)["files"] == json.loads(two.stdout)["files"] == 64
    assert run(["-j", "0", "."], tmp_path).returncode == 2


def test_show_settings_is_a_config_the_loader_reads_back_the_same(tmp_path):
    import tomllib

    write(
        tmp_path,
        {
            **TINY_APP,
            "pyproject.toml": (
                "[tool.scalelint]\nignore = ['SCL204']\nextend-exclude = ['legacy/']\nscope = 'all'\nsql-dialect = 'mysql'\n"
                "[tool.scalelint.tables]\nsmall = ['countries']\n"
                "[tool.scalelint.per-file-ignores]\n'deploy/**' = ['SCL2']\n"
                "[tool.scalelint.rules.pool-exhaustion]\nmax-connections = 20\n"
                "[tool.scalelint.rules.worker-timeout-disabled]\nmax-timeout = 60\n"
            ),
        },
    )
    result = run(["--show-settings", "--select", "SCL3", "."], tmp_path)
    assert result.returncode == 0, result.stderr
    shown = tomllib.loads(result.stdout)["tool"]["scalelint"]
    assert set(shown) == set(TOP_LEVEL_KEYS)  # every key the loader knows, defaults too
    from dataclasses import replace
    from pathlib import Path

    expected = replace(load_settings([tmp_path]), select=("SCL3",))
    again = settings_from_table(shown, root=expected.root, source=expected.config_path)
    # the same settings; each rule's options are the same whether written out or left at their default
    assert replace(again, rule_options=()) == replace(expected, rule_options=())
    from scalelint import registry

    for rule in registry.all_rules():
        assert again.options_for(rule) == expected.options_for(rule), rule.code
    assert expected.options_for(registry.rule_for("SCL302")).max_connections == 20
    assert "# rules that run (4): SCL301, SCL302, SCL303, SCL304" in result.stdout
    assert "# read from: pyproject.toml" in result.stdout
    assert Path(tmp_path / "pyproject.toml").exists()


def test_an_unset_option_is_shown_commented_out(tmp_path):
    write(tmp_path, TINY_APP)
    out = run(["--show-settings", "."], tmp_path).stdout
    assert "[tool.scalelint.rules.worker-timeout-disabled]  # SCL205\n# max-timeout = (not set: the rule's default)" in out


@pytest.mark.parametrize("page", ["README.md", "docs/usage.md"])
def test_the_option_tables_list_exactly_the_cli_options(page):
    """The tables in the README and the usage page name every option of the command, and only those."""
    import re
    from pathlib import Path

    from scalelint.cli import main

    text = (Path(__file__).resolve().parents[1] / page).read_text(encoding="utf-8")
    table = text[text.index("| option | what it does |") :]
    table = table[: table.index("\n\n")]
    documented = {flag for row in table.splitlines()[2:] for flag in re.findall(r"`(--?[\w-]+)", row.split(" | ")[0])}
    import click

    declared = {opt for param in main.params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")}
    declared |= set(main.get_help_option(click.Context(main, **main.context_settings)).opts)
    declared.discard("-")  # PATHS' stdin spelling is in the table as `-`
    assert documented - {"-"} == declared, (sorted(documented - declared), sorted(declared - documented))
