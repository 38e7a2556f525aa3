"""`databases` (encode/databases), the async query layer: `database = Database(url)`, then
`await database.fetch_all(query, values)` (every row), `fetch_one`, `fetch_val`, `execute`,
`execute_many`, `iterate(query)`. The query is SQL text or a SQLAlchemy Core statement.

A database reached through a parameter or an attribute is taken for one when a method only
`databases` has (`fetch_all`, `fetch_one`, `fetch_val`) runs a statement we can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.values import UNKNOWN, Bound, Query, Site

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Database"]

_DATABASE = frozenset({"databases.Database", "databases.core.Database"})
_OWN = frozenset({"fetch_all", "fetch_one", "fetch_val"})
_RUN = _OWN | frozenset({"execute", "execute_many", "iterate"})
_ROWS = frozenset({"fetch_all", "iterate"})
_FIX = "Fetch what every row needs in one query before the loop (`WHERE id = ANY(:ids)`), or `execute_many` for writes"


@dataclass(frozen=True)
class Database:
    """A `databases.Database` (or a connection from it); `guessed`: known only by its methods."""

    guessed: bool = False


class EncodeDatabases(Library):
    name = "databases"
    values = (Database,)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        return Database() if qual in _DATABASE else PASS

    def external_attr(self, frame: "Frame", qual: str, name: str, site: Site) -> object:
        value = frame.a.project.callgraph.module_value(qual)
        return Bound(Database(), name, site) if value is not None and value.callee in _DATABASE else PASS

    def unknown_attr(self, frame: "Frame", sym, name: str, site: Site) -> object:
        return Bound(Database(guessed=True), name, site) if name in _OWN else PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        name = bound.name
        if name == "connection":
            return bound.recv
        if name not in _RUN:
            return UNKNOWN
        stated = args[0] if args else kwargs.get("query")
        q = _sql.statement(frame, stated, "databases", "select", site) if stated is not None else None
        if q is None and bound.recv.guessed:  # type: ignore[union-attr]
            return UNKNOWN
        _sql.run(frame, q, site, f"`{_sql.written(frame, sym)}`", _FIX, per_row, always=True)
        if name in _ROWS:
            return _sql.fetched_all(frame, _sql.rows_of_select(q), sym) or UNKNOWN
        return UNKNOWN


LIBRARY = EncodeDatabases()
