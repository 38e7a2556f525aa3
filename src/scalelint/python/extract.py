"""Per-file Python fact extraction: one pass over an already-parsed module.

The pass walks *statements* (every statement of the module, its classes and functions, once).
Expressions are only looked into where a fact can live: assignment values, script-level
calls, `return`/`with` of functions. A deep walk of every expression is done only for files
whose text names a pool constructor or `environ` (pool sites and `os.environ.setdefault` can
hide anywhere in an expression); that is a cheap substring test and keeps the common file
at statement cost.

Module-level function bodies are visited after the module body, so that imports and
constants written below a function are known when its body is read, and so that
`create_app()` factories and `main()` called from the main guard are known.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from dataclasses import replace

from ..facts import (
    AppDef,
    Assignment,
    ConnectionCheckout,
    DjangoDatabase,
    Expr,
    PoolSite,
    PythonFacts,
    RunCall,
    Span,
    Unknown,
)
from .fold import ENV_READERS, Folder, SourceText
from .names import ImportMap, dotted
from .orm import ModelCollector

__all__ = ["extract_python_facts", "STRICT"]

# Tests set this to re-raise errors from a statement's handler instead of skipping it.
STRICT = False

_TRY_TYPES: tuple[type, ...] = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())  # type: ignore[attr-defined]
_LOOP_TYPES = (ast.For, ast.AsyncFor, ast.While)
_DEF_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

# --- framework tables ------------------------------------------------------------------

_FLASK = ("flask", "wsgi", "flask.Flask")
_QUART = ("quart", "asgi", "quart.Quart")
_FASTAPI = ("fastapi", "asgi", "fastapi.FastAPI")
_STARLETTE = ("starlette", "asgi", "starlette.applications.Starlette")
_SANIC = ("sanic", "asgi", "sanic.Sanic")
_LITESTAR = ("litestar", "asgi", "litestar.Litestar")
_BOTTLE = ("bottle", "wsgi", "bottle.Bottle")
_DJANGO_WSGI = ("django", "wsgi", "django.core.wsgi.get_wsgi_application")
_DJANGO_ASGI = ("django", "asgi", "django.core.asgi.get_asgi_application")
_AIOHTTP = ("aiohttp", "asgi", "aiohttp.web.Application")  # not ASGI, but an async server's app
_PYRAMID = ("pyramid", "wsgi", "pyramid.config.Configurator.make_wsgi_app")

# qualified constructor -> (framework, interface, canonical name)
APP_CTORS: dict[str, tuple[str, str, str]] = {
    "flask.Flask": _FLASK,
    "flask.app.Flask": _FLASK,
    "quart.Quart": _QUART,
    "quart.app.Quart": _QUART,
    "fastapi.FastAPI": _FASTAPI,
    "fastapi.applications.FastAPI": _FASTAPI,
    "starlette.applications.Starlette": _STARLETTE,
    "sanic.Sanic": _SANIC,
    "sanic.app.Sanic": _SANIC,
    "litestar.Litestar": _LITESTAR,
    "litestar.app.Litestar": _LITESTAR,
    "falcon.App": ("falcon", "wsgi", "falcon.App"),
    "falcon.app.App": ("falcon", "wsgi", "falcon.App"),
    "falcon.API": ("falcon", "wsgi", "falcon.API"),
    "falcon.asgi.App": ("falcon", "asgi", "falcon.asgi.App"),
    "falcon.asgi.app.App": ("falcon", "asgi", "falcon.asgi.App"),
    "bottle.Bottle": _BOTTLE,
    "bottle.default_app": _BOTTLE,
    "django.core.wsgi.get_wsgi_application": _DJANGO_WSGI,
    "django.core.handlers.wsgi.WSGIHandler": _DJANGO_WSGI,
    "django.core.asgi.get_asgi_application": _DJANGO_ASGI,
    "django.core.handlers.asgi.ASGIHandler": _DJANGO_ASGI,
    "aiohttp.web.Application": _AIOHTTP,
    "aiohttp.web_app.Application": _AIOHTTP,
}
_APP_TERMINALS = frozenset(q.rpartition(".")[2] for q in APP_CTORS) | {"make_wsgi_app"}

SOCKETIO_CTORS = frozenset({"flask_socketio.SocketIO"})

# functions that start a server when called from a script: callee -> names of positional params
KNOWN_RUN: dict[str, tuple[str, ...]] = {
    "uvicorn.run": ("app",),
    "werkzeug.serving.run_simple": ("hostname", "port", "application", "use_reloader", "use_debugger", "use_evalex"),
    "werkzeug.run_simple": ("hostname", "port", "application", "use_reloader", "use_debugger", "use_evalex"),
    "waitress.serve": ("app",),
    "aiohttp.web.run_app": ("app",),
    "bottle.run": ("app", "server", "host", "port", "interval", "reloader", "quiet", "plugins", "debug"),
}
# `<app>.run(...)` methods -> positional params
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "flask.Flask.run": ("host", "port", "debug", "load_dotenv"),
    "quart.Quart.run": ("host", "port", "debug", "use_reloader"),
    "sanic.Sanic.run": ("host", "port"),
    "flask_socketio.SocketIO.run": ("app", "host", "port"),
}

# qualified pool/engine constructor -> (library, is_async, how to read its arguments)
POOL_FUNCS: dict[str, tuple[str, bool, str]] = {
    "sqlalchemy.create_engine": ("sqlalchemy", False, "engine"),
    "sqlalchemy.engine.create_engine": ("sqlalchemy", False, "engine"),
    "sqlalchemy.engine.create.create_engine": ("sqlalchemy", False, "engine"),
    "sqlmodel.create_engine": ("sqlalchemy", False, "engine"),
    "sqlalchemy.ext.asyncio.create_async_engine": ("sqlalchemy", True, "engine"),
    "sqlalchemy.ext.asyncio.engine.create_async_engine": ("sqlalchemy", True, "engine"),
    "sqlmodel.ext.asyncio.create_async_engine": ("sqlalchemy", True, "engine"),
    "sqlalchemy.engine_from_config": ("sqlalchemy", False, "from_config"),
    "sqlalchemy.engine.engine_from_config": ("sqlalchemy", False, "from_config"),
    "sqlalchemy.engine.create.engine_from_config": ("sqlalchemy", False, "from_config"),
    "sqlalchemy.ext.asyncio.async_engine_from_config": ("sqlalchemy", True, "from_config"),
    "flask_sqlalchemy.SQLAlchemy": ("flask-sqlalchemy", False, "fsa"),
    "flask_sqlalchemy.extension.SQLAlchemy": ("flask-sqlalchemy", False, "fsa"),
    "psycopg2.pool.SimpleConnectionPool": ("psycopg2", False, "psycopg2"),
    "psycopg2.pool.ThreadedConnectionPool": ("psycopg2", False, "psycopg2"),
    "psycopg2.pool.PersistentConnectionPool": ("psycopg2", False, "psycopg2"),
    "psycopg_pool.ConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.pool.ConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.NullConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.null_pool.NullConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.AsyncConnectionPool": ("psycopg", True, "psycopg"),
    "psycopg_pool.pool_async.AsyncConnectionPool": ("psycopg", True, "psycopg"),
    "psycopg_pool.AsyncNullConnectionPool": ("psycopg", True, "psycopg"),
    "psycopg_pool.null_pool_async.AsyncNullConnectionPool": ("psycopg", True, "psycopg"),
    "asyncpg.create_pool": ("asyncpg", True, "asyncpg"),
    "asyncpg.pool.create_pool": ("asyncpg", True, "asyncpg"),
}
_POOL_TERMINALS = frozenset(q.rpartition(".")[2] for q in POOL_FUNCS)
# substrings whose absence from a file proves it builds no pool (any spelling of a call to one
# of POOL_FUNCS has its last name in the text: in the import or in the attribute access)
_POOL_TOKENS = ("create_engine", "create_async_engine", "engine_from_config", "ConnectionPool", "create_pool", "SQLAlchemy")

_ENGINE_EXTRA = ("pool_timeout", "pool_pre_ping", "pool_recycle", "pool_use_lifo", "pool_reset_on_return")
_PSYCOPG_EXTRA = ("min_size", "timeout", "max_waiting", "max_idle", "max_lifetime")

# Flask-SQLAlchemy configuration keys
_FSA_OPTIONS = "SQLALCHEMY_ENGINE_OPTIONS"
_FSA_KEYS = frozenset(
    {
        _FSA_OPTIONS,
        "SQLALCHEMY_POOL_SIZE",
        "SQLALCHEMY_MAX_OVERFLOW",
        "SQLALCHEMY_POOL_TIMEOUT",
        "SQLALCHEMY_POOL_RECYCLE",
        "SQLALCHEMY_DATABASE_URI",
    }
)

# objects whose calls read the environment (`env = environ.Env()`; `config = AutoConfig()`)
_ENV_CTORS = frozenset({"environ.Env", "environs.Env", "decouple.AutoConfig", "decouple.Config"})

_DJ_DATABASE_URL = frozenset({"dj_database_url.config", "dj_database_url.parse"})
_ENVIRON_DB = frozenset({"db", "db_url", "database_url", "db_url_config"})

_KNOWN_ALL = frozenset(APP_CTORS) | frozenset(POOL_FUNCS) | frozenset(KNOWN_RUN) | SOCKETIO_CTORS | _DJ_DATABASE_URL

_SHADOW = Unknown("")  # a function parameter hides a module constant of the same name
_RELEASE_ON_POOL = frozenset({"putconn", "release"})
_RELEASE_ON_CONN = frozenset({"close", "release"})


def _terminal(func: ast.AST) -> str | None:
    t = type(func)
    if t is ast.Name:
        return func.id  # type: ignore[attr-defined]
    if t is ast.Attribute:
        return func.attr  # type: ignore[attr-defined]
    return None


def _main_guard(test: ast.AST) -> bool | None:
    """True: `__name__ == "__main__"` (the body is the guard); False: `!=` (the orelse is)."""
    if type(test) is not ast.Compare or len(test.ops) != 1:  # type: ignore[attr-defined]
        return None
    left, right = test.left, test.comparators[0]  # type: ignore[attr-defined]

    def is_name(n: ast.AST) -> bool:
        return type(n) is ast.Name and n.id == "__name__"  # type: ignore[attr-defined]

    def is_main(n: ast.AST) -> bool:
        return type(n) is ast.Constant and n.value == "__main__"  # type: ignore[attr-defined]

    if (is_name(left) and is_main(right)) or (is_main(left) and is_name(right)):
        op = type(test.ops[0])  # type: ignore[attr-defined]
        if op is ast.Eq:
            return True
        if op is ast.NotEq:
            return False
    return None


def _subscript_root(node: ast.AST) -> tuple[ast.AST, list[ast.AST]]:
    """`D["a"]["b"]` -> (D, [a, b])."""
    keys = []
    while type(node) is ast.Subscript:
        keys.append(node.slice)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    keys.reverse()
    return node, keys


def _chain_root(node: ast.AST) -> ast.AST:
    while type(node) in (ast.Subscript, ast.Attribute, ast.Call):
        node = node.func if type(node) is ast.Call else node.value  # type: ignore[attr-defined]
    return node


def _str_const(node: ast.AST | None) -> str | None:
    if type(node) is ast.Constant and type(node.value) is str:  # type: ignore[attr-defined]
        return node.value  # type: ignore[attr-defined]
    return None


class _Scope:
    __slots__ = (
        "kind",  # module | class | function
        "qualname",  # dotted name for nested definitions ("" for the module)
        "function",  # enclosing function's dotted name, for facts (None outside functions)
        "imap",
        "own_imap",
        "folder",
        "node",  # the FunctionDef of a function scope
        "top",  # a module-level function (candidate app factory)
        "cfg",  # Flask-SQLAlchemy config seen in this scope: key -> (value node, span, size span)
        "local_apps",  # function: local name -> app kind tuple | ("factory", name)
        "local_names",  # script functions: names the function assigns
        "local_consts",  # script functions: folded local assignments
        "class_consts",
        "class_nodes",
        "checkouts",
    )

    def __init__(self, kind: str, qualname: str, function: str | None, imap: ImportMap):
        self.kind = kind
        self.qualname = qualname
        self.function = function
        self.imap = imap
        self.own_imap = kind == "module"
        self.folder: Folder | None = None
        self.node: ast.AST | None = None
        self.top = False
        self.cfg: dict[str, tuple[ast.AST, Span, Span]] | None = None
        self.local_apps: dict[str, tuple] | None = None
        self.local_names: set[str] | None = None
        self.local_consts: dict[str, Expr] | None = None
        self.class_consts: dict[str, Expr] | None = None
        self.class_nodes: dict[str, ast.AST] | None = None
        self.checkouts: list[tuple] | None = None


class _Extractor:
    def __init__(self, source: str, module: str, is_package: bool):
        self.src = SourceText(source)
        self.module = module
        self.imap = ImportMap(module, is_package)
        self.consts: dict[str, Expr] = {}
        self.env_readers: set[str] = set(ENV_READERS)
        self.folder = Folder(self.consts, self.src, self.env_readers)
        self.mod_nodes: dict[str, ast.AST] = {}
        self.mod_funcs: dict[str, ast.AST] = {}
        self.imported_modules: dict[str, None] = {}
        self.star_imports: list[str] = []
        self.assignments: dict[str, Assignment] = {}
        self.apps: list[AppDef] = []
        self.app_bindings: dict[str, tuple[str, str, str]] = {}
        self.pending_factory_apps: list[tuple[str, str, ast.AST]] = []
        self.factories: dict[str, tuple[str, str, str]] = {}
        self.socketio: set[str] = set()
        self.pending_runs: list[dict] = []
        self.run_calls: list[RunCall] = []
        self.checkouts: list[ConnectionCheckout] = []
        self.script_funcs: dict[str, bool] = {}
        self.pools: list[PoolSite] = []
        self.pool_bindings: set[str] = set()
        self.unpooled_bindings: set[str] = set()  # engines built with poolclass=NullPool
        self.pending_checkouts: list[tuple] = []
        self.databases: dict[str, DjangoDatabase] | None = None
        self.databases_mutated = False
        self.env_defaults: list[tuple[str, str]] = []
        self.has_main_guard = False
        self.has_pyramid = False
        self.deferred: list[tuple[ast.AST, str, ImportMap, bool]] = []
        self.scan_pools = any(tok in source for tok in _POOL_TOKENS)
        self.scan_env = "environ.setdefault" in source
        self.deep = self.scan_pools or self.scan_env
        self.scan_cfg = "SQLALCHEMY_" in source
        self.orm = ModelCollector(self.src, module, self.mod_nodes, self.star_imports)

    # --- driver ---------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> PythonFacts:
        mod = _Scope("module", "", None, self.imap)
        mod.folder = self.folder
        self._block(tree.body, mod, False)
        self._guarded(self.orm.visit_module, tree.body, self.imap)
        self._guarded(self._finish_scope, mod)
        for fn, qualname, imap, top in self.deferred:
            script = self.script_funcs.get(fn.name) if top else None  # type: ignore[attr-defined]
            self._guarded(self._function, fn, qualname, imap, top, script)
        self._guarded(self._resolve)
        return self._facts()

    @staticmethod
    def _guarded(fn, *args) -> None:
        try:
            fn(*args)
        except Exception:
            if STRICT:
                raise

    def _facts(self) -> PythonFacts:
        def pos(x) -> tuple[int, int]:
            return (x.span.line, x.span.column)

        return PythonFacts(
            module=self.module,
            imports=tuple(self.imap.items()),
            imported_modules=tuple(self.imported_modules),
            star_imports=tuple(dict.fromkeys(self.star_imports)),
            assignments=tuple(self.assignments.values()),
            apps=tuple(sorted(self.apps, key=pos)),
            run_calls=tuple(sorted(self.run_calls, key=pos)),
            pools=tuple(sorted(self.pools, key=pos)),
            checkouts=tuple(sorted(self.checkouts, key=pos)),
            databases=tuple(self.databases.values()) if self.databases else (),
            databases_mutated=self.databases_mutated,
            env_defaults=tuple(self.env_defaults),
            has_main_guard=self.has_main_guard,
            models=self.orm.models(),
        )

    # --- statements -----------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], sc: _Scope, script: bool | None) -> None:
        for st in body:
            try:
                self._stmt(st, sc, script)
            except Exception:
                if STRICT:
                    raise

    def _stmt(self, st: ast.stmt, sc: _Scope, script: bool | None) -> None:
        t = type(st)
        if t is ast.Expr:
            if script is not None or self.scan_cfg or sc.kind == "module":
                self._expr_stmt(st, sc, script)  # type: ignore[arg-type]
        elif t is ast.Assign or t is ast.AnnAssign:
            self._assign(st, sc, script)
        elif t is ast.Return:
            if sc.top and st.value is not None:  # type: ignore[attr-defined]
                self._return(st.value, sc)  # type: ignore[attr-defined]
        elif t is ast.If:
            guard = _main_guard(st.test) if sc.kind == "module" else None  # type: ignore[attr-defined]
            if guard is not None:
                self.has_main_guard = True
            self._block(st.body, sc, True if guard is True else script)  # type: ignore[attr-defined]
            self._block(st.orelse, sc, True if guard is False else script)  # type: ignore[attr-defined]
        elif t in _DEF_TYPES:
            self._def(st, sc)
        elif t is ast.ClassDef:
            self._class(st, sc)  # type: ignore[arg-type]
        elif t is ast.Import or t is ast.ImportFrom:
            self._import(st, sc)
        elif t is ast.With or t is ast.AsyncWith:
            if sc.kind == "function":
                self._with(st, sc)  # type: ignore[arg-type]
            self._block(st.body, sc, script)  # type: ignore[attr-defined]
        elif t in _LOOP_TYPES:
            self._block(st.body, sc, script)  # type: ignore[attr-defined]
            self._block(st.orelse, sc, script)  # type: ignore[attr-defined]
        elif t in _TRY_TYPES:
            self._block(st.body, sc, script)  # type: ignore[attr-defined]
            for h in st.handlers:  # type: ignore[attr-defined]
                self._block(h.body, sc, script)
            self._block(st.orelse, sc, script)  # type: ignore[attr-defined]
            self._block(st.finalbody, sc, script)  # type: ignore[attr-defined]
        elif t is ast.AugAssign:
            self._augassign(st, sc)  # type: ignore[arg-type]
        elif t is ast.Match:
            for case in st.cases:  # type: ignore[attr-defined]
                self._block(case.body, sc, script)
        elif t is ast.Delete:
            if sc.kind == "module":
                for tgt in st.targets:  # type: ignore[attr-defined]
                    root = _chain_root(tgt)
                    if tgt is not root and type(root) is ast.Name and root.id == "DATABASES":
                        self.databases_mutated = True
        elif t is ast.Raise:
            if script and st.exc is not None:  # type: ignore[attr-defined]
                self._script_expr(st.exc, sc, script)  # type: ignore[attr-defined]
        if script and (t is ast.Assign or t is ast.AnnAssign) and st.value is not None:  # type: ignore[attr-defined]
            self._script_expr(st.value, sc, script)  # type: ignore[attr-defined]
        if self.deep:
            self._deep(st, sc)

    def _def(self, st: ast.AST, sc: _Scope) -> None:
        name = st.name  # type: ignore[attr-defined]
        if sc.kind == "module":
            self.mod_funcs[name] = st
            self.consts.pop(name, None)
            self.deferred.append((st, name, sc.imap, True))
        elif sc.kind == "class" and sc.function is None:
            self.deferred.append((st, f"{sc.qualname}.{name}", sc.imap, False))
        else:
            self._function(st, f"{sc.qualname}.{name}", sc.imap, False, None)

    def _function(self, fn: ast.AST, qualname: str, imap: ImportMap, top: bool, script: bool | None) -> None:
        fs = _Scope("function", qualname, qualname, imap)
        fs.node = fn
        fs.top = top
        if script is not None:
            a = fn.args  # type: ignore[attr-defined]
            fs.local_names = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if x is not None}
            fs.local_consts = {}
        self._block(fn.body, fs, script)  # type: ignore[attr-defined]
        self._finish_scope(fs)

    def _class(self, st: ast.ClassDef, sc: _Scope) -> None:
        qual = f"{sc.qualname}.{st.name}" if sc.qualname else st.name
        cs = _Scope("class", qual, sc.function, sc.imap)
        cs.class_consts = {}
        cs.class_nodes = {}
        if sc.kind == "module":
            self.consts.pop(st.name, None)
            self._guarded(self.orm.visit_class, st, sc.imap)  # ORM models (python/orm.py)
        self._block(st.body, cs, None)
        self._finish_scope(cs)

    def _folder(self, sc: _Scope) -> Folder:
        f = sc.folder
        if f is not None:
            return f
        if sc.kind == "class":
            f = self.folder.with_consts(ChainMap(sc.class_consts if sc.class_consts is not None else {}, self.consts))
        elif sc.kind == "function":
            shadow: dict[str, Expr] = {}
            a = sc.node.args  # type: ignore[union-attr]
            for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
                if arg is not None and arg.arg in self.consts:
                    shadow[arg.arg] = _SHADOW
            if sc.local_consts is not None:
                f = self.folder.with_consts(ChainMap(sc.local_consts, shadow, self.consts))
            elif shadow:
                f = self.folder.with_consts(ChainMap(shadow, self.consts))
            else:
                f = self.folder
        else:
            f = self.folder
        sc.folder = f
        return f

    def _import(self, st: ast.AST, sc: _Scope) -> None:
        if not sc.own_imap:
            sc.imap = sc.imap.child()
            sc.own_imap = True
        mods, star = sc.imap.add(st)
        for m in mods:
            self.imported_modules[m] = None
            if m == "pyramid" or m.startswith("pyramid."):
                self.has_pyramid = True
        if star:
            self.star_imports.append(star)
        if sc.kind == "module":
            for alias in st.names:  # type: ignore[attr-defined]
                if alias.name != "*":
                    self.consts.pop(alias.asname or alias.name.partition(".")[0], None)

    def _qualify(self, node: ast.AST, sc: _Scope) -> str | None:
        q = sc.imap.qualify(node)  # type: ignore[arg-type]
        if q is None and self.star_imports:
            d = dotted(node)
            if d is not None:
                for star in self.star_imports:
                    cand = f"{star}.{d}"
                    if cand in _KNOWN_ALL:
                        return cand
        return q

    def _app_kind(self, call: ast.Call, sc: _Scope) -> tuple[str, str, str] | None:
        term = _terminal(call.func)
        if term not in _APP_TERMINALS:
            return None
        if term == "make_wsgi_app":
            return _PYRAMID if self.has_pyramid and type(call.func) is ast.Attribute else None
        q = self._qualify(call.func, sc)
        return APP_CTORS.get(q) if q else None

    def _is_pool_call(self, call: ast.Call, sc: _Scope) -> bool:
        if _terminal(call.func) not in _POOL_TERMINALS:
            return False
        return self._qualify(call.func, sc) in POOL_FUNCS

    # --- assignments ----------------------------------------------------------------------

    def _assign(self, st: ast.AST, sc: _Scope, script: bool | None) -> None:
        value = st.value  # type: ignore[attr-defined]
        if value is None:
            return
        targets = st.targets if type(st) is ast.Assign else [st.target]  # type: ignore[attr-defined]
        v = value.value if type(value) is ast.Await else value
        call = v if type(v) is ast.Call else None
        kind = sc.kind
        expr: Expr | None = None
        for tgt in targets:
            tt = type(tgt)
            if tt is ast.Name:
                name = tgt.id
                if kind == "module":
                    if expr is None:
                        expr = self.folder.fold(value)
                    self._record_assignment(name, expr, tgt)
                    self.mod_nodes[name] = value
                    if call is not None:
                        self._module_call_binding(name, call, tgt, sc)
                    if name == "DATABASES":
                        self._databases(value, tgt)
                    if self.scan_cfg and name in _FSA_KEYS:
                        self._cfg_set(sc, name, value, self.src.span(tgt), self.src.span(st))
                elif kind == "class":
                    if self.scan_cfg:
                        sc.class_consts[name] = self._folder(sc).fold(value)  # type: ignore[index]
                        sc.class_nodes[name] = value  # type: ignore[index]
                        if name in _FSA_KEYS:
                            self._cfg_set(sc, name, value, self.src.span(tgt), self.src.span(st))
                    if call is not None and self.scan_pools and self._is_pool_call(call, sc):
                        self._bind_pool(name, call)
                else:
                    if sc.local_names is not None:
                        sc.local_names.add(name)
                        sc.local_consts[name] = self._folder(sc).fold(value)  # type: ignore[index]
                    if call is not None:
                        self._function_call_binding(name, call, sc, len(targets) == 1)
            elif tt is ast.Subscript:
                self._subscript_assign(tgt, value, sc, st)
            elif tt is ast.Attribute:
                if call is not None and self.scan_pools and self._is_pool_call(call, sc):
                    d = dotted(tgt)
                    if d:
                        self._bind_pool(d, call)
            elif tt is ast.Tuple or tt is ast.List:
                if kind == "module":
                    self._unpack(tgt, value)
                elif sc.local_names is not None:
                    for elt in tgt.elts:
                        if type(elt) is ast.Name:
                            sc.local_names.add(elt.id)

    def _record_assignment(self, name: str, expr: Expr, tgt: ast.AST) -> None:
        self.assignments.pop(name, None)
        self.assignments[name] = Assignment(name, expr, self.src.span(tgt))
        self.consts[name] = expr

    def _unpack(self, tgt: ast.AST, value: ast.AST) -> None:
        elts = tgt.elts  # type: ignore[attr-defined]
        vt = type(value)
        paired = (
            (vt is ast.Tuple or vt is ast.List)
            and len(value.elts) == len(elts)  # type: ignore[attr-defined]
            and not any(type(e) is ast.Starred for e in elts)
            and not any(type(e) is ast.Starred for e in value.elts)  # type: ignore[attr-defined]
        )
        whole: Expr | None = None
        for i, elt in enumerate(elts):
            if type(elt) is not ast.Name:
                continue
            if paired:
                expr = self.folder.fold(value.elts[i])  # type: ignore[attr-defined]
            else:
                if whole is None:
                    whole = self.folder.unknown(value)
                expr = whole
            self._record_assignment(elt.id, expr, elt)

    def _augassign(self, st: ast.AugAssign, sc: _Scope) -> None:
        tgt = st.target
        if sc.kind != "module":
            if sc.local_names is not None and type(tgt) is ast.Name:
                sc.local_names.add(tgt.id)
                sc.local_consts.pop(tgt.id, None)  # type: ignore[union-attr]
            return
        if type(tgt) is ast.Name:
            left = ast.Name(id=tgt.id, ctx=ast.Load())
            node = ast.BinOp(left=left, op=st.op, right=st.value)
            ast.copy_location(left, tgt)
            ast.copy_location(node, st)
            self._record_assignment(tgt.id, self.folder.fold(node), tgt)
            if tgt.id == "DATABASES":
                self.databases_mutated = True
        else:
            root = _chain_root(tgt)
            if type(root) is ast.Name and root.id == "DATABASES":
                self.databases_mutated = True

    def _module_call_binding(self, name: str, call: ast.Call, tgt: ast.AST, sc: _Scope) -> None:
        kind = self._app_kind(call, sc)
        if kind is not None:
            self.apps.append(AppDef(name, kind[0], kind[1], self.src.span(tgt)))  # type: ignore[arg-type]
            self.app_bindings[name] = kind
            return
        func = call.func
        term = _terminal(func)
        if type(func) is ast.Name and func.id not in self.imap.names:
            self.pending_factory_apps.append((name, func.id, tgt))
        if term == "SocketIO":
            if self._qualify(func, sc) in SOCKETIO_CTORS:
                self.socketio.add(name)
        elif term in _POOL_TERMINALS:
            if self._qualify(func, sc) in POOL_FUNCS:
                self._bind_pool(name, call)
        elif term in ("Env", "AutoConfig", "Config"):
            if self._qualify(func, sc) in _ENV_CTORS:
                self.env_readers.add(name)

    def _function_call_binding(self, name: str, call: ast.Call, sc: _Scope, single: bool) -> None:
        func = call.func
        tf = type(func)
        if tf is ast.Attribute:
            attr = func.attr  # type: ignore[attr-defined]
            if attr == "getconn" or attr == "connect":
                recv = dotted(func.value)  # type: ignore[attr-defined]
                if recv and single:
                    if sc.checkouts is None:
                        sc.checkouts = []
                    sc.checkouts.append((name, attr, recv, call, False))
                return
        kind = self._app_kind(call, sc)
        if kind is not None:
            if sc.local_apps is None:
                sc.local_apps = {}
            sc.local_apps[name] = kind
            return
        if tf is ast.Name and func.id in self.mod_funcs:  # type: ignore[attr-defined]
            if sc.local_apps is None:
                sc.local_apps = {}
            sc.local_apps[name] = ("factory", func.id)  # type: ignore[attr-defined]
            return
        if self.scan_pools and self._is_pool_call(call, sc):
            self.pool_bindings.add(name)

    def _bind_pool(self, name: str, call: ast.Call) -> None:
        self.pool_bindings.add(name)
        for keyword in call.keywords:
            if keyword.arg == "poolclass" and _terminal(keyword.value) == "NullPool":
                self.unpooled_bindings.add(name)

    def _subscript_assign(self, tgt: ast.Subscript, value: ast.AST, sc: _Scope, st: ast.AST) -> None:
        base = tgt.value
        if self.scan_cfg and type(base) is ast.Attribute and base.attr == "config":
            key = _str_const(tgt.slice)
            if key in _FSA_KEYS:
                self._cfg_set(sc, key, value, self.src.span(tgt.slice), self.src.span(st))  # type: ignore[arg-type]
                return
        if sc.kind == "module":
            root, keys = _subscript_root(tgt)
            if type(root) is ast.Name and root.id == "DATABASES":
                self._databases_mutation(keys, value)

    def _return(self, value: ast.AST, sc: _Scope) -> None:
        kind = None
        if type(value) is ast.Call:
            kind = self._app_kind(value, sc)
        elif type(value) is ast.Name:
            ref = sc.local_apps.get(value.id) if sc.local_apps else None
            if ref is not None and ref[0] != "factory":
                kind = ref
            elif ref is None:
                kind = self.app_bindings.get(value.id)
        if kind is not None:
            self.factories.setdefault(sc.qualname, kind)  # type: ignore[arg-type]

    # --- expression statements and script-level calls -----------------------------------

    def _expr_stmt(self, st: ast.Expr, sc: _Scope, script: bool | None) -> None:
        v = st.value
        if script is not None and sc.kind != "class":
            self._script_expr(v, sc, script)
        if type(v) is ast.Call and type(v.func) is ast.Attribute:
            func = v.func
            if (
                self.scan_cfg
                and func.attr in ("update", "from_mapping", "setdefault")
                and type(func.value) is ast.Attribute
                and func.value.attr == "config"
            ):
                self._config_update(v, sc)
            elif sc.kind == "module":
                root = _chain_root(func.value)
                if type(root) is ast.Name and root.id == "DATABASES":
                    self.databases_mutated = True

    def _script_expr(self, node: ast.AST, sc: _Scope, in_guard: bool) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if type(n) is ast.Call:
                self._run_call(n, sc, in_guard)
                func = n.func
                if sc.kind == "module" and type(func) is ast.Name:
                    self.script_funcs[func.id] = self.script_funcs.get(func.id, True) and in_guard
            if type(n) is ast.Lambda:
                continue
            stack.extend(ast.iter_child_nodes(n))

    def _run_call(self, call: ast.Call, sc: _Scope, in_guard: bool) -> None:
        func = call.func
        tf = type(func)
        if tf is not ast.Attribute and tf is not ast.Name:
            return
        term = func.attr if tf is ast.Attribute else func.id  # type: ignore[attr-defined]
        if term != "run" and term not in ("run_simple", "serve", "run_app"):
            return
        q = self._qualify(func, sc)
        entry = {
            "call": call,
            "in_guard": in_guard,
            "callee": None,
            "receiver": None,
            "recv_name": None,
            "ref": None,
            "folder": self._folder(sc),
            "span": self.src.tail_span(func, len(term)) if tf is ast.Attribute else self.src.span(func),
        }
        if q in KNOWN_RUN:
            entry["callee"] = q
        elif tf is ast.Attribute and term == "run":
            recv = func.value  # type: ignore[attr-defined]
            tr = type(recv)
            if tr is ast.Name:
                if sc.imap.is_module_binding(recv.id):
                    return  # asyncio.run, subprocess.run, trio.run: a module's own function
                entry["receiver"] = entry["recv_name"] = recv.id
                if sc.kind == "function":
                    ref = sc.local_apps.get(recv.id) if sc.local_apps else None
                    if ref is not None:
                        entry["ref"] = ref
                    elif sc.local_names is not None and recv.id in sc.local_names:
                        entry["recv_name"] = None  # a local of unknown kind
            elif tr is ast.Call:
                entry["receiver"] = self.src.text(recv)
                kind = self._app_kind(recv, sc)
                if kind is not None:
                    entry["ref"] = kind
                elif type(recv.func) is ast.Name and recv.func.id in self.mod_funcs:
                    entry["ref"] = ("factory", recv.func.id)
            else:
                entry["receiver"] = dotted(recv) or self.src.text(recv)
        else:
            return
        self.pending_runs.append(entry)

    def _run_kwargs(self, call: ast.Call, callee: str, folder: Folder) -> tuple[tuple[str, Expr], ...]:
        out: list[tuple[str, Expr]] = []
        params = KNOWN_RUN.get(callee) or RUN_METHOD_PARAMS.get(callee) or ()
        for i, a in enumerate(call.args):
            if type(a) is ast.Starred:
                out.append(("*", folder.unknown(a)))
                break
            if i < len(params):
                out.append((params[i], folder.fold(a)))
        for k in call.keywords:
            out.append((k.arg if k.arg else "**", folder.fold(k.value) if k.arg else folder.unknown(k.value)))
        return tuple(out)

    # --- deep expression scan (pool sites, os.environ.setdefault) --------------------------

    def _deep(self, st: ast.stmt, sc: _Scope) -> None:
        stack = [c for c in ast.iter_child_nodes(st) if not isinstance(c, ast.stmt)]
        while stack:
            n = stack.pop()
            if type(n) is ast.Call:
                try:
                    self._call_site(n, sc)
                except Exception:
                    if STRICT:
                        raise
            for c in ast.iter_child_nodes(n):
                if not isinstance(c, ast.stmt):
                    stack.append(c)

    def _call_site(self, call: ast.Call, sc: _Scope) -> None:
        func = call.func
        term = _terminal(func)
        if self.scan_pools and term in _POOL_TERMINALS:
            spec = POOL_FUNCS.get(self._qualify(func, sc))  # type: ignore[arg-type]
            if spec is not None and spec[2] == "fsa" and not any(k.arg in ("engine_options", None) for k in call.keywords):
                spec = None  # `SQLAlchemy(app)`: its pool is configured (if at all) by SQLALCHEMY_* keys
            if spec is not None:
                self.pools.append(self._pool_site(call, spec, sc))
        elif self.scan_env and term == "setdefault" and type(func) is ast.Attribute:
            recv = func.value
            if (
                (type(recv) is ast.Attribute and recv.attr == "environ" and type(recv.value) is ast.Name and recv.value.id == "os")
                or sc.imap.qualify(recv) == "os.environ"
            ):
                args = call.args
                if len(args) >= 2:
                    k, v = _str_const(args[0]), _str_const(args[1])
                    if k is not None and v is not None:
                        self.env_defaults.append((k, v))

    # --- pools ----------------------------------------------------------------------------

    def _merge_splat(self, node: ast.AST, sc: _Scope, depth: int, entries: list) -> bool:
        """Add the entries of a `**mapping` (or `dict(mapping)`) to `entries`; True when some are unknown."""
        resolved = self._resolve_dict(node, sc, depth + 1)
        if resolved is None:
            return True
        entries.extend(resolved[0])
        return resolved[1]

    def _resolve_dict(self, node: ast.AST, sc: _Scope, depth: int = 0) -> tuple[list[tuple], bool] | None:
        """A dict literal / `dict(k=v)` / a name bound to one -> ([(key, value, first, last)], has_unknown)."""
        if depth > 4:
            return None
        t = type(node)
        if t is ast.Dict:
            entries: list[tuple] = []
            unknown = False
            for k, v in zip(node.keys, node.values):  # type: ignore[attr-defined]
                if k is None:
                    unknown = self._merge_splat(v, sc, depth, entries) or unknown
                else:
                    key = _str_const(k)
                    if key is not None:
                        entries.append((key, v, k, v))
            return entries, unknown
        if t is ast.Call and type(node.func) is ast.Name and node.func.id == "dict":  # type: ignore[attr-defined]
            entries = []
            unknown = False
            if node.args:  # type: ignore[attr-defined]
                if len(node.args) > 1:  # type: ignore[attr-defined]
                    return None
                unknown = self._merge_splat(node.args[0], sc, depth, entries)  # type: ignore[attr-defined]
            for k in node.keywords:  # type: ignore[attr-defined]
                if k.arg is None:
                    unknown = self._merge_splat(k.value, sc, depth, entries) or unknown
                else:
                    entries.append((k.arg, k.value, k, k))
            return entries, unknown
        if t is ast.Name:
            target = None
            if sc.class_nodes is not None:
                target = sc.class_nodes.get(node.id)  # type: ignore[attr-defined]
            if target is None:
                target = self.mod_nodes.get(node.id)  # type: ignore[attr-defined]
            if target is not None:
                return self._resolve_dict(target, sc, depth + 1)
        return None

    def _pool_site(self, call: ast.Call, spec: tuple[str, bool, str], sc: _Scope) -> PoolSite:
        library, is_async, how = spec
        folder = self._folder(sc)
        src = self.src
        kws: dict[str, tuple] = {}
        splat: ast.AST | None = None
        for k in call.keywords:
            if k.arg is not None:
                kws[k.arg] = (k.value, k, k)
        for k in call.keywords:
            if k.arg is None:
                r = self._resolve_dict(k.value, sc)
                if r is None or r[1]:
                    splat = k.value
                if r is not None:
                    for key, v, first, last in r[0]:
                        kws.setdefault(key, (v, first, last))
        args = call.args
        star_at = next((i for i, a in enumerate(args) if type(a) is ast.Starred), None)

        if how == "fsa":
            opts = kws.get("engine_options")
            kws = {}
            if opts is not None:
                splat = None
                r = self._resolve_dict(opts[0], sc)
                if r is None or r[1]:
                    splat = opts[0]
                if r is not None:
                    for key, v, first, last in r[0]:
                        kws.setdefault(key, (v, first, last))
            star_at = None
            args = []

        def get(name: str, index: int | None = None) -> tuple[Expr | None, Span | None]:
            e = kws.get(name)
            if e is None and index is not None:
                if star_at is not None and index >= star_at:
                    return folder.unknown(args[star_at]), None
                if index < len(args):
                    return folder.fold(args[index]), src.span(args[index])
            if e is None:
                if splat is not None:
                    return folder.unknown(splat), None
                return None, None
            return folder.fold(e[0]), src.span_between(e[1], e[2])

        def extra_of(names: tuple[str, ...]) -> tuple[tuple[str, Expr], ...]:
            out = []
            for n in names:
                e = kws.get(n)
                if e is not None:
                    out.append((n, folder.fold(e[0])))
            return tuple(out)

        poolclass = None
        url: Expr | None = None
        extra: tuple[tuple[str, Expr], ...] = ()
        if how in ("engine", "from_config", "fsa"):
            if how == "engine":
                url, _ = get("url", 0)
            size, size_span = get("pool_size")
            overflow, ov_span = get("max_overflow")
            if how == "from_config":
                if size is None:
                    size = folder.unknown(call)
                if overflow is None:
                    overflow = folder.unknown(call)
            size_span = size_span or ov_span
            pc = kws.get("poolclass")
            if pc is not None:
                pcn = pc[0]
                poolclass = pcn.attr if type(pcn) is ast.Attribute else pcn.id if type(pcn) is ast.Name else src.text(pcn)
            extra = extra_of(_ENGINE_EXTRA)
        elif how == "psycopg2":
            min_e, _ = get("minconn", 0)
            size, size_span = get("maxconn", 1)
            url, _ = get("dsn", 2)
            overflow = None
            extra = (("minconn", min_e),) if min_e is not None else ()
        elif how == "psycopg":
            url, _ = get("conninfo", 0)
            size, size_span = get("max_size")
            if size_span is None:
                _, size_span = get("min_size")
            overflow = None
            extra = extra_of(_PSYCOPG_EXTRA)
            name = _terminal(call.func) or ""
            if "Null" in name:
                poolclass = name
        else:  # asyncpg
            url, _ = get("dsn", 0)
            size, size_span = get("max_size")
            overflow = None
            extra = extra_of(("min_size", "max_inactive_connection_lifetime", "command_timeout"))
        return PoolSite(
            library=library,
            is_async=is_async,
            size=size,
            overflow=overflow,
            poolclass=poolclass,
            url=url,
            span=src.span(call),
            size_span=size_span,
            function=sc.function,
            extra=extra,
        )

    # --- Flask-SQLAlchemy configuration -------------------------------------------------------

    def _cfg_set(self, sc: _Scope, key: str, value: ast.AST, span: Span, size_span: Span) -> None:
        if sc.cfg is None:
            sc.cfg = {}
        sc.cfg[key] = (value, span, size_span)

    def _config_update(self, call: ast.Call, sc: _Scope) -> None:
        """`app.config.update(SQLALCHEMY_ENGINE_OPTIONS=...)` / `.update({...})` / `.from_mapping(...)`."""
        for k in call.keywords:
            if k.arg in _FSA_KEYS:
                ks = self.src.span(k)
                name_span = Span(ks.line, ks.column, ks.line, ks.column + len(k.arg))  # type: ignore[arg-type]
                self._cfg_set(sc, k.arg, k.value, name_span, ks)  # type: ignore[arg-type]
        for a in call.args:
            if type(a) is ast.Dict:
                for key_node, v in zip(a.keys, a.values):
                    key = _str_const(key_node)
                    if key in _FSA_KEYS:
                        self._cfg_set(sc, key, v, self.src.span(key_node), self.src.span_between(key_node, v))  # type: ignore[arg-type]

    def _finish_scope(self, sc: _Scope) -> None:
        if sc.cfg:
            self._emit_cfg(sc)
        if sc.checkouts:
            self._emit_checkouts(sc)

    def _emit_cfg(self, sc: _Scope) -> None:
        cfg = sc.cfg
        folder = self._folder(sc)
        src = self.src
        uri = cfg.get("SQLALCHEMY_DATABASE_URI")  # type: ignore[union-attr]
        url = folder.fold(uri[0]) if uri else None
        opts = cfg.get(_FSA_OPTIONS)  # type: ignore[union-attr]
        if opts is not None:
            value, span, _ = opts
            r = self._resolve_dict(value, sc)
            size = overflow = None
            size_span = None
            poolclass = None
            extra: list[tuple[str, Expr]] = []
            if r is None:
                size = overflow = folder.unknown(value)
            else:
                entries = {key: (v, first, last) for key, v, first, last in r[0]}
                if "pool_size" in entries:
                    v, first, last = entries["pool_size"]
                    size, size_span = folder.fold(v), src.span_between(first, last)
                elif r[1]:
                    size = folder.unknown(value)
                if "max_overflow" in entries:
                    v, first, last = entries["max_overflow"]
                    overflow = folder.fold(v)
                    size_span = size_span or src.span_between(first, last)
                elif r[1]:
                    overflow = folder.unknown(value)
                if "poolclass" in entries:
                    pcn = entries["poolclass"][0]
                    poolclass = pcn.attr if type(pcn) is ast.Attribute else pcn.id if type(pcn) is ast.Name else src.text(pcn)
                for n in _ENGINE_EXTRA:
                    if n in entries:
                        extra.append((n, folder.fold(entries[n][0])))
            self.pools.append(
                PoolSite("flask-sqlalchemy", False, size, overflow, poolclass, url, span, size_span, sc.function, tuple(extra))
            )
        ps = cfg.get("SQLALCHEMY_POOL_SIZE")  # type: ignore[union-attr]
        mo = cfg.get("SQLALCHEMY_MAX_OVERFLOW")  # type: ignore[union-attr]
        if ps is not None or mo is not None:
            first = ps or mo
            extra = []
            for key, n in (("SQLALCHEMY_POOL_TIMEOUT", "pool_timeout"), ("SQLALCHEMY_POOL_RECYCLE", "pool_recycle")):
                e = cfg.get(key)  # type: ignore[union-attr]
                if e is not None:
                    extra.append((n, folder.fold(e[0])))
            self.pools.append(
                PoolSite(
                    "flask-sqlalchemy",
                    False,
                    folder.fold(ps[0]) if ps else None,
                    folder.fold(mo[0]) if mo else None,
                    None,
                    url,
                    first[1],  # type: ignore[index]
                    first[2],  # type: ignore[index]
                    sc.function,
                    tuple(extra),
                )
            )

    # --- connection checkouts -------------------------------------------------------------

    def _with(self, st: ast.AST, sc: _Scope) -> None:
        for item in st.items:  # type: ignore[attr-defined]
            ce = item.context_expr
            if type(ce) is ast.Await:
                ce = ce.value
            if type(ce) is ast.Call and type(ce.func) is ast.Attribute and ce.func.attr in ("getconn", "connect"):
                recv = dotted(ce.func.value)
                if recv:
                    if sc.checkouts is None:
                        sc.checkouts = []
                    # A psycopg2 connection's `with` block ends a transaction; it does not
                    # hand the connection back to its pool, so getconn() is judged as if bound.
                    if ce.func.attr == "getconn":
                        name = item.optional_vars.id if type(item.optional_vars) is ast.Name else None
                        sc.checkouts.append((name, "getconn", recv, ce, False))
                    else:
                        sc.checkouts.append((None, ce.func.attr, recv, ce, True))

    def _emit_checkouts(self, sc: _Scope) -> None:
        finally_released, released, safe = self._release_facts(sc.node, sc)  # type: ignore[arg-type]
        local = _pools_made_in_body(sc.node)
        for name, kind, recv, call, in_with in sc.checkouts:  # type: ignore[union-attr]
            if recv.split(".", 1)[0] in local:
                # An engine or pool the function builds (or gets from a `with`, as Superset's
                # per-call NullPool engines) is not the process's shared pool.
                continue
            if in_with:
                ok = rel = True
            else:
                ok = name in finally_released or name in safe or (kind == "connect" and ("with", name) in safe)
                rel = name in released
            self.pending_checkouts.append(
                ConnectionCheckout(kind, recv, self.src.span(call), sc.function or sc.qualname, bool(ok), bool(rel))
            )

    def _release_facts(self, fn: ast.AST, sc: _Scope) -> tuple[set, set, set]:
        """Names released in a `finally`, released anywhere, and otherwise handed on safely."""
        finally_released: set = set()
        released: set = set()
        safe: set = set()
        stack: list[tuple[ast.AST, bool]] = [(s, False) for s in fn.body]  # type: ignore[attr-defined]
        while stack:
            n, in_finally = stack.pop()
            t = type(n)
            if t in _SCOPE_TYPES:
                continue
            if t in _TRY_TYPES:
                for s in n.body:  # type: ignore[attr-defined]
                    stack.append((s, in_finally))
                for h in n.handlers:  # type: ignore[attr-defined]
                    stack.append((h, in_finally))
                for s in n.orelse:  # type: ignore[attr-defined]
                    stack.append((s, in_finally))
                for s in n.finalbody:  # type: ignore[attr-defined]
                    stack.append((s, True))
                continue
            if t is ast.Call:
                func = n.func  # type: ignore[attr-defined]
                if type(func) is ast.Attribute:
                    x = None
                    if func.attr in _RELEASE_ON_POOL and n.args and type(n.args[0]) is ast.Name:  # type: ignore[attr-defined]
                        x = n.args[0].id  # type: ignore[attr-defined]
                    elif func.attr in _RELEASE_ON_CONN and type(func.value) is ast.Name:
                        x = func.value.id
                    if x is not None:
                        released.add(x)
                        if in_finally:
                            finally_released.add(x)
            elif t is ast.Return or t is ast.Yield or t is ast.YieldFrom:
                v = n.value  # type: ignore[attr-defined]
                if type(v) is ast.Name:
                    safe.add(v.id)
                elif type(v) in (ast.Tuple, ast.List):
                    for e in v.elts:
                        if type(e) is ast.Name:
                            safe.add(e.id)
            elif t is ast.Assign or t is ast.AnnAssign:
                v = n.value  # type: ignore[attr-defined]
                targets = n.targets if t is ast.Assign else [n.target]  # type: ignore[attr-defined]
                if type(v) is ast.Name and any(type(x) in (ast.Attribute, ast.Subscript) for x in targets):
                    safe.add(v.id)
            elif t is ast.Global or t is ast.Nonlocal:
                safe.update(n.names)  # type: ignore[attr-defined]
            elif t is ast.withitem:
                ce = n.context_expr  # type: ignore[attr-defined]
                if type(ce) is ast.Name:
                    safe.add(("with", ce.id))
                elif (
                    type(ce) is ast.Call
                    and _terminal(ce.func) == "closing"
                    and ce.args
                    and type(ce.args[0]) is ast.Name
                ):
                    safe.add(ce.args[0].id)
            for c in ast.iter_child_nodes(n):
                stack.append((c, in_finally))
        return finally_released, released, safe

    # --- Django DATABASES -------------------------------------------------------------------

    def _databases(self, value: ast.AST, tgt: ast.AST) -> None:
        node = value
        for _ in range(3):
            if type(node) is ast.Name and node.id in self.mod_nodes and self.mod_nodes[node.id] is not value:
                node = self.mod_nodes[node.id]
            else:
                break
        self.databases_mutated = False
        if type(node) is ast.Dict:
            dbs: dict[str, DjangoDatabase] = {}
            for k, v in zip(node.keys, node.values):
                alias = _str_const(k)
                if alias is not None:
                    dbs[alias] = self._db_alias(alias, v, k)  # type: ignore[arg-type]
            self.databases = dbs
        else:
            unk = self.folder.unknown(value)
            self.databases = {"default": DjangoDatabase("default", unk, unk, False, "unknown", self.src.span(tgt))}

    def _db_alias(self, alias: str, node: ast.AST, key_node: ast.AST) -> DjangoDatabase:
        span = self.src.span(key_node)
        folder = self.folder
        for _ in range(3):
            if type(node) is ast.Name and node.id in self.mod_nodes:
                node = self.mod_nodes[node.id]
            else:
                break
        t = type(node)
        if t is ast.Dict:
            entries: dict[str, ast.AST] = {}
            splat = False
            for k, v in zip(node.keys, node.values):  # type: ignore[attr-defined]
                if k is None:
                    splat = True
                else:
                    key = _str_const(k)
                    if key is not None:
                        entries[key] = v
            unknown = folder.unknown(node) if splat else None
            engine = folder.fold(entries["ENGINE"]) if "ENGINE" in entries else unknown
            cma = folder.fold(entries["CONN_MAX_AGE"]) if "CONN_MAX_AGE" in entries else unknown
            has_pool = False
            extra: list[tuple[str, Expr]] = []
            if "CONN_HEALTH_CHECKS" in entries:
                extra.append(("CONN_HEALTH_CHECKS", folder.fold(entries["CONN_HEALTH_CHECKS"])))
            opts = entries.get("OPTIONS")
            if opts is not None:
                r = self._resolve_dict(opts, _Scope("module", "", None, self.imap))
                if r is None or r[1]:
                    extra.append(("OPTIONS", folder.unknown(opts)))
                if r is not None:
                    for key, v, _, _ in r[0]:
                        if key != "pool":
                            continue
                        if type(v) is ast.Constant and v.value is False:
                            has_pool = False
                            continue
                        has_pool = True
                        pr = self._resolve_dict(v, _Scope("module", "", None, self.imap))
                        if pr is not None:
                            for pkey, pv, _, _ in pr[0]:
                                if pkey in ("max_size", "min_size", "timeout"):
                                    extra.append((pkey, folder.fold(pv)))
            return DjangoDatabase(alias, engine, cma, has_pool, "dict", span, tuple(extra))
        if t is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            q = self.imap.qualify(func)
            kw = {k.arg: k.value for k in node.keywords if k.arg}  # type: ignore[attr-defined]
            splat = any(k.arg is None for k in node.keywords)  # type: ignore[attr-defined]
            is_djdb = q in _DJ_DATABASE_URL or (
                type(func) is ast.Attribute
                and func.attr in ("config", "parse")
                and type(func.value) is ast.Name
                and func.value.id == "dj_database_url"
            )
            if is_djdb:
                cma = folder.fold(kw["conn_max_age"]) if "conn_max_age" in kw else (folder.unknown(node) if splat else None)
                engine = folder.fold(kw["engine"]) if "engine" in kw else folder.unknown(node)
                extra = []
                if "conn_health_checks" in kw:
                    extra.append(("CONN_HEALTH_CHECKS", folder.fold(kw["conn_health_checks"])))
                return DjangoDatabase(alias, engine, cma, False, "dj_database_url", span, tuple(extra))
            if type(func) is ast.Attribute and func.attr in _ENVIRON_DB:
                unk = folder.unknown(node)
                return DjangoDatabase(alias, unk, unk, False, "environ", span)
            if type(func) is ast.Attribute and func.attr == "dj_db_url":  # environs
                cma = folder.fold(kw["conn_max_age"]) if "conn_max_age" in kw else (folder.unknown(node) if splat else None)
                return DjangoDatabase(alias, folder.unknown(node), cma, False, "environ", span)
        unk = folder.unknown(node)
        return DjangoDatabase(alias, unk, unk, False, "unknown", span)

    def _databases_mutation(self, keys: list[ast.AST], value: ast.AST) -> None:
        strs = [_str_const(k) for k in keys]
        dbs = self.databases
        if len(keys) == 1 and strs[0] is not None:
            if dbs is None:
                self.databases = dbs = {}
                self.databases_mutated = True
            dbs[strs[0]] = self._db_alias(strs[0], value, keys[0])  # type: ignore[index]
            return
        if dbs is not None and len(keys) == 2 and strs[0] in dbs and strs[1] in ("CONN_MAX_AGE", "ENGINE"):
            db = dbs[strs[0]]  # type: ignore[index]
            if strs[1] == "CONN_MAX_AGE":
                dbs[strs[0]] = replace(db, conn_max_age=self.folder.fold(value))  # type: ignore[index]
            else:
                dbs[strs[0]] = replace(db, engine=self.folder.fold(value))  # type: ignore[index]
            return
        self.databases_mutated = True

    # --- end of file ----------------------------------------------------------------------

    def _resolve(self) -> None:
        for name, fname, tgt in self.pending_factory_apps:
            kind = self.factories.get(fname)
            if kind is not None and name not in self.app_bindings:
                self.apps.append(AppDef(name, kind[0], kind[1], self.src.span(tgt)))  # type: ignore[arg-type]
                self.app_bindings[name] = kind
        self.run_calls = []
        for e in self.pending_runs:
            callee = e["callee"]
            if callee is None:
                ref = e["ref"]
                kind = None
                if ref is not None:
                    kind = self.factories.get(ref[1]) if ref[0] == "factory" else ref
                elif e["recv_name"] is not None:
                    kind = self.app_bindings.get(e["recv_name"])
                    if kind is None and e["recv_name"] in self.socketio:
                        kind = (None, None, "flask_socketio.SocketIO")
                callee = f"{kind[2]}.run" if kind is not None else "<unknown>.run"
            self.run_calls.append(
                RunCall(
                    callee=callee,
                    receiver=e["receiver"],
                    in_main_guard=e["in_guard"],
                    kwargs=self._run_kwargs(e["call"], callee, e["folder"]),
                    span=e["span"],
                )
            )
        self.checkouts = []
        for c in self.pending_checkouts:
            if c.receiver in self.unpooled_bindings:
                continue  # NullPool: close() on a lost connection is all there is to lose
            if c.kind == "connect":
                last = c.receiver.rpartition(".")[2].lower()
                if "engine" not in last and c.receiver not in self.pool_bindings:
                    continue
            self.checkouts.append(c)


def _pools_made_in_body(fn: ast.AST) -> set[str]:
    """Names a function binds to an engine or pool it builds itself (`engine = create_engine(...)`)
    or receives from a context manager (`with get_engine() as engine`); nested scopes excluded."""
    made: set[str] = set()
    stack: list[ast.AST] = list(getattr(fn, "body", ()))
    while stack:
        node = stack.pop()
        t = type(node)
        if t in _SCOPE_TYPES:
            continue
        if t is ast.withitem and type(node.optional_vars) is ast.Name:  # type: ignore[attr-defined]
            made.add(node.optional_vars.id)  # type: ignore[attr-defined]
        elif t is ast.Assign and type(node.value) is ast.Call and _terminal(node.value.func) in _POOL_TERMINALS:  # type: ignore[attr-defined]
            made.update(target.id for target in node.targets if type(target) is ast.Name)  # type: ignore[attr-defined]
        stack.extend(ast.iter_child_nodes(node))
    return made


def extract_python_facts(tree: ast.Module, source: str, module: str, *, is_package: bool = False) -> PythonFacts:
    """Facts of one parsed Python file. `module` is its dotted name (`module_name_for`);
    pass `is_package=True` for a package's `__init__.py` so relative imports resolve right."""
    ex = _Extractor(source, module, is_package)
    try:
        return ex.run(tree)
    except Exception:
        if STRICT:
            raise
        return PythonFacts(module=module)
