"""Litestar: its app class."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "litestar.Litestar": ("litestar", "asgi", "litestar.Litestar"),
    "litestar.app.Litestar": ("litestar", "asgi", "litestar.Litestar"),
}
