"""Quart (Flask's API on asyncio): its app class and its run() method."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "quart.Quart": ("quart", "asgi", "quart.Quart"),
    "quart.app.Quart": ("quart", "asgi", "quart.Quart"),
}
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {"quart.Quart.run": ("host", "port", "debug", "use_reloader")}
