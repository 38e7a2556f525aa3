import re

from scalelint.diagnostics import Related
from scalelint.project.indexing import request_conditions
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
        for pred, table, handler in request_conditions(project, _loses_its_index):
            wrapped = _wrapped(pred.op, pred.column)
            index = table.index_serving((pred.column,), partial=True)
            report(
                pred.site.path,
                pred.site.span,
                f"{handler[0]} compares `{wrapped}` of `{table.name}`: the index on `{pred.column}` sorts the bare values, "
                f"so it cannot serve this condition and the database reads the whole table",
                fix_title=_fix(pred.op, table.name, pred.column),
                related=[Related(index.declared.path, index.declared.span.line, f"the index on `{pred.column}` is declared here")],
            )


def _loses_its_index(pred, table) -> bool:
    """The column is wrapped, it has an index (without one there is nothing to lose: that is
    missing-index's business), and no index on the expression serves it instead."""
    if _wrapped(pred.op, pred.column) is None:
        return False
    return table.index_serving((pred.column,), partial=True) is not None and not _expression_index(table, pred.column)


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
