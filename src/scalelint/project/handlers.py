"""Request handlers: which functions serve requests, the way each framework wires them.

Per-file facts say what a file *may* wire (scalelint.python.routes): `@x.get("/")` on some `x`,
`path("", views.index)`, `router.register("events", EventViewSet)`, `"shop.middleware.Timing"`
in MIDDLEWARE. Here each is decided with every file in hand:

- a decorator or registration method counts when its object, followed across modules, is built
  by a framework's routing class (`flask.Flask`, `fastapi.APIRouter`, `django.template.Library`...),
  by a project subclass of one, or by a project factory that returns one (`create_app()`);
- a class is a view when its bases, followed across modules through the project's own classes,
  reach a framework's view class (DRF viewsets and generic views, Django `View` and generic
  views, Flask `MethodView`, Starlette endpoints); its handlers are the methods it (or a project
  base) defines, plus the actions a generic base provides that the project does not define
  (`implicit`). A class counts when something wires it (`as_view`, `router.register`, a class
  decorator, `Route(endpoint=...)`) or when it is a leaf (no project class derives from it);
- Django middleware and context processors come from the production settings module(s)
  (`Project.django`), following `from .base import *`; signal receivers from Django's model,
  request and auth signals; FastAPI dependencies from `Depends(...)` reachable from a route.

Only production code counts (`is_non_production_path`). When unsure, it is not a handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from scalelint.facts import (
    Choice,
    ClassFacts,
    Const,
    Expr,
    FunctionFacts,
    PythonFacts,
    RouteObject,
    RouteSite,
    SCall,
    SConst,
    SName,
    Span,
    Sym,
)
from scalelint.frameworks import django as dj
from scalelint.frameworks import drf, express, fastapi, flask, quart, rpc, sanic, starlette
from scalelint.project import admin_sites, is_non_production_path
from scalelint.project.mro import linearise
from scalelint.project.names import follow

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["Handler", "Handlers", "DrfView", "build_handlers"]


@dataclass(frozen=True)
class Handler:
    qualname: str  # the function/method; for an implicit DRF action "<class qualname>.<action>"
    path: str  # project-relative file of the function (of the class for implicit actions)
    framework: str  # flask | quart | sanic | fastapi | starlette | django | drf
    kind: str  # route | view | action | middleware | context-processor | template-tag | signal | dependency | serializer-method | error-handler
    is_async: bool
    span: Span  # where it is wired (decorator, path(...) entry, router.register) or the def name
    route: str | None = None  # the URL rule when a literal
    methods: tuple[str, ...] = ()  # HTTP methods when known
    implicit: bool = False  # DRF action inherited, not defined in the project
    view_class: str | None = None  # the class qualname for methods/implicit actions
    wired_at: str | None = None  # project-relative file `span` is in (urls.py, settings.py, ...)


@dataclass(frozen=True)
class DrfView:
    """What a class-based view lists and how it is paginated, attributes inherited from project
    bases resolved. For DRF classes (`framework == "drf"`) and Django generic views."""

    qualname: str
    path: str
    framework: str  # drf | django
    style: str  # viewset | apiview (DRF APIView and generic views) | django
    bases: tuple[str, ...]  # the framework classes it derives from ("rest_framework.viewsets.ModelViewSet")
    actions: tuple[str, ...] = ()  # handler methods it serves, defined and implicit
    lists: bool = False  # it serves a list of rows: a `list` action, or a Django ListView / date archive
    implicit: tuple[str, ...] = ()  # those of `actions` the project does not define
    queryset: Sym | None = None  # `queryset = ...` on the class or a project base
    queryset_owner: str | None = None  # the class that sets it
    get_queryset: str | None = None  # qualname of the project's `get_queryset`, when one is defined
    serializer_class: Sym | None = None
    serializer: str | None = None  # serializer_class resolved to a qualified name, when it is a name
    get_serializer_class: str | None = None
    model: str | None = None  # Django generic views: `model = X`, qualified
    pagination_class: Sym | None = None  # as the class or a project base sets it (None: not set there)
    pagination: str | None = None  # the paginator in effect: that class, else DEFAULT_PAGINATION_CLASS (None: none)
    paginated: bool | None = False  # lists are cut into pages; None when that cannot be told (a setting from the environment)
    page_size: int | None = None  # Django `paginate_by`, when it is a number the repository writes


class Handlers:
    """`all`: every handler, one per place that wires it; `views`: class qualname -> DrfView for
    every DRF class and Django class-based view of the project (wired or not); `admins`: the
    Django admin registrations."""

    def __init__(self, handlers: list[Handler], views: dict[str, DrfView], admins: "list[admin_sites.Registration] | None" = None):
        self.all = handlers
        self.views = views
        self.admins = admins or []  # Django admin registrations (project.admin_sites)
        self._by_qualname: dict[str, list[Handler]] = {}
        for h in handlers:
            self._by_qualname.setdefault(h.qualname, []).append(h)

    def of(self, qualname: str) -> list[Handler]:
        """Handlers whose function is `qualname` (one per place that wires it)."""
        return self._by_qualname.get(qualname, [])

    def is_handler(self, qualname: str) -> bool:
        return qualname in self._by_qualname

    def drf_view(self, class_qualname: str) -> DrfView | None:
        view = self.views.get(class_qualname)
        return view if view is not None and view.framework == "drf" else None

    def class_view(self, class_qualname: str) -> DrfView | None:
        """`drf_view`, and Django's class-based views too."""
        return self.views.get(class_qualname)

    def __iter__(self):
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)


