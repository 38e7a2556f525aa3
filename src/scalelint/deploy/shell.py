"""A small POSIX-shell tokenizer that keeps file positions.

Deployment files embed shell command lines in many containers (a Procfile line, a YAML
scalar, a Dockerfile instruction spread over `\\` continuations). The tokenizer therefore
works on a text plus a *position map*: for every character of the text, the (line, column)
it occupies in the file. Callers with a contiguous piece of file build the map with
`positions()`; the YAML and TOML readers build it from a decoded scalar, so the text handed
here may differ from the file (escapes, folding) while words still point at the file.

Only word splitting matters to us: no expansion is done. `$VAR`, `${VAR:-x}`, `$(cmd)` and
backquotes are kept verbatim in the word text, because the Project resolves variables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from scalelint.deploy import launchers
from scalelint.facts import Span, Word

Pos = tuple[int, int]  # (line, column), both 1-based


def positions(text: str, line: int = 1, column: int = 1) -> list[Pos]:
    """The position map of `text` when it starts at (line, column) in the file."""
    out: list[Pos] = []
    for ch in text:
        out.append((line, column))
        if ch == "\n":
            line, column = line + 1, 1
        else:
            column += 1
    return out


@dataclass
class Tok:
    """A word while we still need its per-character positions (to re-tokenise `sh -c`)."""

    text: str  # unquoted
    chars: list[Pos]  # file position of each character of `text`
    start: Pos  # first written character (an opening quote included)
    end: Pos  # (line, column one past the last written character)
    quoted_from: int  # index in `text` of the first character that came from quoting

    @property
    def unquoted(self) -> bool:
        return self.quoted_from >= len(self.text)

    def word(self) -> Word:
        return Word(self.text, Span(self.start[0], self.start[1], self.end[0], self.end[1]))


# Words that open or close compound commands; a simple command starts after them.
_LEADING_RESERVED = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"}
_CLOSING_RESERVED = {"fi", "done", "esac", "}"}
# Compound-command headers whose words are not a command we could learn from.
_HEADERS = {"for", "case", "select", "function", "in"}

_REDIRECT = re.compile(r"\d*(&>>|&>|<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)")
_OPERATORS = ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")")
_META = set(" \t\n;&|()<>")
_BLANK = set(" \t\n")


def _balanced(text: str, i: int, open_ch: str, close_ch: str) -> int:
    """Index just past the bracket closing the one at `i`; quotes inside are respected."""
    depth, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "'" and open_ch == "(":
            end = text.find("'", i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _verbatim_end(text: str, i: int) -> int | None:
    """End of a `$(...)`, `${...}` or backquoted span starting at `i`, else None."""
    if text[i] == "$" and i + 1 < len(text):
        if text[i + 1] == "(":
            return _balanced(text, i + 1, "(", ")")
        if text[i + 1] == "{":
            return _balanced(text, i + 1, "{", "}")
        return None
    if text[i] == "`":
        end = text.find("`", i + 1)
        return len(text) if end < 0 else end + 1
    return None


class _Lexer:
    def __init__(self, text: str, pos: Sequence[Pos], operators: bool) -> None:
        self.text = text
        self.pos = pos
        self.operators = operators
        self.stops = _META if operators else _BLANK

    def _after(self, i: int) -> Pos:
        line, col = self.pos[i]
        return (line, col + 1)

    def read_word(self, i: int) -> tuple[Tok, int]:
        text, pos, n = self.text, self.pos, len(self.text)
        buf: list[str] = []
        chars: list[Pos] = []
        quoted_from: int | None = None
        start, last = i, i

        def take(a: int, b: int) -> None:
            buf.append(text[a:b])
            chars.extend(pos[a:b])

        while i < n:
            ch = text[i]
            if ch in self.stops:
                break
            if ch == "\\":
                if i + 1 < n and text[i + 1] == "\n":
                    i += 2
                    continue
                if i + 1 < n:
                    quoted_from = len(chars) if quoted_from is None else quoted_from
                    take(i + 1, i + 2)
                    last, i = i + 1, i + 2
                else:
                    take(i, i + 1)
                    last, i = i, i + 1
                continue
            if ch == "'":
                quoted_from = len(chars) if quoted_from is None else quoted_from
                end = text.find("'", i + 1)
                end = n if end < 0 else end
                take(i + 1, end)
                last, i = min(end, n - 1), end + 1
                continue
            if ch == '"':
                quoted_from = len(chars) if quoted_from is None else quoted_from
                i += 1
                while i < n and text[i] != '"':
                    if text[i] == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
                        if text[i + 1] != "\n":
                            take(i + 1, i + 2)
                        i += 2
                        continue
                    end = _verbatim_end(text, i)
                    if end is not None:
                        take(i, end)
                        i = end
                        continue
                    take(i, i + 1)
                    i += 1
                last, i = min(i, n - 1), i + 1
                continue
            end = _verbatim_end(text, i)
            if end is not None:
                take(i, end)
                last, i = end - 1, end
                continue
            take(i, i + 1)
            last, i = i, i + 1
        joined = "".join(buf)
        qf = len(joined) if quoted_from is None else quoted_from
        return Tok(joined, chars, pos[start], self._after(last), qf), i

    def skip_heredocs(self, i: int, pending: list[tuple[str, bool]]) -> int:
        """Skip here-document bodies that start at `i` (just after the newline)."""
        text, n = self.text, len(self.text)
        for delim, strip_tabs in pending:
            while i < n:
                end = text.find("\n", i)
                end = n if end < 0 else end
                line = text[i:end]
                i = end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delim:
                    break
        return min(i, n)

    def run(self) -> list[tuple[list[Tok], str]]:
        """Every command as written (reserved words kept, empty ones too) with the operator
        or newline that ended it: what the branch reader needs to follow `case` and `if`."""
        text, n = self.text, len(self.text)
        commands: list[tuple[list[Tok], str]] = []
        current: list[Tok] = []
        heredocs: list[tuple[str, bool]] = []
        drop_next: str | None = None  # a redirection whose target word comes next

        def finish(ended_by: str) -> None:
            nonlocal current, drop_next
            drop_next = None
            commands.append((current, ended_by))
            current = []

        i = 0
        while i < n:
            ch = text[i]
            if ch in " \t\r":
                i += 1
                continue
            if ch == "\\" and i + 1 < n and text[i + 1] == "\n":
                i += 2
                continue
            if ch == "\n":
                finish("\n")
                i += 1
                if heredocs:
                    i = self.skip_heredocs(i, heredocs)
                    heredocs = []
                continue
            if ch == "#":
                end = text.find("\n", i)
                i = n if end < 0 else end
                continue
            if self.operators:
                m = _REDIRECT.match(text, i)
                if m:
                    drop_next = m.group(1)
                    i = m.end()
                    continue
                op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
                if op == "(" and len(current) == 1 and text[i + 1 :].lstrip(" \t").startswith(")"):
                    current = []  # `name() { ... }`: the name is not a command; the body is
                    i = text.index(")", i) + 1
                    continue
                if op is not None:
                    finish(op)
                    i += len(op)
                    continue
            tok, after = self.read_word(i)
            i = max(after, i + 1)  # always progress, whatever the input
            if drop_next is not None:
                if drop_next in ("<<", "<<-"):
                    heredocs.append((tok.text, drop_next == "<<-"))
                drop_next = None
                continue
            current.append(tok)
        finish("")
        return commands


def strip_reserved(command: list[Tok]) -> list[Tok]:
    while command and command[0].unquoted and command[0].text in _LEADING_RESERVED:
        command = command[1:]
    if command and command[0].unquoted and command[0].text in _HEADERS:
        return []
    if len(command) == 1 and command[0].unquoted and command[0].text in _CLOSING_RESERVED:
        return []
    return command


def raw_commands(text: str, pos: Sequence[Pos]) -> list[tuple[list[Tok], str]]:
    """`tokenize`'s commands before reserved words are dropped, each with what ended it."""
    return _Lexer(text, _padded(text, pos), True).run()


