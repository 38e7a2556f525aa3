"""The call graph: which project functions each function calls, and the request path.

Edges come from the calls each function makes (`FunctionFacts.uses`), resolved to project
functions the way Python would find them (`project.edges`, with the light type inference of
`project.types` for receivers: module singletons, `self.repo`, injected services, model
instances a query returned; and the methods frameworks run on forms, serializers and plugin
managers, `project.hooks`).

Precision first: a call that cannot be resolved is no edge. A function passed as an argument is
not called (`send.delay(...)`, `queue.enqueue(f)`, `background_tasks.add_task(f)`,
`transaction.on_commit(f)`, `Thread(target=f)`, `executor.submit(f)`, `asyncio.to_thread(f)`,
`run_in_threadpool(f)`, `sync_to_async(f)`): only what is called is followed. CLI commands and
Django management commands are never entered: they run in terminals, not in requests. A task
function *called directly* (not through `.delay(...)`) runs in the caller, so the request path
enters it, except a Huey task, which enqueues itself when called (`frameworks.tasks`).

The request path: every function reachable within `MAX_DEPTH` calls from a request handler
(`Project.handlers`, plus the hooks Django and DRF call on a wired class-based view, its
serializer (nested serializers included) and its form), each with one shortest chain of call
sites back to its handler (`Reach`), so a rule reports the costly call deep down with notes that
show how a request gets there. `self` calls are dispatched on the class the handler is wired
with, so a base view's `self.hook()` finds the subclass's override.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterator

from scalelint.diagnostics import Related
from scalelint.facts import ClassFacts, FunctionFacts, PythonFacts, SCall, Span, Sym
from scalelint.frameworks import django as dj
from scalelint.frameworks import FRAMEWORK_NAMES as _FRAMEWORK_NAMES
from scalelint.frameworks import drf, tasks
from scalelint.project import is_non_production_path
from scalelint.project.counting import children
from scalelint.project.edges import Edge, Edges, ModuleValue
from scalelint.project.hooks import Hooks
from scalelint.project.mro import linearise
from scalelint.project.names import follow
from scalelint.project.types import Types, dotted

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.handlers import Handler

__all__ = ["CallGraph", "Call", "Root", "Reach", "ModuleValue", "MAX_DEPTH", "dotted", "call_sites", "children", "walk"]

MAX_DEPTH = 6  # calls followed from a handler
_MAX_CONTEXTS = 64  # classes one method is walked with (`self` dispatch), per function
_BUILT_ONCE = frozenset({"middleware", "signal", "template-tag", "context-processor"})  # handler classes built at start-up
_KIND_NAMES = {
    "context-processor": "context processor",
    "template-tag": "template tag",
    "signal": "signal receiver",
    "serializer-method": "serializer method field",
    "error-handler": "error handler",
    "admin": "admin page",
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


# id(fn) -> (a weak reference to fn, its call sites): asked for each function by the call graph
# and again by every rule that reads calls; an entry goes when its function does
_CALL_SITES: dict[int, tuple[Callable[[], FunctionFacts | None], tuple[SCall, ...]]] = {}


def call_sites(fn: FunctionFacts) -> tuple[SCall, ...]:
    """Every call the function writes, once per call site (by span), in source order."""
    key = id(fn)
    hit = _CALL_SITES.get(key)
    if hit is not None and hit[0]() is fn:
        return hit[1]
    found: dict[tuple[int, int, int, int], SCall] = {}
    for sym in walk(fn):
        if type(sym) is SCall:
            s = sym.span  # type: ignore[union-attr]
            found.setdefault((s.line, s.column, s.end_line, s.end_column), sym)  # type: ignore[arg-type]
    sites = tuple(found[k] for k in sorted(found))
    import weakref  # here, not at the top: this memo is the only user

    _CALL_SITES[key] = (weakref.ref(fn, lambda _, key=key: _CALL_SITES.pop(key, None)), sites)
    return sites


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
        self._mro: dict[str, list[str]] = {}
        self._class_cache: dict[str, str | None] = {}
        self._paths: dict[tuple, dict[str, Reach]] = {}
        self._callers: dict[str, list[Call]] | None = None
        self._edges = Edges(self)
        self.types = Types(self)
        self.hooks = Hooks(self)

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

    def wrappers(self, path: str, fn: FunctionFacts) -> list[FunctionFacts]:
        """The functions a project decorator of `fn` runs around it (`cache_result`'s `wrapper`)."""
        return [self.functions[q][1] for q in self._edges.wrappers(path, fn) if q in self.functions]

    def module_value(self, qual: str) -> "ModuleValue | None":
        """What a module-level `NAME = callee(...)` that `qual` names is built by (`project.edges`)."""
        return self._edges.module_value(qual)

    @cached_property
    def class_facts(self) -> dict[str, "ClassFacts"]:
        """Every module-level class's facts (bases, view and serializer attributes), by qualname."""
        return {c.qualname: c for facts in self.project.files.values() if facts.python for c in facts.python.classes}

    def bases_of(self, cls: str) -> tuple[str, ...]:
        """The bases of a project class as the facts write them."""
        return self._bases.get(cls, ())

    def source(self, path: str) -> str | None:
        """The text of a project file (for what function facts do not hold: module-level code)."""
        return self.project.source(path)

    # --- edges ----------------------------------------------------------------------------

    def edges(self, qualname: str) -> list[Edge]:
        return self._edges.edges(qualname)

    def _targets(self, fn: FunctionFacts, edge: Edge, context: str | None) -> list[tuple[str, str | None]]:
        return self._edges.targets(fn, edge, context)

    def _call(self, caller: FunctionFacts, path: str, edge: Edge, callee: str) -> Call:
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
        """A CLI command, a management command, or a task that enqueues itself when called
        (Huey): never part of a request. Other task functions called directly run in the caller."""
        return tasks.is_management_command(path) or any(tasks.is_cli_decorator(d) or tasks.enqueues_when_called(d) for d in fn.decorators)

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
        built: dict[str, "Handler"] = {}  # class-based views: an instance is built for each request
        for h in handlers.all:
            if h.view_class and h.framework in ("django", "drf"):
                view_classes.setdefault(h.view_class, h)
            if h.view_class and h.kind not in _BUILT_ONCE:
                built.setdefault(h.view_class, h)
            found = self.functions.get(h.qualname)
            if found is None or h.implicit:
                continue
            path, fn = found
            wired = (h.wired_at, h.span.line) if h.wired_at and h.wired_at != path else None
            name = f"{h.view_class.rsplit('.', 1)[-1]}.{fn.name}" if h.view_class else short_name(fn)
            root = Root(fn.qualname, path, handler_label(h, name), h.framework, h.kind, fn.is_async, h.view_class or fn.class_name, wired)
            out.setdefault((root.qualname, root.context), root)
        for cls, h in sorted(built.items()):
            whose = f"{_FRAMEWORK_NAMES.get(h.framework, h.framework)} builds `{cls.rsplit('.', 1)[-1]}` for each request"
            self._hooks(out, cls, cls, frozenset({"__init__"}), h, whose)
        for cls, h in sorted(view_classes.items()):
            view = handlers.class_view(cls)
            hooks = drf.VIEW_HOOKS if h.framework == "drf" else dj.VIEW_HOOKS
            self._hooks(out, cls, cls, hooks, h, f"{_FRAMEWORK_NAMES[h.framework]} calls it on each request to `{cls.rsplit('.', 1)[-1]}`")
            serializer = self.project_class(view.serializer) if view is not None and view.serializer else None
            if serializer is not None:
                pairs = self.hooks.serializer_hooks(serializer)
                self._hook_roots(out, pairs, h, f"DRF runs it for the serializer of `{cls.rsplit('.', 1)[-1]}`")
            form = self.types.form_class(cls) if h.framework == "django" else None
            if form is not None:
                pairs = [(q, form) for q in self.hooks.form_hooks(form)]
                self._hook_roots(out, pairs, h, f"Django builds and validates the form of `{cls.rsplit('.', 1)[-1]}`")
            for permission in self.hooks.permissions(cls) if h.framework == "drf" else ():
                whose = f"DRF checks it on each request to `{cls.rsplit('.', 1)[-1]}`"
                self._hooks(out, permission, permission, drf.PERMISSION_HOOKS, h, whose)
        return sorted(out.values(), key=lambda r: (r.path, self.functions[r.qualname][1].span.line, r.qualname, r.context or ""))

    def _hooks(self, out: dict, cls: str, context: str, names: frozenset[str], h: "Handler", whose: str) -> None:
        pairs = [(q, context) for q in (self.lookup(cls, name) for name in sorted(names)) if q is not None]
        self._hook_roots(out, pairs, h, whose)

    def _hook_roots(self, out: dict, pairs: list[tuple[str, str]], h: "Handler", whose: str) -> None:
        for q, context in pairs:
            if (q, context) in out:
                continue
            path, fn = self.functions[q]
            label = f"`{context.rsplit('.', 1)[-1]}.{fn.name}` ({whose})"
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
