"""Django and Jinja2 templates into TemplateFacts: the loops a template runs and the variable
chains it reads, so the Project can see `{% for e in events %}{{ e.organizer.name }}` as one
query per row once it knows what the view passed as `events`.

A pure function of the text, in three layers, each linear in the input:

- `_pieces` splits the file into `{{ }}`, `{% %}` and `{# #}` pieces with `str.find` and one
  simple regex (no nested quantifiers, so no backtracking blow-ups). Searches only move
  forward and remember their last answer, so a `{{` that never closes costs one search for
  the whole file, not one per opener. `{% comment %}`, `{% verbatim %}` and `{% raw %}` blocks
  are skipped whole.
- `_tokens` cuts a piece into names, numbers, strings and operators.
- `_Extractor` reads the tokens of each piece with a flat scanner, not a recursive parser:
  maximal chains `a.b["c"].d()` are found by looking one or two tokens ahead, and syntax
  words (filters, tests, keyword-argument names, `as x`) are recognised from the token before
  them. Nothing recurses, so a `((((...` ten thousand deep is just tokens.

Block structure is a stack of frames (for, if, with, macro, ...). Names bound by `{% with %}`,
`{% set %}` and `as x` are substituted in later reads (`org.name` under `with org=e.organizer`
is read as ("e", "organizer", "name")); loop targets are kept as they are; names whose value is
not a chain (macro parameters, `{% set n = xs|length %}`) are locals, and reads through them are
dropped, since nothing of the view's context is behind them. Malformed input is skipped piece
by piece; nothing here raises on any text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from scalelint.facts import Span, TemplateFacts, TemplateInclude, TemplateLoop, TemplateRead

JINJA_SUFFIXES = (".jinja", ".jinja2", ".j2")

# --- layer 1: pieces --------------------------------------------------------------------

_OPENER = re.compile(r"\{[{%#]")
_CLOSER = {"{": "}}", "%": "%}", "#": "#}"}
# The name of a block whose body is not template code (looked at only after `{%`).
_RAW_BLOCK = re.compile(r"[-+]?\s*(comment|verbatim|raw)\b[ \t]*(\w*)")
_END_COMMENT = re.compile(r"\{%[-+]?\s*endcomment\s*[-+]?%\}")
_END_RAW = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}")
_END_VERBATIM = re.compile(r"\{%\s*endverbatim\s*%\}")


class _Search:
    """`text.find(needle, start)` (or a regex search) for starts that never go backwards,
    remembering the last answer: a result at or after `start` is still the answer, and "none"
    stays "none". That keeps repeated searches linear on files full of unclosed openers."""

    __slots__ = ("find", "start", "found")

    def __init__(self, find):
        self.find = find
        self.start = -1
        self.found = -1

    def __call__(self, start: int) -> int:
        if self.start >= 0 and start >= self.start and (self.found < 0 or self.found >= start):
            return self.found
        self.start = start
        self.found = self.find(start)
        return self.found


def _pieces(text: str):
    """Yield (kind, start, end) for every tag: kind "{", "%" or "#", and the offsets of the
    text between its delimiters."""
    n = len(text)
    opener_at = _Search(lambda at: (m.start() if (m := _OPENER.search(text, at)) else -1))
    closer_at = {kind: _Search(lambda at, closer=closer: text.find(closer, at)) for kind, closer in _CLOSER.items()}
    pos = 0
    while pos < n:
        p = opener_at(pos)
        if p < 0:
            return
        kind = text[p + 1]
        close = closer_at[kind](p + 2)
        if close < 0:
            pos = p + 2  # never closed: literal text, as both engines' lexers leave it
            continue
        if kind == "#":
            # A comment may hold tags (commented-out code); it ends at the first `#}`.
            yield kind, p + 2, close
            pos = close + 2
            continue
        following = opener_at(p + 2)
        if 0 <= following < close:
            # `{{ x {% if y %}`: the opener was text (a JavaScript `{{` in Django, say). Do not
            # let it swallow the tags up to some far `}}`; resume at the next opener.
            pos = following
            continue
        yield kind, p + 2, close
        pos = close + 2
        if kind == "%":
            block = _RAW_BLOCK.match(text, p + 2, close)
            if block is not None:
                name, label = block.group(1), block.group(2)
                if name == "comment":
                    end = _END_COMMENT.search(text, pos)
                elif name == "raw":
                    end = _END_RAW.search(text, pos)
                elif label:  # `{% verbatim myblock %}` ends only at `{% endverbatim myblock %}`
                    end = re.compile(r"\{%\s*endverbatim\s+" + re.escape(label) + r"\s*%\}").search(text, pos)
                else:
                    end = _END_VERBATIM.search(text, pos)
                # An unclosed block makes the engines reject the file: read no further.
                pos = end.end() if end is not None else n


# --- layer 2: tokens --------------------------------------------------------------------

# One token per match; every non-space character matches some branch. Strings use the
# "unrolled" form, which matches or fails in one pass; an unclosed quote falls to the `q`
# branch, and the scanner stops there (the rest of the piece is unreadable anyway).
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<n>[^\W\d]\w*)
    | (?P<d>\d+(?:\.\d+)?)
    | (?P<s>"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')
    | (?P<q>["'])
    | (?P<o>\*\*|//|==|!=|<=|>=|[^\s\w])
    )""",
    re.VERBOSE | re.DOTALL,
)

