"""benchmarks/ecosystem/run.py's `--diff` compares a run with the snapshots as they were before
it: with `--update` too, the snapshot it has just rewritten must not stand in for the old one
(a diff of a run against itself is always empty)."""

from __future__ import annotations

import sys
from pathlib import Path

ECOSYSTEM = Path(__file__).resolve().parents[1] / "benchmarks" / "ecosystem"
sys.path.insert(0, str(ECOSYSTEM))
import corpus  # noqa: E402 - benchmarks/ecosystem is not a package
import run  # noqa: E402

FINDING = {"code": "SCL601", "path": "app/views.py", "line": 3, "column": 5, "severity": "warning", "message": "no index"}


def test_diff_is_against_the_snapshot_before_the_run(capsys):
    app = corpus.load_apps()[0]
    stored = run.snapshots.read(run.snapshot_path(app))
    assert stored is not None, f"{app.name} has a committed snapshot"
    result = run.Result(app, findings=[*stored["findings"], FINDING])
    before = {app.name: stored}
    run.print_diff([result], 0, before)
    out = capsys.readouterr().out
    assert f"{app.name}: {len(stored['findings'])} -> {len(stored['findings']) + 1} findings (+1 -0" in out
    assert "app/views.py:3:5" in out
