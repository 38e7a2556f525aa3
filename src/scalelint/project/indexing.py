"""The conditions requests put on tables whose schema the repository shows: what the index
rules (SCL601-SCL603) judge. A table the repository does not define, one changed by something
unreadable (`opaque`), or a reference table that stays small is not judged, nor a condition the
same query's indexed equality narrows to a few rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from scalelint.project.cardinality import REFERENCE
from scalelint.project.listing import reference_table
from scalelint.project.queries import query_sites
from scalelint.project.values import TABLE_PREFIX

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["judged_table", "narrowed", "request_conditions"]


def judged_table(project: "Project", model_name: str):
    """(model, schema table) of a model whose table an index rule may judge, else None; the
    model is None for a table raw SQL reads that no model maps (`table:<name>`)."""
    if model_name.startswith(TABLE_PREFIX):
        model, name = None, model_name[len(TABLE_PREFIX) :]
    else:
        model = project.orm.models.get(model_name)
        name = model.table if model is not None else None
    if not name or reference_table(model.name if model is not None else name):
        return None
    if project.tables.size(model.qualname if model is not None else name).kind == REFERENCE:
        return None  # scanning a table that stays small costs nothing
    table = project.schema.table(name)
    if table is None or table.opaque:
        return None
    return model, table


def request_conditions(project: "Project", wanted: Callable[[object, object], bool]) -> Iterator[tuple]:
    """(condition, its table, the handler) for each condition a request handler's query puts
    on a judged table that `wanted(condition, table)` accepts, once per place and column."""
    seen: set[tuple] = set()
    for query, _site, handler in query_sites(project):
        if handler is None:
            continue
        for pred in query.preds:
            found = judged_table(project, pred.model)
            if found is None:
                continue
            table = found[1]
            if not wanted(pred, table) or _narrowed(query, pred, table):
                continue
            key = (pred.site.path, pred.site.span.line, pred.site.span.column, table.name, pred.column)
            if key in seen:
                continue
            seen.add(key)
            yield pred, table, handler


def _narrowed(query, pred, table) -> bool:
    """Another equality of the same query on the same table has an index (a search within one
    product's components: `filter(product=p, name__icontains=q)`): the database finds those
    rows by it and tests the condition on them only."""
    return narrowed(table, pred.column, (o.column for o in query.preds if o.model == pred.model and o.op == "eq"))


def narrowed(table, column: str, equal: Iterable[str]) -> bool:
    """An index leads with another column of `table` the same query fixes by equality
    (`equal`): it finds the rows, and `column`'s condition only filters them."""
    return any(other != column and table.index_serving((other,)) for other in equal)
