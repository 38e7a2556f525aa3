"""Django settings facts of one module: the `DATABASES` setting (per alias: engine,
CONN_MAX_AGE, a psycopg pool in OPTIONS, or a URL parsed at run time) and whether later
statements change it in ways not followed, plus `os.environ.setdefault(KEY, "value")` defaults
(where `DJANGO_SETTINGS_MODULE` is usually set).

The traversal calls `assign_databases` for a module-level `DATABASES = ...`, the `mutate_*` /
`visit_*` methods for module-level statements that may change it, `bind_env_reader` for a
module-level `name = <call>`, and `visit_call` for every call of a statement when `scan_env` is set.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ..facts import Const, DjangoDatabase, Expr
from ..frameworks import django as dj
from .scope import ModuleContext, Scope
from .syntax import chain_root, str_const, terminal

__all__ = ["DjangoSettingsCollector"]

_DATABASES = "DATABASES"
_ENV_READER_TERMINALS = frozenset(q.rpartition(".")[2] for q in dj.ENV_READER_CONSTRUCTORS)
_DB_POOL_KEYS = ("max_size", "min_size", "timeout")  # Django 5.1+ OPTIONS["pool"] settings the rules read
_NAME_HOPS = 3  # DATABASES = _dbs; _dbs = {...}: how many renames to follow
_READ_KEYS = frozenset({"CONN_MAX_AGE", "ENGINE", "OPTIONS", "CONN_HEALTH_CHECKS"})


class DjangoSettingsCollector:
    DATABASES = _DATABASES

    def __init__(self, ctx: ModuleContext, source: str):
        self.ctx = ctx
        self.scan_env = "environ.setdefault" in source
        self.databases: dict[str, DjangoDatabase] | None = None
        self.databases_mutated = False
        self.env_defaults: list[tuple[str, str]] = []
        self.dev_branch = 0  # inside `if DEBUG:` / `if os.environ.get("CI"):`: not what production runs

    # --- names --------------------------------------------------------------------------------

    def bind_env_reader(self, name: str, call: ast.Call, sc: Scope) -> None:
        """`env = environ.Env()`: later `env("X", default=...)` calls fold as environment reads."""
        func = call.func
        if terminal(func) in _ENV_READER_TERMINALS and self.ctx.qualify(func, sc) in dj.ENV_READER_CONSTRUCTORS:
            self.ctx.env_readers.add(name)

    # --- DATABASES ------------------------------------------------------------------------------

    def assign_databases(self, value: ast.AST, tgt: ast.AST) -> None:
        """`DATABASES = {...}` at module level: read afresh (not in a development branch)."""
        if self.dev_branch:
            return
        mod_nodes = self.ctx.mod_nodes
        node = value
        for _ in range(_NAME_HOPS):
            if type(node) is ast.Name and node.id in mod_nodes and mod_nodes[node.id] is not value:
                node = mod_nodes[node.id]
            else:
                break
        self.databases_mutated = False
        if type(node) is ast.Dict:
            dbs: dict[str, DjangoDatabase] = {}
            for k, v in zip(node.keys, node.values):
                alias = str_const(k)
                if alias is not None:
                    dbs[alias] = self._db_alias(alias, v, k)  # type: ignore[arg-type]
            self.databases = dbs
        else:
            unk = self.ctx.folder.unknown(value)
            self.databases = {"default": DjangoDatabase("default", unk, unk, False, "unknown", self.ctx.src.span(tgt))}

    def _db_alias(self, alias: str, node: ast.AST, key_node: ast.AST) -> DjangoDatabase:
        ctx = self.ctx
        span = ctx.src.span(key_node)
        folder = ctx.folder
        for _ in range(_NAME_HOPS):
            if type(node) is ast.Name and node.id in ctx.mod_nodes:
                node = ctx.mod_nodes[node.id]
            elif (returned := self._helper_return(node)) is not None:
                node = returned  # `"default": database_config()`, a helper of this module
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
                    key = str_const(k)
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
                r = ctx.resolve_dict(opts)
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
                        pr = ctx.resolve_dict(v)
                        if pr is not None:
                            for pkey, pv, _, _ in pr[0]:
                                if pkey in _DB_POOL_KEYS:
                                    extra.append((pkey, folder.fold(pv)))
            return DjangoDatabase(alias, engine, cma, has_pool, "dict", span, tuple(extra))
        if t is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            q = ctx.imap.qualify(func)
            kw = {k.arg: k.value for k in node.keywords if k.arg}  # type: ignore[attr-defined]
            splat = any(k.arg is None for k in node.keywords)  # type: ignore[attr-defined]
            is_djdb = q in dj.DATABASE_URL_PARSERS or (
                type(func) is ast.Attribute
                and func.attr in ("config", "parse")
                and type(func.value) is ast.Name
                and func.value.id == dj.DATABASE_URL_MODULE
            )
            if is_djdb:
                cma = folder.fold(kw["conn_max_age"]) if "conn_max_age" in kw else (folder.unknown(node) if splat else None)
                engine = folder.fold(kw["engine"]) if "engine" in kw else folder.unknown(node)
                extra = []
                if "conn_health_checks" in kw:
                    extra.append(("CONN_HEALTH_CHECKS", folder.fold(kw["conn_health_checks"])))
                return DjangoDatabase(alias, engine, cma, False, "dj_database_url", span, tuple(extra))
            if type(func) is ast.Attribute and func.attr in dj.ENVIRON_DATABASE_METHODS:
                unk = folder.unknown(node)
                return DjangoDatabase(alias, unk, unk, False, "environ", span)
            if type(func) is ast.Attribute and func.attr == dj.ENVIRONS_DATABASE_METHOD:
                cma = folder.fold(kw["conn_max_age"]) if "conn_max_age" in kw else (folder.unknown(node) if splat else None)
                return DjangoDatabase(alias, folder.unknown(node), cma, False, "environ", span)
        unk = folder.unknown(node)
        return DjangoDatabase(alias, unk, unk, False, "unknown", span)

    def _helper_return(self, node: ast.AST) -> ast.AST | None:
        """What `helper()` returns when it is a module function whose body is one `return X`
        (after docstrings and plain assignments, as settings helpers are written)."""
        if type(node) is not ast.Call or type(node.func) is not ast.Name or node.args or node.keywords:
            return None
        fn = self.ctx.mod_funcs.get(node.func.id)
        if type(fn) is not ast.FunctionDef:
            return None
        returns = [st for st in fn.body if type(st) is ast.Return]  # type: ignore[attr-defined]
        others = [st for st in fn.body if type(st) not in (ast.Return, ast.Expr, ast.Assign, ast.AnnAssign)]  # type: ignore[attr-defined]
        if len(returns) != 1 or others or returns[0].value is None:
            return None
        value = returns[0].value
        locals_ = {t.id: st.value for st in fn.body if type(st) is ast.Assign for t in st.targets if type(t) is ast.Name}  # type: ignore[attr-defined]
        if type(value) is ast.Name and value.id in locals_:
            return locals_[value.id]
        return value

    def merge_update(self, call: ast.Call) -> bool:
        """`DATABASES["default"].update(dj_database_url.config(conn_max_age=600))`, the
        Heroku template: the parsed URL's keys (CONN_MAX_AGE among them) replace the alias's.
        True when it was read."""
        func = call.func
        root, keys = _subscript_root(func.value) if type(func) is ast.Attribute else (None, [])  # type: ignore[attr-defined]
        if type(root) is not ast.Name or root.id != _DATABASES or len(keys) != 1 or len(call.args) != 1 or call.keywords:
            return False
        alias = str_const(keys[0])
        dbs = self.databases
        if alias is None or dbs is None or alias not in dbs:
            return False
        parsed = self._db_alias(alias, call.args[0], keys[0])
        if parsed.via != "dj_database_url":
            return False
        old = dbs[alias]
        # dj_database_url always returns CONN_MAX_AGE (0 unless conn_max_age= is given)
        age = parsed.conn_max_age if parsed.conn_max_age is not None else Const(0, parsed.span)
        dbs[alias] = replace(old, conn_max_age=age, via="dj_database_url", extra=old.extra + parsed.extra)
        return True

    def mutate_item(self, tgt: ast.Subscript, value: ast.AST) -> None:
        """`DATABASES["default"] = {...}` / `DATABASES["default"]["CONN_MAX_AGE"] = 60`."""
        if self.dev_branch:
            return
        root, keys = _subscript_root(tgt)
        if type(root) is not ast.Name or root.id != _DATABASES:
            return
        strs = [str_const(k) for k in keys]
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
                dbs[strs[0]] = replace(db, conn_max_age=self.ctx.folder.fold(value))  # type: ignore[index]
            else:
                dbs[strs[0]] = replace(db, engine=self.ctx.folder.fold(value))  # type: ignore[index]
            return
        if dbs is not None and len(keys) == 2 and strs[0] in dbs and strs[1] is not None and strs[1] not in _READ_KEYS:
            return  # `DATABASES["default"]["ATOMIC_REQUESTS"] = True`: nothing the rules read
        self.databases_mutated = True

    def mutate_augassign(self, tgt: ast.AST) -> None:
        if type(tgt) is ast.Name:
            if tgt.id == _DATABASES:
                self.databases_mutated = True
        else:
            self.mutate_chain(tgt)

    def mutate_chain(self, node: ast.AST) -> None:
        """A write through `DATABASES[...]`, `DATABASES.update(...)`, `del DATABASES[...]`: not followed."""
        root = chain_root(node)
        if type(root) is ast.Name and root.id == _DATABASES:
            self.databases_mutated = True

    def visit_delete(self, st: ast.Delete) -> None:
        for tgt in st.targets:
            root = chain_root(tgt)
            if tgt is not root and type(root) is ast.Name and root.id == _DATABASES:
                self.databases_mutated = True

    # --- os.environ.setdefault --------------------------------------------------------------------

    def visit_call(self, call: ast.Call, sc: Scope) -> None:
        func = call.func
        if type(func) is not ast.Attribute or func.attr != "setdefault":
            return
        recv = func.value
        if (
            (type(recv) is ast.Attribute and recv.attr == "environ" and type(recv.value) is ast.Name and recv.value.id == "os")
            or sc.imap.qualify(recv) == "os.environ"
        ):
            args = call.args
            if len(args) >= 2:
                k, v = str_const(args[0]), str_const(args[1])
                if k is not None and v is not None:
                    self.env_defaults.append((k, v))


_DEV_WORDS = frozenset({"ci", "github", "workflow", "gitlab", "travis", "test", "tests", "testing", "pytest", "debug", "dev", "development", "local"})


def names_development(test: ast.AST) -> bool:
    """A condition about CI, tests or development: `os.environ.get("GITHUB_WORKFLOW")`,
    `DEBUG`, `"test" in sys.argv`, `TESTING`."""
    words: set[str] = set()
    for node in ast.walk(test):
        text = node.id if type(node) is ast.Name else node.attr if type(node) is ast.Attribute else node.value if type(node) is ast.Constant and isinstance(node.value, str) else None
        if text:
            words.update(w for w in text.lower().replace("-", "_").split("_") if w)
    return bool(words & _DEV_WORDS)


def _subscript_root(node: ast.AST) -> tuple[ast.AST, list[ast.AST]]:
    """`D["a"]["b"]` -> (D, [a, b])."""
    keys = []
    while type(node) is ast.Subscript:
        keys.append(node.slice)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    keys.reverse()
    return node, keys
