"""Queries, loops and what runs once per row: the evaluation SCL101 and SCL102 report from.

Every production function with a loop is evaluated: its symbolic values (`facts.Sym`) are
turned into `values` with the project's ORM model in hand. A relation read on a row of a query
that did not load it is an N+1 (SCL101); a query executed in a loop over rows of a query is a
query-in-loop (SCL102). Calls into the project's own functions are followed (a few levels):
helpers, model methods and properties called on a row. Work found inside a function called once
per row is reported at the call in the loop, with the place inside as related.

What Django and SQLAlchemy do with each method is in `frameworks.django` / `frameworks.sqlalchemy`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from scalelint.facts import (
    FunctionFacts,
    SAttr,
    SCall,
    SComp,
    SConst,
    SDict,
    SEach,
    SIndex,
    SName,
    SOneOf,
    SOp,
    SParam,
    SSeq,
    SSlice,
    Span,
    Sym,
)
from scalelint.frameworks import django as dj
from scalelint.project import counting, listing, predicates, rendering
from scalelint.frameworks import sqlalchemy as sa
from scalelint.project.values import (
    UNKNOWN,
    Bound,
    Const,
    Cost,
    Cursor,
    Enumerated,
    External,
    Func,
    Instance,
    LoaderOption,
    Mapping,
    ModelAttr,
    ModelRef,
    Obj,
    Prefetch,
    Query,
    Seq,
    Session,
    Site,
)

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["find_costs", "costs_of", "report_costs", "query_sites", "QueryAnalysis"]

MAX_DEPTH = 4  # project calls followed from a loop
_SELECT_FUNCS = frozenset({"sqlalchemy.select", "sqlalchemy.future.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select", "sqlmodel.select"})
_TEXT_FUNCS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
_OPTION_PREFIXES = tuple(m + "." for m in sa.OPTION_MODULES) + ("sqlalchemy.orm.strategy_options.",)
# builtins that hand back their argument's rows (materialised or wrapped)
_PASS_ROWS = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.reversed", "builtins.iter", "builtins.set"})
_ENUMERATE = "builtins.enumerate"
_LEN = "builtins.len"
# SQLAlchemy Query / Select methods that return the same query
_SA_CHAIN = frozenset(
    {
        "filter", "filter_by", "where", "order_by", "join", "outerjoin", "join_from", "limit", "offset", "distinct",
        "group_by", "having", "select_from", "execution_options", "with_for_update", "params", "correlate",
        "enable_eagerloads", "populate_existing", "autoflush", "yield_per", "slice", "union", "union_all", "unique",
        "apply_labels", "set_label_style", "with_entities", "add_columns",
    }
)
_SA_SINGLE = frozenset({"first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "get", "get_or_404", "first_or_404", "one_or_404", "first_or_none"})
_SA_ROWS = frozenset({"all", "fetchall", "unique", "partitions", "yield_per"})
_DJ_EXECUTE = dj.SINGLE_OBJECT_METHODS | dj.AGGREGATE_METHODS | dj.WRITE_METHODS
_CURSOR_EXECUTE = frozenset({"execute", "executemany", "fetchone", "fetchall"})
# loops whose rows become a value (a list, a page of HTML), not statements that act on each row
_BUILDS_A_RESPONSE = frozenset({"comprehension", "template", "call"})
_NOWHERE = FunctionFacts("", "", None, (), False)  # type: ignore[arg-type]  # a frame that only builds values
_RESPONDING = frozenset({"route", "view", "action"})  # handler kinds whose return value is the response
_FRAMEWORK_NAMES = {"flask": "Flask", "quart": "Quart", "fastapi": "FastAPI", "starlette": "Starlette", "django": "Django", "drf": "DRF"}
_SESSION_READS = frozenset({"query", "scalars", "scalar", "execute", "get", "get_one", "exec"})
_DJ_NARROWING = frozenset({"filter", "exclude", "complex_filter", "none", "search", "alias", "extra"})
_SESSION_METHODS = frozenset({"execute", "scalars", "scalar", "stream", "stream_scalars", "exec", "get", "get_one", "commit", "flush", "query"})


def _is_session_name(name: str) -> bool:
    low = name.lower()
    return "session" in low


def _callee_name(sym: Sym) -> str:
    t = type(sym)
    if t is SAttr:
        return sym.name  # type: ignore[union-attr]
    if t is SName:
        return sym.qual.rsplit(".", 1)[-1]  # type: ignore[union-attr]
    if t is SParam:
        return sym.name  # type: ignore[union-attr]
    if t is SCall:
        return _callee_name(sym.func)  # type: ignore[union-attr]
    return ""


class QueryAnalysis:
    """Project-wide: function index, then every production function with a loop evaluated once."""

    def __init__(self, project: "Project"):
        self.project = project
        self.orm = project.orm
        self.handlers = project.handlers
        self.functions: dict[str, tuple[str, FunctionFacts]] = {}
        for path, facts in project.files.items():
            py = facts.python
            if py is None:
                continue
            for fn in py.functions:
                self.functions.setdefault(fn.qualname, (path, fn))
        self.costs: dict[tuple[str, str, int, int], Cost] = {}
        self.names: dict[str, object] = {}
        self._custom_managers: dict[tuple[str, str], bool] = {}
        self.returns_memo: dict[tuple, object] = {}  # (function, arguments) -> return value
        self.bodies_done: set[tuple] = set()  # (function, arguments, anchor) evaluated for costs
        self._sharing: dict[str, counting.Sharing] = {}
        # (path, line, column) -> (the query as it runs, where, the handler it runs for)
        self.sites: dict[tuple[str, int, int], tuple[Query, Site, tuple[str, str] | None]] = {}
        self._templates: dict[str, FunctionFacts | None] = {}
        self._read_loops: dict[int, dict[int, int]] = {}

    def template(self, path: str) -> FunctionFacts | None:
        if path not in self._templates:
            facts = self.project.files[path].template
            self._templates[path] = rendering.template_function(path, facts) if facts is not None else None
        return self._templates[path]

    def template_read_loops(self, fn: FunctionFacts) -> dict[int, int]:
        """Which loop each lookup of a template sits in (Python calls carry theirs)."""
        found = self._read_loops.get(id(fn))
        if found is None:
            found = self._read_loops[id(fn)] = {}
            reads = [(u.sym, u.loop) for u in fn.uses] + [(loop.iter, loop.parent) for loop in fn.loops]
            for node, where in reads:
                while type(node) in (SAttr, SIndex) and where is not None:
                    found.setdefault(id(node), where)
                    node = node.obj  # type: ignore[union-attr]
        return found

    def sharing(self, fn: FunctionFacts) -> counting.Sharing:
        found = self._sharing.get(fn.qualname)
        if found is None:
            found = self._sharing[fn.qualname] = counting.Sharing(fn)
        return found

    def run(self) -> list[Cost]:
        from scalelint.project import is_non_production_path

        # functions whose loops run over what their caller hands in: a caller with no loop of
        # its own is judged when it calls one of them (it may pass a query), or renders a template
        consumers = frozenset({fn.name for _, fn in self.functions.values() if _loops_over_a_parameter(fn)})
        consumers |= frozenset({q.rsplit(".", 1)[-1] for q in rendering.RENDER_CALLS})
        for qualname, (path, fn) in self.functions.items():
            if is_non_production_path(path) or _is_batch_command(path):
                continue
            if not fn.loops and not counting.may_count(fn) and not self.handlers.is_handler(qualname) and not _calls_any(fn, consumers):
                continue
            frame = Frame(self, path, fn, self._root_bindings(fn), anchor=None, depth=0)
            frame.handler = self._handler(fn.qualname)
            frame.evaluate_body()
            if frame.handler is not None:
                frame.returned()
        self._class_views()
        self._serialized_rows()
        self._list_view_templates()
        return sorted(self.costs.values(), key=lambda c: (c.site.path, c.site.span.line, c.site.span.column, c.code))

    def _filters_lists(self, view) -> bool:
        """DRF narrows every list with the view's `filter_queryset()` (filter backends only
        narrow what a client asks to narrow, so they do not count)."""
        return self.function(f"{view.qualname}.filter_queryset") is not None

    def _class_views(self) -> None:
        """Class-based list views that serve a whole queryset with no paginator: a DRF list
        action or a Django ListView the project does not override."""
        from scalelint.project import is_non_production_path

        wired = {h.view_class for h in self.handlers.all if h.view_class}
        for view in self.handlers.views.values():
            if view.paginated is not False or view.get_queryset or is_non_production_path(view.path):
                continue
            if view.qualname not in wired or self._filters_lists(view):
                continue
            if view.framework == "drf":
                lists = "list" in view.implicit
            else:
                lists = "get" in view.implicit and bool(set(view.bases) & dj.LIST_VIEW_BASES)
            if not lists:
                continue
            facts = self.project.files[view.path].python
            cls = next((c for c in facts.classes if c.qualname == view.qualname), None) if facts else None
            if cls is None:
                continue
            frame = Frame(self, view.path, FunctionFacts(view.qualname, cls.name, cls.span, (), False), [], None, 0)
            label = f"`{cls.name}` (a {_FRAMEWORK_NAMES.get(view.framework, view.framework)} list view)"
            frame.handler = (label, view.framework)
            if view.queryset is not None and view.queryset_owner == view.qualname:
                value = frame.eval(view.queryset)
                site = frame.site(getattr(view.queryset, "span", None) or cls.span)
            elif view.queryset is None and view.model is not None and self.orm.model(view.model) is not None:
                model = self.orm.model(view.model)
                value = Query(model.qualname, "django", "queryset", None, text=f"{model.name}.objects.all()")  # type: ignore[union-attr]
                site = frame.site(cls.span)
            else:
                continue
            frame._every_row(value, site, "serialises" if view.framework == "drf" else "lists")

    def _class_facts(self, qualname: str):
        """(path, ClassFacts) of a project class."""
        module, _, name = qualname.rpartition(".")
        found = self.project.find_module(module)
        if found is None:
            canon = self.project.resolve(qualname)
            found = self.project.find_module(canon.rpartition(".")[0]) if canon else None
        if found is None:
            return None
        path, facts = found
        cls = next((c for c in facts.classes if c.name == name), None)
        return (path, cls) if cls is not None else None

    def _view_rows(self, view) -> tuple[object, Site | None]:
        """What a class-based view lists: its `get_queryset()`'s return value, else its
        `queryset` attribute (evaluated where the class that sets it is written)."""
        if view.get_queryset:
            found = self.function(view.get_queryset)
            if found is None:
                return UNKNOWN, None
            path, fn = found
            frame = Frame(self, path, fn, [Instance(view.qualname)] + [UNKNOWN] * (len(fn.params) - 1), None, 0)
            frame.silent = True
            return frame.evaluate_returns(), Site(path, fn.span)
        if view.queryset is None or not view.queryset_owner:
            return UNKNOWN, None
        owner = self._class_facts(view.queryset_owner)
        if owner is None:
            return UNKNOWN, None
        path, cls = owner
        frame = Frame(self, path, FunctionFacts(cls.qualname, cls.name, cls.span, (), False), [], None, 0)
        frame.silent = True
        return frame.eval(view.queryset), Site(path, getattr(view.queryset, "span", None) or cls.span)

    def _list_view_templates(self) -> None:
        """A Django ListView renders its template with its rows as `object_list` (and
        `<model>_list`, or its `context_object_name`): the template's loops are judged."""
        from scalelint.project import is_non_production_path

        wired = {h.view_class for h in self.handlers.all if h.view_class}
        for view in self.handlers.views.values():
            if view.framework != "django" or view.qualname not in wired or is_non_production_path(view.path):
                continue
            if "get" not in view.implicit or not set(view.bases) & dj.LIST_VIEW_BASES:
                continue
            rows, _ = self._view_rows(view)
            model = self.orm.model(view.model) if view.model else None
            if rows is UNKNOWN and model is not None and view.queryset is None and not view.get_queryset:
                rows = Query(model.qualname, "django", "queryset", None, text=f"{model.name}.objects.all()")
            if not _is_rows(rows):
                continue
            model = model or self.orm.models.get(rows.model)  # type: ignore[union-attr]
            found = self._class_facts(view.qualname)
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
            template_path = rendering.find_template(self.project, template)
            if template_path is None:
                continue
            alias = attributes.get("context_object_name")
            alias_name = alias.value if type(alias) is SConst and isinstance(alias.value, str) else f"{model.name.lower()}_list"
            frame = Frame(self, path, FunctionFacts(cls.qualname, cls.name, cls.span, (), False), [], None, 0)
            # the whole table, if that is what it is, is reported at the class (SCL103)
            frame.render_template(template_path, template, {"object_list": rows, alias_name: rows}, Site(path, cls.span))

    def _serialized_rows(self) -> None:
        """A DRF view serialises each row of its queryset: a `SerializerMethodField`'s method
        runs once per row, so what it reads is judged like a helper called in a loop."""
        from scalelint.project import is_non_production_path

        for view in self.handlers.views.values():
            if view.framework != "drf" or not view.serializer or "list" not in view.actions or is_non_production_path(view.path):
                continue
            found = self._class_facts(view.serializer)
            if found is None or not found[1].method_fields:
                continue
            path, serializer = found
            rows, where = self._view_rows(view)
            if not _is_rows(rows) or where is None:
                continue
            row = Frame(self, path, _NOWHERE, [], None, 0)._element(rows)
            if type(row) is not Obj:
                continue
            for field, method, span in serializer.method_fields:
                func = self.function(f"{serializer.qualname}.{method}")
                if func is None:
                    continue
                # reported at the field, the place a reader of the serializer looks
                call = Frame(self, path, func[1], [], None, 0)
                call.notes = [(where, f"`{view.qualname.rsplit('.', 1)[-1]}` serialises each row of this queryset")]
                call._invoke(Func(func[1].qualname, self_value=Instance(serializer.qualname)), [row], {}, Site(path, span), True)

    def _handler(self, qualname: str) -> tuple[str, str] | None:
        """(how to name it in a message, framework) when the function answers requests."""
        for h in self.handlers.of(qualname):
            if h.kind in _RESPONDING:
                name = qualname.rsplit(".", 2)
                label = ".".join(name[-2:]) if h.view_class else name[-1]
                return f"`{label}` (a {_FRAMEWORK_NAMES.get(h.framework, h.framework)} {h.kind})", h.framework
        return None

    def _root_bindings(self, fn: FunctionFacts) -> list[object]:
        binds: list[object] = [UNKNOWN] * len(fn.params)
        if fn.class_name and fn.params and "staticmethod" not in {d.rsplit(".", 1)[-1] for d in fn.decorators}:
            model = self.orm.model(fn.class_name)
            if model is not None:
                # which relations the caller loaded is unknown here: reads through `self` are
                # judged where a caller passes a row (a method called in a loop), not here
                binds[0] = Obj(model.qualname, everything=True)
            else:
                binds[0] = Instance(fn.class_name)
        return binds

    def custom_queryset(self, model, attr: str) -> bool:
        """The model's manager `attr` is a project class that overrides `get_queryset`."""
        key = (model.qualname, attr)
        if key in self._custom_managers:
            return self._custom_managers[key]
        found = False
        facts = self.project.files.get(model.path)
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
                found = self.function(f"{cls}.get_queryset") is not None
        self._custom_managers[key] = found
        return found

    def add(self, cost: Cost) -> None:
        key = (cost.code, cost.site.path, cost.site.span.line, cost.site.span.column)
        if key not in self.costs:
            self.costs[key] = cost

    def function(self, qualname: str) -> tuple[str, FunctionFacts] | None:
        found = self.functions.get(qualname)
        if found is None:
            canon = self.project.resolve(qualname)
            if canon is not None:
                found = self.functions.get(canon)
        return found


