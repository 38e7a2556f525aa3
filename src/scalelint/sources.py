"""Turn a file's bytes into text and a parsed tree, or into a ParseProblem (SCL001).

Python is parsed with the stdlib `ast`: a quarter of libcst's parse cost and all the
positions the analysis needs. When `ast` on the running interpreter rejects a file, libcst's
version-independent parser gets a second look, so code using syntax newer than the running
Python is skipped quietly instead of being reported as broken.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

from scalelint.facts import ParseProblem, Span

def _at(line: int, column: int = 1) -> Span:
    return Span(line, column, line, column + 1)


def decode_python(data: bytes) -> tuple[str | None, ParseProblem | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, ParseProblem("UTF-16 encoded: Python source must be UTF-8 (or an ASCII-compatible encoding it declares)", _at(1))
    if b"\x00" in data:
        return None, ParseProblem("binary file (contains NUL bytes), not Python source", _at(1))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        return None, ParseProblem(f"cannot decode: {error.msg}", _at(1))
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        line = data[: getattr(error, "start", 0)].count(b"\n") + 1
        hint = "" if encoding != "utf-8" else "; add a `# -*- coding: ... -*-` line if it is not UTF-8"
        return None, ParseProblem(f"not valid {encoding}{hint}", _at(line))
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def decode_text(data: bytes) -> tuple[str | None, ParseProblem | None]:
    if b"\x00" in data:
        return None, ParseProblem("binary file (contains NUL bytes)", _at(1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, ParseProblem("not valid UTF-8", _at(line))
    return text.lstrip("\ufeff"), None


def parse_python(text: str, rel: str) -> tuple[ast.Module | None, ParseProblem | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not ours to report
            return ast.parse(text, filename=rel), None
    except (RecursionError, MemoryError):
        # Valid but too deeply nested for this interpreter's parser; libcst's native parser
        # would overflow its own stack on the same input, so it gets no second look.
        return None, ParseProblem("too deeply nested for the Python parser; scalelint skipped it", _at(1))
    except (SyntaxError, ValueError) as error:
        if _parses_with_libcst(text):
            return None, None
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        message = getattr(error, "msg", None) or str(error)
        return None, ParseProblem(f"syntax error: {message}", _at(line, max(column, 1)))


def _parses_with_libcst(text: str) -> bool:
    try:
        import libcst

        libcst.parse_module(text)
        return True
    except Exception:  # noqa: BLE001 - any failure means "libcst cannot parse it either"
        return False
