"""scalelint's findings in the Language Server Protocol's terms: 0-based positions counted in
the encoding the client chose (UTF-16 unless it said otherwise), severities, related places,
and the edits of fixes and suppressions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from scalelint.diagnostics import Diagnostic, Edit
from scalelint.docs import rule_url

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
SOURCE = "scalelint"


class Positions:
    """Span columns (1-based code points) to LSP positions for one text."""

    def __init__(self, text: str, codec: PositionCodec):
        self.lines = text.splitlines()
        self.codec = codec

    def position(self, line: int, column: int) -> types.Position:
        if line > len(self.lines):
            return types.Position(line=max(line - 1, 0), character=0)
        text = self.lines[line - 1] if line >= 1 else ""
        return types.Position(line=max(line - 1, 0), character=self.codec.client_num_units(text[: max(column - 1, 0)]))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column), end=self.position(end_line, end_column))

    def whole_line(self, line: int) -> types.Range:
        text = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        return types.Range(start=types.Position(line=line - 1, character=0), end=self.position(line, len(text) + 1))


def absolute(path: str) -> str:
    """The API's paths are relative to the current directory; the protocol wants URIs."""
    return os.path.abspath(path)


def uri_of(path: str) -> str:
    return from_fs_path(absolute(path)) or Path(absolute(path)).as_uri()


def to_lsp(d: Diagnostic, positions: Positions, related_positions: Callable[[str], Positions]) -> types.Diagnostic:
    span = d.span
    related = []
    for r in d.related:
        where = related_positions(r.path)
        related.append(
            types.DiagnosticRelatedInformation(location=types.Location(uri=uri_of(r.path), range=where.whole_line(r.line)), message=r.message)
        )
    url = rule_url(registry_rule(d.code))
    message = d.message if d.fix is None or not d.fix.title else f"{d.message}\nFix: {d.fix.title}"
    return types.Diagnostic(
        range=positions.range(span.line, span.column, span.end_line, span.end_column),
        message=message,
        severity=SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        related_information=related or None,
        data={"name": d.name, "confidence": d.confidence},
    )


def registry_rule(code: str):
    from scalelint import registry

    return registry.rule_for(code)


def text_edits(edits: list[Edit], positions_for: Callable[[str], Positions]) -> dict[str, list[types.TextEdit]]:
    """uri -> the edits, for a WorkspaceEdit."""
    changes: dict[str, list[types.TextEdit]] = {}
    for e in edits:
        where = positions_for(e.path)
        span = e.span
        changes.setdefault(uri_of(e.path), []).append(
            types.TextEdit(range=where.range(span.line, span.column, span.end_line, span.end_column), new_text=e.content)
        )
    return changes


def replacement(old: str, new: str, positions: Positions) -> types.TextEdit:
    """The smallest run of whole lines that turns `old` into `new`, as one edit."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    rng = types.Range(start=types.Position(line=start, character=0), end=types.Position(line=end_a, character=0))
    if end_a == len(a) and a and not a[-1].endswith("\n"):  # the last line has no newline to stop at
        rng = types.Range(start=rng.start, end=positions.position(end_a, len(a[-1]) + 1))
    return types.TextEdit(range=rng, new_text="".join(b[start:end_b]))


def overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def contains(r: types.Range, p: types.Position) -> bool:
    return (r.start.line, r.start.character) <= (p.line, p.character) <= (r.end.line, r.end.character)
