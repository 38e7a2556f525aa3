"""Edge resolution for the call graph: which project function each call site of a function runs.

A call is resolved the way Python would find it:

- a module function, imported or not, followed through re-exports (`helper()`, `utils.helper()`);
- a method on `self` / `cls`, looked up along the MRO of the class `self` is (the walk of the
  request path passes the class a view is wired with); `super().x()` looks after the class that
  writes it; a `self.x()` that is no method calls what `self.x` holds (a factory a view was given);
- `Class(...)` runs the project `__init__` its MRO finds; `Class.method(...)`, `Class().method()`;
- `obj.method()` on any object whose class the type inference (`project.types`) knows: a module
  singleton, a module attribute, `self.repo`, an injected `Depends` service, a model instance
  a query returned, a form or serializer a view built; framework-run methods of such objects
  (`project.hooks`) are edges too;
- a read of `x.name` where `name` is a project `@property` of `x`'s class runs it;
- a function a project decorator wraps runs the functions the decorator defines (`wrapper`, a
  decorator factory's inner ones), also for a Flask class-based view's `decorators = [...]`.

Precision first: a call that cannot be resolved is no edge, and a method is only looked up on a
class the receiver is known to be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from scalelint.facts import Choice, FunctionFacts, SAttr, SCall, SName, SOneOf, SParam, Span, SSeq, Sym, Unknown
from scalelint.frameworks import pluggy
from scalelint.project.names import follow
from scalelint.project.types import CLASS, FUNCTION, INSTANCE, Value, binds_self, dotted

if TYPE_CHECKING:
    from scalelint.project.callgraph import CallGraph

__all__ = ["Edge", "Edges", "ModuleValue"]

_PROPERTY_DECORATORS = ("property", "cached_property")
_CLASS_DECORATORS = ("decorators", "method_decorators")  # Flask MethodView / Flask-RESTful Resource


class ModuleValue(NamedTuple):
    """A module-level `name = callee(...)`: the callee qualified, the value as written."""

    callee: str
    text: str
    path: str
    span: Span  # the assigned name
    name: str


@dataclass(frozen=True)
class Edge:
    """A call a function makes, resolved as far as it can be without knowing `self`'s class."""

    span: Span
    # function | method | init | super | property | hook | decorator: resolved or looked up on `self`;
    # self: a method of `self`; typed / typed-property: a method / property of what `sym` is;
    # plugin: `sym.hook.<method>(...)`
    kind: str
    target: str | None = None  # resolved callee (function, method, init, hook)
    context: str | None = None  # the class the callee runs with
    method: str | None = None  # self/super/property/typed dispatch: the name to look up
    sym: Sym | None = None  # typed: the receiver; plugin: the plugin manager


