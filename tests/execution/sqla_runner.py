"""Run every `case_*(session)` function of sqla_shop/travel/views.py over N trips and count its
statements.

    python tests/execution/sqla_runner.py                 # {"case_x": [statements at N=2, at N=5], ...}
    python tests/execution/sqla_runner.py --sql case_x    # also show case_x's SQL (on stderr)

Each function runs with a new Session on a freshly restored copy of the seeded SQLite database
(in memory), so neither the identity map nor another function's writes can hide or add
statements; a `before_cursor_execute` listener counts what reaches the driver while it runs.
A subprocess is not needed for SQLAlchemy, but the test runs it like django_runner.py.
Exit status 1 (tracebacks on stderr) when a function raised.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from runner_cli import case_functions, count_statements, main

PROJECT = Path(__file__).resolve().parent / "sqla_shop"


def seed(session, n: int) -> None:
    """N trips, each run by its own company (with its own owner) and guide, with two tags, two
    reviews and two bookings; every trip is in the one region, "Alps"."""
    from travel.models import Booking, Company, Guide, Owner, Region, Review, Tag, Trip

    alps = Region(name="Alps")
    tags = [Tag(name=name) for name in ("hiking", "family", "winter")]
    for i in range(n):
        company = Company(name=f"company {i}", owner=Owner(name=f"owner {i}"))
        trip = Trip(
            name=f"trip {i}",
            status="draft" if i == 0 else "open",
            company=company,
            region=alps,
            guide=Guide(name=f"guide {i}"),
            tags=tags[:2],
            reviews=[Review(stars=3 + j) for j in range(2)],
        )
        session.add(trip)
        session.add_all(Booking(trip=trip, seats=1 + j) for j in range(2))
    session.commit()


class Database:
    """A SQLite database in memory seeded with `n` trips; `restore()` puts the seeded rows back.

    One engine serves every function (so SQLAlchemy compiles each statement once); before each
    function the seeded copy is restored with SQLite's backup API, which is far quicker than
    creating and seeding a new database."""

    def __init__(self, n: int) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.orm import Session
        from sqlalchemy.pool import StaticPool
        from travel.models import Base

        self.engine = create_engine("sqlite://", poolclass=StaticPool)
        Base.metadata.create_all(self.engine)
        with Session(self.engine) as session:
            seed(session, n)
        self.snapshot = sqlite3.connect(":memory:")
        self._copy(into_snapshot=True)
        self.statements: list[str] | None = None
        event.listen(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.statements is not None:
            self.statements.append(statement)

    def _copy(self, *, into_snapshot: bool) -> None:
        proxy = self.engine.raw_connection()
        try:
            live = proxy.dbapi_connection
            if into_snapshot:
                live.backup(self.snapshot)
            else:
                self.snapshot.backup(live)
        finally:
            proxy.close()

    def restore(self) -> None:
        self._copy(into_snapshot=False)

    def run(self, fn) -> list[str]:
        """The statements `fn(session)` executes, with a new Session on freshly restored rows."""
        from sqlalchemy.orm import Session

        self.restore()
        self.statements = []
        try:
            with Session(self.engine) as session:
                fn(session)
            return self.statements
        finally:
            self.statements = None

    def close(self) -> None:
        self.engine.dispose()
        self.snapshot.close()


def measure(sizes: tuple[int, ...], show_sql: set[str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    sys.path.insert(0, str(PROJECT))
    from travel import views

    opened: dict[int, Database] = {}  # one seeded database per size, for every function

    def run(fn, n: int) -> list[str]:
        if n not in opened:
            for database in opened.values():
                database.close()
            opened.clear()
            opened[n] = Database(n)
        return opened[n].run(fn)

    try:
        return count_statements(case_functions(views), sizes, show_sql, run)
    finally:
        for database in opened.values():
            database.close()


def _measure(sizes: tuple[int, ...], show_sql: set[str]):
    return measure(sizes, show_sql)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], "trips", _measure))
