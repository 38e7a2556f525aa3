"""Files named on the command line reach the Project (`Project.named_files`): pre-commit passes
the new migration by name, and a migration-time rule judges it whatever the graph says."""

from __future__ import annotations

from pathlib import Path

from scalelint import api

INITIAL = '''from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("status", models.CharField(max_length=20))]),
    ]
'''
INDEX = '''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddIndex(model_name="order", index=models.Index(fields=["status"], name="order_status_idx")),
    ]
'''
LATER = '''from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_status_idx")]
    operations = []
'''


def write(root: Path) -> Path:
    migrations = root / "shop" / "migrations"
    migrations.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.scalelint]\nselect = ['SCL606']\n")
    (migrations / "0001_initial.py").write_text(INITIAL)
    (migrations / "0002_order_status_idx.py").write_text(INDEX)
    (migrations / "0003_later.py").write_text(LATER)
    return migrations


def test_an_applied_migration_is_judged_only_when_named(tmp_path):
    migrations = write(tmp_path)
    assert api.lint([tmp_path], cache=False).diagnostics == []
    named = api.lint([migrations / "0002_order_status_idx.py"], cache=False)
    assert [(d.code, Path(d.path).name) for d in named.diagnostics] == [("SCL606", "0002_order_status_idx.py")]
    # naming the directory names no file
    assert api.lint([migrations], cache=False).diagnostics == []


def test_named_files_are_project_relative(tmp_path):
    from scalelint.config import load_settings
    from scalelint.engine import _named_files

    migrations = write(tmp_path)
    settings = load_settings([tmp_path])
    facts = {"shop/migrations/0002_order_status_idx.py": None, "shop/migrations/0003_later.py": None}
    named = _named_files(settings.root.resolve(), [migrations / "0002_order_status_idx.py", migrations, tmp_path / "missing.py"], facts)
    assert named == frozenset({"shop/migrations/0002_order_status_idx.py"})


def _git(root: Path, *args: str) -> None:
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(root), "PATH": __import__("os").environ["PATH"]}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_a_head_is_judged_on_a_whole_run_only_while_git_shows_it_uncommitted(tmp_path):
    import shutil

    import pytest

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    migrations = write(tmp_path)
    (migrations / "0003_later.py").unlink()  # 0002 is the head
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "shop/migrations/0001_initial.py", "pyproject.toml")
    _git(tmp_path, "commit", "-q", "-m", "initial")
    # the head is untracked: the next deploy may run it
    assert [Path(d.path).name for d in api.lint([tmp_path], cache=False).diagnostics] == ["0002_order_status_idx.py"]
    _git(tmp_path, "add", "shop/migrations/0002_order_status_idx.py")
    # added to the index, not committed: still new
    assert [Path(d.path).name for d in api.lint([tmp_path], cache=False).diagnostics] == ["0002_order_status_idx.py"]
    _git(tmp_path, "commit", "-q", "-m", "index")
    # committed to the branch: taken for deployed
    assert api.lint([tmp_path], cache=False).diagnostics == []
    # ...unless named, as pre-commit names it
    assert [Path(d.path).name for d in api.lint([migrations / "0002_order_status_idx.py"], cache=False).diagnostics] == ["0002_order_status_idx.py"]
    # a committed head edited in the work tree is new again
    (migrations / "0002_order_status_idx.py").write_text(INDEX + "\n# edited\n")
    assert [Path(d.path).name for d in api.lint([tmp_path], cache=False).diagnostics] == ["0002_order_status_idx.py"]


def test_a_project_in_a_subfolder_of_the_work_tree(tmp_path):
    import shutil

    import pytest

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    app = tmp_path / "backend"
    app.mkdir()
    migrations = write(app)
    (migrations / "0003_later.py").unlink()
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "backend/shop/migrations/0001_initial.py", "backend/pyproject.toml")
    _git(tmp_path, "commit", "-q", "-m", "initial")
    assert [Path(d.path).name for d in api.lint([app], cache=False).diagnostics] == ["0002_order_status_idx.py"]
