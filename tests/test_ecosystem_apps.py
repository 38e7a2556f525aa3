"""The ecosystem check's app list (benchmarks/ecosystem/apps.toml) holds together: every app is
pinned once, the holdout set is the one its recorded draw gives, every dev app has a committed
snapshot of its pinned commit, and no holdout snapshot is committed."""

from __future__ import annotations

import json
import random
import sys
import textwrap
from collections import Counter
from pathlib import Path

ECOSYSTEM = Path(__file__).resolve().parents[1] / "benchmarks" / "ecosystem"
sys.path.insert(0, str(ECOSYSTEM))
import corpus  # noqa: E402 - benchmarks/ecosystem is not a package

APPS = corpus.load_apps()


def test_each_repository_is_pinned_once():
    repeated = [repo for repo, n in Counter(app.repo for app in APPS).items() if n > 1]
    assert repeated == []


def _recorded_draw() -> list[str]:
    """Run the draw written in the header comment of apps.toml (its indented code lines)."""
    header = corpus.APPS_FILE.read_text(encoding="utf-8").split("\n[", 1)[0]
    code = "\n".join(line[1:] for line in header.splitlines() if line.startswith("#     "))
    names: dict = {"random": random}
    exec(textwrap.dedent(code), names)  # noqa: S102 - our own file's comment, the recorded procedure
    return names["holdout"]


def test_the_holdout_set_is_the_recorded_draw():
    drawn = _recorded_draw()
    assert len(drawn) == 6
    assert sorted(drawn) == sorted(app.repo for app in APPS if app.set == "holdout")


def test_every_dev_app_has_a_snapshot_of_its_pinned_commit():
    for app in APPS:
        if app.set != "dev":
            continue
        path = ECOSYSTEM / "snapshots" / f"{app.name}.json"
        assert path.is_file(), f"{app.name}: no snapshot (run.py --app {app.name} --update)"
        header = json.loads(path.read_text(encoding="utf-8"))
        assert (header["repo"], header["commit"], header["set"]) == (app.repo, app.commit, "dev"), app.name


def test_no_holdout_snapshot_is_committed():
    holdout = {app.name for app in APPS if app.set == "holdout"}
    assert holdout, "apps.toml has no holdout app"
    assert sorted(holdout & {p.stem for p in (ECOSYSTEM / "snapshots").glob("*.json")}) == []
    assert "holdout-snapshots/" in (ECOSYSTEM / ".gitignore").read_text(encoding="utf-8").split()
