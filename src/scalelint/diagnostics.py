"""What a rule reports, in the shape every reporter and the JSON contract use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scalelint.facts import Span

Severity = Literal["error", "warning", "info"]
Confidence = Literal["high", "medium", "low"]
Applicability = Literal["safe", "unsafe", "display"]


@dataclass(frozen=True)
class Edit:
    path: str
    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability = "display"
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Related:
    path: str
    line: int
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    confidence: Confidence
    path: str  # project-relative, `/` separators
    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = field(default=())

    @property
    def line(self) -> int:
        return self.span.line

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
