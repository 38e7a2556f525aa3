"""`--format gitlab`: a GitLab Code Quality report (a JSON list of issues), for
`artifacts: reports: codequality:` in .gitlab-ci.yml."""

from __future__ import annotations

import json

from scalelint.engine import Report
from scalelint.fingerprint import fingerprints

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def build(report: Report) -> list[dict]:
    prints = fingerprints(report.diagnostics, report.root)
    issues = []
    for d, fingerprint in zip(report.diagnostics, prints):
        description = d.message if d.fix is None or not d.fix.title else f"{d.message} Fix: {d.fix.title}"
        issues.append(
            {
                "type": "issue",
                "description": description,
                "check_name": d.code,
                "categories": ["Performance"],
                "fingerprint": fingerprint,
                "severity": SEVERITY[d.severity],
                "location": {"path": d.path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
            }
        )
    return issues


def render(report: Report, **_: object) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"
