"""Web app objects of one module and the calls that serve them: `app = Flask(__name__)`, app
factories (`def create_app(): ... return app`), `application = get_wsgi_application()`, and
script-level `app.run(...)` / `uvicorn.run(app, ...)`, read into `AppDef` and `RunCall` facts.

The traversal calls `bind_module_name` / `bind_local_name` for assignments of a call,
`visit_return` for returns of module-level functions, `visit_script_call` for each call of code
that runs as a script (the main guard, functions called from it) and `finish` at the end of the
module: an app made by a factory and a `run()` on it are known only once every factory is read.
"""

from __future__ import annotations

import ast

from ..facts import AppDef, Expr, RunCall
from ..frameworks import aiohttp, bottle, django, falcon, fastapi, flask, litestar, pyramid, quart, sanic, starlette
from ..frameworks import gunicorn, uvicorn, waitress
from .fold import Folder
from .names import dotted
from .scope import ModuleContext, Scope
from .syntax import terminal

__all__ = ["AppCollector", "APP_CONSTRUCTORS", "RUN_FUNCTIONS", "SOCKETIO_CONSTRUCTORS"]

# qualified constructor -> (framework, interface, canonical name)
APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    **flask.APP_CONSTRUCTORS,
    **quart.APP_CONSTRUCTORS,
    **fastapi.APP_CONSTRUCTORS,
    **starlette.APP_CONSTRUCTORS,
    **sanic.APP_CONSTRUCTORS,
    **litestar.APP_CONSTRUCTORS,
    **falcon.APP_CONSTRUCTORS,
    **bottle.APP_CONSTRUCTORS,
    **django.APP_CONSTRUCTORS,
    **aiohttp.APP_CONSTRUCTORS,
}
_APP_TERMINALS = frozenset(q.rpartition(".")[2] for q in APP_CONSTRUCTORS) | {pyramid.MAKE_APP_METHOD}
SOCKETIO_CONSTRUCTORS = flask.SOCKETIO_CONSTRUCTORS
_SOCKETIO_TERMINALS = frozenset(q.rpartition(".")[2] for q in SOCKETIO_CONSTRUCTORS)

# functions that start a server when called from a script: callee -> names of positional params
RUN_FUNCTIONS: dict[str, tuple[str, ...]] = {
    **uvicorn.RUN_FUNCTIONS,
    **flask.RUN_FUNCTIONS,
    **waitress.RUN_FUNCTIONS,
    **aiohttp.RUN_FUNCTIONS,
    **bottle.RUN_FUNCTIONS,
}
# `<app>.run(...)` methods -> positional params
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    **flask.RUN_METHOD_PARAMS,
    **quart.RUN_METHOD_PARAMS,
    **sanic.RUN_METHOD_PARAMS,
}
_PYRAMID_PREFIX = pyramid.ROOT_MODULE + "."
_RUN_METHOD = "run"
# a module without these starts no server from a function (`def serve(): uvicorn.run(...)`)
RUN_TOKENS = ("uvicorn", "gunicorn", "waitress", "app.run(", "socketio.run(")
_RUN_TERMINALS = frozenset(q.rpartition(".")[2] for q in RUN_FUNCTIONS) | {_RUN_METHOD}


