"""aiohttp's web server: its app class and run_app()."""

from __future__ import annotations

# Not ASGI, but an async server's app: the rules judge it as one.
APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "aiohttp.web.Application": ("aiohttp", "asgi", "aiohttp.web.Application"),
    "aiohttp.web_app.Application": ("aiohttp", "asgi", "aiohttp.web.Application"),
}
RUN_FUNCTIONS: dict[str, tuple[str, ...]] = {"aiohttp.web.run_app": ("app",)}