class Frame:
    """One evaluation of one function, with its parameters bound."""

    def __init__(self, analysis: QueryAnalysis, path: str, fn: FunctionFacts, binds: list[object], anchor, depth: int):
        self.a = analysis
        self.orm = analysis.orm
        self.path = path
        self.fn = fn
        self.binds = binds
        # (site in the caller's loop, chain of related notes): work found here is reported there
        self.anchor: tuple[Site, list[tuple[Site, str]]] | None = anchor
        self.depth = depth
        self.memo: dict[int, object] = {}
        self.loop_values: dict[int, object] = {}
        self.data_loops: dict[int, bool] = {}
        self.cached = anchor is not None and _reads_a_cache(fn)
        self.silent = False
        self.template = False  # a template: a method a lookup reaches is called (Django's rule)
        self.notes: list[tuple[Site, str]] = []  # said with every report (the view rendering a template)
        self.read_loops: dict[int, int] = {}
        self.handler: tuple[str, str] | None = None  # this runs on every request of that handler

    # --- driver -------------------------------------------------------------------------

    def evaluate_body(self) -> None:
        for loop in self.fn.loops:
            self.loop_value(loop.id)
        for use in self.fn.uses:
            self.eval(use.sym)

    def evaluate_returns(self) -> object:
        values = [self.eval(r) for r in self.fn.returns]
        return _merge_values(values)

    def site(self, span) -> Site:
        return Site(self.path, span)

    # --- loops ----------------------------------------------------------------------------

    def loop_value(self, loop_id: int) -> object:
        if loop_id in self.loop_values:
            return self.loop_values[loop_id]
        self.loop_values[loop_id] = UNKNOWN  # recursion guard
        loop = self.fn.loops[loop_id] if 0 <= loop_id < len(self.fn.loops) else None
        if loop is None:
            return UNKNOWN
        value = self.eval(loop.iter)
        self.loop_values[loop_id] = value
        self._iterated(value, loop.span, loop.parent, loop.kind)
        return value

    def _iterated(self, value: object, span, parent: int | None, kind: str = "call") -> None:
        """Iterating `value` runs its query: per row when the loop sits in a loop over rows."""
        self._executed(value, self.site(span))
        if self.handler is not None and self.anchor is None and kind in _BUILDS_A_RESPONSE and not self.in_data_loop(parent):
            self._every_row(value, self.site(span), "iterates")
        if type(value) is not Query or value.kind == "list" or value.cached:
            return
        if value.owner is not None and value.owner.row_of is not None:
            self._relation_cost(value, span)
        elif self.in_data_loop(parent):
            self._query_cost(self.site(span), f"iterating `{value.text or 'a query'}`")

    def in_data_loop(self, loop_id: int | None) -> bool:
        """The code at `loop_id` runs once per row of a query (here or in a caller)."""
        while loop_id is not None:
            if self._is_data_loop(loop_id):
                return True
            loop_id = self.fn.loops[loop_id].parent if 0 <= loop_id < len(self.fn.loops) else None
        return self.anchor is not None

    def _is_data_loop(self, loop_id: int) -> bool:
        known = self.data_loops.get(loop_id)
        if known is None:
            self.data_loops[loop_id] = False
            v = self.loop_value(loop_id)
            known = _is_rows(v)
            self.data_loops[loop_id] = known
        return known

    # --- reporting ------------------------------------------------------------------------

    def report(self, code: str, site: Site, message: str, fix: str, related: list[tuple[Site, str]], edits: tuple = ()) -> None:
        if self.silent:
            return
        if self.anchor is not None:
            anchor_site, chain = self.anchor
            related = [*chain, (site, "runs here, once per row"), *related, *self.notes]
            self.a.add(Cost(code, anchor_site, message, fix, related, edits=edits, applicability="safe" if edits else "display"))
        else:
            self.a.add(Cost(code, site, message, fix, [*related, *self.notes], edits=edits, applicability="safe" if edits else "display"))

    def _relation_cost(self, q: Query, span) -> None:
        rel = q.via
        owner = q.owner
        assert owner is not None and owner.row_of is not None
        self._n_plus_one(owner, rel, self.site(span), fresh=q.fresh)

    def _n_plus_one(self, obj: Obj, rel, site: Site, fresh: bool = False) -> None:
        rows = obj.row_of
        assert rows is not None
        model = self.orm.models.get(obj.model)
        row_model = self.orm.models.get(rows.model)
        path = "__".join((*obj.path, rel.name))
        kind = _relation_label(rel)
        # rows reached through relations of the loop's rows (`event.venue` in a loop over
        # `organizer.events.all()`) are the ones counted
        row_name = (model.name if model else obj.model.rsplit(".", 1)[-1]) if obj.path else (row_model.name if row_model else rows.model.rsplit(".", 1)[-1])
        target = self.orm.models.get(rel.target) if rel.target else None
        target_name = target.name if target else (rel.target or "the related model").rsplit(".", 1)[-1]
        query = f"`{rows.text}`" if rows.text else "the query"
        message = (
            f"`{rel.name}` of {model.name if model else obj.model} is loaded with one query per {row_name} row "
            f"({kind}, not loaded by {query} that feeds the loop): N rows cost N+1 queries"
        )
        fix = _eager_fix(rows, obj, rel, path, self.orm, (self.anchor[0] if self.anchor else site).path)
        if fresh:
            fix = (
                f'Load the filtered `{rel.name}` of all rows at once: `.prefetch_related(Prefetch("{path}", queryset=..., to_attr=...))`'
                f" on the query that feeds the loop, or `.annotate(...)` it there when only a count or a flag is needed"
            )
        related = []
        if rows.origin is not None:
            related.append((rows.origin, "the query that feeds the loop"))
        related.append((Site(rel.path, rel.span), f"`{rel.name}` is declared here ({kind}) and loads {target_name} lazily"))
        edits = () if fresh else self._eager_edit(rows, obj, rel, path)
        self.report("SCL101", site, message, fix, related, edits)

    def _eager_edit(self, rows: Query, obj: Obj, rel, path: str) -> tuple:
        """The eager load as an edit: `.select_related("organizer")` appended to the loop's
        iterable, when that is a Django queryset written right there (`for e in events:`,
        `for e in Event.objects.filter(...)`)."""
        from scalelint.diagnostics import Edit

        at = obj.row_site
        if rows.framework != "django" or at is None or self.template or rows.kind not in ("manager", "queryset", "related"):
            return ()
        if rows.to_attr or rows.everything:
            return ()
        text = self.a.project.text_at(at.path, at.span)
        if text is None or not (text.isidentifier() or text.endswith(")")):
            return ()
        method = _django_eager_method(rows, obj, rel, self.orm)
        end = Span(at.span.end_line, at.span.end_column, at.span.end_line, at.span.end_column)
        call = f".{method}(\"{path}\")"  # a manager takes it as well as a queryset
        return (Edit(at.path, end, call),)

    def _len(self, call: SCall, rows: object, site: Site, in_loop: bool) -> None:
        if type(rows) is not Query or rows.cached:
            return
        if rows.owner is not None and rows.owner.row_of is not None and rows.via is not None:
            self._relation_cost(rows, call.span)  # `len(event.tags.all())` for each event
            return
        if in_loop:
            if rows.kind in ("queryset", "related", "list"):
                self._query_cost(site, f"`len({_short(call.args[0])})`")
            return
        model = self.orm.models.get(rows.model)
        found = counting.len_of_rows(
            call, rows, self.a.sharing(self.fn), self._written(call.span, "len(", ")") or _short(call.args[0]), model.name if model else "Model"
        )
        if found is not None:
            elsewhere = rows.origin is not None and (rows.origin.path, rows.origin.span.line) != (site.path, site.span.line)
            self.report("SCL104", site, found.message, found.fix, [(rows.origin, "the query")] if elsewhere else [])

    def _written(self, span, prefix: str, suffix: str) -> str | None:
        text = self.a.project.text_at(self.path, span)
        if text is None or len(text) > 80 or not text.startswith(prefix) or not text.endswith(suffix):
            return None
        return text[len(prefix) : len(text) - len(suffix)] or None

    def _zero_tests(self, op: SOp) -> None:
        for node, how, negated, at in counting.zero_tests(op):
            loop = node.loop if type(node) is SCall else None  # type: ignore[union-attr]
            if (loop is not None and self.in_data_loop(loop)) or self.anchor is not None:
                continue  # once per row: query-in-loop (SCL102) says so at the same call
            if how == "count":
                rows = self.eval(node.func.obj)  # type: ignore[union-attr]
            elif how == "len":
                rows = self.eval(node.args[0])  # type: ignore[union-attr]
            else:
                rows = self.eval(node)
            span = at or getattr(node, "span", None)
            if span is None or type(rows) is not Query:
                continue
            text = self._written(span, "", "") or _short(node)
            found = counting.existence_test(node, how, negated, rows, self.a.sharing(self.fn), text)
            if found is not None:
                self.report("SCL104", self.site(span), found.message, found.fix, [])

    def _every_row(self, value: object, site: Site, how: str) -> None:
        """SCL103: a request handler that loops over, returns or serialises a whole table."""
        if self.handler is None or not listing.unbounded(value, self.orm):
            return
        q: Query = value  # type: ignore[assignment]
        model = self.orm.models[q.model]
        label, framework = self.handler
        found = listing.listing(q, model.name, how, label, framework)
        elsewhere = q.origin is not None and (q.origin.path, q.origin.span.line) != (site.path, site.span.line)
        related = [(q.origin, "the query")] if elsewhere else []
        if self.silent:
            return
        self.a.add(Cost("SCL103", site, found.message, found.fix, [*related, *self.notes], subject=model.qualname))

    def returned(self) -> None:
        """A handler's return values: a whole table returned as the response."""
        for r in self.fn.returns:
            value = self.eval(r)
            if type(value) is Query and value.origin is not None:
                self._executed(value, value.origin)
                self._every_row(value, value.origin, "returns")

    def _query_cost(self, site: Site, what: str, fix: str | None = None) -> None:
        if self.cached:
            return  # a helper that looks in a cache first: most calls do not reach the query
        message = f"{what} runs a query on every iteration of a loop over query rows: N rows cost N queries"
        self.report(
            "SCL102",
            site,
            message,
            fix or "Fetch all the rows in one query before the loop (`__in` / `IN (...)` lookup, or `bulk_create`/`bulk_update` for writes)",
            [],
        )

    # --- expressions --------------------------------------------------------------------

    def eval(self, sym: Sym) -> object:
        key = id(sym)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = UNKNOWN
        try:
            value = self._eval(sym)
        except RecursionError:
            value = UNKNOWN
        self.memo[key] = value
        return value

    def _eval(self, sym: Sym) -> object:
        t = type(sym)
        if t is SAttr:
            if self.template:
                return self._lookup(sym)  # type: ignore[arg-type]
            return self._attr(sym)  # type: ignore[arg-type]
        if t is SCall:
            return self._call(sym)  # type: ignore[arg-type]
        if t is SName:
            return self._name(sym.qual)  # type: ignore[union-attr]
        if t is SParam:
            i = sym.index  # type: ignore[union-attr]
            return self.binds[i] if i < len(self.binds) else UNKNOWN
        if t is SEach:
            if sym.loop >= 0:  # type: ignore[union-attr]
                loop = self.fn.loops[sym.loop] if sym.loop < len(self.fn.loops) else None  # type: ignore[union-attr]
                return self._element(self.loop_value(sym.loop), self.site(loop.span) if loop else None)  # type: ignore[union-attr]
            return self._element(self.eval(sym.of))  # type: ignore[union-attr]
        if t is SIndex:
            return self._index(sym)  # type: ignore[arg-type]
        if t is SConst:
            return Const(sym.value)  # type: ignore[union-attr]
        if t is SComp:
            for part in sym.parts:  # type: ignore[union-attr]
                self.eval(part)
            if sym.loop >= 0:  # type: ignore[union-attr]
                self.loop_value(sym.loop)  # type: ignore[union-attr]
            return UNKNOWN
        if t is SOneOf:
            return _merge_values([self.eval(o) for o in sym.options])  # type: ignore[union-attr]
        if t is SSeq:
            items = tuple(self.eval(e) for e in sym.elts)  # type: ignore[union-attr]
            return Seq(items, constant=True)
        if t is SDict:
            return Mapping(tuple((self.eval(k), self.eval(v)) for k, v in sym.items))  # type: ignore[union-attr]
        if t is SOp:
            if sym.op in ("Truth", "Compare"):  # type: ignore[union-attr]
                # before the operands: a `len()` tested against zero is reported as such
                self._zero_tests(sym)  # type: ignore[arg-type]
            for o in sym.operands:  # type: ignore[union-attr]
                self.eval(o)
            return UNKNOWN
        if t is SSlice:
            return UNKNOWN
        return UNKNOWN

    def _name(self, qual: str) -> object:
        names = self.a.names
        value = names.get(qual)
        if value is None:
            value = names[qual] = self._resolve_name(qual)
        return value

    def _resolve_name(self, qual: str) -> object:
        model = self.orm.model(qual)
        if model is not None:
            return ModelRef(model.qualname)
        found = self.a.function(qual)
        if found is not None:
            return Func(found[1].qualname)
        return External(qual)

    # --- attribute reads ------------------------------------------------------------------

    def _attr(self, sym: SAttr) -> object:
        obj = self.eval(sym.obj)
        name = sym.name
        t = type(obj)
        site = self.site(sym.span)
        if t is Obj:
            return self._obj_attr(obj, name, sym)  # type: ignore[arg-type]
        if t is ModelRef:
            return self._model_attr(obj, name, sym)  # type: ignore[arg-type]
        if t is External:
            qual = f"{obj.qual}.{name}"  # type: ignore[union-attr]
            model = self.orm.model(qual)
            if model is not None:
                return ModelRef(model.qualname)
            if name == "session" or (_is_session_name(name) and not obj.qual.startswith("builtins.")):  # type: ignore[union-attr]
                return Session()
            if name in _SESSION_METHODS and _is_session_name(obj.qual.rsplit(".", 1)[-1]):  # type: ignore[union-attr]
                return Bound(Session(), name, site)  # a module-level `Session = scoped_session(...)`
            return External(qual)
        if t is Query or t is Session or t is Cursor or t is LoaderOption:
            if t is Query and name == "items" and obj.kind == "page":  # type: ignore[union-attr]
                return replace(obj, kind="list", bounded=True)  # type: ignore[type-var]
            return Bound(obj, name, site)
        if t is Instance:
            found = self.a.function(f"{obj.cls}.{name}")  # type: ignore[union-attr]
            if found is not None:
                return Func(found[1].qualname, self_value=obj)
            return UNKNOWN
        if obj is UNKNOWN:
            if _is_session_name(name):
                return Session()
            inner = sym.obj
            if type(inner) is SParam and (_is_session_name(inner.name) or name in _SESSION_READS):
                # `db.query(Trip)`, `db.scalars(select(Trip))` on a parameter (FastAPI's
                # `db: Session = Depends(get_db)`): the arguments prove it is a session
                return Bound(Session(), name, site)
        return UNKNOWN

    def _lookup(self, sym: SAttr) -> object:
        """A template lookup: the attribute, called when it is a method."""
        value = self._attr(sym)
        t = type(value)
        if t is not Bound and t is not Func:
            return value
        loop = self.read_loops.get(id(sym))
        in_loop = loop is not None and self.in_data_loop(loop)
        site = self.site(sym.span)
        if t is Bound:
            return self._method(value, [], {}, SCall(sym, (), (), sym.span, loop), site, in_loop)  # type: ignore[arg-type]
        return self._invoke(value, [], {}, site, in_loop)  # type: ignore[arg-type]

    def _render(self, qual: str, args: list, kwargs: dict, site: Site) -> None:
        """A view renders a template: evaluate the template with the view's context."""
        name_at, context_at, context_kw = rendering.RENDER_CALLS[qual]
        name = args[name_at] if len(args) > name_at else kwargs.get("template_name")
        if type(name) is not Const or not isinstance(name.value, str):
            return
        path = rendering.find_template(self.a.project, name.value)
        if path is None:
            return
        if context_at is None:
            context = {k: v for k, v in kwargs.items() if k != "**"}
        else:
            value = args[context_at] if len(args) > context_at else kwargs.get(context_kw or "")
            if type(value) is not Mapping:
                return
            context = {k.value: v for k, v in value.items if type(k) is Const and isinstance(k.value, str)}
        self.render_template(path, name.value, context, site)

    def render_template(self, path: str, name: str, context: dict, site: Site) -> None:
        fn = self.a.template(path)
        if fn is None or self.depth >= MAX_DEPTH:
            return
        binds = [context.get(p, UNKNOWN) for p in fn.params]
        if not any(type(b) in (Query, Obj) for b in binds):
            return
        frame = Frame(self.a, path, fn, binds, self.anchor, self.depth + 1)
        frame.template = True
        frame.read_loops = self.a.template_read_loops(fn)
        frame.notes = [*self.notes, (site, f"renders `{name}` with these rows")]
        frame.handler = self.handler
        frame.evaluate_body()

    def _model_attr(self, ref: ModelRef, name: str, sym: SAttr) -> object:
        model = self.orm.models.get(ref.model)
        if model is None:
            return UNKNOWN
        text = f"{model.name}.{name}"
        origin = self.site(sym.span)
        if name in model.managers:
            if model.framework == "django":
                # a custom manager's get_queryset() may add eager loads we do not follow
                custom = self.a.custom_queryset(model, name)
                return Query(model.qualname, "django", "manager", origin, everything=custom, text=text)
            return Query(model.qualname, "sqlalchemy", "sa_query", origin, text=text)
        if model.framework != "django" and (name in model.relations or name in model.columns or name in model.fields):
            return ModelAttr(model.qualname, name)
        return UNKNOWN

    def _obj_attr(self, obj: Obj, name: str, sym: SAttr) -> object:
        model = self.orm.models.get(obj.model)
        if model is None:
            return UNKNOWN
        for attr, rel_path, inner_loaded in obj.to_attr:
            if attr == name:
                target = self._follow(model, rel_path)
                if target is None:
                    return UNKNOWN
                return Query(target, model.framework, "list", None, loaded=inner_loaded, cached=True)
        rel = model.relations.get(name)
        if rel is None:
            if model.framework == "django" and name in dj.INSTANCE_WRITE_METHODS:
                return Bound(obj, name, self.site(sym.span))
            method = model.methods.get(name)
            if method is not None:
                qualname, kind = method
                if kind in ("property", "cached_property", "hybrid_property"):
                    return self._invoke(Func(qualname, self_value=obj), [], {}, self.site(sym.span), obj.row_of is not None)
                return Func(qualname, self_value=obj)
            return UNKNOWN
        if obj.everything or name in obj.loaded or obj.preseeded == name:
            return self._loaded_relation(obj, rel, cached=True)
        if rel.many and model.framework == "django":
            # a related manager: each use of it runs its own query unless prefetched
            return Query(rel.target or "", "django", "related", self.site(sym.span), via=rel, owner=obj, text=_short(sym))
        lazy = rel.lazy
        if model.framework != "django":
            if lazy in sa.EAGER_STRATEGIES or lazy in ("raise", "raise_on_sql", "noload", "write_only"):
                return self._loaded_relation(obj, rel, cached=True)
            if lazy == "dynamic":
                return Query(rel.target or "", "sqlalchemy", "sa_query", self.site(sym.span), via=rel, owner=obj, text=_short(sym))
        if obj.row_of is not None and (rel.target is not None or model.framework == "django"):
            self._n_plus_one(obj, rel, self.site(sym.span))
            # one report per chain: what is read through it is not reported again
            if rel.many:
                return Query(rel.target or "", model.framework, "list", None, cached=True)
            return Obj(rel.target or "", everything=True, row_of=obj.row_of, path=(*obj.path, name), row_site=obj.row_site)
        if rel.target is None:
            return UNKNOWN
        if rel.many:
            return Query(rel.target, model.framework, "list", None, cached=True, via=rel, owner=obj)
        return Obj(rel.target)

    def _loaded_relation(self, obj: Obj, rel, cached: bool) -> object:
        if rel.target is None:
            return UNKNOWN
        prefix = rel.name + dj.LOOKUP_SEPARATOR
        sub = frozenset(p[len(prefix):] for p in obj.loaded if p.startswith(prefix))
        if rel.many:
            return Query(
                rel.target,
                self.orm.models[obj.model].framework if obj.model in self.orm.models else "django",
                "related" if cached else "list",
                None,
                loaded=sub,
                everything=obj.everything,
                via=rel,
                owner=obj,
                cached=True,
            )
        return Obj(rel.target, loaded=sub, everything=obj.everything, row_of=obj.row_of, path=(*obj.path, rel.name), row_site=obj.row_site)

    def _follow(self, model, rel_path: str) -> str | None:
        current = model
        for part in rel_path.split(dj.LOOKUP_SEPARATOR):
            rel = current.relations.get(part) if current else None
            if rel is None or rel.target is None:
                return None
            current = self.orm.models.get(rel.target)
        return current.qualname if current else None

    # --- iteration and indexing -----------------------------------------------------------

    def _element(self, value: object, row_site: Site | None = None) -> object:
        t = type(value)
        if t is Query:
            q: Query = value  # type: ignore[assignment]
            if q.rows != "objects" or q.kind in ("select", "result") or not q.model:
                return UNKNOWN
            if q.kind in ("manager",) and q.framework == "sqlalchemy":
                return UNKNOWN
            preseeded = self._back_reference(q.via)
            row_of, path = q, ()
            if q.owner is not None and q.owner.row_of is not None and q.via is not None and not q.fresh:
                # rows of a relation of a row: their lazy reads are fixed on the outer query
                # (`prefetch_related("events__venue")`)
                row_of, path = q.owner.row_of, (*q.owner.path, q.via.name)
                row_site = q.owner.row_site
            return Obj(q.model, loaded=q.loaded, everything=q.everything, row_of=row_of, preseeded=preseeded, to_attr=q.to_attr, path=path, row_site=row_site)
        if t is Enumerated:
            return Seq((UNKNOWN, self._element(value.inner)), constant=False)  # type: ignore[union-attr]
        return UNKNOWN

    def _back_reference(self, via) -> str | None:
        """The relation back to the owner that rows read through `via` already hold: Django
        fills in the FK of a reverse manager's rows; SQLAlchemy finds a many-to-one parent in
        its identity map."""
        if via is None or not via.opposite or not via.many:
            return None
        if via.kind in ("reverse_fk", "reverse_o2o"):
            return via.opposite
        if via.kind == "relationship" and via.target:
            back = self.orm.relation(via.target, via.opposite)
            if back is not None and not back.many:
                return via.opposite
        return None

    def _index(self, sym: SIndex) -> object:
        obj = self.eval(sym.obj)
        key = sym.key
        t = type(obj)
        if t is Seq:
            k = self.eval(key) if type(key) is not SSlice else None
            if type(k) is Const and type(k.value) is int and -len(obj.items) <= k.value < len(obj.items):  # type: ignore[union-attr]
                return obj.items[k.value]  # type: ignore[union-attr]
            return UNKNOWN
        if t is Query:
            if type(key) is SSlice:
                if key.lower is not None and type(self.eval(key.lower)) is not Const and not _walks(key.lower):
                    obj = replace(obj, offset=self.site(sym.span))  # type: ignore[type-var]
                return replace(obj, bounded=True) if key.upper is not None else obj  # type: ignore[type-var]
            return _single(obj)  # type: ignore[arg-type]
        if type(key) is not SSlice:
            self.eval(key)
        return UNKNOWN

    # --- calls ----------------------------------------------------------------------------

    def _call(self, sym: SCall) -> object:
        func = self.eval(sym.func)
        args = [self.eval(a) for a in sym.args]
        kwargs = {k: self.eval(v) for k, v in sym.kwargs}
        site = self.site(sym.span)
        if self.handler is not None and args and kwargs.get("many") == Const(True):
            self._every_row(args[0], site, "serialises")  # `EventSerializer(qs, many=True)`
        in_loop = sym.loop is not None and self.in_data_loop(sym.loop) or (sym.loop is None and self.anchor is not None)
        t = type(func)
        if t is Bound:
            return self._method(func, args, kwargs, sym, site, in_loop)  # type: ignore[arg-type]
        if t is Func:
            return self._invoke(func, args, kwargs, site, in_loop)  # type: ignore[arg-type]
        if t is External:
            if func.qual in rendering.RENDER_CALLS:  # type: ignore[union-attr]
                self._render(func.qual, args, kwargs, site)  # type: ignore[union-attr]
            if func.qual == _LEN and len(sym.args) == 1:  # type: ignore[union-attr]
                self._len(sym, args[0], site, in_loop)
            elif func.qual in _PASS_ROWS and len(args) == 1 and func.qual != "builtins.iter":  # type: ignore[union-attr]
                self._iterated(args[0], sym.span, sym.loop)  # `list(qs)` runs it, like a loop would
            value = self._external(func.qual, args, kwargs, sym, site)  # type: ignore[union-attr]
            if value is UNKNOWN and _is_session_name(func.qual.rsplit(".", 1)[-1]):  # type: ignore[union-attr]
                return Session()  # `Session()`, `object_session(obj)`, `scoped_session(...)`
            return value
        if t is ModelRef:
            return Obj(func.model)  # type: ignore[union-attr]
        if t is LoaderOption:
            return func
        if t is Query and func.owner is not None:  # type: ignore[union-attr]
            return UNKNOWN
        # `Session()` / `SessionLocal()` / `get_session()`
        if _is_session_name(_callee_name(sym.func)):
            return Session()
        if _callee_name(sym.func) == "cursor":
            return Cursor()
        return UNKNOWN

    def _invoke(self, func: Func, args: list, kwargs: dict, site: Site, in_loop: bool) -> object:
        """A call of a project function: its return value, and (from a loop) the work it does."""
        found = self.a.function(func.qualname)
        if found is None or self.depth >= MAX_DEPTH:
            return UNKNOWN
        path, fn = found
        binds: list[object] = [UNKNOWN] * len(fn.params)
        offset = 0
        if func.self_value is not None and fn.params:
            binds[0] = func.self_value
            offset = 1
        for i, v in enumerate(args):
            if offset + i < len(binds):
                binds[offset + i] = v
        for k, v in kwargs.items():
            if k in fn.params:
                binds[fn.params.index(k)] = v
        carries_rows = any(_is_rows(v) or (type(v) is Obj and v.row_of is not None) for v in binds)
        try:
            key: tuple | None = (fn.qualname, tuple(binds))
            hash(key)
        except TypeError:
            key = None
        if (in_loop or carries_rows or self.anchor is not None) and not self.silent:
            # what the function does, once per row of the caller's loop (a frame that only
            # computes a return value judges nothing: its body was judged where it runs)
            anchor = self.anchor
            if anchor is None and in_loop:
                anchor = (site, [])
            elif anchor is not None:
                anchor = (anchor[0], [*anchor[1], (site, f"through `{fn.name}`")])
            done = (key, anchor[0] if anchor else None, self.handler) if key is not None else None
            if done is None or done not in self.a.bodies_done:
                if done is not None:
                    self.a.bodies_done.add(done)
                frame = Frame(self.a, path, fn, binds, anchor, self.depth + 1)
                frame.cached = frame.cached or self.cached
                frame.notes = self.notes
                frame.handler = self.handler
                frame.evaluate_body()
        if key is not None and key in self.a.returns_memo:
            return self.a.returns_memo[key]
        if key is not None:
            self.a.returns_memo[key] = UNKNOWN  # recursion guard
        # only the value: what the body costs was judged above (or is judged where it is a root)
        returns = Frame(self.a, path, fn, binds, None, self.depth + 1)
        returns.silent = True
        value = returns.evaluate_returns()
        if key is not None:
            self.a.returns_memo[key] = value
        return value

    def _external(self, qual: str, args: list, kwargs: dict, sym: SCall, site: Site) -> object:
        if qual in _SELECT_FUNCS or (qual.endswith(".select") and len(args) == 1 and type(args[0]) is ModelRef):
            # the second: Flask-SQLAlchemy 3's `db.select(Model)`
            if len(args) == 1 and type(args[0]) is ModelRef:
                return Query(args[0].model, "sqlalchemy", "select", site, text=_short(sym))
            if args and all(type(a) is ModelAttr for a in args):
                return Query(args[0].model, "sqlalchemy", "select", site, rows="values", text=_short(sym))
            # `select(func.count(...))`, `select(a, b)`: a query, but of no one model's rows
            return Query("", "sqlalchemy", "select", site, rows="values", text=_short(sym))
        if qual.startswith(_OPTION_PREFIXES):
            option = qual.rsplit(".", 1)[-1]
            if option in sa.LOADER_OPTIONS:
                return _loader_option(option, args, None)
            if option == "Load":
                return LoaderOption(())
            return UNKNOWN
        if qual in dj.PREFETCH_QUALNAMES:
            lookup = args[0].value if args and type(args[0]) is Const and isinstance(args[0].value, str) else None
            if lookup is None:
                return UNKNOWN
            to_attr = kwargs.get("to_attr")
            inner = kwargs.get("queryset", args[1] if len(args) > 1 else None)
            return Prefetch(
                lookup,
                to_attr.value if type(to_attr) is Const and isinstance(to_attr.value, str) else None,
                inner if type(inner) is Query else None,
            )
        if qual in _PASS_ROWS and args:
            v = args[0]
            if type(v) is Query:
                return replace(v, kind="list") if v.kind not in ("select",) else UNKNOWN
            return UNKNOWN
        if qual == _ENUMERATE and args:
            return Enumerated(args[0])
        if qual in _TEXT_FUNCS:
            return Const("sql")
        return UNKNOWN

    # --- methods on queries, sessions, cursors -------------------------------------------

    def _method(self, b: Bound, args: list, kwargs: dict, sym: SCall, site: Site, in_loop: bool) -> object:
        recv = b.recv
        t = type(recv)
        if t is Query:
            if recv.framework == "django":  # type: ignore[union-attr]
                return self._django(recv, b.name, args, kwargs, sym, site, in_loop)  # type: ignore[arg-type]
            return self._sqlalchemy_query(recv, b.name, args, kwargs, sym, site, in_loop)  # type: ignore[arg-type]
        if t is Session:
            return self._session(b.name, args, sym, site, in_loop)
        if t is LoaderOption:
            if b.name in sa.LOADER_OPTIONS:
                return _loader_option(b.name, args, recv)  # type: ignore[arg-type]
            return recv
        if t is Obj and in_loop:
            model = self.orm.models.get(recv.model)  # type: ignore[union-attr]
            what = model.name if model else "row"
            if b.name in ("delete", "adelete"):
                fix = "Delete them in one query: `.delete()` on the queryset the loop iterates (signals still fire per row)"
            elif b.name.startswith(("refresh", "arefresh")):
                fix = "Load the fresh rows in one query before the loop"
            else:
                fix = f"Collect the changed {what} objects in the loop and write them once after it with `bulk_update(objs, fields)` / `bulk_create(objs)`"
            self._query_cost(site, f"`{_short(sym)}`", fix)
            return UNKNOWN
        if t is Cursor and b.name in _CURSOR_EXECUTE and in_loop:
            self._query_cost(site, f"`{_short(sym)}`", "Run one query for all the rows before the loop (`WHERE id = ANY(%s)` / `IN (...)`, or `executemany`)")
        return UNKNOWN

    def _django(self, q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site, in_loop: bool) -> object:
        text = _short(sym)
        if name in (dj.SELECT_RELATED, dj.PREFETCH_RELATED) or name == "fetch_mode":
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
        if name in dj.ROW_METHODS:
            return replace(q, kind=_chained(q), rows="values", text=text)
        if name in dj.QUERYSET_CHAIN_METHODS or name == "iterator":
            if q.kind == "related" and name not in ("all", "iterator"):
                # filtering a related manager runs a fresh query even when it was prefetched,
                # and its rows are loaded by this query, not by the outer one
                return replace(q, cached=False, fresh=True, loaded=frozenset(), everything=False, origin=site, text=text, bounded=self._django_key_filter(q, kwargs))
            narrows = name in _DJ_NARROWING and bool(args or kwargs)
            q = self._django_conditions(q, name, args, kwargs, site)
            return replace(q, kind=_chained(q), text=text, bounded=q.bounded or self._django_key_filter(q, kwargs), filtered=q.filtered or narrows)
        if name in _DJ_EXECUTE:
            if name in dj.SINGLE_OBJECT_METHODS or name in ("exists", "count", "aexists", "acount", "update", "delete", "aupdate", "adelete"):
                self._executed(self._django_conditions(q, "filter", args, kwargs, site) if kwargs or args else q, site)
            per_row_relation = q.kind == "related" and not q.cached and q.owner is not None and q.owner.row_of is not None
            if per_row_relation:
                self._relation_cost(q, sym.span)
            elif q.kind == "related" and q.cached:
                pass
            elif in_loop:
                self._query_cost(site, f"`{text}`", _batch_fix(q, name))
            if name in dj.SINGLE_OBJECT_METHODS and not name.endswith(("get_or_create", "update_or_create")):
                return _single(q)  # the eager loads come with the one object
            return UNKNOWN
        # a custom manager / queryset method: its result is unknown
        return UNKNOWN

    # --- conditions, for the index rules ---------------------------------------------------

    def _django_conditions(self, q: Query, name: str, args: list, kwargs: dict, site: Site) -> Query:
        if q.opaque or not q.model:
            return q
        if name in ("filter", "get", "exclude"):
            if args or name == "exclude":
                return replace(q, opaque=True)  # Q objects, expressions, a negation
            found = predicates.django_preds(self.orm, q.model, kwargs, site)
            return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
        if name == "order_by":
            order = predicates.django_order(self.orm, q.model, args, site)
            return replace(q, order=order) if order is not None else q
        return q

    def _sqlalchemy_conditions(self, q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site) -> Query:
        if not q.model:
            return q
        if name in ("filter", "where") and not q.opaque:
            found = predicates.sqlalchemy_preds(self.orm, q.model, sym.args, self.eval, site)
            return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
        if name == "filter_by" and not q.opaque:
            found = predicates.django_preds(self.orm, q.model, kwargs, site)
            return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
        if name == "order_by":
            order = predicates.sqlalchemy_order(self.orm, sym.args, self.eval, site)
            return replace(q, order=order) if order is not None else q
        if name == "offset" and args and type(args[0]) is not Const and not (sym.args and _walks(sym.args[0])):
            return replace(q, offset=site)
        return q

    def _executed(self, value: object, site: Site) -> None:
        """A query runs here: what it filters and orders on is kept for the index rules."""
        if type(value) is not Query or not value.model or self.silent:
            return
        if value.preds or value.order or value.offset:
            self.a.sites.setdefault((site.path, site.span.line, site.span.column), (value, site, self.handler))
        if value.offset is not None and self.handler is not None:
            self._offset_page(value)

    def _offset_page(self, q: Query) -> None:
        """SCL604: a request pages through rows with an offset it computes."""
        model = self.orm.models.get(q.model)
        name = model.name if model else q.model.rsplit(".", 1)[-1]
        label, framework = self.handler  # type: ignore[misc]
        message = (
            f"{label} pages through {name} rows with an offset computed per request: the database reads and discards "
            f"every skipped row, so each page is slower than the last and deep pages scan the table"
        )
        if q.framework == "django":
            fix = 'Page with a keyset instead: `.filter(id__gt=last_id).order_by("id")[:page_size]`, or DRF `CursorPagination`'
        else:
            fix = f"Page with a keyset instead: `.where({name}.id > last_id).order_by({name}.id).limit(page_size)`"
        assert q.offset is not None
        related = [(q.origin, "the query")] if q.origin is not None and q.origin.span.line != q.offset.span.line else []
        self.a.add(Cost("SCL604", q.offset, message, fix, [*related, *self.notes], subject=q.model))

    def _is_key(self, model_name: str, name: str) -> bool:
        model = self.orm.models.get(model_name)
        if model is None:
            return False
        f = model.fields.get(name)
        if f is not None:
            return bool(f.primary_key or f.unique)
        return name == "pk" or (name == "id" and model.framework == "django")

    def _django_key_filter(self, q: Query, kwargs: dict) -> bool:
        """`filter(pk=...)`, `filter(id__in=ids)`, a unique field: a known few rows."""
        for key in kwargs:
            field, _, lookup = key.partition(dj.LOOKUP_SEPARATOR)
            if lookup in ("", "exact", "in") and self._is_key(q.model, field):
                return True
        return False

    def _sa_key_filter(self, q: Query, name: str, sym: SCall, kwargs: dict) -> bool:
        """`.filter(Model.id == x)`, `.where(Model.id.in_(ids))`, `.filter_by(id=x)`."""
        if name == "filter_by":
            return any(self._is_key(q.model, k) for k in kwargs)
        if name not in ("filter", "where"):
            return False
        for arg in sym.args:
            if type(arg) is SOp and arg.op == "Compare" and arg.ops == ("Eq",):
                sides = arg.operands
            elif type(arg) is SCall and type(arg.func) is SAttr and arg.func.name == "in_":
                sides = (arg.func.obj,)
            else:
                continue
            for side in sides:
                v = self.eval(side)
                if type(v) is ModelAttr and v.model == q.model and self._is_key(v.model, v.name):
                    return True
        return False

    def _sqlalchemy_query(self, q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site, in_loop: bool) -> object:
        text = _short(sym)
        if name == "options":
            loaded = set(q.loaded)
            everything = q.everything
            for a in args:
                if type(a) is LoaderOption:
                    everything = everything or a.everything
                    for path, option in a.paths:
                        joined = dj.LOOKUP_SEPARATOR.join(path)
                        if option in sa.SILENCING_OPTIONS:
                            loaded.add(joined)
                else:
                    return replace(q, everything=True, text=text)
            return replace(q, loaded=frozenset(loaded), everything=everything, text=text)
        if name in _SA_CHAIN:
            q = self._sqlalchemy_conditions(q, name, args, kwargs, sym, site)
            bounded = q.bounded or name in ("limit", "slice") or self._sa_key_filter(q, name, sym, kwargs)
            narrows = name in ("filter", "filter_by", "where", "having") and bool(args or kwargs)
            return replace(q, text=text, bounded=bounded, filtered=q.filtered or narrows)
        if q.kind in ("result", "scalars", "sa_query", "list") and name in _SA_ROWS:
            if q.kind == "sa_query":
                self._executed(q, site)
            # rows of an executed select() keep its text: that is where a fix goes
            if q.kind == "result":
                return q
            return replace(q, kind="list", text=q.text if q.from_select else text)
        if name == "scalars" and q.kind == "result":
            return replace(q, kind="scalars")
        if name == "paginate":
            return replace(q, kind="page", text=text)
        if name in _SA_SINGLE or name in ("count",):
            if q.kind == "sa_query":
                self._executed(q, site)
            if q.via is not None and q.owner is not None and q.owner.row_of is not None:
                self._relation_cost(q, sym.span)
            elif in_loop and q.kind in ("sa_query",):
                self._query_cost(site, f"`{text}`", _batch_fix(q, name))
            if name in _SA_SINGLE and q.rows == "objects" and q.kind != "result":
                return _single(q)
            return UNKNOWN
        return UNKNOWN

    def _session(self, name: str, args: list, sym: SCall, site: Site, in_loop: bool) -> object:
        text = _short(sym)
        if name in ("execute", "scalars", "scalar", "stream", "stream_scalars", "exec"):
            q = args[0] if args else UNKNOWN
            self._executed(q, site)
            if in_loop and (type(q) is Query or (type(q) is Const and q.value == "sql")):
                self._query_cost(site, f"`{text}`")
            if type(q) is Query and q.kind == "select":
                if name in ("scalars", "stream_scalars", "exec"):  # SQLModel's exec() gives scalars
                    return replace(q, kind="scalars", origin=q.origin or site, from_select=True)
                if name == "scalar":
                    return Obj(q.model) if q.rows == "objects" else UNKNOWN
                return replace(q, kind="result", origin=q.origin or site, from_select=True)
            return UNKNOWN
        if name in ("get", "get_one"):
            if args and type(args[0]) is ModelRef:
                if in_loop:
                    self._query_cost(site, f"`{text}`", "Load all the rows at once before the loop: `session.scalars(select(M).where(M.id.in_(ids)))`")
                return Obj(args[0].model)
            return UNKNOWN
        if name in ("commit", "flush") and in_loop:
            self._query_cost(site, f"`{text}`", "Add the rows in the loop and commit once after it (or use `session.execute(insert(Model), rows)`)")
            return UNKNOWN
        if name == "query":
            if len(args) == 1 and type(args[0]) is ModelRef:
                return Query(args[0].model, "sqlalchemy", "sa_query", site, text=text)
            if args and all(type(a) is ModelAttr for a in args):
                return Query(args[0].model, "sqlalchemy", "sa_query", site, rows="values", text=text)
            return UNKNOWN
        return UNKNOWN


