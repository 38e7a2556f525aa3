"""What one file wires as request handlers, as written: route decorators and registration calls
(`RouteSite`), the objects they are called on (`RouteObject`), module-level classes with their
bases and view/serializer attributes (`ClassFacts`), and the Django settings that name
middleware, context processors and DRF's pagination default (`SettingEntry`).

Nothing here decides that a function *is* a handler: `@x.get` is one only when `x` is a FastAPI
router or a Flask app, which the Project knows once it has followed `x` across modules
(scalelint.project.handlers). So sites are recorded loosely and objects generously, with names
qualified the way the rest of the facts spell them.

Statement level: decorators, assignments, expression statements, class bodies. Expressions are
walked only where a handler can be written inside one — `urlpatterns` values, `Route(...)` and
`Middleware(...)` lists, `Depends(...)` — and only in files whose text holds those words.
"""

from __future__ import annotations

import ast
import re

from ..facts import ClassFacts, Expr, RouteObject, RouteSite, SConst, SettingEntry, Span, Sym, Unknown
from ..frameworks import django as dj
from ..frameworks import django_admin, rpc
from ..frameworks import drf, fastapi, flask, quart, sanic, starlette
from ..frameworks import sqlalchemy as sa
from .flow import FunctionReader, read_value
from .names import ImportMap, dotted
from .scope import ModuleContext
from .syntax import str_const, terminal

__all__ = ["RouteCollector", "ROUTE_OBJECTS"]

# constructor -> role, for every framework whose objects wire handlers
ROUTE_OBJECTS: dict[str, str] = {
    **flask.ROUTE_OBJECTS,
    **quart.ROUTE_OBJECTS,
    **sanic.ROUTE_OBJECTS,
    **fastapi.ROUTE_OBJECTS,
    **starlette.ROUTE_OBJECTS,
    **{q: "library" for q in dj.TEMPLATE_LIBRARIES},
}
# methods of an object that, used as a decorator, wire the decorated def
DECORATOR_METHODS = (
    frozenset(flask.ROUTE_DECORATORS)
    | frozenset(fastapi.ROUTE_DECORATORS)
    | frozenset(starlette.ROUTE_DECORATORS)
    | frozenset(sanic.ROUTE_DECORATORS)
    | dj.TEMPLATE_TAG_DECORATORS
)
# methods of an object that wire a callable passed to them: method -> (index, keyword, rule index)
REGISTER_METHODS: dict[str, tuple[int, str, int]] = {
    **{m: spec[:3] for m, spec in starlette.REGISTER_METHODS.items()},
    **{m: spec[:3] for m, spec in fastapi.REGISTER_METHODS.items()},
    **{m: spec[:3] for m, spec in flask.REGISTER_METHODS.items()},
    **{m: spec[:3] for m, spec in sanic.REGISTER_METHODS.items()},
}
_FUNCTION_DECORATORS = dj.RECEIVER_DECORATORS | drf.API_VIEW_DECORATORS | drf.ACTION_DECORATORS | flask.EXPOSE_DECORATORS | frozenset(rpc.HANDLER_DECORATORS)
_ROUTE_CLASSES = {**starlette.ROUTE_CLASSES, **fastapi.ROUTE_CLASSES}
_DEEP_TERMINALS = frozenset(q.rpartition(".")[2] for q in (*_ROUTE_CLASSES, *starlette.MIDDLEWARE_WRAPPERS, *fastapi.DEPENDS))
_URL_TERMINALS = frozenset(q.rpartition(".")[2] for q in dj.URL_FUNCTIONS)
# class attributes recorded (as Syms) for views, serializers and paginators; and the guards of a
# class-based view (`permission_classes`, Flask's `decorators`), which say who may use it
_GUARD_ATTRIBUTES = ("permission_classes", "decorators", "method_decorators", "permission_required")
_MAX_INIT_FIELDS = 32  # fields a serializer's __init__ adds, recorded
_CLASS_ATTRIBUTES = frozenset(drf.VIEW_ATTRIBUTES + dj.VIEW_ATTRIBUTES + drf.PAGINATION_ATTRIBUTES + _GUARD_ATTRIBUTES + django_admin.ADMIN_ATTRIBUTES + sa.MODEL_ATTRIBUTES)
# a module-level object whose constructor is not known is kept when its callee is named like a
# routing-object factory (`create_app()`, `MyBlueprint(...)`, `make_router()`) or this file uses it
_OBJECT_CLASS_NAMES = frozenset(q.rpartition(".")[2] for q in ROUTE_OBJECTS)
_AS_VIEW_SUFFIX = "." + dj.AS_VIEW
_FACTORY_NAME = re.compile(r"(?i)(app|application|blueprint|bp|router|api|namespace|library)$")
# parameter annotations that cannot be `Annotated[..., Depends()]` aliases
_NOT_ALIASES = frozenset(
    {"fastapi", "starlette", "typing", "typing_extensions", "pydantic", "builtins", "datetime", "uuid", "decimal"}
    | {"collections", "sqlalchemy", "sqlmodel", "enum"}
)
_BODY_DECORATOR_METHODS = tuple(sorted(DECORATOR_METHODS))
_BODY_CALL_METHODS = frozenset({*REGISTER_METHODS, drf.ROUTER_REGISTER, dj.SIGNAL_CONNECT, starlette.ADD_MIDDLEWARE_METHOD})
_BODY_CLASS_CALLS = tuple(f"{name}(" for name in sorted(_OBJECT_CLASS_NAMES))
_BODY_DECORATOR = re.compile(r"@\s*[\w.]+\.(?:%s)\b" % "|".join(_BODY_DECORATOR_METHODS))
_METHOD_CALL = re.compile(r"\.(\w+)\(")
_WORD = re.compile(r"\w")


