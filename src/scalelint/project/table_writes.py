"""Where each model's rows are added: the writes the cost model weighs by how often the code
that makes them runs (scalelint.project.cardinality).

    for model, span, how in writes_in(fn, orm, by_label): ...

A write is `Model.objects.create(...)` (and the other manager writes, also through a related
manager: `run.executions.create(...)`), `Model(...).save()`,
`session.add(Model(...))`, `session.execute(insert(Model).values(...))`, or a data migration's
`apps.get_model("shop", "Order").objects.create(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from scalelint.facts import FunctionFacts, SAttr, SCall, SConst, SName, SParam, SSeq
from scalelint.project.values import Site

__all__ = ["Write", "writes_in", "innermost", "model_of"]

_MANAGER_WRITES = frozenset({"create", "bulk_create", "get_or_create", "update_or_create", "acreate", "abulk_create", "aget_or_create", "aupdate_or_create"})
_INSTANCE_WRITES = frozenset({"save", "asave", "create", "insert"})  # `Model(...).save()` (and CRUD mixins' `.create()`)
_SESSION_ADDS = frozenset({"add", "add_all", "merge", "bulk_save_objects", "persist"})
_INSERT_FUNCS = frozenset({"insert", "bulk_insert_mappings"})


@dataclass(frozen=True)
class Write:
    model: str  # model qualname
    function: str  # the writing function's qualname
    site: Site
    how: str  # `Order.objects.create`, `session.add(Order(...))`
    handler: str | None = None  # a framework view that creates rows on each POST (DRF `create`, a CreateView): its label


def writes_in(fn: FunctionFacts, orm, by_label: dict) -> Iterator[tuple[str, object, str]]:
    from scalelint.project.callgraph import walk

    for sym in walk(fn):
        if type(sym) is not SCall or type(sym.func) is not SAttr:
            continue
        method = sym.func.name
        recv = sym.func.obj
        if method in _MANAGER_WRITES and type(recv) is SAttr:
            model = model_of(recv.obj, orm, by_label)
            if model is not None and recv.name in model.managers:
                yield model.qualname, sym.span, f"{model.name}.{recv.name}.{method}"
                continue
        if method in _MANAGER_WRITES and type(recv) is SAttr:
            model = _related_manager_target(fn, recv, orm)  # `run.executions.create(...)`
            if model is not None:
                yield model.qualname, sym.span, f"{recv.name}.{method}"
                continue
        if method in _INSTANCE_WRITES and type(recv) is SCall:
            model = model_of(recv.func, orm, by_label)
            if model is not None:
                yield model.qualname, sym.span, f"{model.name}(...).{method}()"
                continue
        if method in _MANAGER_WRITES and method.endswith("create"):
            model = model_of(recv, orm, by_label)  # a CRUD mixin's `Model.create(...)`
            if model is not None and model.framework != "django":
                yield model.qualname, sym.span, f"{model.name}.{method}"
                continue
        if method in _SESSION_ADDS:
            for arg in sym.args:
                items = arg.elts if type(arg) is SSeq else (arg,)
                for item in items:
                    if type(item) is SCall:
                        model = model_of(item.func, orm, by_label)
                        if model is not None:
                            yield model.qualname, sym.span, f"session.{method}({model.name}(...))"
        if method in ("execute", "exec") and sym.args and type(sym.args[0]) is SCall:
            inner = sym.args[0]
            while type(inner) is SCall and type(inner.func) is SAttr and type(inner.func.obj) is SCall:
                inner = inner.func.obj  # `insert(Model).values(...)`
            if type(inner) is SCall and inner.args:
                callee = inner.func
                name = callee.name if type(callee) is SAttr else callee.qual.rsplit(".", 1)[-1] if type(callee) is SName else ""
                if name in _INSERT_FUNCS:
                    model = model_of(inner.args[0], orm, by_label)
                    if model is not None:
                        yield model.qualname, sym.span, f"insert({model.name})"


_MANY_ACCESSORS = frozenset({"reverse_fk", "m2m", "reverse_m2m"})


def _related_manager_target(fn: FunctionFacts, recv: SAttr, orm):
    """The model a Django related manager adds rows to (`self.executions.create(...)` in a
    model method, `user.posts.create(...)`): the relation of the method's own model when the
    receiver is `self`, else the one model every Django relation of that name leads to."""
    if type(recv.obj) is SParam and recv.obj.index == 0 and fn.class_name:
        own = orm.model(fn.class_name)
        if own is not None:
            rel = own.relations.get(recv.name)
            return orm.model(rel.target) if rel is not None and rel.kind in _MANY_ACCESSORS and rel.target else None
    targets = _accessors(orm).get(recv.name)
    return orm.model(next(iter(targets))) if targets and len(targets) == 1 else None


def _accessors(orm) -> dict[str, set[str]]:
    """Django many-valued accessor name -> the models it leads to, over every model."""
    found = orm.__dict__.get("_many_accessors")
    if found is None:
        found = {}
        for m in orm.models.values():
            if m.framework != "django":
                continue
            for rel in m.relations.values():
                if rel.kind in _MANY_ACCESSORS and rel.target:
                    found.setdefault(rel.name, set()).add(rel.target)
        orm.__dict__["_many_accessors"] = found
    return found


def innermost(sym):
    """The name a call chain starts from: `Order` of `Order.objects.filter(...).all()`."""
    for _ in range(16):
        t = type(sym)
        if t is SCall:
            sym = sym.func
        elif t is SAttr:
            sym = sym.obj
        else:
            break
    return sym


def model_of(sym, orm, by_label: dict):
    """The model a symbolic value names: `Order`, `shop.models.Order`, or a data migration's
    `apps.get_model("shop", "Order")`."""
    t = type(sym)
    if t is SName:
        return orm.model(sym.qual)
    if t is SCall and type(sym.func) is SAttr and sym.func.name == "get_model" and type(sym.func.obj) in (SParam, SName, SAttr):
        args = [a.value for a in sym.args if type(a) is SConst and isinstance(a.value, str)]
        if len(args) == 2:
            found = by_label.get((args[0], args[1].lower()))
            return orm.models.get(found) if found else None
        if len(args) == 1 and "." in args[0]:
            label, _, name = args[0].partition(".")
            found = by_label.get((label, name.lower()))
            return orm.models.get(found) if found else None
    return None
