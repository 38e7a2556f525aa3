"""aiosqlite: sqlite3's DB-API on asyncio (`async with aiosqlite.connect(path) as db`,
`async with db.execute(sql) as cursor`, `await cursor.fetchall()`), plus its own
`execute_fetchall(sql)`. Everything else is what `dbapi` says of sqlite3."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.libraries.dbapi import LIBRARY as DBAPI
from scalelint.project.libraries.dbapi import Connection as DBAPIConnection
from scalelint.project.values import UNKNOWN, Bound, Query, Site

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Connection"]

_CONNECT = frozenset({"aiosqlite.connect", "aiosqlite.core.connect"})


@dataclass(frozen=True)
class Connection(DBAPIConnection):
    """An aiosqlite connection."""


class Aiosqlite(Library):
    name = "aiosqlite"
    values = (Connection,)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        return Connection() if qual in _CONNECT else PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        if bound.name != "execute_fetchall":
            return DBAPI.method(frame, bound, args, kwargs, sym, site, per_row)
        q = _sql.statement(frame, args[0], "dbapi", "select", site) if args else None
        _sql.run(frame, q, site, f"`{_sql.written(frame, sym)}`", None, per_row, always=True)
        return _sql.fetched_all(frame, _sql.rows_of_select(q), sym) or UNKNOWN


LIBRARY = Aiosqlite()
