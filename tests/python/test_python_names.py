import ast

import pytest

from scalelint.python.names import ImportMap, dotted, module_name_for, resolve_relative


@pytest.mark.parametrize(
    "path, expected",
    [
        ("app/models.py", "app.models"),
        ("pkg/__init__.py", "pkg"),
        ("src/pkg/mod.py", "pkg.mod"),
        ("./src/pkg/__init__.py", "pkg"),
        ("settings.py", "settings"),
        ("a\\b\\c.py", "a.b.c"),
        ("gunicorn.conf.py", ""),
        ("my-app/views.py", ""),
        ("pkg/class/x.py", ""),
        ("__init__.py", ""),
        ("Procfile", ""),
        ("stubs/mod.pyi", "stubs.mod"),
    ],
)
def test_module_name_for(path, expected):
    assert module_name_for(path) == expected


@pytest.mark.parametrize(
    "module, level, name, is_package, expected",
    [
        ("app.views", 1, "models", False, "app.models"),
        ("app.views", 1, None, False, "app"),
        ("app.sub.views", 2, "models", False, "app.models"),
        ("app.sub.views", 2, None, False, "app"),
        ("app", 1, "models", True, "app.models"),
        ("app.sub", 2, "x", True, "app.x"),
        ("app", 1, None, True, "app"),
        ("views", 1, "x", False, None),
        ("app.views", 3, "x", False, None),
        ("", 1, "x", False, None),
        ("app.views", 0, "os.path", False, "os.path"),
    ],
)
def test_resolve_relative(module, level, name, is_package, expected):
    assert resolve_relative(module, level, name, is_package) == expected


def _map(code: str, module: str = "app.views", is_package: bool = False) -> tuple[ImportMap, list]:
    m = ImportMap(module, is_package)
    results = [m.add(node) for node in ast.parse(code).body]
    return m, results


def q(m: ImportMap, expr: str):
    return m.qualify(ast.parse(expr, mode="eval").body)


def test_import_aliases_and_attribute_chains():
    m, results = _map(
        "import sqlalchemy as sa\n"
        "import psycopg2.pool\n"
        "import os.path as osp\n"
        "from sqlalchemy import create_engine\n"
        "from psycopg2 import pool as pg\n"
        "from flask import Flask as F\n"
    )
    assert q(m, "sa.create_engine") == "sqlalchemy.create_engine"
    assert q(m, "sa.ext.asyncio.create_async_engine") == "sqlalchemy.ext.asyncio.create_async_engine"
    assert q(m, "create_engine") == "sqlalchemy.create_engine"
    assert q(m, "psycopg2.pool.ThreadedConnectionPool") == "psycopg2.pool.ThreadedConnectionPool"
    assert q(m, "pg.SimpleConnectionPool") == "psycopg2.pool.SimpleConnectionPool"
    assert q(m, "osp.join") == "os.path.join"
    assert q(m, "F") == "flask.Flask"
    assert q(m, "unknown_name") is None
    assert q(m, "make().run") is None
    assert q(m, "x[0].y") is None
    # what each statement imports (absolute modules)
    assert results[0] == (["sqlalchemy"], None)
    assert results[1] == (["psycopg2.pool"], None)
    assert results[3] == (["sqlalchemy"], None)
    assert m.is_module_binding("sa") and m.is_module_binding("psycopg2")
    assert not m.is_module_binding("create_engine") and not m.is_module_binding("nothing")
    assert ("psycopg2", "psycopg2") in m.items()
    assert ("pg", "psycopg2.pool") in m.items()


def test_relative_imports_resolve_against_the_module():
    m, results = _map(
        "from . import models\n"
        "from .db import engine as eng\n"
        "from ..core.settings import DEBUG\n"
        "from .utils import *\n",
        module="app.sub.views",
    )
    assert q(m, "models.User") == "app.sub.models.User"
    assert q(m, "eng.connect") == "app.sub.db.engine.connect"
    assert q(m, "DEBUG") == "app.core.settings.DEBUG"
    assert results[0] == (["app.sub"], None)
    assert results[3] == (["app.sub.utils"], "app.sub.utils")


def test_relative_imports_in_a_package_init():
    m, _ = _map("from .models import db\nfrom . import views\n", module="app", is_package=True)
    assert q(m, "db") == "app.models.db"
    assert q(m, "views") == "app.views"


def test_unresolvable_relative_import_shadows_and_is_not_listed():
    m, results = _map("from sqlalchemy import create_engine\nfrom .x import create_engine\n", module="")
    assert q(m, "create_engine") is None
    assert results[1] == ([], None)
    assert m.items() == []


def test_future_imports_bind_nothing():
    m, results = _map("from __future__ import annotations\n")
    assert results == [([], None)]
    assert m.items() == []


def test_child_map_layers_over_parent():
    parent, _ = _map("import sqlalchemy as sa\nfrom flask import Flask\n")
    child = parent.child()
    child.add(ast.parse("from quart import Quart as Flask").body[0])
    assert q(child, "Flask") == "quart.Quart"
    assert q(child, "sa.create_engine") == "sqlalchemy.create_engine"
    assert q(parent, "Flask") == "flask.Flask"
    assert parent.items() == [("sa", "sqlalchemy"), ("Flask", "flask.Flask")]


def test_dotted():
    assert dotted(ast.parse("a.b.c", mode="eval").body) == "a.b.c"
    assert dotted(ast.parse("a", mode="eval").body) == "a"
    assert dotted(ast.parse("a().b", mode="eval").body) is None
