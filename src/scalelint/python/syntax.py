"""Small shape tests on `ast` nodes that several fact collectors share."""

from __future__ import annotations

import ast

TRY_TYPES: tuple[type, ...] = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())  # type: ignore[attr-defined]
# nodes that open a scope of their own: their names are not the enclosing function's
SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def terminal(func: ast.AST) -> str | None:
    """The last name of a callee: `create_engine` of `sa.create_engine`."""
    t = type(func)
    if t is ast.Name:
        return func.id  # type: ignore[attr-defined]
    if t is ast.Attribute:
        return func.attr  # type: ignore[attr-defined]
    return None


def str_const(node: ast.AST | None) -> str | None:
    if type(node) is ast.Constant and type(node.value) is str:  # type: ignore[attr-defined]
        return node.value  # type: ignore[attr-defined]
    return None


def chain_root(node: ast.AST) -> ast.AST:
    """The name a chain of subscripts, attributes and calls starts from."""
    while type(node) in (ast.Subscript, ast.Attribute, ast.Call):
        node = node.func if type(node) is ast.Call else node.value  # type: ignore[attr-defined]
    return node


def class_name_text(node: ast.AST, text) -> str:
    """`poolclass=NullPool` / `pool.NullPool` -> "NullPool"; anything else as written."""
    t = type(node)
    return node.attr if t is ast.Attribute else node.id if t is ast.Name else text(node)  # type: ignore[attr-defined]
