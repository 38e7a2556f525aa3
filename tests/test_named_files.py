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
