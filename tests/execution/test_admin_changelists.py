"""Proof by execution for SCL101 on Django admin changelists (project.admin_views).

admin_runner.py requests every changelist of admin_shop/ as a superuser over N = 2 and N = 5 rows
and counts the queries; scalelint lints the same project at `scope = "all"` (staff pages are
silent at the default scope). The admins it reports (at the class) must be exactly the pages
whose query count grows with N.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scalelint.api import lint
from scalelint.config import load_settings

HERE = Path(__file__).resolve().parent
SHOP = HERE / "admin_shop"
ADMIN = SHOP / "store/admin.py"


def _admin_lines() -> dict[int, str]:
    tree = ast.parse(ADMIN.read_text(encoding="utf-8"))
    return {node.lineno: node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def test_reported_changelists_are_the_ones_whose_queries_grow():
    pytest.importorskip("django", minversion="4.2", reason="django is a test extra: pip install -e '.[test]'")
    run = subprocess.run([sys.executable, str(HERE / "admin_runner.py"), "--sizes", "2", "5"], capture_output=True, text=True, timeout=300, cwd=HERE)
    assert run.returncode == 0, run.stderr
    counts = json.loads(run.stdout)
    classes = _admin_lines()
    assert sorted(counts) == sorted(classes.values()), "the runner and admin.py disagree on the admins"
    growing = {name for name, (small, large) in counts.items() if large > small}
    assert 2 <= len(growing) <= len(counts) - 2, f"the shop must have pages on both sides: {counts}"

    settings = dataclasses.replace(load_settings([SHOP]), scope="all")
    report = lint([SHOP], settings, cache=False)
    flagged = {classes[d.line] for d in report.diagnostics if d.code in ("SCL101", "SCL102") and Path(d.path).resolve() == ADMIN.resolve() and d.line in classes}
    others = [f"{d.path}:{d.line} {d.code}" for d in report.diagnostics if d.code in ("SCL101", "SCL102") and d.line not in classes]
    assert flagged == growing, f"queries grow on {sorted(growing)} ({counts}); scalelint reports {sorted(flagged)}"
    assert not others, f"SCL101/SCL102 reported away from an admin class: {others}"