class AppCollector:
    def __init__(self, ctx: ModuleContext):
        self.ctx = ctx
        self.apps: list[AppDef] = []
        self.app_bindings: dict[str, tuple[str, str, str]] = {}
        # `app = create_app()` with create_app defined here: an app once the factory is read
        self.pending_factory_apps: list[tuple[str, str, ast.AST]] = []
        self.factories: dict[str, tuple[str, str, str]] = {}
        self.socketio: set[str] = set()
        self.pending_runs: list[dict] = []
        self.run_calls: list[RunCall] = []
        self.has_pyramid = False
        self.current_function: str | None = None  # set while a function that is not script code is read
        self.server_classes: dict[str, str] = {}  # `class App(BaseApplication)` -> "gunicorn.app.base.BaseApplication"

    def note_imports(self, modules) -> None:
        for module in modules:
            if module == pyramid.ROOT_MODULE or module.startswith(_PYRAMID_PREFIX):
                self.has_pyramid = True

    def app_kind(self, call: ast.Call, sc: Scope) -> tuple[str, str, str] | None:
        term = terminal(call.func)
        if term not in _APP_TERMINALS:
            return None
        if term == pyramid.MAKE_APP_METHOD:
            return pyramid.APP if self.has_pyramid and type(call.func) is ast.Attribute else None
        q = self.ctx.qualify(call.func, sc)
        return APP_CONSTRUCTORS.get(q) if q else None

    def visit_class(self, st: ast.ClassDef, sc: Scope) -> None:
        """`class StandaloneApplication(gunicorn.app.base.BaseApplication)`: its `.run()` starts gunicorn."""
        for base in st.bases:
            q = self.ctx.qualify(base, sc)
            if q in gunicorn.APPLICATION_CLASSES:
                self.server_classes[st.name] = gunicorn.EMBEDDED_RUN
            elif q is None and type(base) is ast.Name and base.id in self.server_classes:
                self.server_classes[st.name] = self.server_classes[base.id]

    # --- bindings ---------------------------------------------------------------------------

    def bind_module_name(self, name: str, call: ast.Call, tgt: ast.AST, sc: Scope) -> bool:
        """True when `name` is bound to an app (so it is nothing else)."""
        kind = self.app_kind(call, sc)
        if kind is not None:
            self.apps.append(AppDef(name, kind[0], kind[1], self.ctx.src.span(tgt)))  # type: ignore[arg-type]
            self.app_bindings[name] = kind
            return True
        func = call.func
        if type(func) is ast.Name and func.id not in self.ctx.imap.names:
            self.pending_factory_apps.append((name, func.id, tgt))
        if terminal(func) in _SOCKETIO_TERMINALS and self.ctx.qualify(func, sc) in SOCKETIO_CONSTRUCTORS:
            self.socketio.add(name)
        return False

    def bind_local_name(self, name: str, call: ast.Call, sc: Scope) -> bool:
        """A function's local bound to an app or to a call of a module function (maybe a factory)."""
        kind = self.app_kind(call, sc)
        if kind is not None:
            if sc.local_apps is None:
                sc.local_apps = {}
            sc.local_apps[name] = kind
            return True
        func = call.func
        if type(func) is ast.Name and func.id in self.ctx.mod_funcs:
            if sc.local_apps is None:
                sc.local_apps = {}
            sc.local_apps[name] = ("factory", func.id)
            return True
        return False

    def visit_return(self, value: ast.AST, sc: Scope) -> None:
        kind = None
        if type(value) is ast.Call:
            kind = self.app_kind(value, sc)
        elif type(value) is ast.Name:
            ref = sc.local_apps.get(value.id) if sc.local_apps else None
            if ref is not None and ref[0] != "factory":
                kind = ref
            elif ref is None:
                kind = self.app_bindings.get(value.id)
        if kind is not None:
            self.factories.setdefault(sc.qualname, kind)  # type: ignore[arg-type]

    # --- run calls --------------------------------------------------------------------------

    def visit_script_call(self, call: ast.Call, sc: Scope, in_guard: bool) -> None:
        func = call.func
        tf = type(func)
        if tf is not ast.Attribute and tf is not ast.Name:
            return
        term = func.attr if tf is ast.Attribute else func.id  # type: ignore[attr-defined]
        if term not in _RUN_TERMINALS:
            return
        ctx = self.ctx
        q = ctx.qualify(func, sc)
        entry = {
            "call": call,
            "in_guard": in_guard,
            "callee": None,
            "receiver": None,
            "recv_name": None,
            "ref": None,
            "folder": ctx.folder_for(sc),
            "span": ctx.src.tail_span(func, len(term)) if tf is ast.Attribute else ctx.src.span(func),
            "function": self.current_function,
        }
        if q in RUN_FUNCTIONS:
            entry["callee"] = q
        elif tf is ast.Attribute and term == _RUN_METHOD:
            recv = func.value  # type: ignore[attr-defined]
            tr = type(recv)
            if tr is ast.Name:
                if sc.imap.is_module_binding(recv.id):
                    return  # asyncio.run, subprocess.run, trio.run: a module's own function
                entry["receiver"] = entry["recv_name"] = recv.id
                if sc.kind == "function":
                    ref = sc.local_apps.get(recv.id) if sc.local_apps else None
                    if ref is not None:
                        entry["ref"] = ref
                    elif sc.local_names is not None and recv.id in sc.local_names:
                        entry["recv_name"] = None  # a local of unknown kind
            elif tr is ast.Call:
                entry["receiver"] = ctx.src.text(recv)
                kind = self.app_kind(recv, sc)
                server_class = self.server_classes.get(recv.func.id) if type(recv.func) is ast.Name else None
                if server_class is not None:
                    entry["callee"] = server_class  # `StandaloneApplication(app, options).run()`
                    entry["call"] = recv  # its options are the constructor's arguments
                elif kind is not None:
                    entry["ref"] = kind
                elif type(recv.func) is ast.Name and recv.func.id in ctx.mod_funcs:
                    entry["ref"] = ("factory", recv.func.id)
            else:
                entry["receiver"] = dotted(recv) or ctx.src.text(recv)
        else:
            return
        self.pending_runs.append(entry)

    # --- end of module ----------------------------------------------------------------------

    def finish(self) -> None:
        """Resolve factory-made apps and the run calls' receivers."""
        for name, fname, tgt in self.pending_factory_apps:
            kind = self.factories.get(fname)
            if kind is not None and name not in self.app_bindings:
                self.apps.append(AppDef(name, kind[0], kind[1], self.ctx.src.span(tgt)))  # type: ignore[arg-type]
                self.app_bindings[name] = kind
        self.run_calls = []
        for e in self.pending_runs:
            callee = e["callee"]
            if callee is None:
                ref = e["ref"]
                kind = None
                if ref is not None:
                    kind = self.factories.get(ref[1]) if ref[0] == "factory" else ref
                elif e["recv_name"] is not None:
                    kind = self.app_bindings.get(e["recv_name"])
                    if kind is None and e["recv_name"] in self.socketio:
                        kind = (None, None, flask.SOCKETIO_CLASS)
                callee = f"{kind[2]}.run" if kind is not None else "<unknown>.run"
            self.run_calls.append(
                RunCall(
                    callee=callee,
                    receiver=e["receiver"],
                    in_main_guard=e["in_guard"],
                    kwargs=_run_kwargs(e["call"], callee, e["folder"], self.ctx),
                    span=e["span"],
                    function=e["function"],
                )
            )


