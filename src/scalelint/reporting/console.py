"""What the text layouts share: rich renders every line (so colours never shift a column and
no text is read as markup), the source lines under findings, fix marks and the summary."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from rich.console import Console
from rich.text import Text

from scalelint import reading
from scalelint.diagnostics import Diagnostic
from scalelint.engine import Report
from scalelint.fixes import applicable

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
FIX_MARK = "[*]"
# C0 controls (but tab) and DEL, shown as one replacement character each: a source line with an
# escape sequence must not repaint the terminal, and the columns must stay where they were.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


@dataclass
class TextOptions:
    color: bool = False
    unsafe: bool = False  # --unsafe-fixes given: unsafe fixes count as fixable (and get the mark)
    show_fixes: bool = False  # each fix's edits as a diff under its finding
    sources: Mapping[str, str] = field(default_factory=dict)  # path -> text standing in for the file (stdin)


def to_string(lines: Iterable[Text | str], color: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,  # never wrap at the terminal's width: a line of a finding stays one line
        legacy_windows=False,
    )
    for line in lines:
        console.print(line if isinstance(line, Text) else Text(line))
    return buffer.getvalue()


def printable(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


class SourceLines:
    """The lines of the files findings point at, read once each."""

    def __init__(self, sources: Mapping[str, str]):
        self._sources = dict(sources)
        self._cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, path: str) -> tuple[str, ...]:
        if path not in self._cache:
            text = self._sources.get(path)
            if text is None:
                try:
                    text = reading.read_text(path, errors="replace")
                except OSError:
                    text = ""
            self._cache[path] = tuple(text.splitlines())
        return self._cache[path]


def fixable(d: Diagnostic, options: TextOptions) -> bool:
    return applicable(d, options.unsafe)


def mark(d: Diagnostic, options: TextOptions) -> str:
    return f"{FIX_MARK} " if fixable(d, options) else ""


def header(d: Diagnostic, options: TextOptions, *, path: bool = True) -> Text:
    """`path:line:col: CODE [*] message` (without the path in the grouped layout)."""
    line = Text()
    if path:
        line.append(printable(d.path), "bold")
        line.append(":")
    line.append(f"{d.span.line}:{d.span.column}:" if path else f"{d.span.line}:{d.span.column}")
    line.append(" ")
    line.append(d.code, SEVERITY_STYLE[d.severity])
    line.append(" ")
    if fixable(d, options):
        line.append(FIX_MARK, "bold green")
        line.append(" ")
    line.append(printable(d.message))
    return line


def fix_counts(diagnostics: list[Diagnostic], unsafe: bool) -> tuple[int, int]:
    """(fixable now, fixable with --unsafe-fixes on top)."""
    now = sum(1 for d in diagnostics if applicable(d, unsafe))
    more = 0 if unsafe else sum(1 for d in diagnostics if applicable(d, True)) - now
    return now, more


def fix_hint(diagnostics: list[Diagnostic], unsafe: bool) -> Text | None:
    """"[*] 2 fixable with `--fix`, 1 more with `--unsafe-fixes`." or None when nothing is."""
    now, more = fix_counts(diagnostics, unsafe)
    flag = "`--fix --unsafe-fixes`" if unsafe else "`--fix`"
    if now and more:
        words = f"{now} fixable with {flag}, {more} more with `--unsafe-fixes`."
    elif now:
        words = f"{now} fixable with {flag}."
    elif more:
        words = f"{more} fixable with `--fix --unsafe-fixes` (they may change behaviour: `--diff --unsafe-fixes` shows them)."
    else:
        return None
    line = Text()
    if now:
        line.append(FIX_MARK, "bold green")
        line.append(" ")
    line.append(words)
    return line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def summary(report: Report, options: TextOptions) -> list[Text]:
    total = len(report.diagnostics)
    if not total:
        return [Text(f"All clear: no findings in {_plural(report.files, 'file')}.", "bold green")]
    counts = Counter(d.code for d in report.diagnostics)
    detail = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
    where = len({d.path for d in report.diagnostics})
    checked = f"{report.files} file{'s' if report.files != 1 else ''} checked"
    unread = len({d.path for d in report.diagnostics if d.code == "SCL001"})
    if unread:  # a file scalelint could not read is a gap in every other rule's view
        checked += f", {unread} of them not read in full (SCL001)"
    lines = [Text(f"Found {_plural(total, 'finding')} in {_plural(where, 'file')} ({detail}); {checked}.", "bold")]
    hint = fix_hint(report.diagnostics, options.unsafe)
    if hint is not None:
        lines.append(hint)
    return lines


def statistics(report: Report, options: TextOptions) -> list[Text]:
    """`--statistics`: a row per rule, `[*]` where its findings have fixes to apply, then the total."""
    rows: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in report.diagnostics:
        rows.setdefault((d.code, d.name), []).append(d)
    out: list[Text] = []
    for (code, name), found in sorted(rows.items()):
        line = Text(f"{len(found):>5}  ")
        line.append(code, "bold")
        line.append("  ")
        line.append(FIX_MARK if any(fixable(d, options) for d in found) else " " * len(FIX_MARK), "bold green")
        line.append(f" {name}")
        out.append(line)
    total = len(report.diagnostics)
    where = len({d.path for d in report.diagnostics})
    out.append(Text(f"{total:>5}  total   in {_plural(where, 'file')}; {_plural(report.files, 'file')} checked", "bold"))
    hint = fix_hint(report.diagnostics, options.unsafe)
    if hint is not None:
        out.append(hint)
    return out
