"""asyncpg: `await asyncpg.connect(...)`, pools (`asyncpg.create_pool`, `pool.acquire()`), and
what their methods run: `fetch(sql, *args)` gives every row, `fetchrow` one, `fetchval` one
value, `execute` / `executemany` run a statement, `cursor(sql)` streams rows.

A connection reached only through a parameter or an attribute (`request.app.state.pool`) is
taken for one when a method only asyncpg has (`fetch`, `fetchrow`, `fetchval`) is called on it
with a statement we can read; anything else about it is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.values import UNKNOWN, Bound, Query, Site

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Connection"]

_CONNECT = frozenset({"asyncpg.connect", "asyncpg.connection.connect"})
_POOLS = frozenset({"asyncpg.create_pool", "asyncpg.pool.create_pool"})
_OWN = frozenset({"fetch", "fetchrow", "fetchval"})  # names no other library here uses
_RUN = frozenset({"fetch", "fetchrow", "fetchval", "execute", "executemany", "cursor"})
_ROWS = frozenset({"fetch", "cursor"})
_FIX = "Fetch what every row needs in one query before the loop (`WHERE id = ANY($1::int[])`), or `executemany` for writes"


@dataclass(frozen=True)
class Connection:
    """An asyncpg connection or pool; `guessed`: known only by the methods called on it."""

    pool: bool = False
    guessed: bool = False


class Asyncpg(Library):
    name = "asyncpg"
    values = (Connection,)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        if qual in _CONNECT:
            return Connection()
        return Connection(pool=True) if qual in _POOLS else PASS

    def external_attr(self, frame: "Frame", qual: str, name: str, site: Site) -> object:
        value = frame.a.project.callgraph.module_value(qual)
        if value is not None and value.callee in _CONNECT | _POOLS:
            return Bound(Connection(pool=value.callee in _POOLS), name, site)
        return PASS

    def unknown_attr(self, frame: "Frame", sym, name: str, site: Site) -> object:
        return Bound(Connection(guessed=True), name, site) if name in _OWN else PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv, name = bound.recv, bound.name
        if recv.pool and name == "acquire":  # type: ignore[union-attr]
            return Connection()
        if name not in _RUN:
            return UNKNOWN
        q = _sql.statement(frame, args[0], "asyncpg", "select", site) if args else None
        if q is None and recv.guessed:  # type: ignore[union-attr]
            return UNKNOWN  # not shown to be asyncpg: say nothing
        _sql.run(frame, q, site, f"`{_sql.written(frame, sym)}`", _FIX, per_row, always=True)
        if name in _ROWS:
            return _sql.fetched_all(frame, _sql.rows_of_select(q), sym) or UNKNOWN
        return UNKNOWN


LIBRARY = Asyncpg()
