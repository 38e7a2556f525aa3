"""Peewee model fields, as `FieldDef` facts: `ForeignKeyField(User, backref="tweets")`,
`CharField(index=True, unique=True)`, `column_name=`; called by `ModelCollector` for the
attributes of a class whose base is `peewee.Model` (or a project class that is one)."""

from __future__ import annotations

import ast
from typing import Callable

from ..facts import FieldDef, Span
from ..frameworks import peewee as pw

__all__ = ["peewee_field"]


def peewee_field(name: str, span: Span, call: ast.Call, term: str, target: Callable[[ast.AST | None], str | None], call_span: Span) -> FieldDef:
    """The field `name = <term>(...)` declares; `target` qualifies a model reference."""
    kind, indexed, unique = pw.FIELDS.get(term, ("column", False, False))
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    rel = kind in ("fk", "m2m")
    ref = (call.args[0] if call.args else kw.get("model")) if rel else None
    backref = _str(kw.get("backref")) if rel else None
    return FieldDef(
        name=name,
        kind=kind,
        field_class=term,
        span=span,
        call_span=call_span,
        target=("self" if _str(ref) == "self" else target(ref)) if rel else None,
        related_name=backref,
        db_index=False if kind == "m2m" else _flag(kw, "index", indexed),
        unique=False if kind == "m2m" else _flag(kw, "unique", unique),
        primary_key=kind == "column" and (_flag(kw, "primary_key", False) or term in ("AutoField", "BigAutoField", "PrimaryKeyField")),
        nullable=None if kind == "m2m" else _flag(kw, "null", False),
        column=_str(kw.get("column_name")),
        collection=True if kind == "m2m" else None,
        # `lazy_load=False` reads give the key, never the row
        lazy="noload" if kind == "fk" and _flag(kw, "lazy_load", True) is False else None,
    )


def _str(node: ast.AST | None) -> str | None:
    return node.value if type(node) is ast.Constant and type(node.value) is str else None  # type: ignore[attr-defined]


def _flag(kw: dict, key: str, default: bool) -> bool | None:
    v = kw.get(key)
    if v is None:
        return default
    return bool(v.value) if type(v) is ast.Constant else None  # type: ignore[attr-defined]
