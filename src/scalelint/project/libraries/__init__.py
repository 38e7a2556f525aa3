"""Data-access libraries: what each library's calls and attributes do to a value.

The evaluator core (`project.evaluator`) knows Python: names, calls, loops, indexing, the
project's own functions. What `Event.objects.filter(...)`, `session.scalars(select(Trip))` or
`cursor.execute(sql)` mean (is it a query, does it run, what rows does it give, what does it
load with them, what does it cost, how is it fixed) is asked of the library that owns the value:
one module per library in this package, each exposing `LIBRARY`, an instance of a `Library`
subclass. A value is owned by the library whose `frameworks` name its framework (`Query`,
models and their instances) or whose `values` list its class (a session, a cursor). Names from
outside the project (`sqlalchemy.select`, `db.session`) are offered to every library in turn.

A new library is one new module here: it is found by walking the package.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from scalelint.project.values import Bound, ModelAttr, ModelRef, Obj, Query

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame
    from scalelint.project.values import Site

__all__ = ["Library", "PASS", "libraries", "of_framework", "owner"]


class _Pass:
    __slots__ = ()

    def __repr__(self) -> str:
        return "PASS"


PASS = _Pass()  # "not mine": the next library, or the core's default, answers


class Library:
    """What one data-access library does to values. Every hook may answer PASS."""

    name = ""
    frameworks: frozenset[str] = frozenset()  # `Query.framework` / `OrmModel.framework` values it owns
    values: tuple[type, ...] = ()  # value classes of its own (a session, a cursor, a loader option)

    # --- evaluation --------------------------------------------------------------------

    def model_attr(self, frame: "Frame", model, name: str, sym) -> object:
        """`Event.objects`, `Trip.query`, `Trip.company` (the model class's attribute)."""
        return PASS

    def instance_attr(self, frame: "Frame", obj: Obj, model, name: str, sym) -> object:
        """`event.organizer` on one instance: a relation (loaded or not), a write method."""
        return PASS

    def attr(self, frame: "Frame", value: object, name: str, site: "Site") -> object:
        """An attribute of one of its values; by default a method waiting for its call."""
        return Bound(value, name, site)

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: "Site", per_row: Query | None) -> object:
        """A call of `bound` (a method of one of its values). `per_row`: the rows of the loop
        the call runs once per row of (None: not in such a loop)."""
        return PASS

    def iterate(self, frame: "Frame", value: object, sym, span) -> object:
        """What iterating one of its values (`for row in cursor:`, `sym` at `span`) yields rows
        of: a `Query`."""
        return PASS

    def binop(self, frame: "Frame", ops: tuple[str, ...], left: object, right: object) -> object:
        """`left <op> right` where `left` is one of its values (`path / "name"`)."""
        return PASS

    def call(self, frame: "Frame", value: object, sym) -> object:
        """One of its values called (`joinedload(...)` chained)."""
        return PASS

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: "Site") -> object:
        """A call of a name from outside the project (`sqlalchemy.select(Trip)`)."""
        return PASS

    def external_attr(self, frame: "Frame", qual: str, name: str, site: "Site") -> object:
        """An attribute of a name from outside the project (`db.session`)."""
        return PASS

    def unknown_attr(self, frame: "Frame", sym, name: str, site: "Site") -> object:
        """An attribute of a value nothing knows, named like one of its own (`db.query`)."""
        return PASS

    def unknown_call(self, frame: "Frame", sym) -> object:
        """A call of a value nothing knows, named like one of its own (`SessionLocal()`)."""
        return PASS

    def back_reference(self, orm, via) -> str | None:
        """The relation back to the owner that rows read through the relation `via` already hold."""
        return None

    def every_row(self, model) -> Query | None:
        """A query of every row of `model`, as a list view that names only its model runs it."""
        return None

    # --- reporting ---------------------------------------------------------------------

    def relation_label(self, rel) -> str:
        """How a message names the relation (`a ForeignKey`)."""
        return f"a {rel.kind} relation"

    def eager_fix(self, orm, rows: Query, obj: Obj, rel, path: str, where: str) -> str:
        """The fix for a lazy relation read on each row of `rows` (`where`: where that query is)."""
        return f"Load `{rel.name}` with the rows{where}"

    def eager_edit(self, frame: "Frame", rows: Query, obj: Obj, rel, path: str) -> tuple:
        """That fix as text edits (diagnostics.Edit), when it can be written safely."""
        return ()

    def keyset_fix(self, model_name: str) -> str:
        """The fix for an offset page (SCL604), in the `Model.column` style of query builders."""
        return f"Page with a keyset instead: `.where({model_name}.id > last_id).order_by({model_name}.id).limit(page_size)`"


_FOUND: tuple[Library, ...] | None = None
_BY_FRAMEWORK: dict[str, Library] = {}
_BY_TYPE: dict[type, Library] = {}


def libraries() -> tuple[Library, ...]:
    """Every library module's `LIBRARY`, in module-name order."""
    global _FOUND
    if _FOUND is None:
        found = []
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            library = getattr(module, "LIBRARY", None)
            if isinstance(library, Library):
                found.append(library)
                for fw in library.frameworks:
                    _BY_FRAMEWORK.setdefault(fw, library)
                for cls in library.values:
                    _BY_TYPE.setdefault(cls, library)
        _FOUND = tuple(found)
    return _FOUND


def of_framework(framework: str | None) -> Library | None:
    libraries()
    return _BY_FRAMEWORK.get(framework or "")


def every_row(orm, model_name: str | None) -> Query | None:
    """A query of every row of the model `model_name` names, in its library's terms (what a
    list view that names only its model, or Django admin's default queryset, runs)."""
    model = orm.model(model_name) if model_name else None
    lib = of_framework(model.framework) if model is not None else None
    return lib.every_row(model) if lib is not None else None


def owner(value: object, orm) -> Library | None:
    """The library that says what `value` does: by its class, or by its framework."""
    libraries()
    t = type(value)
    if t is Query:
        return _BY_FRAMEWORK.get(value.framework)  # type: ignore[union-attr]
    if t is Obj or t is ModelRef:
        model = orm.models.get(value.model)  # type: ignore[union-attr]
        return _BY_FRAMEWORK.get(model.framework) if model is not None else None
    if t is ModelAttr:  # `Fleet.instances.and_(...)`: what a mapped attribute's methods give
        model = orm.models.get(value.model)  # type: ignore[union-attr]
        return _BY_FRAMEWORK.get(model.framework) if model is not None and model.framework in ("sqlalchemy", "sqlmodel") else None
    return _BY_TYPE.get(t)
