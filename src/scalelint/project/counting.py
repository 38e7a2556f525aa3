"""Counting rows the expensive way (SCL104): `len()` of a query, and `.count()` asked only
whether it is zero.

`len(queryset)` fetches and builds every matching row to learn a number the database could
return in one row; `.count() > 0` counts every matching row to learn whether there is one.
Both are fine when the rows (or the number) are used afterwards, so a finding needs the value
to be used nowhere else in the function: `Sharing` answers that from the function's facts,
where a local's value is one shared object wherever the local is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalelint.facts import (
    FunctionFacts,
    SAttr,
    SCall,
    SComp,
    SConst,
    SDict,
    SEach,
    SIndex,
    SName,
    SOneOf,
    SOp,
    SSeq,
    SSlice,
    Sym,
)
from scalelint.project.values import Query

__all__ = ["Sharing", "Parents", "CountFinding", "children", "len_of_rows", "zero_tests", "existence_test", "may_count"]

# `list(qs)` fills a Django queryset's result cache: the rows are then free to read again
_MATERIALISE = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.set"})
_LEN = "builtins.len"


def children(s: Sym):
    """The symbolic values an expression is built from (one level down)."""
    t = type(s)
    if t is SAttr:
        yield s.obj  # type: ignore[union-attr]
    elif t is SCall:
        yield s.func  # type: ignore[union-attr]
        yield from s.args  # type: ignore[union-attr]
        for _, v in s.kwargs:  # type: ignore[union-attr]
            yield v
    elif t is SEach:
        yield s.of  # type: ignore[union-attr]
    elif t is SIndex:
        yield s.obj  # type: ignore[union-attr]
        yield s.key  # type: ignore[union-attr]
    elif t is SSlice:
        if s.lower is not None:  # type: ignore[union-attr]
            yield s.lower  # type: ignore[union-attr]
        if s.upper is not None:  # type: ignore[union-attr]
            yield s.upper  # type: ignore[union-attr]
    elif t is SSeq:
        yield from s.elts  # type: ignore[union-attr]
    elif t is SDict:
        for k, v in s.items:  # type: ignore[union-attr]
            yield k
            yield v
    elif t is SComp:
        yield from s.parts  # type: ignore[union-attr]
    elif t is SOp:
        yield from s.operands  # type: ignore[union-attr]
    elif t is SOneOf:
        yield from s.options  # type: ignore[union-attr]


class Sharing:
    """How many distinct places read each value of one function: expressions that contain it,
    loops that iterate it, `return`s, statements that store it (`self.n = n`, `total += n`).
    A statement that only names the value (`qs = ...`) is not a reader: the places that read
    the name are."""

    def __init__(self, fn: FunctionFacts):
        self.readers: dict[int, int] = {}
        seen: set[int] = set()
        stack: list[Sym] = []
        for use in fn.uses:
            if not use.binding:
                self._read(use.sym)  # `self.n = n`, `total += n`: the statement reads it
            stack.append(use.sym)
        for loop in fn.loops:
            self._read(loop.iter)
            stack.append(loop.iter)
        for r in fn.returns:
            self._read(r)
            stack.append(r)
        while stack:
            s = stack.pop()
            if id(s) in seen:
                continue
            seen.add(id(s))
            for child in children(s):
                self._read(child)
                stack.append(child)

    def _read(self, s: Sym) -> None:
        self.readers[id(s)] = self.readers.get(id(s), 0) + 1

    def only_here(self, s: Sym) -> bool:
        """`s` is read in exactly one place (the expression being judged)."""
        return self.readers.get(id(s), 0) <= 1


@dataclass(frozen=True)
class CountFinding:
    message: str
    fix: str


def may_count(fn: FunctionFacts) -> bool:
    """Cheap pre-test: the function calls `len(...)` or `.count()`, or tests a call's truth."""
    stack = [u.sym for u in fn.uses]
    seen: set[int] = set()
    while stack:
        s = stack.pop()
        if id(s) in seen:
            continue
        seen.add(id(s))
        if type(s) is SCall and (_is_count_call(s) or (type(s.func) is SName and s.func.qual == _LEN)):  # type: ignore[union-attr]
            return True
        if type(s) is SOp and s.op == "Truth" and type(s.operands[0]) is SCall:  # type: ignore[union-attr]
            return True  # `if Event.objects.filter(...):`
        stack.extend(children(s))
    return False


