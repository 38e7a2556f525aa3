"""Class-based views that list rows with no code of their own: a DRF list action or a Django
`ListView` serves its `queryset` (or `get_queryset()`), serialises each row with its serializer,
renders its template with the rows as `object_list`. What they cost is found by evaluating what
the framework runs for them, with the view as the root."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from scalelint.facts import FunctionFacts, SAttr, SCall, SConst, SName, SParam, Span, Use
from scalelint.frameworks import django as dj
from scalelint.project import cost_reports, rendering
from scalelint.project import libraries as libs
from scalelint.project.evaluator import Anchor, Frame
from scalelint.project.values import UNKNOWN, Func, Instance, Obj, Site, is_rows, rows_of

if TYPE_CHECKING:
    from scalelint.project.queries import QueryAnalysis

__all__ = ["evaluate", "class_facts", "read_through_row", "NOWHERE"]

NOWHERE = FunctionFacts("", "", None, (), False)  # type: ignore[arg-type]  # a frame that only builds values


def evaluate(a: "QueryAnalysis") -> None:
    _list_views(a)
    _paginated_list_views(a)
    _serialized_rows(a)
    _list_view_templates(a)


def _label(view, name: str) -> tuple[str, str]:
    from scalelint.frameworks import FRAMEWORK_NAMES

    return f"`{name}` (a {FRAMEWORK_NAMES.get(view.framework, view.framework)} list view)", view.framework


def _class_frame(a: "QueryAnalysis", path: str, cls) -> Frame:
    return Frame(a, path, FunctionFacts(cls.qualname, cls.name, cls.span, (), False), [], None, 0)


def _wired(a: "QueryAnalysis") -> set[str]:
    return {h.view_class for h in a.handlers.all if h.view_class}


def _list_views(a: "QueryAnalysis") -> None:
    """Class-based list views that serve a whole queryset with no paginator: a DRF list
    action or a Django ListView the project does not override."""
    from scalelint.project import is_non_production_path

    wired = _wired(a)
    for view in a.handlers.views.values():
        if view.paginated is not False or view.get_queryset or is_non_production_path(view.path):
            continue
        # DRF narrows every list with the view's `filter_queryset()` (filter backends only
        # narrow what a client asks to narrow, so they do not count)
        if view.qualname not in wired or a.function(f"{view.qualname}.filter_queryset") is not None:
            continue
        if view.framework == "drf":
            lists = "list" in view.implicit
        else:
            lists = "get" in view.implicit and bool(set(view.bases) & dj.LIST_VIEW_BASES)
        if not lists:
            continue
        facts = a.project.files[view.path].python
        cls = next((c for c in facts.classes if c.qualname == view.qualname), None) if facts else None
        if cls is None:
            continue
        frame = _class_frame(a, view.path, cls)
        frame.handler = frame.root_handler = _label(view, cls.name)
        if view.queryset is not None and view.queryset_owner == view.qualname:
            value = frame.eval(view.queryset)
            site = frame.site(getattr(view.queryset, "span", None) or cls.span)
        elif view.queryset is None and view.model is not None and (value := libs.every_row(a.orm, view.model)) is not None:
            site = frame.site(cls.span)
        else:
            continue
        cost_reports.every_row(frame, value, site, "serialises" if view.framework == "drf" else "lists")


def _paginated_list_views(a: "QueryAnalysis") -> None:
    """A Django ListView with `paginate_by` pages its rows with Django's Paginator, which counts
    them on every page it serves (SCL401, judged by the cost model like any count)."""
    from scalelint.project import is_non_production_path

    wired = _wired(a)
    for view in a.handlers.views.values():
        if view.framework != "django" or view.paginated is not True or view.qualname not in wired or is_non_production_path(view.path):
            continue
        if "get" not in view.implicit or not set(view.bases) & dj.LIST_VIEW_BASES:
            continue
        if a.function(f"{view.qualname}.paginate_queryset") is not None or a.function(f"{view.qualname}.get_paginator") is not None:
            continue  # its own paging: what it counts is its code's business
        rows, where = _view_rows(a, view)
        if not is_rows(rows) and view.model is not None and view.queryset is None and not view.get_queryset:
            rows, where = libs.every_row(a.orm, view.model), None
        found = class_facts(a, view.qualname)
        if not is_rows(rows) or found is None:
            continue
        path, cls = found
        frame = _class_frame(a, path, cls)
        frame.root_handler = frame.handler = _label(view, cls.name)
        cost_reports.paged_count(frame, rows, Site(path, cls.span), where or Site(path, cls.span))  # type: ignore[arg-type]


def _serializer_classes(a: "QueryAnalysis", serializer: str) -> list[tuple[str, object]]:
    """(path, ClassFacts) of a serializer and its project bases, nearest first."""
    graph = a.project.callgraph
    cls = graph.project_class(serializer) or serializer
    out = []
    for c in graph.mro(cls) or [cls]:
        found = class_facts(a, c)
        if found is not None:
            out.append(found)
    return out


def _removed(classes) -> set[str]:
    """Fields a serializer sets to `None` to drop one its base declares (`evidences = None`
    in a list serializer): DRF does not serialise them."""
    out: set[str] = set()
    for _, facts in classes:
        out |= {name for name, value in facts.attributes if type(value) is SConst and value.value is None}
    return out


def _field_reads(a: "QueryAnalysis", serializer: str) -> list[tuple[str, str, str, bool, Span]]:
    """(file, field, attribute path, many, span) of the fields a serializer and its project
    bases read through the row (`source="user.code"`, a nested serializer)."""
    out = []
    classes = _serializer_classes(a, serializer)
    seen: set[str] = _removed(classes)
    for path, facts in classes:
        for field, attribute, many, span in facts.field_reads:
            if field not in seen:
                seen.add(field)
                out.append((path, field, attribute, many, span))
    return out


def _method_fields(a: "QueryAnalysis", serializer: str) -> list[tuple[str, str, str, Span]]:
    """(file, the class declaring it, method name, span) of the `SerializerMethodField`s a
    serializer and its project bases declare, but those a subclass removes."""
    out = []
    classes = _serializer_classes(a, serializer)
    seen: set[str] = _removed(classes)
    for path, facts in classes:
        for field, method, span in facts.method_fields:
            if field not in seen:
                seen.add(field)
                out.append((path, facts.qualname, method, span))
    return out


def read_through_row(a: "QueryAnalysis", path: str, attribute: str, many: bool, span: Span, row: Obj, rows, root: str, handler, notes) -> None:
    """DRF reads `attribute` (`user.code`, `creator`) on each row it serialises: a relation it
    crosses is loaded per row unless the view's queryset loaded it."""
    sym: object = SParam(0, "obj")
    for part in attribute.split("."):
        sym = SAttr(sym, part, span)  # type: ignore[arg-type]
    read = FunctionFacts(f"{root}.<field {attribute}>", attribute, span, ("obj",), False, uses=(Use(sym, None),))  # type: ignore[arg-type]
    frame = Frame(a, path, read, [row], Anchor(Site(path, span), [], rows_of(rows)), 1)
    frame.root = root
    frame.root_handler = frame.handler = handler
    frame.notes = notes
    value = frame.eval(sym)  # type: ignore[arg-type]
    if many:
        frame.iterated(value, span, None, "call", -1)  # `many=True`: DRF iterates the related rows


