"""Which branch of a script each command is in: `case "$1" in web) ... ;; esac` and
`if [ "$1" = "web" ]; then ... elif ...; else ... fi`.

Entrypoint scripts dispatch on their first argument: `web` starts gunicorn, `dev_server`
starts runserver. A command in a branch runs only when the script is started with an
argument that selects it, so the Project needs to know the branch to judge a dev server
(issue: `dev_server` subcommands of an entrypoint whose CMD is gunicorn are not production).
Conditions we cannot read (`[ -f x ]`) leave their commands unguarded, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from scalelint.deploy.shell import Pos, Tok, raw_commands, strip_reserved
from scalelint.facts import Guard

_TESTS = {"[": "]", "[[": "]]", "test": None}
_EQUALS = {"=", "=="}


@dataclass
class _Case:
    subject: str
    in_patterns: bool = True  # between `in`/`;;` and `)`: words are patterns
    current: list[str] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    guard: Guard | None = None


@dataclass
class _If:
    subject: str | None
    tried: list[str] = field(default_factory=list)
    guard: Guard | None = None


def _comparison(words: list[Tok]) -> tuple[str, str] | None:
    """`[ "$1" = "web" ]`, `[[ $1 == web ]]`, `test "$1" = web` -> ("$1", "web")."""
    if not words or not words[0].unquoted or words[0].text not in _TESTS:
        return None
    closing = _TESTS[words[0].text]
    inner = words[1:-1] if closing else words[1:]
    if closing and (len(words) < 2 or words[-1].text != closing):
        return None
    if len(inner) != 3 or inner[1].text not in _EQUALS:
        return None
    left, right = inner[0].text, inner[2].text
    if left.startswith("$") and not right.startswith("$"):
        return left, right
    if right.startswith("$") and not left.startswith("$"):
        return right, left
    return None


def _active(stack: list) -> tuple[Guard, ...]:
    return tuple(frame.guard for frame in stack if frame.guard is not None)


def guarded_commands(text: str, pos: Sequence[Pos]) -> list[tuple[list[Tok], tuple[Guard, ...]]]:
    """The simple commands of a script (as `tokenize` gives them), each with its branches."""
    out: list[tuple[list[Tok], tuple[Guard, ...]]] = []
    stack: list[_Case | _If] = []
    for words, ended_by in raw_commands(text, pos):
        top = stack[-1] if stack else None
        if isinstance(top, _Case) and top.in_patterns:
            if len(words) == 1 and words[0].unquoted and words[0].text == "esac":
                stack.pop()
            elif words:
                top.current.extend(w.text for w in words)
                if ended_by == ")":
                    top.in_patterns = False
                    top.guard = Guard(top.subject, tuple(top.current), tuple(top.tried))
            continue
        first = words[0].text if words and words[0].unquoted else None
        while first in ("then", "else", "do") and words:
            if first == "else" and isinstance(top, _If):
                top.guard = Guard(top.subject, ("*",), tuple(top.tried)) if top.subject else None
            words = words[1:]
            first = words[0].text if words and words[0].unquoted else None
        if first == "case" and len(words) >= 3 and words[2].text == "in":
            frame = _Case(words[1].text)
            stack.append(frame)
            if len(words) > 3:  # `case $1 in web) ...` on one line
                frame.current.extend(w.text for w in words[3:])
                if ended_by == ")":
                    frame.in_patterns = False
                    frame.guard = Guard(frame.subject, tuple(frame.current), tuple(frame.tried))
            continue
        if first in ("if", "elif"):
            test = _comparison(words[1:]) if ended_by in (";", "\n", "") else None
            if first == "if":
                frame = _If(test[0] if test else None)
                stack.append(frame)
            elif isinstance(top, _If):
                frame = top
            else:
                frame = _If(None)
            if test and test[0] == frame.subject:
                frame.guard = Guard(frame.subject, (test[1],), tuple(frame.tried))
                frame.tried.append(test[1])
            else:
                frame.guard = Guard(frame.subject, ("*",), tuple(frame.tried)) if frame.subject and first == "elif" else None
                frame.subject = frame.subject if first == "elif" else None
        elif first == "fi" and isinstance(top, _If):
            stack.pop()
            words = words[1:]
        elif first == "esac" and isinstance(top, _Case):
            stack.pop()
            words = words[1:]
        command = strip_reserved(words)
        if command:
            # the test of an `if` runs before its branch is taken: it is not inside it
            guards = _active(stack[:-1]) if first in ("if", "elif") and stack else _active(stack)
            out.append((command, guards))
        top = stack[-1] if stack else None
        if isinstance(top, _Case) and ended_by == ";;":
            top.in_patterns = True
            top.tried.extend(top.current)
            top.current = []
            top.guard = None
    return out
