import ast
import pathlib
import sys

from scalelint.facts import PythonFacts
from scalelint.python.extract import extract_python_facts
from scalelint.python.names import module_name_for

WEIRD = '''
import os, typing
from sqlalchemy import create_engine
from flask import Flask
app = Flask(__name__)
if (n := len(os.environ)) > 3:
    WORKERS = n
match os.environ.get("MODE"):
    case "a" | "b" as m if m:
        POOL = 1
    case {"k": v, **rest}:
        POOL = 2
    case [x, *others]:
        POOL = 3
    case Point(x=0):
        POOL = 4
    case _:
        POOL = create_engine(*args, **kwargs)
@decorator(create_engine(url, pool_size=1))
@app.route("/")
async def handler(*args, pool_size=3, **kwargs):
    result = [x async for x in aiter()]
    data = {k: v for k, v in kwargs.items()}
    async with engine.connect() as conn, engine.connect():
        pass
    engine2 = create_engine(url, pool_size=pool_size)
    lam = lambda q=create_engine(u): q.connect()
    global G
    def nested():
        nonlocal data
        yield from other()
    class Local:
        SQLALCHEMY_ENGINE_OPTIONS = {**base, None: 1, 1: 2}
        def m(self): return self
    try:
        pass
    except* ValueError:
        pass
    return await something(*[1], **{"a": 2})
x: int
y: "typing.Any" = ...
z = b"bytes"
w = 1j
f"{app!r:>{10}}"
del x
assert True, "msg"
raise SystemExit
for i in range(3):
    pass
else:
    WORKERS = 1
while False:
    break
with open("x") as (a, b):
    pass
print(*[1], **{})
[app.run() for _ in ()]
(yield_ := 1)
DATABASES = {**BASE, "default": {**BASE_DB}}
DATABASES["default"] = {"ENGINE": None}
DATABASES[0] = 1
DATABASES = DATABASES
SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": -(-5), "max_overflow": 10**2}
a = b = c, d = 1, 2
e, *f = 1, 2, 3
app.config["SQLALCHEMY_POOL_SIZE"] = SIZE_NOT_DEFINED
if __name__ == "__main__":
    def main(): pass
    app.run(*a, **k)
    main(*a)
    (lambda: app.run())()
'''


if sys.version_info < (3, 11):  # `except*` is 3.11+ syntax
    WEIRD = WEIRD.replace("except* ValueError", "except ValueError")


def test_weird_code_does_not_raise(facts):
    pf, _ = facts(WEIRD)
    assert isinstance(pf, PythonFacts)
    a = {x.name: x.value for x in pf.assignments}
    assert "POOL" in a and a["WORKERS"].value == 1
    opts = [p for p in pf.pools if p.library == "flask-sqlalchemy" and p.function is None]
    assert any(p.size is not None and getattr(p.size, "value", None) == 5 for p in opts)
    # the parameter `pool_size` shadows nothing at module level; it stays unknown
    eng2 = [p for p in pf.pools if p.library == "sqlalchemy" and p.function == "handler" and p.size is not None]
    assert eng2 and all(getattr(p.size, "text", None) == "pool_size" for p in eng2)
    assert pf.has_main_guard
    assert {r.callee for r in pf.run_calls} == {"flask.Flask.run"}
    kinds = [(c.function, c.returned_safely) for c in pf.checkouts]
    assert ("handler", True) in kinds


def test_parameter_shadows_module_constant(facts):
    pf, _ = facts(
        """
        from sqlalchemy import create_engine
        pool_size = 50
        def make(pool_size=1):
            return create_engine(URL, pool_size=pool_size)
        def make2():
            return create_engine(URL, pool_size=pool_size)
        """
    )
    a, b = pf.pools
    assert a.size.text == "pool_size" and b.size.value == 50


def test_empty_and_docstring_only(facts):
    assert facts("")[0] == PythonFacts(module="app")
    assert facts('"""doc"""\n')[0].assignments == ()


def _django_files():
    import django

    root = pathlib.Path(django.__file__).parent
    return root.parent, sorted(root.rglob("*.py"))


def test_smoke_over_installed_django(capsys):
    base, files = _django_files()
    assert len(files) > 500
    n_apps = n_pools = 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source)
        except SyntaxError:  # pragma: no cover - Django ships only valid code
            continue
        rel = path.relative_to(base).as_posix()
        pf = extract_python_facts(tree, source, module_name_for(rel), is_package=path.name == "__init__.py")
        assert pf.module == module_name_for(rel)
        n_apps += len(pf.apps)
        n_pools += len(pf.pools)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    # django/core/wsgi.py and asgi.py define the factories; the postgresql backend builds a psycopg pool
    assert n_pools >= 1


def test_a_failing_handler_only_loses_its_statement(facts, monkeypatch):
    from scalelint.python import extract as extract_mod

    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(extract_mod, "STRICT", False)
    monkeypatch.setattr(extract_mod._Extractor, "_pool_site", boom)
    pf, _ = facts("from flask import Flask\nfrom sqlalchemy import create_engine\ne = create_engine(u, pool_size=1)\napp = Flask(__name__)\n")
    assert pf.pools == ()
    assert [a.name for a in pf.apps] == ["app"]
    assert [a.name for a in pf.assignments] == ["e", "app"]


def test_facts_pickle(facts):
    import pickle

    pf, _ = facts(WEIRD)
    assert pickle.loads(pickle.dumps(pf)) == pf
