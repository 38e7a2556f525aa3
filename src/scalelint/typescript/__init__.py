"""The TypeScript / JavaScript front-end: tree-sitter parses, `extract` writes the same facts
the Python front-end does (functions with their loops, calls, awaits and returns; imports;
route registrations; ORM tables; pools), so the project model and the rules are shared."""

from __future__ import annotations

from ..facts import ParseProblem, PythonFacts

__all__ = ["extract_script", "MAX_SCRIPT_BYTES"]

MAX_SCRIPT_BYTES = 2 * 1024 * 1024


def extract_script(data: bytes, rel: str, *, functions: bool = True) -> tuple[PythonFacts | None, list[ParseProblem]]:
    """Facts of one file, and the problems met (the places tree-sitter could not parse, which
    it recovers from: the facts stand). A file too large to be hand-written is a bundle or a
    vendored build (`static/video-js.js`): skipped without a word, as a user would exclude it."""
    if len(data) > MAX_SCRIPT_BYTES:
        return None, []
    from .extract import extract_script_facts
    from .syntax import parse

    tree = parse(data, rel)
    facts = extract_script_facts(tree, data, rel, functions=functions)
    return facts, []
