"""Client objects in function facts: which library a call goes to, what object a method is called
on (a `requests.Session` built here, a module-level `http = requests.Session()`, what a factory
returns), and what a call says about its timeout. Shared by the rules on HTTP timeouts, blocking
calls and connections per request; the library knowledge is in `frameworks.http_clients`,
`frameworks.blocking` and `frameworks.connections`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from scalelint.facts import FunctionFacts, SAttr, SCall, SConst, SName, SParam, Span, Sym
from scalelint.frameworks import blocking, connections
from scalelint.frameworks import http_clients as http
from scalelint.project.callgraph import call_sites, dotted, walk
from scalelint.project.types import binds_self
from scalelint.project.names import canonical

if TYPE_CHECKING:
    from scalelint.project.callgraph import CallGraph

__all__ = ["Origin", "Timeout", "callee", "origin", "timeout_of", "keyword", "written", "is_param_named"]

_LIBRARIES = frozenset(
    q.split(".", 1)[0]
    for table in (
        http.REQUESTS_FUNCTIONS, http.REQUESTS_SESSIONS, http.HTTPX_FUNCTIONS, http.HTTPX_CLIENTS, http.HTTPX_TIMEOUTS,
        http.STDLIB_OPENERS, http.AIOHTTP_TIMEOUTS, blocking.BLOCKING_CALLS, blocking.SYNC_SESSION_CLASSES,
        blocking.SESSION_FACTORIES, blocking.FILE_OPENERS, blocking.PATHS, connections.CONNECTION_FACTORIES,
    )
    for q in table
)

# what a call's `timeout` is: not given / given as None / given as something else / maybe given (`**kwargs`)
Timeout = Literal["missing", "none", "given", "unknown"]


@dataclass(frozen=True)
class Origin:
    """Where the object a method is called on was built."""

    ctor: str  # the constructor, qualified ("requests.Session", "httpx.Client")
    path: str
    span: Span  # the constructor call, or the module-level name it is assigned to
    call: SCall | None  # the constructor call, when it is in a function
    configured: bool  # something changes how it sends (a mounted adapter, a wrapped request method)
    where: str  # "here" | "module" | the factory function's qualname


def callee(graph: "CallGraph", func: Sym) -> str | None:
    """The qualified name a call goes to, as written through the imports (`requests.get`); a
    project re-export (`from app.compat import requests`) is followed to the library name it
    stands for. A name that starts with a library the tables know is that library, even when
    the project has a module of the same name (`app/fetchers/requests.py`): `import requests`
    is absolute."""
    name = dotted(func)
    if name is None:
        return None
    head = name.split(".", 1)[0]
    if head in _LIBRARIES or graph.project.find_module(head) is None:
        return name
    return canonical(graph.project, name)


def written(graph: "CallGraph", path: str, call: SCall, fallback: str) -> str:
    """The callee as the code writes it (`requests.get`, `s.get`, `open`), for messages."""
    func = call.func
    span = func.span if type(func) is SAttr else call.span  # type: ignore[union-attr]
    text = graph.project.text_at(path, Span(span.line, span.column, span.line, span.end_column if span.end_line == span.line else 10**6))
    if text and type(func) is not SAttr:
        text = text.partition("(")[0]
    text = (text or "").strip()
    if not text or len(text) > 60 or "\n" in text:
        return fallback.removeprefix("builtins.")
    return text


def keyword(call: SCall, name: str) -> Sym | None:
    for k, v in call.kwargs:
        if k == name:
            return v
    return None


def timeout_of(call: SCall, position: int | None = None, keyword_name: str = "timeout") -> Timeout:
    """What the call says about its timeout (`position`: the positional index of the timeout
    parameter, None when it is keyword-only)."""
    value = keyword(call, keyword_name)
    if value is None and position is not None and len(call.args) > position:
        value = call.args[position]
    if value is None:
        if any(k == "**" for k, _ in call.kwargs):
            return "unknown"
        return "missing"
    if type(value) is SConst and value.value is None:  # type: ignore[union-attr]
        return "none"
    return "given"


def origin(graph: "CallGraph", path: str, fn: FunctionFacts, sym: Sym, depth: int = 0) -> Origin | None:
    """Where the object `sym` (a method's receiver) was built, when that is visible: a call in
    this function (through locals and `with ... as`), a module-level assignment, or what a
    project factory function returns."""
    t = type(sym)
    if t is SCall:
        name = callee(graph, sym.func)  # type: ignore[union-attr]
        if name is None:
            return None
        if depth < 2:
            made = _returned_by(graph, name, depth)
            if made is not None:
                return made
        return Origin(name, path, sym.span, sym, _configured_in(graph, fn, sym), "here")  # type: ignore[union-attr, arg-type]
    if t is SName:
        value = graph.module_value(sym.qual)  # type: ignore[union-attr]
        if value is None:
            return None
        configured = _configured_module(graph, value.path, value.name)
        return Origin(value.callee, value.path, value.span, None, configured, "module")
    if t is SAttr and type(sym.obj) is SParam and sym.obj.index == 0 and binds_self(fn) and depth < 2:  # type: ignore[union-attr]
        return _kept_on_self(graph, fn.class_name, sym.name, depth)  # type: ignore[arg-type, union-attr]
    return None


def _kept_on_self(graph: "CallGraph", cls: str, name: str, depth: int) -> Origin | None:
    """`self.session.get(...)` where a method (`__init__`) did `self.session = requests.Session()`:
    where it was built, when every assignment builds it the same way."""
    made = []
    for owner, attr in graph.types.bindings.assignments(cls, name):
        owner_path, owner_fn = graph.functions[owner]
        found = origin(graph, owner_path, owner_fn, attr.value, depth + 1) if type(attr.value) is SCall else None
        if found is None:
            return None
        configured = found.configured or _configured_on_self(owner_fn, name)
        made.append(Origin(found.ctor, found.path, found.span, found.call, configured, found.where))
    if not made or len({m.ctor for m in made}) != 1:
        return None
    return made[0] if not any(m.configured for m in made) else Origin(made[0].ctor, made[0].path, made[0].span, made[0].call, True, made[0].where)


def _configured_on_self(fn: FunctionFacts, name: str) -> bool:
    """`self.session.mount(...)` (or its `request` replaced) in the method that builds it."""
    nodes = list(walk(fn))
    called = {id(sym.func) for sym in nodes if type(sym) is SCall}  # type: ignore[union-attr]
    for sym in nodes:
        if type(sym) is SAttr and sym.name in http.SESSION_CONFIGURATION and (sym.name == "mount") == (id(sym) in called):  # type: ignore[union-attr]
            obj = sym.obj  # type: ignore[union-attr]
            if type(obj) is SAttr and obj.name == name and type(obj.obj) is SParam and obj.obj.index == 0:  # type: ignore[union-attr]
                return True
    return False


def _returned_by(graph: "CallGraph", name: str, depth: int) -> Origin | None:
    """`get_session().get(...)`: what the project function `name` returns, when every return
    value is built the same way."""
    found = graph.function(name)
    if found is None:
        return None
    path, fn = found
    made = [origin(graph, path, fn, r, depth + 1) for r in fn.returns]
    if not made or any(m is None for m in made) or len({m.ctor for m in made}) != 1:  # type: ignore[union-attr]
        return None
    first = made[0]
    configured = any(m.configured for m in made)  # type: ignore[union-attr]
    return Origin(first.ctor, first.path, first.span, first.call, configured, fn.qualname)  # type: ignore[union-attr]


def _same_call(a: Sym, b: SCall) -> bool:
    return type(a) is SCall and a.span == b.span  # type: ignore[union-attr]


def _configured_in(graph: "CallGraph", fn: FunctionFacts, made: SCall) -> bool:
    """`s.mount(...)` on the object, or its `request`/`send` read without being called (wrapped
    in a partial, replaced): the object may send with a timeout we cannot see."""
    return any(_same_call(receiver, made) for receiver in _configured_receivers(graph, fn))


def _configured_receivers(graph: "CallGraph", fn: FunctionFacts) -> list[Sym]:
    """The objects `fn` mounts an adapter on or reads `request`/`send` of without calling
    them; walked once per function."""
    memo = graph.__dict__.setdefault("_configured_receivers", {})
    hit = memo.get(id(fn))
    if hit is not None and hit[0] is fn:  # the memo holds `fn`, so its id is not reused meanwhile
        return hit[1]
    found: list[Sym] = []
    called: set[int] = set()
    for call in call_sites(fn):
        called.add(id(call.func))
        f = call.func
        if type(f) is SAttr and f.name == "mount":  # type: ignore[union-attr]
            found.append(f.obj)  # type: ignore[union-attr]
    for sym in walk(fn):
        if type(sym) is SAttr and id(sym) not in called and sym.name in http.SESSION_CONFIGURATION:  # type: ignore[union-attr]
            found.append(sym.obj)  # type: ignore[union-attr]
    memo[id(fn)] = (fn, found)
    return found


def _configured_module(graph: "CallGraph", path: str, name: str) -> bool:
    """A module-level session configured by module-level code, which function facts do not
    hold: read the module's text for `name.mount(` / `name.request =` / `name.send =`."""
    # asked once per call on the session, each time reading the whole module: remembered
    memo = graph.__dict__.setdefault("_configured_modules", {})
    key = (path, name)
    if key not in memo:
        memo[key] = _reads_configuration(graph.source(path), name)
    return memo[key]


def _reads_configuration(text: str | None, name: str) -> bool:
    if text is None:
        return True  # cannot tell: assume it is
    for what in http.SESSION_CONFIGURATION:
        if f"{name}.{what}(" in text and what == "mount":
            return True
        if f"{name}.{what} =" in text or f"{name}.{what}=" in text:
            return True
    return False


def is_param_named(sym: Sym, words: tuple[str, ...]) -> bool:
    """A parameter whose name has one of `words` as a part: `db`, `db_session`, `session` (not `feedback`)."""
    return type(sym) is SParam and any(w in words for w in sym.name.lower().split("_"))  # type: ignore[union-attr]


def production_imports(graph: "CallGraph") -> set[str]:
    """Every module the project's production code imports (for the background mechanism it has)."""
    from scalelint.project import is_non_production_path

    found: set[str] = set()
    for path, facts in graph.project.files.items():
        if facts.python is not None and not is_non_production_path(path):
            found.update(facts.python.imported_modules)
    return found


def loop_around(graph: "CallGraph", fn: FunctionFacts, call: SCall, chain) -> tuple[str, int] | None:
    """(path, line) of the loop that runs `call` many times per request: the call sits in a loop
    of its own function, or one of the call sites of `chain` (a `Reach.chain`) sits in a loop of
    its caller. None when no loop is seen."""
    if call.loop is not None:
        loop = next((lp for lp in fn.loops if lp.id == call.loop), None)
        found = graph.functions.get(fn.qualname)
        if loop is not None and found is not None:
            return found[0], loop.span.line
    for step in reversed(chain):
        caller = graph.functions.get(step.caller)
        if caller is None:
            continue
        site = next((c for c in call_sites(caller[1]) if c.span == step.span), None)
        if site is not None and site.loop is not None:
            loop = next((lp for lp in caller[1].loops if lp.id == site.loop), None)
            if loop is not None:
                return caller[0], loop.span.line
    return None


def on_error_path(graph: "CallGraph", fn: FunctionFacts, call: SCall, chain) -> bool:
    """The call runs only when something failed: it sits in an `except` block of its function,
    or one of the call sites of `chain` sits in one of its caller's."""
    if _in_except(fn, call.span.line):
        return True
    for step in chain:
        caller = graph.functions.get(step.caller)
        if caller is not None and _in_except(caller[1], step.span.line):
            return True
    return False


def _in_except(fn: FunctionFacts, line: int) -> bool:
    return any(first <= line <= last for first, last in fn.excepts)


def request_calls(graph: "CallGraph"):
    """(path, function, how a request reaches it, call) for every call site on the request path."""
    for qualname, reach in graph.request_path().items():
        path, fn = graph.functions[qualname]
        for call in call_sites(fn):
            yield path, fn, reach, call
