"""What project classes and modules bind, for the call graph's type inference (`project.types`):

- class-level members (`repo = Repo()`, `form = LoginForm`, `client: ApiClient`), along the MRO;
- what methods assign to `self.x`, along the MRO;
- every call in production code that builds a class (`Repo(...)`, `View.as_view(x=...)`), for
  the constructor arguments an `__init__` stores;
- module-level annotation aliases (`CurrentUser = Annotated[User, Depends(get_user)]`), which
  the per-file facts keep as text.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from scalelint.facts import Member, SAttr, SCall, SConst, SelfAttr, SIndex, SName, SOp, SSeq, Sym, Unknown
from scalelint.frameworks import django as dj
from scalelint.project.names import follow

if TYPE_CHECKING:
    from scalelint.project.callgraph import CallGraph

__all__ = ["Bindings", "dotted"]


def dotted(sym: Sym) -> str | None:
    """`SAttr(SAttr(SName("app"), "utils"), "helper")` -> "app.utils.helper"; None otherwise."""
    parts: list[str] = []
    while type(sym) is SAttr:
        parts.append(sym.name)  # type: ignore[union-attr]
        sym = sym.obj  # type: ignore[union-attr]
    if type(sym) is not SName:
        return None
    parts.append(sym.qual)  # type: ignore[union-attr]
    return ".".join(reversed(parts))



class Bindings:
    def __init__(self, graph: "CallGraph"):
        self.g = graph
        self._members: dict[str, dict[str, list[Member]]] | None = None
        self._attrs: dict[str, dict[str, list[tuple[str, SelfAttr]]]] | None = None
        self._built: dict[str, list[tuple[str, SCall, bool]]] | None = None  # class -> (caller, call, via as_view)
        self._aliases: dict[str, Sym | None] = {}

    def member(self, cls: str, name: str) -> Member | None:
        """The class-level binding of `name` the MRO of `cls` finds first."""
        for c in self.g.mro(cls):
            found = self._class_members().get(c, {}).get(name)
            if found:
                return found[0]
        return None

    def assignments(self, cls: str, name: str) -> list[tuple[str, SelfAttr]]:
        """(method, assignment) of every `self.name = ...` along the MRO of `cls`."""
        attrs = self._self_attrs()
        return [found for c in self.g.mro(cls) for found in attrs.get(c, {}).get(name, ())]

    def declared(self, cls: str) -> frozenset[str]:
        """Names `cls` and its project bases bind at class level (a form's fields)."""
        members = self._class_members()
        return frozenset(n for c in self.g.mro(cls) for n in members.get(c, {}))

    def built_members(self, cls: str) -> list[str]:
        """Project classes `cls` (and its project bases) instantiate at class level: the
        serializers nested in a serializer (`organizer = UserSerializer()`)."""
        out: list[str] = []
        for c in self.g.mro(cls):
            for found in self._class_members().get(c, {}).values():
                for m in found:
                    q = dotted(m.sym) if m.kind == "call" else None
                    built = self.g.project_class(q) if q is not None else None
                    if built is not None and built not in out:
                        out.append(built)
        return out

    def _class_members(self) -> dict[str, dict[str, list[Member]]]:
        if self._members is None:
            table: dict[str, dict[str, list[Member]]] = {}
            for facts in self.g.project.files.values():
                for cm in facts.python.class_members if facts.python is not None else ():
                    for m in cm.members:
                        table.setdefault(cm.qualname, {}).setdefault(m.name, []).append(m)
            self._members = table
        return self._members

    def _self_attrs(self) -> dict[str, dict[str, list[tuple[str, SelfAttr]]]]:
        if self._attrs is None:
            table: dict[str, dict[str, list[tuple[str, SelfAttr]]]] = {}
            for q, (_, fn) in self.g.functions.items():
                if fn.class_name:
                    for a in fn.self_attrs:
                        table.setdefault(fn.class_name, {}).setdefault(a.name, []).append((q, a))
            self._attrs = table
        return self._attrs

    def constructions(self, cls: str) -> list[tuple[str, SCall, bool]]:
        """Every call in production code that builds `cls`: `Cls(...)` and `Cls.as_view(...)`."""
        if self._built is None:
            from scalelint.project.callgraph import call_sites

            table: dict[str, list[tuple[str, SCall, bool]]] = {}
            for q, (_, fn) in self.g.functions.items():
                for call in call_sites(fn):
                    func = call.func
                    as_view = type(func) is SAttr and func.name == dj.AS_VIEW  # type: ignore[union-attr]
                    name = dotted(func.obj if as_view else func)  # type: ignore[union-attr]
                    built = self.g.project_class(name) if name is not None else None
                    if built is not None:
                        table.setdefault(built, []).append((q, call, as_view))
            self._built = table
        return self._built.get(cls, [])

    # --- module-level aliases ---------------------------------------------------------------

    def alias(self, q: str) -> Sym | None:
        """`CurrentUser = Annotated[User, Depends(get_user)]` at module level: its value as a symbol."""
        if q in self._aliases:
            return self._aliases[q]
        self._aliases[q] = None
        target = follow(self.g.project, q)
        module, _, name = target.qual.rpartition(".")
        found = self.g.project.find_module(module) if target.status == "defined" else None
        assignment = next((a for a in reversed(found[1].assignments) if a.name == name), None) if found else None
        text = assignment.value.text if assignment is not None and type(assignment.value) is Unknown else ""
        if "[" in text and len(text) < 300:
            try:
                node = ast.parse(text.strip(), mode="eval").body
            except (SyntaxError, ValueError):
                node = None
            if node is not None:
                self._aliases[q] = _annotation_sym(node, dict(found[1].imports), found[1].module)  # type: ignore[index]
        return self._aliases[q]



def _annotation_sym(node: ast.AST, imports: dict[str, str], module: str) -> Sym | None:
    """A module-level annotation expression as a symbol, names qualified through the module's
    imports (the per-file facts keep module-level values as text only)."""
    t = type(node)
    if t is ast.Name:
        q = imports.get(node.id)  # type: ignore[attr-defined]
        return SName(q if q is not None else f"{module}.{node.id}")  # type: ignore[attr-defined]
    if t is ast.Attribute:
        obj = _annotation_sym(node.value, imports, module)  # type: ignore[attr-defined]
        return SAttr(obj, node.attr, None) if obj is not None else None  # type: ignore[arg-type, attr-defined]
    if t is ast.Subscript:
        obj = _annotation_sym(node.value, imports, module)  # type: ignore[attr-defined]
        key = _annotation_sym(node.slice, imports, module)  # type: ignore[attr-defined]
        return SIndex(obj, key, None) if obj is not None and key is not None else None  # type: ignore[arg-type]
    if t is ast.Tuple:
        elts = [_annotation_sym(e, imports, module) for e in node.elts]  # type: ignore[attr-defined]
        return SSeq("tuple", tuple(e if e is not None else SConst(None) for e in elts))
    if t is ast.Call:
        func = _annotation_sym(node.func, imports, module)  # type: ignore[attr-defined]
        args = tuple(a for a in (_annotation_sym(x, imports, module) for x in node.args) if a is not None)  # type: ignore[attr-defined]
        return SCall(func, args, (), None) if func is not None else None  # type: ignore[arg-type]
    if t is ast.BinOp:
        left, right = _annotation_sym(node.left, imports, module), _annotation_sym(node.right, imports, module)  # type: ignore[attr-defined]
        return SOp("BinOp", tuple(s for s in (left, right) if s is not None))
    if t is ast.Constant and type(node.value) is str:  # type: ignore[attr-defined]
        try:
            return _annotation_sym(ast.parse(node.value.strip(), mode="eval").body, imports, module)  # type: ignore[attr-defined]
        except (SyntaxError, ValueError):
            return None
    return None