def _padded(text: str, pos: Sequence[Pos]) -> Sequence[Pos]:
    if len(pos) < len(text):  # a caller's map must never make us index out of range
        last = pos[-1] if pos else (1, 1)
        pos = list(pos) + [(last[0], last[1] + k + 1) for k in range(len(text) - len(pos))]
    return pos


def tokenize(text: str, pos: Sequence[Pos], operators: bool = True) -> list[list[Tok]]:
    """Split `text` (with its position map) into simple commands of words.

    With `operators=False` only blanks separate words and nothing splits commands except
    newlines (for `ENV K="v w"` or systemd `Environment=` values).
    """
    pos = _padded(text, pos)
    return [c for c in (strip_reserved(c) for c, _ in _Lexer(text, pos, operators).run()) if c]


def split_commands(text: str, line: int = 1, column: int = 1) -> list[list[Word]]:
    """Tokenise a shell command string that starts at (line, column) in its file."""
    return [[t.word() for t in cmd] for cmd in tokenize(text, positions(text, line, column))]


# --- sh -c ---------------------------------------------------------------------------


def expand_toks(command: list[Tok], depth: int = 0) -> list[list[Tok]]:
    """Replace `sh -c "..."` (or `su app -c "..."`) by the simple commands inside the string."""
    idx = launchers.command_string([t.text for t in command])  # `sh -c S`, `gosu app sh -c S`, `su app -c S`
    if idx is None or depth > 4:
        return [command]
    inner = command[idx]
    out: list[list[Tok]] = []
    for sub in tokenize(inner.text, inner.chars):
        out.extend(expand_toks(sub, depth + 1))
    return out


def _tok_of_word(word: Word) -> Tok:
    span, text = word.span, word.text
    written = span.end_column - span.column if span.line == span.end_line else -1
    offset = 1 if written == len(text) + 2 else 0  # the string was quoted as a whole
    chars = [(span.line, span.column + offset + k) for k in range(len(text))]
    return Tok(text, chars, (span.line, span.column), (span.end_line, span.end_column), 0 if offset else len(text))


def expand_sh_c(words: Sequence[Word]) -> list[list[Word]]:
    """`sh -c "gunicorn app:app -w 4"` -> the inner simple commands, positioned in the file.

    Positions inside the string assume it holds no escapes (the extractors use the exact
    per-character map instead, through `expand_toks`).
    """
    toks = [_tok_of_word(w) for w in words]
    return [[t.word() for t in cmd] for cmd in expand_toks(toks)]
