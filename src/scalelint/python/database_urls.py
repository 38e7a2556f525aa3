"""Database URLs written in Python: `create_engine("mysql+pymysql://...")`,
`SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql://...")`,
`dj_database_url.config(default="postgres://...")`. Each becomes a `DatabaseHint`; one written
in a development or test configuration (`class TestingConfig`, `def dev_settings()`) says so
in its context, so production's wins when they disagree."""

from __future__ import annotations

import ast
import re

from scalelint.deploy.context import context_of
from scalelint.facts import Context, DatabaseHint, Span
from scalelint.frameworks import databases as db

__all__ = ["database_url_hints"]

_DEV = {"dev", "develop", "development", "local", "debug", "test", "tests", "testing", "ci", "e2e", "sample", "example", "demo", "fake", "mock"}
_PROD = {"prod", "production", "live", "release", "deploy", "prd"}
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def database_url_hints(tree: ast.Module, text: str, path: str) -> list[DatabaseHint]:
    if "://" not in text:
        return []
    out: list[DatabaseHint] = []
    base = context_of(path)
    stack: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while stack:
        node, scopes = stack.pop()
        if type(node) in (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
            scopes = scopes + (node.name,)  # type: ignore[attr-defined]
        elif type(node) is ast.Constant and type(node.value) is str and "://" in node.value:  # type: ignore[attr-defined]
            hint = _hint(node, scopes, base)  # type: ignore[arg-type]
            if hint is not None:
                out.append(hint)
            continue
        stack.extend((child, scopes) for child in ast.iter_child_nodes(node))
    out.sort(key=lambda h: (h.span.line, h.span.column))
    return out


def _hint(node: ast.Constant, scopes: tuple[str, ...], base: Context) -> DatabaseHint | None:
    match = db.URL_RE.search(node.value)
    dialect = db.url_dialect(match.group(1)) if match else None
    if dialect is None or match.start() > 0:
        return None  # a URL must start the string: prose that mentions one is not a setting
    words = {w.lower() for scope in scopes for w in _WORDS.findall(scope)}
    context: Context = "development" if base == "development" or words & _DEV else "production" if base == "production" or words & _PROD else "unknown"
    evidence = node.value.split("?", 1)[0]
    if "@" in evidence:
        scheme, _, rest = evidence.partition("://")
        evidence = f"{scheme}://…@{rest.rpartition('@')[2]}"
    line, col = node.lineno, node.col_offset + 1
    return DatabaseHint(dialect, evidence[:120], Span(line, col, node.end_lineno or line, (node.end_col_offset or col) + 1), context)
