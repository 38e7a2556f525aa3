"""Inline suppressions: finding them in comments, and applying them to diagnostics.

`# scalelint: ignore[SCL101, n-plus-one]` on the line, or alone on the line above;
`# noqa: SCL101`; `-- scalelint: ignore[...]` in SQL; `# scalelint: ignore-file[...]`.
An ignore with no brackets covers every rule. A suppression that covers nothing is SCL002.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from scalelint.diagnostics import Diagnostic
from scalelint.facts import Suppression

_DIRECTIVE = re.compile(
    r"(?P<tool>scalelint:\s*(?P<which>ignore-file|ignore)(?:\[(?P<codes>[^\]]*)\])?|noqa:\s*(?P<noqa>[A-Za-z0-9_,\s-]+))",
    re.IGNORECASE,
)
_COMMENT_PREFIX = {"sql": ("--", "#"), "ini": (";", "#"), "typescript": ("//", "/*")}
# Text that may hold a directive that counts: ours, or a `noqa:` naming an SCL code (most
# `noqa` comments are other linters', and tokenizing a whole file to find them is slow)
_MAY_SUPPRESS = re.compile(r"scalelint:\s*ignore|noqa:\s*[A-Za-z0-9_,\s-]*scl", re.IGNORECASE)


def _parse_comment(comment: str, line: int, column: int, standalone: bool) -> list[Suppression]:
    found = []
    for match in _DIRECTIVE.finditer(comment):
        if match.group("tool"):
            if match.group("noqa") is not None:
                codes = tuple(c.strip().upper() for c in re.split(r"[,\s]+", match.group("noqa")) if c.strip())
                codes = tuple(c for c in codes if c.startswith("SCL"))
                if codes:
                    found.append(Suppression(line, column + match.start(), codes, False, standalone, True, len(match.group(0).rstrip())))
                continue
            raw = match.group("codes")
            codes = tuple(c.strip() for c in raw.split(",") if c.strip()) if raw is not None else ()
            whole = match.group("which").lower() == "ignore-file"
            found.append(Suppression(line, column + match.start(), codes, whole, standalone, False, len(match.group(0))))
    return found


def find_suppressions(text: str, kind: str) -> list[Suppression]:
    if "scalelint" not in text and "noqa" not in text:
        return []
    if kind == "python":
        return _python_suppressions(text) if _MAY_SUPPRESS.search(text) else []
    prefixes = _COMMENT_PREFIX.get(kind, ("#",))
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for prefix in prefixes:
            index = line.find(prefix)
            if index < 0:
                continue
            found.extend(_parse_comment(line[index:], number, index + 1, not line[:index].strip()))
            break
    return found


def _python_suppressions(text: str) -> list[Suppression]:
    found = []
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        for token in tokens:
            if token.type == tokenize.COMMENT:
                (line, col) = token.start
                standalone = not token.line[:col].strip()
                found.extend(_parse_comment(token.string, line, col + 1, standalone))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return found


@dataclass
class SuppressionIndex:
    """The suppressions of one file, with a record of which ones did some work."""

    items: list[Suppression]
    used: set[int] = field(default_factory=set)

    def covers(self, diagnostic: Diagnostic) -> bool:
        hit = False
        lines = {diagnostic.span.line, diagnostic.span.end_line}
        for index, item in enumerate(self.items):
            if not _names(item, diagnostic):
                continue
            if item.whole_file or item.line in lines or (item.standalone and item.line + 1 == diagnostic.span.line):
                self.used.add(index)
                hit = True
        return hit

    def unused(self) -> list[Suppression]:
        return [item for index, item in enumerate(self.items) if index not in self.used]


def _names(item: Suppression, diagnostic: Diagnostic) -> bool:
    if not item.codes:
        return True
    return any(code.upper() == diagnostic.code or code.lower() == diagnostic.name for code in item.codes)
