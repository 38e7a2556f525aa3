"""The text layouts (`--output-format full|concise|grouped`), in the shapes ruff and rustc users
read without thinking. `full`, the default:

    app/db.py:3:30: SCL302 [*] pool capacity is 2 ...
      |
    3 | engine = create_engine(url, pool_size=2, max_overflow=0)
      |                             ^^^^^^^^^^^ SCL302
      |
      = fix: Raise the pool to at least 8 connections per process

`concise` is the first line of each block; `grouped` puts the findings under their file.
`[*]` marks a finding `--fix` can fix (with `--unsafe-fixes`, also the unsafe ones).
"""

from __future__ import annotations

import difflib

from rich.cells import cell_len
from rich.text import Text

from scalelint.diagnostics import Diagnostic
from scalelint.engine import Report
from scalelint.fixes import apply_edits
from scalelint.reporting.console import (
    SEVERITY_STYLE,
    SourceLines,
    TextOptions,
    header,
    printable,
    statistics,
    summary,
    to_string,
)

__all__ = ["render", "render_concise", "render_grouped", "TextOptions"]


def _options(color: bool, unsafe: bool, show_fixes: bool, sources) -> TextOptions:
    return TextOptions(color=color, unsafe=unsafe, show_fixes=show_fixes, sources=sources or {})


def _snippet(d: Diagnostic, lines: SourceLines) -> list[Text]:
    source_lines = lines(d.path)
    if not (1 <= d.span.line <= len(source_lines)):
        return []
    source = printable(source_lines[d.span.line - 1].expandtabs(1))
    gutter = str(d.span.line)
    pad = " " * len(gutter)
    start = min(max(d.span.column - 1, 0), len(source))
    end = d.span.end_column - 1 if d.span.end_line == d.span.line else len(source)
    end = max(min(end, len(source)), start)
    # in terminal cells, not characters: a CJK character or an emoji before the span takes two
    indent = cell_len(source[:start])
    width = max(cell_len(source[start:end]), 1)
    bar = Text("|", "blue")
    code_line = Text.assemble((gutter, "blue"), " ", bar, " ", source)
    carets = Text.assemble(pad, " ", bar, " ", " " * indent, ("^" * width + " " + d.code, SEVERITY_STYLE[d.severity]))
    return [Text.assemble(pad, " ", bar), code_line, carets, Text.assemble(pad, " ", bar)]


def _fix_diff(d: Diagnostic, lines: SourceLines, pad: str) -> list[Text]:
    """The fix's edits as the lines they change (`--show-fixes`)."""
    out: list[Text] = []
    by_path: dict[str, list] = {}
    for edit in d.fix.edits:  # type: ignore[union-attr]
        by_path.setdefault(edit.path, []).append(edit)
    for path, edits in by_path.items():
        old = "\n".join(lines(path)) + "\n"
        new, _ = apply_edits(old, edits)
        diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), path, path, n=0, lineterm=""))
        for row in diff[2:] if path == d.path else diff:
            style = {"+": "green", "-": "red", "@": "cyan"}.get(row[:1], "")
            out.append(Text.assemble(pad, "  ", (printable(row), style)))
    return out


def _block(d: Diagnostic, options: TextOptions, lines: SourceLines) -> list[Text]:
    body = [header(d, options), *_snippet(d, lines)]
    pad = " " * (len(str(d.span.line)) + 1)
    if d.fix is not None:
        label = "= fix:"
        if options.show_fixes and d.fix.edits:
            label = f"= fix ({d.fix.applicability}):"
        body.append(Text.assemble(pad, (label, "bold green"), " ", printable(d.fix.title)))
        if options.show_fixes and d.fix.edits:
            body.extend(_fix_diff(d, lines, pad))
    for related in d.related:
        body.append(Text.assemble(pad, ("= note:", "cyan"), f" {printable(related.path)}:{related.line}: {printable(related.message)}"))
    body.append(Text(""))
    return body


def render(
    report: Report,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
    unsafe: bool = False,
    show_fixes: bool = False,
    sources=None,
) -> str:
    """`full`: a block per finding, then the summary. `quiet` keeps only the first lines."""
    options = _options(color, unsafe, show_fixes, sources)
    if statistics:
        return _statistics(report, options)
    if quiet:
        return to_string([header(d, options) for d in report.diagnostics], color)
    lines = SourceLines(options.sources)
    out: list[Text] = []
    for d in report.diagnostics:
        out.extend(_block(d, options, lines))
    out.extend(summary(report, options))
    return to_string(out, color)


def _statistics(report: Report, options: TextOptions) -> str:
    return to_string(statistics(report, options), options.color)


def render_concise(report: Report, *, color: bool = False, quiet: bool = False, statistics: bool = False, unsafe: bool = False, show_fixes: bool = False, sources=None) -> str:
    """`concise`: one line per finding, then the summary (none with `quiet`)."""
    options = _options(color, unsafe, show_fixes, sources)
    if statistics:
        return _statistics(report, options)
    out = [header(d, options) for d in report.diagnostics]
    if not quiet:
        if out:
            out.append(Text(""))
        out.extend(summary(report, options))
    return to_string(out, color)


def render_grouped(report: Report, *, color: bool = False, quiet: bool = False, statistics: bool = False, unsafe: bool = False, show_fixes: bool = False, sources=None) -> str:
    """`grouped`: each file once, its findings under it with their positions aligned."""
    options = _options(color, unsafe, show_fixes, sources)
    if statistics:
        return _statistics(report, options)
    by_path: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    out: list[Text] = []
    for path, found in by_path.items():
        out.append(Text.assemble((printable(path), "bold underline"), ":"))
        width = max(len(f"{d.span.line}:{d.span.column}") for d in found)
        for d in found:
            position = f"{d.span.line}:{d.span.column}"
            line = header(d, options, path=False)
            out.append(Text.assemble("  ", " " * (width - len(position)), line))
        out.append(Text(""))
    if not quiet:
        out.extend(summary(report, options))
    elif out:
        out.pop()
    return to_string(out, color)
