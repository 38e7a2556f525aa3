"""Models whose every query carries conditions the code at the call does not show.

Flask-SQLAlchemy builds `Model.query` from the model's `query_class`; a project may set it on
the model or on a mixin to a Query subclass that adds the tenant's condition to every query
(`__iter__` returns `self.filter(repository_id.in_(tenant.ids))`), or that hides soft-deleted
rows. A rule reading the conditions at the call (which index serves them) then sees only part
of them: `Build.query.filter(Build.number == n)` runs as `repository_id IN (...) AND number = n`,
which the unique `(repository_id, number)` serves. Such a model's queries are not judged by
what their conditions miss.

    project.query_classes.hidden(model_qualname)  # "zeus.db.mixins.TenantQuery", or None
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.facts import SName
from scalelint.frameworks import sqlalchemy as sa

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["QueryClasses"]


class QueryClasses:
    def __init__(self, project: "Project"):
        self.project = project
        self._memo: dict[str, str | None] = {}

    def hidden(self, model: str) -> str | None:
        """The project Query class of `model` (set on it or a base) that overrides how its
        queries run, or None."""
        if model not in self._memo:
            self._memo[model] = self._find(model)
        return self._memo[model]

    def _find(self, model: str) -> str | None:
        graph = self.project.callgraph
        classes = graph.class_facts
        for cls in graph.mro(model):
            facts = classes.get(cls)
            if facts is None:
                continue
            value = next((v for name, v in facts.attributes if name in sa.MODEL_ATTRIBUTES), None)
            if value is None:
                continue
            query = graph.project_class(value.qual) if type(value) is SName else None
            if query is None:
                return None  # a library's query class (or one we cannot name): the first one set wins
            overrides = any(graph.lookup(query, name) is not None for name in sa.QUERY_OVERRIDES)
            return query if overrides else None
        return None
