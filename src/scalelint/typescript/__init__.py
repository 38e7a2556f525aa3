"""The TypeScript / JavaScript front-end: tree-sitter parses, `extract` writes the same facts
the Python front-end does (functions with their loops, calls, awaits and returns; imports;
route registrations; ORM tables; pools), so the project model and the rules are shared."""

from __future__ import annotations

from ..facts import ParseProblem, PythonFacts, Span

__all__ = ["extract_script", "MAX_SCRIPT_BYTES"]

MAX_SCRIPT_BYTES = 2 * 1024 * 1024


def extract_script(data: bytes, rel: str, *, functions: bool = True) -> tuple[PythonFacts | None, list[ParseProblem]]:
    """Facts of one file, and the problems met (a file too large to be hand-written; the
    places tree-sitter could not parse, which it recovers from: the facts stand)."""
    if len(data) > MAX_SCRIPT_BYTES:
        size = f"{len(data) / (1024 * 1024):.1f} MiB"
        return None, [ParseProblem(f"not analysed: {size} is above the {MAX_SCRIPT_BYTES // (1024 * 1024)} MiB limit for scripts (a bundle?)", Span(1, 1, 1, 2), "info")]
    from .extract import extract_script_facts
    from .syntax import parse

    tree = parse(data, rel)
    facts = extract_script_facts(tree, data, rel, functions=functions)
    return facts, []
