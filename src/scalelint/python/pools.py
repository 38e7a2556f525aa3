"""Connection pool sites of one module: engine and pool constructor calls (SQLAlchemy, SQLModel,
Flask-SQLAlchemy, psycopg2, psycopg_pool, asyncpg) and Flask-SQLAlchemy's `SQLALCHEMY_*` config,
read into `PoolSite` facts; plus the names bound to pools, which the checkout analysis needs.

The traversal calls `visit_call` for every call of a statement when `scan_calls` is set (a
constructor can hide anywhere in an expression), the `bind_*` methods for assignments of a call,
the `config_*` methods for config writes, and `finish_scope` when a scope's body is done: a
scope's config keys are read together, as Flask-SQLAlchemy reads them from one config object.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..facts import Expr, PoolSite, Span
from ..frameworks import postgres as pg
from ..frameworks import sqlalchemy as sa
from .names import dotted
from .scope import ModuleContext, Scope
from .syntax import class_name_text, str_const, terminal

__all__ = ["PoolCollector", "POOL_CONSTRUCTORS", "POOL_TERMINALS"]

POOL_CONSTRUCTORS: dict[str, tuple[str, bool, str]] = {**sa.POOL_CONSTRUCTORS, **pg.POOL_CONSTRUCTORS}
POOL_TERMINALS = frozenset(q.rpartition(".")[2] for q in POOL_CONSTRUCTORS)
# substrings whose absence from a file proves it builds no pool (any spelling of a call to one
# of POOL_CONSTRUCTORS has its last name in the text: in the import or in the attribute access)
_POOL_TOKENS = ("create_engine", "create_async_engine", "engine_from_config", "ConnectionPool", "create_pool", "SQLAlchemy")
_CONFIG_TOKEN = "SQLALCHEMY_"
_CONFIG_METHODS = ("update", "from_mapping", "setdefault")
# a module with any of these may size Flask-SQLAlchemy's pool in a way the facts do not follow
_CONFIG_HINTS = (sa.FSA_ENGINE_OPTIONS, sa.FSA_POOL_SIZE, sa.FSA_MAX_OVERFLOW, "from_envvar", "from_pyfile", "from_prefixed_env", "from_file")


class PoolCollector:
    def __init__(self, ctx: ModuleContext, source: str, read_site: Callable[..., PoolSite] | None = None):
        self.ctx = ctx
        self._read_site = read_site or self.read_site
        self.scan_calls = any(tok in source for tok in _POOL_TOKENS)
        self.scan_config = _CONFIG_TOKEN in source
        self.config_hint = any(tok in source for tok in _CONFIG_HINTS)
        self.pools: list[PoolSite] = []
        self.bindings: set[str] = set()
        self.unpooled_bindings: set[str] = set()  # engines built with poolclass=NullPool

    # --- names bound to pools -------------------------------------------------------------

    def is_pool_call(self, call: ast.Call, sc: Scope) -> bool:
        if terminal(call.func) not in POOL_TERMINALS:
            return False
        return self.ctx.qualify(call.func, sc) in POOL_CONSTRUCTORS

    def bind_module_name(self, name: str, call: ast.Call, sc: Scope) -> None:
        func = call.func
        if terminal(func) in POOL_TERMINALS and self.ctx.qualify(func, sc) in POOL_CONSTRUCTORS:
            self._bind(name, call)

    # The traversal calls the three below only when `scan_calls` is set.

    def bind_class_name(self, name: str, call: ast.Call, sc: Scope) -> None:
        if self.is_pool_call(call, sc):
            self._bind(name, call)

    def bind_attribute(self, tgt: ast.Attribute, call: ast.Call, sc: Scope) -> None:
        """`self.engine = create_engine(...)`: bound under its dotted name."""
        if self.is_pool_call(call, sc):
            d = dotted(tgt)
            if d:
                self._bind(d, call)

    def bind_local_name(self, name: str, call: ast.Call, sc: Scope) -> None:
        if self.is_pool_call(call, sc):
            self.bindings.add(name)

    def _bind(self, name: str, call: ast.Call) -> None:
        self.bindings.add(name)
        for keyword in call.keywords:
            if keyword.arg == "poolclass" and terminal(keyword.value) == sa.NULL_POOL:
                self.unpooled_bindings.add(name)

    # --- constructor calls ----------------------------------------------------------------

    def visit_call(self, call: ast.Call, sc: Scope) -> None:
        func = call.func
        if terminal(func) not in POOL_TERMINALS:
            return
        spec = POOL_CONSTRUCTORS.get(self.ctx.qualify(func, sc))  # type: ignore[arg-type]
        if spec is not None and spec[2] == "fsa" and not any(k.arg in ("engine_options", None) for k in call.keywords):
            # `SQLAlchemy(app)`: pool_size 5 + max_overflow 10 unless SQLALCHEMY_* keys say otherwise
            self.pools.append(PoolSite(spec[0], False, None, None, None, None, self.ctx.src.span(call), None, sc.function, defaults=True))
        elif spec is not None:
            self.pools.append(self._read_site(call, spec, sc))

    def read_site(self, call: ast.Call, spec: tuple[str, bool, str], sc: Scope) -> PoolSite:
        library, is_async, how = spec
        ctx = self.ctx
        folder = ctx.folder_for(sc)
        src = ctx.src
        kws: dict[str, tuple] = {}
        splat: ast.AST | None = None
        for k in call.keywords:
            if k.arg is not None:
                kws[k.arg] = (k.value, k, k)
        for k in call.keywords:
            if k.arg is None:
                r = ctx.resolve_dict(k.value, sc.class_nodes)
                if r is None or r[1] or (type(k.value) is ast.Name and k.value.id in ctx.mutated):
                    # `**opts` of a dict changed after its literal: what else it holds is unknown
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
                r = ctx.resolve_dict(opts[0], sc.class_nodes)
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
                poolclass = class_name_text(pc[0], src.text)
            extra = extra_of(sa.ENGINE_EXTRA_OPTIONS)
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
            extra = extra_of(pg.PSYCOPG_EXTRA_OPTIONS)
            name = terminal(call.func) or ""
            if "Null" in name:
                poolclass = name
        else:  # asyncpg
            url, _ = get("dsn", 0)
            size, size_span = get("max_size")
            overflow = None
            extra = extra_of(pg.ASYNCPG_EXTRA_OPTIONS)
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

    # --- Flask-SQLAlchemy configuration -----------------------------------------------------

    def config_name(self, sc: Scope, name: str, value: ast.AST, tgt: ast.AST, st: ast.AST) -> None:
        """`SQLALCHEMY_POOL_SIZE = 10` in a config module or class."""
        if self.scan_config and name in sa.FSA_CONFIG_KEYS:
            self._set(sc, name, value, self.ctx.src.span(tgt), self.ctx.src.span(st))

    def config_item(self, tgt: ast.Subscript, value: ast.AST, sc: Scope, st: ast.AST) -> bool:
        """`app.config["SQLALCHEMY_..."] = value`; True when it was one."""
        base = tgt.value
        if self.scan_config and type(base) is ast.Attribute and base.attr == "config":
            key = str_const(tgt.slice)
            if key in sa.FSA_CONFIG_KEYS:
                self._set(sc, key, value, self.ctx.src.span(tgt.slice), self.ctx.src.span(st))  # type: ignore[arg-type]
                return True
        return False

    def config_call(self, call: ast.Call, sc: Scope) -> bool:
        """`app.config.update(SQLALCHEMY_ENGINE_OPTIONS=...)` / `.update({...})` / `.from_mapping(...)`;
        True when the call is one of those config methods."""
        func = call.func
        if not (
            self.scan_config
            and func.attr in _CONFIG_METHODS  # type: ignore[attr-defined]
            and type(func.value) is ast.Attribute  # type: ignore[attr-defined]
            and func.value.attr == "config"  # type: ignore[attr-defined]
        ):
            return False
        src = self.ctx.src
        for k in call.keywords:
            if k.arg in sa.FSA_CONFIG_KEYS:
                ks = src.span(k)
                name_span = Span(ks.line, ks.column, ks.line, ks.column + len(k.arg))  # type: ignore[arg-type]
                self._set(sc, k.arg, k.value, name_span, ks)  # type: ignore[arg-type]
        for a in call.args:
            if type(a) is ast.Dict:
                for key_node, v in zip(a.keys, a.values):
                    key = str_const(key_node)
                    if key in sa.FSA_CONFIG_KEYS:
                        self._set(sc, key, v, src.span(key_node), src.span_between(key_node, v))  # type: ignore[arg-type]
        return True

    def _set(self, sc: Scope, key: str, value: ast.AST, span: Span, size_span: Span) -> None:
        if sc.cfg is None:
            sc.cfg = {}
        sc.cfg[key] = (value, span, size_span)

    def finish_scope(self, sc: Scope) -> None:
        if sc.cfg:
            self._emit_config(sc)

    def _emit_config(self, sc: Scope) -> None:
        cfg = sc.cfg
        ctx = self.ctx
        folder = ctx.folder_for(sc)
        src = ctx.src
        uri = cfg.get(sa.FSA_DATABASE_URI)  # type: ignore[union-attr]
        url = folder.fold(uri[0]) if uri else None
        opts = cfg.get(sa.FSA_ENGINE_OPTIONS)  # type: ignore[union-attr]
        if opts is not None:
            value, span, _ = opts
            r = ctx.resolve_dict(value, sc.class_nodes)
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
                    poolclass = class_name_text(entries["poolclass"][0], src.text)
                for n in sa.ENGINE_EXTRA_OPTIONS:
                    if n in entries:
                        extra.append((n, folder.fold(entries[n][0])))
            self.pools.append(
                PoolSite("flask-sqlalchemy", False, size, overflow, poolclass, url, span, size_span, sc.function, tuple(extra))
            )
        ps = cfg.get(sa.FSA_POOL_SIZE)  # type: ignore[union-attr]
        mo = cfg.get(sa.FSA_MAX_OVERFLOW)  # type: ignore[union-attr]
        if ps is not None or mo is not None:
            first = ps or mo
            extra = []
            for key, n in sa.FSA_LEGACY_EXTRA_OPTIONS:
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
