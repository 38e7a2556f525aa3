"""Stable fingerprints for findings, for baselines and SARIF's `partialFingerprints`.

A fingerprint is a hash of the rule code, the file's path, the flagged line's text with its
whitespace collapsed, and how many identical (code, path, line text) findings come before it in
that file. It does not depend on the line number, so inserting or deleting lines above a
finding (or re-indenting it) leaves its fingerprint unchanged, while a second identical finding
in the same file still gets a fingerprint of its own.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Sequence

from scalelint import reading
from scalelint.diagnostics import Diagnostic

VERSION = "v1"
SARIF_KEY = f"scalelint/{VERSION}"

_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks the parsers count; not \f or \x1c
_SPACE = re.compile(r"\s+")

LineReader = Callable[[str], Sequence[str]]


def normalise(text: str) -> str:
    """A line's text with runs of whitespace collapsed to one space and the ends stripped."""
    return _SPACE.sub(" ", text).strip()


def fingerprint(code: str, path: str, line_text: str, occurrence: int = 0) -> str:
    """The fingerprint of the `occurrence`-th (0-based) finding of `code` on a line reading
    `line_text` in `path`."""
    key = "\0".join((VERSION, code, path, normalise(line_text), str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def read_lines(path: str) -> list[str]:
    """The lines of a file as the parsers number them; [] when it cannot be read."""
    try:
        data = reading.read_bytes(path)
    except OSError:
        return []
    return _NEWLINE.split(data.decode("utf-8", errors="replace"))


def identity_path(path: str, root: Path | None) -> str:
    """The path a fingerprint is keyed by: relative to the project root when `root` is given
    (so a baseline works from any directory), else the path as reported."""
    if root is None:
        return path
    try:
        return Path(os.path.abspath(path)).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.replace(os.sep, "/")


def fingerprints(
    diagnostics: Iterable[Diagnostic],
    root: Path | None = None,
    lines: LineReader | None = None,
) -> list[str]:
    """One fingerprint per diagnostic, in order. Duplicates are numbered in the order given
    (the engine sorts by path, line and column, so that is file order). `lines(path)` returns a
    file's lines (default: read from disk, paths relative to the current directory)."""
    reader = lines or read_lines
    cache: dict[str, Sequence[str]] = {}
    seen: Counter[tuple[str, str, str]] = Counter()
    result: list[str] = []
    for d in diagnostics:
        if d.path not in cache:
            cache[d.path] = reader(d.path)
        source = cache[d.path]
        text = normalise(source[d.span.line - 1]) if 1 <= d.span.line <= len(source) else ""
        path = identity_path(d.path, root)
        key = (d.code, path, text)
        result.append(fingerprint(d.code, path, text, seen[key]))
        seen[key] += 1
    return result
