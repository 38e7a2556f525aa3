"""Express (and the routers that copy its API): which objects route, which methods wire a
handler, and how a handler answers. Read by `scalelint.typescript` (what a file wires) and
`scalelint.project.handlers` (whether the object really is an Express app or router)."""

from __future__ import annotations

# constructor (qualified through the imports) -> role
ROUTE_OBJECTS: dict[str, str] = {
    "express": "app",
    "express.default": "app",
    "express.Router": "router",
    "express.default.Router": "router",
}
# type annotations of a parameter that is an app or a router (`function registerRoutes(app: Express)`)
ROUTE_TYPES: dict[str, str] = {
    "express.Express": "express",
    "express.Application": "express",
    "express.Router": "express.Router",
    "express.IRouter": "express.Router",
}
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "options", "head", "all")
# method of an app / router -> (handler kind, HTTP methods)
ROUTE_DECORATORS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    **{m: ("route", (m.upper(),) if m != "all" else ("GET", "POST", "PUT", "PATCH", "DELETE")) for m in HTTP_METHODS},
    "use": ("middleware", ()),
}
# `router.route("/x").get(h)`: the method that names the path for the chained verbs
ROUTE_CHAIN = "route"
# `res.json(rows)`: what the handler answers with (its response, as `return` is in Python)
RESPONSE_METHODS = frozenset({"json", "send", "jsonp", "render"})
# a callback whose parameters are named like these is an Express handler `(req, res, next)`
REQUEST_PARAMS = frozenset({"req", "request"})
RESPONSE_PARAMS = frozenset({"res", "response", "reply"})
