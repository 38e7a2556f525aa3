"""The `sql-dialect` setting: validated, part of the cache key, and what the schema rules judge for."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalelint import api
from scalelint.cache import FactsCache
from scalelint.config import ConfigError, settings_from_table
from scalelint.discovery import walk
from scalelint.engine import collect_facts
from scalelint.project import Project

MYSQL_SCHEMA = (
    "CREATE TABLE `users` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n"
    "CREATE TABLE `orders` (`id` int NOT NULL, `user_id` int, PRIMARY KEY (`id`),\n"
    "  CONSTRAINT `orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)) ENGINE=InnoDB;\n"
)


@pytest.mark.parametrize("written, read", [("auto", "auto"), ("postgres", "postgres"), ("PostgreSQL", "postgres"), ("MariaDB", "mysql"), ("sqlite", "sqlite")])
def test_accepted_spellings(written, read):
    assert settings_from_table({"sql-dialect": written}, root=Path("."), source=None).sql_dialect == read


@pytest.mark.parametrize("value", ["oracle", 5, ["postgres"]])
def test_unknown_dialects_are_config_errors(value):
    with pytest.raises(ConfigError, match="sql-dialect"):
        settings_from_table({"sql-dialect": value}, root=Path("."), source=None)


def test_the_dialect_is_part_of_the_cache_key():
    base = settings_from_table({}, root=Path("."), source=None)
    assert base.sql_dialect == "auto"  # the deployment decides (scalelint.project.database)
    assert base.fingerprint() != settings_from_table({"sql-dialect": "mysql"}, root=Path("."), source=None).fingerprint()


PORTABLE_SCHEMA = "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int PRIMARY KEY,\n  user_id int REFERENCES users (id));\n"


def write(root: Path, dialect: str | None, schema: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.scalelint]\n" + (f'sql-dialect = "{dialect}"\n' if dialect else ""))
    (root / "schema.sql").write_text(schema)
    # a request reads a user's orders by the key: what an index on it would serve
    (root / "app.py").write_text(
        "import psycopg2\nfrom flask import Flask\n\napp = Flask(__name__)\nconn = psycopg2.connect('postgresql://db/app')\n\n\n"
        "@app.get('/users/<int:user_id>/orders')\ndef orders(user_id):\n    with conn.cursor() as cur:\n"
        "        cur.execute('SELECT id FROM orders WHERE user_id = %s', (user_id,))\n        return {'orders': cur.fetchall()}\n"
    )


def test_mysql_indexes_its_own_foreign_keys(tmp_path):
    write(tmp_path / "pg", None, PORTABLE_SCHEMA)
    postgres = api.lint([tmp_path / "pg"], cache=False)
    assert [(d.code, d.span.line) for d in postgres.diagnostics if d.code == "SCL605"] == [("SCL605", 3)]
    write(tmp_path / "my", "mysql", PORTABLE_SCHEMA)
    assert [d for d in api.lint([tmp_path / "my"], cache=False).diagnostics if d.code == "SCL605"] == []


def test_sql_files_are_read_in_the_configured_dialect(tmp_path):
    write(tmp_path / "my", "mysql", MYSQL_SCHEMA)
    settings = api.load_settings([tmp_path / "my"])
    files = walk(settings.root, settings.exclude, True)
    facts = collect_facts(files, FactsCache(None, settings.root, settings.fingerprint()), 1, settings.sql_dialect)
    schema = Project(settings.root, facts, settings).schema
    assert schema.dialect == "mysql"
    assert [fk.columns for fk in schema.table("orders").foreign_keys] == [("user_id",)]
    assert facts["schema.sql"].problems == []