class Edges:
    """The edges of each function and their targets (see the module doc)."""

    def __init__(self, graph: "CallGraph"):
        self.g = graph
        self._edges: dict[str, list[Edge]] = {}
        self._callee_cache: dict[str, tuple[str, str | None, str] | None] = {}
        self._values: dict[str, ModuleValue | None] = {}
        self._names: tuple[frozenset[str], frozenset[str]] | None = None
        self._inner: dict[str, list[str]] | None = None  # function -> the functions defined in it
        self._decorators: dict[str, list[str]] | None = None  # class -> its `decorators = [...]`

    # --- module-level values --------------------------------------------------------------

    def module_value(self, qual: str) -> ModuleValue | None:
        """What a module-level `NAME = callee(...)` that `qual` names is built by, the callee
        qualified through that module's imports (`http = requests.Session()` -> "requests.Session")."""
        if qual in self._values:
            return self._values[qual]
        self._values[qual] = None
        project = self.g.project
        target = follow(project, qual)
        module, _, name = target.qual.rpartition(".")
        found = project.find_module(module) if target.status == "defined" else None
        assignment = next((a for a in reversed(found[1].assignments) if a.name == name), None) if found else None
        built = assignment.value if assignment is not None else None
        if type(built) is Choice:
            # `Logger() if ENABLED else None`: the object, where there is one (None has no methods to call)
            built = next((o for o in built.options if type(o) is Unknown), None)  # type: ignore[union-attr]
        if found is None or assignment is None or type(built) is not Unknown:
            return None
        facts = found[1]
        text = built.text.strip()  # type: ignore[union-attr]
        callee, paren, _ = text.partition("(")
        callee = callee.strip()
        if not paren or not callee or not all(p.isidentifier() for p in callee.split(".")):
            return None
        head, dot, rest = callee.partition(".")
        imported = dict(facts.imports).get(head)
        if imported is not None:
            qualified = imported + dot + rest
        elif self.g.project_class(f"{facts.module}.{head}") is not None or f"{facts.module}.{head}" in self.g.functions:
            qualified = f"{facts.module}.{callee}"
        else:
            return None
        value = ModuleValue(qualified, text, found[0], assignment.span, name)
        self._values[qual] = value
        return value

    # --- edges ----------------------------------------------------------------------------

    def _callee(self, qual: str) -> tuple[str, str | None, str] | None:
        """What calling the name `qual` runs: (function, class it runs with, kind)."""
        if qual in self._callee_cache:
            return self._callee_cache[qual]
        self._callee_cache[qual] = None
        g = self.g
        hit: tuple[str, str | None, str] | None = None
        found = g.function(qual)
        if found is not None:
            fn = found[1]
            hit = (fn.qualname, fn.class_name, "method" if fn.class_name else "function")
        else:
            cls = g.project_class(qual)
            if cls is not None:
                init = g.lookup(cls, "__init__")
                hit = (init, cls, "init") if init is not None else None
            elif "." in qual:
                owner, _, name = qual.rpartition(".")
                cls = g.project_class(owner)
                if cls is None:
                    # `client.fetch()` on a module-level `client = ApiClient(...)`
                    value = self.module_value(owner)
                    cls = g.project_class(value.callee) if value is not None else None
                method = g.lookup(cls, name) if cls is not None else None
                if method is not None:
                    hit = (method, cls, "method")
        self._callee_cache[qual] = hit
        return hit

    def _resolve(self, fn: FunctionFacts, func: Sym, span: Span) -> list[Edge]:
        t = type(func)
        if t is SOneOf:
            return [e for option in func.options for e in self._resolve(fn, option, span)]  # type: ignore[union-attr]
        if t is SAttr:
            obj = func.obj  # type: ignore[union-attr]
            name = func.name  # type: ignore[union-attr]
            if type(obj) is SParam and obj.index == 0 and binds_self(fn):  # type: ignore[union-attr]
                return [Edge(span, "self", method=name)]
            if type(obj) is SCall:
                inner = obj.func  # type: ignore[union-attr]
                if type(inner) is SName and inner.qual == "builtins.super":  # type: ignore[union-attr]
                    return [Edge(span, "super", method=name)] if fn.class_name else []
            if type(obj) is SAttr and obj.name == pluggy.HOOK_ATTRIBUTE:  # type: ignore[union-attr]
                return [Edge(span, "plugin", method=name, sym=obj.obj)]  # type: ignore[union-attr]
        qual = dotted(func)
        if qual is not None:
            hit = self._callee(qual)
            if hit is not None:
                target, cls, kind = hit
                out = [Edge(span, kind, target, cls)]
                if kind == "init":
                    out.extend(Edge(span, "hook", q, c) for q, c in self.g.hooks.on_build(cls))  # type: ignore[arg-type]
                return out
            cls = self.g.project_class(qual)
            if cls is not None:  # a class with no project `__init__`: what the framework runs when it is built
                return [Edge(span, "hook", q, c) for q, c in self.g.hooks.on_build(cls)]
        if t is SAttr and func.name in self._names_worth_typing()[0]:  # type: ignore[union-attr]
            return [Edge(span, "typed", method=func.name, sym=func.obj)]  # type: ignore[union-attr]
        return []

    def _names_worth_typing(self) -> tuple[frozenset[str], frozenset[str]]:
        """(method names, property names) some project class defines, plus the framework
        methods that run project hooks: a call or read of any other name cannot reach a project
        function through its receiver, so its receiver is never typed."""
        if self._names is None:
            from scalelint.frameworks import django as dj
            from scalelint.frameworks import wtforms

            methods: set[str] = set(wtforms.VALIDATE_METHODS | dj.FORM_VALIDATE_METHODS | {"is_valid"})
            properties: set[str] = set()
            for _, fn in self.g.functions.values():
                if fn.class_name:
                    if any(d.rsplit(".", 1)[-1] in _PROPERTY_DECORATORS for d in fn.decorators):
                        properties.add(fn.name)
                    else:
                        methods.add(fn.name)
            self._names = (frozenset(methods), frozenset(properties))
        return self._names

    def edges(self, qualname: str) -> list[Edge]:
        hit = self._edges.get(qualname)
        if hit is not None:
            return hit
        from scalelint.project.callgraph import call_sites, walk

        found = self.g.functions.get(qualname)
        out: list[Edge] = []
        if found is not None:
            fn = found[1]
            for call in call_sites(fn):
                out.extend(self._resolve(fn, call.func, call.span))
            out.extend(Edge(fn.span, "decorator", q, None) for q in self._wrappers(found[0], fn))
            nodes = list(walk(fn))
            called = {id(sym.func) for sym in nodes if type(sym) is SCall}  # type: ignore[union-attr]
            own = binds_self(fn)
            properties = self._names_worth_typing()[1]
            for sym in nodes:
                if type(sym) is not SAttr or id(sym) in called:
                    continue
                obj = sym.obj  # type: ignore[union-attr]
                if type(obj) is SParam and obj.index == 0 and own:  # type: ignore[union-attr]
                    out.append(Edge(sym.span, "property", method=sym.name))  # type: ignore[union-attr]
                elif sym.name in properties:  # type: ignore[union-attr]
                    out.append(Edge(sym.span, "typed-property", method=sym.name, sym=obj))  # type: ignore[union-attr]
        self._edges[qualname] = out
        return out

    def wrappers(self, path: str, fn: FunctionFacts) -> list[str]:
        """The functions that wrap `fn` each time it is called (its project decorators' inner functions)."""
        return self._wrappers(path, fn)

    def _wrappers(self, path: str, fn: FunctionFacts) -> list[str]:
        """The functions a project decorator of `fn` defines inside it (`wrapper`, and a
        decorator factory's `decorator.wrapper`): they run each time `fn` is called."""
        out: list[str] = []
        for d in (*fn.decorators, *self._class_decorators(fn.class_name)):
            name = d.split("(", 1)[0]
            found = self.g.function(name)
            if found is None and name and "." not in name:  # a decorator of the same module is written as is
                module = self.g.project.files[path].python.module  # type: ignore[union-attr]
                found = self.g.function(f"{module}.{name}")
            if found is not None and not found[1].class_name:
                out.extend(self._nested(found[1].qualname, 2))
        return out

    def _class_decorators(self, cls: str | None) -> list[str]:
        """A class-based view's `decorators = [...]` (Flask applies them to every request of
        the view) as qualified names."""
        if cls is None:
            return []
        if self._decorators is None:
            table: dict[str, list[str]] = {}
            for c in self.g.class_facts.values():
                for name, value in c.attributes:
                    if name in _CLASS_DECORATORS and type(value) is SSeq:
                        items = (e.func if type(e) is SCall else e for e in value.elts)  # type: ignore[union-attr]
                        table.setdefault(c.qualname, []).extend(q for q in map(dotted, items) if q is not None)
            self._decorators = table
        return [d for c in self.g.mro(cls) for d in self._decorators.get(c, ())]

    def _nested(self, qualname: str, depth: int) -> list[str]:
        if self._inner is None:
            table: dict[str, list[str]] = {}
            for q, (_, f) in self.g.functions.items():
                parent = q.rpartition(".")[0]
                if not f.class_name and parent in self.g.functions:
                    table.setdefault(parent, []).append(q)
            self._inner = table
        out: list[str] = []
        for q in self._inner.get(qualname, ()):
            out.append(q)
            if depth > 1:
                out.extend(self._nested(q, depth - 1))
        return out

    # --- targets --------------------------------------------------------------------------

    def targets(self, fn: FunctionFacts, edge: Edge, context: str | None) -> list[tuple[str, str | None]]:
        """(callee, class it runs with) of `edge`, `self` an instance of `context` (default:
        the class that defines `fn`)."""
        if edge.target is not None:
            return [(edge.target, edge.context)]
        g = self.g
        kind = edge.kind
        if kind in ("typed", "typed-property", "plugin"):
            return self._typed(fn, edge, context)
        cls = context or fn.class_name
        if cls is None or edge.method is None:
            return []
        if kind == "super":
            target = g.lookup(cls, edge.method, after=fn.class_name)
        else:
            target = g.lookup(cls, edge.method)
        if target is None:
            if kind == "self":  # `self.factory()`: what the attribute holds
                return self._called(g.types.attribute(Value(INSTANCE, cls), edge.method))
            return []
        if kind == "property" and not _is_property(g.functions[target][1]):
            return []
        return [(target, cls)]

    def _typed(self, fn: FunctionFacts, edge: Edge, context: str | None) -> list[tuple[str, str | None]]:
        g = self.g
        method = edge.method
        values = g.types.of(fn, edge.sym, context)  # type: ignore[arg-type]
        out: list[tuple[str, str | None]] = []
        for kind, cls in sorted(values):
            if kind not in (INSTANCE, CLASS):
                continue
            if edge.kind == "plugin":
                if kind == INSTANCE and g.hooks.is_plugin_manager(cls):
                    out.extend((q, g.functions[q][1].class_name) for q in g.hooks.plugin_hooks(method))  # type: ignore[arg-type]
                continue
            target = g.lookup(cls, method)  # type: ignore[arg-type]
            if edge.kind == "typed-property":
                if kind == INSTANCE and target is not None and _is_property(g.functions[target][1]):
                    out.append((target, cls))
            elif target is not None:
                out.append((target, cls))
            elif kind == INSTANCE:
                out.extend((q, cls) for q in g.hooks.on_call(cls, method))  # type: ignore[arg-type]
        return list(dict.fromkeys(out))

    def _called(self, values) -> list[tuple[str, str | None]]:
        """What calling an attribute's value runs: a function, or a class's `__init__` and hooks."""
        out: list[tuple[str, str | None]] = []
        for kind, name in sorted(values):
            if kind == FUNCTION:
                out.append((name, self.g.functions[name][1].class_name))
            elif kind == CLASS:
                init = self.g.lookup(name, "__init__")
                if init is not None:
                    out.append((init, name))
                out.extend(self.g.hooks.on_build(name))
        return out


def _is_property(fn: FunctionFacts) -> bool:
    return any(d.rsplit(".", 1)[-1] in _PROPERTY_DECORATORS for d in fn.decorators)
