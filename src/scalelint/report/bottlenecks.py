"""The lint run's findings, ranked and grouped by the endpoint they sit in. Exactly the
diagnostics `scalelint` prints for the same paths and settings: nothing added, nothing dropped.

Rank: severity, then confidence (both set by the cost model's verdict), then whether the cost
model gave an estimate that grows per request. A finding belongs to the project function whose
body evaluates its line (the innermost one); the function is an endpoint when the model's
handlers say so. Findings outside any function (deployment files, settings, templates, module-level
pools) form one group of their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from scalelint.project.callgraph import handler_label, short_name, walk

if TYPE_CHECKING:
    from scalelint.diagnostics import Diagnostic
    from scalelint.facts import FunctionFacts
    from scalelint.project import Project

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
ESTIMATE = "Estimate: "
CONFIGURATION = "outside any function (deployment files, settings, templates, module-level code)"


@dataclass(frozen=True)
class Bottleneck:
    diagnostic: "Diagnostic"
    estimate: str | None  # the cost model's estimate, as the message gives it
    excerpt: str | None  # the flagged line of code, as written

    @property
    def rank(self) -> tuple:
        d = self.diagnostic
        per_request = self.estimate is not None and "per request" in self.estimate
        return (SEVERITY_RANK.get(d.severity, 3), CONFIDENCE_RANK.get(d.confidence, 3), not per_request, d.sort_key())


@dataclass
class Group:
    title: str  # "`list_products` (a Flask route)", or CONFIGURATION
    route: str | None
    path: str | None
    line: int | None
    findings: list[Bottleneck] = field(default_factory=list)

    @property
    def rank(self) -> tuple:
        return (self.findings[0].rank, self.title)

    @property
    def codes(self) -> str:
        return ", ".join(b.diagnostic.code for b in self.findings)

    @property
    def estimate(self) -> str:
        """The cost model's estimate of the first (worst) finding that has one."""
        return next((b.estimate for b in self.findings if b.estimate), None) or ""

    def heading(self, quote: Callable[[str], str] = str) -> str:
        """`stats` (a Flask route) /stats (shop/views.py:50); `quote` marks the route up."""
        text = self.title
        if self.route:
            text += f" {quote(self.route)}"
        if self.path:
            text += f" ({self.path}:{self.line})"
        return text


def estimate_of(message: str) -> str | None:
    _, found, rest = message.partition(ESTIMATE)
    return rest.strip() or None if found else None


def rank(diagnostics: list["Diagnostic"], project: "Project", relative: Callable[[str], str], shown: Callable[[str], str]) -> list[Group]:
    """`relative` turns a diagnostic's path into the project's; `shown` a project path into the report's."""
    groups: dict[str, Group] = {}
    for d in diagnostics:
        path = relative(d.path)
        item = Bottleneck(d, estimate_of(d.message), _excerpt(project, path, d.span.line))
        function = _enclosing(project, path, d.span.line, d.span.end_line)
        if function is None:
            key = CONFIGURATION
            group = groups.setdefault(key, Group(CONFIGURATION, None, None, None))
        else:
            path, fn = function
            key = fn.qualname
            group = groups.get(key) or groups.setdefault(key, _group(project, path, fn, shown))
        group.findings.append(item)
    for group in groups.values():
        group.findings.sort(key=lambda b: b.rank)
    return sorted(groups.values(), key=lambda g: g.rank)


def _group(project: "Project", path: str, fn: "FunctionFacts", shown: Callable[[str], str]) -> Group:
    handlers = project.handlers.of(fn.qualname)
    if handlers:
        handler = handlers[0]
        return Group(handler_label(handler, short_name(fn)), handler.route, shown(path), fn.span.line)
    return Group(f"`{short_name(fn)}`", None, shown(path), fn.span.line)


def _enclosing(project: "Project", path: str, line: int, end_line: int) -> tuple[str, "FunctionFacts"] | None:
    """The innermost function whose statements evaluate something on these lines; else the
    innermost whose body, by indentation, runs down to the line (the facts keep only the
    expressions a rule may need, not every statement)."""
    facts = project.module_at(path)
    if facts is None:
        return None
    before = sorted((fn for fn in facts.functions if fn.span.line <= line), key=lambda fn: fn.span.line, reverse=True)
    for fn in before:
        if any(_on(sym, line, end_line) for sym in walk(fn)):
            return path, fn
    lines = (project.source(path) or "").splitlines()
    for fn in before:
        if _in_body(lines, fn.span.line, line):
            return path, fn
    return None


def _in_body(lines: list[str], def_line: int, line: int) -> bool:
    """Every non-blank line after `def` down to `line` is indented deeper than the `def`."""
    if not 0 < def_line < line <= len(lines):
        return False
    indent = _indent(lines[def_line - 1])
    for text in lines[def_line:line]:
        if text.strip() and _indent(text) <= indent:
            return False
    return True


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _excerpt(project: "Project", path: str, line: int) -> str | None:
    lines = (project.source(path) or "").splitlines()
    return lines[line - 1].strip() or None if 0 < line <= len(lines) else None


def _on(sym, line: int, end_line: int) -> bool:
    span = getattr(sym, "span", None)
    return span is not None and span.line <= end_line and span.end_line >= line
