"""The call graph: which project functions each function calls, and the request path.

Edges come from the calls each function makes (`FunctionFacts.uses`), resolved to project
functions the way Python would find them:

- a module function, imported or not, followed through re-exports (`helper()`, `utils.helper()`);
- a method on `self` / `cls`, looked up along the project classes' MRO, so an inherited project
  method counts; `super().x()` looks after the class that writes it;
- `Class(...)` runs the project `__init__` its MRO finds; `Class.method(...)`, `Class().method()`
  and `client.method()` on a module-level `client = Class(...)` run that class's method;
- a read of `self.x` where `x` is a project `@property` / `@cached_property` runs it.

Precision first: a call that cannot be resolved is no edge. A function passed as an argument is
not called (`send.delay(...)`, `queue.enqueue(f)`, `background_tasks.add_task(f)`,
`transaction.on_commit(f)`, `Thread(target=f)`, `executor.submit(f)`, `asyncio.to_thread(f)`,
`run_in_threadpool(f)`, `sync_to_async(f)`): only what is called is followed. Functions that a
task decorator wraps, CLI commands and Django management commands are never entered
(`frameworks.tasks`): they run in workers and terminals, not in requests.

The request path: every function reachable within `MAX_DEPTH` calls from a request handler
(`Project.handlers`, plus the hooks Django and DRF call on a wired class-based view and its
serializer), each with one shortest chain of call sites back to its handler (`Reach`), so a
rule reports the costly call deep down with notes that show how a request gets there. `self`
calls are dispatched on the class the handler is wired with, so a base view's `self.hook()`
finds the subclass's override.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

from scalelint.diagnostics import Related
from scalelint.facts import FunctionFacts, PythonFacts, SAttr, SCall, SName, SOneOf, SParam, Span, Sym, Unknown
from scalelint.frameworks import django as dj
from scalelint.frameworks import drf, tasks
from scalelint.project import is_non_production_path
from scalelint.project.counting import children
from scalelint.project.mro import linearise
from scalelint.project.names import follow

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.handlers import Handler

__all__ = ["CallGraph", "Call", "Root", "Reach", "ModuleValue", "MAX_DEPTH", "dotted", "call_sites", "children", "walk"]

MAX_DEPTH = 6  # calls followed from a handler
_MAX_CONTEXTS = 8  # classes one method is walked with (`self` dispatch), per function
_PROPERTY_DECORATORS = ("property", "cached_property")
_FRAMEWORK_NAMES = {"flask": "Flask", "quart": "Quart", "fastapi": "FastAPI", "starlette": "Starlette", "django": "Django", "drf": "DRF", "express": "Express"}
_KIND_NAMES = {
    "context-processor": "context processor",
    "template-tag": "template tag",
    "signal": "signal receiver",
    "serializer-method": "serializer method field",
}


@dataclass(frozen=True)
class Call:
    """One resolved call site: `caller` calls `callee` at `span` of `path` (the caller's file)."""

    caller: str
    callee: str
    path: str
    span: Span  # the call; for a property, the attribute read
    kind: str  # function | method | init | super | property
    caller_name: str = ""  # short names for messages: `charge`, `Cart.total`
    callee_name: str = ""


@dataclass(frozen=True)
class Root:
    """Where the request path starts: a handler, or a hook the framework calls on a view."""

    qualname: str
    path: str
    label: str  # "`checkout` (a Flask route)"
    framework: str
    kind: str  # the handler kind, or "hook"
    is_async: bool
    context: str | None = None  # the class `self` is, for methods of class-based views
    wired: tuple[str, int] | None = None  # (file, line) where another file wires it (urls.py, settings.py)


@dataclass(frozen=True)
class Reach:
    """How a request reaches a function: its root and the call sites from the root down to it."""

    root: Root
    chain: tuple[Call, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.chain)

    def describe(self) -> str:
        """`in `checkout` (a Flask route)` / `on the request path of `checkout` (a Flask route)`."""
        return f"in {self.root.label}" if not self.chain else f"on the request path of {self.root.label}"

    def related(self) -> list[Related]:
        """Notes from the handler down to the function: where it is wired (when another file
        wires it), then each call site of the chain."""
        notes: list[Related] = []
        if self.root.wired is not None:
            notes.append(Related(self.root.wired[0], self.root.wired[1], f"{self.root.label} is wired here"))
        for i, call in enumerate(self.chain):
            who = self.root.label if i == 0 else f"`{call.caller_name}`"
            notes.append(Related(call.path, call.span.line, f"{who} calls `{call.callee_name}` here"))
        return notes


class ModuleValue(NamedTuple):
    """A module-level `name = callee(...)`: the callee qualified, the value as written."""

    callee: str
    text: str
    path: str
    span: Span  # the assigned name
    name: str


@dataclass(frozen=True)
class _Edge:
    """A call a function makes, resolved as far as it can be without knowing `self`'s class."""

    span: Span
    kind: str  # function | method | init | super | property | self (dispatch on self) | super
    target: str | None = None  # resolved callee (function, method, init)
    context: str | None = None  # the class the callee runs with
    method: str | None = None  # self/super/property dispatch: the name to look up


def dotted(sym: Sym) -> str | None:
    """`SAttr(SAttr(SName("app"), "utils"), "helper")` -> "app.utils.helper"; None otherwise."""
    parts: list[str] = []
    while type(sym) is SAttr:
        parts.append(sym.name)  # type: ignore[union-attr]
        sym = sym.obj  # type: ignore[union-attr]
    if type(sym) is not SName:
        return None
    parts.append(sym.qual)  # type: ignore[union-attr]
    return ".".join(reversed(parts))


def walk(fn: FunctionFacts) -> Iterator[Sym]:
    """Every symbolic node the function's statements and loops evaluate, each object once
    (locals are substituted, so one call can sit in many statements' trees)."""
    seen: set[int] = set()
    stack: list[Sym] = [loop.iter for loop in reversed(fn.loops)] + [u.sym for u in reversed(fn.uses)]
    while stack:
        sym = stack.pop()
        if id(sym) in seen:
            continue
        seen.add(id(sym))
        yield sym
        stack.extend(reversed(list(children(sym))))


def call_sites(fn: FunctionFacts) -> list[SCall]:
    """Every call the function writes, once per call site (by span), in source order."""
    found: dict[tuple[int, int, int, int], SCall] = {}
    for sym in walk(fn):
        if type(sym) is SCall:
            s = sym.span  # type: ignore[union-attr]
            found.setdefault((s.line, s.column, s.end_line, s.end_column), sym)  # type: ignore[arg-type]
    return [found[k] for k in sorted(found)]


def is_test_support(py: PythonFacts) -> bool:
    """A module outside the test directories that imports pytest: a pytest plugin, fixtures,
    test helpers. Not production code."""
    return any(m == "pytest" or m.startswith(("pytest.", "_pytest")) for m in py.imported_modules)


def short_name(fn: FunctionFacts) -> str:
    if fn.class_name:
        return f"{fn.class_name.rsplit('.', 1)[-1]}.{fn.name}"
    return fn.name


def handler_label(handler: "Handler", name: str) -> str:
    framework = _FRAMEWORK_NAMES.get(handler.framework, handler.framework)
    article = "an" if framework[:1] in "AEIOU" else "a"
    return f"`{name}` ({article} {framework} {_KIND_NAMES.get(handler.kind, handler.kind)})"


class CallGraph:
    """The project's production functions and the calls between them (see the module doc)."""

    def __init__(self, project: "Project"):
        self.project = project
        self.functions: dict[str, tuple[str, FunctionFacts]] = {}
        self.every: list[tuple[str, FunctionFacts]] = []  # every production function, qualnames repeated or not
        self.methods: dict[str, dict[str, str]] = {}  # class -> method name -> qualname (defined there)
        self._bases: dict[str, tuple[str, ...]] = {}  # class -> bases as the facts write them
        for path, facts in sorted(project.files.items()):
            py = facts.python
            if py is None or is_non_production_path(path) or is_test_support(py):
                continue
            for fn in py.functions:
                self.every.append((path, fn))
                if fn.qualname in self.functions:
                    continue  # a module with no importable name (`sync-data.py`) repeats qualnames
                self.functions[fn.qualname] = (path, fn)
                if fn.class_name:
                    self.methods.setdefault(fn.class_name, {}).setdefault(fn.name, fn.qualname)
            for c in py.classes:
                self._bases.setdefault(c.qualname, c.bases)
            for m in py.models:
                if m.kind == "class":
                    self._bases.setdefault(m.qualname, m.bases)
        self._edges: dict[str, list[_Edge]] = {}
        self._mro: dict[str, list[str]] = {}
        self._class_cache: dict[str, str | None] = {}
        self._callee_cache: dict[str, tuple[str, str | None, str] | None] = {}
        self._paths: dict[tuple, dict[str, Reach]] = {}
        self._callers: dict[str, list[Call]] | None = None
        self._values: dict[str, ModuleValue | None] = {}

    # --- functions and classes ------------------------------------------------------------

    def function(self, qualname: str) -> tuple[str, FunctionFacts] | None:
        """(path, facts) of a production function, by its qualname or a name that re-exports it."""
        return self.functions.get(qualname) or self.functions.get(self.project.resolve(qualname) or "")

    def project_class(self, qual: str) -> str | None:
        """The canonical name of the project class `qual` names (one with methods or bases)."""
        if qual in self._class_cache:
            return self._class_cache[qual]
        found: str | None = None
        if qual in self.methods or qual in self._bases:
            found = qual
        else:
            target = follow(self.project, qual).qual
            if target in self.methods or target in self._bases:
                found = target
        self._class_cache[qual] = found
        return found

    def mro(self, cls: str) -> list[str]:
        """`cls` and its project ancestors, in C3 order (bases in the order written when the
        hierarchy is inconsistent); framework bases are left out."""
        return linearise(cls, self._project_bases, self._mro)

    def _project_bases(self, cls: str) -> list[str]:
        return [b for b in (self.project_class(w) for w in self._bases.get(cls, ())) if b is not None]

    def lookup(self, cls: str, name: str, after: str | None = None) -> str | None:
        """The method `name` an instance of `cls` runs (the first project definition along the
        MRO; with `after`, only classes after that one: `super()`)."""
        order = self.mro(cls)
        if after is not None:
            if after not in order:
                return None
            order = order[order.index(after) + 1 :]
        for c in order:
            q = self.methods.get(c, {}).get(name)
            if q is not None:
                return q
        return None

    def module_value(self, qual: str) -> ModuleValue | None:
        """What a module-level `NAME = callee(...)` that `qual` names is built by, the callee
        qualified through that module's imports (`http = requests.Session()` -> "requests.Session")."""
        if qual in self._values:
            return self._values[qual]
        self._values[qual] = None
        target = follow(self.project, qual)
        module, _, name = target.qual.rpartition(".")
        found = self.project.find_module(module) if target.status == "defined" else None
        assignment = next((a for a in reversed(found[1].assignments) if a.name == name), None) if found else None
        if found is None or assignment is None or type(assignment.value) is not Unknown:
            return None
        facts = found[1]
        text = assignment.value.text.strip()  # type: ignore[union-attr]
        callee, paren, _ = text.partition("(")
        callee = callee.strip()
        if not paren or not callee or not all(p.isidentifier() for p in callee.split(".")):
            return None
        head, dot, rest = callee.partition(".")
        imported = dict(facts.imports).get(head)
        if imported is not None:
            qualified = imported + dot + rest
        elif self.project_class(f"{facts.module}.{head}") is not None or f"{facts.module}.{head}" in self.functions:
            qualified = f"{facts.module}.{callee}"
        else:
            return None
        value = ModuleValue(qualified, text, found[0], assignment.span, name)
        self._values[qual] = value
        return value

    def source(self, path: str) -> str | None:
        """The text of a project file (for what function facts do not hold: module-level code)."""
        return self.project.source(path)

    # --- edges ----------------------------------------------------------------------------

    def _binds_self(self, fn: FunctionFacts) -> bool:
        return bool(fn.class_name and fn.params) and not any(d.rsplit(".", 1)[-1] == "staticmethod" for d in fn.decorators)

    def _callee(self, qual: str) -> tuple[str, str | None, str] | None:
        """What calling the name `qual` runs: (function, class it runs with, kind)."""
        if qual in self._callee_cache:
            return self._callee_cache[qual]
        self._callee_cache[qual] = None
        hit: tuple[str, str | None, str] | None = None
        found = self.function(qual)
        if found is not None:
            fn = found[1]
            hit = (fn.qualname, fn.class_name, "method" if fn.class_name else "function")
        else:
            cls = self.project_class(qual)
            if cls is not None:
                init = self.lookup(cls, "__init__")
                hit = (init, cls, "init") if init is not None else None
            elif "." in qual:
                owner, _, name = qual.rpartition(".")
                cls = self.project_class(owner)
                if cls is None:
                    # `client.fetch()` on a module-level `client = ApiClient(...)`
                    value = self.module_value(owner)
                    cls = self.project_class(value.callee) if value is not None else None
                method = self.lookup(cls, name) if cls is not None else None
                if method is not None:
                    hit = (method, cls, "method")
        self._callee_cache[qual] = hit
        return hit

    def _resolve(self, fn: FunctionFacts, func: Sym, span: Span) -> list[_Edge]:
        t = type(func)
        if t is SOneOf:
            return [e for option in func.options for e in self._resolve(fn, option, span)]  # type: ignore[union-attr]
        if t is SAttr:
            obj = func.obj  # type: ignore[union-attr]
            name = func.name  # type: ignore[union-attr]
            if type(obj) is SParam and obj.index == 0 and self._binds_self(fn):  # type: ignore[union-attr]
                return [_Edge(span, "self", method=name)]
            if type(obj) is SCall:
                inner = obj.func  # type: ignore[union-attr]
                if type(inner) is SName and inner.qual == "builtins.super":  # type: ignore[union-attr]
                    return [_Edge(span, "super", method=name)] if fn.class_name else []
                cls_name = dotted(inner)
                cls = self.project_class(cls_name) if cls_name is not None else None
                method = self.lookup(cls, name) if cls is not None else None
                return [_Edge(span, "method", method, cls)] if method is not None else []
        qual = dotted(func)
        if qual is None:
            return []
        hit = self._callee(qual)
        if hit is None:
            return []
        target, cls, kind = hit
        return [_Edge(span, kind, target, cls)]

    def edges(self, qualname: str) -> list[_Edge]:
        hit = self._edges.get(qualname)
        if hit is not None:
            return hit
        found = self.functions.get(qualname)
        out: list[_Edge] = []
        if found is not None:
            fn = found[1]
            for call in call_sites(fn):
                out.extend(self._resolve(fn, call.func, call.span))
            if self._binds_self(fn):
                nodes = list(walk(fn))
                called = {id(sym.func) for sym in nodes if type(sym) is SCall}  # type: ignore[union-attr]
                for sym in nodes:
                    if type(sym) is SAttr and id(sym) not in called and type(sym.obj) is SParam and sym.obj.index == 0:  # type: ignore[union-attr]
                        out.append(_Edge(sym.span, "property", method=sym.name))  # type: ignore[union-attr]
        self._edges[qualname] = out
        return out

    def _targets(self, fn: FunctionFacts, edge: _Edge, context: str | None) -> list[tuple[str, str | None]]:
        if edge.target is not None:
            return [(edge.target, edge.context)]
        cls = context or fn.class_name
        if cls is None or edge.method is None:
            return []
        if edge.kind == "super":
            target = self.lookup(cls, edge.method, after=fn.class_name)
        else:
            target = self.lookup(cls, edge.method)
        if target is None:
            return []
        if edge.kind == "property":
            decorators = self.functions[target][1].decorators
            if not any(d.rsplit(".", 1)[-1] in _PROPERTY_DECORATORS for d in decorators):
                return []
        return [(target, cls)]

    def _call(self, caller: FunctionFacts, path: str, edge: _Edge, callee: str) -> Call:
        kind = {"self": "method"}.get(edge.kind, edge.kind)
        return Call(caller.qualname, callee, path, edge.span, kind, short_name(caller), short_name(self.functions[callee][1]))

    def calls(self, qualname: str) -> list[Call]:
        """The project functions `qualname` calls, one per call site and callee, `self` taken
        as the class that defines the method."""
        found = self.functions.get(qualname)
        if found is None:
            return []
        path, fn = found
        out = []
        for edge in self.edges(qualname):
            for callee, _ in self._targets(fn, edge, None):
                out.append(self._call(fn, path, edge, callee))
        return out

    def callers(self, qualname: str) -> list[Call]:
        if self._callers is None:
            index: dict[str, list[Call]] = {}
            for q in self.functions:
                for call in self.calls(q):
                    index.setdefault(call.callee, []).append(call)
            self._callers = index
        return self._callers.get(qualname, [])

    # --- the request path -----------------------------------------------------------------

    def is_background(self, path: str, fn: FunctionFacts) -> bool:
        """A task, a CLI command or a management command: never part of a request."""
        return tasks.is_management_command(path) or any(tasks.is_background_decorator(d) for d in fn.decorators)

    @cached_property
    def roots(self) -> list[Root]:
        """Every root of the request path: handlers with a body in the project, and the hooks
        Django and DRF call on wired class-based views and their serializers."""
        out: dict[tuple[str, str | None], Root] = {}
        try:
            handlers = self.project.handlers
        except RecursionError:  # a generated hierarchy deeper than the handler model walks
            return []
        view_classes: dict[str, "Handler"] = {}
        for h in handlers.all:
            if h.view_class and h.framework in ("django", "drf"):
                view_classes.setdefault(h.view_class, h)
            found = self.functions.get(h.qualname)
            if found is None or h.implicit:
                continue
            path, fn = found
            wired = (h.wired_at, h.span.line) if h.wired_at and h.wired_at != path else None
            name = f"{h.view_class.rsplit('.', 1)[-1]}.{fn.name}" if h.view_class else short_name(fn)
            root = Root(fn.qualname, path, handler_label(h, name), h.framework, h.kind, fn.is_async, h.view_class or fn.class_name, wired)
            out.setdefault((root.qualname, root.context), root)
        for cls, h in sorted(view_classes.items()):
            view = handlers.class_view(cls)
            hooks = drf.VIEW_HOOKS if h.framework == "drf" else dj.VIEW_HOOKS
            self._hooks(out, cls, cls, hooks, h, f"{_FRAMEWORK_NAMES[h.framework]} calls it on each request to `{cls.rsplit('.', 1)[-1]}`")
            serializer = self.project_class(view.serializer) if view is not None and view.serializer else None
            if serializer is not None:
                names = set(drf.SERIALIZER_HOOKS)
                for c in self.mro(serializer):
                    names.update(n for n in self.methods.get(c, {}) if n.startswith(drf.SERIALIZER_FIELD_VALIDATOR_PREFIX))
                self._hooks(out, serializer, serializer, frozenset(names), h, f"DRF runs it for the serializer of `{cls.rsplit('.', 1)[-1]}`")
        return sorted(out.values(), key=lambda r: (r.path, self.functions[r.qualname][1].span.line, r.qualname, r.context or ""))

    def _hooks(self, out: dict, cls: str, context: str, names: frozenset[str], h: "Handler", whose: str) -> None:
        for name in sorted(names):
            q = self.lookup(cls, name)
            if q is None or (q, context) in out:
                continue
            path, fn = self.functions[q]
            label = f"`{cls.rsplit('.', 1)[-1]}.{name}` ({whose})"
            out[(q, context)] = Root(q, path, label, h.framework, "hook", fn.is_async, context)

    def request_path(
        self,
        *,
        roots: Callable[[Root], bool] | None = None,
        stop: Callable[[str, FunctionFacts], bool] | None = None,
        key: str = "",
        depth: int = MAX_DEPTH,
        staff: bool | None = None,
    ) -> dict[str, "Reach"]:
        """qualname -> how a request reaches it, for every function within `depth` calls of a
        root (`roots` filters the roots); `stop(path, fn)` keeps a function (and what only it
        leads to) out. Results are cached under `key` (give one with `roots`/`stop`).

        Staff-only roots (Django admin, staff-guarded views: `project.reach`) run for a handful
        of people, so they are left out unless `staff` is True, or the project's `scope` is
        "all" and `staff` is not False."""
        if staff is None:
            staff = self.project.settings.scope == "all"
        cache_key = (key, depth, staff)
        hit = self._paths.get(cache_key)
        if hit is not None:
            return hit
        if not staff:
            staff_only = self.project.reaches.staff_only
            keep = roots
            roots = lambda root: not staff_only(root) and (keep is None or keep(root))  # noqa: E731
        best: dict[str, Reach] = {}
        seen: set[tuple[str, str | None]] = set()
        contexts: dict[str, int] = {}
        queue: deque[tuple[str, str | None, Reach]] = deque()
        for root in self.roots:
            if roots is not None and not roots(root):
                continue
            path, fn = self.functions[root.qualname]
            if stop is not None and stop(path, fn):
                continue
            state = (root.qualname, root.context)
            if state in seen:
                continue
            seen.add(state)
            reach = Reach(root)
            best.setdefault(root.qualname, reach)
            queue.append((root.qualname, root.context, reach))
        while queue:
            q, context, reach = queue.popleft()
            if reach.depth >= depth:
                continue
            path, fn = self.functions[q]
            for edge in self.edges(q):
                for callee, callee_context in self._targets(fn, edge, context):
                    state = (callee, callee_context)
                    if state in seen or contexts.get(callee, 0) >= _MAX_CONTEXTS:
                        continue
                    seen.add(state)
                    callee_path, callee_fn = self.functions[callee]
                    if self.is_background(callee_path, callee_fn) or (stop is not None and stop(callee_path, callee_fn)):
                        continue
                    contexts[callee] = contexts.get(callee, 0) + 1
                    step = Reach(reach.root, (*reach.chain, self._call(fn, path, edge, callee)))
                    best.setdefault(callee, step)
                    queue.append((callee, callee_context, step))
        self._paths[cache_key] = best
        return best

    def reach(self, qualname: str) -> Reach | None:
        """How a request reaches `qualname` (None: not on the request path)."""
        return self.request_path().get(qualname)
