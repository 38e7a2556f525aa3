"""Starlette: its app class."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "starlette.applications.Starlette": ("starlette", "asgi", "starlette.applications.Starlette"),
}