def build_handlers(project: "Project") -> Handlers:
    return _Builder(project).build()


# --- framework tables gathered ------------------------------------------------------------------

# routing-object constructor -> (framework, role)
_OBJECTS: dict[str, tuple[str, str]] = {
    **{q: ("flask", r) for q, r in flask.ROUTE_OBJECTS.items()},
    **{q: ("quart", r) for q, r in quart.ROUTE_OBJECTS.items()},
    **{q: ("sanic", r) for q, r in sanic.ROUTE_OBJECTS.items()},
    **{q: ("starlette", r) for q, r in starlette.ROUTE_OBJECTS.items()},
    **{q: ("fastapi", r) for q, r in fastapi.ROUTE_OBJECTS.items()},
    **{q: ("django", "library") for q in dj.TEMPLATE_LIBRARIES},
    **{q: ("express", r) for q, r in express.ROUTE_OBJECTS.items()},
}
# decorator methods per framework (Quart has Flask's API; FastAPI Starlette's and its own)
_DECORATORS: dict[str, dict[str, tuple[str, tuple[str, ...] | None]]] = {
    "flask": flask.ROUTE_DECORATORS,
    "quart": flask.ROUTE_DECORATORS,
    "sanic": sanic.ROUTE_DECORATORS,
    "starlette": starlette.ROUTE_DECORATORS,
    "fastapi": {**starlette.ROUTE_DECORATORS, **fastapi.ROUTE_DECORATORS},
    "express": express.ROUTE_DECORATORS,
}
_REGISTERS: dict[str, dict[str, tuple[int, str, int, str]]] = {
    "flask": flask.REGISTER_METHODS,
    "quart": flask.REGISTER_METHODS,
    "sanic": sanic.REGISTER_METHODS,
    "starlette": starlette.REGISTER_METHODS,
    "fastapi": {**starlette.REGISTER_METHODS, **fastapi.REGISTER_METHODS},
}
_ROUTE_CLASSES = {**{q: "starlette" for q in starlette.ROUTE_CLASSES}, **{q: "fastapi" for q in fastapi.ROUTE_CLASSES}}

# class-based views: framework base -> (framework, style)
_VIEW_ROOTS: dict[str, tuple[str, str]] = {
    **{q: ("drf", "viewset") for q in drf.VIEWSET_BASES},
    **{q: ("drf", "apiview") for q in drf.API_VIEW_BASES},
    **{q: ("django", "django") for q in dj.CLASS_VIEWS},
    **{q: ("flask", "flask") for q in flask.CLASS_VIEWS},
    **{q: ("quart", "flask") for q in quart.CLASS_VIEWS},
    **{q: ("starlette", "endpoint") for q in starlette.ENDPOINT_BASES},
    **{q: ("starlette", "middleware") for q in starlette.MIDDLEWARE_BASES},
}
_STYLE_ORDER = ("viewset", "apiview", "django", "flask", "endpoint", "middleware")
_HANDLER_METHODS: dict[str, frozenset[str]] = {
    "viewset": drf.ACTIONS,
    "apiview": drf.HTTP_HANDLER_METHODS,
    "django": dj.VIEW_HANDLER_METHODS,
    "flask": flask.VIEW_HANDLER_METHODS,
    "endpoint": frozenset().union(*starlette.ENDPOINT_BASES.values()),
    "middleware": frozenset().union(*starlette.MIDDLEWARE_BASES.values()),
    "asgi": starlette.ASGI_MIDDLEWARE_METHODS,
}
_DISPATCH = frozenset({"dispatch", "dispatch_request"})
_AS_VIEW_SUFFIX = "." + dj.AS_VIEW