# --- helpers -----------------------------------------------------------------------------------


_CACHE_DECORATORS = frozenset({"lru_cache", "cache", "cached", "memoize", "cached_property", "cache_page", "cached_method", "ttl_cache"})


def _walks(sym: Sym, depth: int = 0) -> bool:
    """The value moves with a loop (`for start in range(0, n, 500)`): a batch walking the rows,
    not a page a request asks for."""
    if depth > 8:
        return False
    t = type(sym)
    if t is SEach:
        return True
    if t is SOp:
        return any(_walks(o, depth + 1) for o in sym.operands)  # type: ignore[union-attr]
    if t is SOneOf:
        return any(_walks(o, depth + 1) for o in sym.options)  # type: ignore[union-attr]
    if t is SCall:
        return any(_walks(a, depth + 1) for a in sym.args)  # type: ignore[union-attr]
    return False


def _loops_over_a_parameter(fn: FunctionFacts) -> bool:
    """A loop of the function iterates something its caller hands in (`for e in events`,
    `for t in self.tags.all()`): what it costs depends on the caller's query."""
    for loop in fn.loops:
        node = loop.iter
        for _ in range(12):
            t = type(node)
            if t is SParam:
                return True
            if t is SCall:
                node = node.func  # type: ignore[union-attr]
            elif t is SAttr or t is SIndex:
                node = node.obj  # type: ignore[union-attr]
            else:
                break
    return False


