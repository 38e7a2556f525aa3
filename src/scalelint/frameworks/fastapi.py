"""FastAPI: its app class (its CLI is uvicorn's, see `uvicorn`)."""

from __future__ import annotations

APP_CONSTRUCTORS: dict[str, tuple[str, str, str]] = {
    "fastapi.FastAPI": ("fastapi", "asgi", "fastapi.FastAPI"),
    "fastapi.applications.FastAPI": ("fastapi", "asgi", "fastapi.FastAPI"),
}
