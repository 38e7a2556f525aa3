"""Sanic: its app class and its run() method."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "sanic.Sanic": ("sanic", "asgi", "sanic.Sanic"),
    "sanic.app.Sanic": ("sanic", "asgi", "sanic.Sanic"),
}
RUN_METHOD_PARAMS: dict[str, tuple[str, ...]] = {"sanic.Sanic.run": ("host", "port")}
