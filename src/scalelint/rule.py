"""The rule base classes. A rule gets its typed options, the Project (and, for file rules,
one file's facts) and calls `report(...)`; it never parses, prints or reads config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ClassVar

from scalelint.diagnostics import Confidence, Diagnostic, Fix, Related, Severity
from scalelint.facts import Span

if TYPE_CHECKING:
    from scalelint.project import Project


@dataclass(frozen=True)
class NoOptions:
    pass


class Reporter:
    """Collects one rule's diagnostics, filling in what the rule class already knows."""

    def __init__(self, rule: "Rule", sink: Callable[[Diagnostic], None]):
        self._rule = rule
        self._sink = sink

    def __call__(
        self,
        path: str,
        span: Span,
        message: str | None = None,
        *,
        fix: Fix | None = None,
        fix_title: str | None = None,
        related: tuple[Related, ...] | list[Related] = (),
        confidence: Confidence | None = None,
        severity: Severity | None = None,
    ) -> None:
        rule = self._rule
        if fix is None:
            fix = Fix(title=fix_title or rule.fix_title)
        self._sink(
            Diagnostic(
                code=rule.code,
                name=rule.name,
                severity=severity or rule.severity,
                confidence=confidence or rule.confidence,
                path=path,
                span=span,
                message=message or rule.message,
                fix=fix,
                related=tuple(related),
            )
        )


class Rule:
    """A rule checks the whole Project. Subclasses set the class attributes and `check`.

    `message` and `fix_title` are the default texts; most rules format their own message
    with the names and numbers involved and pass it to `report`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line for --list-rules
    message: ClassVar[str]
    fix_title: ClassVar[str]
    severity: ClassVar[Severity] = "warning"
    confidence: ClassVar[Confidence] = "high"
    fixable: ClassVar[bool] = False  # the rule can produce safe/unsafe edits
    Options: ClassVar[type] = NoOptions

    def __init__(self, options: object | None = None):
        self.options = options if options is not None else self.Options()

    def check(self, project: "Project", report: Reporter) -> None:
        raise NotImplementedError
