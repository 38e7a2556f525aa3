"""The default output, in the shape ruff and rustc users read without thinking:

    app/db.py:3:30: SCL302 pool capacity is 2 ...
      |
    3 | engine = create_engine(url, pool_size=2, max_overflow=0)
      |                             ^^^^^^^^^^^ SCL302
      |
      = fix: Raise the pool to at least 8 connections per process
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from scalelint import reading
from scalelint.diagnostics import Diagnostic
from scalelint.engine import Report

_STYLES = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "blue": "34", "dim": "2", "green": "32"}
_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}


class _Paint:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


@lru_cache(maxsize=256)
def _lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(reading.read_text(path, errors="replace").splitlines())
    except OSError:
        return ()


def _snippet(d: Diagnostic, paint: _Paint) -> list[str]:
    lines = _lines(d.path)
    if not (1 <= d.span.line <= len(lines)):
        return []
    source = lines[d.span.line - 1].expandtabs(1)
    gutter = str(d.span.line)
    pad = " " * len(gutter)
    start = max(d.span.column - 1, 0)
    end = d.span.end_column - 1 if d.span.end_line == d.span.line else len(source)
    width = max(min(end, len(source)) - start, 1)
    bar = paint("|", "blue")
    marker = paint("^" * width + " " + d.code, _SEVERITY_COLOUR[d.severity], "bold")
    return [
        f"{pad} {bar}",
        f"{paint(gutter, 'blue')} {bar} {source}",
        f"{pad} {bar} {' ' * start}{marker}",
        f"{pad} {bar}",
    ]


def render(report: Report, *, color: bool = False, quiet: bool = False, statistics: bool = False) -> str:
    paint = _Paint(color)
    out: list[str] = []
    if statistics:
        counts = Counter((d.code, d.name) for d in report.diagnostics)
        for (code, name), count in sorted(counts.items()):
            out.append(f"{count:>5}  {paint(code, 'bold')}  {name}")
        return "\n".join(out) + ("\n" if out else "")
    for d in report.diagnostics:
        head = f"{paint(d.path, 'bold')}:{d.span.line}:{d.span.column}: {paint(d.code, _SEVERITY_COLOUR[d.severity], 'bold')} {d.message}"
        out.append(head)
        if quiet:
            continue
        body = _snippet(d, paint)
        pad = " " * (len(str(d.span.line)) + 1)
        if d.fix is not None:
            body.append(f"{pad}{paint('= fix:', 'green', 'bold')} {d.fix.title}")
        for related in d.related:
            body.append(f"{pad}{paint('= note:', 'cyan')} {related.path}:{related.line}: {related.message}")
        out.extend(body)
        out.append("")
    if not quiet:
        out.append(_summary(report, paint))
    return "\n".join(out) + ("\n" if out else "")


def _summary(report: Report, paint: _Paint) -> str:
    total = len(report.diagnostics)
    checked = f"{report.files} file{'s' if report.files != 1 else ''} checked"
    if not total:
        return paint(f"All clear: no findings in {report.files} file{'s' if report.files != 1 else ''}.", "green", "bold")
    counts = Counter(d.code for d in report.diagnostics)
    detail = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
    noun = "finding" if total == 1 else "findings"
    where = len({d.path for d in report.diagnostics})
    unread = len({d.path for d in report.diagnostics if d.code == "SCL001"})
    if unread:  # a file scalelint could not read is a gap in every other rule's view
        checked += f", {unread} of them not read in full (SCL001)"
    return paint(f"Found {total} {noun} in {where} file{'s' if where != 1 else ''} ({detail}); {checked}.", "bold")
