"""The deployment and pool bottlenecks of the scaling reviews scalelint was born from
(shared/seeds 001 RuckingApp, 003 SmartTrip), on reproductions in tests/fixtures/seeds/.

Each reproduction is its own scalelint project (a `[tool.scalelint]` table at its root). The
places are found by the text that holds them, so edits elsewhere in a file do not break the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scalelint.api import lint

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
RUCKING = SEEDS / "001-ruckingapp"
SMARTTRIP = SEEDS / "003-smarttrip"


def findings(root: Path) -> set[tuple[str, int, str]]:
    report = lint([root], cache=False, jobs=1)
    return {(Path(d.path).resolve().relative_to(root.resolve()).as_posix(), d.span.line, d.code) for d in report.diagnostics}


def line_of(root: Path, path: str, text: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if text in line]
    assert len(hits) == 1, (path, text, hits)
    return hits[0]


def copy_of(seed: Path, tmp_path: Path) -> Path:
    target = tmp_path / seed.name
    shutil.copytree(seed, target)
    return target


def replace_in(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def pool_findings(found: set[tuple[str, int, str]], path: str) -> set[tuple[str, int, str]]:
    return {f for f in found if f[0] == path and f[2] in ("SCL301", "SCL302")}


# --- 001 RuckingApp ------------------------------------------------------------------------


def test_rucking_flask_dev_server_on_heroku():
    found = findings(RUCKING)
    assert ("Procfile", line_of(RUCKING, "Procfile", "web: python RuckTracker/app.py"), "SCL202") in found


def test_rucking_limited_connection_pool():
    found = findings(RUCKING)
    line = line_of(RUCKING, "RuckTracker/database.py", "maxconn=5")
    assert pool_findings(found, "RuckTracker/database.py") == {("RuckTracker/database.py", line, "SCL301")}


def test_rucking_connection_per_request_in_the_auth_decorator():
    """The route's `@token_required` wrapper runs on every request: the call graph follows it."""
    found = findings(RUCKING)
    line = line_of(RUCKING, "RuckTracker/utils/auth.py", "psycopg2.connect(")
    assert ("RuckTracker/utils/auth.py", line, "SCL303") in found


def test_rucking_the_reviews_gevent_fix_exhausts_the_pool(tmp_path):
    """The review's Procfile (`--workers 4 --worker-class gevent`) ends the dev server, and each
    worker then serves up to 1000 requests (gevent's default) on 5 connections."""
    root = copy_of(RUCKING, tmp_path)
    fixed = "web: gunicorn --workers 4 --worker-class gevent --timeout 30 --bind 0.0.0.0:$PORT RuckTracker.app:app"
    replace_in(root, "Procfile", "web: python RuckTracker/app.py", fixed)
    found = findings(root)
    assert not {f for f in found if f[0] == "Procfile"}
    line = line_of(root, "RuckTracker/database.py", "maxconn=5")
    assert pool_findings(found, "RuckTracker/database.py") == {("RuckTracker/database.py", line, "SCL302")}


# --- 003 SmartTrip -------------------------------------------------------------------------


def test_smarttrip_gunicorn_left_at_one_worker_on_render():
    found = findings(SMARTTRIP)
    assert ("render.yaml", line_of(SMARTTRIP, "render.yaml", "startCommand: gunicorn"), "SCL201") in found


def test_smarttrip_pool_is_not_small_for_one_sync_worker():
    """15 or 30 connections for a process that serves one request at a time: not a finding."""
    assert pool_findings(findings(SMARTTRIP), "backend/app/core/database.py") == set()


def test_smarttrip_pool_is_judged_against_the_deployment(tmp_path):
    """The same conditional pool (5 + 10 behind the pooler) runs out once each process serves 32."""
    root = copy_of(SMARTTRIP, tmp_path)
    replace_in(root, "render.yaml", "--bind 0.0.0.0:$PORT", "--bind 0.0.0.0:$PORT --workers 2 --threads 32")
    found = findings(root)
    line = line_of(root, "backend/app/core/database.py", "pool_size=pool_size")
    assert pool_findings(found, "backend/app/core/database.py") == {("backend/app/core/database.py", line, "SCL302")}
    assert not {f for f in found if f[0] == "render.yaml"}


def test_smarttrip_after_the_proposals_gunicorn_fix(tmp_path):
    root = copy_of(SMARTTRIP, tmp_path)
    fixed = "--bind 0.0.0.0:$PORT --workers 4 --worker-class sync --timeout 120 --keep-alive 5"
    replace_in(root, "render.yaml", "--bind 0.0.0.0:$PORT", fixed)
    found = findings(root)
    assert not {f for f in found if f[0] == "render.yaml"}
    assert pool_findings(found, "backend/app/core/database.py") == set()
