"""Fold Python expressions into `Expr` values without running anything.

`fold(node, consts)` understands constants, names bound to already-folded module values,
`int()/float()/str()/bool()` wrappers, environment lookups (`os.environ`, `os.getenv`,
django-environ / environs `env(...)`, `env.int(...)`, python-decouple `config(...)`),
`a if c else b`, `env or default` and arithmetic on constants. Everything else becomes
`Unknown` carrying (a prefix of) its source text. Every result has a span.

`SourceText` turns ast positions (UTF-8 byte columns) into the character columns of `Span`.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping

from .. import limits
from ..facts import Choice, Const, EnvVar, Expr, Span, Unknown

__all__ = ["SourceText", "Folder", "fold", "ENV_READERS", "TEXT_LIMIT"]

TEXT_LIMIT = 200  # Unknown.text keeps at most this many characters ("..." marks a cut)

_NEWLINES = re.compile(r"\r\n|\r|\n")


class SourceText:
    """Lines of a source file, for spans in characters and source segments."""

    __slots__ = ("source", "ascii", "_lines", "_ascii_lines")

    def __init__(self, source: str | None):
        self.source = source
        self.ascii = source is None or source.isascii()
        self._lines: list[str] | None = None
        self._ascii_lines: list[bool] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            s = self.source or ""
            self._lines = _NEWLINES.split(s) if "\r" in s else s.split("\n")
        return self._lines

    def line(self, lineno: int) -> str:
        lines = self.lines
        return lines[lineno - 1] if 0 < lineno <= len(lines) else ""

    def col(self, lineno: int, byte_col: int) -> int:
        """0-based character column of a UTF-8 byte offset on a line."""
        if self.ascii:
            return byte_col
        line = self.line(lineno)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Span:
        ln = node.lineno
        c = node.col_offset
        eln = node.end_lineno or ln
        ec = node.end_col_offset
        if ec is None:
            ec = c
        if self.ascii:
            return Span(ln, c + 1, eln, ec + 1)
        flags = self._ascii_lines
        if flags is None:
            flags = self._ascii_lines = [line.isascii() for line in self.lines]
        n = len(flags)
        if (0 < ln <= n and flags[ln - 1]) and (0 < eln <= n and flags[eln - 1]):
            return Span(ln, c + 1, eln, ec + 1)
        return Span(ln, self.col(ln, c) + 1, eln, self.col(eln, ec) + 1)

    def span_between(self, first: ast.AST, last: ast.AST) -> Span:
        """From the start of `first` to the end of `last` (a dict's `key: value` pair)."""
        a = self.span(first)
        b = self.span(last)
        return Span(a.line, a.column, b.end_line, b.end_column)

    def tail_span(self, node: ast.AST, length: int) -> Span:
        """The last `length` characters of `node` (the `run` of `app.run`)."""
        s = self.span(node)
        return Span(s.end_line, max(1, s.end_column - length), s.end_line, s.end_column)

    def text(self, node: ast.AST, limit: int = TEXT_LIMIT) -> str:
        if self.source is None:
            try:
                t = ast.unparse(node)
            except Exception:  # pragma: no cover - unparse of odd trees
                t = ""
        else:
            ln = node.lineno
            eln = node.end_lineno or ln
            c0 = self.col(ln, node.col_offset)
            c1 = self.col(eln, node.end_col_offset if node.end_col_offset is not None else node.col_offset)
            if ln == eln:
                t = self.line(ln)[c0:c1]
            else:
                parts = [self.line(ln)[c0:]]
                total = len(parts[0])
                for i in range(ln + 1, eln):
                    if total > limit:
                        break
                    part = self.line(i)
                    parts.append(part)
                    total += len(part) + 1
                else:
                    parts.append(self.line(eln)[:c1])
                t = "\n".join(parts)
        if len(t) > limit:
            t = t[: limit - 3] + "..."
        return t


# Names a bare call reads the environment through: django-environ / environs `env(...)`,
# python-decouple `config(...)`. The first argument must be a string literal.
ENV_READERS = frozenset({"env", "config"})
_ENV_METHOD_CASTS = {
    "int": "int",
    "float": "float",
    "str": "str",
    "bool": "envbool",
    "list": None,
    "tuple": None,
    "dict": None,
    "json": None,
    "url": None,
    "path": None,
    "decimal": None,
    "get_value": None,
}
_BUILTIN_CASTS = {"int": "int", "float": "float", "str": "str", "bool": "bool"}
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})
_INT_LIMIT = limits.LARGEST_NUMBER
_NOT_FOLDED = object()


