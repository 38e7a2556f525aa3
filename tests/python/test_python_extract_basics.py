from scalelint.facts import Const, EnvVar, Unknown


def test_imports_and_imported_modules(facts):
    pf, _ = facts(
        """
        from __future__ import annotations
        import os, sys as system
        import os.path
        from sqlalchemy import create_engine as ce
        from . import models
        from .db import *
        try:
            import ujson as json
        except ImportError:
            import json

        def f():
            import redis
            from celery import shared_task
        """,
        module="proj.app",
    )
    imports = dict(pf.imports)
    assert imports["os"] == "os"
    assert imports["system"] == "sys"
    assert imports["ce"] == "sqlalchemy.create_engine"
    assert imports["models"] == "proj.models"
    assert imports["json"] == "json"  # the last binding wins
    assert "redis" not in imports and "shared_task" not in imports  # function-level: not module bindings
    assert "annotations" not in imports
    assert pf.imported_modules == ("os", "sys", "os.path", "sqlalchemy", "proj", "proj.db", "ujson", "json", "redis", "celery")
    assert pf.star_imports == ("proj.db",)
    assert pf.module == "proj.app"
    assert pf.has_main_guard is False


def test_package_init_relative_imports(facts):
    pf, _ = facts("from .models import db\n", module="proj", is_package=True)
    assert pf.imports == (("db", "proj.models.db"),)
    pf, _ = facts("from .models import db\n", module="proj")  # a top-level module: `.` has no parent
    assert pf.imports == ()


def test_main_guard_flag(facts):
    assert facts('if __name__ == "__main__":\n    pass\n')[0].has_main_guard
    assert facts("if '__main__' == __name__:\n    pass\n")[0].has_main_guard
    assert not facts("def f():\n    if __name__ == '__main__':\n        pass\n")[0].has_main_guard


def test_gunicorn_conf_assignments(facts, span):
    pf, src = facts(
        """
        import multiprocessing, os
        bind = "0.0.0.0:" + os.environ.get("PORT", "8000")
        workers = multiprocessing.cpu_count() * 2 + 1
        threads = 4
        worker_class = "gthread"
        timeout = int(os.getenv("TIMEOUT", "120"))
        worker_connections: int = 1000
        wsgi_app = "proj.wsgi:application"
        """
    )
    a = {x.name: x for x in pf.assignments}
    assert list(a) == ["bind", "workers", "threads", "worker_class", "timeout", "worker_connections", "wsgi_app"]
    assert isinstance(a["bind"].value, Unknown)
    assert a["workers"].value == Unknown("multiprocessing.cpu_count() * 2 + 1", span(src, "multiprocessing.cpu_count() * 2 + 1"))
    assert a["threads"].value == Const(4, span(src, "4"))
    assert a["threads"].span == span(src, "threads")
    assert a["worker_class"].value.value == "gthread"
    assert a["timeout"].value == EnvVar("TIMEOUT", Const(120, span(src, '"120"')), span(src, 'int(os.getenv("TIMEOUT", "120"))'))
    assert a["worker_connections"].value.value == 1000
    assert a["wsgi_app"].value.value == "proj.wsgi:application"


def test_assignments_in_if_and_try_last_wins(facts, span):
    pf, src = facts(
        """
        DEBUG = True
        CONN_MAX_AGE = 0
        if os.environ.get("PROD"):
            DEBUG = False
            CONN_MAX_AGE = 60
        try:
            from .local import *
        except ImportError:
            WORKERS = 2
        else:
            pass
        CONN_MAX_AGE = CONN_MAX_AGE
        a = b = 7
        x, y = 1, "two"
        p, q = compute()
        n = 2
        n += 3
        m = 2
        m *= cpu()

        def f():
            INSIDE = 1

        class C:
            ATTR = 1
        """
    )
    a = {x.name: x for x in pf.assignments}
    assert a["DEBUG"].value.value is False
    assert a["DEBUG"].span == span(src, "DEBUG", 1)
    assert a["CONN_MAX_AGE"].value == Const(60, span(src, "60"))  # follows the name to the last constant
    assert a["CONN_MAX_AGE"].span == span(src, "CONN_MAX_AGE", 2)
    assert a["WORKERS"].value.value == 2
    assert a["a"].value.value == 7 and a["b"].value.value == 7
    assert a["x"].value.value == 1 and a["y"].value.value == "two"
    assert isinstance(a["p"].value, Unknown) and a["p"].value.text == "compute()"
    assert a["n"].value.value == 5
    assert isinstance(a["m"].value, Unknown)
    assert "INSIDE" not in a and "ATTR" not in a
    assert list(a)[-1] == "m"


def test_django_settings_values(facts):
    pf, _ = facts(
        """
        import os
        DEBUG = os.environ.get("DEBUG", "0") == "1"
        ASGI_APPLICATION = "proj.asgi.application"
        WSGI_APPLICATION = "proj.wsgi.application"
        CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", 600))
        """
    )
    a = {x.name: x.value for x in pf.assignments}
    assert isinstance(a["DEBUG"], Unknown)
    assert a["ASGI_APPLICATION"].value == "proj.asgi.application"
    assert a["WSGI_APPLICATION"].value == "proj.wsgi.application"
    assert a["CONN_MAX_AGE"].name == "CONN_MAX_AGE" and a["CONN_MAX_AGE"].default.value == 600


def test_env_readers_bound_in_module(facts):
    pf, _ = facts(
        """
        from decouple import AutoConfig
        import environ
        cfg = AutoConfig(search_path="/app")
        env = environ.Env()
        POOL = cfg("POOL", default=3, cast=int)
        DEBUG = env.bool("DEBUG", default=False)
        """
    )
    a = {x.name: x.value for x in pf.assignments}
    assert a["POOL"].name == "POOL" and a["POOL"].default.value == 3
    assert a["DEBUG"].name == "DEBUG" and a["DEBUG"].default.value is False


def test_env_defaults(facts):
    pf, _ = facts(
        """
        import os
        from os import environ
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

        def main():
            environ.setdefault("CELERY", "x")
            os.environ.setdefault("A", some_value)
            d.setdefault("B", "c")

        if __name__ == "__main__":
            x = [os.environ.setdefault("C", "d")]
        """
    )
    assert pf.env_defaults == (("DJANGO_SETTINGS_MODULE", "proj.settings"), ("C", "d"), ("CELERY", "x"))


def test_non_ascii_columns(facts, span):
    pf, src = facts('TITLE = "Café ☕"; POOL = 5\n')
    a = {x.name: x for x in pf.assignments}
    assert a["POOL"].span == span(src, "POOL")
    assert a["POOL"].value.span == span(src, "5")
