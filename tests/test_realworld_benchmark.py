"""benchmarks/realworld/run.py on a synthetic repository: a git history made here, never a download.

The script decides recall from line ranges, so the part worth proving is its matching: a finding
of an expected code inside a labelled range (with the tolerance) flags the side, one elsewhere in
the file does not, another code does not, and a fixed tree is clean at its spot.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "realworld" / "run.py"


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("realworld_run", RUN)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def entry(run, **spots):
    return run.Entry(id="x", repo="o/n", fix="f" * 40, parent="p" * 40, family="workers", rules=["SCL201"],
                     description="a synthetic entry for the matching tests", set="dev",
                     spots=[run.Spot(file, *ranges) for file, ranges in spots.items()])


def test_a_finding_inside_a_range_or_within_the_tolerance_flags_the_side(run):
    e = entry(run, **{"Procfile": ([(10, 12)], [(20, 20)])})
    findings = [{"code": "SCL201", "path": "Procfile", "line": 14}]
    assert run.judge(e, findings, "parent", 2, "") == (["SCL201:Procfile:14"], [])
    assert run.judge(e, findings, "parent", 1, "") == ([], ["SCL201:Procfile:14"])
    # The fix side reads the fix ranges: line 14 is far from 20.
    assert run.judge(e, findings, "fix", 2, "") == ([], ["SCL201:Procfile:14"])


def test_other_codes_and_other_files_do_not_count(run):
    e = entry(run, **{"Procfile": ([(1, 1)], [(1, 1)])})
    findings = [{"code": "SCL204", "path": "Procfile", "line": 1}, {"code": "SCL201", "path": "Dockerfile", "line": 1}]
    assert run.judge(e, findings, "parent", 2, "") == ([], [])


def test_a_spot_tolerance_overrides_the_default_and_a_subdir_prefixes_paths(run):
    e = entry(run, **{"app/Procfile": ([(5, 5)], [(5, 5)], 0)})
    findings = [{"code": "SCL201", "path": "Procfile", "line": 6}, {"code": "SCL201", "path": "Procfile", "line": 5}]
    hits, near = run.judge(e, findings, "parent", 2, "app/")
    assert hits == ["SCL201:app/Procfile:5"] and near == ["SCL201:app/Procfile:6"]


def test_hunks_and_the_line_shift_of_unchanged_lines(run):
    diff = "@@ -3,0 +4,2 @@\n+a\n+b\n@@ -10,2 +12 @@\n-c\n-d\n+e\n"
    hunks = run.parse_hunks(diff)
    assert hunks == [(3, 0, 4, 2), (10, 2, 12, 1)]
    assert run.shift(2, hunks) == 2  # before both hunks
    assert run.shift(5, hunks) == 7  # after the insertion of two lines
    assert run.shift(20, hunks) == 21  # after the insertion and the 2 -> 1 replacement
    assert run._touches(10, 11, hunks[1]) and not run._touches(5, 8, hunks[1])


def test_problems_names_inconsistent_entries(run):
    bad = entry(run, **{"Procfile": ([(3, 1)], [(1, 1)])})
    bad.rules = ["SCL101"]
    bad.fix = "abc"
    found = run.problems([bad, bad])
    assert any("duplicate id" in p for p in found)
    assert any("do not belong to family workers" in p for p in found)
    assert any("40-digit" in p for p in found)
    assert any("bad line ranges" in p for p in found)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
                               "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_end_to_end_on_a_local_history(run, tmp_path, capsys):
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    (work / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n", encoding="utf-8")
    (work / "Procfile").write_text("release: true\nweb: gunicorn app:app\n", encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "-qm", "parent")
    parent = git(work, "rev-parse", "HEAD")
    (work / "Procfile").write_text("release: true\nweb: gunicorn --workers 4 app:app\n", encoding="utf-8")
    git(work, "commit", "-qam", "fix")
    fix = git(work, "rev-parse", "HEAD")
    mirror = tmp_path / "mirror" / "someone+shop"
    mirror.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "repo")], check=True)

    commits = tmp_path / "commits.toml"
    commits.write_text(f"""
[[commit]]
id = "shop-one-worker"
repo = "someone/shop"
fix = "{fix}"
parent = "{parent}"
family = "workers"
set = "dev"
rules = ["SCL201"]
description = "The Procfile serves the app with gunicorn's default single worker; the fix sets four."
spots = [{{ file = "Procfile", parent = [[2, 2]], fix = [[2, 2]] }}]

[[commit]]
id = "shop-wrong-code"
repo = "someone/shop"
fix = "{fix}"
parent = "{parent}"
family = "workers"
set = "holdout"
rules = ["SCL204"]
description = "The same commit labelled with a code that does not report it, to show it is not counted."
spots = [{{ file = "Procfile", parent = [[2, 2]], fix = [[2, 2]] }}]
""", encoding="utf-8")
    out = tmp_path / "out.json"
    assert run.main(["--commits", str(commits), "--mirror", str(tmp_path / "mirror"), "--set", "all",
                     "--json", str(out)]) == 0
    assert run.main(["--commits", str(commits), "--mirror", str(tmp_path / "mirror"), "--validate"]) == 0
    payload = json.loads(out.read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in payload["entries"]}
    assert by_id["shop-one-worker"]["parent"]["flagged"] is True
    assert by_id["shop-one-worker"]["parent"]["hits"] == ["SCL201:Procfile:2"]
    assert by_id["shop-one-worker"]["fix"]["flagged"] is False
    assert by_id["shop-wrong-code"]["parent"]["flagged"] is False
    assert payload["totals"]["dev"]["all"] == {"entries": 1, "parents_flagged": 1, "fixes_flagged_at_spot": 0,
                                               "crashes": 0, "recall": 1.0}
    assert payload["totals"]["holdout"]["workers"]["recall"] == 0.0
    assert payload["totals"]["all"]["all"]["entries"] == 2
    printed = capsys.readouterr().out
    assert "set: dev" in printed and "set: holdout" in printed