def _has_body_markers(source: str) -> bool:
    """A decorator method call (`@bp.route`), a registration call (`.add_url_rule(`) or a
    routing class called (`Blueprint(`, not `MyBlueprint(`) anywhere in the text. One regex
    with the three alternatives tried at every position cost a second on 35 MB of code."""
    if not _BODY_CALL_METHODS.isdisjoint(_METHOD_CALL.findall(source)):
        return True
    for needle in _BODY_CLASS_CALLS:
        at = source.find(needle)
        while at >= 0:
            if at == 0 or not _WORD.match(source, at - 1):
                return True
            at = source.find(needle, at + 1)
    return "@" in source and any(f".{name}" in source for name in _BODY_DECORATOR_METHODS) and _BODY_DECORATOR.search(source) is not None


_DEF_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCK_FIELDS = ("body", "orelse", "finalbody")
_CONTEXT_PROCESSORS = f"{dj.TEMPLATES_SETTING}.{dj.CONTEXT_PROCESSORS}"  # the SettingEntry name
_MAX_URL_DEPTH = 12
_MAX_DEEP_NODES = 20000  # per statement: generated tables are not worth walking further


def _strict() -> bool:
    from . import extract

    return extract.STRICT


class _Scope:
    __slots__ = ("kind", "qual", "imap", "parent", "names", "own_imap")

    def __init__(self, kind: str, qual: str, imap: ImportMap, parent: "_Scope | None"):
        self.kind = kind  # module | class | function
        self.qual = qual  # dotted name with the module ("shop.views.Index")
        self.imap = imap
        self.parent = parent
        # function: local name -> qualified ("" when bound to something we do not track)
        self.names: dict[str, str] = {}
        self.own_imap = False

    def child(self, name: str) -> str:
        return f"{self.qual}.{name}" if self.qual else name

    def add_import(self, st: ast.AST) -> None:
        """A function's own import: layered over the module's, hiding locals of that name."""
        if not self.own_imap:
            self.imap, self.own_imap = self.imap.child(), True
        self.imap.add(st)
        for alias in st.names:  # type: ignore[attr-defined]
            self.names.pop(alias.asname or alias.name.partition(".")[0], None)