# A token is (kind, text, start, end): kind "n" name, "d" number, "s" string, "o" operator.
Token = tuple[str, str, int, int]


def _tokens(text: str, start: int, end: int) -> list[Token]:
    # Trailing whitespace first: `\s*` with nothing after it would be retried at every
    # position of a long blank run (quadratic), inside a tag it is just padding.
    while end > start and text[end - 1].isspace():
        end -= 1
    out: list[Token] = []
    for m in _TOKEN.finditer(text, start, end):
        kind = m.lastgroup
        if kind == "q":
            break
        out.append((kind, m.group(kind), m.start(kind), m.end()))  # type: ignore[arg-type]
    return out


# --- layer 3: meaning -------------------------------------------------------------------

# Operators spelled as words, and literals.
_WORDS = frozenset(("and", "or", "not", "in", "is", "if", "else", "True", "False", "None", "true", "false", "none"))
# Names that are never the view's context: Django's loop object and block.super are handled
# apart; these are Jinja's globals and macro internals, and gettext aliases.
_GLOBALS = frozenset(
    ("forloop", "range", "lipsum", "dict", "cycler", "joiner", "namespace", "super", "caller", "self",
     "varargs", "kwargs", "_", "gettext", "ngettext", "pgettext", "npgettext")
)  # fmt: skip
# Calls that Django templates allow too (`_("text")`), so they do not mark a file as Jinja.
_DJANGO_CALLS = frozenset(("_",))
# Words that are syntax in the arguments of custom and built-in tags, not variables
# (`{% get_comment_list for event as comments %}`, `{% include "x" with a=b only %}`).
_TAG_WORDS = _WORDS | frozenset(
    ("as", "for", "by", "with", "only", "from", "to", "using", "on", "off", "silent", "noop", "context",
     "trimmed", "notrimmed", "asvar", "count", "ignore", "missing", "without")
)  # fmt: skip
# Tags whose arguments are names, not expressions, or hold nothing a view passes in.
_SKIP_TAGS = frozenset(
    ("load", "templatetag", "autoescape", "filter", "spaceless", "csrf_token", "debug", "lorem", "localize",
     "localtime", "break", "continue", "partialdef", "partial", "resetcycle", "plural", "pluralize",
     "comment", "verbatim", "raw")
)  # fmt: skip
# Tags only Jinja2 has: one of them settles the engine.
_JINJA_TAGS = frozenset(("set", "endset", "macro", "endmacro", "call", "endcall", "raw", "import", "from", "do", "break", "continue"))
_IF_TAGS = frozenset(("if", "ifchanged", "ifequal", "ifnotequal"))
_OPEN = frozenset(("(", "[", "{"))
_CLOSE = frozenset((")", "]", "}"))

