"""Turn a file's bytes into text and a parsed tree, or into a ParseProblem (SCL001).

Python is parsed with the stdlib `ast`: a quarter of libcst's parse cost and all the
positions the analysis needs, and CPython guards its own parser (200 levels of brackets, 100 of
indentation, a stack limit). Its memory is about 1 KB per token, so a file with too many tokens
is not parsed at all. When `ast` rejects a file, the reason is named: Python 2 syntax, brackets
nested past the nesting limit, syntax newer than the running interpreter (libcst's
version-independent parser gets a second look, in a child process with a deadline, since it
is native code that overflows its stack on deep nesting and is quadratic on long chains), or
a plain syntax error.
"""

from __future__ import annotations

import ast
import io
import tokenize
import re
import sys
import warnings

from scalelint import budget, limits
from scalelint.facts import NEWER_PYTHON, PYTHON2, ParseProblem, Span


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


# What `ast` builds a node or more for: counted with bytes.count, 80 MB/s, before parsing.
_TOKEN_MARKS = (b"(", b"[", b"{", b",", b".", b":", b"=", b"+", b"-", b"*", b"\n")


def python_too_large(data: bytes) -> ParseProblem | None:
    """An info-level problem for a Python file too large to parse within the memory limits."""
    if len(data) > limits.PYTHON_SIZE.value:
        return ParseProblem(f"not analysed: {len(data) / limits.MIB:.1f} MiB is above {limits.PYTHON_SIZE} (generated code?)", _at(1), "info")
    tokens = sum(data.count(mark) for mark in _TOKEN_MARKS)
    if tokens > limits.PYTHON_TOKENS.value:
        return ParseProblem(f"not analysed: about {tokens:,} tokens, above {limits.PYTHON_TOKENS} (generated code?)", _at(1), "info")
    return None


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
        return None, _rejected(text, error)


def _rejected(text: str, error: Exception) -> ParseProblem:
    """Why `ast` rejected the file, as precisely as we can say it."""
    line = getattr(error, "lineno", None) or 1
    column = max(getattr(error, "offset", None) or 1, 1)
    message = getattr(error, "msg", None) or str(error)
    old = _python2_construct(message, _line(text, line))
    if old:
        return ParseProblem(f"{PYTHON2} ({old}): scalelint reads Python 3 only", _at(line, column), "warning")
    if len(text) <= limits.SECOND_LOOK_SIZE.value:
        depth, longest = _shape(text)
        if depth > limits.NESTING.value:
            return ParseProblem(f"nested {depth:,} levels deep (brackets and blocks), above {limits.NESTING}", _at(line, column))
        if longest <= limits.SECOND_LOOK_STATEMENT.value and _parses_with_libcst(text):
            running = f"{sys.version_info[0]}.{sys.version_info[1]}"
            return ParseProblem(
                f"{NEWER_PYTHON} than {running}, the one running scalelint (libcst's parser reads it, {running}'s does not)",
                _at(line, column),
                "info",
            )
    return ParseProblem(f"syntax error: {message}", _at(line, column))


def _line(text: str, number: int) -> str:
    lines = text.split("\n", number)
    return lines[number - 1].rstrip("\r") if 0 < number <= len(lines) else ""


# CPython's own words for Python 2 constructs, then what the failing line shows.
_PY2_MESSAGES = (
    ("Missing parentheses in call to 'print'", "print statement"),
    ("Missing parentheses in call to 'exec'", "exec statement"),
    ("leading zeros in decimal integer literals", "octal literal without 0o"),
    ("Function parameters cannot be parenthesized", "tuple parameters"),
)
_GENERIC = ("invalid syntax", "invalid decimal literal", "invalid token")
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_PY2_LINES = (
    (re.compile(r"<>"), "`<>` operator"),
    (re.compile(r"`[^`\n]*`"), "backtick repr"),
    (re.compile(r"(?<![\w.])\d+[lL]\b"), "long integer literal"),
    (re.compile(r"(?<![\w.])[uU][rR]['\"]"), "ur'' string prefix"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "`raise E, message`"),
)


# `except A, B:` is Python 3.14 (PEP 758: several types, no `as`) as well as Python 2's
# `except A, e:`; only a lower-case name after the last comma reads as Python 2's binding.
_MULTIPLE_TYPES = "multiple exception types must be parenthesized"
_EXCEPT_BINDING = re.compile(r"^\s*except\b.*,\s*([A-Za-z_]\w*)\s*:")


def _python2_construct(message: str, line: str) -> str | None:
    if message.startswith(_MULTIPLE_TYPES):
        binding = _EXCEPT_BINDING.match(line)
        return "`except X, e:`" if binding and binding.group(1)[:1].islower() else None
    for start, construct in _PY2_MESSAGES:
        if message.startswith(start):
            return construct
    if message in _GENERIC and "#" not in line:  # a comment could hold anything
        bare = _STRING.sub('""', line)
        for pattern, construct in _PY2_LINES:
            if pattern.search(line if "string" in construct else bare):
                return construct
    return None


def _shape(text: str) -> tuple[int, int]:
    """(deepest bracket and indentation nesting, most tokens in one logical line), by the
    pure-Python tokenizer, which keeps no stack; up to where it gives up on a broken file."""
    depth = deepest = indent = count = longest = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = token.type
            if kind == tokenize.OP:
                if token.string in "([{":
                    depth += 1
                    deepest = max(deepest, depth + indent)
                elif token.string in ")]}":
                    depth = max(depth - 1, 0)
            elif kind == tokenize.INDENT:
                indent += 1
                deepest = max(deepest, depth + indent)
            elif kind == tokenize.DEDENT:
                indent = max(indent - 1, 0)
            if kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
                longest, count = max(longest, count), 0
            elif kind not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                count += 1
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return deepest, max(longest, count)


def _parses_with_libcst(text: str) -> bool:
    import libcst  # here, before any fork: importing it costs more than the parse

    return budget.isolated(lambda: _libcst_accepts(libcst, text), limits.SECOND_LOOK_TIME.value) is True


def _libcst_accepts(libcst, text: str) -> bool:
    try:
        libcst.parse_module(text)
        return True
    except Exception:  # noqa: BLE001 - any failure means "libcst cannot parse it either"
        return False
