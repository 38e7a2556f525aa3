"""Connection checkouts of one module: `pool.getconn()` / `engine.connect()` in functions, and
whether each is handed back on every path (a `finally`, a `with`, returned to the caller).

The traversal calls `bind_local_name` for a function's `x = <recv>.getconn()`, `visit_with` for
its `with` statements and `finish_scope` once the function body is done (the release analysis
walks that body once); `finish` filters the checkouts by what the whole module binds to pools.
"""

from __future__ import annotations

import ast

from ..facts import ConnectionCheckout
from .names import dotted
from .pools import POOL_TERMINALS, PoolCollector
from .scope import ModuleContext, Scope
from .syntax import SCOPE_TYPES, TRY_TYPES, terminal

__all__ = ["CheckoutCollector"]

_CHECKOUT_METHODS = ("getconn", "connect")
# psycopg2's pool.putconn(conn), asyncpg's pool.release(conn)
_RELEASE_ON_POOL = frozenset({"putconn", "release"})
# conn.close(), a connection's own release()
_RELEASE_ON_CONN = frozenset({"close", "release"})


class CheckoutCollector:
    def __init__(self, ctx: ModuleContext, pools: PoolCollector):
        self.ctx = ctx
        self.pools = pools
        self.pending: list[ConnectionCheckout] = []
        self.checkouts: list[ConnectionCheckout] = []

    def bind_local_name(self, name: str, call: ast.Call, sc: Scope, single: bool) -> bool:
        """`conn = pool.getconn()`; True when the call is a checkout method (bound or not)."""
        func = call.func
        if type(func) is not ast.Attribute:
            return False
        attr = func.attr
        if attr != "getconn" and attr != "connect":
            return False
        recv = dotted(func.value)
        if recv and single:
            if sc.checkouts is None:
                sc.checkouts = []
            sc.checkouts.append((name, attr, recv, call, False))
        return True

    def visit_with(self, st: ast.AST, sc: Scope) -> None:
        for item in st.items:  # type: ignore[attr-defined]
            ce = item.context_expr
            if type(ce) is ast.Await:
                ce = ce.value
            if type(ce) is ast.Call and type(ce.func) is ast.Attribute and ce.func.attr in _CHECKOUT_METHODS:
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

    def finish_scope(self, sc: Scope) -> None:
        if sc.checkouts:
            self._emit(sc)

    def _emit(self, sc: Scope) -> None:
        finally_released, released, safe = _release_facts(sc.node)  # type: ignore[arg-type]
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
            self.pending.append(
                ConnectionCheckout(kind, recv, self.ctx.src.span(call), sc.function or sc.qualname, bool(ok), bool(rel))
            )

    def finish(self) -> None:
        self.checkouts = []
        for c in self.pending:
            if c.receiver in self.pools.unpooled_bindings:
                continue  # NullPool: close() on a lost connection is all there is to lose
            if c.kind == "connect":
                # `.connect()` is too common a name: only an engine's, or a known pool's, counts
                last = c.receiver.rpartition(".")[2].lower()
                if "engine" not in last and c.receiver not in self.pools.bindings:
                    continue
            self.checkouts.append(c)


def _release_facts(fn: ast.AST) -> tuple[set, set, set]:
    """Names released in a `finally`, released anywhere, and otherwise handed on safely."""
    finally_released: set = set()
    released: set = set()
    safe: set = set()
    stack: list[tuple[ast.AST, bool]] = [(s, False) for s in fn.body]  # type: ignore[attr-defined]
    while stack:
        n, in_finally = stack.pop()
        t = type(n)
        if t in SCOPE_TYPES:
            continue
        if t in TRY_TYPES:
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
                and terminal(ce.func) == "closing"
                and ce.args
                and type(ce.args[0]) is ast.Name
            ):
                safe.add(ce.args[0].id)
        for c in ast.iter_child_nodes(n):
            stack.append((c, in_finally))
    return finally_released, released, safe


def _pools_made_in_body(fn: ast.AST) -> set[str]:
    """Names a function binds to an engine or pool it builds itself (`engine = create_engine(...)`)
    or receives from a context manager (`with get_engine() as engine`); nested scopes excluded."""
    made: set[str] = set()
    stack: list[ast.AST] = list(getattr(fn, "body", ()))
    while stack:
        node = stack.pop()
        t = type(node)
        if t in SCOPE_TYPES:
            continue
        if t is ast.withitem and type(node.optional_vars) is ast.Name:  # type: ignore[attr-defined]
            made.add(node.optional_vars.id)  # type: ignore[attr-defined]
        elif t is ast.Assign and type(node.value) is ast.Call and terminal(node.value.func) in POOL_TERMINALS:  # type: ignore[attr-defined]
            made.update(target.id for target in node.targets if type(target) is ast.Name)  # type: ignore[attr-defined]
        stack.extend(ast.iter_child_nodes(node))
    return made
