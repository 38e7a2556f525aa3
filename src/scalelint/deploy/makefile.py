"""Makefiles: the recipe lines of each target (`make run`, `make serve`...)."""

from __future__ import annotations

import re

from scalelint.deploy.common import build_commands
from scalelint.deploy.shell import positions, tokenize
from scalelint.facts import DeployCommand

# `targets: prerequisites [; recipe]`, but not `VAR := x`, `VAR ::= x` or `VAR = x`.
_RULE = re.compile(r"^([^:=#\t][^:=#]*?)[ \t]*::?(?![=:])[ \t]*(.*)$")
_CONDITIONAL = re.compile(r"^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b")
_RECIPE_PREFIX = re.compile(r"^[\t ]*[@+\-][@+\-\t ]*|^[\t ]+")


def _logical_lines(text: str):
    """(line number, text) with backslash-newline continuations kept inside the text."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start, chunk = i + 1, lines[i]
        while chunk.endswith("\\") and i + 1 < len(lines):
            i += 1
            chunk += "\n" + lines[i]
        yield start, chunk
        i += 1


def _target(names: str) -> str | None:
    for name in names.split():
        if not name.startswith(".") and "%" not in name and "$" not in name:
            return name
    return None


def _recipe(out: list[DeployCommand], path: str, target: str, line: int, column: int, body: str) -> None:
    prefix = _RECIPE_PREFIX.match(body)
    if prefix:
        column += prefix.end()
        body = body[prefix.end() :]
    if body:
        build_commands(
            out, tokenize(body, positions(body, line, column)), path=path, source="makefile", process=target
        )


def extract(path: str, text: str) -> list[DeployCommand]:
    out: list[DeployCommand] = []
    target: str | None = None
    in_define = False
    for line, chunk in _logical_lines(text):
        stripped = chunk.strip()
        if in_define:
            in_define = not stripped.startswith("endef")
            continue
        if chunk.startswith("\t"):
            if target is not None:
                _recipe(out, path, target, line, 1, chunk)
            continue
        if not stripped or stripped.startswith("#") or _CONDITIONAL.match(chunk):
            continue  # blank lines, comments and conditionals do not end a rule
        if stripped.startswith("define ") or stripped == "define":
            in_define, target = True, None
            continue
        m = _RULE.match(chunk)
        if not m or "=" in m.group(2).split(";")[0]:  # a variable, or `target: VAR = value`
            target = None
            continue
        target = _target(m.group(1))
        recipe, sep, inline = m.group(2).partition(";")
        if target is not None and sep:
            _recipe(out, path, target, line, m.start(2) + len(recipe) + 2, inline)
    return out
