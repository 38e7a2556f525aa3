"""The command line both runners share: `--sizes`, `--sql CASE`, JSON counts on stdout."""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import traceback
from typing import Callable

SIZES = (2, 5)

Measure = Callable[[tuple[int, ...], set[str]], tuple[dict[str, list[int]], dict[str, str]]]


def dump(counts: dict[str, list[int]]) -> str:
    """JSON with one function a line."""
    lines = [f"  {json.dumps(name)}: {json.dumps(sizes)}" for name, sizes in counts.items()]
    return "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"


def main(description: str, rows: str, measure: Measure, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help=f"numbers of {rows} to seed")
    parser.add_argument("--sql", action="append", default=[], metavar="CASE", help="print this case's SQL on stderr")
    args = parser.parse_args(argv)
    counts, errors = measure(tuple(args.sizes), set(args.sql))
    for name, text in errors.items():
        print(f"{name} raised:\n{text}", file=sys.stderr)
    print(dump(counts))
    return 1 if errors else 0


def show_statements(name: str, n: int, statements: list[str]) -> None:
    """`--sql CASE`: what one case ran at one size, on stderr."""
    print(f"-- {name}, N={n}: {len(statements)} queries", file=sys.stderr)
    for sql in statements:
        print(f"   {sql}", file=sys.stderr)


class Tally:
    """Query counts per case and size, and the tracebacks of cases that raised."""

    def __init__(self, show_sql: set[str]):
        self.counts: dict[str, list[int]] = {}
        self.errors: dict[str, str] = {}
        self.show_sql = show_sql

    def run(self, name: str, n: int, measure: Callable[[], list[str]]) -> None:
        """`measure()` runs the case and returns the statements it ran."""
        try:
            statements = measure()
        except Exception:  # noqa: BLE001 - report every broken case, not the first
            self.errors.setdefault(name, traceback.format_exc())
            return
        self.counts.setdefault(name, []).append(len(statements))
        if name in self.show_sql:
            show_statements(name, n, statements)

    def result(self, names) -> tuple[dict[str, list[int]], dict[str, str]]:
        return {name: self.counts[name] for name in names if name not in self.errors}, self.errors


def case_functions(views) -> dict[str, Callable]:
    """The module's own `case_*` functions, in source order."""
    found = [fn for name, fn in inspect.getmembers(views, inspect.isfunction) if name.startswith("case_") and fn.__module__ == views.__name__]
    return {fn.__name__: fn for fn in sorted(found, key=lambda fn: fn.__code__.co_firstlineno)}


def count_statements(
    functions: dict[str, Callable], sizes: tuple[int, ...], show_sql: set[str], run: Callable[[Callable, int], list[str]]
) -> tuple[dict[str, list[int]], dict[str, str]]:
    """{case: [statements at each size]} and {case: traceback}, `run(fn, n)` giving the
    statements one function runs on a database of `n` rows."""
    counts: dict[str, list[int]] = {}
    errors: dict[str, str] = {}
    for n in sizes:
        for name, fn in functions.items():
            if name in errors:
                continue
            try:
                statements = run(fn, n)
            except Exception:  # noqa: BLE001 - report every broken function, not the first
                errors[name] = traceback.format_exc()
                continue
            counts.setdefault(name, []).append(len(statements))
            if name in show_sql:
                print(f"-- {name}, N={n}: {len(statements)} statements", file=sys.stderr)
                for statement in statements:
                    print("   " + " ".join(statement.split()), file=sys.stderr)
    return {name: counts[name] for name in functions if name not in errors}, errors
