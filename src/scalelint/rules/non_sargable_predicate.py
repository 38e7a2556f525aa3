import re

from scalelint.diagnostics import Related
from scalelint.project.listing import reference_table
from scalelint.project.queries import query_sites
from scalelint.rule import Rule

# what each condition does to the column, as SQL shows it (PostgreSQL)
_WRAPPED = {
    "iexact": "UPPER({c})",  # Django compares UPPER(column) = UPPER(value)
    "date": "{c}::date",
    "month": "EXTRACT(month FROM {c})",
    "day": "EXTRACT(day FROM {c})",
}


class NonSargablePredicate(Rule):
    code = "SCL603"
    name = "non-sargable-predicate"
    summary = "A request compares an indexed column wrapped in a function or cast (`lower(email) = ...`, `created_at::date = ...`): the index cannot serve it."
    message = "A function on an indexed column keeps its index from being used"
    fix_title = "Add an expression index that matches, or compare the bare column (a range instead of a date cast)"

    def check(self, project, report):
        schema = project.schema
        orm = project.orm
        seen: set[tuple] = set()
        for query, _site, handler in query_sites(project):
            if handler is None:
                continue
            for pred in query.preds:
                wrapped = _wrapped(pred.op, pred.column)
                if wrapped is None:
                    continue
                model = orm.models.get(pred.model)
                table = schema.table(model.table) if model is not None and model.table else None
                if table is None or table.opaque or reference_table(model.name):  # type: ignore[union-attr]
                    continue
                index = table.index_serving((pred.column,), partial=True)
                if index is None or _expression_index(table, pred.column):
                    continue  # nothing to lose (missing-index's business), or an index on the expression exists
                key = (pred.site.path, pred.site.span.line, pred.site.span.column, table.name, pred.column)
                if key in seen:
                    continue
                seen.add(key)
                report(
                    pred.site.path,
                    pred.site.span,
                    f"{handler[0]} compares `{wrapped}` of `{table.name}`: the index on `{pred.column}` sorts the bare values, "
                    f"so it cannot serve this condition and the database reads the whole table",
                    fix_title=_fix(pred.op, table.name, pred.column),
                    related=[Related(index.declared.path, index.declared.span.line, f"the index on `{pred.column}` is declared here")],
                )


def _wrapped(op: str, column: str) -> str | None:
    if op.startswith("func:"):
        return f"{op[5:]}({column})"
    template = _WRAPPED.get(op)
    return template.format(c=column) if template else None


def _expression_index(table, column: str) -> bool:
    """An index on an expression of the column (`lower(email)`, `(created_at::date)`)."""
    word = re.compile(rf"\b{re.escape(column)}\b")
    return any(ix.expressions and ix.columns and word.search(ix.columns[0]) for ix in table.indexes)


def _fix(op: str, table: str, column: str) -> str:
    if op in ("date", "month", "day") or op in ("func:date", "func:date_trunc", "func:extract"):
        return (
            f"Compare the bare column with a range: `{column} >= day AND {column} < day + 1 day` "
            f"(Django: `{column}__gte=day, {column}__lt=day + timedelta(days=1)`), or add an expression index on `({column}::date)`"
        )
    function = "upper" if op == "iexact" else op[5:] if op.startswith("func:") else "lower"
    return (
        f"Add an expression index: `CREATE INDEX CONCURRENTLY {table}_{function}_{column} ON {table} ({function}({column}));` "
        f"(Django: `models.Index({function.capitalize()}(\"{column}\"), name=...)`), or store the value normalised and compare it as it is"
    )
