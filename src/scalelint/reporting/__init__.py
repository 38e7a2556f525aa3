"""Reporters turn diagnostics into text, JSON, SARIF, CI annotations or CI reports. They know diagnostics, not rules."""

from __future__ import annotations

from typing import Callable

from scalelint.engine import Report

# `--output-format` values, the text layouts first (`text` is the old name of `full`)
TEXT_FORMATS = ("full", "concise", "grouped")
FORMATS = (*TEXT_FORMATS, "json", "github", "sarif", "gitlab", "junit")
ALIASES = {"text": "full"}


def get(name: str) -> Callable[..., str]:
    name = ALIASES.get(name, name)
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
    elif name == "concise":
        from scalelint.reporting.text import render_concise as render
    elif name == "grouped":
        from scalelint.reporting.text import render_grouped as render
    else:
        from scalelint.reporting.text import render
    return render


__all__ = ["ALIASES", "FORMATS", "Report", "TEXT_FORMATS", "get"]
