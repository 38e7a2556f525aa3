"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

Every registered rule is listed in `tool.driver.rules` (code scanning shows a rule's help from
there, and `helpUri` links to the rule's spec in the repository, at this version's tag); each
finding carries `partialFingerprints["scalelint/v1"]`, the same line-number-free fingerprint the
baseline uses, so alerts survive unrelated edits above them. Locations are relative to
`%SRCROOT%`, the repository's root (see reporting/paths.py), from whatever directory scalelint ran.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from scalelint import __version__
from scalelint.diagnostics import Diagnostic
from scalelint.docs import repository_url, rule_url, spec_path
from scalelint.engine import Report
from scalelint.fingerprint import SARIF_KEY, fingerprints
from scalelint.reporting.paths import from_root, repository_root

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}

_SECTION = re.compile(r"^##\s+What it does\s*$(.*?)(?=^##\s|\Z)", re.MULTILINE | re.DOTALL)


def _uri(path: str) -> str:
    return quote(path.replace(os.sep, "/"), safe="/")


def _spec(rule) -> str | None:
    path = spec_path(rule)
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _rule_descriptor(rule) -> dict:
    spec = _spec(rule)
    full = rule.summary
    if spec:
        match = _SECTION.search(spec)
        if match and match.group(1).strip():
            full = match.group(1).strip()
    help_text = f"{rule.summary}\n\nFix: {rule.fix_title}"
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": spec if spec else f"{rule.summary}\n\n**Fix:** {rule.fix_title}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["scalability", "performance"], "precision": _PRECISION[rule.confidence]},
    }
    url = rule_url(rule)
    if url is not None:
        descriptor["helpUri"] = url
    return descriptor


_PRECISION = {"high": "high", "medium": "medium", "low": "low"}


def _region(line: int, column: int | None = None, end_line: int | None = None, end_column: int | None = None) -> dict:
    region = {"startLine": max(line, 1)}
    if column is not None:
        region["startColumn"] = max(column, 1)
    if end_line is not None:
        region["endLine"] = max(end_line, region["startLine"])
    if end_column is not None:
        region["endColumn"] = max(end_column, 1)
    return region


def _location(path: str, region: dict) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT}, "region": region}}


def _result(d: Diagnostic, index: dict[str, int], fingerprint: str, root: Path) -> dict:
    span = d.span
    text = d.message if d.fix is None or not d.fix.title else f"{d.message}\nFix: {d.fix.title}"
    result: dict = {
        "ruleId": d.code,
        "level": LEVEL[d.severity],
        "message": {"text": text},
        "locations": [_location(from_root(d.path, root), _region(span.line, span.column, span.end_line, span.end_column))],
        "partialFingerprints": {SARIF_KEY: fingerprint},
        "properties": {"confidence": d.confidence},
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.related:
        result["relatedLocations"] = [
            {**_location(from_root(r.path, root), _region(r.line)), "id": i, "message": {"text": r.message}}
            for i, r in enumerate(d.related, start=1)
        ]
    if d.fix is not None and d.fix.edits:
        changes: dict[str, list[dict]] = {}
        for e in d.fix.edits:
            changes.setdefault(from_root(e.path, root), []).append(
                {
                    "deletedRegion": _region(e.span.line, e.span.column, e.span.end_line, e.span.end_column),
                    "insertedContent": {"text": e.content},
                }
            )
        result["fixes"] = [
            {
                "description": {"text": d.fix.title or "scalelint fix"},
                "artifactChanges": [
                    {"artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT}, "replacements": replacements}
                    for path, replacements in changes.items()
                ],
            }
        ]
    return result


def build(report: Report) -> dict:
    """The SARIF log as a dict."""
    from scalelint import registry

    rules = list(registry.all_rules())
    index = {rule.code: i for i, rule in enumerate(rules)}
    prints = fingerprints(report.diagnostics, report.root)
    root = repository_root(report.root)
    driver = {"name": "scalelint", "version": __version__, "rules": [_rule_descriptor(rule) for rule in rules]}
    if repository_url() is not None:
        driver["informationUri"] = repository_url()
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index, fp, root) for d, fp in zip(report.diagnostics, prints)],
    }
    notifications = [{"level": "error", "message": {"text": m}} for m in report.internal_errors]
    notifications += [{"level": "note", "message": {"text": m}} for m in report.notes]
    if notifications:
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, **_: object) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"