# Binding kinds, besides an alias (a tuple: the chain the name stands for).
_TARGET = "target"  # a loop variable: reads through it are kept as written
_LOCAL = "local"  # a value that is not a chain: reads through it are dropped


class _Frame:
    __slots__ = ("kind", "loop", "parent_loop", "names")

    def __init__(self, kind: str, loop: int | None, parent_loop: int | None):
        self.kind = kind
        self.loop = loop  # the innermost loop around the frame's body
        self.parent_loop = parent_loop  # for `for` frames: the loop around the tag itself
        self.names: list[str] = []  # names bound in this frame, unbound when it closes


def _unquote(token: Token) -> str:
    return token[1][1:-1] if token[0] == "s" else token[1]


class _Extractor:
    def __init__(self, text: str, jinja: bool):
        self.text = text
        self.jinja = jinja
        self.loops: list[tuple[tuple[str, ...], tuple[str, ...], int, int, int | None]] = []
        self.reads: list[tuple[tuple[str, ...], int, int, int | None]] = []
        self.extends: str | None = None
        self.includes: list[tuple] = []  # (name, start, end, loop, binds, only)
        root = _Frame("", None, None)
        self.frames: list[_Frame] = [root]
        self.scopes: list[_Frame] = [root]  # frames that hold bindings (for, with, macro, block...)
        self.open: dict[str, int] = {}  # open frames per kind: an unmatched end tag costs O(1)
        self.bound: dict[str, list[object]] = {}  # name -> bindings, innermost last

    # -- frames and names ------------------------------------------------------------------

    @property
    def loop(self) -> int | None:
        return self.frames[-1].loop

    def push(self, kind: str, scope: bool, loop: int | None = None, parent_loop: int | None = None) -> _Frame:
        frame = _Frame(kind, loop, parent_loop)
        self.frames.append(frame)
        self.open[kind] = self.open.get(kind, 0) + 1
        if scope:
            self.scopes.append(frame)
        return frame

    def close(self, kind: str) -> None:
        """An end tag: close the innermost open `kind` frame and whatever unclosed frames sit
        inside it. An end tag with nothing to close is ignored."""
        if not self.open.get(kind):
            return
        while True:
            frame = self.frames.pop()
            self.open[frame.kind] -= 1
            if self.scopes[-1] is frame:
                self.scopes.pop()
            for name in frame.names:
                stack = self.bound.get(name)
                if stack:
                    stack.pop()
            if frame.kind == kind:
                return

    def bind(self, frame: _Frame, name: str, value: object) -> None:
        self.bound.setdefault(name, []).append(value)
        frame.names.append(name)

    def resolve(self, chain: list[str]) -> tuple[str, ...] | None:
        """The chain with aliases substituted; None when it starts at a local."""
        stack = self.bound.get(chain[0])
        if not stack:
            return tuple(chain)
        value = stack[-1]
        if value is _TARGET:
            return tuple(chain)
        if value is _LOCAL:
            return None
        return value + tuple(chain[1:])  # type: ignore[operator]

    def alias_of(self, toks: list[Token], a: int, b: int) -> object:
        """What a name bound to toks[a:b] stands for: the chain, when the value is one."""
        chain = self.single_chain(toks, a, b)
        return chain if chain else _LOCAL

    # -- chains ----------------------------------------------------------------------------

    def chain(self, toks: list[Token], k: int, j: int) -> tuple[list[str], int, int, bool]:
        """The maximal chain starting at name toks[k]: its names, the index after it, the
        offset where it ends, and whether it was called. `a.b`, `a.0`, `a["b"]`, `a[0]` and
        `a.b()` extend it; a call with arguments or any other subscript ends it (the
        scanner then reads what is inside)."""
        segs = [toks[k][1]]
        end = toks[k][3]
        called = False
        m = k + 1
        while m < j:
            kind, val, _, _ = toks[m]
            if kind != "o":
                break
            if val == ".":
                if m + 1 < j:
                    nkind, nval, _, nend = toks[m + 1]
                    if nkind == "n":
                        segs.append(nval)
                        end, m = nend, m + 2
                        continue
                    if nkind == "d":  # Django's `items.0`; `items.0.1` lexes as one number
                        segs.extend(nval.split("."))
                        end, m = nend, m + 2
                        continue
                break
            if val == "[":
                if m + 2 < j and toks[m + 2][1] == "]" and toks[m + 2][0] == "o" and toks[m + 1][0] in "sd":
                    segs.append(_unquote(toks[m + 1]))
                    end, m = toks[m + 2][3], m + 3
                    self.jinja = True
                    continue
                break
            if val == "(":
                called = True
                if m + 1 < j and toks[m + 1][0] == "o" and toks[m + 1][1] == ")":
                    end, m = toks[m + 1][3], m + 2  # `all()` is read like Django's `all`
                    continue
                break
            break
        if called and segs[0] not in _DJANGO_CALLS:
            self.jinja = True
        return segs, m, end, called

    def single_chain(self, toks: list[Token], a: int, b: int) -> tuple[str, ...] | None:
        """toks[a:b] as one chain of the view's context (aliases substituted), else None."""
        if a >= b or toks[a][0] != "n":
            return None
        name = toks[a][1]
        if name in _WORDS or name in _GLOBALS or (name == "loop" and self.loop is not None):
            return None
        segs, m, _, _ = self.chain(toks, a, b)
        if m != b:
            return None
        return self.resolve(segs)

    # -- the flat scanner -------------------------------------------------------------------

    def scan(self, toks: list[Token], i: int, j: int, loop: int | None, tag_words: frozenset[str] | None = None) -> None:
        """Record every chain toks[i:j] reads. `tag_words`: the piece is a tag's arguments,
        where these words are syntax and `as x` binds x."""
        k = i
        while k < j:
            kind, val, start, _ = toks[k]
            if kind != "n":
                if kind == "o" and val in ("~", "{", "["):
                    self.jinja = True  # concatenation, dict and list literals, subscripts: Jinja-only
                k += 1
                continue
            if k > i:
                pkind, pval = toks[k - 1][0], toks[k - 1][1]
                if pkind == "o" and (pval == "." or pval == "|"):
                    # An attribute of something that is not a chain (`f(x).y`), or a filter name
                    # (`|date`); a dotted Jinja filter's later parts are skipped the same way.
                    # The arguments of `|join(", ")` are read as the scan goes on.
                    if pval == "|" and k + 1 < j and toks[k + 1][1] == "(":
                        self.jinja = True
                    k += 1
                    continue
                if pkind == "n" and (pval == "is" or (pval == "not" and k - 2 >= i and toks[k - 2][1] == "is")):
                    k += 1  # a Jinja test: `is defined`, `is not none`, `is divisibleby(3)`
                    continue
            if k + 1 < j and toks[k + 1][0] == "o" and toks[k + 1][1] == "=":
                k += 2  # a keyword argument's name (`f(x=1)`, `{% url "a" pk=e.pk %}`)
                continue
            if tag_words is not None and val in tag_words:
                if val == "as" and k + 1 < j and toks[k + 1][0] == "n":
                    self.bind(self.scopes[-1], toks[k + 1][1], _LOCAL)  # `{% url "a" as link %}`
                    k += 2
                else:
                    k += 1
                continue
            if val in _WORDS:
                k += 1
                continue
            segs, k, end, _ = self.chain(toks, k, j)
            if val in _GLOBALS or (val == "loop" and loop is not None):
                continue  # `forloop.counter`, `loop.index`, `range(n)`: their arguments are still read
            if val == "block" and len(segs) > 1 and segs[1] == "super":
                continue
            resolved = self.resolve(segs)
            if resolved is not None:
                self.reads.append((resolved, start, end, loop))

    # -- pieces ----------------------------------------------------------------------------

    def variable(self, start: int, end: int) -> None:
        start, end = self.strip_controls(start, end)
        toks = _tokens(self.text, start, end)
        self.scan(toks, 0, len(toks), self.loop)

    def strip_controls(self, start: int, end: int) -> tuple[int, int]:
        """Drop Jinja's whitespace control (`{%-`, `-%}`, `{%+`); Django has none."""
        text = self.text
        if start < end and text[start] in "-+":
            start += 1
            self.jinja = True
        if start < end and text[end - 1] in "-+":
            end -= 1
            self.jinja = True
        return start, end

    def tag(self, start: int, end: int) -> None:
        start, end = self.strip_controls(start, end)
        toks = _tokens(self.text, start, end)
        if not toks or toks[0][0] != "n":
            return
        name = toks[0][1]
        if name in _JINJA_TAGS:
            self.jinja = True
        j = len(toks)
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, toks, j)
        elif name.startswith("end"):
            self.close(name[3:])
        elif name not in _SKIP_TAGS:
            self.scan(toks, 1, j, self.loop, _TAG_WORDS)

    # -- tags ------------------------------------------------------------------------------

    def tag_for(self, toks: list[Token], j: int) -> None:
        # {% for a, b in iterable [reversed] %}; Jinja: {% for x in it [if cond] [recursive] %}
        depth = 0
        in_at = -1
        for m in range(1, j):
            kind, val = toks[m][0], toks[m][1]
            if kind == "o":
                depth += (val in _OPEN) - (val in _CLOSE)
            elif kind == "n" and val == "in" and depth == 0:
                in_at = m
                break
        targets = tuple(t[1] for t in toks[1:in_at] if t[0] == "n") if in_at > 1 else ()
        if not targets:
            return  # malformed: there is no loop to attach reads to
        a, b = in_at + 1, j
        if b > a and toks[b - 1][0] == "n" and toks[b - 1][1] in ("reversed", "recursive"):
            if toks[b - 1][1] == "recursive":
                self.jinja = True
            b -= 1
        cond: tuple[int, int] | None = None
        depth = 0
        for m in range(a, b):
            kind, val = toks[m][0], toks[m][1]
            if kind == "o":
                depth += (val in _OPEN) - (val in _CLOSE)
            elif kind == "n" and val == "if" and depth == 0:
                cond, b = (m + 1, b), m  # Jinja's loop filter, evaluated once per item
                self.jinja = True
                break
        if a >= b:
            return
        parent = self.loop
        self.scan(toks, a, b, parent)  # the iterable is evaluated once, outside the new loop
        chain = self.single_chain(toks, a, b)
        index = len(self.loops)
        self.loops.append((targets, chain or (), toks[a][2], toks[b - 1][3], parent))
        frame = self.push("for", True, index, parent)
        for target in targets:
            self.bind(frame, target, _TARGET)
        if cond is not None:
            self.scan(toks, cond[0], cond[1], index)

    def tag_else(self, toks: list[Token], j: int) -> None:
        # `{% empty %}` / Jinja's `{% else %}` of a for: runs once, when the loop had no items.
        frame = self.frames[-1]
        if frame.kind == "for":
            frame.loop = frame.parent_loop

    def tag_if(self, toks: list[Token], j: int) -> None:
        self.scan(toks, 1, j, self.loop)
        self.push(toks[0][1], False, self.loop)

    def tag_elif(self, toks: list[Token], j: int) -> None:
        self.scan(toks, 1, j, self.loop)

    def kwargs(self, toks: list[Token], a: int, b: int) -> list[tuple[str, object]]:
        """`a=x b=y` (Django) / `a=x, b=y` (Jinja) in toks[a:b]: read every value, return the
        bindings (computed before any is made: Django evaluates them all in the outer context)."""
        out: list[tuple[str, object]] = []
        m = a
        while m < b:
            if not (toks[m][0] == "n" and m + 1 < b and toks[m + 1][1] == "=" and toks[m + 1][0] == "o"):
                m += 1  # `,`, `only`, `trimmed`, junk
                continue
            name, v = toks[m][1], m + 2
            depth = 0
            e = v
            # The value runs to a `,` or the next `name=` at depth 0, or to an operand right
            # after an operand (`name=e.x count counter=n`: Django values have no spaces).
            while e < b:
                kind, val = toks[e][0], toks[e][1]
                if kind == "o":
                    if depth == 0 and val == ",":
                        break
                    depth += (val in _OPEN) - (val in _CLOSE)
                elif depth == 0 and e > v:
                    if kind == "n" and e + 1 < b and toks[e + 1][1] == "=" and toks[e + 1][0] == "o":
                        break
                    pkind, pval = toks[e - 1][0], toks[e - 1][1]
                    if val not in _WORDS and pval not in _WORDS and (pkind != "o" or pval in (")", "]")):
                        break
                e += 1
            self.scan(toks, v, e, self.loop)
            out.append((name, self.alias_of(toks, v, e)))
            m = e
        return out

    def tag_with(self, toks: list[Token], j: int) -> None:
        as_at = next((m for m in range(1, j) if toks[m][0] == "n" and toks[m][1] == "as"), -1)
        if as_at > 0 and not any(t[1] == "=" and t[0] == "o" for t in toks[1:as_at]):
            # Django's old `{% with e.organizer as org %}` (pairs joined by `and`)
            bindings = []
            m = 1
            while m < j:
                as_at = next((x for x in range(m, j) if toks[x][0] == "n" and toks[x][1] == "as"), -1)
                if as_at < 0 or as_at + 1 >= j or toks[as_at + 1][0] != "n":
                    break
                self.scan(toks, m, as_at, self.loop)
                bindings.append((toks[as_at + 1][1], self.alias_of(toks, m, as_at)))
                m = as_at + 2
                if m < j and toks[m][1] == "and":
                    m += 1
        else:
            bindings = self.kwargs(toks, 1, j)
        frame = self.push("with", True, self.loop)
        for name, value in bindings:
            self.bind(frame, name, value)

    def tag_blocktrans(self, toks: list[Token], j: int) -> None:
        # {% blocktrans with a=b.c count n=xs|length context "x" trimmed asvar v %}
        for m in range(1, j - 1):
            if toks[m][1] == "asvar" and toks[m + 1][0] == "n":
                self.bind(self.scopes[-1], toks[m + 1][1], _LOCAL)
        bindings = self.kwargs(toks, 1, j)
        frame = self.push(toks[0][1], True, self.loop)
        for name, value in bindings:
            self.bind(frame, name, value)

    def tag_set(self, toks: list[Token], j: int) -> None:
        # {% set x = expr %}, {% set a, b = expr %}, {% set ns.n = expr %}, {% set x %}...{% endset %}
        eq = next((m for m in range(1, j) if toks[m][0] == "o" and toks[m][1] == "="), -1)
        scope = self.scopes[-1]  # Jinja: `if` blocks do not scope a `set`; loops, macros, blocks do
        if eq < 0:
            if j > 1 and toks[1][0] == "n":
                self.bind(scope, toks[1][1], _LOCAL)
            self.push("set", False, self.loop)
            return
        self.scan(toks, eq + 1, j, self.loop)
        names = [t for t in toks[1:eq] if t[0] == "n"]
        if len(names) == 1 and eq == 2:
            self.bind(scope, names[0][1], self.alias_of(toks, eq + 1, j))
        elif not any(t[1] == "." for t in toks[1:eq]):  # `ns.n = ...` sets an attribute, binds nothing
            for t in names:
                self.bind(scope, t[1], _LOCAL)

    def params(self, toks: list[Token], m: int, j: int, frame: _Frame) -> int:
        """`(a, b=default, *args)` from toks[m] (an open paren): bind the names as locals in
        `frame`, read the defaults; return the index after the closing paren."""
        depth = 0
        k = m
        while k < j:
            kind, val = toks[k][0], toks[k][1]
            if kind == "o" and val in _OPEN:
                depth += 1
            elif kind == "o" and val in _CLOSE:
                depth -= 1
                if depth == 0:
                    return k + 1
            elif kind == "n" and depth == 1 and toks[k - 1][1] in ("(", ","):
                self.bind(frame, val, _LOCAL)
                if k + 1 < j and toks[k + 1][1] == "=":
                    e = k + 2
                    d = 0
                    while e < j and not (d == 0 and toks[e][1] in (",", ")")):
                        d += (toks[e][1] in _OPEN) - (toks[e][1] in _CLOSE)
                        e += 1
                    self.scan(toks, k + 2, e, frame.loop)
                    k = e
                    continue
            k += 1
        return k

    def tag_macro(self, toks: list[Token], j: int) -> None:
        # The body runs where the macro is called, not here: no enclosing loop.
        if j < 2 or toks[1][0] != "n":
            return
        self.bind(self.scopes[-1], toks[1][1], _LOCAL)
        frame = self.push("macro", True, None)
        if j > 2 and toks[2][1] == "(":
            self.params(toks, 2, j, frame)

    def tag_call(self, toks: list[Token], j: int) -> None:
        # {% call(user) render_list(users) %}...{% endcall %}: the body sees `user` as a local.
        frame = self.push("call", True, self.loop)
        m = 1
        if j > 1 and toks[1][1] == "(":
            m = self.params(toks, 1, j, frame)
        self.scan(toks, m, j, self.loop)

    def tag_block(self, toks: list[Token], j: int) -> None:
        self.push("block", True, self.loop)  # Jinja blocks scope `set`; the block's name is no read

    def tag_extends(self, toks: list[Token], j: int) -> None:
        if j == 2 and toks[1][0] == "s":
            if self.extends is None:
                self.extends = _unquote(toks[1])
        else:
            self.scan(toks, 1, j, self.loop)  # `{% extends base_template %}`: a read, no file

    def tag_include(self, toks: list[Token], j: int) -> None:
        # {% include "row.html" with e=event only %}, Jinja `ignore missing`, `with[out] context`
        if not (j > 1 and toks[1][0] == "s"):
            self.scan(toks, 1, j, self.loop, _TAG_WORDS)  # `{% include name %}`: a read, no file
            return
        words = [t[1] for t in toks[2:j] if t[0] == "n"]
        at = next((m for m in range(2, j) if toks[m][0] == "n" and toks[m][1] == "with"), j)
        self.scan(toks, 2, at, self.loop, _TAG_WORDS)
        binds = self.kwargs(toks, at + 1, j) if at < j else []
        only = "only" in words or ("without" in words and "context" in words)
        chains = tuple((name, tuple(chain)) for name, chain in binds if type(chain) is tuple)
        self.includes.append((_unquote(toks[1]), toks[0][2], toks[1][3], self.loop, chains, only))

    def tag_import(self, toks: list[Token], j: int) -> None:
        # {% import "forms.html" as forms %}, {% from "forms.html" import field as f, label %}
        stop = next((m for m in range(1, j) if toks[m][1] in ("as", "import") and toks[m][0] == "n"), j)
        if not (stop == 2 and toks[1][0] == "s"):  # a macro library is not rendered here
            self.scan(toks, 1, stop, self.loop)  # `{% import theme_template as t %}`: a read, no file
        for t in toks[stop + 1 :]:
            if t[0] == "n" and t[1] not in ("as", "import", "with", "without", "context"):
                self.bind(self.scopes[-1], t[1], _LOCAL)

    def tag_regroup(self, toks: list[Token], j: int) -> None:
        # {% regroup events by date as groups %}: `date` is a key of each item, not a variable.
        by = next((m for m in range(1, j) if toks[m][0] == "n" and toks[m][1] == "by"), j)
        self.scan(toks, 1, by, self.loop)
        if j >= 2 and toks[j - 2][1] == "as" and toks[j - 1][0] == "n":
            self.bind(self.scopes[-1], toks[j - 1][1], _LOCAL)

    def facts(self, lines: "_Lines") -> TemplateFacts:
        loops = tuple(
            TemplateLoop(targets, it, lines.span(start, end), parent) for targets, it, start, end, parent in self.loops
        )
        reads = tuple(TemplateRead(chain, lines.span(start, end), loop) for chain, start, end, loop in self.reads)
        return TemplateFacts(
            engine="jinja2" if self.jinja else "django",
            loops=loops,
            reads=reads,
            extends=self.extends,
            includes=tuple(TemplateInclude(name, lines.span(a, b), loop, binds, only) for name, a, b, loop, binds, only in self.includes),
        )


