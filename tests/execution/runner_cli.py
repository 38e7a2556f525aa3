"""The command line both runners share: `--sizes`, `--sql CASE`, JSON counts on stdout."""

from __future__ import annotations

import argparse
import json
import sys
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
