"""`--fix`, `--unsafe-fixes` and `--diff`: apply the edits rules attach to their findings.

A fix is data (`diagnostics.Fix`: a title, an applicability, text edits by span), so applying
one needs no rule code: the edits of one pass are applied to each file from the bottom up,
skipping any edit that overlaps one already taken, and a Python file that no longer parses
afterwards is left as it was. Then the project is linted again, because a fix can make or
unmake other findings; this repeats until nothing applicable is left or `MAX_PASSES` is
reached. `--diff` shows what the first pass would change and writes nothing.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from scalelint import reading
from scalelint.diagnostics import Diagnostic, Edit
from scalelint.filenames import printable

__all__ = ["MAX_PASSES", "FixOutcome", "applicable", "apply_edits", "fix", "fix_text", "diff"]

MAX_PASSES = 5


@dataclass
class FixOutcome:
    fixed: int = 0  # findings whose fix was applied
    files: set[str] = field(default_factory=set)  # paths written (relative to the current directory)
    refused: list[str] = field(default_factory=list)  # files left alone: the fixed text did not parse
    passes: int = 0


def applicable(d: Diagnostic, unsafe: bool) -> bool:
    if d.fix is None or not d.fix.edits:
        return False
    return d.fix.applicability == "safe" or (unsafe and d.fix.applicability == "unsafe")


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _position(starts: list[int], text: str, line: int, column: int) -> int | None:
    if not 1 <= line <= len(starts):
        return None
    pos = starts[line - 1] + column - 1
    end = starts[line] - 1 if line < len(starts) else len(text)
    return pos if starts[line - 1] <= pos <= end else None


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, int]:
    """`text` with the edits that do not overlap applied; and how many were applied."""
    starts = _offsets(text)
    placed: list[tuple[int, int, str]] = []
    for e in edits:
        a = _position(starts, text, e.span.line, e.span.column)
        b = _position(starts, text, e.span.end_line, e.span.end_column)
        if a is None or b is None or b < a:
            continue
        if any((a < y and x < b) or (a == b == x == y) for x, y, _ in placed):
            continue  # overlaps an edit already taken (another pass will see what is left)
        placed.append((a, b, e.content))
    for a, b, content in sorted(placed, reverse=True):
        text = text[:a] + content + text[b:]
    return text, len(placed)


def _parses(path: str, text: str) -> bool:
    if not path.endswith(".py"):
        return True
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _read(path: str) -> str:
    return reading.read_text(path)


def _plan(diagnostics: list[Diagnostic], unsafe: bool, read=_read) -> dict[str, tuple[str, str, int]]:
    """path -> (old text, new text, fixes applied), for one pass. Edit paths are as the API
    reports them: relative to the current directory."""
    by_file: dict[str, list[tuple[Diagnostic, Edit]]] = {}
    for d in diagnostics:
        if not applicable(d, unsafe):
            continue
        paths = {e.path for e in d.fix.edits}  # type: ignore[union-attr]
        if len(paths) != 1:
            continue  # edits across files are applied whole or not at all: not supported yet
        for e in d.fix.edits:  # type: ignore[union-attr]
            by_file.setdefault(e.path, []).append((d, e))
    plan = {}
    for path, items in sorted(by_file.items()):
        try:
            old = read(path)
        except (OSError, UnicodeDecodeError):
            continue
        new, count = apply_edits(old, [e for _, e in items])
        if count and new != old:
            plan[path] = (old, new, count)
    return plan


def fix(lint_once, report, unsafe: bool) -> tuple[FixOutcome, object]:
    """Fix the findings of `report`, re-lint with `lint_once()`, repeat. Returns the outcome
    and the last report."""
    outcome = FixOutcome()
    for _ in range(MAX_PASSES):
        plan = _plan(report.diagnostics, unsafe)
        wrote = False
        for path, (old, new, count) in plan.items():
            if not _parses(path, new):
                outcome.refused.append(path)
                continue
            Path(path).write_text(new, encoding="utf-8")
            outcome.fixed += count
            outcome.files.add(path)
            wrote = True
        outcome.passes += 1
        if not wrote:
            break
        report = lint_once()
    return outcome, report


def diff(diagnostics: list[Diagnostic], unsafe: bool, read=_read) -> tuple[str, int]:
    """The unified diff of one pass of fixes, and how many fixes it holds. `read(path)` gives
    a file's text (the file on disk unless told otherwise: standard input)."""
    out: list[str] = []
    total = 0
    for path, (old, new, count) in _plan(diagnostics, unsafe, read).items():
        if not _parses(path, new):
            continue
        total += count
        shown = printable(path)
        out.extend(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"))
    return "".join(out), total


def fix_text(text: str, path: str, lint_once, report, unsafe: bool) -> tuple[str, FixOutcome, object]:
    """`fix` for a file that is only in memory (standard input): `lint_once(text)` lints the
    text as `path`. Returns the fixed text, the outcome and the last report."""
    outcome = FixOutcome()
    for _ in range(MAX_PASSES):
        edits = [
            e
            for d in report.diagnostics
            if applicable(d, unsafe) and {e.path for e in d.fix.edits} == {path}  # type: ignore[union-attr]
            for e in d.fix.edits  # type: ignore[union-attr]
        ]
        new, count = apply_edits(text, edits)
        outcome.passes += 1
        if not count or new == text:
            break
        if not _parses(path, new):
            outcome.refused.append(path)
            break
        text = new
        outcome.fixed += count
        outcome.files.add(path)
        report = lint_once(text)
    return text, outcome, report
