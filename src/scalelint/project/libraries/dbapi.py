"""DB-API 2.0 drivers (PEP 249): psycopg2, psycopg 3, sqlite3, pymysql, mysqlclient
(`MySQLdb`), mysql-connector, and Django's `connection` / `connections[alias]`.

A connection gives cursors; `cursor.execute(sql, params)` runs one statement (psycopg 3 and
sqlite3 also take it on the connection, and return the cursor); the rows come from
`fetchall()` / `fetchmany()` or by iterating the cursor. Which statement a cursor holds when
its rows are read is the last one run on it before that line. Statements are read as raw SQL
(`project.raw_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.symbolic import callee_name
from scalelint.project.values import UNKNOWN, Bound, Query, Site

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Cursor", "Connection"]

CONNECT = frozenset(
    {
        "psycopg2.connect", "psycopg.connect", "psycopg.Connection.connect", "psycopg.AsyncConnection.connect",
        "sqlite3.connect", "sqlite3.dbapi2.connect", "pymysql.connect", "pymysql.connections.Connection",
        "MySQLdb.connect", "MySQLdb.Connect", "mysql.connector.connect",
    }
)
POOLS = frozenset(
    {
        "psycopg2.pool.SimpleConnectionPool", "psycopg2.pool.ThreadedConnectionPool", "psycopg_pool.ConnectionPool",
        "psycopg_pool.AsyncConnectionPool",
    }
)
_DJANGO_CONNECTION = "django.db.connection"
_RUN = frozenset({"execute", "executemany", "executescript"})
_FETCH = frozenset({"fetchall", "fetchmany"})
_BATCH_FIX = "Run one query for all the rows before the loop (`WHERE id = ANY(%s)` / `IN (...)`, or `executemany`)"


@dataclass(frozen=True)
class Cursor:
    """A DB-API cursor; `rows`: what the statement it just ran gives, when that is known here."""

    rows: Query | None = None


@dataclass(frozen=True)
class Connection:
    """A DB-API connection (or a pool handing them out)."""

    pool: bool = False


class DBAPI(Library):
    name = "dbapi"
    frameworks = frozenset({"dbapi"})
    values = (Cursor, Connection)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        if qual in CONNECT:
            return Connection()
        if qual in POOLS:
            return Connection(pool=True)
        return PASS

    def external_attr(self, frame: "Frame", qual: str, name: str, site: Site) -> object:
        # `from django.db import connection`, a module-level `conn = psycopg2.connect(...)`
        if qual == _DJANGO_CONNECTION or _module_connection(frame, qual):
            return Bound(Connection(), name, site)
        return PASS

    def unknown_call(self, frame: "Frame", sym) -> object:
        return Cursor() if callee_name(sym.func) == "cursor" else PASS

    def iterate(self, frame: "Frame", value: object, sym, span) -> object:
        if type(value) is Cursor:
            return _fetched(frame, value, sym, span) or PASS
        return PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv, name = bound.recv, bound.name
        if type(recv) is Connection:
            if recv.pool:
                return Connection() if name in ("getconn", "connection") else UNKNOWN
            if name == "cursor":
                return Cursor()
            if name == "commit" and per_row is not None:
                _sql.run(frame, None, site, f"`{_sql.written(frame, sym)}`", "Make the changes in the loop and commit once after it", per_row, always=True)
                return UNKNOWN
        if name in _RUN:
            q = _sql.statement(frame, args[0], "dbapi", "select", site) if args else None
            _sql.run(frame, q, site, f"`{_sql.written(frame, sym)}`", _BATCH_FIX, per_row, always=True)
            return Cursor(_sql.rows_of_select(q))
        if type(recv) is Cursor and name in _FETCH:
            rows = _fetched(frame, recv, sym.func.obj, sym.span)
            if rows is None:
                return UNKNOWN
            return replace(rows, bounded=True) if name == "fetchmany" else _sql.fetched_all(frame, rows, sym)
        return UNKNOWN


LIBRARY = DBAPI()


def _fetched(frame: "Frame", cursor: Cursor, receiver, at) -> Query | None:
    """The rows a cursor gives where they are read: of the statement chained onto it, else of
    the last one run on it before that line."""
    if cursor.rows is not None:
        return cursor.rows
    if at is None:
        return None
    call = _sql.last_call(frame, receiver, _RUN, at)
    if call is None:
        return None
    ran = frame.eval(call)
    return ran.rows if type(ran) is Cursor else None


def _module_connection(frame: "Frame", qual: str) -> bool:
    value = frame.a.project.callgraph.module_value(qual)
    return value is not None and value.callee in CONNECT
