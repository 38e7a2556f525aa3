"""Small projects built from source text, for the Project-model tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scalelint.config import Settings
from scalelint.extract import extract_file
from scalelint.project import Project
from scalelint.project.callgraph import CallGraph


def build(files: dict[str, str], settings: Settings | None = None, clean: bool = True) -> Project:
    """A Project of Python files (path -> source, dedented); with `clean`, a file that does
    not extract without problems fails the test."""
    facts = {path: extract_file(path, "python", textwrap.dedent(source).encode()) for path, source in files.items()}
    for path, f in facts.items():
        assert not (clean and f.problems), (path, f.problems)
    return Project(Path("."), facts, settings or Settings())


def build_repository(files: dict[str, str], settings: Settings | None = None, named: tuple[str, ...] = ()) -> Project:
    """A Project of any files (kinds as discovery gives them: Procfile, compose, SQL...), with
    `named` the files a user passed on the command line."""
    from scalelint.discovery import classify

    facts = {}
    for path, source in files.items():
        name = path.rsplit("/", 1)[-1]
        parent = path.rsplit("/", 2)[-2] if "/" in path else ""
        kind = classify(name, parent) or "unknown"
        kind = "shell" if kind == "shell?" else kind
        facts[path] = extract_file(path, kind, textwrap.dedent(source).encode(), (settings or Settings()).sql_dialect)
    return Project(Path("."), facts, settings or Settings(), frozenset(named))


def graph(files: dict[str, str]) -> CallGraph:
    return build(files).callgraph


def chain(g: CallGraph, qualname: str) -> list[tuple[str, str, int]]:
    """(caller, callee, line) of each step from the handler down to `qualname`."""
    reach = g.reach(qualname)
    assert reach is not None, f"{qualname} is not on the request path: {sorted(g.request_path())}"
    return [(c.caller_name, c.callee_name, c.span.line) for c in reach.chain]


def callees(g: CallGraph, qualname: str) -> set[str]:
    return {c.callee for c in g.calls(qualname)}
