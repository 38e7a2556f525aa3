"""--fix, --unsafe-fixes and --diff: edits applied from the bottom up, re-lint until nothing
applicable is left, never a file that does not parse."""

from __future__ import annotations

import ast
from types import SimpleNamespace

from click.testing import CliRunner

from scalelint import fixes
from scalelint.cli import main
from scalelint.diagnostics import Diagnostic, Edit, Fix
from scalelint.facts import Span

MODELS = """\
from django.db import models


class Organizer(models.Model):
    name = models.CharField(max_length=100)


class Tag(models.Model):
    name = models.CharField(max_length=50)


class Event(models.Model):
    title = models.CharField(max_length=200)
    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag)
"""

VIEWS = """\
from .models import Event


def event_list(request):
    events = Event.objects.order_by("title")
    return [(e.organizer.name, [t.name for t in e.tags.all()]) for e in events]
"""


# routes the view, so it runs per request (code no handler reaches is not reported by default)
URLS = """\
from django.urls import path

from . import views

urlpatterns = [path("events/", views.event_list)]
"""


def project(tmp_path, views=VIEWS):
    (tmp_path / "pyproject.toml").write_text("[tool.scalelint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(MODELS)
    (tmp_path / "app" / "views.py").write_text(views)
    (tmp_path / "app" / "urls.py").write_text(URLS)
    return tmp_path


def edit(line, col, end_line, end_col, text, path="f.py"):
    return Edit(path, Span(line, col, end_line, end_col), text)


def test_edits_apply_from_the_bottom_and_overlaps_wait():
    text = "a = 1\nb = 2\n"
    new, n = fixes.apply_edits(text, [edit(1, 5, 1, 6, "10"), edit(2, 5, 2, 6, "20"), edit(1, 1, 1, 6, "x = 3")])
    assert (new, n) == ("a = 10\nb = 20\n", 2)  # the third overlaps the first: left for another pass
    same_point = [edit(1, 6, 1, 6, "0"), edit(1, 6, 1, 6, "00")]
    assert fixes.apply_edits(text, same_point) == ("a = 10\nb = 2\n", 1)
    assert fixes.apply_edits(text, [edit(9, 1, 9, 2, "x")]) == (text, 0)  # beyond the file: ignored


def test_fix_converges_on_two_eager_loads_for_one_loop(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--fix", "--no-cache", "--select", "SCL101", "."])
    fixed = (root / "app" / "views.py").read_text()
    assert 'for e in events.select_related("organizer").prefetch_related("tags")]' in fixed
    ast.parse(fixed)
    assert "fixed 2 findings in 1 file" in result.stderr
    assert result.exit_code == 0, result.output  # nothing left to report


def test_diff_shows_the_fix_and_writes_nothing(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--diff", "--no-cache", "--select", "SCL101", "."])
    assert result.exit_code == 1
    assert '+    return [(e.organizer.name, [t.name for t in e.tags.all()]) for e in events.select_related("organizer")]' in result.stdout
    assert (root / "app" / "views.py").read_text() == VIEWS


def test_unsafe_fixes_need_fix_or_diff(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path))
    result = CliRunner().invoke(main, ["--unsafe-fixes", "."])
    assert result.exit_code == 2 and "--unsafe-fixes needs --fix or --diff" in result.stderr
    result = CliRunner().invoke(main, ["--fix", "--diff", "."])
    assert result.exit_code == 2


def _finding(path, fix):
    return Diagnostic("SCL999", "test", "error", "high", path, Span(1, 1, 1, 2), "m", fix)


def test_a_fix_that_would_not_parse_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.py").write_text("x = 1\n")
    broken = _finding("f.py", Fix("t", "safe", (edit(1, 5, 1, 6, "(", "f.py"),)))
    report = SimpleNamespace(diagnostics=[broken])
    outcome, _ = fixes.fix(lambda: SimpleNamespace(diagnostics=[]), report, unsafe=False)
    assert outcome.refused == ["f.py"] and outcome.fixed == 0
    assert (tmp_path / "f.py").read_text() == "x = 1\n"


def test_unsafe_and_display_fixes_wait_for_their_flag(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.py").write_text("x = 1\n")
    unsafe = _finding("f.py", Fix("t", "unsafe", (edit(1, 5, 1, 6, "2", "f.py"),)))
    display = _finding("f.py", Fix("t", "display", ()))
    assert not fixes.applicable(unsafe, unsafe=False) and fixes.applicable(unsafe, unsafe=True)
    assert not fixes.applicable(display, unsafe=True)
    outcome, _ = fixes.fix(lambda: SimpleNamespace(diagnostics=[]), SimpleNamespace(diagnostics=[unsafe, display]), unsafe=True)
    assert outcome.fixed == 1 and (tmp_path / "f.py").read_text() == "x = 2\n"
