"""Sanic: its app class, its run() method and its routing objects.

Sanic routes like Flask (`@app.route("/x", methods=[...])`, `@app.get`, `@bp.post`, blueprints)
and registers with `app.add_route(handler, "/x")`; `@app.middleware("request")`,
`@app.on_request` and `@app.on_response` run around every request. Every handler is a
coroutine on the event loop (Sanic is async only)."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "sanic.Sanic": ("sanic", "asgi", "sanic.Sanic"),
    "sanic.app.Sanic": ("sanic", "asgi", "sanic.Sanic"),
}
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {"sanic.Sanic.run": ("host", "port")}

# --- request handlers (the tables mean what flask's do) ---------------------------------------
ROUTE_OBJECTS: dict[str, str] = {
    "sanic.Sanic": "app",
    "sanic.app.Sanic": "app",
    "sanic.Blueprint": "blueprint",
    "sanic.blueprints.Blueprint": "blueprint",
}
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
ROUTE_DECORATORS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "route": ("route", None),
    **{m: ("route", (m.upper(),)) for m in HTTP_METHODS},
    "websocket": ("route", ("WEBSOCKET",)),
    "middleware": ("middleware", ()),
    "on_request": ("middleware", ()),
    "on_response": ("middleware", ()),
}
# method -> (handler index, handler keyword, rule index, kind)
REGISTER_METHODS: dict[str, tuple[int, str, int, str]] = {
    "add_route": (0, "handler", 1, "route"),
    "add_websocket_route": (0, "handler", 1, "route"),
}
