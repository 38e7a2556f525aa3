"""Falcon: its WSGI and ASGI app classes (`falcon.API` is the name before 3.0)."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "falcon.App": ("falcon", "wsgi", "falcon.App"),
    "falcon.app.App": ("falcon", "wsgi", "falcon.App"),
    "falcon.API": ("falcon", "wsgi", "falcon.API"),
    "falcon.asgi.App": ("falcon", "asgi", "falcon.asgi.App"),
    "falcon.asgi.app.App": ("falcon", "asgi", "falcon.asgi.App"),
}