class _Builder:
    def __init__(self, project: "Project"):
        self.p = project
        self.functions: dict[str, tuple[str, FunctionFacts]] = {}
        self.methods: dict[str, dict[str, str]] = {}  # class -> method name -> method qualname
        self.classes: dict[str, tuple[str, ClassFacts]] = {}
        self.objects: dict[str, RouteObject] = {}
        self.sites: list[tuple[str, RouteSite]] = []
        self.subclassed: set[str] = set()
        self.out: list[Handler] = []
        self.seen: set[tuple] = set()
        # class -> its wirings: (file, site, framework, style) (framework/style None: from its bases)
        self.wired: dict[str, list[tuple[str, RouteSite, str | None, str | None]]] = {}
        self.actions: dict[str, tuple[str, RouteSite]] = {}  # @action method -> (file, site)
        self.api_views: dict[str, tuple[str, RouteSite]] = {}  # @api_view function -> (file, site)
        self.views: dict[str, DrfView] = {}
        self._mro: dict[str, list[str]] = {}
        self._roots: dict[str, frozenset[str]] = {}
        self._kind_cache: dict[str, tuple[str, str] | None] = {}
        self._settings: dict[str, list[tuple[Expr, str]]] | None = None
        self._chosen: list[tuple[str, PythonFacts]] | None = None  # the settings modules production runs
        self._flask_app: bool | None = None

    # --- facts --------------------------------------------------------------------------------

    def build(self) -> Handlers:
        self._collect()
        self._wire_sites()
        self._class_views()
        self._serializers()
        self._django_settings()
        self._dependencies()
        admins = admin_sites.registrations(self)
        admin_sites.wire(self, admins)
        return Handlers(self.out, self.views, admins)

    def _collect(self) -> None:
        for path, facts in sorted(self.p.modules.values(), key=lambda item: item[0]):
            if is_non_production_path(path):
                continue
            for fn in facts.functions:
                self.functions.setdefault(fn.qualname, (path, fn))
                if fn.class_name:
                    self.methods.setdefault(fn.class_name, {}).setdefault(fn.name, fn.qualname)
            for c in facts.classes:
                self.classes.setdefault(c.qualname, (path, c))
            for o in facts.route_objects:
                self.objects.setdefault(o.qualname, o)
            for s in facts.routes:
                self.sites.append((path, s))
        for q in self.classes:
            for base in self._project_bases(q):
                self.subclassed.add(base)

    # --- names --------------------------------------------------------------------------------

    def _class(self, ref: str | None) -> str | None:
        if not ref:
            return None
        if ref in self.classes or ref in self.methods:
            return ref
        target = follow(self.p, ref)
        if target.qual in self.classes or target.qual in self.methods:
            return target.qual
        if target.status == "missing":
            return self._star_class(target.qual, 0)
        return None

    def _star_class(self, qual: str, depth: int) -> str | None:
        """`views.EditView` where `views/__init__.py` does `from .settings import *` and EditView
        has no methods: name resolution knows classes by their methods, these facts by their bases."""
        module, _, name = qual.rpartition(".")
        found = self.p.find_module(module) if depth < 4 else None
        for star in reversed(found[1].star_imports) if found else ():
            inner = self.p.find_module(star)
            if inner is None:
                continue
            candidate = f"{inner[1].module}.{name}"
            if candidate in self.classes or candidate in self.methods:
                return candidate
            hit = self._star_class(candidate, depth + 1)
            if hit is not None:
                return hit
        return None

    def _bound_view(self, ref: str | None) -> str | None:
        """The class of a module-level `name = Cls.as_view(...)` that `ref` names."""
        if not ref:
            return None
        obj = self.objects.get(ref) or self.objects.get(follow(self.p, ref).qual)
        if obj is None or not obj.constructor.endswith(_AS_VIEW_SUFFIX):
            return None
        return self._class(obj.constructor[: -len(_AS_VIEW_SUFFIX)])

    def _function(self, ref: str | None) -> str | None:
        if not ref:
            return None
        if ref in self.functions:
            return ref
        q = follow(self.p, ref).qual
        return q if q in self.functions else None

    def _project_bases(self, q: str) -> list[str]:
        entry = self.classes.get(q)
        if entry is None:
            return []
        out = []
        for b in entry[1].bases:
            c = self._class(b)
            if c is not None and c != q:
                out.append(c)
        return out

    def mro(self, q: str) -> list[str]:
        """`q` and its project ancestors in Python's method resolution order (C3), so a mixin's
        `get_queryset` wins over a base's; an inconsistent hierarchy keeps the bases in order."""
        return linearise(q, self._project_bases, self._mro)

    def roots(self, q: str) -> frozenset[str]:
        """The framework (non-project) classes `q` derives from, as canonical names."""
        hit = self._roots.get(q)
        if hit is not None:
            return hit
        found: set[str] = set()
        for c in self.mro(q):
            entry = self.classes.get(c)
            for b in entry[1].bases if entry else ():
                if self._class(b) is None:
                    found.add(follow(self.p, b).qual)
        result = frozenset(found)
        self._roots[q] = result
        return result

    def _defined(self, q: str) -> dict[str, str]:
        """Method name -> qualname of the first definition along the project MRO."""
        out: dict[str, str] = {}
        for c in self.mro(q):
            for name, mq in self.methods.get(c, {}).items():
                out.setdefault(name, mq)
        return out

    def _attribute(self, q: str, name: str) -> tuple[Sym | None, str | None]:
        for c in self.mro(q):
            entry = self.classes.get(c)
            for attr, value in entry[1].attributes if entry else ():
                if attr == name:
                    return value, c
        return None, None

    def _sym_name(self, s: Sym | None) -> str | None:
        if type(s) is SName:
            return self._class(s.qual) or follow(self.p, s.qual).qual  # type: ignore[union-attr]
        return None

    # --- routing objects ----------------------------------------------------------------------

    def _object(self, receiver: str | None) -> tuple[str, str] | None:
        """(framework, role) of the object a method is called on."""
        if receiver is None:
            return None
        if receiver in self._kind_cache:
            return self._kind_cache[receiver]
        self._kind_cache[receiver] = None  # cycles
        obj = self.objects.get(receiver)
        if obj is None:
            obj = self.objects.get(follow(self.p, receiver).qual)
        kind = self._constructed(obj.constructor, 0) if obj is not None else None
        self._kind_cache[receiver] = kind
        return kind

    def _app_parameter(self, s: RouteSite) -> tuple[str, str] | None:
        """`def register_error_handlers(app): app.register_error_handler(404, page_not_found)`:
        an unannotated parameter that only a Flask app has these hook methods for, in a project
        that builds a Flask app, is taken as that app (a factory's helpers are written this way)."""
        if s.via not in flask.APP_HOOK_METHODS or s.receiver is None:
            return None
        owner, _, name = s.receiver.rpartition(".")
        found = self.functions.get(owner)
        if found is None or name not in found[1].params or not self._builds_flask_app():
            return None
        return ("flask", "app")

    def _builds_flask_app(self) -> bool:
        if self._flask_app is None:
            self._flask_app = any(_OBJECTS.get(o.constructor) == ("flask", "app") for o in self.objects.values())
        return self._flask_app

    def _constructed(self, ctor: str, depth: int) -> tuple[str, str] | None:
        """What calling `ctor` builds: a framework class, a project subclass of one, or what a
        project factory returns (`return app` / `return Flask(__name__)`)."""
        if depth > 4:
            return None
        if ctor in _OBJECTS:
            return _OBJECTS[ctor]
        canonical = follow(self.p, ctor).qual
        if canonical in _OBJECTS:
            return _OBJECTS[canonical]
        cls = self._class(ctor)
        if cls is not None:
            for root in sorted(self.roots(cls)):
                if root in _OBJECTS:
                    return _OBJECTS[root]
            return None
        fn = self._function(ctor)
        if fn is not None:
            for r in self.functions[fn][1].returns:
                if type(r) is SCall and type(r.func) is SName:  # type: ignore[union-attr]
                    kind = self._constructed(r.func.qual, depth + 1)  # type: ignore[union-attr]
                    if kind is not None:
                        return kind
                elif type(r) is SName and r.qual in self.objects:  # type: ignore[union-attr]
                    return self._object(r.qual)  # type: ignore[union-attr]
        return None

    # --- output -------------------------------------------------------------------------------

    def _add(self, h: Handler) -> None:
        key = (h.qualname, h.kind, h.span, h.wired_at, h.view_class)
        if key not in self.seen:
            self.seen.add(key)
            self.out.append(h)

    def _function_handler(
        self,
        fq: str,
        framework: str,
        kind: str,
        site_path: str | None,
        site: RouteSite | None,
        route: str | None = None,
        methods: tuple[str, ...] = (),
        view_class: str | None = None,
    ) -> None:
        path, fn = self.functions[fq]
        span = site.span if site is not None else fn.span
        wired_at = site_path or path
        self._add(Handler(fq, path, framework, kind, fn.is_async, span, route, methods, False, view_class, wired_at))

    def _wire_class(self, cq: str, path: str, site: RouteSite, framework: str | None = None, style: str | None = None) -> None:
        self.wired.setdefault(cq, []).append((path, site, framework, style))

    # --- sites --------------------------------------------------------------------------------

    def _wire_sites(self) -> None:
        url_sites = []
        for path, s in self.sites:
            via = s.via
            if via in dj.URL_FUNCTIONS:
                url_sites.append((path, s))
            elif via in drf.API_VIEW_DECORATORS:
                fq = self._function(s.target)
                if fq is not None:
                    self.api_views.setdefault(fq, (path, s))
            elif via in rpc.HANDLER_DECORATORS:
                fq = self._function(s.target)
                if fq is not None:
                    self._function_handler(fq, rpc.HANDLER_DECORATORS[via], "view", path, s, s.route, (), self.functions[fq][1].class_name)
            elif via in flask.EXPOSE_DECORATORS:
                fq = self._function(s.target)
                owner = self.functions[fq][1].class_name if fq is not None else None
                if fq is not None and owner:
                    self._function_handler(fq, "flask", "route", path, s, s.route, s.methods, owner)
            elif via in drf.ACTION_DECORATORS:
                if s.target in self.functions:
                    self.actions[s.target] = (path, s)  # type: ignore[index]
            elif via in dj.RECEIVER_DECORATORS or via == dj.SIGNAL_CONNECT:
                fq = self._function(s.target)
                if fq is not None:
                    self._function_handler(fq, "django", "signal", path, s)
            elif via in _ROUTE_CLASSES:
                self._route_class(path, s, _ROUTE_CLASSES[via])
            elif via in starlette.MIDDLEWARE_WRAPPERS:
                cq = self._class(s.target)
                if cq is not None:
                    self._wire_class(cq, path, s, "starlette", "asgi")
            elif via == drf.ROUTER_REGISTER:
                cq = self._class(s.target)
                if cq is not None:
                    self._wire_class(cq, path, s, "drf", "viewset")
            elif via in ("fastapi.Depends", "annotation"):
                continue  # after the routes: see _dependencies
            elif s.receiver is not None:
                self._method_site(path, s)
        used_api_views: set[str] = set()
        for path, s in url_sites:
            self._url_site(path, s, used_api_views)
        for fq, (path, s) in self.api_views.items():
            if fq not in used_api_views:
                self._function_handler(fq, "drf", "view", path, s, None, s.methods)

    def _method_site(self, path: str, s: RouteSite) -> None:
        obj = self._object(s.receiver) or self._app_parameter(s)
        if obj is None:
            return
        framework, role = obj
        if role == "library":
            if s.via in dj.TEMPLATE_TAG_DECORATORS:
                fq = self._function(s.target)
                if fq is not None:
                    self._function_handler(fq, "django", "template-tag", path, s)
            return
        if s.via == starlette.ADD_MIDDLEWARE_METHOD:
            cq = self._class(s.target)
            if cq is not None and framework in ("starlette", "fastapi"):
                self._wire_class(cq, path, s, framework, "asgi")
            return
        decorators = _DECORATORS.get(framework, {})
        registers = _REGISTERS.get(framework, {})
        if s.via in decorators:
            kind, methods = decorators[s.via]
        elif s.via in registers:
            kind, methods = registers[s.via][3], None
        else:
            return
        route = s.route if kind == "route" else None  # `@app.middleware("http")`: not a URL
        if kind == "route":
            methods = s.methods or methods or ("GET",)
        fq = None if s.as_view else self._function(s.target)
        if fq is not None:
            self._function_handler(fq, framework, kind, path, s, route, tuple(methods or ()))
            return
        cq = self._class(s.target) or self._bound_view(s.target)
        if cq is not None and kind == "route":
            style = "endpoint" if framework in ("starlette", "fastapi") else "flask"
            self._wire_class(cq, path, s, framework, style)

    def _route_class(self, path: str, s: RouteSite, framework: str) -> None:
        fq = self._function(s.target)
        if fq is not None:
            self._function_handler(fq, framework, "route", path, s, s.route, s.methods or ("GET",))
            return
        cq = self._class(s.target)
        if cq is not None:
            self._wire_class(cq, path, s, framework, "endpoint")

    def _url_site(self, path: str, s: RouteSite, used_api_views: set[str]) -> None:
        if not s.as_view:
            fq = self._function(s.target)
            if fq is not None:
                api = self.api_views.get(fq)
                if api is not None:
                    used_api_views.add(fq)
                    self._function_handler(fq, "drf", "view", path, s, s.route, api[1].methods)
                else:
                    self._function_handler(fq, "django", "view", path, s, s.route)
                return
        cq = self._class(s.target) or self._bound_view(s.target)
        if cq is not None:
            self._wire_class(cq, path, s, "django", "django")

    # --- class-based views ------------------------------------------------------------------------

    def _view_kind(self, q: str) -> tuple[str, str] | None:
        roots = self.roots(q)
        found = [_VIEW_ROOTS[r] for r in roots if r in _VIEW_ROOTS]
        if not found:
            return None
        return min(found, key=lambda fs: _STYLE_ORDER.index(fs[1]))

    def _class_views(self) -> None:
        for q in sorted(set(self.classes) | set(self.wired)):
            kind = self._view_kind(q)
            wirings = self.wired.get(q, [])
            if kind is None:
                # wired by a call only a view can take (`as_view`, `router.register`), its
                # framework base not known to us: the methods it defines
                for path, site, framework, style in wirings:
                    if framework is not None and style is not None:
                        self._emit_class(q, framework, style, path, site, implicit_too=False)
                continue
            framework, style = kind
            if framework == "drf" or style == "django":
                self.views[q] = self._view_facts(q, framework, style)
            if wirings:
                for path, site, _, wired_style in wirings:
                    # `add_middleware(Cls)`: BaseHTTPMiddleware's dispatch, or a raw ASGI __call__
                    emit_style = "asgi" if wired_style == "asgi" and style != "middleware" else style
                    self._emit_class(q, framework, emit_style, path, site)
            elif q not in self.subclassed:
                self._emit_class(q, framework, style, None, None, implicit_too=self._concrete(q))

    def _concrete(self, q: str) -> bool:
        """An unwired leaf class gets implicit actions only when it says what it serves."""
        defined = self._defined(q)
        return any(self._attribute(q, a)[0] is not None for a in ("queryset", "serializer_class", "model")) or (
            "get_queryset" in defined
        )

    def _handler_names(self, q: str, style: str, defined: dict[str, str]) -> set[str]:
        """Method names of `q` that serve requests in this style, when defined."""
        names = set(_HANDLER_METHODS.get(style, frozenset()))
        if style == "viewset":
            names.update(name for name, mq in defined.items() if mq in self.actions)
        elif style == "apiview":
            # a generic view's own get() runs the action (`list`) the project may have written
            for r in self.roots(q):
                for action in drf.API_VIEW_BASES.get(r, ()):
                    if drf.ACTION_VIA_METHOD[action] not in defined:
                        names.add(action)
        return names

    def _emit_class(
        self, q: str, framework: str, style: str, site_path: str | None, site: RouteSite | None, implicit_too: bool = True
    ) -> None:
        defined = self._defined(q)
        names = self._handler_names(q, style, defined)
        allowed: dict[str, tuple[str, ...]] | None = None  # as_view({"get": "list"}): action -> HTTP methods
        if site is not None and site.args and style == "viewset":
            mapping: dict[str, list[str]] = {}
            for pair in site.args:
                method, _, action = pair.partition("=")
                mapping.setdefault(action, []).append(method.upper())
            allowed = {a: tuple(m) for a, m in mapping.items()}
        route = site.route if site is not None else None
        kind = {"viewset": "action", "middleware": "middleware", "asgi": "middleware"}.get(style, "view")
        for name, mq in defined.items():
            if name not in names or (allowed is not None and name not in allowed):
                continue
            if allowed is not None:
                methods = allowed[name]
            elif mq in self.actions:
                methods = self.actions[mq][1].methods
            elif name in drf.ACTION_HTTP and style in ("viewset", "apiview"):
                methods = (drf.ACTION_HTTP[name],)
            elif name in _DISPATCH or kind == "middleware":
                methods = site.methods if site is not None else ()
            else:
                methods = (name.upper(),)
            path, fn = self.functions[mq]
            span = site.span if site is not None else fn.span
            handler_kind = "action" if style == "apiview" and name in drf.ACTIONS else kind
            wired_at = site_path or path
            self._add(Handler(mq, path, framework, handler_kind, fn.is_async, span, route, tuple(methods), False, q, wired_at))
        if not implicit_too:
            return
        implicit_kind = "action" if framework == "drf" else "view"
        for action in self._implicit(q, style, defined):  # only classes with known bases have some: in self.classes
            if allowed is not None and action not in allowed:
                continue
            path, c = self.classes[q]
            span = site.span if site is not None else c.span
            methods = (allowed or {}).get(action) or (drf.ACTION_HTTP.get(action) or action.upper(),)
            self._add(Handler(f"{q}.{action}", path, framework, implicit_kind, False, span, route, methods, True, q, site_path or path))

    def _implicit(self, q: str, style: str, defined: dict[str, str]) -> list[str]:
        roots = self.roots(q)
        out: list[str] = []
        if style == "viewset":
            for r in sorted(roots):
                out.extend(drf.VIEWSET_BASES.get(r, ()))
                out.extend(drf.MIXINS.get(r, ()))
            out = [a for a in out if a not in defined]
        elif style == "apiview":
            for r in sorted(roots):
                out.extend(drf.API_VIEW_BASES.get(r, ()))
            out = [a for a in out if a not in defined and drf.ACTION_VIA_METHOD.get(a) not in defined]
        elif style == "django":
            for r in sorted(roots):
                out.extend(dj.CLASS_VIEWS.get(r, ()))
            out = [m for m in out if m not in defined]
        return list(dict.fromkeys(out))

    def _view_facts(self, q: str, framework: str, style: str) -> DrfView:
        path = self.classes[q][0] if q in self.classes else ""
        defined = self._defined(q)
        implicit = self._implicit(q, style, defined)
        names = self._handler_names(q, style, defined)
        actions = tuple(n for n in defined if n in names) + tuple(implicit)
        queryset, owner = self._attribute(q, "queryset")
        serializer, _ = self._attribute(q, "serializer_class")
        model, _ = self._attribute(q, "model")
        roots = self.roots(q)
        if framework == "drf":
            pagination_class, pagination, paginated = self._drf_pagination(q, roots)
        else:
            pagination_class, pagination, paginated = self._django_pagination(q, roots, defined)
        return DrfView(
            qualname=q,
            path=path,
            framework=framework,
            style=style,
            bases=tuple(sorted(r for r in roots if r in _VIEW_ROOTS or r in drf.MIXINS)),
            actions=actions,
            lists="list" in actions or bool(roots & dj.LIST_VIEW_BASES),
            implicit=tuple(implicit),
            queryset=queryset,
            queryset_owner=owner,
            get_queryset=defined.get("get_queryset"),
            serializer_class=serializer,
            serializer=self._sym_name(serializer),
            get_serializer_class=defined.get("get_serializer_class"),
            model=self._sym_name(model),
            pagination_class=pagination_class,
            pagination=pagination,
            paginated=paginated,
            page_size=self._page_size(pagination_class) if framework != "drf" and paginated else None,
        )

    def _page_size(self, value: Sym | None) -> int | None:
        if type(value) is SConst:
            found = value.value  # type: ignore[union-attr]
        elif type(value) is SName:
            found = self._module_constant(value.qual)  # type: ignore[union-attr]
        else:
            return None
        return found if type(found) is int and found > 0 else None

    # --- pagination -------------------------------------------------------------------------------

    def _drf_pagination(self, q: str, roots: frozenset[str]) -> tuple[Sym | None, str | None, bool | None]:
        attr, _ = self._attribute(q, "pagination_class")
        if attr is not None:
            if type(attr) is SConst and attr.value is None:  # type: ignore[union-attr]
                return attr, None, False
            name = self._sym_name(attr)
            return attr, name, self._paginates(name) if name else None
        if not roots & drf.GENERIC_BASES:
            # APIView / ViewSet: pagination is the view's own code; a base we do not know: unknown
            known = any(r in _VIEW_ROOTS for r in roots)
            return None, None, False if known else None
        values = self._setting(f"{drf.SETTINGS}.{drf.DEFAULT_PAGINATION_CLASS}")
        if not values:
            # settings that run code we do not read (`exec` of `.conf` files) may set it there
            return None, None, None if self._settings_opaque() else False
        results = []
        name = None
        for expr in values:
            for option in _options(expr):
                if type(option) is Const and option.value is None:
                    results.append(False)
                elif type(option) is Const and isinstance(option.value, str):
                    name = self._class(option.value) or option.value
                    results.append(self._paginates(name))
                else:
                    results.append(None)
        if any(r is True for r in results):
            return None, name, True
        return None, name, None if any(r is None for r in results) else False

    def _paginates(self, name: str) -> bool | None:
        """Whether a pagination class cuts lists into pages by default."""
        cls = self._class(name)
        if cls is not None:
            for attr in drf.PAGE_SIZE_ATTRIBUTES:
                value, _ = self._attribute(cls, attr)
                if value is not None and not (type(value) is SConst and value.value is None):  # type: ignore[union-attr]
                    return True
            defined = self._defined(cls)
            if any(m in defined for m in ("paginate_queryset", "get_page_size", "get_limit")):
                return True
            if not self.roots(cls) & drf.PAGINATION_CLASSES:
                return True  # some other paginator: it paginates, or it would not be one
        elif follow(self.p, name).qual not in drf.PAGINATION_CLASSES:
            return True
        # DRF's own classes take their page size from REST_FRAMEWORK["PAGE_SIZE"]
        values = self._setting(f"{drf.SETTINGS}.{drf.PAGE_SIZE}")
        results = [_positive(o) for expr in values for o in _options(expr)]
        if not results:
            return False
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False

    def _django_pagination(self, q: str, roots: frozenset[str], defined: dict[str, str]) -> tuple[Sym | None, str | None, bool | None]:
        value, _ = self._attribute(q, "paginate_by")
        if "get_paginate_by" in defined:
            return value, None, True
        if value is None:
            return None, None, False
        if type(value) is SConst:
            return value, None, bool(value.value)  # type: ignore[union-attr]
        if type(value) is SName:  # `paginate_by = PAGINATION_OBJECTS_PER_PAGE`, a project constant
            constant = self._module_constant(value.qual)  # type: ignore[union-attr]
            if constant is not None:
                return value, None, bool(constant)
        return value, None, None

    def _module_constant(self, qual: str) -> object | None:
        """The literal a project module assigns to `qual` (`wger.utils.constants.PAGE = 25`)."""
        target = follow(self.p, qual).qual
        module, _, name = target.rpartition(".")
        found = self.p.find_module(module) if module else None
        if found is None:
            return None
        value = next((a.value for a in reversed(found[1].assignments) if a.name == name), None)
        return value.value if isinstance(value, Const) else None

    # --- serializers ------------------------------------------------------------------------------

    def _serializers(self) -> None:
        for q in sorted(self.classes):
            mro = self.mro(q)
            if not any(self.classes[c][1].method_fields for c in mro if c in self.classes):
                continue
            defined = self._defined(q)
            for c in mro:
                for _, method, span in self.classes[c][1].method_fields if c in self.classes else ():
                    mq = defined.get(method)
                    if mq is None:
                        continue
                    path, fn = self.functions[mq]
                    owner = fn.class_name or q
                    field_at = self.classes[c][0]
                    self._add(Handler(mq, path, "drf", "serializer-method", fn.is_async, span, None, (), False, owner, field_at))

    # --- Django settings --------------------------------------------------------------------------

    def _setting(self, name: str) -> list[Expr]:
        return [expr for expr, _ in self._settings_state().get(name, [])]

    def _settings_state(self) -> dict[str, list[tuple[Expr, str]]]:
        """Every setting entry's values as production ends up with them, with the file each is in."""
        if self._settings is not None:
            return self._settings
        merged: dict[str, list[tuple[Expr, str]]] = {}
        for path, facts in self._chosen_settings():
            state: dict[str, list[tuple[Expr, str]]] = {}
            self._apply(path, facts, state, set())
            for name, values in state.items():
                merged.setdefault(name, []).extend(values)
        self._settings = merged
        return merged

    def _chosen_settings(self) -> list[tuple[str, PythonFacts]]:
        """The settings modules production runs: Django's choice, else every module with entries."""
        if self._chosen is not None:
            return self._chosen
        try:
            chosen = [(s.path, s.facts) for s in self.p.django.production_settings]
        except Exception:  # noqa: BLE001 - settings discovery must never break the handler model
            chosen = []
        if not chosen:
            chosen = [
                (path, facts)
                for path, facts in sorted(self.p.modules.values(), key=lambda item: item[0])
                if facts.setting_entries and not is_non_production_path(path)
            ]
        self._chosen = chosen
        return chosen

    def _settings_opaque(self) -> bool:
        """A settings module (chosen, or named so) runs code we do not read (`exec` of `.conf`
        files, django-split-settings' `include`): a setting it lacks may be set there."""
        return any(facts.names_set_dynamically for _, facts in self._chosen_settings()) or any(
            facts.names_set_dynamically and "settings" in name.split(".") for name, (_, facts) in self.p.modules.items()
        )

    def _apply(self, path: str, facts, state: dict[str, list[tuple[Expr, str]]], seen: set[str]) -> None:
        if facts.module in seen or len(seen) > 10:
            return
        seen.add(facts.module)
        for module in facts.star_imports:
            found = self.p.find_module(module)
            if found is not None:
                self._apply(found[0], found[1], state, seen)
        for e in facts.setting_entries:
            values = [(v, path) for v in e.values]
            if e.name == drf.SETTINGS:
                for key in [k for k in state if k.startswith(drf.SETTINGS + ".")]:
                    del state[key]
            elif e.extend:
                state.setdefault(e.name, []).extend(values)
            else:
                state[e.name] = values

    def _django_settings(self) -> None:
        state = self._settings_state()
        for setting in dj.MIDDLEWARE_SETTINGS:
            for expr, path in state.get(setting, []):
                for option in _options(expr):
                    if type(option) is Const and isinstance(option.value, str):
                        self._middleware(option.value, option.span, path)
        for expr, path in state.get(f"{dj.TEMPLATES_SETTING}.{dj.CONTEXT_PROCESSORS}", []):
            for option in _options(expr):
                if type(option) is Const and isinstance(option.value, str):
                    fq = self._function(option.value)
                    if fq is not None:
                        self._settings_handler(fq, "context-processor", option.span, path)

    def _middleware(self, dotted: str, span: Span | None, settings_path: str) -> None:
        cq = self._class(dotted)
        if cq is not None:
            for name, mq in self._defined(cq).items():
                if name in dj.MIDDLEWARE_METHODS:
                    self._settings_handler(mq, "middleware", span, settings_path, cq)
            return
        fq = self._function(dotted)
        if fq is None:
            return
        prefix = fq + "."
        for inner in self.functions:
            if inner.startswith(prefix) and "." not in inner[len(prefix) :]:
                self._settings_handler(inner, "middleware", span, settings_path)

    def _settings_handler(self, fq: str, kind: str, span: Span | None, settings_path: str, view_class: str | None = None) -> None:
        path, fn = self.functions[fq]
        wired_at = settings_path if span else path
        self._add(Handler(fq, path, "django", kind, fn.is_async, span or fn.span, None, (), False, view_class, wired_at))

    # --- FastAPI dependencies ---------------------------------------------------------------------

    def _dependencies(self) -> None:
        """`Depends(provider)` reachable from a FastAPI route (through providers' own parameters
        and `Annotated[..., Depends(p)]` aliases), or listed in `dependencies=[...]`."""
        edges: dict[str, list[tuple[str, RouteSite, str]]] = {}
        start: list[tuple[str, RouteSite, str]] = []
        for path, s in self.sites:
            if s.via == "fastapi.Depends":
                if s.owner is None:
                    start.append((s.target, s, path))  # type: ignore[arg-type]
                else:
                    owner = self._function(s.owner) or follow(self.p, s.owner).qual
                    edges.setdefault(owner, []).append((s.target, s, path))  # type: ignore[arg-type]
            elif s.via == "annotation" and s.owner is not None:
                edges.setdefault(s.owner, []).append((s.target, s, path))  # type: ignore[arg-type]
        routes = {h.qualname for h in self.out if h.framework in ("fastapi", "starlette") and h.kind in ("route", "middleware")}
        queue: list[tuple[str, RouteSite, str] | str] = [*sorted(routes), *start]
        seen: set[str] = set()
        while queue:
            item = queue.pop(0)
            if isinstance(item, str):
                node = item
            else:
                ref, site, path = item
                fq = self._function(ref)
                factory = fq is not None and fastapi.FACTORY in site.args
                if fq is None and site.via == "fastapi.Depends":
                    # `current_active_user = current_user(active=True)` at module level, then
                    # `Depends(current_active_user)`: what the factory returned
                    value = self.p.callgraph.module_value(ref)
                    fq = self._function(value.callee) if value is not None else None
                    factory = fq is not None
                if factory:
                    # `Depends(current_user(active=True))`: the factory runs once, at import; the
                    # functions it returns are the providers
                    for r in self.functions[fq][1].returns:  # type: ignore[index]
                        provided = self._function(r.qual) if type(r) is SName else None  # type: ignore[union-attr]
                        if provided is not None:
                            self._function_handler(provided, "fastapi", "dependency", path, site)
                            queue.append(provided)
                    continue
                if fq is not None:
                    if site.via == "fastapi.Depends":
                        self._function_handler(fq, "fastapi", "dependency", path, site)
                    node = fq
                else:
                    node = follow(self.p, ref).qual  # an `Annotated[..., Depends(p)]` alias: its own Depends follow
            if node in seen:
                continue
            seen.add(node)
            queue.extend(edges.get(node, ()))


def _options(expr: Expr) -> Iterable[Expr]:
    if type(expr) is Choice:
        for o in expr.options:  # type: ignore[union-attr]
            yield from _options(o)
    else:
        yield expr


def _positive(expr: Expr) -> bool | None:
    if type(expr) is Const:
        v = expr.value  # type: ignore[union-attr]
        return bool(v) if v is None or isinstance(v, (int, float)) else None
    return None
