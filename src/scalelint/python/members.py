"""Class-level bindings of a module-level class, for the call graph's type inference
(`scalelint.project.types`): `repo = Repo()`, `form = LoginForm`, `client: ApiClient`,
`author = AuthorSerializer(read_only=True)`, `objects = PublishedManager()`.

Only what can name a class or a function is kept, and of a call only its callee: a model's
thirty `CharField(...)` columns cost thirty small names, not their arguments.
"""

from __future__ import annotations

import ast

from ..facts import ClassMembers, Member, SAttr, SName, SUnknown, Sym
from .flow import FunctionReader, read_value
from .names import ImportMap

__all__ = ["class_members"]

_MAX_MEMBERS = 64


def class_members(reader: FunctionReader, st: ast.ClassDef, qualname: str, imap: ImportMap) -> ClassMembers | None:
    found: list[Member] = []
    for item in st.body:
        t = type(item)
        if t is ast.Assign and len(item.targets) == 1:  # type: ignore[attr-defined]
            target, value, annotation = item.targets[0], item.value, None  # type: ignore[attr-defined]
        elif t is ast.AnnAssign:
            target, value, annotation = item.target, item.value, item.annotation  # type: ignore[attr-defined]
        else:
            continue
        if type(target) is not ast.Name:
            continue
        name = target.id  # type: ignore[attr-defined]
        member = _member(reader, name, value, annotation, imap)
        if member is not None:
            found.append(member)
            if len(found) >= _MAX_MEMBERS:
                break
    return ClassMembers(qualname, tuple(found)) if found else None


def _member(reader: FunctionReader, name: str, value: ast.AST | None, annotation: ast.AST | None, imap: ImportMap) -> Member | None:
    if type(value) is ast.Call:
        sym = _named(read_value(reader, value.func, imap))  # type: ignore[attr-defined]
        if sym is not None:
            return Member(name, "call", sym)
    elif type(value) in (ast.Name, ast.Attribute):
        sym = _named(read_value(reader, value, imap))  # type: ignore[arg-type]
        if sym is not None:
            return Member(name, "value", sym)
    if annotation is not None:
        node = annotation
        if type(node) is ast.Constant and type(node.value) is str:  # type: ignore[attr-defined]
            try:
                node = ast.parse(node.value.strip(), mode="eval").body  # type: ignore[attr-defined]
            except (SyntaxError, ValueError):
                return None
        sym = read_value(reader, node, imap)
        if type(sym) is SUnknown or (type(sym) is SName and sym.qual.startswith("builtins.")):  # type: ignore[union-attr]
            return None
        return Member(name, "annotation", sym)
    return None


def _named(sym: Sym) -> Sym | None:
    """A dotted name (`Repo`, `services.Repo`, `serializers.CharField`), else None."""
    s = sym
    while type(s) is SAttr:
        s = s.obj  # type: ignore[union-attr]
    return sym if type(s) is SName else None
