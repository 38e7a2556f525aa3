"""Run every `case_*(conn)` function of dbapi_shop/shop/views.py over N events on sqlite3 and
count the statements it runs.

    python tests/execution/dbapi_runner.py                 # {"case_x": [statements at N=2, at N=5], ...}
    python tests/execution/dbapi_runner.py --sql case_x    # also show case_x's SQL (on stderr)

Each function runs on a fresh in-memory database built from shop/schema.sql and seeded with N
events (each with its own organizer and two tickets); sqlite3's trace callback sees every
statement the connection runs, transaction control included. Exit status 1 (tracebacks on
stderr) when a function raised.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from runner_cli import case_functions, count_statements, main

PROJECT = Path(__file__).resolve().parent / "dbapi_shop"


def database(n: int) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript((PROJECT / "shop" / "schema.sql").read_text(encoding="utf-8"))
    for i in range(n):
        conn.execute("INSERT INTO organizer (id, name) VALUES (?, ?)", (i + 1, f"organizer {i}"))
        conn.execute(
            "INSERT INTO event (id, title, city, organizer_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (i + 1, f" event {i} ", "Lyon" if i % 2 else "Oslo", i + 1, f"2024-01-{i + 1:02d}"),
        )
        conn.executemany("INSERT INTO ticket (event_id, sold) VALUES (?, ?)", [(i + 1, 0), (i + 1, 1)])
    conn.commit()
    return conn


def run(fn, n: int) -> list[str]:
    """The statements `fn(conn)` runs on a fresh database of `n` events."""
    conn = database(n)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        fn(conn)
    finally:
        conn.set_trace_callback(None)
        conn.close()
    return statements


def measure(sizes: tuple[int, ...], show_sql: set[str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    sys.path.insert(0, str(PROJECT))
    from shop import views

    return count_statements(case_functions(views), sizes, show_sql, run)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], "events", measure))
