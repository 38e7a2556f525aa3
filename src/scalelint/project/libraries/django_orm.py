"""The Django ORM: managers and querysets, related managers, `select_related` /
`prefetch_related` / `Prefetch`, instance writes, and what each costs.

A queryset is lazy: chaining (`filter`, `order_by`, `select_related`) gives another queryset;
iterating it, `get()`, `count()`, `exists()`, writes run a query. A related manager
(`event.tags`) runs its own query on every use unless the rows were prefetched; filtering it
runs a fresh one even then. A forward relation (`event.organizer`) queries once per instance
unless `select_related` / `prefetch_related` loaded it, or the manager the row came from filled
it in (`user.orders.all()` rows know their `user`). The tables of names are in
`frameworks.django`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable

from scalelint.facts import SAttr, SParam
from scalelint.frameworks import django as dj
from scalelint.project import cost_reports, predicates
from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.symbolic import short
from scalelint.project.values import UNKNOWN, Bound, Const, Func, ModelRef, Obj, Query, Site, single

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Paginator", "Prefetch"]

_EXECUTE = dj.SINGLE_OBJECT_METHODS | dj.AGGREGATE_METHODS | dj.WRITE_METHODS
# the queryset methods that add, change or remove rows (`in_bulk` reads; `get_or_create` reads first)
_WRITES = frozenset({"create", "update", "delete", "bulk_create", "bulk_update", "acreate", "aupdate", "adelete", "abulk_create", "abulk_update"})
_NARROWING = frozenset({"filter", "exclude", "complex_filter", "none", "search", "alias", "extra"})
# methods that run the query with their own conditions (`get(pk=1)`) or none
_RUNS_CONDITIONS = frozenset({"exists", "count", "aexists", "acount", "update", "delete", "aupdate", "adelete"})
# the methods whose keyword arguments are lookups (what `create(...)` and `update(...)` are
# given are the new row's values, not conditions); `defaults` of the *_or_create pair are values
_LOOKUP_METHODS = frozenset({"get", "aget", "get_or_create", "aget_or_create", "update_or_create", "aupdate_or_create"})
_VALUE_KWARGS = frozenset({"defaults", "create_defaults"})
# django.shortcuts: (model, manager or queryset first) -> the queryset method they run
_SHORTCUTS = {
    "django.shortcuts.get_object_or_404": "get",
    "django.shortcuts.aget_object_or_404": "aget",
    "django.shortcuts.get_list_or_404": "filter",
    "django.shortcuts.aget_list_or_404": "filter",
}
_RELATION_LABELS = {
    "fk": "a ForeignKey",
    "o2o": "a OneToOneField",
    "m2m": "a ManyToManyField",
    "reverse_fk": "a reverse ForeignKey manager",
    "reverse_o2o": "a reverse one-to-one",
    "reverse_m2m": "a reverse many-to-many manager",
    "generic_fk": "a GenericForeignKey",
    "generic_relation": "a GenericRelation",
}


@dataclass(frozen=True)
class Paginator:
    """`Paginator(queryset, per_page)`: every page it gives and its `count` run a COUNT of
    the queryset (Django validates the page number against `num_pages`)."""

    rows: Query
    site: Site


@dataclass(frozen=True)
class Prefetch:
    """`Prefetch(lookup, queryset=..., to_attr=...)`."""

    lookup: str
    to_attr: str | None = None
    inner: Query | None = None


class DjangoORM(Library):
    name = "django"
    frameworks = frozenset({"django"})
    values = (Prefetch, Paginator)

    # --- models and instances ----------------------------------------------------------

    def model_attr(self, frame: "Frame", model, name: str, sym) -> object:
        method = model.methods.get(name)
        if method is not None and method[1] == "classmethod":
            # `User.viewer_aware_objects(viewer)`: a classmethod that builds a queryset from `cls`
            return Func(method[0], self_value=ModelRef(model.qualname))
        if name in model.managers:
            # a custom manager's get_queryset() may add eager loads we do not follow
            custom = _custom_queryset(frame, model, name)
            return Query(model.qualname, "django", "manager", frame.site(sym.span), everything=custom, text=f"{model.name}.{name}")
        return UNKNOWN

    def instance_attr(self, frame: "Frame", obj: Obj, model, name: str, sym) -> object:
        for attr, rel_path, inner_loaded in obj.to_attr:
            if attr == name:
                target = frame.follow(model, rel_path)
                if target is None:
                    return UNKNOWN
                return Query(target, model.framework, "list", None, loaded=inner_loaded, cached=True)
        rel = model.relations.get(name)
        site = frame.site(sym.span)
        if rel is None:
            return Bound(obj, name, site) if name in dj.INSTANCE_WRITE_METHODS else PASS
        if obj.everything or name in obj.loaded or obj.preseeded == name:
            return frame.loaded_relation(obj, rel, model.framework)
        if rel.many:
            # a related manager: each use of it runs its own query unless prefetched
            return Query(rel.target or "", "django", "related", site, via=rel, owner=obj, text=short(sym))
        return frame.lazy_relation(obj, rel, site, model.framework, untargeted=True)

    def attr(self, frame: "Frame", value: object, name: str, site: Site) -> object:
        if type(value) is Paginator:
            if name in dj.PAGINATOR_COUNTS:
                cost_reports.paged_count(frame, value.rows, value.site, site)
            return Bound(value, name, site) if name in dj.PAGINATOR_PAGES else UNKNOWN
        return Bound(value, name, site) if type(value) is Query else UNKNOWN

    def back_reference(self, orm, via) -> str | None:
        # Django fills in the FK of a reverse manager's rows
        if not via.opposite or not via.many:
            return None
        return via.opposite if via.kind in ("reverse_fk", "reverse_o2o") else None

    def unknown_attr(self, frame: "Frame", sym, name: str, site: Site) -> object:
        """`request.user` / `self.request.user` in a Django view: the signed-in user, one
        instance of the project's user model (its relations read from here are one user's)."""
        if name != dj.REQUEST_USER or not _is_request(sym.obj) or frame.root_handler is None:
            return PASS
        user = frame.orm.user_model()
        return Obj(user.qualname) if user is not None else PASS

    def every_row(self, model) -> Query | None:
        return Query(model.qualname, "django", "queryset", None, text=f"{model.name}.objects.all()")

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        if qual in dj.GET_USER_MODEL:
            user = frame.orm.user_model()
            return ModelRef(user.qualname) if user is not None else UNKNOWN
        if qual in dj.PAGINATOR_CLASSES:
            rows = args[0] if args else kwargs.get("object_list")
            return Paginator(rows, site) if type(rows) is Query and rows.framework == "django" else UNKNOWN
        if qual in _SHORTCUTS and args:
            return _shortcut(frame, _SHORTCUTS[qual], args, kwargs, sym, site)
        if qual not in dj.PREFETCH_QUALNAMES:
            return PASS
        lookup = args[0].value if args and type(args[0]) is Const and isinstance(args[0].value, str) else None
        if lookup is None:
            return UNKNOWN
        to_attr = kwargs.get("to_attr")
        inner = kwargs.get("queryset", args[1] if len(args) > 1 else None)
        return Prefetch(lookup, to_attr.value if type(to_attr) is Const and isinstance(to_attr.value, str) else None, inner if type(inner) is Query else None)

    # --- methods -----------------------------------------------------------------------

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv = bound.recv
        if type(recv) is Paginator:
            cost_reports.paged_count(frame, recv.rows, recv.site, site)  # `paginator.get_page(n)`
            return UNKNOWN
        if type(recv) is Obj:
            if per_row is not None:
                _instance_write(frame, recv, bound.name, sym, site, per_row)
            return UNKNOWN
        if type(recv) is Query:
            return _queryset_method(frame, recv, bound.name, args, kwargs, sym, site, per_row)
        return PASS

    # --- reporting ---------------------------------------------------------------------

    def relation_label(self, rel) -> str:
        return _RELATION_LABELS.get(rel.kind, f'a relationship() loaded lazy="{rel.lazy}"')

    def eager_fix(self, orm, rows: Query, obj: Obj, rel, path: str, where: str, fresh: bool = False) -> str:
        if fresh:
            return (
                f'Load the filtered `{rel.name}` of all rows at once: `.prefetch_related(Prefetch("{path}", queryset=..., to_attr=...))`'
                f" on the query that feeds the loop, or `.annotate(...)` it there when only a count or a flag is needed"
            )
        return f'Add `.{_eager_method(rows, obj, rel, orm)}("{path}")`{where}'

    def eager_edit(self, frame: "Frame", rows: Query, obj: Obj, rel, path: str) -> tuple:
        """`.select_related("organizer")` appended to the loop's iterable, when that is a
        queryset written right there (`for e in events:`, `for e in Event.objects.filter(...)`)."""
        from scalelint.diagnostics import Edit
        from scalelint.facts import Span

        at = obj.row_site
        if at is None or frame.template or rows.kind not in ("manager", "queryset", "related"):
            return ()
        if rows.to_attr or rows.everything:
            return ()
        text = frame.a.project.text_at(at.path, at.span)
        if text is None or not (text.isidentifier() or text.endswith(")")):
            return ()
        end = Span(at.span.end_line, at.span.end_column, at.span.end_line, at.span.end_column)
        call = f".{_eager_method(rows, obj, rel, frame.orm)}(\"{path}\")"  # a manager takes it as well as a queryset
        return (Edit(at.path, end, call),)

    def keyset_fix(self, model_name: str) -> str:
        return 'Page with a keyset instead: `.filter(id__gt=last_id).order_by("id")[:page_size]`, or DRF `CursorPagination`'


LIBRARY = DjangoORM()


def _is_request(sym) -> bool:
    """`request` (a view's parameter) or `self.request` (a class-based view's)."""
    if type(sym) is SParam:
        return sym.name == dj.REQUEST_PARAM
    return type(sym) is SAttr and sym.name == dj.REQUEST_PARAM and type(sym.obj) is SParam and sym.obj.index == 0


def _queryset_method(frame: "Frame", q: Query, name: str, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
    if q.kind == "list":
        # rows already fetched into a Python list or set (`set(qs)`, a `to_attr` prefetch):
        # `.update(...)`, `.count(x)` and `.index(x)` are the container's, not the queryset's
        return UNKNOWN
    text = short(sym)
    if name in (dj.SELECT_RELATED, dj.PREFETCH_RELATED) or name == "fetch_mode":
        return _eager_loads(q, name, args, text)
    if name in dj.ROW_METHODS:
        return replace(q, kind=_chained(q), rows="values", text=text)
    if name == "raw" and q.kind == "manager":
        return _raw(frame, q, args, site, text)
    if name in dj.QUERYSET_CHAIN_METHODS or name == "iterator":
        if q.kind == "related" and name not in ("all", "iterator"):
            # filtering a related manager runs a fresh query even when it was prefetched,
            # and its rows are loaded by this query, not by the outer one
            return replace(q, cached=False, fresh=True, loaded=frozenset(), everything=False, origin=site, text=text, bounded=_key_filter(frame, q, kwargs))
        narrows = name in _NARROWING and bool(args or kwargs)
        q = _conditions(frame, q, name, args, kwargs, site)
        return replace(q, kind=_chained(q), text=text, bounded=q.bounded or _key_filter(frame, q, kwargs), filtered=q.filtered or narrows, empty=q.empty or name == "none")
    if name in _EXECUTE:
        if name in dj.SINGLE_OBJECT_METHODS or name in _RUNS_CONDITIONS:
            lookups, positional = _lookups(name, kwargs), args if name in _LOOKUP_METHODS else []
            cost_reports.executed(frame, _conditions(frame, q, "filter", positional, lookups, site) if lookups or positional else q, site)
        if name in ("count", "acount") and not args and not kwargs and per_row is None and q.kind != "related":
            cost_reports.counted(frame, q, sym, site)
        per_row_relation = q.kind == "related" and not q.cached and q.owner is not None and q.owner.row_of is not None
        if per_row_relation:
            cost_reports.relation_per_row(frame, q, sym.span)
        elif q.kind == "related" and q.cached:
            pass
        elif per_row is not None:
            cost_reports.query_per_row(frame, site, f"`{text}`", _batch_fix(name), per_row, write=name in _WRITES)
        if name in dj.SINGLE_OBJECT_METHODS and not name.endswith(("get_or_create", "update_or_create")):
            return single(q)  # the eager loads come with the one object
        return UNKNOWN
    # a method of the model's own QuerySet or Manager class (`Erp.objects.published()`): what
    # its body returns when `self` is this queryset, kept only when it is rows of the same model
    method = _custom_method(frame, q.model, name)
    if method is not None:
        found = frame.invoke(Func(method, self_value=replace(q, kind=_chained(q))), args, kwargs, site, per_row)
        if type(found) is Query and found.model == q.model and found.framework == q.framework:
            return replace(found, text=text)
    return UNKNOWN


def _shortcut(frame: "Frame", method: str, args: list, kwargs: dict, sym, site: Site) -> object:
    """`get_object_or_404(Event, pk=pk)`: `.get()` (or `.filter()`, then every row) on the model's
    default manager or on the queryset given."""
    klass = args[0]
    if type(klass) is ModelRef:
        model = frame.orm.models.get(klass.model)
        if model is None or model.framework != "django":
            return UNKNOWN
        klass = Query(model.qualname, "django", "manager", site, text=f"{model.name}.{dj.DEFAULT_MANAGER}")
    if type(klass) is not Query or klass.framework != "django":
        return UNKNOWN
    per_row = frame.call_rows(sym)
    found = _queryset_method(frame, klass, method, list(args[1:]), kwargs, sym, site, per_row)
    if method != "filter" or type(found) is not Query:
        return found
    frame.iterated(found, sym.span, sym.loop)  # the list is loaded right there
    return replace(found, kind="list")


def _raw(frame: "Frame", q: Query, args: list, site: Site, text: str) -> object:
    """`Event.objects.raw(sql, params)`: model instances, whatever the SQL; its conditions as
    raw SQL says."""
    stated = _sql.statement(frame, args[0], "django", "raw", site) if args else None
    if stated is None:
        return Query(q.model, "django", "raw", site, text=text, opaque=True)
    return replace(stated, model=q.model, rows="objects", text=text, table="", statement="")


def _eager_loads(q: Query, name: str, args: list, text: str) -> Query:
    if name == "fetch_mode" or (name == dj.SELECT_RELATED and not args):
        return replace(q, kind=_chained(q), everything=True, text=text)
    loaded = set(q.loaded)
    to_attr = list(q.to_attr)
    for a in args:
        if type(a) is Const and isinstance(a.value, str):
            loaded.update(_prefixes(a.value))
        elif type(a) is Prefetch:
            if a.to_attr:
                to_attr.append((a.to_attr, a.lookup, a.inner.loaded if a.inner is not None else frozenset()))
            else:
                loaded.update(_prefixes(a.lookup))
                if a.inner is not None:
                    loaded.update(f"{a.lookup}__{p}" for p in a.inner.loaded)
        elif a is None:
            continue
        else:
            # a lookup we cannot read: assume it may load anything (stay silent)
            return replace(q, kind=_chained(q), everything=True, text=text)
    return replace(q, kind=_chained(q), loaded=frozenset(loaded), to_attr=tuple(to_attr), text=text)


def _instance_write(frame: "Frame", obj: Obj, name: str, sym, site: Site, per_row: Query) -> None:
    """`row.save()`, `row.delete()`, `row.refresh_from_db()` once per row."""
    model = frame.orm.models.get(obj.model)
    what = model.name if model else "row"
    if name in ("delete", "adelete"):
        fix = "Delete them in one query: `.delete()` on the queryset the loop iterates (signals still fire per row)"
    elif name.startswith(("refresh", "arefresh")):
        fix = "Load the fresh rows in one query before the loop"
    else:
        fix = f"Collect the changed {what} objects in the loop and write them once after it with `bulk_update(objs, fields)` / `bulk_create(objs)`"
    cost_reports.query_per_row(frame, site, f"`{short(sym)}`", fix, per_row, write=not name.startswith(("refresh", "arefresh")))


def _conditions(frame: "Frame", q: Query, name: str, args: list, kwargs: dict, site: Site) -> Query:
    """The conditions and ordering the index rules read (`predicates`). Conditions chained
    after one we cannot read still hold (filters are ANDed): they are kept, the query stays
    opaque, so the index rules that need every condition know not to judge it."""
    if not q.model:
        return q
    if name in ("filter", "get", "exclude"):
        if args or name == "exclude":
            return replace(q, opaque=True)  # Q objects, expressions, a negation
        found = predicates.django_preds(frame.orm, q.model, kwargs, site)
        return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
    if q.opaque:
        return q
    if name == "order_by":
        order = predicates.django_order(frame.orm, q.model, args, site)
        return replace(q, order=order) if order is not None else q
    return q


def _lookups(name: str, kwargs: dict) -> dict:
    """The conditions among a method's keyword arguments."""
    if name not in _LOOKUP_METHODS:
        return {}
    return {k: v for k, v in kwargs.items() if k not in _VALUE_KWARGS}


