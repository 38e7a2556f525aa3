"""`--output-format github`: workflow commands that GitHub Actions shows as annotations on the
diff. GitHub reads `file=` from the repository's root, so that is what paths are relative to."""

from __future__ import annotations

from scalelint.engine import Report
from scalelint.reporting.paths import from_root, repository_root

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, **_: object) -> str:
    lines = []
    root = repository_root(report.root)
    for d in report.diagnostics:
        span = d.span
        props = ",".join(
            [
                f"file={_prop(from_root(d.path, root))}",
                f"line={span.line}",
                f"col={span.column}",
                f"endLine={span.end_line}",
                f"endColumn={span.end_column}",
                f"title={_prop(f'{d.code} {d.name}')}",
            ]
        )
        message = d.message if d.fix is None else f"{d.message}\nfix: {d.fix.title}"
        lines.append(f"::{_LEVEL[d.severity]} {props}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