_HANDLERS = {
    "for": _Extractor.tag_for,
    "empty": _Extractor.tag_else,
    "else": _Extractor.tag_else,
    "elif": _Extractor.tag_elif,
    "with": _Extractor.tag_with,
    "blocktrans": _Extractor.tag_blocktrans,
    "blocktranslate": _Extractor.tag_blocktrans,
    "set": _Extractor.tag_set,
    "macro": _Extractor.tag_macro,
    "call": _Extractor.tag_call,
    "block": _Extractor.tag_block,
    "extends": _Extractor.tag_extends,
    "include": _Extractor.tag_include,
    "import": _Extractor.tag_import,
    "from": _Extractor.tag_import,
    "regroup": _Extractor.tag_regroup,
    **{name: _Extractor.tag_if for name in _IF_TAGS},
}


class _Lines:
    """Offsets to 1-based (line, column) in characters, lines broken as Python's tokenizer
    and the reporters break them (\\r\\n, \\r, \\n). Built on first use."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] | None = None

    def span(self, start: int, end: int) -> Span:
        if self.starts is None:
            breaks = re.finditer(r"\r\n?|\n", self.text) if "\r" in self.text else re.finditer("\n", self.text)
            self.starts = [0, *(m.end() for m in breaks)]
        starts = self.starts
        line = bisect_right(starts, start)
        end_line = bisect_right(starts, end - 1) if end > start else line
        return Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1)


def extract_template(text: str, path: str = "") -> TemplateFacts:
    """The facts of one template. `path` only decides the engine for Jinja's own suffixes."""
    extractor = _Extractor(text, path.lower().endswith(JINJA_SUFFIXES))
    for kind, start, end in _pieces(text):
        if kind == "{":
            extractor.variable(start, end)
        elif kind == "%":
            extractor.tag(start, end)
        elif start < end and text[start] == "-" or end > start and text[end - 1] == "-":
            extractor.jinja = True  # `{#- ... -#}`
    return extractor.facts(_Lines(text))


_NOT_SPACE = re.compile(r"\S")


def template_suppressions(text: str):
    """`{# scalelint: ignore[...] #}` and `{# noqa: SCL101 #}`: suppressions written in template
    comments only, so page text that happens to mention them is not one. The comment-prefix
    search of the generic finder runs on a copy of the text where everything but the comments
    is replaced by placeholders (same lines, same columns)."""
    from scalelint.suppression import find_suppressions

    if "scalelint" not in text and "noqa" not in text:
        return []
    parts: list[str] = []
    pos = 0
    for kind, start, end in _pieces(text):
        if kind != "#":
            continue
        # Keep whitespace; other characters become `x`, which a comment prefix never is; the
        # comment's `{` becomes a space so a comment alone on its line is "standalone".
        parts.append(_NOT_SPACE.sub("x", text[pos : start - 2]))
        parts.append(" " + text[start - 1 : end + 2])
        pos = end + 2
    if not parts:
        return []
    parts.append(_NOT_SPACE.sub("x", text[pos:]))
    masked = "".join(parts)
    return find_suppressions(masked, "template")
