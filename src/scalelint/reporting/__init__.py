"""Reporters turn diagnostics into text, JSON, SARIF, CI annotations or CI reports. They know diagnostics, not rules."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from scalelint.diagnostics import Diagnostic
from scalelint.filenames import printable

if TYPE_CHECKING:
    from scalelint.engine import Report

# `--output-format` values, the text layouts first (`text` is the old name of `full`)
TEXT_FORMATS = ("full", "concise", "grouped")
FORMATS = (*TEXT_FORMATS, "json", "github", "sarif", "gitlab", "junit")
ALIASES = {"text": "full"}


def get(name: str) -> Callable[..., str]:
    """The renderer for a format; it is handed the report with printable paths and messages
    (a file name that is not UTF-8 would otherwise make the output unencodable, or invalid
    JSON)."""
    render = _renderer(name)
    return lambda report, **options: render(printable_report(report), **options)


def printable_report(report: Report) -> Report:
    if all(_plain(d) for d in report.diagnostics):
        return report
    return replace(report, diagnostics=[_printable(d) for d in report.diagnostics])


def _plain(d: Diagnostic) -> bool:
    return (
        d.path.isascii()
        and d.message.isascii()
        and all(r.path.isascii() and r.message.isascii() for r in d.related)
        and (d.fix is None or (d.fix.title.isascii() and all(e.path.isascii() for e in d.fix.edits)))
    )


def _printable(d: Diagnostic) -> Diagnostic:
    fix = d.fix
    if fix is not None and fix.edits:
        fix = replace(fix, title=printable(fix.title), edits=tuple(replace(e, path=printable(e.path)) for e in fix.edits))
    related = tuple(replace(r, path=printable(r.path), message=printable(r.message)) for r in d.related)
    return replace(d, path=printable(d.path), message=printable(d.message), related=related, fix=fix)


def _renderer(name: str) -> Callable[..., str]:
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


def __getattr__(name: str):
    # `Report` lives in the engine, which imports every rule: `scalelint --version` and
    # `--help` read FORMATS from here and must not pay for that
    if name == "Report":
        from scalelint.engine import Report

        return Report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ALIASES", "FORMATS", "Report", "TEXT_FORMATS", "get"]
