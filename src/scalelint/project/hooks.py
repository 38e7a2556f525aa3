"""Methods a framework runs on a project object: when the code calls a framework method of it,
or builds it. The call graph adds them as edges (kind "hook"), so what they do is on the path
of whatever validates the form or renders the serializer.

- WTForms / Flask-WTF: `form.validate()` / `form.validate_on_submit()` run the project's
  `validate` override and `validate_<field>` of each declared field;
- Django forms: `form.is_valid()` / `form.full_clean()` run `clean_<field>`, `clean`, `_post_clean`;
- DRF serializers: `serializer.is_valid()` runs `validate_<field>`, `validate`, `to_internal_value`;
  a serializer built inline (`EventSerializer(page, many=True)`) runs its hooks, and those of the
  serializers nested in it as fields (`organizer = UserSerializer()`);
- pluggy: `pm.hook.NAME(...)` on a `PluginManager` runs every hook implementation named NAME;
- for the roots of the request path (`CallGraph.roots`): what a Django form view runs on its
  `form_class`, and the permission classes a DRF view lists.

Framework bases are read along the project MRO, so a project base form is followed too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.facts import SCall, SSeq
from scalelint.frameworks import django as dj
from scalelint.frameworks import drf, pluggy, wtforms
from scalelint.project.names import follow
from scalelint.project.types import dotted

if TYPE_CHECKING:
    from scalelint.project.callgraph import CallGraph

__all__ = ["Hooks"]

_NESTED_DEPTH = 3  # serializers nested in serializers followed


class Hooks:
    def __init__(self, graph: "CallGraph"):
        self.g = graph
        self._bases: dict[str, frozenset[str]] = {}
        self._impls: dict[str, list[str]] | None = None

    def framework_bases(self, cls: str) -> frozenset[str]:
        """The non-project bases of `cls` and its project ancestors, canonical."""
        hit = self._bases.get(cls)
        if hit is None:
            found = set()
            for c in self.g.mro(cls):
                for b in self.g.bases_of(c):
                    if self.g.project_class(b) is None:
                        found.add(follow(self.g.project, b).qual)
            hit = self._bases[cls] = frozenset(found)
        return hit

    def on_call(self, cls: str, method: str) -> list[str]:
        """Project methods the framework runs when `method` (not a project method) is called
        on an instance of `cls`."""
        bases = self.framework_bases(cls)
        if not bases:
            return []
        if method in wtforms.VALIDATE_METHODS and bases & wtforms.FORM_BASES:
            fields = self.g.types.bindings.declared(cls)
            own = [self.g.lookup(cls, wtforms.OWN_VALIDATE)] if method != wtforms.OWN_VALIDATE else []
            named = [q for name, q in self._methods(cls, wtforms.FIELD_VALIDATOR_PREFIX) if name[len(wtforms.FIELD_VALIDATOR_PREFIX) :] in fields]
            return [q for q in (*own, *named) if q is not None]
        if method in dj.FORM_VALIDATE_METHODS and bases & dj.FORM_BASES:
            own = [self.g.lookup(cls, name) for name in dj.FORM_CLEAN_METHODS]
            return [q for q in (*own, *(q for _, q in self._methods(cls, dj.FORM_CLEAN_PREFIX))) if q is not None]
        if method == "is_valid" and bases & drf.SERIALIZER_BASES:
            own = [self.g.lookup(cls, name) for name in ("validate", "to_internal_value")]
            return [q for q in (*own, *(q for _, q in self._methods(cls, drf.SERIALIZER_FIELD_VALIDATOR_PREFIX))) if q is not None]
        return []

    def on_build(self, cls: str) -> list[tuple[str, str]]:
        """(method, class it runs with) the framework runs on an object of `cls` built inline:
        a DRF serializer's hooks, nested serializers' included."""
        if not self.framework_bases(cls) & drf.SERIALIZER_BASES:
            return []
        return self.serializer_hooks(cls)

    def serializer_hooks(self, cls: str, depth: int = 0, seen: set[str] | None = None) -> list[tuple[str, str]]:
        """The hooks DRF runs for the serializer `cls`, and for the serializers nested in it."""
        seen = seen if seen is not None else set()
        if cls in seen or depth > _NESTED_DEPTH:
            return []
        seen.add(cls)
        names = set(drf.SERIALIZER_HOOKS)
        names.update(n for n, _ in self._methods(cls, drf.SERIALIZER_FIELD_VALIDATOR_PREFIX))
        out = [(q, cls) for q in (self.g.lookup(cls, n) for n in sorted(names)) if q is not None]
        for nested in self.g.types.bindings.built_members(cls):
            if self.framework_bases(nested) & drf.SERIALIZER_BASES:
                out.extend(self.serializer_hooks(nested, depth + 1, seen))
        return out

    def form_hooks(self, cls: str) -> list[str]:
        """What a class-based view runs on its `form_class`: it builds the form, then validates it."""
        init = self.g.lookup(cls, "__init__")
        return [*([init] if init is not None else []), *(self.on_call(cls, "is_valid") or self.on_call(cls, "validate"))]

    def permissions(self, view: str) -> list[str]:
        """The project classes a DRF view's `permission_classes` (on it or a project base) names."""
        for c in self.g.mro(view):
            facts = self.g.class_facts.get(c)
            value = dict(facts.attributes).get(drf.PERMISSION_CLASSES_ATTRIBUTE) if facts is not None else None
            if value is None:
                continue
            items = value.elts if type(value) is SSeq else ()  # type: ignore[union-attr]
            named = (dotted(i.func if type(i) is SCall else i) for i in items)  # type: ignore[union-attr]
            return [cls for cls in (self.g.project_class(q) for q in named if q is not None) if cls is not None]
        return []

    def plugin_hooks(self, name: str) -> list[str]:
        """Every pluggy hook implementation named `name`."""
        if self._impls is None:
            table: dict[str, list[str]] = {}
            for q, (path, fn) in self.g.functions.items():
                module = self.g.project.files[path].python.module  # type: ignore[union-attr]
                for d in fn.decorators:
                    marker = d.split("(", 1)[0]
                    # `impl = HookimplMarker(...)` in the same module: the facts write `@impl` as is
                    value = self.g.module_value(marker) or (self.g.module_value(f"{module}.{marker}") if "." not in marker else None)
                    if value is not None and follow(self.g.project, value.callee).qual in pluggy.HOOKIMPL_MARKERS:
                        table.setdefault(fn.name, []).append(q)
                        break
            self._impls = table
        return self._impls.get(name, [])

    def is_plugin_manager(self, cls: str) -> bool:
        return bool(self.framework_bases(cls) & pluggy.PLUGIN_MANAGERS)

    def _methods(self, cls: str, prefix: str) -> list[tuple[str, str]]:
        """(name, qualname) of the methods along the MRO whose name starts with `prefix`."""
        found: dict[str, str] = {}
        for c in self.g.mro(cls):
            for name, q in self.g.methods.get(c, {}).items():
                if name.startswith(prefix) and len(name) > len(prefix):
                    found.setdefault(name, q)
        return sorted(found.items())

