"""What the user sees of the rules' raw findings: only the files asked about, minus
per-file-ignores and inline suppressions; suppressions that covered nothing become SCL002."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pathspec

from scalelint import registry
from scalelint.config import Settings
from scalelint.diagnostics import Diagnostic, Fix
from scalelint.facts import Span, Suppression
from scalelint.suppression import SuppressionIndex

if TYPE_CHECKING:
    from scalelint.project import Project

UNUSED = "SCL002"


def filter_diagnostics(
    raw: list[Diagnostic],
    project: "Project",
    settings: Settings,
    enabled: frozenset[str],
    wanted: set[str],
) -> list[Diagnostic]:
    ignores = [
        (pathspec.GitIgnoreSpec.from_lines([pattern]), {r.code for sel in codes for r in registry.matching(sel)})
        for pattern, codes in settings.per_file_ignores
    ]
    indexes: dict[str, SuppressionIndex] = {}
    kept: list[Diagnostic] = []
    for diagnostic in raw:
        if diagnostic.path not in wanted:
            continue
        if any(diagnostic.code in codes and spec.match_file(diagnostic.path) for spec, codes in ignores):
            continue
        index = indexes.get(diagnostic.path)
        if index is None:
            index = indexes[diagnostic.path] = SuppressionIndex(project.suppressions(diagnostic.path))
        if index.covers(diagnostic):
            continue
        kept.append(diagnostic)
    if UNUSED in enabled:
        for path in sorted(wanted):
            items = project.suppressions(path)
            if not items:
                continue
            index = indexes.get(path) or SuppressionIndex(items)
            for item in index.unused():
                diagnostic = _unused(path, item, enabled)
                if diagnostic is not None and not any(spec.match_file(path) and UNUSED in codes for spec, codes in ignores):
                    kept.append(diagnostic)
    kept.sort(key=Diagnostic.sort_key)
    return kept


def _unused(path: str, item: Suppression, enabled: frozenset[str]) -> Diagnostic | None:
    rule = registry.rule_for(UNUSED)
    if not item.codes:
        if len(enabled) < len(registry.all_rules()):
            return None  # some rules did not run, so "covers nothing" cannot be known
        what = "this blanket suppression covers no finding"
    else:
        unknown = [code for code in item.codes if registry.rule_for(code) is None]
        if unknown:
            what = f"unknown rule {', '.join(unknown)} in suppression"
        else:
            codes = [registry.rule_for(code).code for code in item.codes]
            if not all(code in enabled for code in codes):
                return None
            what = f"no {', '.join(item.codes)} finding here to suppress"
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        confidence="high",
        path=path,
        span=Span(item.line, item.column, item.line, item.column + item.length),
        message=f"unused suppression: {what}",
        fix=Fix(title=rule.fix_title),
    )
