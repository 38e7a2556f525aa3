"""Peewee: `Model.select(...)` queries and what runs them, foreign keys and backrefs, and what
each costs.

A query is built on the model class (`Tweet.select().where(Tweet.user == u).order_by(...)`) and
runs when iterated, `get()`, `first()`, `count()`, `len()`; `Tweet.get(...)`, `get_by_id`,
`get_or_none`, `create` run one query each, writes built with `update()` / `delete()` /
`insert()` run on `.execute()`. A `ForeignKeyField` read on a row queries for the related row
(no identity map: once per row) unless the query selected and joined it
(`Tweet.select(Tweet, User).join(User)`); a backref (`user.tweets`) is a query of its own each
time it is used, unless `prefetch(query, Tweet)` loaded it. `lazy_load=False` reads give the
key only. The tables of names are in `frameworks.peewee`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from scalelint.facts import SCall
from scalelint.frameworks import peewee as pw
from scalelint.project import cost_reports, predicates
from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.symbolic import short, walks
from scalelint.project.values import UNKNOWN, Bound, Const, ModelAttr, ModelRef, Obj, Query, Site, single

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY"]

_CLASS_CALLS = pw.QUERY_CLASSMETHODS | pw.SINGLE_CLASSMETHODS | pw.WRITE_CLASSMETHODS
_BATCH_FIX = "Fetch the rows for all iterations at once before the loop (`.where(Model.id.in_(ids))`) and look them up in a dict"
_LABELS = {"fk": "a ForeignKeyField", "m2m": "a ManyToManyField", "reverse_fk": "a backref", "reverse_m2m": "a ManyToManyField backref"}


class PeeweeORM(Library):
    name = "peewee"
    frameworks = frozenset({"peewee"})

    # --- models and instances ----------------------------------------------------------

    def model_attr(self, frame: "Frame", model, name: str, sym) -> object:
        if name in _CLASS_CALLS:
            return Bound(ModelRef(model.qualname), name, frame.site(sym.span))
        if name in model.relations or name in model.columns or name in model.fields:
            return ModelAttr(model.qualname, name)
        return UNKNOWN

    def instance_attr(self, frame: "Frame", obj: Obj, model, name: str, sym) -> object:
        rel = model.relations.get(name)
        site = frame.site(sym.span)
        if rel is None:
            return Bound(obj, name, site) if name in pw.INSTANCE_WRITES else PASS
        if obj.everything or name in obj.loaded or obj.preseeded == name:
            return frame.loaded_relation(obj, rel, "peewee")
        if rel.lazy == "noload":
            return UNKNOWN  # `lazy_load=False`: the key, no query
        if rel.many:
            # a backref / many-to-many: a query of its own on every use
            return Query(rel.target or "", "peewee", "related", site, via=rel, owner=obj, text=short(sym))
        return frame.lazy_relation(obj, rel, site, "peewee", untargeted=False)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        if qual not in pw.PREFETCH or not args or type(args[0]) is not Query or args[0].framework != "peewee":
            return PASS
        q: Query = args[0]
        loaded = set(q.loaded)
        for a in args[1:]:
            target = a.model if type(a) in (ModelRef, Query) else None  # type: ignore[union-attr]
            rel = _relation_to(frame, q.model, target) if target else None
            if rel is None:
                return replace(q, everything=True, kind="list")  # a prefetch we cannot read: assume it loads what is read
            loaded.add(rel.name)
        frame.iterated(q, sym.span, sym.loop)  # the queries run right there
        return replace(q, loaded=frozenset(loaded), kind="list")

    # --- methods -----------------------------------------------------------------------

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv, name = bound.recv, bound.name
        if type(recv) is ModelRef:
            return _class_call(frame, recv, name, args, kwargs, sym, site, per_row)
        if type(recv) is Obj:
            if per_row is not None and name in pw.INSTANCE_WRITES:
                cost_reports.query_per_row(frame, site, f"`{short(sym)}`", "Collect the changed rows and write them once after the loop (`Model.bulk_update(rows, fields)` / `insert_many(...)`)", per_row, write=True)
            return UNKNOWN
        if type(recv) is Query:
            return _query_method(frame, recv, name, args, kwargs, sym, site, per_row)
        return PASS

    # --- reporting ---------------------------------------------------------------------

    def relation_label(self, rel) -> str:
        return _LABELS.get(rel.kind, "a relation")

    def eager_fix(self, orm, rows: Query, obj: Obj, rel, path: str, where: str, fresh: bool = False) -> str:
        owner = orm.models.get(obj.model)
        target = orm.models.get(rel.target) if rel.target else None
        owner_name = owner.name if owner else "Model"
        target_name = target.name if target else "Related"
        if rel.many:
            return f"Load `{rel.name}` for every row at once: `prefetch(query, {target_name})` on the query{where}"
        return f"Select and join `{rel.name}` in the query{where}: `.select({owner_name}, {target_name}).join({target_name})`"


LIBRARY = PeeweeORM()


def _class_call(frame: "Frame", ref: ModelRef, name: str, args: list, kwargs: dict, sym: SCall, site: Site, per_row: Query | None) -> object:
    model = frame.orm.models.get(ref.model)
    if model is None:
        return UNKNOWN
    text = short(sym)
    if name == "select":
        # `select(Tweet, User)` (then `.join(User)`): the selected model's relation is loaded
        # (which one, when several lead there, is the join's: each is taken as loaded)
        selected = {a.model for a in args if type(a) is ModelRef}
        loaded = frozenset(r.name for r in model.relations.values() if r.target in selected and not r.many)
        return Query(model.qualname, "peewee", "queryset", site, loaded=loaded, text=text)
    if name == "raw":
        stated = _sql.statement(frame, args[0], "peewee", "queryset", site) if args else None
        base = Query(model.qualname, "peewee", "queryset", site, text=text, opaque=stated is None)
        return replace(stated, model=model.qualname, rows="objects", text=text, table="", statement="") if stated else base
    q = Query(model.qualname, "peewee", "queryset", site, text=text)
    if name in pw.WRITE_CLASSMETHODS:
        return replace(q, kind="write")
    # get / get_by_id / get_or_none / get_or_create / create: one query, one row
    if name in ("get", "get_or_none") and args:
        q = _conditions(frame, q, "where", args, kwargs, sym, site)
    cost_reports.executed(frame, q, site)
    if per_row is not None:
        cost_reports.query_per_row(frame, site, f"`{text}`", "Build the rows and write them once with `insert_many(...)` after the loop" if name == "create" else _BATCH_FIX, per_row, write=name == "create")
    return Obj(model.qualname) if name != "get_or_create" else UNKNOWN


def _query_method(frame: "Frame", q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site, per_row: Query | None) -> object:
    text = short(sym)
    if q.kind == "write":
        if name == "execute":
            cost_reports.executed(frame, q, site)
            if per_row is not None:
                cost_reports.query_per_row(frame, site, f"`{text}`", "Do it once for all the rows: `.where(Model.id.in_(ids))` on one update / delete", per_row, write=True)
            return UNKNOWN
        return replace(q, text=text) if name in pw.CHAIN_METHODS else UNKNOWN
    if name in pw.CHAIN_METHODS:
        if q.kind == "related" and name in pw.NARROWING:
            # a backref narrowed: its own query (a prefetch of the whole backref does not serve it)
            return replace(q, cached=False, fresh=True, loaded=frozenset(), everything=False, origin=site, text=text)
        q = _conditions(frame, q, name, args, kwargs, sym, site)
        bounded = q.bounded or name in pw.BOUNDING or _key_filter(frame, q, name, sym)
        narrows = name in pw.NARROWING and bool(args or kwargs)
        return replace(q, text=text, bounded=bounded, filtered=q.filtered or narrows)
    if name in pw.ROW_METHODS:
        return replace(q, rows="values", text=text)
    if name == "iterator":
        return q
    if name == "execute":
        frame.iterated(q, sym.span, sym.loop)
        return replace(q, kind="list")
    if name in pw.SINGLE_METHODS or name in pw.NUMBER_METHODS:
        cost_reports.executed(frame, q, site)
        if q.kind == "related" and q.owner is not None and q.owner.row_of is not None and not q.cached:
            cost_reports.relation_per_row(frame, q, sym.span)
        elif per_row is not None and not q.cached:
            cost_reports.query_per_row(frame, site, f"`{text}`", _BATCH_FIX, per_row)
        return single(q) if name in pw.SINGLE_METHODS else UNKNOWN
    return UNKNOWN


def _conditions(frame: "Frame", q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site) -> Query:
    """What the index rules read of a query: `where(...)` conditions, `order_by(...)`, an offset."""
    if not q.model:
        return q
    if name in ("where", "filter") and not q.opaque:
        if kwargs or name == "filter":
            found = predicates.django_preds(frame.orm, q.model, kwargs, site) if not args else None
        else:
            found = predicates.sqlalchemy_preds(frame.orm, q.model, sym.args, frame.eval, site)
        return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
    if name == "orwhere":
        return replace(q, opaque=True)
    if name == "order_by":
        order = predicates.sqlalchemy_order(frame.orm, sym.args, frame.eval, site)
        return replace(q, order=order) if order is not None else q
    if name == "offset" and args and type(args[0]) is not Const and not (sym.args and walks(sym.args[0])):
        return replace(q, offset=site)
    if name == "paginate" and args and type(args[0]) is not Const and not (sym.args and walks(sym.args[0])):
        return replace(q, offset=site)  # `paginate(page, n)`: OFFSET (page - 1) * n
    return q


def _key_filter(frame: "Frame", q: Query, name: str, sym: SCall) -> bool:
    """`.where(Tweet.id == x)`, `.where(Tweet.id.in_(ids))`: a known few rows."""
    if name != "where":
        return False
    for arg in sym.args:
        sides = arg.operands if getattr(arg, "op", None) == "Compare" and arg.ops == ("Eq",) else ()  # type: ignore[union-attr]
        for side in sides:
            v = frame.eval(side)
            if type(v) is ModelAttr and v.model == q.model and frame.orm.is_key(v.model, v.name):
                return True
    return False


def _relation_to(frame: "Frame", model: str, target: str):
    """The relation of `model` that leads to `target` (a forward key, or a backref), when only one does."""
    found = frame.orm.models.get(model)
    if found is None:
        return None
    hits = [r for r in found.relations.values() if r.target == target]
    return hits[0] if len(hits) == 1 else None