def _calls_any(fn: FunctionFacts, names: frozenset[str]) -> bool:
    """The function calls something named like one of `names` (resolution comes later)."""
    stack = [u.sym for u in fn.uses]
    seen: set[int] = set()
    while stack:
        s = stack.pop()
        if id(s) in seen:
            continue
        seen.add(id(s))
        t = type(s)
        if t is SCall:
            if _callee_name(s.func) in names:  # type: ignore[union-attr]
                return True
            stack.append(s.func)  # type: ignore[union-attr]
            stack.extend(s.args)  # type: ignore[union-attr]
            stack.extend(v for _, v in s.kwargs)  # type: ignore[union-attr]
        elif t is SAttr:
            if s.name in names:  # type: ignore[union-attr]
                return True  # a property read
            stack.append(s.obj)  # type: ignore[union-attr]
        elif t is SComp:
            stack.extend(s.parts)  # type: ignore[union-attr]
        elif t is SOp:
            stack.extend(s.operands)  # type: ignore[union-attr]
        elif t is SDict:
            stack.extend(v for _, v in s.items)  # type: ignore[union-attr]
        elif t is SSeq:
            stack.extend(s.elts)  # type: ignore[union-attr]
        elif t is SOneOf:
            stack.extend(s.options)  # type: ignore[union-attr]
    return False


