"""Proof by execution for SCL101 (n-plus-one) and SCL102 (query-in-loop).

django_shop/, sqla_shop/, dbapi_shop/ (raw SQL on sqlite3) and peewee_shop/ are small runnable
projects. Their runners execute every `case_*` function of the project's views.py over N = 2 and
N = 5 rows of SQLite and count the queries (Django's CaptureQueriesContext; a SQLAlchemy
`before_cursor_execute` listener; sqlite3's trace callback; peewee's `execute_sql`). scalelint lints
the same project, and the test asserts, function by function, that it reports SCL101/SCL102
exactly where the query count grows with N: rule and reality cannot drift apart. A finding in a
template counts for the function whose `render()` the finding's related notes name.

Run a runner by hand to see the numbers (`--sql case_name` shows the statements):
    python tests/execution/django_runner.py
    python tests/execution/sqla_runner.py
    python tests/execution/dbapi_runner.py
    python tests/execution/peewee_runner.py
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from scalelint.api import lint

HERE = Path(__file__).resolve().parent
SIZES = (2, 5)
CODES = frozenset({"SCL101", "SCL102"})
MIN_PER_SIDE = 8  # functions that must grow, and that must stay constant, in each project


@dataclass(frozen=True)
class Shop:
    folder: Path  # the lint root: its pyproject.toml has a [tool.scalelint] table
    views: Path  # where the case_* functions live
    runner: Path
    requires: str  # module the runner imports
    minversion: str


SHOPS = {
    "django": Shop(HERE / "django_shop", HERE / "django_shop/shop/views.py", HERE / "django_runner.py", "django", "4.2"),
    "sqlalchemy": Shop(HERE / "sqla_shop", HERE / "sqla_shop/travel/views.py", HERE / "sqla_runner.py", "sqlalchemy", "2.0"),
    "dbapi": Shop(HERE / "dbapi_shop", HERE / "dbapi_shop/shop/views.py", HERE / "dbapi_runner.py", "sqlite3", ""),
    "peewee": Shop(HERE / "peewee_shop", HERE / "peewee_shop/blog/views.py", HERE / "peewee_runner.py", "peewee", "3.17"),
}

_runs: dict[str, subprocess.CompletedProcess] = {}


def measured(shop: Shop) -> dict[str, list[int]]:
    """{case function: [queries at N=2, at N=5]}, from the runner run once per session."""
    pytest.importorskip(
        shop.requires, minversion=shop.minversion or None, reason=f"{shop.requires} is a test extra: pip install -e '.[test]'"
    )
    if shop.requires not in _runs:
        command = [sys.executable, str(shop.runner), "--sizes", *map(str, SIZES)]
        _runs[shop.requires] = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=HERE)
    result = _runs[shop.requires]
    assert result.returncode == 0, f"{shop.runner.name} failed (exit {result.returncode}):\n{result.stderr}"
    return json.loads(result.stdout)


def case_functions(views: Path) -> dict[str, tuple[int, int]]:
    """Each module-level `case_*` function of views.py with its first and last line."""
    tree = ast.parse(views.read_text(encoding="utf-8"))
    return {
        node.name: (min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno)
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("case_")
    }


def grows(counts: list[int]) -> bool:
    return counts[-1] > counts[0]


def describe(counts: list[int]) -> str:
    sizes = ", ".join(f"N={n}: {c}" for n, c in zip(SIZES, counts))
    return f"{'grows' if grows(counts) else 'constant'} ({sizes} queries)"


@pytest.mark.parametrize("name", list(SHOPS))
def test_growth_is_real(name):
    shop = SHOPS[name]
    counts = measured(shop)
    functions = case_functions(shop.views)
    assert sorted(counts) == sorted(functions), "the runner and views.py disagree on the case_* functions"
    insane = {
        case: c for case, c in counts.items() if len(c) != len(SIZES) or min(c) < 1 or c != sorted(c)
    }
    assert not insane, f"every function must run one query or more, never fewer for more rows: {insane}"
    growing = sorted(case for case, c in counts.items() if grows(c))
    constant = sorted(case for case, c in counts.items() if not grows(c))
    assert len(growing) >= MIN_PER_SIDE, f"only {len(growing)} functions grow with N: {growing}"
    assert len(constant) >= MIN_PER_SIDE, f"only {len(constant)} functions stay constant: {constant}"


@pytest.mark.parametrize("name", list(SHOPS))
def test_scalelint_agrees_with_execution(name):
    shop = SHOPS[name]
    counts = measured(shop)
    functions = case_functions(shop.views)
    report = lint([shop.folder], cache=False)

    flagged: dict[str, list[str]] = {case: [] for case in functions}
    elsewhere: list[str] = []
    for d in report.diagnostics:
        if d.code not in CODES:
            continue
        shown = f"{d.path}:{d.line}:{d.span.column} {d.code} {d.message}"
        owner = None
        if Path(d.path).resolve() == shop.views.resolve():
            owner = next((case for case, (first, last) in functions.items() if first <= d.line <= last), None)
        else:
            # a template's loop belongs to the function that renders it
            for r in d.related:
                if r.message.startswith("renders ") and Path(r.path).resolve() == shop.views.resolve():
                    owner = next((case for case, (first, last) in functions.items() if first <= r.line <= last), None)
        if owner is None:
            elsewhere.append(shown)  # models.py, helpers, module level: not counted
        else:
            flagged[owner].append(shown)

    wrong = []
    for case in functions:
        if case not in counts:
            wrong.append(f"{case}: not measured (see test_growth_is_real)")
        elif bool(flagged[case]) != grows(counts[case]):
            found = "\n      ".join(flagged[case]) or "nothing"
            wrong.append(f"{case}: {describe(counts[case])}, scalelint reports {found}")
    if wrong:
        lines = [f"{len(wrong)} of {len(functions)} functions in {shop.views.relative_to(HERE)}:", *wrong]
        if elsewhere:
            lines += ["", "SCL101/SCL102 reports outside the case_* functions (not counted):", *elsewhere]
        if report.internal_errors:
            lines += ["", "scalelint internal errors:", *report.internal_errors]
        pytest.fail("\n  ".join(lines), pytrace=False)
