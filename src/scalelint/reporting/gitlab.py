"""`--format gitlab`: a GitLab Code Quality report (a JSON list of issues), for
`artifacts: reports: codequality:` in .gitlab-ci.yml. GitLab reads `location.path` from the
repository's root, so that is what paths are relative to."""

from __future__ import annotations

import json

from scalelint.engine import Report
from scalelint.fingerprint import fingerprints
from scalelint.reporting.paths import from_root, repository_root

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def build(report: Report) -> list[dict]:
    prints = fingerprints(report.diagnostics, report.root)
    root = repository_root(report.root)
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
                "location": {"path": from_root(d.path, root), "lines": {"begin": d.span.line, "end": d.span.end_line}},
            }
        )
    return issues


def render(report: Report, **_: object) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"