def _reads_a_cache(fn: FunctionFacts) -> bool:
    """The function is memoised, or looks a value up in a cache (`cache.get(...)`,
    `self._cache`, `get_or_set`) before doing its work."""
    if any(d.rsplit(".", 1)[-1] in _CACHE_DECORATORS for d in fn.decorators):
        return True
    for use in fn.uses:
        if _mentions_cache(use.sym, 0):
            return True
    return False


def _mentions_cache(sym: Sym, depth: int) -> bool:
    if depth > 6:
        return False
    t = type(sym)
    if t is SCall:
        f = sym.func  # type: ignore[union-attr]
        if type(f) is SAttr and f.name in ("get", "get_or_set", "get_many") and "cache" in _callee_name(f.obj).lower():
            return True
        return _mentions_cache(f, depth + 1) or any(_mentions_cache(a, depth + 1) for a in sym.args)  # type: ignore[union-attr]
    if t is SAttr:
        return _mentions_cache(sym.obj, depth + 1)  # type: ignore[union-attr]
    if t is SOp:
        return any(_mentions_cache(o, depth + 1) for o in sym.operands)  # type: ignore[union-attr]
    return False


def _is_batch_command(path: str) -> bool:
    # Django management commands run by hand or from cron, not once per user request
    return "/management/commands/" in path or path.startswith("management/commands/")