def _flatten(options: list[Expr]) -> tuple[Expr, ...]:
    out: list[Expr] = []
    for o in options:
        if type(o) is Choice:
            out.extend(o.options)
        else:
            out.append(o)
    return tuple(out)


def _convert(value: object, kind: str) -> object:
    """Apply a cast to a constant; raise on failure."""
    if kind == "int":
        if type(value) is str and len(value) > 40:
            raise ValueError
        result = int(value)  # type: ignore[arg-type]
        if abs(result) > _INT_LIMIT:
            raise ValueError
        return result
    if kind == "float":
        result = float(value)  # type: ignore[arg-type]
        if not math.isfinite(result):
            raise ValueError  # float("inf") / float("nan"): every comparison and int() of it misleads
        return result
    if kind == "str":
        if value is None or type(value) in (int, float, bool, str):
            return str(value)
        raise ValueError
    if kind == "bool":
        return bool(value)
    if kind == "envbool":
        if type(value) is bool:
            return value
        if type(value) is str:
            v = value.strip().lower()
            if v in _TRUE:
                return True
            if v in _FALSE:
                return False
            raise ValueError
        if type(value) in (int, float):
            return bool(value)
        raise ValueError
    raise ValueError


def _sane_number(v: int | float) -> bool:
    """Finite and at most 10**18: what a worker count, a pool size or a timeout can be."""
    return abs(v) <= _INT_LIMIT if type(v) is int else math.isfinite(v) and abs(v) <= _INT_LIMIT


def _arith(op: type, a: object, b: object) -> object:
    """Arithmetic on two constants; return _NOT_FOLDED when unsupported or unsafe."""
    ta, tb = type(a), type(b)
    if ta is str and tb is str:
        if op is not ast.Add or len(a) + len(b) > limits.FOLDED_LENGTH.value:  # type: ignore[arg-type]
            return _NOT_FOLDED  # `A = A + A` forty times over would be a terabyte
        return a + b  # type: ignore[operator]
    if ta not in (int, float) or tb not in (int, float):
        return _NOT_FOLDED
    try:
        if op is ast.Add:
            r = a + b  # type: ignore[operator]
        elif op is ast.Sub:
            r = a - b  # type: ignore[operator]
        elif op is ast.Mult:
            r = a * b  # type: ignore[operator]
        elif op is ast.FloorDiv:
            r = a // b  # type: ignore[operator]
        elif op is ast.Div:
            r = a / b  # type: ignore[operator]
        elif op is ast.Mod:
            r = a % b  # type: ignore[operator]
        elif op is ast.Pow:
            if tb is not int or not 0 <= b <= 64 or abs(a) > 2**16:  # type: ignore[operator]
                return _NOT_FOLDED
            r = a**b  # type: ignore[operator]
        else:
            return _NOT_FOLDED
    except (ArithmeticError, ValueError):
        return _NOT_FOLDED
    if type(r) is int and abs(r) > _INT_LIMIT:
        return _NOT_FOLDED
    if type(r) is float and not math.isfinite(r):
        return _NOT_FOLDED
    return r


def _is_environ(node: ast.AST) -> bool:
    """`os.environ` or a bare `environ`."""
    t = type(node)
    if t is ast.Attribute:
        return node.attr == "environ" and type(node.value) is ast.Name and node.value.id == "os"  # type: ignore[attr-defined]
    return t is ast.Name and node.id == "environ"  # type: ignore[attr-defined]


