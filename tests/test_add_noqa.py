"""--add-noqa: a `scalelint: ignore[CODE]` where each finding is, in the file's own comment
syntax, without changing what the file means; afterwards the run is clean. Files change only
when asked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clitools import findings, run
from scalelint.noqa import suppress

REPO = Path(__file__).resolve().parents[1]


def test_add_noqa_on_the_example_leaves_nothing_to_report(tmp_path):
    shop = tmp_path / "shop"
    shutil.copytree(REPO / "examples" / "flask-shop", shop)
    before = findings(run(["--output-format", "json", "--no-cache", "."], shop))
    assert len(before) == 7
    untouched = {p.relative_to(shop): p.read_bytes() for p in shop.rglob("*") if p.is_file()}
    result = run(["--add-noqa", "--no-cache", "."], shop)
    assert result.returncode == 0 and result.stdout == ""
    assert "scalelint: added 7 suppressions in 4 files" in result.stderr
    assert findings(run(["--output-format", "json", "--no-cache", "."], shop)) == []
    changed = {p.relative_to(shop) for p in shop.rglob("*") if p.is_file() and untouched.get(p.relative_to(shop)) != p.read_bytes()}
    assert changed == {Path("Dockerfile"), Path("Procfile"), Path("shop/db.py"), Path("shop/views.py")}
    # a Dockerfile comment only stands on its own line; a Procfile line ends in a shell comment
    dockerfile = (shop / "Dockerfile").read_text().splitlines()
    cmd = next(i for i, line in enumerate(dockerfile) if line.startswith("CMD"))
    assert dockerfile[cmd - 1] == "# scalelint: ignore[SCL205]"
    assert (shop / "Procfile").read_text().splitlines()[0].endswith("--threads 8  # scalelint: ignore[SCL201]")
    # a second run adds nothing
    again = run(["--add-noqa", "--no-cache", "."], shop)
    assert "added 0 suppressions in 0 files" in again.stderr


def test_nothing_is_written_without_the_flag(tmp_path):
    shop = tmp_path / "shop"
    shutil.copytree(REPO / "examples" / "flask-shop", shop)
    before = {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()}
    for args in (["."], ["--diff", "--unsafe-fixes", "."], ["--statistics", "."], ["--show-fixes", "."]):
        run(["--no-cache", *args], shop)
    assert {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("kind", "text", "line", "expected"),
    [
        ("python", "x = make(pool_size=2)\n", 1, "x = make(pool_size=2)  # scalelint: ignore[SCL302]\n"),
        # merged into the suppression the line has
        ("python", "x = make(pool_size=2)  # scalelint: ignore[SCL301]\n", 1, "x = make(pool_size=2)  # scalelint: ignore[SCL301, SCL302]\n"),
        # the line ends inside a string: a trailing comment would be text, so it goes above
        ('python', 'def f():\n    q = """SELECT *\n    FROM t"""\n', 2, 'def f():\n    # scalelint: ignore[SCL302]\n    q = """SELECT *\n    FROM t"""\n'),
        # a continuation: a comment after the backslash would break the line
        ("python", "x = 1 + \\\n    2\n", 1, "# scalelint: ignore[SCL302]\nx = 1 + \\\n    2\n"),
        ("sql", "SELECT * FROM t;\n", 1, "SELECT * FROM t;  -- scalelint: ignore[SCL302]\n"),
        ("template", "<li>{{ o.customer.name }}</li>\n", 1, "<li>{{ o.customer.name }}</li>  {# scalelint: ignore[SCL302] #}\n"),
        ("systemd", "[Service]\nExecStart=gunicorn app:app\n", 2, "[Service]\n# scalelint: ignore[SCL302]\nExecStart=gunicorn app:app\n"),
        ("yaml", "services:\n  web:\n    command: gunicorn app:app\n", 3, "services:\n  web:\n    command: gunicorn app:app  # scalelint: ignore[SCL302]\n"),
        # inside a block scalar `#` is text: the comment goes above the scalar's line... which is text too
        ("yaml", "services:\n  web:\n    command: |\n      gunicorn app:app\n", 4, None),
        ("toml", "[processes]\napp = 'gunicorn app:app'\n", 2, "[processes]\napp = 'gunicorn app:app'  # scalelint: ignore[SCL302]\n"),
        ("toml", 'cmd = """\ngunicorn app:app\n"""\n', 2, None),
        # a file that does not parse is not touched
        ("python", "def f(:\n", 1, None),
    ],
)
def test_the_comment_goes_where_it_keeps_the_meaning(kind, text, line, expected):
    assert suppress(text, kind, line, ["SCL302"]) == expected
