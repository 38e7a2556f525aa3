"""DB-API 2.0 cursors (PEP 249: psycopg2, psycopg, sqlite3, pymysql, mysqlclient): a cursor
from `connection.cursor()` runs a query on every `execute`/`executemany`, and fetches rows
with `fetchone`/`fetchall`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.project import cost_reports
from scalelint.project.libraries import PASS, Library
from scalelint.project.symbolic import callee_name, short
from scalelint.project.values import UNKNOWN, Bound, Query, Site

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Cursor"]

_EXECUTE = frozenset({"execute", "executemany", "fetchone", "fetchall"})


@dataclass(frozen=True)
class Cursor:
    """A DB-API cursor or connection (`connection.cursor()`)."""


class DBAPI(Library):
    name = "dbapi"
    values = (Cursor,)

    def unknown_call(self, frame: "Frame", sym) -> object:
        return Cursor() if callee_name(sym.func) == "cursor" else PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        if bound.name in _EXECUTE and per_row is not None:
            cost_reports.query_per_row(
                frame, site, f"`{short(sym)}`", "Run one query for all the rows before the loop (`WHERE id = ANY(%s)` / `IN (...)`, or `executemany`)", per_row
            )
        return UNKNOWN


LIBRARY = DBAPI()
