"""Helpers for the Python fact-extraction tests."""

from __future__ import annotations

import ast
import textwrap

import pytest

from scalelint.facts import Span
from scalelint.python import extract as extract_mod
from scalelint.python.extract import extract_python_facts


@pytest.fixture(autouse=True)
def _strict(monkeypatch):
    """Handler errors must fail the tests instead of being skipped silently."""
    monkeypatch.setattr(extract_mod, "STRICT", True)


def span_of(source: str, text: str, nth: int = 0) -> Span:
    """Span (1-based, characters, end exclusive) of the `nth` occurrence of `text` in `source`."""
    start = -1
    for _ in range(nth + 1):
        start = source.index(text, start + 1)
    end = start + len(text)

    def pos(offset: int) -> tuple[int, int]:
        line = source.count("\n", 0, offset) + 1
        col = offset - (source.rfind("\n", 0, offset) + 1)
        return line, col + 1

    line, col = pos(start)
    end_line, end_col = pos(end)
    return Span(line, col, end_line, end_col)


@pytest.fixture
def span():
    return span_of


@pytest.fixture
def facts():
    def run(source: str, module: str = "app", **kw):
        source = textwrap.dedent(source)
        return extract_python_facts(ast.parse(source), source, module, **kw), source

    return run
