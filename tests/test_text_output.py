"""The text layouts (full, concise, grouped), fix marks and the fix summary, --statistics'
total, --show-fixes, carets under wide characters, and text that looks like rich markup."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from clitools import run, write
from scalelint.diagnostics import Diagnostic, Edit, Fix
from scalelint.engine import Report
from scalelint.facts import Span
from scalelint.reporting import get
from test_fixes import MODELS, URLS, VIEWS

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nurl = 'postgresql://db/tiny'\nengine = create_engine(url, pool_size=2, max_overflow=0)\n",
}
DJANGO = {"pyproject.toml": "[tool.scalelint]\n", "app/__init__.py": "", "app/models.py": MODELS, "app/views.py": VIEWS, "app/urls.py": URLS}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def finding(path="a.py", line=1, column=1, end_column=2, message="m", fix=None, code="SCL302", severity="warning"):
    return Diagnostic(code, "pool-exhaustion", severity, "high", path, Span(line, column, line, end_column), message, fix)


def test_format_is_an_alias_of_output_format_and_text_of_full(tmp_path):
    write(tmp_path, TINY_APP)
    full = run(["--output-format", "full", "--no-cache", "."], tmp_path)
    assert run(["--format", "text", "--no-cache", "."], tmp_path).stdout == full.stdout
    assert run(["--no-cache", "."], tmp_path).stdout == full.stdout
    assert run(["check", "--no-cache", "."], tmp_path).stdout == full.stdout
    assert full.returncode == 1 and "\n  |\n1 | web: gunicorn" in full.stdout


def test_concise_and_grouped_layouts(tmp_path):
    write(tmp_path, TINY_APP)
    concise = run(["--output-format", "concise", "--no-cache", "."], tmp_path).stdout.splitlines()
    assert concise[0].startswith("Procfile:1:6: SCL201 gunicorn runs")
    assert concise[1].startswith("db.py:4:29: SCL302 pool capacity is 2")
    assert concise[2] == "" and concise[3].startswith("Found 2 findings in 2 files")
    grouped = run(["--output-format", "grouped", "--no-cache", "."], tmp_path).stdout.splitlines()
    assert grouped[:2] == ["Procfile:", grouped[1]] and grouped[1].startswith("  1:6 SCL201 gunicorn runs")
    assert grouped[2] == "" and grouped[3] == "db.py:"
    assert grouped[4].startswith("  4:29 SCL302 pool capacity is 2")
    assert grouped[-2].startswith("Found 2 findings")
    quiet = run(["--output-format", "grouped", "-q", "--no-cache", "."], tmp_path).stdout
    assert "Found" not in quiet and "db.py:" in quiet


def test_positions_align_within_a_file_in_grouped():
    report = Report(root=".", diagnostics=[finding(line=3, column=5), finding(line=120, column=14)], files=1)  # type: ignore[arg-type]
    lines = get("grouped")(report).splitlines()
    assert lines[1] == "     3:5 SCL302 m"
    assert lines[2] == "  120:14 SCL302 m"


def test_safe_fixes_are_marked_and_counted(tmp_path):
    write(tmp_path, DJANGO)
    lines = run(["--output-format", "concise", "--no-cache", "--select", "SCL101", "."], tmp_path).stdout.splitlines()
    assert [line.split(" ")[1:3] for line in lines[:2]] == [["SCL101", "[*]"], ["SCL101", "[*]"]]
    assert lines[-1] == "[*] 2 fixable with `--fix`."
    full = run(["--no-cache", "--select", "SCL101", "."], tmp_path).stdout
    assert full.splitlines()[0].startswith("app/views.py:6:14: SCL101 [*] ")


def test_unsafe_fixes_are_counted_apart_and_marked_only_with_the_flag(tmp_path):
    write(tmp_path, TINY_APP)
    out = run(["--output-format", "concise", "--no-cache", "."], tmp_path).stdout
    assert "[*]" not in out
    assert out.splitlines()[-1].startswith("2 fixable with `--fix --unsafe-fixes`")
    # a safe and an unsafe fix side by side
    safe = Fix("t", "safe", (Edit("a.py", Span(1, 1, 1, 2), "y"),))
    unsafe = Fix("t", "unsafe", (Edit("a.py", Span(2, 1, 2, 2), "y"),))
    report = Report(root=".", diagnostics=[finding(fix=safe), finding(line=2, fix=unsafe), finding(line=3, fix=Fix("advice"))], files=1)  # type: ignore[arg-type]
    text = get("concise")(report)
    assert text.splitlines()[-1] == "[*] 1 fixable with `--fix`, 1 more with `--unsafe-fixes`."
    assert text.count("[*]") == 2  # the safe finding and the summary
    after_flag = get("concise")(report, unsafe=True)
    assert after_flag.count("[*]") == 3 and after_flag.splitlines()[-1] == "[*] 2 fixable with `--fix --unsafe-fixes`."


def test_statistics_has_a_total_and_marks_fixable_rules(tmp_path):
    write(tmp_path, DJANGO)
    lines = run(["--statistics", "--no-cache", "--select", "SCL101", "."], tmp_path).stdout.splitlines()
    assert lines[0].split() == ["2", "SCL101", "[*]", "n-plus-one"]
    assert lines[1].split()[:2] == ["2", "total"] and "in 1 file;" in lines[1]
    assert lines[2] == "[*] 2 fixable with `--fix`."
    bad = run(["--statistics", "--output-format", "json", "."], tmp_path)
    assert bad.returncode == 2 and "--statistics" in bad.stderr


def test_show_fixes_prints_each_fix_as_the_lines_it_changes(tmp_path):
    write(tmp_path, TINY_APP)
    out = run(["--show-fixes", "--no-cache", "--select", "SCL302", "."], tmp_path).stdout
    block = out.split("\n\n")[0].splitlines()
    assert "  = fix (unsafe): Raise the pool to at least 8 connections per process (e.g. pool_size=8, max_overflow=5)" in block
    assert "    -engine = create_engine(url, pool_size=2, max_overflow=0)" in block
    assert "    +engine = create_engine(url, pool_size=8, max_overflow=0)" in block
    assert (tmp_path / "db.py").read_text() == TINY_APP["db.py"]


def test_show_fixes_with_fix_lists_what_was_applied(tmp_path):
    write(tmp_path, DJANGO)
    result = run(["--fix", "--show-fixes", "--no-cache", "--select", "SCL101", "."], tmp_path)
    assert "scalelint: fixed 2 findings in 1 file" in result.stderr
    listed = [line for line in result.stderr.splitlines() if line.startswith("  - app/views.py:6: SCL101")]
    assert len(listed) == 2 and all(line.endswith("(safe)") for line in listed)


@pytest.mark.parametrize("prefix", ["名前 = '東京'; ", "x = '🙂🙂'; ", "\tx = 1; "])
def test_carets_sit_under_the_span_in_terminal_cells(tmp_path, monkeypatch, prefix):
    monkeypatch.chdir(tmp_path)
    line = prefix + "engine = create_engine(url, pool_size=2)"
    (tmp_path / "a.py").write_text(line + "\n", encoding="utf-8")
    start = line.index("pool_size=2")
    d = finding(column=start + 1, end_column=start + 1 + len("pool_size=2"))
    for color in (False, True):
        out = ANSI.sub("", get("full")(Report(root=tmp_path, diagnostics=[d], files=1), color=color)).splitlines()
        source, carets = out[2], out[3]
        shown = source.split(" | ", 1)[1]
        assert carets.split(" | ", 1)[1] == " " * cell_len(shown[:start]) + "^" * len("pool_size=2") + " SCL302"
    plain = get("full")(Report(root=tmp_path, diagnostics=[d], files=1), color=False)
    coloured = get("full")(Report(root=tmp_path, diagnostics=[d], files=1), color=True)
    assert "\x1b[" in coloured and ANSI.sub("", coloured) == plain


def test_text_that_looks_like_markup_is_shown_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("rows = qs[start:end]  # [bold]not markup[/bold]\n")
    message = "pages with `queryset[start:end]` and [red]brackets[/red]"
    d = finding(column=8, end_column=21, message=message, fix=Fix("use [link=x]keyset[/link] pages"))
    report = Report(root=tmp_path, diagnostics=[d], files=1)
    for layout in ("full", "concise", "grouped"):
        for color in (False, True):
            out = ANSI.sub("", get(layout)(report, color=color))
            assert message in out, (layout, color)
    full = get("full")(report)
    assert "rows = qs[start:end]  # [bold]not markup[/bold]" in full and "use [link=x]keyset[/link] pages" in full


def test_list_rules_keeps_brackets_in_summaries(tmp_path):
    from scalelint import registry

    out = run(["--list-rules"], tmp_path).stdout
    bracketed = [rule for rule in registry.all_rules() if "[" in rule.summary]
    for rule in bracketed:
        fragment = rule.summary[rule.summary.index("[") : rule.summary.index("[") + 6]
        assert fragment in out.replace("\n", ""), rule.code


def test_control_characters_in_source_are_not_sent_to_the_terminal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = '\x1b[2J'; engine = make(pool_size=2)\n")
    out = get("full")(Report(root=tmp_path, diagnostics=[finding(column=16, end_column=33)], files=1))
    assert "\x1b" not in out and "\ufffd" in out


def test_statistics_of_a_clean_run_still_says_the_total(tmp_path):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --workers 4 --threads 2\n", "db.py": "x = 1\n"})
    result = run(["--statistics", "--no-cache", "."], tmp_path)
    assert result.returncode == 0
    assert result.stdout.split() == ["0", "total", "in", "0", "files;", "4", "files", "checked"]