def _merge_values(values: list[object]) -> object:
    known = [v for v in values if v is not UNKNOWN]
    if not known or len(known) != len(values):
        return UNKNOWN
    first = known[0]
    if all(v == first for v in known):
        return first
    if all(type(v) is Query for v in known):
        qs: list[Query] = known  # type: ignore[assignment]
        if len({(q.model, q.framework, q.rows) for q in qs}) == 1:
            loaded = frozenset.intersection(*(q.loaded for q in qs))
            return replace(qs[0], loaded=loaded, everything=all(q.everything for q in qs), cached=all(q.cached for q in qs))
    return UNKNOWN


def _is_rows(value: object) -> bool:
    return type(value) is Query and value.kind not in ("select",) and bool(value.model) or type(value) is Enumerated and _is_rows(value.inner)  # type: ignore[union-attr]


def _single(q: Query) -> object:
    if q.rows != "objects" or not q.model or q.kind in ("select", "result"):
        return UNKNOWN
    return Obj(q.model, loaded=q.loaded, everything=q.everything)


def _chained(q: Query) -> str:
    return "queryset" if q.kind == "manager" else q.kind


def _prefixes(lookup: str) -> list[str]:
    parts = lookup.split(dj.LOOKUP_SEPARATOR)
    return [dj.LOOKUP_SEPARATOR.join(parts[: i + 1]) for i in range(len(parts))]


