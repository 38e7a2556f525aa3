"""Reporters turn diagnostics into text, JSON or CI annotations. They know diagnostics, not rules."""

from __future__ import annotations

from typing import Callable

from scalelint.engine import Report


def get(name: str) -> Callable[..., str]:
    if name == "json":
        from scalelint.reporting.json import render
    elif name == "github":
        from scalelint.reporting.github import render
    else:
        from scalelint.reporting.text import render
    return render


__all__ = ["Report", "get"]
