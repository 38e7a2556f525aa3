"""What the collectors of one file's facts share: the module's state (`ModuleContext`) and the
scope a statement sits in (`Scope`).

The traversal in `extract` owns both and hands them to each collector it calls; collectors keep
their own per-scope notes in the `Scope` slots named after them.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from collections.abc import Collection

from ..facts import Expr, Span, Unknown
from .fold import ENV_READERS, Folder, SourceText
from .names import ImportMap, dotted
from .syntax import str_const

__all__ = ["ModuleContext", "Scope"]

_SHADOW = Unknown("")  # a function parameter hides a module constant of the same name
_MAX_DICT_DEPTH = 4  # names bound to dicts holding `**other`: how far to follow them


class Scope:
    __slots__ = (
        "kind",  # module | class | function
        "qualname",  # dotted name for nested definitions ("" for the module)
        "function",  # enclosing function's dotted name, for facts (None outside functions)
        "imap",
        "own_imap",
        "folder",
        "node",  # the FunctionDef of a function scope
        "top",  # a module-level function (candidate app factory)
        "cfg",  # Flask-SQLAlchemy config seen in this scope: key -> (value node, span, size span)
        "local_apps",  # function: local name -> app kind tuple | ("factory", name)
        "local_names",  # script functions: names the function assigns
        "local_consts",  # script functions: folded local assignments
        "class_consts",
        "class_nodes",
        "checkouts",
    )

    def __init__(self, kind: str, qualname: str, function: str | None, imap: ImportMap):
        self.kind = kind
        self.qualname = qualname
        self.function = function
        self.imap = imap
        self.own_imap = kind == "module"
        self.folder: Folder | None = None
        self.node: ast.AST | None = None
        self.top = False
        self.cfg: dict[str, tuple[ast.AST, Span, Span]] | None = None
        self.local_apps: dict[str, tuple] | None = None
        self.local_names: set[str] | None = None
        self.local_consts: dict[str, Expr] | None = None
        self.class_consts: dict[str, Expr] | None = None
        self.class_nodes: dict[str, ast.AST] | None = None
        self.checkouts: list[tuple] | None = None


class ModuleContext:
    """The module's source, imports, constants and top-level bindings as the traversal has met
    them so far."""

    def __init__(self, source: str, module: str, is_package: bool, known_callees: Collection[str]):
        self.src = SourceText(source)
        self.module = module
        self.imap = ImportMap(module, is_package)
        self.consts: dict[str, Expr] = {}
        # names whose calls read the environment; grows with `env = environ.Env()`
        self.env_readers: set[str] = set(ENV_READERS)
        self.folder = Folder(self.consts, self.src, self.env_readers)
        self.mod_nodes: dict[str, ast.AST] = {}  # module-level name -> the value last assigned
        # module-level names changed in place after that (`opts.update(...)`, `opts[k] = v`)
        self.mutated: set[str] = set()
        self.mod_funcs: dict[str, ast.AST] = {}
        self.star_imports: list[str] = []
        self.known_callees = known_callees

    def folder_for(self, sc: Scope) -> Folder:
        f = sc.folder
        if f is not None:
            return f
        if sc.kind == "class":
            f = self.folder.with_consts(ChainMap(sc.class_consts if sc.class_consts is not None else {}, self.consts))
        elif sc.kind == "function":
            shadow: dict[str, Expr] = {}
            a = sc.node.args  # type: ignore[union-attr]
            for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
                if arg is not None and arg.arg in self.consts:
                    shadow[arg.arg] = _SHADOW
            if sc.local_consts is not None:
                f = self.folder.with_consts(ChainMap(sc.local_consts, shadow, self.consts))
            elif shadow:
                f = self.folder.with_consts(ChainMap(shadow, self.consts))
            else:
                f = self.folder
        else:
            f = self.folder
        sc.folder = f
        return f

    def qualify(self, node: ast.AST, sc: Scope) -> str | None:
        q = sc.imap.qualify(node)  # type: ignore[arg-type]
        if q is None and self.star_imports:
            # `from flask import *` then `Flask(...)`: only names we know can be claimed
            d = dotted(node)
            if d is not None:
                for star in self.star_imports:
                    cand = f"{star}.{d}"
                    if cand in self.known_callees:
                        return cand
        return q

    def resolve_dict(
        self, node: ast.AST, class_nodes: dict[str, ast.AST] | None = None, depth: int = 0
    ) -> tuple[list[tuple], bool] | None:
        """A dict literal / `dict(k=v)` / a name bound to one -> ([(key, value, first, last)], has_unknown),
        where first..last is the source of the entry."""
        if depth > _MAX_DICT_DEPTH:
            return None
        t = type(node)
        if t is ast.Dict:
            entries: list[tuple] = []
            unknown = False
            for k, v in zip(node.keys, node.values):  # type: ignore[attr-defined]
                if k is None:
                    unknown = self._merge_splat(v, class_nodes, depth, entries) or unknown
                else:
                    key = str_const(k)
                    if key is not None:
                        entries.append((key, v, k, v))
            return entries, unknown
        if t is ast.Call and type(node.func) is ast.Name and node.func.id == "dict":  # type: ignore[attr-defined]
            entries = []
            unknown = False
            if node.args:  # type: ignore[attr-defined]
                if len(node.args) > 1:  # type: ignore[attr-defined]
                    return None
                unknown = self._merge_splat(node.args[0], class_nodes, depth, entries)  # type: ignore[attr-defined]
            for k in node.keywords:  # type: ignore[attr-defined]
                if k.arg is None:
                    unknown = self._merge_splat(k.value, class_nodes, depth, entries) or unknown
                else:
                    entries.append((k.arg, k.value, k, k))
            return entries, unknown
        if t is ast.Name:
            target = None
            if class_nodes is not None:
                target = class_nodes.get(node.id)  # type: ignore[attr-defined]
            if target is None:
                target = self.mod_nodes.get(node.id)  # type: ignore[attr-defined]
            if target is not None:
                return self.resolve_dict(target, class_nodes, depth + 1)
        return None

    def _merge_splat(self, node: ast.AST, class_nodes: dict[str, ast.AST] | None, depth: int, entries: list) -> bool:
        """Add the entries of a `**mapping` (or `dict(mapping)`) to `entries`; True when some are unknown."""
        resolved = self.resolve_dict(node, class_nodes, depth + 1)
        if resolved is None:
            return True
        entries.extend(resolved[0])
        return resolved[1]
