"""Reporters turn diagnostics into text, JSON, SARIF, CI annotations or CI reports. They know diagnostics, not rules."""

from __future__ import annotations

from typing import Callable

from scalelint.engine import Report


def get(name: str) -> Callable[..., str]:
    if name == "json":
        from scalelint.reporting.json import render
    elif name == "github":
        from scalelint.reporting.github import render
    elif name == "sarif":
        from scalelint.reporting.sarif import render
    elif name == "gitlab":
        from scalelint.reporting.gitlab import render
    elif name == "junit":
        from scalelint.reporting.junit import render
    else:
        from scalelint.reporting.text import render
    return render


__all__ = ["Report", "get"]