class Folder:
    """Folds expressions against a mapping of already-folded names (module constants)."""

    __slots__ = ("consts", "src", "env_readers")

    def __init__(
        self,
        consts: Mapping[str, Expr] | None = None,
        src: SourceText | None = None,
        env_readers: frozenset[str] | set[str] = ENV_READERS,
    ):
        self.consts: Mapping[str, Expr] = consts if consts is not None else {}
        self.src = src if src is not None else SourceText(None)
        self.env_readers = env_readers

    def with_consts(self, consts: Mapping[str, Expr]) -> Folder:
        return Folder(consts, self.src, self.env_readers)

    def unknown(self, node: ast.AST) -> Unknown:
        return Unknown(self.src.text(node), self.src.span(node))

    def fold(self, node: ast.AST) -> Expr:
        try:
            return self._fold(node)
        except RecursionError:
            return self.unknown(node)

    # --- the cases ------------------------------------------------------------------------

    def _fold(self, node: ast.AST) -> Expr:
        t = type(node)
        if t is ast.Constant:
            v = node.value  # type: ignore[attr-defined]
            if v is None or type(v) in (str, bool) or (type(v) in (int, float) and _sane_number(v)):
                return Const(v, self.src.span(node))
            return self.unknown(node)  # also `1e999` and 30-digit ints: no setting means them
        if t is ast.Name:
            e = self.consts.get(node.id)  # type: ignore[attr-defined]
            if e is not None and type(e) is not Unknown:
                return e
            return Unknown(node.id, self.src.span(node))  # type: ignore[attr-defined]
        if t is ast.Call:
            return self._call(node)  # type: ignore[arg-type]
        if t is ast.IfExp:
            test = self._truth(node.test)  # type: ignore[attr-defined]
            if test is True:
                return self._fold(node.body)  # type: ignore[attr-defined]
            if test is False:
                return self._fold(node.orelse)  # type: ignore[attr-defined]
            opts = _flatten([self._fold(node.body), self._fold(node.orelse)])  # type: ignore[attr-defined]
            if len(opts) > limits.FOLDED_CHOICES.value:
                return self.unknown(node)  # `x = x if c else x` doubles them each time
            return Choice(opts, self.src.span(node))
        if t is ast.BinOp:
            return self._binop(node)  # type: ignore[arg-type]
        if t is ast.BoolOp:
            if type(node.op) is ast.Or:  # type: ignore[attr-defined]
                return self._or(node.values, node)  # type: ignore[attr-defined]
            return self.unknown(node)
        if t is ast.UnaryOp:
            return self._unary(node)  # type: ignore[arg-type]
        if t is ast.Subscript:
            if _is_environ(node.value):  # type: ignore[attr-defined]
                key = node.slice  # type: ignore[attr-defined]
                if type(key) is ast.Constant and type(key.value) is str:
                    return EnvVar(key.value, None, self.src.span(node))
            return self.unknown(node)
        return self.unknown(node)

    def _truth(self, test: ast.AST) -> bool | None:
        e = self._fold(test)
        if type(e) is Const:
            return bool(e.value)
        return None

    def _unary(self, node: ast.UnaryOp) -> Expr:
        inner = self._fold(node.operand)
        op = type(node.op)
        span = self.src.span(node)
        if type(inner) is Const:
            v = inner.value
            if op is ast.Not:
                return Const(not v, span)
            if type(v) in (int, float):
                if op is ast.USub:
                    return Const(-v, span)  # type: ignore[operator]
                if op is ast.UAdd:
                    return Const(v, span)
        if type(inner) is Choice and op is ast.USub and all(
            type(o) is Const and type(o.value) in (int, float) for o in inner.options
        ):
            return Choice(tuple(Const(-o.value, o.span) for o in inner.options), span)  # type: ignore[union-attr,operator]
        return self.unknown(node)

    def _binop(self, node: ast.BinOp) -> Expr:
        left = self._fold(node.left)
        right = self._fold(node.right)
        op = type(node.op)
        span = self.src.span(node)
        tl, tr = type(left), type(right)
        if tl is Const and tr is Const:
            r = _arith(op, left.value, right.value)  # type: ignore[union-attr]
            if r is not _NOT_FOLDED:
                return Const(r, span)
            return self.unknown(node)
        if (tl is Choice or tl is Const) and (tr is Choice or tr is Const):
            lo = left.options if tl is Choice else (left,)  # type: ignore[union-attr]
            ro = right.options if tr is Choice else (right,)  # type: ignore[union-attr]
            if len(lo) * len(ro) <= 16 and all(type(o) is Const for o in lo + ro):
                results = []
                for a in lo:
                    for b in ro:
                        r = _arith(op, a.value, b.value)  # type: ignore[union-attr]
                        if r is _NOT_FOLDED:
                            return self.unknown(node)
                        results.append(Const(r, span))
                return Choice(tuple(results), span)
        return self.unknown(node)

    def _or(self, values: list[ast.expr], node: ast.AST) -> Expr:
        first = self._fold(values[0])
        rest = values[1:]
        if not rest:
            return first
        tf = type(first)
        if tf is Const:
            if first.value:  # type: ignore[union-attr]
                return first
            return self._or(rest, node)
        if tf is EnvVar:
            d = first.default  # type: ignore[union-attr]
            if d is None or (type(d) is Const and not d.value):
                return EnvVar(first.name, self._or(rest, node), self.src.span(node))  # type: ignore[union-attr]
            return EnvVar(first.name, d, self.src.span(node))  # type: ignore[union-attr]
        return self.unknown(node)

    def _cast(self, e: Expr, kind: str, span: Span | None) -> Expr | None:
        te = type(e)
        if te is Const:
            try:
                return Const(_convert(e.value, kind), span)  # type: ignore[union-attr]
            except (ValueError, TypeError, OverflowError):
                return None
        if te is EnvVar:
            d = e.default  # type: ignore[union-attr]
            if d is not None:
                d = self._cast(d, kind, d.span)
                if d is None:
                    d = e.default  # type: ignore[union-attr]
            return EnvVar(e.name, d, span)  # type: ignore[union-attr]
        if te is Choice:
            opts = []
            for o in e.options:  # type: ignore[union-attr]
                c = self._cast(o, kind, o.span)
                if c is None:
                    return None
                opts.append(c)
            return Choice(tuple(opts), span)
        return None

    def _call(self, node: ast.Call) -> Expr:
        func = node.func
        args = node.args
        tf = type(func)
        if tf is ast.Name and func.id in _BUILTIN_CASTS:  # type: ignore[attr-defined]
            if len(args) == 1 and not node.keywords and type(args[0]) is not ast.Starred:
                r = self._cast(self._fold(args[0]), _BUILTIN_CASTS[func.id], self.src.span(node))  # type: ignore[attr-defined]
                if r is not None:
                    return r
            return self.unknown(node)
        env = self._env_call(node)
        if env is not None:
            return env
        return self.unknown(node)

    def _env_call(self, node: ast.Call) -> Expr | None:
        func = node.func
        tf = type(func)
        args = node.args
        if not args or type(args[0]) is not ast.Constant or type(args[0].value) is not str:
            return None
        name = args[0].value
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        default_node = args[1] if len(args) > 1 else None
        cast: str | None = None
        if tf is ast.Attribute:
            attr = func.attr  # type: ignore[attr-defined]
            recv = func.value  # type: ignore[attr-defined]
            if attr in ("get", "setdefault") and _is_environ(recv):
                pass
            elif attr == "getenv" and type(recv) is ast.Name and recv.id == "os":
                pass
            elif attr == "config" and type(recv) is ast.Name and recv.id == "decouple":
                default_node = kw.get("default", default_node)
                cast = self._cast_kw(kw.get("cast"))
            elif type(recv) is ast.Name and recv.id in self.env_readers and attr in _ENV_METHOD_CASTS:
                default_node = kw.get("default", default_node)
                cast = _ENV_METHOD_CASTS[attr]
                if attr == "get_value":
                    cast = self._cast_kw(kw.get("cast"))
            else:
                return None
        elif tf is ast.Name:
            fid = func.id  # type: ignore[attr-defined]
            if fid == "getenv":
                pass
            elif fid in self.env_readers:
                default_node = kw.get("default", default_node)
                cast = self._cast_kw(kw.get("cast"))
            else:
                return None
        else:
            return None
        if default_node is not None and type(default_node) is ast.Starred:
            return None
        span = self.src.span(node)
        default = self._fold(default_node) if default_node is not None else None
        if default is not None and cast is not None:
            default = self._cast(default, cast, default.span) or default
        return EnvVar(name, default, span)

    @staticmethod
    def _cast_kw(node: ast.AST | None) -> str | None:
        if type(node) is ast.Name:
            return {"int": "int", "float": "float", "str": "str", "bool": "envbool"}.get(node.id)  # type: ignore[attr-defined]
        return None


def fold(
    node: ast.AST,
    consts: Mapping[str, Expr] | None = None,
    src: SourceText | None = None,
    env_readers: frozenset[str] | set[str] = ENV_READERS,
) -> Expr:
    """Fold one expression. `consts`: already-folded module-level names. Pass `src` (the
    file's SourceText) for character columns and source text; without it columns are the
    ast's byte offsets and `Unknown.text` is unparsed from the tree."""
    return Folder(consts, src, env_readers).fold(node)
