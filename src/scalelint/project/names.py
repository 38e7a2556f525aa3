"""Qualified names across the project: what `shop.Event` or `app.models.Event.objects` refers to.

Per-file facts qualify a name through that file's imports only, so `from shop import Event`
gives "shop.Event" even when `shop/__init__.py` merely re-exports `shop.models.Event`. Here
such names are followed through re-exports (`from .models import Event`, `import x as y`,
`from .models import *`, `Alias = Event`) to the module that defines them, and spelled with
that module's own dotted name (`backend.app.models.Event` for `backend/app/models.py`, even
when imported as `app.models`).

A name is *defined* in a module when the module has a model / table / declarative base of that
name (ModelDef), a function or a class with methods (FunctionFacts), or a module-level
assignment of it. Chains are depth-bounded and cycle-safe; results are cached per Project.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from scalelint.facts import PythonFacts, Unknown

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["Target", "follow", "resolve", "canonical"]

MAX_DEPTH = 16  # re-export hops followed before giving up (real chains are 1-3 long)
# names one lookup may visit: star imports fan out (scipy's `from ._x import *` in every
# package), and without a bound each unknown name walked the whole star-import closure
MAX_STEPS = 64

# `Alias = shop.models.Event`: an assignment whose value is a plain dotted name is an alias,
# not a definition of its own
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\Z")


class Target(NamedTuple):
    """Where a qualified name leads.

    `qual`: the canonical name when `status` is "defined" or "module"; otherwise the name as far
    as it could be followed (third-party names come back as written, e.g. "django.db.models.Model").
    `status`: defined (a definition in the project, maybe with attributes appended) | module (a
    project module) | missing (the module is the project's, the name is not defined in it that
    we can see) | external (no project module: a third-party or builtin name).
    """

    qual: str
    status: str


def _cache(project: "Project") -> dict[str, Target]:
    # Project instances carry no slot for it; a plain attribute keeps this module self-contained
    cache = project.__dict__.get("_names_cache")
    if cache is None:
        cache = project.__dict__["_names_cache"] = {}
    return cache


def resolve(project: "Project", qual: str) -> str | None:
    """The canonical qualified name of the project definition `qual` refers to (attributes after
    it kept: `shop.Event.objects` -> `shop.models.Event.objects`), a project module's own name,
    or None when nothing in the project defines it (third-party, builtin, unknown)."""
    target = follow(project, qual)
    return target.qual if target.status in ("defined", "module") else None


def canonical(project: "Project", qual: str) -> str:
    """`qual` followed as far as the project shows: the project definition, or the third-party
    name a re-export chain ends at (`compat.Model` -> "django.db.models.Model")."""
    return follow(project, qual).qual


def follow(project: "Project", qual: str) -> Target:
    cache = _cache(project)
    hit = cache.get(qual)
    if hit is None:
        try:
            hit = _follow(project, qual, 0, set())
        except RecursionError:  # pragma: no cover - depth is bounded well below the limit
            hit = Target(qual, "external")
        cache[qual] = hit
    return hit


def _follow(project: "Project", qual: str, depth: int, seen: set[str]) -> Target:
    if not qual or depth > MAX_DEPTH or qual in seen or len(seen) >= MAX_STEPS:
        return Target(qual, "external")
    cached = _cache(project).get(qual)
    if cached is not None:
        return cached
    seen.add(qual)
    parts = qual.split(".")
    # the longest prefix that is a project module: `shop.models.Event.objects` -> `shop.models`
    for i in range(len(parts), 0, -1):
        found = project.find_module(".".join(parts[:i]))
        if found is None:
            continue
        facts = found[1]
        if i == len(parts):
            # `from pkg import sub` gives what `pkg/__init__.py` binds to `sub` before the submodule
            shadow = _package_binding(project, parts, i, facts, depth, seen)
            return shadow or Target(facts.module, "module")
        target = _in_module(project, facts, parts[i], parts[i + 1 :], depth, seen)
        if target.status == "missing":
            # `pkg.sub.attr` read as attributes: `sub` may be a class the package re-exports
            # under its module's name (`from .event import event`)
            shadow = _package_binding(project, parts, i, facts, depth, seen)
            if shadow is not None and shadow.status == "defined":
                return shadow
        return target
    return Target(qual, "external")


def _package_binding(project: "Project", parts: list[str], i: int, sub: PythonFacts, depth: int, seen: set[str]) -> Target | None:
    """What the package `parts[:i-1]` binds to the name of its submodule `parts[:i]`, when that is
    something else than the submodule (followed, with the rest of `parts` as attributes)."""
    if i < 2:
        return None
    found = project.find_module(".".join(parts[: i - 1]))
    if found is None:
        return None
    package, name = found[1], parts[i - 1]
    imported = _index(project, package).imports.get(name)
    if imported is not None:
        if imported in (sub.module, ".".join(parts[:i])):
            return None  # `from . import sub`: the submodule itself
    elif not _defines(project, package, name, f"{package.module}.{name}"):
        return None
    target = _in_module(project, package, name, parts[i:], depth + 1, seen)
    return target if target.status in ("defined", "external") else None


def _join(head: str, rest: list[str]) -> str:
    return ".".join([head, *rest]) if rest else head


def _in_module(project: "Project", facts: PythonFacts, name: str, rest: list[str], depth: int, seen: set[str]) -> Target:
    module = facts.module
    local = f"{module}.{name}"
    imported = _index(project, facts).imports.get(name)
    if imported is not None and imported != local and _assigned_only(project, facts, name, local):
        # `try: from fancy import X` / `except ImportError: X = None`: the import is the real one
        return _follow(project, _join(imported, rest), depth + 1, seen)
    if _defines(project, facts, name, local):
        alias = _alias_of(project, facts, name, local)
        if alias is None:
            return Target(_join(local, rest), "defined")
        # an alias is what it copies, even a third-party name (`BaseModel = models.Model`)
        return _follow(project, _join(alias, rest), depth + 1, seen)
    if imported is not None and imported != local:
        return _follow(project, _join(imported, rest), depth + 1, seen)
    # `from .models import *`: the last star import that defines the name wins, as in Python;
    # for the name asked about, one that defines it itself is looked at first, so a wide
    # star-import web (where the lookup stops at MAX_STEPS) still finds what is one hop away
    for star in reversed(facts.star_imports) if depth == 0 else ():
        found = project.find_module(star)
        if found is not None and _defines(project, found[1], name, f"{found[1].module}.{name}"):
            return _follow(project, _join(f"{star}.{name}", rest), depth + 1, seen)
    for star in reversed(facts.star_imports):
        target = _follow(project, _join(f"{star}.{name}", rest), depth + 1, seen)
        if target.status in ("defined", "module"):
            return target
    return Target(_join(local, rest), "missing")


class _Index(NamedTuple):
    """What one module binds, read once per module instead of scanning its facts per lookup
    (a lookup per name a rule meets: linear scans made name resolution grow with the square
    of a module's size)."""

    imports: dict[str, str]
    classes: frozenset[str]  # names of models / tables / declarative bases defined here
    functions: frozenset[str]  # qualnames of functions and of classes with methods
    assigned: dict[str, object]  # name -> its last module-level assignment


def _index(project: "Project", facts: PythonFacts) -> _Index:
    indexes = project.__dict__.get("_names_index")
    if indexes is None:
        indexes = project.__dict__["_names_index"] = {}
    key = id(facts)  # the facts live as long as the project that holds this index
    hit = indexes.get(key)
    if hit is not None:
        return hit
    module = facts.module
    classes = frozenset(m.name for m in facts.models if m.kind in ("class", "table", "base") and m.qualname == f"{module}.{m.name}")
    functions: set[str] = set()
    for fn in getattr(facts, "functions", ()) or ():  # being added by per-file extraction
        functions.add(fn.qualname)
        if fn.class_name:
            functions.add(fn.class_name)
    assigned = {a.name: a for a in facts.assignments}  # the last one wins, as `reversed` found it
    hit = indexes[key] = _Index(dict(facts.imports), classes, frozenset(functions), assigned)
    return hit


def _defines(project: "Project", facts: PythonFacts, name: str, local: str) -> bool:
    index = _index(project, facts)
    return name in index.classes or local in index.functions or name in index.assigned


def _assigned_only(project: "Project", facts: PythonFacts, name: str, local: str) -> bool:
    """Bound by an assignment, not by a class or function definition."""
    index = _index(project, facts)
    return name in index.assigned and name not in index.classes and local not in index.functions


def _alias_of(project: "Project", facts: PythonFacts, name: str, local: str) -> str | None:
    """`Event = models.Event` / `Model = db.Model`: the qualified name an assignment copies,
    None when it is a definition of its own (a class, function, or any other value)."""
    index = _index(project, facts)
    if name in index.classes or local in index.functions:
        return None
    assignment = index.assigned.get(name)
    if assignment is None or not isinstance(assignment.value, Unknown):
        return None
    text = assignment.value.text.strip()
    if not _DOTTED.match(text):
        return None
    head, _, tail = text.partition(".")
    if head == name:
        return None  # `Event = Event.something`: not followable without order information
    imported = index.imports.get(head)
    if imported is not None:
        return f"{imported}.{tail}" if tail else imported
    if _defines(project, facts, head, f"{facts.module}.{head}"):
        return f"{facts.module}.{text}"
    return None
