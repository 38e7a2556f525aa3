"""Bottle: its app class and its run() function."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "bottle.Bottle": ("bottle", "wsgi", "bottle.Bottle"),
    "bottle.default_app": ("bottle", "wsgi", "bottle.Bottle"),
}
RUN_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "bottle.run": ("app", "server", "host", "port", "interval", "reloader", "quiet", "plugins", "debug"),
}
