"""Drizzle ORM (TypeScript): the query builder (`db.select().from(posts).where(...)`), the
relational API (`db.query.posts.findMany({ with, where, limit })`) and writes
(`db.insert(posts).values(...)`), over the tables `pgTable(...)` declares.

A builder is a thenable: it runs when awaited (`await db.select()...`), when an array
callback hands it to `Promise.all`, or when a loop iterates it; the front-end records which
calls are awaited (`FunctionFacts.awaited`). So the query that counts is the one awaited on
each row of a loop over rows: one query per row (SCL102). Drizzle never loads a relation
lazily (`with` loads it with the rows, a missing one is simply absent), so there is no N+1 of
the SCL101 kind. The database handle is recognised by what built it: a module-level
`db = drizzle(...)` (followed through the imports), or a transaction's callback parameter.
The tables of operators are in `frameworks.drizzle`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scalelint.facts import SCall, SConst, SDict
from scalelint.frameworks import drizzle as dz
from scalelint.project import cost_reports, predicates
from scalelint.project.libraries import PASS, Library
from scalelint.project.symbolic import short, walks
from scalelint.project.values import UNKNOWN, Bound, Const, Mapping, ModelAttr, ModelRef, Query, Site, single

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Database", "Builder", "Relational", "Write"]

_FRAMEWORK = "drizzle"
_BATCH_FIX = "Fetch the rows for every iteration in one query before the loop (`where(inArray(table.id, ids))`, or a join / `with` on the query that feeds the loop) and look them up in a Map"
_WRITE_FIX = "Write every row in one statement after the loop: `db.insert(table).values(rows)` (an array), or one `update ... where inArray(...)`"


@dataclass(frozen=True)
class Database:
    """`db = drizzle(pool)`, or the `tx` of `db.transaction(async (tx) => ...)`."""


@dataclass(frozen=True)
class Builder:
    """`db.select(...)` waiting for its `.from(table)`; `values`: it picks columns, not rows."""

    values: bool


@dataclass(frozen=True)
class Relational:
    """`db.query` (model None) and `db.query.posts`."""

    model: str | None = None


@dataclass(frozen=True)
class Write:
    """`db.insert(posts)`, `db.update(posts)`, `db.delete(posts)` and their chains."""

    model: str
    kind: str


class Drizzle(Library):
    name = "drizzle"
    frameworks = frozenset({_FRAMEWORK})
    values = (Database, Builder, Relational, Write)

    # --- names ---------------------------------------------------------------------------

    def external_attr(self, frame: "Frame", qual: str, name: str, site: Site) -> object:
        if not _is_database(frame, qual):
            return PASS
        if name == "query":
            return Relational()
        return Bound(Database(), name, site)

    def model_attr(self, frame: "Frame", model, name: str, sym) -> object:
        if model.framework != _FRAMEWORK:
            return PASS
        return ModelAttr(model.qualname, name) if name in model.fields else UNKNOWN

    def instance_attr(self, frame: "Frame", obj, model, name: str, sym) -> object:
        return UNKNOWN if model.framework == _FRAMEWORK else PASS  # a row is plain data

    def attr(self, frame: "Frame", value: object, name: str, site: Site) -> object:
        if type(value) is Relational and value.model is None:  # type: ignore[union-attr]
            model = _table_named(frame, name)
            return Relational(model) if model is not None else UNKNOWN
        return Bound(value, name, site)

    # --- calls ---------------------------------------------------------------------------

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv, name = bound.recv, bound.name
        t = type(recv)
        if t is Database:
            if name in ("select", "selectDistinct", "selectDistinctOn"):
                return Builder(values=bool(args) and type(args[-1]) is Mapping)
            if name in dz.WRITES and args and type(args[0]) is ModelRef:
                return self._written(frame, Write(args[0].model, name), sym, site, per_row)
            if name == "execute":
                if per_row is not None and _awaited(frame, sym):
                    cost_reports.query_per_row(frame, site, f"`{short(sym)}`", _BATCH_FIX, per_row)
                return UNKNOWN
            return UNKNOWN
        if t is Builder:
            if name == "from" and args and type(args[0]) is ModelRef:
                q = Query(args[0].model, _FRAMEWORK, "queryset", site, rows="values" if recv.values else "objects", text=short(sym))  # type: ignore[union-attr]
                return self._ran(frame, q, sym, site, per_row)
            return UNKNOWN
        if t is Query and recv.framework == _FRAMEWORK:  # type: ignore[union-attr]
            return self._chain(frame, recv, name, args, sym, site, per_row)  # type: ignore[arg-type]
        if t is Relational and recv.model is not None:  # type: ignore[union-attr]
            return self._find(frame, recv.model, name, args, sym, site, per_row)  # type: ignore[union-attr]
        if t is Write:
            return self._written(frame, recv, sym, site, per_row)  # type: ignore[arg-type]
        return PASS

    def _chain(self, frame: "Frame", q: Query, name: str, args: list, sym: SCall, site: Site, per_row: Query | None) -> object:
        if name not in dz.CHAIN:
            return UNKNOWN
        text = short(sym)
        if name == "where" and sym.args:
            found = predicates.drizzle_preds(frame.orm, sym.args[0], frame.eval, site)
            q = replace(q, preds=q.preds + found, filtered=True) if found is not None else replace(q, opaque=True, filtered=True)
            if found and any(p.op == "eq" and frame.orm.is_key(p.model, _attribute(frame, p)) for p in found):
                q = replace(q, bounded=True)
        elif name == "orderBy":
            order = predicates.drizzle_order(frame.orm, sym.args, frame.eval, site)
            q = replace(q, order=order) if order is not None else q
        elif name == "limit":
            q = replace(q, bounded=True)
        elif name == "offset" and args and type(args[0]) is not Const and not (sym.args and walks(sym.args[0])):
            q = replace(q, offset=site)
        elif name in dz.JOINS:
            q = replace(q, rows="values")  # joined rows are `{ posts, users }` objects
        return self._ran(frame, replace(q, text=text), sym, site, per_row)

    def _find(self, frame: "Frame", model: str, name: str, args: list, sym: SCall, site: Site, per_row: Query | None) -> object:
        if name not in (dz.FIND_MANY, dz.FIND_FIRST):
            return UNKNOWN
        q = Query(model, _FRAMEWORK, "queryset", site, text=short(sym))
        options = sym.args[0] if sym.args and type(sym.args[0]) is SDict else None
        for key, value in options.items if options is not None else ():  # type: ignore[union-attr]
            k = key.value if type(key) is SConst else None
            if k == "with" and type(value) is SDict:
                loaded = frozenset(str(rk.value) for rk, _ in value.items if type(rk) is SConst)  # type: ignore[union-attr]
                q = replace(q, loaded=loaded)
            elif k == "where":
                found = predicates.drizzle_preds(frame.orm, value, frame.eval, site)
                q = replace(q, preds=q.preds + found, filtered=True) if found is not None else replace(q, opaque=True, filtered=True)
            elif k == "limit":
                q = replace(q, bounded=True)
            elif k == "offset" and type(value) is not SConst and not walks(value):
                q = replace(q, offset=site)
            elif k == "orderBy":
                order = predicates.drizzle_order(frame.orm, value.elts if hasattr(value, "elts") else (value,), frame.eval, site)
                q = replace(q, order=order) if order is not None else q
        if name == dz.FIND_FIRST:
            q = replace(q, bounded=True)
        self._ran(frame, q, sym, site, per_row, force=True)
        return single(q) if name == dz.FIND_FIRST else q

    def _ran(self, frame: "Frame", q: Query, sym: SCall, site: Site, per_row: Query | None, force: bool = False) -> Query:
        """The query, run here when this call is the one awaited."""
        if force or _awaited(frame, sym):
            cost_reports.executed(frame, q, site)
            if per_row is not None:
                cost_reports.query_per_row(frame, site, f"`{q.text or short(sym)}`", _BATCH_FIX, per_row)
        return q

    def _written(self, frame: "Frame", w: Write, sym: SCall, site: Site, per_row: Query | None) -> object:
        if per_row is not None and _awaited(frame, sym):
            cost_reports.query_per_row(frame, site, f"`{short(sym)}`", _WRITE_FIX, per_row, write=True)
        return w

    # --- reporting -----------------------------------------------------------------------

    def keyset_fix(self, model_name: str) -> str:
        return f"Page with a keyset instead: `.where(gt({model_name}.id, lastId)).orderBy({model_name}.id).limit(pageSize)`"


LIBRARY = Drizzle()


def _awaited(frame: "Frame", sym: SCall) -> bool:
    memo = frame.a.library_memo("drizzle.awaited")
    spans = memo.get(id(frame.fn))
    if spans is None:
        spans = memo[id(frame.fn)] = frozenset(frame.fn.awaited)
    return sym.span in spans


def _is_database(frame: "Frame", qual: str) -> bool:
    memo = frame.a.library_memo("drizzle.databases")
    if qual not in memo:
        value = frame.a.project.callgraph.module_value(qual)
        memo[qual] = value is not None and value.callee.rsplit(".", 1)[-1] in dz.DATABASE_FUNCTIONS and dz.is_drizzle_module(value.callee.rpartition(".")[0])
    return memo[qual]


def _table_named(frame: "Frame", name: str) -> str | None:
    """`db.query.posts`: the Drizzle table whose schema key (its exported name) is `name`."""
    memo = frame.a.library_memo("drizzle.tables")
    if not memo:
        for q, m in frame.orm.models.items():
            if m.framework == _FRAMEWORK:
                memo.setdefault(m.name, []).append(q)
    found = memo.get(name, ())
    return found[0] if len(found) == 1 else None


def _attribute(frame: "Frame", pred) -> str:
    """The attribute whose column a condition reads (`is_key` asks by attribute)."""
    model = frame.orm.models.get(pred.model)
    for fname, f in (model.fields.items() if model is not None else ()):
        if (f.column or fname) == pred.column:
            return fname
    return pred.column

