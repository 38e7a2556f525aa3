"""Django admin changelists: what a registered `ModelAdmin` runs for each row it lists.

The changelist page lists one page (`list_per_page`, 100 by default) of the admin's
`get_queryset()` (the model's every row when the admin does not override it) and, for each row,
renders each `list_display` entry: a model field (a foreign key is shown as the related row's
`str()`), `"__str__"`, a method of the admin called with the row, a model method or property, or
a callable. What those read through the row is judged like the body of a loop over the page,
with the admin as the root (a staff request). Django joins the related rows itself when
`list_select_related` says so, and with `select_related()` when `list_display` names a foreign
key and `list_select_related` is left False.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from scalelint.facts import SConst, SName, SSeq
from scalelint.frameworks import django_admin as dja
from scalelint.project import is_non_production_path
from scalelint.project import libraries as libs
from scalelint.project.class_views import NOWHERE, class_facts, read_through_row
from scalelint.project.evaluator import Frame
from scalelint.project.values import UNKNOWN, Func, Instance, Obj, Query, Site, rows_of

if TYPE_CHECKING:
    from scalelint.project.admin_sites import Registration
    from scalelint.project.queries import QueryAnalysis

__all__ = ["evaluate"]

def evaluate(a: "QueryAnalysis") -> None:
    seen: set[tuple[str, str]] = set()
    for reg in a.handlers.admins:
        if (reg.admin, reg.model) not in seen and not is_non_production_path(reg.path):
            seen.add((reg.admin, reg.model))
            _changelist(a, reg)


def _attributes(a: "QueryAnalysis", admin: str) -> dict:
    """The admin's class attributes, a project base's where the class does not set one."""
    out: dict = {}
    for c in a.project.callgraph.mro(admin) or [admin]:
        found = class_facts(a, c)
        for name, value in found[1].attributes if found else ():
            out.setdefault(name, value)
    return out


def _changelist(a: "QueryAnalysis", reg: "Registration") -> None:
    model = a.orm.model(reg.model)
    found = class_facts(a, reg.admin)
    if model is None or model.framework != "django" or found is None:
        return
    path, cls = found
    attributes = _attributes(a, reg.admin)
    display = _display(attributes.get("list_display"))
    if display is None:
        return  # computed (`get_list_display`) or not a literal: what is shown cannot be told
    graph = a.project.callgraph
    label = (f"`{cls.name}` (a Django admin changelist)", "django")
    rows, overridden = _rows(a, reg, model)
    if type(rows) is not Query or rows.model != model.qualname:
        return
    if not rows.text or not overridden:
        rows = replace(rows, text=f"{cls.name}.get_queryset()")  # Django's: where the fix goes
    rows = _joined(a.orm, rows, attributes.get("list_select_related"), display, model)
    per_page = attributes.get("list_per_page")
    size = per_page.value if type(per_page) is SConst and type(per_page.value) is int else dja.LIST_PER_PAGE
    rows = replace(rows, bounded=True, page_size=size)
    row = Frame(a, path, NOWHERE, [], None, 0).element(rows)
    if type(row) is not Obj:
        return
    where = Site(reg.path, reg.span)
    notes = [(where, f"`{cls.name}` lists a page of {size} `{model.name}` rows, and each `list_display` entry is shown for every row")]
    for entry in display:
        if type(entry) is SName:
            target = a.project.resolve(entry.qual) or entry.qual  # a callable: called with the row
            _call(a, path, cls, reg.admin, label, notes, Func(target), row, rows)
            continue
        name = entry
        admin_method = graph.lookup(reg.admin, name)
        if admin_method is not None:
            _call(a, path, cls, reg.admin, label, notes, Func(admin_method, self_value=Instance(reg.admin)), row, rows)
        elif name in model.relations and not model.relations[name].many:
            read_through_row(a, path, name, False, cls.span, row, rows, reg.admin, label, notes)  # shown as the related row's str()
        elif (method := graph.lookup(model.qualname, name)) is not None:
            _call(a, path, cls, reg.admin, label, notes, Func(method, self_value=row), row, rows, with_row=False)


def _display(value) -> list | None:
    """The `list_display` entries: names (str) and callables (SName); absent: `("__str__",)`."""
    if value is None:
        return [dja.STR]
    if type(value) is not SSeq:
        return None
    out: list = []
    for e in value.elts:
        if type(e) is SConst and isinstance(e.value, str):
            out.append(e.value)
        elif type(e) is SName:
            out.append(e)
    return out


def _rows(a: "QueryAnalysis", reg: "Registration", model) -> tuple[object, bool]:
    """What the changelist lists: the admin's `get_queryset()` return value, else every row;
    and whether the project overrides `get_queryset`."""
    method = a.project.callgraph.lookup(reg.admin, "get_queryset")
    if method is None:
        return libs.every_row(a.orm, model.qualname), False
    found = a.function(method)
    if found is None:
        return None, True
    path, fn = found
    frame = Frame(a, path, fn, [Instance(reg.admin)] + [UNKNOWN] * (len(fn.params) - 1), None, 0)
    frame.silent = True
    value = frame.evaluate_returns()
    # `super().get_queryset(request)` is Django's: every row of the model (admin_querysets)
    return (value if type(value) is Query else None), True


def _joined(orm, rows: Query, select_related, display: list, model) -> Query:
    """The rows as Django's changelist loads them (ChangeList.apply_select_related)."""
    if type(select_related) is SConst and select_related.value is True:
        return replace(rows, everything=True)
    if type(select_related) is SSeq:
        names = [e.value for e in select_related.elts if type(e) is SConst and isinstance(e.value, str)]
        return replace(rows, loaded=rows.loaded | frozenset(names))
    if select_related is None or (type(select_related) is SConst and select_related.value is False):
        if any(isinstance(e, str) and e in model.relations and not model.relations[e].many for e in display):
            # select_related() with no names: every foreign key that cannot be null, and theirs
            return replace(rows, loaded=rows.loaded | _not_null_keys(orm, model, 2))
    return rows


def _not_null_keys(orm, model, depth: int, prefix: str = "") -> frozenset[str]:
    """The relation paths `select_related()` follows: forward keys that cannot be null (a null
    one, or one the repository does not say, is left to load lazily), `depth` levels deep."""
    out: set[str] = set()
    for name, f in model.fields.items():
        if f.kind not in ("fk", "o2o") or f.nullable is not False:
            continue
        out.add(prefix + name)
        rel = model.relations.get(name)
        target = orm.model(rel.target) if rel is not None and rel.target and depth > 1 else None
        if target is not None:
            out |= _not_null_keys(orm, target, depth - 1, f"{prefix}{name}__")
    return frozenset(out)


def _call(a, path, cls, root, label, notes, func: Func, row: Obj, rows: Query, with_row: bool = True) -> None:
    """Django calls a `list_display` method with the row, once per row of the page."""
    call = Frame(a, path, NOWHERE, [], None, 0)
    call.root = root
    call.root_handler = call.handler = label
    call.notes = notes
    call.invoke(func, [row] if with_row else [], {}, Site(path, cls.span), rows_of(rows))