def _key_filter(frame: "Frame", q: Query, kwargs: dict) -> bool:
    """`filter(pk=...)`, `filter(id__in=ids)`, a unique field: a known few rows."""
    for key in kwargs:
        field, _, lookup = key.partition(dj.LOOKUP_SEPARATOR)
        if lookup in ("", "exact", "in") and frame.orm.is_key(q.model, field):
            return True
    return False


def _custom_method(frame: "Frame", model: str, name: str) -> str | None:
    """The project method `name` of a QuerySet or Manager class a manager of `model` is built
    from (`ErpQuerySet.as_manager()`, `Manager.from_queryset(ErpQuerySet)()`, `ErpManager()`)."""
    memo = frame.a.library_memo("django.custom_methods")
    key = (model, name)
    if key in memo:
        return memo[key]
    found = None
    found_model = frame.orm.models.get(model)
    facts = frame.a.project.files.get(found_model.path) if found_model is not None else None
    graph = frame.a.project.callgraph
    for m in facts.python.models if facts and facts.python else ():
        if found_model is None or m.name != found_model.name:
            continue
        for _, ctor in m.managers:
            for cls in _manager_classes(ctor):
                canonical = graph.project_class(cls)
                method = graph.lookup(canonical, name) if canonical else None
                if method is not None:
                    found = method
                    break
            if found:
                break
    memo[key] = found
    return found


