"""Run every `case_*()` function of peewee_shop/blog/views.py over N posts and count its queries.

    python tests/execution/peewee_runner.py                 # {"case_x": [queries at N=2, at N=5], ...}
    python tests/execution/peewee_runner.py --sql case_x    # also show case_x's SQL (on stderr)

Each function runs on a fresh in-memory SQLite database seeded with N posts (each by its own
author, with two comments); every statement peewee sends goes through `Database.execute_sql`,
which the runner wraps to count. Exit status 1 (tracebacks on stderr) when a function raised.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from runner_cli import case_functions, count_statements, main

PROJECT = Path(__file__).resolve().parent / "peewee_shop"


def seed(n: int) -> None:
    from blog.models import Author, Comment, Post, db

    db.init(":memory:")
    db.create_tables([Author, Post, Comment])
    for i in range(n):
        author = Author.create(name=f"author {i}", city="Lyon")
        post = Post.create(author=author, editor=author, title=f"post {i}", created=datetime.datetime(2024, 1, i + 1))
        for stars in (3, 5):
            Comment.create(post=post, stars=stars, body="nice")


def run(fn, n: int) -> list[str]:
    """The statements `fn()` sends on a fresh database of `n` posts."""
    from blog.models import db

    seed(n)
    statements: list[str] = []
    execute_sql = type(db).execute_sql

    def counted(self, sql, params=None, *args, **kwargs):
        statements.append(sql)
        return execute_sql(self, sql, params, *args, **kwargs)

    db.execute_sql = counted.__get__(db)
    try:
        fn()
    finally:
        del db.execute_sql
        db.close()
    return statements


def measure(sizes: tuple[int, ...], show_sql: set[str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    sys.path.insert(0, str(PROJECT))
    from blog import views

    return count_statements(case_functions(views), sizes, show_sql, run)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], "posts", measure))
