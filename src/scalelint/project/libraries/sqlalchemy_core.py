"""SQLAlchemy Core: engines and their connections, sync and async (`create_engine`,
`create_async_engine`, `engine.connect()` / `engine.begin()`, `conn.execute(text(...))`,
`conn.exec_driver_sql(...)`, `conn.scalar(...)`). A connection runs statements as a session
does (`sqlalchemy_orm.session_method`); its results are the same `Result` values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.frameworks import sqlalchemy as sa
from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries.sqlalchemy_orm import session_method
from scalelint.project.values import UNKNOWN, Bound, Query, Site

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Engine", "Connection"]

ENGINES = frozenset(q for q, (library, _, shape) in sa.POOL_CONSTRUCTORS.items() if library == "sqlalchemy" and shape == "engine")
_CONNECT = frozenset({"connect", "begin"})
# what a Core connection (or a 1.x engine) runs like a session
_RUNS = frozenset({"execute", "exec_driver_sql", "scalar", "scalars", "stream", "stream_scalars", "commit"})


@dataclass(frozen=True)
class Engine:
    """A SQLAlchemy engine (sync or async)."""


@dataclass(frozen=True)
class Connection:
    """A Core connection from `engine.connect()` / `engine.begin()`."""


class SQLAlchemyCore(Library):
    name = "sqlalchemy-core"
    values = (Engine, Connection)

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        return Engine() if qual in ENGINES else PASS

    def external_attr(self, frame: "Frame", qual: str, name: str, site: Site) -> object:
        # a module-level `engine = create_engine(...)`
        value = frame.a.project.callgraph.module_value(qual)
        if value is not None and value.callee in ENGINES:
            return Bound(Engine(), name, site)
        return PASS

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv, name = bound.recv, bound.name
        if type(recv) is Engine and name in _CONNECT:
            return Connection()
        if name in _RUNS and (type(recv) is Connection or name == "execute"):
            return session_method(frame, name, args, sym, site, per_row)  # `engine.execute(...)`: SQLAlchemy 1.x
        return UNKNOWN


LIBRARY = SQLAlchemyCore()