class RouteCollector:
    def __init__(self, ctx: ModuleContext):
        self.ctx = ctx
        self.src = ctx.src
        self.module = ctx.module
        source = ctx.src.source or ""
        # cheap substring tests: which expression walks this file may need
        self.want_urls = dj.URLPATTERNS in source
        self.want_settings = any(name in source for name in ("MIDDLEWARE", dj.TEMPLATES_SETTING, drf.SETTINGS))
        self.want_depends = "Depends(" in source or "Security(" in source
        self.want_aliases = "fastapi" in source
        self.want_deep = self.want_depends or "Route(" in source or "Middleware(" in source
        # function bodies hold handlers only in app factories, hook functions and AppConfig.ready():
        # files with a decorator method call, a routing class or a registration call
        self.want_bodies = self.want_deep or _has_body_markers(source)
        self.flow: FunctionReader | None = None
        self.defined: frozenset[str] = frozenset()
        self.sites: list[RouteSite] = []
        self.dev_only = 0  # depth of module-level `if` blocks that run only in development
        self.classes: list[ClassFacts] = []
        self.entries: list[SettingEntry] = []
        # object qualname -> (constructor, node to point at, bound at module level)
        self.pending: dict[str, tuple[str, ast.AST, bool]] = {}
        self.used: set[str] = set()  # object qualnames some site is called on
        self.url_seen: set[int] = set()

    # --- driver ---------------------------------------------------------------------------

    def visit_module(self, body: list[ast.stmt], flow: FunctionReader | None, defined: frozenset[str]) -> None:
        self.flow = flow
        self.defined = defined
        self._block(body, _Scope("module", self.module, self.ctx.imap, None))

    def objects(self) -> tuple[RouteObject, ...]:
        out = []
        for qual, (ctor, node, module_level) in self.pending.items():
            named_like_one = module_level and (
                _FACTORY_NAME.search(ctor.rpartition(".")[2]) is not None
                or ctor.endswith(_AS_VIEW_SUFFIX)  # `event_list = EventList.as_view()`: a view under another name
            )
            if ctor in ROUTE_OBJECTS or qual in self.used or named_like_one:
                out.append(RouteObject(qual, ctor, self.src.span(node)))
        return tuple(out)

    def _block(self, body: list[ast.stmt], sc: _Scope) -> None:
        for st in body:
            try:
                self._stmt(st, sc)
            except Exception:
                if _strict():
                    raise

    def _stmt(self, st: ast.stmt, sc: _Scope) -> None:
        t = type(st)
        if t in _DEF_TYPES:
            self._def(st, sc)
        elif t is ast.ClassDef:
            self._class(st, sc)  # type: ignore[arg-type]
        elif t is ast.Assign or t is ast.AnnAssign:
            self._assign(st, sc)
        elif t is ast.Expr:
            v = st.value  # type: ignore[attr-defined]
            if type(v) is ast.Call:
                self._call(v, sc)
                if sc.kind == "module" and (self.want_urls or self.want_settings):
                    self._module_call(v, sc)
            if self.want_deep:
                self._deep(v, sc, None)
        elif t is ast.AugAssign:
            self._augassign(st, sc)  # type: ignore[arg-type]
        elif t is ast.Return:
            if self.want_deep and st.value is not None:  # type: ignore[attr-defined]
                self._deep(st.value, sc, None)  # type: ignore[attr-defined]
        elif t is ast.Import or t is ast.ImportFrom:
            if sc.kind == "function":
                sc.add_import(st)
        elif t is ast.If and sc.kind == "module" and _dev_only(st.test):  # type: ignore[attr-defined]
            self.dev_only += 1  # `if settings.DEBUG:` / `if settings.ENV in ("local", "dev"):`
            try:
                self._block(st.body, sc)  # type: ignore[attr-defined]
            finally:
                self.dev_only -= 1
            self._block(st.orelse, sc)  # type: ignore[attr-defined]
        else:
            # if / for / while / with / try / match: blocks of the same scope
            for name in _BLOCK_FIELDS:
                inner = getattr(st, name, None)
                if inner:
                    self._block(inner, sc)
            for part in getattr(st, "handlers", None) or getattr(st, "cases", None) or ():
                self._block(part.body, sc)

    # --- names ----------------------------------------------------------------------------

    def _qual(self, node: ast.AST, sc: _Scope) -> str | None:
        """A Name/Attribute chain qualified: a local of an enclosing function, an import, this
        module's definition (or, with star imports, a name of this module that resolution follows)."""
        d = dotted(node)
        if d is None:
            return None
        root, dot, rest = d.partition(".")
        s: _Scope | None = sc
        while s is not None and s.kind != "module":
            if s.kind == "function" and root in s.names:
                q = s.names[root]
                return q + dot + rest if q else None
            s = s.parent
        q = sc.imap.get(root)
        if q is not None:
            return q + dot + rest
        if root in self.defined or self.ctx.star_imports:
            return f"{self.module}.{d}" if self.module else d
        return None

    def _receiver(self, node: ast.AST, sc: _Scope) -> str | None:
        q = self._qual(node, sc)
        if q is not None:
            # the object a chain starts from (`api` of `api.v1.route`) is used: keep its binding
            extra = dotted(node).count(".")  # type: ignore[union-attr]
            self.used.add(q.rsplit(".", extra)[0] if extra else q)
        return q

    def _ref(self, node: ast.AST | None, sc: _Scope) -> tuple[str | None, bool, tuple[str, ...]]:
        """A callable as a registration gives it: (qualified name, through `as_view`, as_view actions)."""
        if node is None:
            return None, False, ()
        t = type(node)
        if t is ast.Name or t is ast.Attribute:
            return self._qual(node, sc), False, ()
        if t is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if type(func) is ast.Attribute and func.attr == dj.AS_VIEW:
                actions: tuple[str, ...] = ()
                first = node.args[0] if node.args else None  # type: ignore[attr-defined]
                if type(first) is ast.Dict:
                    actions = tuple(
                        f"{str_const(k)}={str_const(v)}"
                        for k, v in zip(first.keys, first.values)
                        if str_const(k) is not None and str_const(v) is not None
                    )
                return self._qual(func.value, sc), True, actions
        return None, False, ()

    # --- definitions ----------------------------------------------------------------------

    def _def(self, fn: ast.AST, sc: _Scope) -> None:
        name = fn.name  # type: ignore[attr-defined]
        qual = sc.child(name)
        if sc.kind == "function":
            sc.names[name] = qual
        if fn.decorator_list:  # type: ignore[attr-defined]
            self._decorators(fn.decorator_list, qual, sc)  # type: ignore[attr-defined]
        if self.want_depends or self.want_aliases:
            self._params(fn, qual, sc)
        if not self.want_bodies:
            return
        fs = _Scope("function", qual, sc.imap, sc)
        a = fn.args  # type: ignore[attr-defined]
        for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
            if arg is None:
                continue
            fs.names[arg.arg] = f"{qual}.{arg.arg}"
            ann = arg.annotation
            if ann is not None and terminal(ann) in _OBJECT_CLASS_NAMES:  # `def init_app(app: Flask)`
                ctor = self._qual(ann, sc)
                if ctor is not None:
                    self.pending[f"{qual}.{arg.arg}"] = (ctor, arg, False)
        self._block(fn.body, fs)  # type: ignore[attr-defined]

    def _class(self, st: ast.ClassDef, sc: _Scope) -> None:
        qual = sc.child(st.name)
        if sc.kind == "function":
            sc.names[st.name] = qual
        if st.decorator_list:
            self._decorators(st.decorator_list, qual, sc)
        cs = _Scope("class", qual, sc.imap, sc)
        if sc.kind == "module":
            self._class_facts(st, qual, sc)
        self._block(st.body, cs)

    def _class_facts(self, st: ast.ClassDef, qual: str, sc: _Scope) -> None:
        bases = []
        for b in st.bases:
            node = b.value if type(b) is ast.Subscript else b  # `Generic[T]`, `ViewSet[Model]`
            q = self._qual(node, sc) or dotted(node)
            if q:
                bases.append(q)
        attributes: list[tuple[str, Sym]] = []
        fields: list[tuple[str, str, Span]] = []
        reads: list[tuple[str, str, bool, Span]] = []
        for item in st.body:
            t = type(item)
            if t is not ast.Assign and t is not ast.AnnAssign:
                continue
            targets = item.targets if t is ast.Assign else [item.target]  # type: ignore[attr-defined]
            value = item.value  # type: ignore[attr-defined]
            if value is None or len(targets) != 1 or type(targets[0]) is not ast.Name:
                continue
            name = targets[0].id
            if name in _CLASS_ATTRIBUTES and self.flow is not None:
                attributes.append((name, read_value(self.flow, value, sc.imap)))
            elif bases and type(value) is ast.Constant and value.value is None:
                attributes.append((name, SConst(None)))  # `evidences = None`: a subclass drops a base's field
            if type(value) is ast.Call and self._qual(value.func, sc) in drf.SERIALIZER_METHOD_FIELDS:
                method = str_const(_arg(value, 0, "method_name"))
                fields.append((name, method or drf.SERIALIZER_METHOD_PREFIX + name, self.src.span(targets[0])))
            elif type(value) is ast.Call and bases:
                read = self._field_read(name, value, sc)
                if read is not None:
                    reads.append((name, *read, self.src.span(targets[0])))
        if bases:
            for name, value, target in _fields_set_in_init(st):
                read = self._field_read(name, value, sc)
                if read is not None and all(r[0] != name for r in reads):
                    reads.append((name, *read, self.src.span(target)))
        decorators = tuple(d for d in (self._class_decorator(d, sc) for d in st.decorator_list) if d)
        if bases or attributes or fields or decorators:
            self.classes.append(
                ClassFacts(qual, st.name, self._name_span(st), tuple(bases), tuple(attributes), tuple(fields), decorators, tuple(reads))
            )

    def _field_read(self, name: str, value: ast.Call, sc: _Scope) -> tuple[str, bool] | None:
        """What a serializer field reads through the row: `source="user.code"` (a dotted path),
        or a nested serializer of the project (`creator = TeamSerializer()`, `many=True`)."""
        ctor = self._qual(value.func, sc) or dotted(value.func) or ""
        source = str_const(_arg(value, -1, "source"))
        many = any(k.arg == "many" and type(k.value) is ast.Constant and k.value.value is True for k in value.keywords)
        if source and "." in source and source != "*":
            return source, many
        if not ctor or ctor.startswith(drf.FIELD_MODULES) or not ctor.rpartition(".")[2].endswith("Serializer"):
            return None
        return (source or name), many

    def _class_decorator(self, node: ast.AST, sc: _Scope) -> str:
        """`@method_decorator(cache_page(60), name="dispatch")` -> `django.utils.decorators.method_decorator(django.views.decorators.cache.cache_page)`."""
        if type(node) is not ast.Call:
            return self._qual(node, sc) or dotted(node) or ""
        head = self._qual(node.func, sc) or dotted(node.func) or ""  # type: ignore[attr-defined]
        first = node.args[0] if node.args else _arg(node, -1, "decorator")  # type: ignore[attr-defined, arg-type]  # `method_decorator(name="get", decorator=...)`
        if type(first) is ast.Call:
            first = first.func  # type: ignore[attr-defined]
        inner = (self._qual(first, sc) or dotted(first) or "") if first is not None else ""
        return f"{head}({inner})" if inner else head

    def _name_span(self, st: ast.ClassDef) -> Span:
        line = self.src.line(st.lineno)
        col = self.src.col(st.lineno, st.col_offset)
        at = line.find(st.name, col + len("class"))
        if at < 0:
            at = col
        return Span(st.lineno, at + 1, st.lineno, at + 1 + len(st.name))

    # --- decorators -----------------------------------------------------------------------

    def _decorators(self, decorators: list[ast.expr], target: str, sc: _Scope) -> None:
        for d in decorators:
            call = d if type(d) is ast.Call else None
            func = call.func if call is not None else d  # type: ignore[union-attr]
            tf = type(func)
            if tf is not ast.Name and tf is not ast.Attribute:
                continue
            q = self._qual(func, sc)
            if q in _FUNCTION_DECORATORS:
                self._function_decorator(q, call, d, target, sc)  # type: ignore[arg-type]
                continue
            if tf is not ast.Attribute or func.attr not in DECORATOR_METHODS:  # type: ignore[attr-defined]
                continue
            receiver = self._receiver(func.value, sc)  # type: ignore[attr-defined]
            if receiver is None:
                continue
            route, methods = _route_args(call)
            self.sites.append(RouteSite(func.attr, target, self.src.span(d), receiver, route, methods))  # type: ignore[attr-defined]
            if call is not None and self.want_depends:
                for k in call.keywords:
                    if k.arg == fastapi.DEPENDENCIES_KEYWORD:
                        self._deep(k.value, sc, target)

    def _function_decorator(self, q: str, call: ast.Call | None, d: ast.AST, target: str, sc: _Scope) -> None:
        span = self.src.span(d)
        if q in dj.RECEIVER_DECORATORS:
            if call is None or not call.args:
                return
            first = call.args[0]
            nodes = first.elts if type(first) in (ast.List, ast.Tuple) else [first]  # type: ignore[attr-defined]
            signals = tuple(s for s in (self._qual(n, sc) for n in nodes) if s in dj.REQUEST_SIGNALS)
            if signals:
                self.sites.append(RouteSite(q, target, span, args=signals))
        elif q in drf.API_VIEW_DECORATORS:
            methods = _strings(call.args[0]) if call is not None and call.args else None
            for k in call.keywords if call is not None else ():
                if k.arg == "http_method_names":
                    methods = _strings(k.value)
            given = tuple(m.upper() for m in methods) if methods is not None else ("GET",)
            self.sites.append(RouteSite(q, target, span, methods=given))
        elif q in rpc.HANDLER_DECORATORS:
            self.sites.append(RouteSite(q, target, span, route=str_const(_arg(call, -1, "route_name")) if call is not None else None))
        elif q in flask.EXPOSE_DECORATORS:
            route, methods_given = _route_args(call)
            if call is not None and route is None:
                route = str_const(_arg(call, 0, "url"))
            self.sites.append(RouteSite(q, target, span, route=route, methods=methods_given or ("GET",)))
        else:  # @action
            methods = None
            url_path = None
            for k in call.keywords if call is not None else ():
                if k.arg == "methods":
                    methods = _strings(k.value)
                elif k.arg == "url_path":
                    url_path = str_const(k.value)
            if methods is None:
                methods = ["get"]
            self.sites.append(RouteSite(q, target, span, route=url_path, methods=tuple(m.upper() for m in methods)))

    # --- assignments and calls ------------------------------------------------------------

    def _assign(self, st: ast.AST, sc: _Scope) -> None:
        value = st.value  # type: ignore[attr-defined]
        targets = st.targets if type(st) is ast.Assign else [st.target]  # type: ignore[attr-defined]
        if value is None:
            return
        v = value.value if type(value) is ast.Await else value
        for tgt in targets:
            if type(tgt) is not ast.Name:
                if sc.kind == "module" and type(tgt) is ast.Subscript and self.want_settings:
                    self._setting_item(tgt, value)
                continue
            name = tgt.id
            qual = sc.child(name) if sc.kind != "class" else None
            if sc.kind == "function":
                sc.names[name] = ""
            if qual is not None and type(v) is ast.Call:
                ctor = self._qual(v.func, sc)  # type: ignore[attr-defined]
                if ctor is not None:
                    self.pending[qual] = (ctor, tgt, sc.kind == "module")
                    if sc.kind == "function":
                        sc.names[name] = qual
            if sc.kind == "module":
                if name == dj.URLPATTERNS and self.want_urls:
                    self._urlpatterns(value, sc, 0)
                elif self.want_settings:
                    self._setting(name, value, tgt, False)
        if type(v) is ast.Call:
            self._call(v, sc)  # `view = app.add_url_rule(...)`, `x = router.register(...)`
        if self.want_deep:
            owner = None
            if sc.kind == "module" and len(targets) == 1 and type(targets[0]) is ast.Name and type(value) is ast.Subscript:
                owner = sc.child(targets[0].id)  # `SessionDep = Annotated[Session, Depends(get_session)]`
            self._deep(value, sc, owner)

    def _augassign(self, st: ast.AugAssign, sc: _Scope) -> None:
        tgt = st.target
        if sc.kind == "function" and type(tgt) is ast.Name:
            sc.names[tgt.id] = ""
        if sc.kind != "module" or type(st.op) is not ast.Add:
            return
        if type(tgt) is ast.Name:
            if tgt.id == dj.URLPATTERNS and self.want_urls:
                self._urlpatterns(st.value, sc, 0)
            elif self.want_settings:
                self._setting(tgt.id, st.value, tgt, True)
        elif self.want_settings:
            self._context_processors_item(tgt, st.value, st.target)

    def _call(self, call: ast.Call, sc: _Scope) -> None:
        """A call that registers a callable: `app.add_url_rule(...)`, `router.register(...)`,
        `post_save.connect(fn)`, `app.before_request(fn)`, `register.filter("x", fn)`."""
        func = call.func
        if type(func) is not ast.Attribute:
            return
        m = func.attr
        span = self.src.span(call)
        if m == dj.SIGNAL_CONNECT:
            signal = self._qual(func.value, sc)
            if signal in dj.REQUEST_SIGNALS:
                target, _, _ = self._ref(_arg(call, 0, "receiver"), sc)
                if target is not None:
                    self.sites.append(RouteSite(m, target, span, args=(signal,)))  # type: ignore[arg-type]
        elif m == drf.ROUTER_REGISTER:
            prefix = _arg(call, 0, "prefix")
            if str_const(prefix) is None:
                self._admin_register(call, sc)  # `admin.site.register(Model, Admin)`; `atexit.register(fn)`: nothing
                return
            target, _, _ = self._ref(_arg(call, 1, "viewset"), sc)
            if target is not None:
                receiver = self._receiver(func.value, sc)
                self.sites.append(RouteSite(m, target, span, receiver, str_const(prefix)))
        elif m == starlette.ADD_MIDDLEWARE_METHOD:
            target, _, _ = self._ref(_arg(call, 0, "middleware_class"), sc)
            receiver = self._receiver(func.value, sc)
            if target is not None and receiver is not None:
                self.sites.append(RouteSite(m, target, span, receiver))
        elif m in REGISTER_METHODS:
            index, keyword, rule = REGISTER_METHODS[m]
            self._register(call, m, index, keyword, rule, sc)
        elif m in dj.TEMPLATE_TAG_DECORATORS and (call.args or call.keywords):
            self._register_tag_call(call, m, sc)

    def _admin_register(self, call: ast.Call, sc: _Scope) -> None:
        """`site.register(Model, AdminClass)` / `site.register([A, B], AdminClass)`: the admin
        class (target) and its models (args); whether it is an admin is decided with every file."""
        if self.dev_only:
            return  # an admin registered only in development
        admin_class, _, _ = self._ref(_arg(call, 1, "admin_class"), sc)
        first = _arg(call, 0, "model_or_iterable")
        if admin_class is None or first is None:
            return
        items = first.elts if type(first) in (ast.List, ast.Tuple) else [first]  # type: ignore[attr-defined]
        models = tuple(q for q in (self._qual(m, sc) for m in items) if q)
        if models:
            self.sites.append(RouteSite(django_admin.REGISTRATION, admin_class, self.src.span(call), self._receiver(call.func.value, sc), args=models))  # type: ignore[attr-defined]

    def _register(self, call: ast.Call, m: str, index: int, keyword: str, rule: int, sc: _Scope) -> None:
        func = call.func
        target, as_view, actions = self._ref(_arg(call, index, keyword), sc)
        if target is None:
            return
        receiver = self._receiver(func.value, sc)  # type: ignore[attr-defined]
        if receiver is None:
            return
        route = str_const(_arg(call, rule, "rule") if rule >= 0 else None)
        if route is None and rule >= 0:
            route = str_const(_arg(call, rule, "path"))
        if m == "add_resource":  # add_resource(Resource, "/a", "/b")
            as_view = True
        _, methods = _route_args(call, with_route=False)
        self.sites.append(RouteSite(m, target, self.src.span(call), receiver, route, methods, as_view, actions))

    def _register_tag_call(self, call: ast.Call, m: str, sc: _Scope) -> None:
        """`register.filter("cut", cut)`, `register.simple_tag(fn)`, `register.tag("x", compile_x)`:
        the decorator method called with the callable (the last positional reference)."""
        node = None
        for a in call.args:
            if type(a) in (ast.Name, ast.Attribute):
                node = a
        for k in call.keywords:
            if k.arg in ("f", "func", "filter_func", "compile_function"):
                node = k.value
        if node is None:
            return
        target = self._qual(node, sc)
        receiver = self._receiver(call.func.value, sc)  # type: ignore[attr-defined]
        if target is not None and receiver is not None:
            self.sites.append(RouteSite(m, target, self.src.span(call), receiver))

    # --- expressions: Route(...), Middleware(...), Depends(...) ------------------------------

    def _deep(self, node: ast.AST, sc: _Scope, owner: str | None) -> None:
        stack = [node]
        seen = 0
        while stack and seen < _MAX_DEEP_NODES:
            n = stack.pop()
            seen += 1
            if type(n) is ast.Call:
                term = terminal(n.func)  # type: ignore[attr-defined]
                if term in _DEEP_TERMINALS:
                    self._deep_call(n, sc, owner)  # type: ignore[arg-type]
            elif type(n) is ast.Lambda:
                continue
            stack.extend(reversed(list(ast.iter_child_nodes(n))))  # source order

    def _deep_call(self, call: ast.Call, sc: _Scope, owner: str | None) -> None:
        q = self._qual(call.func, sc)
        if q is None:
            return
        span = self.src.span(call)
        if q in fastapi.DEPENDS:
            provider = _arg(call, 0, "dependency")
            target, _, _ = self._ref(provider, sc)
            if target is not None:
                self.sites.append(RouteSite("fastapi.Depends", target, span, owner=owner))
            elif type(provider) is ast.Call:
                # `Depends(get_repository(UserRepository))`: the provider is what the factory returns
                factory = self._qual(provider.func, sc)  # type: ignore[attr-defined]
                if factory is not None:
                    self.sites.append(RouteSite("fastapi.Depends", factory, span, owner=owner, args=(fastapi.FACTORY,)))
        elif q in _ROUTE_CLASSES:
            index, keyword = _ROUTE_CLASSES[q]
            target, _, _ = self._ref(_arg(call, index, keyword), sc)
            if target is not None:
                route, methods = _route_args(call)
                self.sites.append(RouteSite(q, target, span, route=route, methods=methods))
        elif q in starlette.MIDDLEWARE_WRAPPERS:
            target, _, _ = self._ref(_arg(call, 0, "cls"), sc)
            if target is not None:
                self.sites.append(RouteSite(q, target, span))

    def _params(self, fn: ast.AST, qual: str, sc: _Scope) -> None:
        """`db = Depends(get_db)`, `user: Annotated[User, Depends(current_user)]`, `session: SessionDep`."""
        a = fn.args  # type: ignore[attr-defined]
        positional = [*a.posonlyargs, *a.args]
        defaults = [d for d in a.defaults] + [d for d in a.kw_defaults if d is not None]
        if self.want_depends:
            for d in defaults:
                self._deep(d, sc, qual)
        for arg in (*positional, *a.kwonlyargs):
            ann = arg.annotation
            if ann is None:
                continue
            if type(ann) is ast.Subscript:
                if self.want_depends:
                    self._deep(ann, sc, qual)
            elif self.want_aliases and type(ann) in (ast.Name, ast.Attribute):
                q = self._qual(ann, sc)
                if q is not None and q.partition(".")[0] not in _NOT_ALIASES:
                    self.sites.append(RouteSite("annotation", q, self.src.span(ann), owner=qual))

    # --- Django urls ------------------------------------------------------------------------

    def _urlpatterns(self, node: ast.AST, sc: _Scope, depth: int, prefix: str = "") -> None:
        """`prefix`: the view prefix of the `patterns("app.views", ...)` around (Django < 1.10)."""
        if depth > _MAX_URL_DEPTH:
            return
        t = type(node)
        if t is ast.List or t is ast.Tuple:
            for e in node.elts:  # type: ignore[attr-defined]
                self._urlpatterns(e, sc, depth + 1, prefix)
        elif t is ast.BinOp:
            self._urlpatterns(node.left, sc, depth + 1, prefix)  # type: ignore[attr-defined]
            self._urlpatterns(node.right, sc, depth + 1, prefix)  # type: ignore[attr-defined]
        elif t is ast.Starred:
            self._urlpatterns(node.value, sc, depth + 1, prefix)  # type: ignore[attr-defined]
        elif t is ast.Name:
            if node.id != dj.URLPATTERNS:  # type: ignore[attr-defined]
                value = self.ctx.mod_nodes.get(node.id)  # type: ignore[attr-defined]
                if value is not None:
                    self._urlpatterns(value, sc, depth + 1, prefix)
        elif t is ast.Call:
            if id(node) in self.url_seen:
                return
            self.url_seen.add(id(node))
            q = self._url_callee(node.func, sc)  # type: ignore[attr-defined]
            if q in dj.URL_FUNCTIONS:
                self._url_entry(node, q, sc, depth, prefix)  # type: ignore[arg-type]
            elif q in dj.URL_INCLUDE:
                if node.args:  # type: ignore[attr-defined]
                    self._urlpatterns(node.args[0], sc, depth + 1, prefix)  # type: ignore[attr-defined]
            else:
                # i18n_patterns(...), format_suffix_patterns([...]), patterns("", ...)
                args = node.args  # type: ignore[attr-defined]
                if q in dj.URL_PATTERNS_PREFIXED and args and str_const(args[0]) is not None:
                    prefix, args = str_const(args[0]) or "", args[1:]  # `patterns("app.views", url(r"^$", "index"))`
                for a in args:
                    self._urlpatterns(a, sc, depth + 1, prefix)

    def _url_callee(self, func: ast.AST, sc: _Scope) -> str | None:
        q = sc.imap.qualify(func)  # type: ignore[arg-type]
        if q is None and type(func) is ast.Name and func.id in _URL_TERMINALS:  # type: ignore[attr-defined]
            for star in self.ctx.star_imports:
                if star in dj.URL_MODULES:
                    return f"{star}.{func.id}"  # type: ignore[attr-defined]
        return q

    def _url_entry(self, call: ast.Call, via: str, sc: _Scope, depth: int, prefix: str = "") -> None:
        route = str_const(_arg(call, 0, "route")) or str_const(_arg(call, 0, "regex"))
        view = _arg(call, dj.URL_FUNCTIONS[via], "view")
        for _ in range(4):  # `login_required(views.x)`, `cache_page(60)(views.x)`
            if type(view) is not ast.Call or (type(view.func) is ast.Attribute and view.func.attr == dj.AS_VIEW):  # type: ignore[union-attr]
                break
            wrapper = view.func.func if type(view.func) is ast.Call else view.func  # type: ignore[union-attr]
            q = self._url_callee(wrapper, sc)
            if q in dj.URL_INCLUDE:
                if view.args:  # type: ignore[union-attr]
                    self._urlpatterns(view.args[0], sc, depth + 1, prefix)  # type: ignore[union-attr]
                return
            if q is None or not q.startswith(dj.VIEW_DECORATOR_MODULES) or not view.args:  # type: ignore[union-attr]
                return
            view = view.args[0]  # type: ignore[union-attr]
        if type(view) is ast.Attribute and view.attr == dj.URLCONF_ATTRIBUTE:  # type: ignore[union-attr]
            return  # `admin.site.urls`, `router.urls`: a URLconf, not a view
        if type(view) in (ast.List, ast.Tuple):  # url(r"^api/", [...]) / (patterns, app_name)
            self._urlpatterns(view, sc, depth + 1, prefix)  # type: ignore[arg-type]
            return
        if str_const(view) is not None:  # Django < 1.10: url(r"^$", "shop.views.index")
            written = str_const(view) or ""
            target, as_view, actions = (f"{prefix}.{written}" if prefix and written else written), False, ()
        else:
            target, as_view, actions = self._ref(view, sc)
        if target is not None:
            self.sites.append(RouteSite(via, target, self.src.span(call), None, route, (), as_view, actions))

    # --- Django settings --------------------------------------------------------------------

    def _module_call(self, call: ast.Call, sc: _Scope) -> None:
        """`urlpatterns.append(path(...))`, `MIDDLEWARE.insert(0, "x")`, `REST_FRAMEWORK.update({...})`."""
        func = call.func
        if type(func) is not ast.Attribute or func.attr not in ("append", "extend", "insert", "update"):
            return
        obj = func.value
        items = call.args[1:] if func.attr == "insert" else call.args
        if not items:
            return
        if type(obj) is ast.Name:
            if obj.id == dj.URLPATTERNS and self.want_urls:
                for a in items:
                    self._urlpatterns(a, sc, 0)
            elif obj.id in dj.MIDDLEWARE_SETTINGS and self.want_settings:
                node = items[0] if func.attr == "extend" else ast.List(elts=list(items[:1]))
                self._setting(obj.id, node, call, True)
            elif obj.id == drf.SETTINGS and func.attr == "update" and self.want_settings:
                self._rest_framework(items[0], call, replace=False)
        elif self.want_settings:
            node = items[0] if func.attr == "extend" else ast.List(elts=list(items[:1]))
            self._context_processors_item(obj, node, call)

    def _setting(self, name: str, value: ast.AST, at: ast.AST, extend: bool) -> None:
        if name in dj.MIDDLEWARE_SETTINGS:
            values, refers = self._strings_of(value, name, 0)
            self.entries.append(SettingEntry(name, tuple(values), self.src.span(at), extend or refers))
        elif name == dj.TEMPLATES_SETTING and not extend:
            for node in value.elts if type(value) in (ast.List, ast.Tuple) else ():  # type: ignore[attr-defined]
                resolved = self.ctx.resolve_dict(node)
                options = next((v for k, v, _, _ in resolved[0] if k == "OPTIONS"), None) if resolved else None
                inner = self.ctx.resolve_dict(options) if options is not None else None
                found = next((v for k, v, _, _ in inner[0] if k == dj.CONTEXT_PROCESSORS), None) if inner else None
                if found is not None:
                    values, _ = self._strings_of(found, "", 0)
                    self.entries.append(SettingEntry(_CONTEXT_PROCESSORS, tuple(values), self.src.span(found)))
        elif name == drf.SETTINGS and not extend:
            self._rest_framework(value, at, replace=True)

    def _rest_framework(self, value: ast.AST, at: ast.AST, replace: bool) -> None:
        resolved = self.ctx.resolve_dict(value)
        if resolved is None:
            return
        if replace:
            self.entries.append(SettingEntry(drf.SETTINGS, (), self.src.span(at)))
        for key, v, first, last in resolved[0]:
            if key in (drf.DEFAULT_PAGINATION_CLASS, drf.PAGE_SIZE):
                expr = self.ctx.folder.fold(v)
                self.entries.append(SettingEntry(f"{drf.SETTINGS}.{key}", (expr,), self.src.span_between(first, last)))

    def _setting_item(self, tgt: ast.Subscript, value: ast.AST) -> None:
        """`REST_FRAMEWORK["PAGE_SIZE"] = 50`, `TEMPLATES[0]["OPTIONS"]["context_processors"] = [...]`."""
        key = str_const(tgt.slice)
        if type(tgt.value) is ast.Name and tgt.value.id == drf.SETTINGS and key in (drf.DEFAULT_PAGINATION_CLASS, drf.PAGE_SIZE):
            self.entries.append(SettingEntry(f"{drf.SETTINGS}.{key}", (self.ctx.folder.fold(value),), self.src.span(tgt)))

    def _context_processors_item(self, obj: ast.AST, value: ast.AST, at: ast.AST) -> None:
        """`TEMPLATES[0]["OPTIONS"]["context_processors"] += [...]` / `.append(...)`."""
        if type(obj) is not ast.Subscript or str_const(obj.slice) != dj.CONTEXT_PROCESSORS:  # type: ignore[attr-defined]
            return
        root = obj
        while type(root) is ast.Subscript:
            root = root.value  # type: ignore[attr-defined]
        if type(root) is ast.Name and root.id == dj.TEMPLATES_SETTING:
            values, _ = self._strings_of(value, "", 0)
            self.entries.append(SettingEntry(_CONTEXT_PROCESSORS, tuple(values), self.src.span(at), True))

    def _strings_of(self, node: ast.AST, own: str, depth: int) -> tuple[list[Expr], bool]:
        """The items of a list setting: literals, `+`, `*OTHER`, names of other lists of this
        module; (items, whether it refers to the setting's own previous value)."""
        t = type(node)
        if depth > 6:
            return [Unknown("", self.src.span(node))], False
        if t is ast.List or t is ast.Tuple:
            out: list[Expr] = []
            refers = False
            for e in node.elts:  # type: ignore[attr-defined]
                if type(e) is ast.Starred:
                    values, r = self._strings_of(e.value, own, depth + 1)
                    out.extend(values)
                    refers = refers or r
                else:
                    out.append(self.ctx.folder.fold(e))
            return out, refers
        if t is ast.BinOp and type(node.op) is ast.Add:  # type: ignore[attr-defined]
            left, rl = self._strings_of(node.left, own, depth + 1)  # type: ignore[attr-defined]
            right, rr = self._strings_of(node.right, own, depth + 1)  # type: ignore[attr-defined]
            return left + right, rl or rr
        if t is ast.Name:
            if node.id == own:  # type: ignore[attr-defined]
                return [], True
            value = self.ctx.mod_nodes.get(node.id)  # type: ignore[attr-defined]
            if value is not None and value is not node:
                return self._strings_of(value, own, depth + 1)
        return [Unknown(self.src.text(node), self.src.span(node))], False


