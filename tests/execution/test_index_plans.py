"""Proof by the query planner for SCL601 (missing-index) and SCL603 (non-sargable-predicate).

index_shop/ is a small SQLAlchemy project. Every `case_*` route of its views.py is run against
SQLite (tables created from the models, with their indexes); each SELECT it sends is captured and
explained with `EXPLAIN QUERY PLAN`. scalelint lints the same project, and the test asserts route
by route that it reports a missing or unusable index exactly where a plan reads a whole table
(`SCAN <table>`) rather than searching an index (`SEARCH <table> USING ... INDEX`).
"""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import pytest

from scalelint.api import lint

sqlalchemy = pytest.importorskip("sqlalchemy", minversion="2.0")

HERE = Path(__file__).resolve().parent
SHOP = HERE / "index_shop"
VIEWS = SHOP / "shop" / "views.py"


def _flask_stand_in() -> None:
    """The routes only need `Blueprint.get` and `jsonify` to run; Flask is not a test extra."""
    try:
        import flask  # noqa: F401
    except ImportError:
        pass
    else:
        return
    stand_in = types.ModuleType("flask")

    class Blueprint:
        def __init__(self, *args, **kwargs):
            pass

        def get(self, rule):
            return lambda f: f

    stand_in.Blueprint = Blueprint  # type: ignore[attr-defined]
    stand_in.jsonify = lambda value: value  # type: ignore[attr-defined]
    sys.modules["flask"] = stand_in


@pytest.fixture(scope="module")
def plans() -> dict[str, list[str]]:
    """{case: plan details of every SELECT it sent}"""
    _flask_stand_in()
    sys.path.insert(0, str(SHOP))
    try:
        from shop import views
        from shop.db import Session, engine
        from shop.models import Base
    finally:
        sys.path.remove(str(SHOP))
    Base.metadata.create_all(engine)
    sent: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    sqlalchemy.event.listen(engine, "before_cursor_execute", capture)
    result: dict[str, list[str]] = {}
    try:
        for name in cases():
            sent.clear()
            getattr(views, name)()
            details = []
            with engine.connect() as conn:
                for statement, parameters in list(sent):
                    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                    details.extend(str(row[-1]) for row in rows)
            result[name] = details
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", capture)
        Session.remove()
    return result


def cases() -> dict[str, tuple[int, int]]:
    tree = ast.parse(VIEWS.read_text(encoding="utf-8"))
    return {
        node.name: (min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("case_")
    }


def scans(details: list[str]) -> bool:
    """A plan step that reads a whole table (`SCAN events`), not an index (`SEARCH ...`,
    `SCAN ... USING COVERING INDEX`)."""
    return any(d.startswith("SCAN ") and "USING" not in d for d in details)


def test_every_case_sends_a_query_and_both_kinds_are_there(plans):
    assert all(plans.values()), {c: d for c, d in plans.items() if not d}
    assert sum(scans(d) for d in plans.values()) >= 4
    assert sum(not scans(d) for d in plans.values()) >= 4


def test_scalelint_agrees_with_the_planner(plans):
    functions = cases()
    report = lint([SHOP], cache=False)
    flagged = {case: False for case in functions}
    for d in report.diagnostics:
        if d.code not in ("SCL601", "SCL603") or Path(d.path).resolve() != VIEWS.resolve():
            continue
        owner = next((case for case, (first, last) in functions.items() if first <= d.line <= last), None)
        assert owner is not None, f"{d.code} outside the cases: {d.path}:{d.line}"
        flagged[owner] = True
    wrong = [
        f"{case}: plan {'scans' if scans(plans[case]) else 'searches'} ({'; '.join(plans[case])}), scalelint {'reports' if flagged[case] else 'is silent'}"
        for case in functions
        if flagged[case] != scans(plans[case])
    ]
    assert not wrong, "\n".join(wrong)
