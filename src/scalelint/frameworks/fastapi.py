"""FastAPI: its app class (its CLI is uvicorn's, see `uvicorn`), its routers and `Depends`."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "fastapi.FastAPI": ("fastapi", "asgi", "fastapi.FastAPI"),
    "fastapi.applications.FastAPI": ("fastapi", "asgi", "fastapi.FastAPI"),
}

# --- request handlers --------------------------------------------------------------------
# Objects whose methods wire handlers: constructor -> role
ROUTE_OBJECTS: dict[str, str] = {
    "fastapi.FastAPI": "app",
    "fastapi.applications.FastAPI": "app",
    "fastapi.APIRouter": "router",
    "fastapi.routing.APIRouter": "router",
}
# Decorator methods -> (handler kind, HTTP methods; None: given by `methods=`)
ROUTE_DECORATORS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    **{m: ("route", (m.upper(),)) for m in ("get", "post", "put", "patch", "delete", "head", "options", "trace")},
    "api_route": ("route", None),
    "route": ("route", None),  # Starlette's, still on FastAPI
    "websocket": ("route", ("WEBSOCKET",)),
    "websocket_route": ("route", ("WEBSOCKET",)),
    "middleware": ("middleware", ()),  # @app.middleware("http")
    "exception_handler": ("error-handler", ()),  # runs when a request fails
}
# Methods that register a callable argument: method -> (index, keyword, URL rule index, kind)
REGISTER_METHODS: dict[str, tuple[int, str, int, str]] = {
    "add_api_route": (1, "endpoint", 0, "route"),
    "add_api_websocket_route": (1, "endpoint", 0, "route"),
    "add_route": (1, "route", 0, "route"),  # Starlette's
    "add_websocket_route": (1, "route", 0, "route"),
    "add_exception_handler": (1, "handler", -1, "error-handler"),
}
# Route objects built directly: `APIRoute("/x", endpoint)` (as Starlette's Route)
ROUTE_CLASSES: dict[str, tuple[int, str]] = {
    "fastapi.routing.APIRoute": (1, "endpoint"),
    "fastapi.routing.APIWebSocketRoute": (1, "endpoint"),
}
# `Depends(provider)` / `Security(provider)`: the provider runs on every request of the handler
DEPENDS = frozenset(f"{m}.{n}" for m in ("fastapi", "fastapi.params", "fastapi.param_functions") for n in ("Depends", "Security"))
# `RouteSite.args` of a `Depends(factory(...))` site: the provider is the function the factory returns
FACTORY = "factory"
# keyword of route decorators, routers, apps and include_router() listing dependencies
DEPENDENCIES_KEYWORD = "dependencies"
