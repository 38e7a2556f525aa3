"""tree-sitter for TypeScript and JavaScript: the grammar a file's suffix asks for, and the
text and positions of its nodes as scalelint's facts write them (1-based lines, character
columns, `end_column` exclusive)."""

from __future__ import annotations

from functools import lru_cache

from ..facts import Span

__all__ = ["parse", "Source", "grammar_for"]


def grammar_for(path: str) -> str:
    """`tsx` for .tsx, `typescript` for .ts/.mts/.cts, `javascript` (with JSX) for the rest."""
    lower = path.lower()
    if lower.endswith(".tsx"):
        return "tsx"
    if lower.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    return "javascript"


@lru_cache(maxsize=None)
def _parser(grammar: str):
    import tree_sitter

    if grammar == "javascript":
        import tree_sitter_javascript as tsj

        language = tree_sitter.Language(tsj.language())
    else:
        import tree_sitter_typescript as tst

        language = tree_sitter.Language(tst.language_tsx() if grammar == "tsx" else tst.language_typescript())
    return tree_sitter.Parser(language)


def parse(data: bytes, path: str):
    """The syntax tree (tree-sitter recovers from errors: the tree always exists)."""
    return _parser(grammar_for(path)).parse(data)


class Source:
    """The bytes of one file, with tree-sitter's byte positions turned into character columns."""

    def __init__(self, data: bytes):
        self.data = data
        self.lines = data.split(b"\n")
        self._wide: dict[int, bytes] = {}

    def text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _col(self, row: int, col: int) -> int:
        line = self.lines[row] if row < len(self.lines) else b""
        if line.isascii():
            return col + 1
        return len(line[:col].decode("utf-8", "replace")) + 1

    def span(self, node) -> Span:
        (r1, c1), (r2, c2) = node.start_point, node.end_point
        return Span(r1 + 1, self._col(r1, c1), r2 + 1, self._col(r2, c2))

    def line_span(self, node) -> Span:
        """The node's first line only (a statement's head)."""
        (r1, c1) = node.start_point
        end = len(self.lines[r1]) if r1 < len(self.lines) else c1
        return Span(r1 + 1, self._col(r1, c1), r1 + 1, self._col(r1, end))
