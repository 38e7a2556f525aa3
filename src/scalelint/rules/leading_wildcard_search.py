import re

from scalelint.diagnostics import Related
from scalelint.project.indexing import request_conditions
from scalelint.rule import Rule


def _text_search_index(table, column: str) -> bool:
    """A GIN or GiST index on the column: `(title gin_trgm_ops)`, `(to_tsvector('english', body))`."""
    word = re.compile(rf"\b{re.escape(column)}\b")
    return any(ix.method in ("gin", "gist") and ix.columns and word.search(ix.columns[0]) for ix in table.indexes)


def _unserved_search(pred, table) -> bool:
    """A search that can match anywhere, and no trigram or full-text index to serve it."""
    return pred.leading_wildcard and not _text_search_index(table, pred.column)


class LeadingWildcardSearch(Rule):
    code = "SCL602"
    name = "leading-wildcard-search"
    summary = "A request searches a table with a pattern that starts with a wildcard (`LIKE '%term%'`, `icontains`): no btree index can serve it."
    message = "A search with a leading wildcard reads the whole table"
    fix_title = "Add a trigram index (pg_trgm GIN) on the column, or use full-text search"

    def check(self, project, report):
        for pred, table, handler in request_conditions(project, _unserved_search):
            how = f"`{pred.pattern}`" if pred.pattern else {"icontains": "`icontains`", "contains": "`contains`", "suffix": "`endswith`", "isuffix": "`iendswith`"}.get(pred.op, "a pattern that starts with `%`")
            report(
                pred.site.path,
                pred.site.span,
                f"{handler[0]} searches `{table.name}.{pred.column}` with {how}, which can match anywhere in the value: "
                f"no btree index can serve it, so every search reads the whole table",
                fix_title=(
                    f"Index it for substring search: `CREATE EXTENSION pg_trgm;` then "
                    f"`CREATE INDEX CONCURRENTLY {table.name}_{pred.column}_trgm ON {table.name} USING gin ({pred.column} gin_trgm_ops);` "
                    f"(Django: `GinIndex(fields=[\"{pred.column}\"], opclasses=[\"gin_trgm_ops\"], name=...)`), or move the search to full-text search"
                ),
                related=[Related(table.declared[-1].path, table.declared[-1].span.line, f"`{table.name}` is declared here")] if table.declared else [],
            )
