"""waitress: the serve() call that runs a WSGI app."""

from __future__ import annotations

RUN_FUNCTIONS: dict[str, tuple[str, ...]] = {"waitress.serve": ("app",)}
