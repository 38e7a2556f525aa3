"""Module names and a light import resolver.

No scope analysis: a local name is qualified through the imports that bind it (module-level
imports, plus function-local imports layered on top by the extractor). That is enough to
tell `sa.create_engine` from `my_helpers.create_engine` at a fraction of a scope pass's cost.
"""

from __future__ import annotations

import ast
import keyword

__all__ = ["module_name_for", "resolve_relative", "ImportMap", "dotted"]


def module_name_for(relpath: str) -> str:
    """`app/models.py` -> `app.models`; `pkg/__init__.py` -> `pkg`; a leading `src/` is dropped.

    Returns "" when any part is not an identifier (`gunicorn.conf.py`, `my-app/x.py`).
    """
    p = relpath.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    p = p.lstrip("/")
    if p.startswith("src/"):
        p = p[4:]
    if p.endswith(".py"):
        p = p[:-3]
    elif p.endswith(".pyi"):
        p = p[:-4]
    else:
        return ""
    parts = p.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    if not parts:
        return ""
    for part in parts:
        if not part.isidentifier() or keyword.iskeyword(part):
            return ""
    return ".".join(parts)


def resolve_relative(module: str, level: int, name: str | None, is_package: bool = False) -> str | None:
    """The absolute module of `from <level dots><name> import ...` written in `module`.

    `is_package`: `module` is a package's `__init__` (its own package is `module` itself).
    Returns None when it cannot be resolved (unknown module, too many dots).
    """
    if not level:
        return name or None
    if not module:
        return None
    parts = module.split(".")
    if not is_package:
        parts.pop()
    keep = len(parts) - (level - 1)
    if keep <= 0:
        return None
    base = ".".join(parts[:keep])
    return f"{base}.{name}" if name else base


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)
    parts.reverse()
    return ".".join(parts)


class ImportMap:
    """Local name -> qualified name, from import statements (optionally layered on a parent)."""

    __slots__ = ("module", "is_package", "names", "module_names", "parent")

    def __init__(self, module: str = "", is_package: bool = False, parent: ImportMap | None = None):
        self.module = module
        self.is_package = is_package
        self.names: dict[str, str] = {}
        self.module_names: set[str] = set()  # local names bound by a plain `import x` / `import x.y as z`
        self.parent = parent

    def child(self) -> ImportMap:
        """A layer for a function's own imports; lookups fall back to this map."""
        return ImportMap(self.module, self.is_package, self)

    # --- building -----------------------------------------------------------------------

    def add(self, node: ast.AST) -> tuple[list[str], str | None]:
        """Record an `Import`/`ImportFrom`. Returns (absolute modules it imports, star module)."""
        if type(node) is ast.Import:
            return self.add_import(node), None
        if type(node) is ast.ImportFrom:
            return self.add_import_from(node)
        return [], None

    def add_import(self, node: ast.Import) -> list[str]:
        mods = []
        for alias in node.names:
            name = alias.name
            mods.append(name)
            if alias.asname:
                local, qual = alias.asname, name
            else:
                local = name.partition(".")[0]
                qual = local
            self.names[local] = qual
            self.module_names.add(local)
        return mods

    def add_import_from(self, node: ast.ImportFrom) -> tuple[list[str], str | None]:
        if node.module == "__future__" and not node.level:
            return [], None  # compiler directives, not bindings
        base = resolve_relative(self.module, node.level or 0, node.module, self.is_package)
        if base is None:
            # unresolvable relative import: the names it binds now shadow anything else
            for alias in node.names:
                if alias.name != "*":
                    self.names[alias.asname or alias.name] = ""  # bound, to something we cannot name
                    self.module_names.discard(alias.asname or alias.name)
            return [], None
        star = None
        for alias in node.names:
            if alias.name == "*":
                star = base
                continue
            local = alias.asname or alias.name
            self.names[local] = f"{base}.{alias.name}"
            self.module_names.discard(local)
        return [base], star

    # --- lookups ------------------------------------------------------------------------

    def get(self, local: str) -> str | None:
        m: ImportMap | None = self
        while m is not None:
            q = m.names.get(local)
            if q is not None:
                return q or None
            m = m.parent
        return None

    def is_module_binding(self, local: str) -> bool:
        """`local` was bound by `import x` (so it is a module, not an object)."""
        m: ImportMap | None = self
        while m is not None:
            if local in m.names:
                return local in m.module_names
            m = m.parent
        return False

    def qualify(self, node: ast.expr) -> str | None:
        """`sa.create_engine` -> `sqlalchemy.create_engine` when `import sqlalchemy as sa`.

        None when the chain's root is not bound by an import (or is not a Name/Attribute chain).
        """
        d = dotted(node)
        if d is None:
            return None
        root, dot, rest = d.partition(".")
        q = self.get(root)
        if q is None:
            return None
        return q + dot + rest

    def items(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.names.items() if v]
