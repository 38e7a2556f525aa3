"""What every library that runs raw SQL does the same way: read the statement a value holds
(`project.raw_sql`), keep where it runs for the index rules, and find what a cursor last ran.

Not a library itself (its name starts with `_`): the DB-API, asyncpg, aiosqlite, `databases`
and SQLAlchemy modules share it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from scalelint.facts import SAttr, SCall
from scalelint.project import cost_reports, raw_sql
from scalelint.project.counting import children
from scalelint.project.symbolic import short
from scalelint.project.values import Const, Query, Site, Text

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["text_of", "statement", "run", "last_call", "written", "fetched_all"]

_MAX_WALK = 4000  # symbolic nodes visited per function looking for a cursor's calls


def text_of(value: object) -> str | None:
    """The SQL text a value holds (a literal, a built string), else None."""
    if type(value) is Const and isinstance(value.value, str):  # type: ignore[union-attr]
        return value.value  # type: ignore[union-attr]
    return value.value if type(value) is Text else None  # type: ignore[union-attr]


WRITES = frozenset({"insert", "update", "delete"})  # the statements that add, change or remove rows


def statement(frame: "Frame", value: object, framework: str, kind: str, site: Site) -> Query | None:
    """The query `value` states (SQL text, or a statement already read: `text("...")`),
    as a `Query` of `framework` and `kind`; None when it holds no statement we can read."""
    if type(value) is Query and value.statement:  # type: ignore[union-attr]
        return replace(value, framework=framework, kind=kind, origin=value.origin or site)  # type: ignore[type-var]
    text = text_of(value)
    if text is None:
        return None
    found = raw_sql.statement(frame.a.project, text)
    return raw_sql.query_of(frame.a.project, found, framework, kind, site, text) if found is not None else None


def run(frame: "Frame", q: Query | None, site: Site, what: str, fix: str | None, per_row: Query | None, always: bool = False) -> None:
    """The statement `q` runs at `site`: its conditions are kept for the index rules, and it
    is one query per row inside a loop over rows (`always`: even when it could not be read)."""
    if q is not None:
        cost_reports.executed(frame, q, site)
    if per_row is not None and (q is not None or always):
        cost_reports.query_per_row(frame, site, what, fix, per_row, write=q is not None and q.statement in WRITES)


def written(frame: "Frame", call: SCall) -> str:
    """How a message names a call: as the user wrote its callee (`cur.execute(...)`), rather
    than what the receiver was built from."""
    text = frame.a.project.text_at(frame.path, call.span)
    head = text.split("(", 1)[0] if text else ""
    if head and all(part.isidentifier() for part in head.split(".")):
        return f"{head}({'...' if call.args or call.kwargs else ''})"
    return short(call)


def fetched_all(frame: "Frame", rows: Query | None, call: SCall) -> Query | None:
    """Every row of `rows` loaded at `call` (`fetchall()`, `fetch(...)`): like `list(query)`,
    a handler that does it for a whole table answers with all of it."""
    if rows is not None:
        frame.iterated(rows, call.span, call.loop, "fetch")
    return rows


def rows_of_select(q: Query | None, text: str | None = None) -> Query | None:
    """Rows a statement gives when fetched: a SELECT's, as a list."""
    if q is None or q.statement != "select":
        return None
    return replace(q, kind="list", text=text or q.text)


def last_call(frame: "Frame", receiver, names: frozenset[str], before) -> SCall | None:
    """The last `receiver.<name>(...)` of the function written before `before` (a span): what
    a cursor read at `before` last ran (`cur.execute(sql)` ... `cur.fetchall()`)."""
    index = frame.a.library_memo("sql.calls").get(id(frame.fn))
    if index is None:
        index = frame.a.library_memo("sql.calls")[id(frame.fn)] = _calls_by_receiver(frame)
    best = None
    for call in index.get(id(receiver), ()):
        if call.func.name in names and (call.span.line, call.span.column) < (before.line, before.column):  # type: ignore[union-attr]
            if best is None or (call.span.line, call.span.column) > (best.span.line, best.span.column):
                best = call
    return best


def _calls_by_receiver(frame: "Frame") -> dict[int, list[SCall]]:
    found: dict[int, list[SCall]] = {}
    fn = frame.fn
    stack = [u.sym for u in fn.uses] + [loop.iter for loop in fn.loops] + list(fn.returns)
    seen: set[int] = set()
    while stack and len(seen) < _MAX_WALK:
        s = stack.pop()
        if id(s) in seen:
            continue
        seen.add(id(s))
        if type(s) is SCall and type(s.func) is SAttr:  # type: ignore[union-attr]
            found.setdefault(id(s.func.obj), []).append(s)  # type: ignore[union-attr]
        stack.extend(children(s))
    return found