def _is_count_call(s: Sym) -> bool:
    return type(s) is SCall and type(s.func) is SAttr and s.func.name == "count" and not s.args and not s.kwargs  # type: ignore[union-attr]


def len_of_rows(call: SCall, rows: object, sharing: Sharing, text: str, model: str) -> CountFinding | None:
    """`len(x)` where `x` is a query's rows that nothing else reads."""
    if type(rows) is not Query or rows.cached or rows.bounded or not rows.model:
        return None
    if rows.kind not in ("queryset", "related", "list"):
        return None  # a manager, a Query, a Result: len() of those is not counting rows
    arg = call.args[0]
    if not sharing.only_here(arg):
        return None
    if type(arg) is SCall and type(arg.func) is SName and arg.func.qual in _MATERIALISE and arg.args:
        if not sharing.only_here(arg.args[0]):
            return None  # `len(list(qs))` and then `qs` again: the list filled its cache
    message = f"`len({text})` loads every matching row into memory only to count them: the cost grows with the table"
    if rows.statement:
        fix = f"Count in the database: `SELECT count(*) FROM {rows.table or '...'} WHERE ...` with the same conditions"
    elif rows.framework == "django":
        materialised = text.startswith(tuple(f"{m.rsplit('.', 1)[1]}(" for m in _MATERIALISE))
        fix = "Count in the database: `.count()` on the queryset" if materialised else f"Count in the database: `{text}.count()`"
    elif rows.from_select:
        fix = f"Count in the database: `session.scalar(select(func.count()).select_from({model}).where(...))` with the same conditions"
    elif rows.framework == "peewee":
        fix = f"Count in the database: `{text}.count()`"
    else:
        fix = "Count in the database: `.count()` on the query, instead of `len()` of its `.all()`"
    return CountFinding(message, fix)


_ZERO_TESTS = {  # (operator, constant) -> the test asks "is there none?"
    ("Gt", 0): False,
    ("GtE", 1): False,
    ("NotEq", 0): False,
    ("Eq", 0): True,
    ("Lt", 1): True,
    ("LtE", 0): True,
}


def zero_tests(op: SOp):
    """What a condition tests against zero, each as (expression, how, negated, span): `how` is
    "count" for `qs.count()`, "len" for `len(qs)`, "truth" for a bare `if qs:`; `negated` when
    the test asks "is there none?"; `span` where to report when not the expression's own. `qs.count() > 0`, `len(rows) == 0`, `not qs.count()`,
    `a and qs.count()`."""
    if op.op == "Compare":
        if len(op.operands) == 2 and len(op.ops) == 1:
            left, right = op.operands
            how = _counter(left)
            if how and type(right) is SConst and type(right.value) is int:  # type: ignore[union-attr]
                negated = _ZERO_TESTS.get((op.ops[0], right.value))  # type: ignore[union-attr]
                if negated is not None:
                    yield left, how, negated, None
        return
    if op.op != "Truth":
        return
    stack = [(op.operands[0], False)]
    while stack:
        s, negated = stack.pop()
        if type(s) is SOp and s.op == "Not":
            stack.append((s.operands[0], not negated))
        elif type(s) is SOp and s.op == "BoolOp":
            stack.extend((o, negated) for o in s.operands)
        elif type(s) in (SCall, SAttr, SIndex):
            how = _counter(s)
            # a bare `if qs:` is reported at the condition, which is where `qs` is read
            # (the value's own span is where it was built)
            direct = s is op.operands[0]
            yield s, how or "truth", negated, op.span if direct and not how else None