def _manager_classes(ctor: str) -> list[str]:
    """`app.managers.ErpQuerySet.as_manager` -> [ErpQuerySet]; `...from_queryset(app.QS)` -> [QS, the manager]."""
    head, _, inner = ctor.partition("(")
    out = []
    if inner:
        out.append(inner.rstrip(")").split(",")[0].strip())
    for suffix in (".as_manager", ".from_queryset"):
        if head.endswith(suffix):
            head = head[: -len(suffix)]
    out.append(head)
    return [c for c in out if c and not c.startswith("django.")]


def _custom_queryset(frame: "Frame", model, attr: str) -> bool:
    """The model's manager `attr` is a project class that overrides `get_queryset`."""
    memo = frame.a.library_memo("django.custom_managers")
    key = (model.qualname, attr)
    if key in memo:
        return memo[key]
    found = False
    facts = frame.a.project.files.get(model.path)
    for m in facts.python.models if facts and facts.python else ():
        if m.name != model.name:
            continue
        for name, ctor in m.managers:
            if name != attr:
                continue
            cls = ctor.split("(", 1)[0]
            for suffix in (".as_manager", ".from_queryset"):
                if cls.endswith(suffix):
                    cls = cls[: -len(suffix)]
            found = frame.a.function(f"{cls}.get_queryset") is not None
    memo[key] = found
    return found