def class_facts(a: "QueryAnalysis", qualname: str):
    """(path, ClassFacts) of a project class."""
    module, _, name = qualname.rpartition(".")
    found = a.project.find_module(module)
    if found is None:
        canon = a.project.resolve(qualname)
        found = a.project.find_module(canon.rpartition(".")[0]) if canon else None
    if found is None:
        return None
    path, facts = found
    cls = next((c for c in facts.classes if c.name == name), None)
    return (path, cls) if cls is not None else None


def _view_rows(a: "QueryAnalysis", view) -> tuple[object, Site | None]:
    """What a class-based view lists: its `get_queryset()`'s return value, else its
    `queryset` attribute (evaluated where the class that sets it is written)."""
    if view.get_queryset:
        found = a.function(view.get_queryset)
        if found is None:
            return UNKNOWN, None
        path, fn = found
        frame = Frame(a, path, fn, [Instance(view.qualname)] + [UNKNOWN] * (len(fn.params) - 1), None, 0)
        frame.silent = True
        return frame.evaluate_returns(), Site(path, fn.span)
    if view.queryset is None or not view.queryset_owner:
        return UNKNOWN, None
    owner = class_facts(a, view.queryset_owner)
    if owner is None:
        return UNKNOWN, None
    path, cls = owner
    frame = _class_frame(a, path, cls)
    frame.silent = True
    return frame.eval(view.queryset), Site(path, getattr(view.queryset, "span", None) or cls.span)