def _counter(s: Sym) -> str | None:
    if _is_count_call(s):
        return "count"
    if type(s) is SCall and type(s.func) is SName and s.func.qual == _LEN and len(s.args) == 1:  # type: ignore[union-attr]
        return "len"
    return None


def existence_test(node: Sym, how: str, negated: bool, rows: object, sharing: Sharing, text: str) -> CountFinding | None:
    """A count, a `len()` or a queryset's truth whose only use is a test against zero.
    `rows` is the query counted (the receiver of `.count()`, the argument of `len()`, the
    tested value itself)."""
    if type(rows) is not Query or rows.cached or rows.bounded or not rows.model:
        return None
    if how == "count":
        if rows.kind not in ("manager", "queryset", "related", "sa_query"):
            return None
        tested = node
        query = text[: -len(".count()")] if text.endswith(".count()") else "the query"
        what = f"`{text}` counts every matching row"
    elif how == "len":
        if rows.kind not in ("queryset", "related", "list"):
            return None
        tested = node.args[0]  # type: ignore[union-attr]
        query = text[len("len(") : -1] if text.startswith("len(") and text.endswith(")") else "the query"
        what = f"`{text}` loads every matching row"
    else:
        # a Django queryset tested for truth runs it and loads every row; SQLAlchemy
        # queries and results have no truth of their own, so they are not judged here
        if rows.framework != "django" or rows.kind not in ("queryset", "related"):
            return None
        tested = node
        query = text
        what = f"`if {text}:` loads every matching row"
    if not sharing.only_here(tested):
        return None  # the number (or the rows) is used again: computing it is not waste
    if how == "len" and rows.kind == "list" and rows.framework != "django":
        query = "the query"  # `len(q.all())`: the query is what precedes `.all()`
    test = "== 0" if negated else "> 0"
    message = f"{what} only to learn whether there is one (`{test}`)"
    prefix = "not " if negated else ""
    if rows.statement:
        fix = f"Ask whether one exists instead: `SELECT EXISTS (SELECT 1 FROM {rows.table or '...'} WHERE ...)` (stops at the first row)"
    elif rows.framework == "django":
        fix = f"Ask whether one exists instead: `{prefix}{query}.exists()` (stops at the first row)"
    elif query != "the query":
        fix = f"Ask whether one exists instead: `{prefix}session.query({query}.exists()).scalar()` (stops at the first row)"
    else:
        fix = "Ask whether one exists instead: `session.query(query.exists()).scalar()`, or `.first() is not None` (stops at the first row)"
    return CountFinding(message, fix)


class Parents:
    """The expressions of one function that contain each symbolic value (one level up)."""

    def __init__(self, fn: FunctionFacts):
        from scalelint.project.callgraph import walk

        self.fn = fn
        self.of: dict[int, list[Sym]] = {}
        for sym in walk(fn):
            for child in children(sym):
                self.of.setdefault(id(child), []).append(sym)

    def only_tested(self, node: Sym) -> bool:
        """The number is thrown away (`Model.objects.count()` as a database ping) or only
        compared with a constant (`count() > 1`, `bool(count())`, `if count():`): a threshold or
        existence test, which SCL104 and a slice (`qs[:2].count()`) answer, not a number shown."""
        if any(r is node for r in self.fn.returns):
            return False
        return all(_is_test(p, node) for p in self.of.get(id(node), []))


def _is_test(parent: Sym, node: Sym) -> bool:
    t = type(parent)
    if t is SOp:
        if parent.op in ("Truth", "Not"):  # type: ignore[union-attr]
            return True
        if parent.op == "Compare" and len(parent.operands) == 2:  # type: ignore[union-attr]
            other = [o for o in parent.operands if o is not node]  # type: ignore[union-attr]
            return len(other) == 1 and type(other[0]) is SConst and type(other[0].value) is int  # type: ignore[union-attr]
        return False
    return t is SCall and type(parent.func) is SName and parent.func.qual == "builtins.bool"  # type: ignore[union-attr]