# --- helpers ----------------------------------------------------------------------------------


# what a module-level `if` tests when its body runs only in development or tests
_DEV_NAMES = frozenset({"DEBUG", "ENV", "ENVIRONMENT", "TESTING", "DEVELOPMENT", "LOCAL"})
_DEV_VALUES = frozenset({"dev", "development", "local", "test", "testing"})


def _dev_only(test: ast.AST) -> bool:
    """`settings.DEBUG`, `settings.ENV in ("local", "dev")`, `ENV == "development"`; not a
    negation (`if not settings.DEBUG:` is production's branch)."""
    if type(test) is ast.UnaryOp:
        return False
    names = {n.attr if type(n) is ast.Attribute else n.id for n in ast.walk(test) if type(n) in (ast.Attribute, ast.Name)}
    if not names & _DEV_NAMES:
        return False
    values = {n.value.lower() for n in ast.walk(test) if type(n) is ast.Constant and isinstance(n.value, str)}
    if type(test) is ast.Compare and any(type(op) in (ast.NotEq, ast.NotIn, ast.IsNot) for op in test.ops):
        return False
    return "DEBUG" in names or "TESTING" in names or bool(values & _DEV_VALUES)


def _arg(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    if 0 <= index < len(call.args) and type(call.args[index]) is not ast.Starred:
        return call.args[index]
    return None


def _strings(node: ast.AST) -> list[str] | None:
    if type(node) not in (ast.List, ast.Tuple, ast.Set):
        return None
    out = [str_const(e) for e in node.elts]  # type: ignore[attr-defined]
    return [s for s in out if s is not None]


def _route_args(call: ast.Call | None, with_route: bool = True) -> tuple[str | None, tuple[str, ...]]:
    """The URL rule (first positional string, or `rule=` / `path=`) and `methods=[...]`."""
    if call is None:
        return None, ()
    route = None
    if with_route:
        route = str_const(call.args[0]) if call.args else None
    methods: tuple[str, ...] = ()
    for k in call.keywords:
        if with_route and k.arg in ("rule", "path") and route is None:
            route = str_const(k.value)
        elif k.arg == "methods":
            found = _strings(k.value)
            if found is not None:
                methods = tuple(m.upper() for m in found)
    return route, methods


def _fields_set_in_init(cls: ast.ClassDef) -> list[tuple[str, ast.Call, ast.AST]]:
    """`self.fields["creator"] = TeamSerializer()` in a serializer's `__init__` (under an
    `if` too): a field added per instance, which reads through the row as a declared one does."""
    out: list[tuple[str, ast.Call, ast.AST]] = []
    for item in cls.body:
        if type(item) is not ast.FunctionDef or item.name != "__init__" or not item.args.args:
            continue
        me = item.args.args[0].arg
        for node in ast.walk(item):
            if type(node) is not ast.Assign or len(node.targets) != 1 or type(node.value) is not ast.Call:
                continue
            tgt = node.targets[0]
            if type(tgt) is not ast.Subscript or type(tgt.value) is not ast.Attribute or tgt.value.attr != "fields":
                continue
            if type(tgt.value.value) is not ast.Name or tgt.value.value.id != me:
                continue
            key = str_const(tgt.slice)
            if key:
                out.append((key, node.value, tgt))
            if len(out) >= _MAX_INIT_FIELDS:
                return out
    return out