def _loader_option(option: str, args: list, parent: LoaderOption | None) -> LoaderOption:
    if args and type(args[0]) is Const and args[0].value == "*":
        silencing = option in sa.SILENCING_OPTIONS
        return LoaderOption(parent.paths if parent else (), everything=silencing or bool(parent and parent.everything))
    names: list[str] = []
    for a in args:
        if type(a) is ModelAttr:
            names.append(a.name)
        elif type(a) is Const and isinstance(a.value, str):
            names.extend(a.value.split("."))
    base: tuple[str, ...] = parent.paths[-1][0] if parent and parent.paths else ()
    paths = list(parent.paths) if parent else []
    if names:
        paths.append(((*base, *names), option))
    return LoaderOption(tuple(paths), everything=bool(parent and parent.everything))


def _relation_label(rel) -> str:
    return {
        "fk": "a ForeignKey",
        "o2o": "a OneToOneField",
        "m2m": "a ManyToManyField",
        "reverse_fk": "a reverse ForeignKey manager",
        "reverse_o2o": "a reverse one-to-one",
        "reverse_m2m": "a reverse many-to-many manager",
        "generic_fk": "a GenericForeignKey",
        "generic_relation": "a GenericRelation",
    }.get(rel.kind, f'a relationship() loaded lazy="{rel.lazy}"')


