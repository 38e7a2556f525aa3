"""`--format json`: one object, `{"version", "diagnostics", "files"}`, as DESIGN.md fixes it."""

from __future__ import annotations

import json

from scalelint import __version__
from scalelint.diagnostics import Diagnostic
from scalelint.engine import Report


def diagnostic_to_dict(d: Diagnostic) -> dict:
    fix = None
    if d.fix is not None:
        fix = {
            "title": d.fix.title,
            "applicability": d.fix.applicability,
            "edits": [
                {
                    "path": e.path,
                    "line": e.span.line,
                    "column": e.span.column,
                    "end_line": e.span.end_line,
                    "end_column": e.span.end_column,
                    "content": e.content,
                }
                for e in d.fix.edits
            ],
        }
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity,
        "confidence": d.confidence,
        "path": d.path,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "message": d.message,
        "fix": fix,
        "related": [{"path": r.path, "line": r.line, "message": r.message} for r in d.related],
    }


def render(report: Report, **_: object) -> str:
    payload = {
        "version": __version__,
        "diagnostics": [diagnostic_to_dict(d) for d in report.diagnostics],
        "files": report.files,
        "notes": list(report.notes),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