def _batch_fix(name: str) -> str:
    if name in ("create", "get_or_create", "update_or_create"):
        return "Build the objects in the loop and write them once with `bulk_create(...)` after it"
    if name in ("update", "delete"):
        return "Do it once for all the rows: `Model.objects.filter(pk__in=ids).update(...)` / `.delete()`"
    return "Fetch the rows for all iterations at once before the loop (`filter(pk__in=ids)` / `in_bulk(ids)`) and look them up in a dict"


def _chained(q: Query) -> str:
    return "queryset" if q.kind == "manager" else q.kind


def _prefixes(lookup: str) -> list[str]:
    parts = lookup.split(dj.LOOKUP_SEPARATOR)
    return [dj.LOOKUP_SEPARATOR.join(parts[: i + 1]) for i in range(len(parts))]


def _eager_method(rows: Query, obj: Obj, rel, orm) -> str:
    """`select_related` for a chain of single-valued relations (one JOIN), else `prefetch_related`."""
    # a RawQuerySet has no select_related()
    single_valued = rows.kind != "raw" and rel.kind in ("fk", "o2o", "reverse_o2o") and all(_is_single_step(orm, rows.model, obj.path))
    return "select_related" if single_valued else "prefetch_related"


def _is_single_step(orm, model: str, path: tuple[str, ...]) -> Iterable[bool]:
    current = orm.models.get(model)
    for part in path:
        rel = current.relations.get(part) if current else None
        yield rel is not None and not rel.many
        current = orm.models.get(rel.target) if rel is not None and rel.target else None