def _django_eager_method(rows: Query, obj: Obj, rel, orm) -> str:
    """`select_related` for a chain of single-valued relations (one JOIN), else `prefetch_related`."""
    single = rel.kind in ("fk", "o2o", "reverse_o2o") and all(_is_single_step(orm, rows.model, obj.path))
    return "select_related" if single else "prefetch_related"


def _eager_fix(rows: Query, obj: Obj, rel, path: str, orm, here: str) -> str:
    where = f" to `{rows.text}`" if rows.text else " to the query that feeds the loop"
    if rows.origin is not None:
        where += f" (line {rows.origin.span.line})" if rows.origin.path == here else f" ({rows.origin.path}, line {rows.origin.span.line})"
    if rows.framework == "django":
        return f'Add `.{_django_eager_method(rows, obj, rel, orm)}("{path}")`{where}'
    model = orm.models.get(obj.model)
    owner = model.name if model else obj.model.rsplit(".", 1)[-1]
    option = "selectinload" if rel.many else "joinedload"
    if obj.path:
        return f"Add a chained `.{option}({owner}.{rel.name})` under the loader option for `{'.'.join(obj.path)}`{where}"
    return f"Add `.options({option}({owner}.{rel.name}))`{where}"


def _is_single_step(orm, model: str, path: tuple[str, ...]) -> Iterable[bool]:
    current = orm.models.get(model)
    for part in path:
        rel = current.relations.get(part) if current else None
        yield rel is not None and not rel.many
        current = orm.models.get(rel.target) if rel is not None and rel.target else None


def _batch_fix(q: Query, name: str) -> str:
    if q.framework == "django":
        if name in ("create", "get_or_create", "update_or_create"):
            return "Build the objects in the loop and write them once with `bulk_create(...)` after it"
        if name in ("update", "delete"):
            return "Do it once for all the rows: `Model.objects.filter(pk__in=ids).update(...)` / `.delete()`"
        return "Fetch the rows for all iterations at once before the loop (`filter(pk__in=ids)` / `in_bulk(ids)`) and look them up in a dict"
    return "Fetch the rows for all iterations at once before the loop (`.where(Model.id.in_(ids))`) and look them up in a dict"


def _short(sym: Sym, limit: int = 60) -> str:
    """The source-ish text of a call chain, for messages: `Event.objects.filter(...)`."""
    parts: list[str] = []
    node = sym
    while True:
        t = type(node)
        if t is SCall:
            args = node.args  # type: ignore[union-attr]
            if len(args) == 1 and not node.kwargs and type(args[0]) is SName:  # type: ignore[union-attr]
                parts.append(f"({args[0].qual.rsplit('.', 1)[-1]})")  # `select(Order)`, `session.query(Trip)`
            else:
                parts.append("(...)" if args or node.kwargs else "()")  # type: ignore[union-attr]
            node = node.func  # type: ignore[union-attr]
        elif t is SAttr:
            parts.append("." + node.name)  # type: ignore[union-attr]
            node = node.obj  # type: ignore[union-attr]
        elif t is SName:
            parts.append(node.qual.rsplit(".", 1)[-1])  # type: ignore[union-attr]
            break
        elif t is SParam:
            parts.append(node.name)  # type: ignore[union-attr]
            break
        elif t is SEach or t is SIndex:
            parts.append("row")
            break
        else:
            parts.append("…")
            break
    text = "".join(reversed(parts))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_costs(project: "Project") -> list[Cost]:
    return _analysed(project).run()


def _analysed(project: "Project") -> QueryAnalysis:
    analysis = project.__dict__.get("_query_analysis")
    if analysis is None:
        analysis = project.__dict__["_query_analysis"] = QueryAnalysis(project)
    return analysis


def query_sites(project: "Project") -> list[tuple[Query, Site, tuple[str, str] | None]]:
    """Where queries run, with what they filter and order on (`Query.preds`, `.order`) and
    the request handler they run for: what the index rules judge."""
    costs_of(project, "")  # the evaluation that finds them
    return list(_analysed(project).sites.values())


def report_costs(project: "Project", code: str, report, skip=None) -> None:
    """What the query rules do: report the costs of their code (but those `skip` says no to),
    the related places beside."""
    from scalelint.diagnostics import Related

    from scalelint.diagnostics import Fix

    for cost in costs_of(project, code):
        if skip is not None and skip(cost):
            continue
        report(
            cost.site.path,
            cost.site.span,
            cost.message,
            fix=Fix(cost.fix, cost.applicability, cost.edits) if cost.edits else None,  # type: ignore[arg-type]
            fix_title=cost.fix,
            related=[Related(site.path, site.span.line, note) for site, note in cost.related],
        )


def costs_of(project: "Project", code: str) -> list[Cost]:
    """The costs one rule reports; the evaluation runs once per project for all of them."""
    costs = project.__dict__.get("_query_costs")
    if costs is None:
        costs = project.__dict__["_query_costs"] = find_costs(project)
    return [c for c in costs if c.code == code]
