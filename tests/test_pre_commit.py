"""The real `pre-commit try-repo` against a temporary git repository: the hook installs from
this checkout, receives only the files it is given, and still judges them against the whole
repository (the pool in db.py against the Procfile's threads)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

FILES = {
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/x', pool_size=2, max_overflow=0)\n",
    "notes.py": "VALUE = 1\n",
}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    if not (REPO / ".git").exists():
        pytest.fail("the scalelint checkout must be a git repository for pre-commit try-repo")
    root = tmp_path_factory.mktemp("precommit-project")
    for name, content in FILES.items():
        (root / name).write_text(content)
    _git(root, "init", "-q")
    _git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".")
    _git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "init")
    home = tmp_path_factory.mktemp("pre-commit-home")
    return root, home


def try_repo(project, *args: str) -> subprocess.CompletedProcess:
    root, home = project
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is part of the test extra"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "SCALELINT_CACHE_DIR": str(home / "cache")}
    return subprocess.run(
        [pre_commit, "try-repo", str(REPO), "scalelint", "--color", "never", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_hook_reports_only_the_passed_file_but_uses_the_whole_project(project):
    result = try_repo(project, "--files", "db.py", "notes.py")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "db.py:3:" in output and "SCL302" in output, output
    assert "SCL201" not in output, output  # the Procfile was not passed, so it is not reported


def test_hook_passes_when_the_passed_files_are_clean(project):
    result = try_repo(project, "--files", "notes.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_all_files_reports_the_procfile_too(project):
    result = try_repo(project, "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Procfile:1:6: SCL201" in output, output
