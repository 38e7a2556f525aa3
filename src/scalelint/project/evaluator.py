"""The evaluator core: one function's symbolic values (`facts.Sym`) turned into `values`, with
the project's ORM model in hand.

It knows Python: names, attributes, calls, loops and comprehensions, indexing, the project's
own functions (followed a few levels, memoised by their arguments, guarded against recursion)
and templates rendered with a view's values. What a data-access library's calls and attributes
do to a value is asked of the library that owns it (`project.libraries`); what each finding
says is written by `project.cost_reports`.

A frame evaluated from a loop over rows (a helper called once per row) is *anchored*: what it
costs is reported at the call in the caller's loop, with the place inside as related.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from scalelint.facts import FunctionFacts, SAttr, SCall, SComp, SConst, SDict, SEach, SIndex, SName, SOneOf, SOp, SParam, SSeq, SSlice, Sym
from scalelint.project import cost_reports, rendering
from scalelint.project.admin_querysets import super_queryset
from scalelint.project.rendering import SpanIn
from scalelint.project import libraries as libs
from scalelint.project.libraries import PASS
from scalelint.project.symbolic import reads_a_cache, walks
from scalelint.project.values import (
    NOT_OBJECT_KINDS,
    PATH_SEPARATOR,
    STATEMENT_KINDS,
    UNKNOWN,
    Bound,
    Const,
    Enumerated,
    External,
    Func,
    Instance,
    Mapping,
    ModelRef,
    Obj,
    Query,
    Seq,
    Site,
    Text,
    HOLE,
    is_rows,
    merge_values,
    rows_of,
    single,
)

if TYPE_CHECKING:
    from scalelint.project.queries import QueryAnalysis

__all__ = ["Frame", "Anchor", "MAX_DEPTH"]

MAX_DEPTH = 4  # project calls followed from a loop
# builtins that hand back their argument's rows (materialised or wrapped)
PASS_ROWS = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.reversed", "builtins.iter", "builtins.set"})
_ENUMERATE = "builtins.enumerate"
_LEN = "builtins.len"
_PAGINATE = "paginate_queryset"
_FIELD = re.compile(r"\{[^{}]*\}")  # a `str.format` field
# loops whose rows become a value (a list, a page of HTML), not statements that act on each row
_BUILDS_A_RESPONSE = frozenset({"comprehension", "template", "call", "fetch"})


@dataclass(frozen=True)
class Anchor:
    """Where a frame called once per row reports: the call in the caller's loop, the chain of
    calls that led here (related notes), and the rows of that loop."""

    site: Site
    chain: list = field(default_factory=list)
    rows: Query | None = None


def _slice_size(lower: object, upper: object) -> int | None:
    """How many rows `qs[lower:upper]` keeps, when both ends are numbers."""
    if type(lower) is Const and type(upper) is Const and type(lower.value) is int and type(upper.value) is int:  # type: ignore[union-attr]
        return max(upper.value - lower.value, 0)  # type: ignore[union-attr]
    return None


class Frame:
    """One evaluation of one function, with its parameters bound."""

    def __init__(self, analysis: "QueryAnalysis", path: str, fn: FunctionFacts, binds: list[object], anchor: Anchor | None, depth: int):
        self.a = analysis
        self.orm = analysis.orm
        self.path = path
        self.fn = fn
        self.binds = binds
        self.anchor = anchor
        self.depth = depth
        self.memo: dict[int, object] = {}
        self.loop_values: dict[int, object] = {}
        self.data_loops: dict[int, bool] = {}
        self.cached = anchor is not None and reads_a_cache(fn)
        self.silent = False
        self.template = False  # a template: a method a lookup reaches is called (Django's rule)
        self.notes: list[tuple[Site, str]] = []  # said with every report (the view rendering a template)
        self.read_loops: dict[int, int] = {}
        self.handler: tuple[str, str] | None = None  # this runs on every request of that handler
        # the function (or view class) whose own evaluation this frame is part of, and how it
        # answers requests: what the cost model asks of every cost found here
        self.root = fn.qualname
        self.root_handler: tuple[str, str] | None = None

    def nested(self, path: str, fn: FunctionFacts, binds: list[object], anchor: Anchor | None) -> "Frame":
        """A frame for a call made from this one: same root, one level deeper."""
        frame = Frame(self.a, path, fn, binds, anchor, self.depth + 1)
        frame.root = self.root
        frame.root_handler = self.root_handler
        return frame

    # --- driver -------------------------------------------------------------------------

    def evaluate_body(self) -> None:
        dead = self._dead_branches()
        for loop in self.fn.loops:
            if not (dead and _within(loop.span, dead)):
                self.loop_value(loop.id)
        for use in self.fn.uses:
            if not (dead and _within(getattr(use.sym, "span", None), dead)):
                self.eval(use.sym)

    def _dead_branches(self) -> list[tuple[int, int]]:
        """The lines of `if flag:` branches the caller's constant turns off
        (`project_to_dict(p, include_members=False)` never reads `p.members`)."""
        out = []
        for index, needs, first, last in self.fn.flag_branches:
            value = self.binds[index] if index < len(self.binds) else None
            if type(value) is Const and bool(value.value) is not needs:
                out.append((first, last))
        return out

    def evaluate_returns(self) -> object:
        values = [self.eval(r) for r in self.fn.returns]
        return merge_values(values)

    def site(self, span) -> Site:
        if type(span) is SpanIn:  # a read in a template this one includes or extends
            return Site(span.path, span)
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
        lib = libs.owner(value, self.orm) if type(value) not in (Query, Obj, ModelRef) else None
        if lib is not None:
            rows = lib.iterate(self, value, loop.iter, loop.span)  # `for row in cursor:`
            value = value if rows is PASS else rows
        self.loop_values[loop_id] = value
        written = loop.iter.loop if type(loop.iter) is SCall else loop.parent  # type: ignore[union-attr]
        self.iterated(value, loop.span, loop.parent, loop.kind, written)
        return value

    def iterated(self, value: object, span, parent: int | None, kind: str = "call", written: int | None = -1) -> None:
        """Iterating `value` runs its query: per row when the loop sits in a loop over rows.
        `written`: the loop the queryset was built in (-1: here), when it is bound to a name
        first (`qs = ...` before the loop, then `for x in qs` inside it)."""
        cost_reports.executed(self, value, self.site(span))
        if self.handler is not None and self.anchor is None and kind in _BUILDS_A_RESPONSE and not self.in_data_loop(parent):
            cost_reports.every_row(self, value, self.site(span), "fetches" if kind == "fetch" else "iterates")
        if type(value) is not Query or value.kind == "list" or value.cached:
            return
        if value.owner is not None and value.owner.row_of is not None:
            cost_reports.relation_per_row(self, value, span)
        else:
            rows = self.loop_rows(parent)
            if rows is not None and not self._cached_across(value, parent, written):
                cost_reports.query_per_row(self, self.site(span), f"iterating `{value.text or 'a query'}`", None, rows)

    def _cached_across(self, value: Query, parent: int | None, written: int | None) -> bool:
        """A Django queryset built outside the loop over rows and iterated inside it fills its
        result cache on the first pass: the other passes run no query."""
        if value.framework != "django" or written == -1:
            return False
        data = parent
        while data is not None and not self._is_data_loop(data):
            data = self.fn.loops[data].parent if 0 <= data < len(self.fn.loops) else None
        if data is None:
            return False  # the rows are the caller's (an anchored frame): built per call
        while written is not None:
            if written == data:
                return False  # built inside the loop over rows: a new queryset each time
            written = self.fn.loops[written].parent if 0 <= written < len(self.fn.loops) else None
        return True

    def in_data_loop(self, loop_id: int | None) -> bool:
        """The code at `loop_id` runs once per row of a query (here or in a caller)."""
        return self.loop_rows(loop_id) is not None

    def loop_rows(self, loop_id: int | None) -> Query | None:
        """The rows the code at `loop_id` runs once per row of: the innermost loop over query
        rows around it, else the caller's loop of an anchored frame; None when none."""
        while loop_id is not None:
            if self._is_data_loop(loop_id):
                return rows_of(self.loop_value(loop_id))
            loop_id = self.fn.loops[loop_id].parent if 0 <= loop_id < len(self.fn.loops) else None
        return self.anchor.rows if self.anchor is not None else None

    def _is_data_loop(self, loop_id: int) -> bool:
        known = self.data_loops.get(loop_id)
        if known is None:
            self.data_loops[loop_id] = False
            if 0 <= loop_id < len(self.fn.loops) and self.fn.loops[loop_id].kind == "while":
                return False  # `while pending:` tests the rows, it does not run once per row
            v = self.loop_value(loop_id)
            known = is_rows(v)
            self.data_loops[loop_id] = known
        return known

    def call_rows(self, sym: SCall) -> Query | None:
        """The rows a call runs once per row of (None: not in a loop over rows)."""
        if sym.loop is not None:
            return self.loop_rows(sym.loop)
        return self.anchor.rows if self.anchor is not None else None

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
                return self.element(self.loop_value(sym.loop), self.site(loop.span) if loop else None)  # type: ignore[union-attr]
            return self.element(self.eval(sym.of))  # type: ignore[union-attr]
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
            return merge_values([self.eval(o) for o in sym.options])  # type: ignore[union-attr]
        if t is SSeq:
            items = tuple(self.eval(e) for e in sym.elts)  # type: ignore[union-attr]
            return Seq(items, constant=True)
        if t is SDict:
            return Mapping(tuple((self.eval(k), self.eval(v)) for k, v in sym.items))  # type: ignore[union-attr]
        if t is SOp:
            if sym.op in ("Truth", "Compare"):  # type: ignore[union-attr]
                # before the operands: a `len()` tested against zero is reported as such
                cost_reports.zero_tests(self, sym)  # type: ignore[arg-type]
            values = [self.eval(o) for o in sym.operands]  # type: ignore[union-attr]
            if sym.op == "BoolOp" and values and all(type(v) is Query for v in values):  # type: ignore[union-attr]
                return merge_values(values)  # `self.get_base_queryset() or self.queryset`: one of them
            lib = libs.owner(values[0], self.orm) if sym.op == "BinOp" and len(values) == 2 else None  # type: ignore[union-attr]
            if lib is not None:
                found = lib.binop(self, sym.ops, values[0], values[1])  # type: ignore[union-attr]  # `Path(...) / "query.sql"`
                if found is not PASS:
                    return found
            return built_text(sym.op, sym.ops, values)  # type: ignore[union-attr]
        return UNKNOWN

    def _class_attribute(self, cls: str, name: str):
        """`self.queryset`: the class attribute a view (or a project base) sets, as written."""
        graph = self.a.project.callgraph
        canonical = graph.project_class(cls) or cls
        for c in graph.mro(canonical) or [canonical]:
            module = c.rpartition(".")[0]
            found = self.a.project.find_module(module)
            facts = next((k for k in found[1].classes if k.qualname == c), None) if found else None
            if facts is not None:
                for attr, value in facts.attributes:
                    if attr == name:
                        return value
        return None

    def _name(self, qual: str) -> object:
        names = self.a.names
        value = names.get(qual)
        if value is None:
            names[qual] = UNKNOWN  # a module constant built from itself
            value = names[qual] = self._resolve_name(qual)
        return value

    def _resolve_name(self, qual: str) -> object:
        model = self.orm.model(qual)
        if model is not None:
            return ModelRef(model.qualname)
        found = self.a.function(qual)
        if found is not None:
            return Func(found[1].qualname)
        value = self.a.module_value(qual)
        if value is not None:
            return value
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
            model = self.orm.models.get(obj.model)  # type: ignore[union-attr]
            lib = libs.owner(obj, self.orm)
            found = lib.model_attr(self, model, name, sym) if lib is not None and model is not None else PASS
            return UNKNOWN if found is PASS else found
        if t is External:
            qual = f"{obj.qual}.{name}"  # type: ignore[union-attr]
            model = self.orm.model(qual)
            if model is not None:
                return ModelRef(model.qualname)
            for lib in libs.libraries():
                found = lib.external_attr(self, obj.qual, name, site)  # type: ignore[union-attr]
                if found is not PASS:
                    return found
            return External(qual)
        if (t is Const and isinstance(obj.value, str) or t is Text) and name == "format":  # type: ignore[union-attr]
            return Bound(obj, name, site)
        if t is Instance:
            method = self.a.function(f"{obj.cls}.{name}")  # type: ignore[union-attr]
            if method is None:  # defined by a project base or mixin (`Filterable.filter_queryset`)
                graph = self.a.project.callgraph
                cls = graph.project_class(obj.cls)  # type: ignore[union-attr]
                found = graph.lookup(cls, name) if cls else None
                method = self.a.function(found) if found else None
            if method is not None:
                return Func(method[1].qualname, self_value=obj)
            attribute = self._class_attribute(obj.cls, name)  # type: ignore[union-attr]
            return self.eval(attribute) if attribute is not None else UNKNOWN
        if obj is UNKNOWN:
            for lib in libs.libraries():
                found = lib.unknown_attr(self, sym, name, site)
                if found is not PASS:
                    return found
            return UNKNOWN
        if t is Query:
            lib = libs.owner(obj, self.orm)
            found = lib.attr(self, obj, name, site) if lib is not None else PASS
            return Bound(obj, name, site) if found is PASS else found
        lib = libs.owner(obj, self.orm)
        if lib is not None:
            found = lib.attr(self, obj, name, site)
            return UNKNOWN if found is PASS else found
        return UNKNOWN

    def _lookup(self, sym: SAttr) -> object:
        """A template lookup: the attribute, called when it is a method."""
        value = self._attr(sym)
        t = type(value)
        if t is not Bound and t is not Func:
            return value
        loop = self.read_loops.get(id(sym))
        per_row = self.loop_rows(loop) if loop is not None else None
        site = self.site(sym.span)
        if t is Bound:
            return self.method(value, [], {}, SCall(sym, (), (), sym.span, loop), site, per_row)  # type: ignore[arg-type]
        return self.invoke(value, [], {}, site, per_row)  # type: ignore[arg-type]

    def _obj_attr(self, obj: Obj, name: str, sym: SAttr) -> object:
        model = self.orm.models.get(obj.model)
        if model is None:
            return UNKNOWN
        lib = libs.owner(obj, self.orm)
        found = lib.instance_attr(self, obj, model, name, sym) if lib is not None else PASS
        if found is not PASS:
            return found
        method = model.methods.get(name)
        if method is not None:
            qualname, kind = method
            if kind in ("property", "cached_property", "hybrid_property"):
                # a property read on each row runs its body once per row
                return self.invoke(Func(qualname, self_value=obj), [], {}, self.site(sym.span), obj.row_of)
            return Func(qualname, self_value=obj)
        return UNKNOWN

    def loaded_relation(self, obj: Obj, rel, framework: str) -> object:
        """A relation read on `obj` that its query loaded: no query, and what that load loaded
        further down comes with it."""
        if rel.target is None:
            return UNKNOWN
        prefix = rel.name + PATH_SEPARATOR
        sub = frozenset(p[len(prefix):] for p in obj.loaded if p.startswith(prefix))
        if rel.many:
            return Query(rel.target, framework, "related", None, loaded=sub, everything=obj.everything, via=rel, owner=obj, cached=True)
        return Obj(rel.target, loaded=sub, everything=obj.everything, row_of=obj.row_of, path=(*obj.path, rel.name), row_site=obj.row_site)

    def lazy_relation(self, obj: Obj, rel, site: Site, framework: str, untargeted: bool) -> object:
        """A relation read on `obj` that nothing loaded: one query per row when `obj` is a row
        of a query (`untargeted`: report it even when the related model is unknown)."""
        if obj.row_of is not None and (rel.target is not None or untargeted):
            cost_reports.n_plus_one(self, obj, rel, site)
            # one report per chain: what is read through it is not reported again
            if rel.many:
                return Query(rel.target or "", framework, "list", None, cached=True)
            return Obj(rel.target or "", everything=True, row_of=obj.row_of, path=(*obj.path, rel.name), row_site=obj.row_site)
        if rel.target is None:
            return UNKNOWN
        if rel.many:
            return Query(rel.target, framework, "list", None, cached=True, via=rel, owner=obj)
        return Obj(rel.target)

    def follow(self, model, rel_path: str) -> str | None:
        """The model a path of relations (`event__venue`) leads to from `model`."""
        current = model
        for part in rel_path.split(PATH_SEPARATOR):
            rel = current.relations.get(part) if current else None
            if rel is None or rel.target is None:
                return None
            current = self.orm.models.get(rel.target)
        return current.qualname if current else None

    # --- iteration and indexing -----------------------------------------------------------

    def element(self, value: object, row_site: Site | None = None) -> object:
        """One element of iterating `value`: a row of a query is an `Obj` that remembers it."""
        t = type(value)
        if t is Query:
            q: Query = value  # type: ignore[assignment]
            if q.rows != "objects" or q.kind in NOT_OBJECT_KINDS or not q.model:
                return UNKNOWN
            lib = libs.owner(q, self.orm)
            preseeded = lib.back_reference(self.orm, q.via) if lib is not None and q.via is not None else None
            row_of, path = q, ()
            if q.owner is not None and q.owner.row_of is not None and q.via is not None and not q.fresh:
                # rows of a relation of a row: their lazy reads are fixed on the outer query
                # (`prefetch_related("events__venue")`)
                row_of, path = q.owner.row_of, (*q.owner.path, q.via.name)
                row_site = q.owner.row_site
            return Obj(q.model, loaded=q.loaded, everything=q.everything, row_of=row_of, preseeded=preseeded, to_attr=q.to_attr, path=path, row_site=row_site)
        if t is Enumerated:
            return Seq((UNKNOWN, self.element(value.inner)), constant=False)  # type: ignore[union-attr]
        return UNKNOWN

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
                if key.lower is not None and type(self.eval(key.lower)) is not Const and not walks(key.lower):
                    obj = replace(obj, offset=self.site(sym.span))  # type: ignore[type-var]
                if key.upper is None:
                    return obj
                return replace(obj, bounded=True, page_size=_slice_size(self.eval(key.lower) if key.lower is not None else Const(0), self.eval(key.upper)))  # type: ignore[type-var]
            return single(obj)  # type: ignore[arg-type]
        if type(key) is not SSlice:
            self.eval(key)
        return UNKNOWN

    # --- calls ----------------------------------------------------------------------------

    def _call(self, sym: SCall) -> object:
        inherited = super_queryset(self, sym)  # `super().get_queryset(request)` in a ModelAdmin
        if inherited is not None:
            return inherited
        func = self.eval(sym.func)
        args = [self.eval(a) for a in sym.args]
        kwargs = {k: self.eval(v) for k, v in sym.kwargs}
        site = self.site(sym.span)
        if type(sym.func) is SAttr and sym.func.name == _PAGINATE and args and type(args[0]) is Query:  # type: ignore[union-attr]
            # DRF's `paginator.paginate_queryset(qs, request)`, on a view or any paginator
            # object the code builds: one page of the queryset's rows
            return replace(args[0], kind="list", bounded=True)
        if self.handler is not None and args and kwargs.get("many") == Const(True):
            cost_reports.every_row(self, args[0], site, "serialises")  # `EventSerializer(qs, many=True)`
            self._serialises(sym, args[0], site)
        per_row = self.call_rows(sym)
        t = type(func)
        if t is Bound:
            return self.method(func, args, kwargs, sym, site, per_row)  # type: ignore[arg-type]
        if t is Func:
            return self.invoke(func, args, kwargs, site, per_row)  # type: ignore[arg-type]
        if t is External:
            return self._external(func.qual, args, kwargs, sym, site, per_row)  # type: ignore[union-attr]
        if t is ModelRef:
            return Obj(func.model)  # type: ignore[union-attr]
        lib = libs.owner(func, self.orm)
        if lib is not None:
            found = lib.call(self, func, sym)
            if found is not PASS:
                return found
        if t is Query and func.owner is not None:  # type: ignore[union-attr]
            return UNKNOWN
        for lib in libs.libraries():
            found = lib.unknown_call(self, sym)
            if found is not PASS:
                return found
        return UNKNOWN

    def _external(self, qual: str, args: list, kwargs: dict, sym: SCall, site: Site, per_row: Query | None) -> object:
        if qual in rendering.RENDER_CALLS:
            rendering.render(self, qual, args, kwargs, site)
        if qual == _LEN and len(sym.args) == 1:
            cost_reports.count_by_len(self, sym, args[0], site, per_row)
        elif qual in PASS_ROWS and len(args) == 1 and qual != "builtins.iter":
            self.iterated(args[0], sym.span, sym.loop)  # `list(qs)` runs it, like a loop would
        if qual in PASS_ROWS:
            if args and type(args[0]) is Query:
                return replace(args[0], kind="list") if args[0].kind not in STATEMENT_KINDS else UNKNOWN
            if args:
                return UNKNOWN
        if qual == _ENUMERATE and args:
            return Enumerated(args[0])
        for lib in libs.libraries():
            found = lib.external(self, qual, args, kwargs, sym, site)
            if found is not PASS:
                return found
        return UNKNOWN

    def _serialises(self, sym: SCall, rows: object, site: Site) -> None:
        """`ChallengeSerializer(page, many=True)` in a handler: the serializer's fields read
        through each row (scalelint.project.class_views.serialise_each), once per place."""
        if not is_rows(rows) or type(sym.func) is not SName:
            return
        serializer = self.a.project.callgraph.project_class(sym.func.qual)  # type: ignore[union-attr]
        memo = self.a.library_memo("drf.inline_serializers")
        key = (self.root, serializer, site.path, site.span)
        if serializer is None or key in memo:
            return
        memo[key] = True
        from scalelint.project.class_views import serialise_each

        serialise_each(self.a, serializer, rows, self.root, self.handler, [(site, f"`{sym.func.qual.rsplit('.', 1)[-1]}` serialises each row here")])  # type: ignore[union-attr]

    def method(self, b: Bound, args: list, kwargs: dict, sym: SCall, site: Site, per_row: Query | None) -> object:
        """A method of a value called: the library that owns the value says what it does."""
        if b.name == "format" and type(b.recv) in (Const, Text):
            return Text(_FIELD.sub(HOLE, b.recv.value))  # type: ignore[union-attr]  # `"... {} ...".format(x)`
        lib = libs.owner(b.recv, self.orm)
        if lib is None:
            return UNKNOWN
        found = lib.method(self, b, args, kwargs, sym, site, per_row)
        return UNKNOWN if found is PASS else found

    def invoke(self, func: Func, args: list, kwargs: dict, site: Site, per_row: Query | None) -> object:
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
        carries_rows = any(is_rows(v) or (type(v) is Obj and v.row_of is not None) for v in binds)
        try:
            key: tuple | None = (fn.qualname, tuple(binds))
            hash(key)
        except TypeError:
            key = None
        if (per_row is not None or carries_rows or self.anchor is not None) and not self.silent:
            # what the function does, once per row of the caller's loop (a frame that only
            # computes a return value judges nothing: its body was judged where it runs)
            anchor = self.anchor
            if anchor is None and per_row is not None:
                anchor = Anchor(site, [], per_row)
            elif anchor is not None:
                anchor = Anchor(anchor.site, [*anchor.chain, (site, f"through `{fn.name}`")], anchor.rows)
            done = (key, anchor.site if anchor else None, self.handler) if key is not None else None
            if done is None or done not in self.a.bodies_done:
                if done is not None:
                    self.a.bodies_done.add(done)
                frame = self.nested(path, fn, binds, anchor)
                frame.cached = frame.cached or self.cached
                frame.notes = self.notes
                frame.handler = self.handler
                frame.evaluate_body()
        if key is not None and key in self.a.returns_memo:
            return self.a.returns_memo[key]
        if key is not None:
            self.a.returns_memo[key] = UNKNOWN  # recursion guard
        # only the value: what the body costs was judged above (or is judged where it is a root)
        returns = self.nested(path, fn, binds, None)
        returns.silent = True
        value = returns.evaluate_returns()
        if key is not None:
            self.a.returns_memo[key] = value
        return value


def built_text(op: str, ops: tuple[str, ...], values: list[object]) -> object:
    """The string an f-string, `a + b` or `"..." % args` builds (as `Text`, unknown parts as
    HOLE), when some part of it is known text; else UNKNOWN."""
    def part(v: object) -> str | None:
        if type(v) is Const and isinstance(v.value, str):  # type: ignore[union-attr]
            return v.value  # type: ignore[union-attr]
        return v.value if type(v) is Text else None  # type: ignore[union-attr]

    known = [part(v) for v in values]
    if all(k is None for k in known):
        return UNKNOWN
    if op == "JoinedStr" or (op == "BinOp" and ops == ("Add",)):
        return Text("".join(HOLE if k is None else k for k in known))
    if op == "BinOp" and ops == ("Mod",) and known[0] is not None:
        return Text(known[0])  # `"... %s" % args`: the DB-API's own parameter marks
    return UNKNOWN


def _within(span, lines: list[tuple[int, int]]) -> bool:
    line = getattr(span, "line", None)
    return line is not None and any(first <= line <= last for first, last in lines)
