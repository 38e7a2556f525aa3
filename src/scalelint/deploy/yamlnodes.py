"""Reading YAML through PyYAML's node API, so every value keeps its place in the file.

Node marks are 0-based (line, column). Scalars are decoded by YAML (quotes, escapes,
folding), so to place each character of a decoded value we walk the value and the
source side by side: decoding only ever drops or rewrites quotes, backslashes and
whitespace, and every other character appears in the source in order.
"""

from __future__ import annotations

import bisect
from typing import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from scalelint import limits
from scalelint.deploy.common import env_value, problem, span_of, to_int
from scalelint.deploy.shell import Pos, Tok, tokenize
from scalelint.facts import EnvSetting, ParseProblem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_NULL = "tag:yaml.org,2002:null"
_SKIPPABLE = set(" \t\r\n\"'\\")


def compose_documents(text: str) -> list[Node]:
    return [doc for doc in yaml.compose_all(text, Loader=_Loader) if doc is not None]


def yaml_problem(exc: yaml.YAMLError) -> ParseProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc).split("\n")[0]
    if mark is None:
        return problem(f"invalid YAML: {what}", 1, 1)
    return problem(f"invalid YAML: {what} (line {mark.line + 1})", mark.line + 1, mark.column + 1)


class TooManyMerges(ValueError):
    """A mapping whose `<<` merges reach more mappings than the yaml-merges limit."""


def items(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """Key/value pairs of a mapping, `<<: *anchor` merges first (explicit keys override).

    Each merged mapping is read once however many aliases reach it: a merge-key bomb (every
    level merging the one below six times) is linear, not exponential, and a mapping that
    merges itself ends. An explicit stack, so a long chain of merges needs no recursion."""
    if not isinstance(node, MappingNode):
        return
    seen: set[str] = set()
    visited = {id(node)}
    left = limits.YAML_MERGES.value
    stack = [iter([node])]
    while stack:
        mapping = next(stack[-1], None)
        if mapping is None:
            stack.pop()
            continue
        for key, value in mapping.value:
            if key.tag != _MERGE and isinstance(key, ScalarNode) and (mapping is node or key.value not in seen):
                seen.add(key.value)
                yield key, value
        merged = []
        for key, value in mapping.value:
            if key.tag != _MERGE:
                continue
            for target in value.value if isinstance(value, SequenceNode) else [value]:
                if isinstance(target, MappingNode) and id(target) not in visited:
                    visited.add(id(target))
                    merged.append(target)
        left -= len(merged)
        if left < 0:
            raise TooManyMerges(f"`<<` merges reach more than {limits.YAML_MERGES.value:,} mappings ({limits.YAML_MERGES})")
        if merged:
            stack.append(iter(merged))


def get(node: Node | None, key: str) -> Node | None:
    for k, v in items(node):
        if k.value == key:
            return v
    return None


def text(node: Node | None) -> str | None:
    """A scalar's value, None for anything else (null included)."""
    if isinstance(node, ScalarNode) and node.tag != _NULL:
        return node.value
    return None


def seq(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def integer(node: Node | None) -> int | None:
    value = text(node)
    return to_int(value) if value is not None else None


class Source:
    """The file text with a line table, to turn node marks into positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        nl = text.find("\n")
        while nl >= 0:
            self.starts.append(nl + 1)
            nl = text.find("\n", nl + 1)

    def index(self, mark) -> int:
        line = min(mark.line, len(self.starts) - 1)
        return min(self.starts[line] + mark.column, len(self.text))

    def pos(self, index: int) -> Pos:
        line = bisect.bisect_right(self.starts, index) - 1
        return (line + 1, index - self.starts[line] + 1)

    def chars(self, node: ScalarNode) -> list[Pos]:
        """The file position of every character of the decoded scalar."""
        src, value = self.text, node.value
        begin, end = self.index(node.start_mark), self.index(node.end_mark)
        if node.style in ("|", ">"):  # the header line (`| # comment`) holds no content
            nl = src.find("\n", begin)
            begin = end if nl < 0 else nl + 1
        elif node.style in ('"', "'"):
            begin += 1
        out: list[Pos] = []
        j, lost = begin, False
        for ch in value:
            k = j
            found = -1
            while not lost and k < end:
                s = src[k]
                if s == ch or (ch in " \n" and s in " \t\n"):
                    found = k
                    break
                if s not in _SKIPPABLE:
                    break
                k += 1
            if found < 0:
                lost = True  # an escape we cannot follow: count columns from here on
                prev = out[-1] if out else self.pos(begin)
                out.append((prev[0], prev[1] + 1) if out else prev)
            else:
                out.append(self.pos(found))
                j = found + 1
        return out

    def start(self, node: Node) -> Pos:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def end(self, node: Node, chars: list[Pos] | None = None) -> Pos:
        if isinstance(node, ScalarNode) and node.style in ("|", ">") and chars:
            return (chars[-1][0], chars[-1][1] + 1)
        return (node.end_mark.line + 1, node.end_mark.column + 1)

    def tok(self, node: ScalarNode) -> Tok:
        """One argv element written as a YAML scalar (not shell-split)."""
        chars = self.chars(node)
        return Tok(node.value, chars, self.start(node), self.end(node, chars), 0)

    def commands(self, node: Node | None) -> list[list[Tok]]:
        """A command given as a string (shell-split) or as a list of scalars (one argv)."""
        if isinstance(node, ScalarNode) and node.tag != _NULL:
            return tokenize(node.value, self.chars(node))
        if isinstance(node, SequenceNode):
            toks = [self.tok(item) for item in node.value if isinstance(item, ScalarNode)]
            return [toks] if toks else []
        return []

    def span(self, first: Node, last: Node | None = None):
        last = last if last is not None else first
        return span_of(self.start(first), self.end(last))

    def setting(self, name: str, value: str | None, key: Node, value_node: Node | None) -> EnvSetting:
        one_line = (
            isinstance(value_node, ScalarNode)
            and value_node.style not in ("|", ">")
            and value_node.end_mark.line == key.start_mark.line
        )
        return EnvSetting(name, env_value(value), self.span(key, value_node if one_line else key))
