"""Starlette: its app class, route lists, endpoint classes and middleware."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "starlette.applications.Starlette": ("starlette", "asgi", "starlette.applications.Starlette"),
}

# --- request handlers --------------------------------------------------------------------
ROUTE_OBJECTS: dict[str, str] = {
    "starlette.applications.Starlette": "app",
    "starlette.routing.Router": "router",
}
# Decorator methods (deprecated in Starlette, still met) -> (handler kind, HTTP methods)
ROUTE_DECORATORS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "route": ("route", None),
    "websocket_route": ("route", ("WEBSOCKET",)),
    "middleware": ("middleware", ()),
    "exception_handler": ("error-handler", ()),  # runs when a request fails
}
REGISTER_METHODS: dict[str, tuple[int, str, int, str]] = {
    "add_route": (1, "route", 0, "route"),
    "add_websocket_route": (1, "route", 0, "route"),
    "add_exception_handler": (1, "handler", -1, "error-handler"),
}
# `Route("/x", endpoint, methods=[...])`: class -> (index of the endpoint, its keyword); `Mount` is not a handler
ROUTE_CLASSES: dict[str, tuple[int, str]] = {
    "starlette.routing.Route": (1, "endpoint"),
    "starlette.routing.WebSocketRoute": (1, "endpoint"),
}
# `Middleware(Cls, ...)` / `app.add_middleware(Cls, ...)`: the class runs on every request
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware"})
ADD_MIDDLEWARE_METHOD = "add_middleware"
# Class-based endpoints and middleware: base -> handler methods the project may define
ENDPOINT_BASES: dict[str, frozenset[str]] = {
    "starlette.endpoints.HTTPEndpoint": frozenset({"get", "post", "put", "patch", "delete", "head", "options"}),
    "starlette.endpoints.WebSocketEndpoint": frozenset({"on_connect", "on_receive", "on_disconnect"}),
}
MIDDLEWARE_BASES: dict[str, frozenset[str]] = {
    "starlette.middleware.base.BaseHTTPMiddleware": frozenset({"dispatch"}),
}
# a pure ASGI middleware class registered with add_middleware / Middleware
ASGI_MIDDLEWARE_METHODS = frozenset({"__call__"})
