"""`--add-noqa` (and the language server's "suppress" action): write `scalelint: ignore[CODE]`
where a finding is, so the next run accepts it.

A comment must not change what the file means. Where it goes depends on the file's syntax:
at the end of the flagged line where a trailing comment is a comment (Python, SQL, YAML, TOML,
Procfiles, shell, Makefiles, templates), alone on the line above where only whole-line comments
exist (Dockerfiles, systemd units, INI files) or where the line's end is inside a string or a
continuation. Every result is checked: the file still parses to the same thing (Python's AST,
YAML's and TOML's data) and the suppression scanner finds the comment where the finding is;
if no place passes, the finding is left alone rather than risk the file.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable, Iterable

from scalelint.diagnostics import Diagnostic
from scalelint.discovery import classify
from scalelint.suppression import find_suppressions

# Findings a suppression is the wrong answer to: a file that does not parse, a stale suppression.
NOT_SUPPRESSED = frozenset({"SCL001", "SCL002"})
# kinds whose comments only stand on their own line (a `#` later on a line is part of the value)
WHOLE_LINE_ONLY = frozenset({"dockerfile", "systemd", "ini"})
_EXISTING = re.compile(r"scalelint:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)


def kind_of(path: str) -> str | None:
    """The kind discovery gives the file (an extension-less script counts as shell)."""
    pure = PurePosixPath(path.replace("\\", "/"))
    kind = classify(pure.name, pure.parent.name, "templates" in pure.parts[:-1])
    return "shell" if kind == "shell?" else kind


def _opener(kind: str) -> tuple[str, str]:
    if kind == "sql":
        return "-- ", ""
    if kind == "template":
        return "{# ", " #}"
    return "# ", ""


def _comment(kind: str, codes: list[str]) -> str:
    start, end = _opener(kind)
    return f"{start}scalelint: ignore[{', '.join(codes)}]{end}"


def _same_meaning(kind: str, old: str, new: str) -> bool:
    try:
        if kind == "python":
            return ast.dump(ast.parse(old)) == ast.dump(ast.parse(new))
        if kind == "yaml":
            import yaml

            return list(yaml.safe_load_all(old)) == list(yaml.safe_load_all(new))
        if kind == "toml":
            import sys

            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover
                import tomli as tomllib
            return tomllib.loads(old) == tomllib.loads(new)
    except Exception:  # noqa: BLE001 - a file we cannot check is a file we do not touch
        return False
    return True


def _covers(kind: str, text: str, line: int, codes: list[str]) -> bool:
    if kind == "template":
        from scalelint.templates import template_suppressions

        found = template_suppressions(text)
    else:
        found = find_suppressions(text, kind)
    wanted = {code.upper() for code in codes}
    for item in found:
        if item.whole_file or not (item.line == line or (item.standalone and item.line + 1 == line)):
            continue
        if not item.codes or wanted <= {code.upper() for code in item.codes}:
            return True
    return False


def _merged(line_text: str, codes: list[str]) -> str | None:
    """The line with `codes` added to a `scalelint: ignore[...]` it already has."""
    match = _EXISTING.search(line_text)
    if match is None:
        return None
    present = [code.strip() for code in match.group("codes").split(",") if code.strip()]
    added = present + [code for code in codes if code.upper() not in {p.upper() for p in present}]
    return f"{line_text[: match.start('codes')]}{', '.join(added)}{line_text[match.end('codes') :]}"


def _candidates(kind: str, lines: list[str], index: int, codes: list[str]) -> Iterable[list[str]]:
    """Ways to write the suppression, best first: each is the file's lines afterwards."""
    line_text = lines[index]
    body, newline = (line_text[:-1], "\n") if line_text.endswith("\n") else (line_text, "")
    merged = _merged(body, codes)
    if merged is not None:
        yield [*lines[:index], merged + newline, *lines[index + 1 :]]
    if kind not in WHOLE_LINE_ONLY and not body.rstrip().endswith("\\"):
        yield [*lines[:index], f"{body.rstrip()}  {_comment(kind, codes)}{newline}", *lines[index + 1 :]]
    previous = lines[index - 1].rstrip("\n") if index else ""
    if not previous.rstrip().endswith("\\") or kind == "dockerfile":  # Docker drops comment lines inside a continuation
        indent = body[: len(body) - len(body.lstrip())]
        yield [*lines[:index], f"{indent}{_comment(kind, codes)}\n", *lines[index:]]


def suppress(text: str, kind: str, line: int, codes: list[str]) -> str | None:
    """`text` with `codes` suppressed on `line` (1-based), or None when no place for the
    comment keeps the file's meaning."""
    lines = text.splitlines(keepends=True)
    if not codes or not 1 <= line <= len(lines):
        return None
    for candidate in _candidates(kind, lines, line - 1, codes):
        new = "".join(candidate)
        shifted = line + (len(candidate) - len(lines))
        if _covers(kind, new, shifted, codes) and _same_meaning(kind, text, new):
            return new
    return None


@dataclass
class NoqaOutcome:
    added: int = 0  # findings now suppressed
    files: set[str] = field(default_factory=set)
    skipped: list[Diagnostic] = field(default_factory=list)  # no safe place for the comment


def plan(diagnostics: list[Diagnostic], read: Callable[[str], str]) -> tuple[dict[str, str], NoqaOutcome]:
    """path -> new text for every file with findings to suppress. Lines are handled from the
    bottom up, so a comment inserted above a line does not move the lines still to do."""
    outcome = NoqaOutcome()
    by_path: dict[str, dict[int, list[Diagnostic]]] = {}
    for d in diagnostics:
        if d.code in NOT_SUPPRESSED:
            continue
        by_path.setdefault(d.path, {}).setdefault(d.span.line, []).append(d)
    texts: dict[str, str] = {}
    for path, by_line in sorted(by_path.items()):
        kind = kind_of(path)
        try:
            text = read(path)
        except (OSError, UnicodeDecodeError):
            kind = None
        for line in sorted(by_line, reverse=True):
            found = by_line[line]
            codes = sorted({d.code for d in found})
            new = suppress(text, kind, line, codes) if kind else None
            if new is None:
                outcome.skipped.extend(found)
                continue
            text = new
            outcome.added += len(found)
            outcome.files.add(path)
            texts[path] = text
    return texts, outcome
