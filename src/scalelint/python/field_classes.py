"""A project's own Django field classes, and the options their constructor always passes.

    class KpiUidField(models.CharField):
        def __init__(self, uid_prefix, **kwargs):
            super().__init__(max_length=32, unique=True, null=False)

Every model field declared `KpiUidField(uid_prefix="a")` is unique, and has a unique index,
although neither the call nor the migration (a `deconstruct()` may drop the option) says so.
What the constructor forces is recorded per class; the project model applies it to the fields
that use the class (scalelint.project.orm).

Read: `super().__init__(..., unique=True)` (and `super(Cls, self).__init__`, `Base.__init__(self,
...)`), `kwargs["unique"] = True` and `kwargs.setdefault("unique", True)` (a default the
call may override), for `unique`, `db_index` and `primary_key`.
"""

from __future__ import annotations

import ast

from scalelint.facts import FieldClass

__all__ = ["field_class"]

_OPTIONS = ("unique", "db_index", "primary_key")


def field_class(st: ast.ClassDef, qualname: str) -> FieldClass | None:
    """What `st`'s `__init__` always passes to its base field class, when it is a field class
    (a base named `...Field`) and passes one of the options; else None."""
    base = next((b for b in (_terminal(x) for x in st.bases) if b and b.endswith("Field")), None)
    if base is None:
        return None
    init = next((s for s in st.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"), None)
    if init is None:
        return None
    kwargs = init.args.kwarg.arg if init.args.kwarg is not None else None
    forced: dict[str, bool] = {}
    defaults: dict[str, bool] = {}
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            key = _kwargs_key(node.targets[0], kwargs)
            if key is not None and type(node.value) is ast.Constant and type(node.value.value) is bool:
                forced[key] = node.value.value
        elif isinstance(node, ast.Call) and type(node.func) is ast.Attribute:
            if node.func.attr == "setdefault" and _is_name(node.func.value, kwargs) and len(node.args) == 2:
                key, value = node.args
                if type(key) is ast.Constant and key.value in _OPTIONS and type(value) is ast.Constant and type(value.value) is bool:
                    defaults[key.value] = value.value
            elif node.func.attr == "__init__" and _calls_base(node.func.value):
                for kw in node.keywords:
                    if kw.arg in _OPTIONS and type(kw.value) is ast.Constant and type(kw.value.value) is bool:
                        forced[kw.arg] = kw.value.value
    if not forced and not defaults:
        return None
    return FieldClass(qualname, base, tuple(sorted(forced.items())), tuple(sorted(defaults.items())))


def _terminal(node: ast.expr) -> str | None:
    if type(node) is ast.Name:
        return node.id
    if type(node) is ast.Attribute:
        return node.attr
    return None


def _is_name(node: ast.expr, name: str | None) -> bool:
    return name is not None and type(node) is ast.Name and node.id == name


def _kwargs_key(target: ast.expr, kwargs: str | None) -> str | None:
    """`kwargs["unique"]` -> "unique"."""
    if type(target) is not ast.Subscript or not _is_name(target.value, kwargs):
        return None
    key = target.slice
    return key.value if type(key) is ast.Constant and key.value in _OPTIONS else None


def _calls_base(node: ast.expr) -> bool:
    """`super()`, `super(Cls, self)` or a base class named `...Field` (`CharField.__init__(self, ...)`)."""
    if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "super":
        return True
    name = _terminal(node)
    return bool(name and name.endswith("Field"))
