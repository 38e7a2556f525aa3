"""Quart (Flask's API on asyncio): its app class, its run() method and its routing objects."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "quart.Quart": ("quart", "asgi", "quart.Quart"),
    "quart.app.Quart": ("quart", "asgi", "quart.Quart"),
}
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {"quart.Quart.run": ("host", "port", "debug", "use_reloader")}

# --- request handlers (Flask's API: see `flask` for the meaning of each table) -------------
ROUTE_OBJECTS: dict[str, str] = {
    "quart.Quart": "app",
    "quart.app.Quart": "app",
    "quart.Blueprint": "blueprint",
    "quart.blueprints.Blueprint": "blueprint",
}
CLASS_VIEWS: dict[str, tuple[str, ...]] = {"quart.views.MethodView": (), "quart.views.View": ()}