def _run_kwargs(call: ast.Call, callee: str, folder: Folder, ctx: ModuleContext) -> tuple[tuple[str, Expr], ...]:
    out: list[tuple[str, Expr]] = []
    params = RUN_FUNCTIONS.get(callee) or RUN_METHOD_PARAMS.get(callee) or ()
    for i, a in enumerate(call.args):
        if type(a) is ast.Starred:
            out.append(("*", folder.unknown(a)))
            break
        if callee == gunicorn.EMBEDDED_RUN and i == gunicorn.EMBEDDED_OPTIONS_ARG:
            out.extend(_options(a, folder, ctx))
        elif i < len(params):
            out.append((params[i], folder.fold(a)))
    for k in call.keywords:
        if callee == gunicorn.EMBEDDED_RUN and k.arg == "options":
            out.extend(_options(k.value, folder, ctx))
            continue
        out.append((k.arg if k.arg else "**", folder.fold(k.value) if k.arg else folder.unknown(k.value)))
    return tuple(out)


def _options(node: ast.AST, folder: Folder, ctx: ModuleContext) -> list[tuple[str, Expr]]:
    """The settings of a gunicorn options dict (`{"workers": 4, "bind": ...}`), `**` when
    some of it cannot be read."""
    resolved = ctx.resolve_dict(node)
    if resolved is None:
        return [("**", folder.unknown(node))]
    entries, partial = resolved
    out = [(key.replace("-", "_"), folder.fold(value)) for key, value, _, _ in entries]
    return out + ([("**", folder.unknown(node))] if partial else [])