def _list_view_templates(a: "QueryAnalysis") -> None:
    """A Django ListView renders its template with its rows as `object_list` (and
    `<model>_list`, or its `context_object_name`): the template's loops are judged."""
    from scalelint.project import is_non_production_path

    wired = _wired(a)
    for view in a.handlers.views.values():
        if view.framework != "django" or view.qualname not in wired or is_non_production_path(view.path):
            continue
        if "get" not in view.implicit or not set(view.bases) & dj.LIST_VIEW_BASES:
            continue
        rows, _ = _view_rows(a, view)
        model = a.orm.model(view.model) if view.model else None
        if rows is UNKNOWN and model is not None and view.queryset is None and not view.get_queryset:
            rows = libs.every_row(a.orm, view.model)
        if not is_rows(rows):
            continue
        if view.paginated is True:
            rows = replace(rows, bounded=True, page_size=view.page_size)  # the template gets one page of them  # type: ignore[type-var]
        model = model or a.orm.models.get(rows.model)  # type: ignore[union-attr]
        found = class_facts(a, view.qualname)
        if model is None or found is None:
            continue
        path, cls = found
        attributes = dict(cls.attributes)
        name = attributes.get("template_name")
        if type(name) is SConst and isinstance(name.value, str):
            template = name.value
        elif name is None and model.app_label:
            template = f"{model.app_label}/{model.name.lower()}_list.html"
        else:
            continue
        template_path = rendering.find_template(a.project, template)
        if template_path is None:
            continue
        alias = attributes.get("context_object_name")
        alias_name = alias.value if type(alias) is SConst and isinstance(alias.value, str) else f"{model.name.lower()}_list"
        frame = _class_frame(a, path, cls)
        frame.root_handler = _label(view, cls.name)  # the view answers requests (its frame judges no SCL103 here)
        # the whole table, if that is what it is, is reported at the class (SCL103)
        rendering.render_template(frame, template_path, template, {"object_list": rows, alias_name: rows}, Site(path, cls.span))


def _serialized_rows(a: "QueryAnalysis") -> None:
    """A DRF view serialises each row of its queryset: a `SerializerMethodField`'s method
    runs once per row, so what it reads is judged like a helper called in a loop."""
    from scalelint.project import is_non_production_path

    for view in a.handlers.views.values():
        if view.framework != "drf" or not view.serializer or "list" not in view.actions or is_non_production_path(view.path):
            continue
        rows, where = _view_rows(a, view)
        if not is_rows(rows) or where is None:
            continue
        view_name = view.qualname.rsplit(".", 1)[-1]
        for serializer in _list_serializers(a, view):
            serialise_each(a, serializer, rows, view.qualname, _label(view, view_name), [(where, f"`{view_name}` serialises each row of this queryset")])


# serializers named for one object or for writes, which a list action does not use
_NOT_LISTING = ("create", "update", "detail", "retrieve", "write", "input")


def _list_serializers(a: "QueryAnalysis", view) -> list[str]:
    """The serializers the list action may use: `serializer_class`, unless the view's own
    `get_serializer_class()` returns others. Then the one named for lists
    (`UserListSerializer`), the usual way to keep detail fields off the list; else each it
    returns but those named for one object or a write (`UserCreateSerializer`): a choice by
    permission (`SpeakerOrgaSerializer` for organisers) serialises the list either way."""
    if not view.get_serializer_class:
        return [view.serializer] if view.serializer else []
    found = a.function(view.get_serializer_class)
    if found is None:
        return []
    returned: list[str] = []
    for sym in found[1].returns:
        if type(sym) is SName:
            name = a.project.resolve(sym.qual) or sym.qual
        elif (type(sym) is SAttr and sym.name == "serializer_class") or (type(sym) is SCall and type(sym.func) is SAttr and sym.func.name == "get_serializer_class"):
            name = view.serializer  # `self.serializer_class`, `super().get_serializer_class()`
        else:
            return []  # a serializer picked in a way we cannot read
        if name and name not in returned:
            returned.append(name)
    short = {q: q.rsplit(".", 1)[-1].lower() for q in returned}
    listing = [q for q in returned if "list" in short[q]]
    if len(listing) == 1:
        return listing
    return [q for q in returned if not any(w in short[q] for w in _NOT_LISTING)]


def serialise_each(a: "QueryAnalysis", serializer_name: str, rows, root: str, handler, notes) -> None:
    """`serializer_name` serialises each of `rows` (a view's queryset, or `S(rows, many=True)`
    written in a handler): its method fields run, and its dotted sources and nested serializers
    read through the row, once per row. Reported at the field, where a reader of the
    serializer looks."""
    found = class_facts(a, serializer_name)
    methods = _method_fields(a, serializer_name)
    if found is None or not (methods or _field_reads(a, serializer_name)):
        return
    path, serializer = found
    row = Frame(a, path, NOWHERE, [], None, 0).element(rows)
    if type(row) is not Obj:
        return
    graph = a.project.callgraph
    for field_path, declared_in, method, span in methods:
        qualname = graph.lookup(serializer.qualname, method) or f"{declared_in}.{method}"
        func = a.function(qualname)
        if func is None:
            continue
        call = Frame(a, field_path, func[1], [], None, 0)
        call.root = root
        call.root_handler = handler
        call.notes = notes
        static = "staticmethod" in {d.rsplit(".", 1)[-1] for d in func[1].decorators}
        call.invoke(Func(func[1].qualname, self_value=None if static else Instance(serializer.qualname)), [row], {}, Site(field_path, span), rows_of(rows))
    for field_path, field_name, attribute, many, span in _field_reads(a, serializer_name):
        read_through_row(a, field_path, attribute, many, span, row, rows, root, handler, notes)
