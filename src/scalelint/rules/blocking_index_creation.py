from scalelint.diagnostics import Related
from scalelint.project.schema import is_sql_migration
from scalelint.rule import Rule


class BlockingIndexCreation(Rule):
    code = "SCL606"
    name = "blocking-index-creation"
    summary = "A migration builds an index on an existing table without CONCURRENTLY, blocking writes to it (PostgreSQL)."
    message = "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds"
    fix_title = "Build the index with `CREATE INDEX CONCURRENTLY`, outside a transaction"

    def check(self, project, report):
        schema = project.schema
        database = project.database
        tables = project.tables
        if database.dialect != "postgres":
            return  # MySQL/MariaDB build indexes online; SQLite serves one writer anyway
        found: dict = {}
        for event in schema.index_creations:
            migration = event.migration
            if event.index.concurrently or event.new_table or not event.existed:
                continue
            if migration.style == "sql" and not is_sql_migration(migration.path):
                continue  # a schema file builds a fresh database: its tables are empty
            if not project.unapplied.verdict(migration).judged:
                continue  # production applied it already, or applies it while nothing serves
            table = schema.table(event.table)
            size = tables.of_schema_table(table) if table is not None else tables.size(event.table)
            if not size.grows:
                continue  # the build is over in a blink on a table that stays small
            found.setdefault((migration.path, event.op.span), []).append((event, size))  # a loop or a helper: one place, several tables
        for (path, span), hits in found.items():
            event, size = hits[0]
            names = list(dict.fromkeys(e.table for e, _ in hits))
            name = f" `{event.index.name}`" if event.index.name and len(names) == 1 else ""
            on = f"the existing table `{names[0]}`" if len(names) == 1 else "the existing tables " + ", ".join(f"`{t}`" for t in names)
            related = [Related(e.created_by.path, e.created_by.span.line, f"`{e.table}` is created by an earlier migration here") for e, _ in hits if e.created_by][:3]
            if size.site is not None:
                related.append(Related(size.site.path, size.site.span.line, size.describe(event.table)))
            related += database.related(1)
            style = event.migration.style
            report(
                path,
                span,
                f"`{event.op.via if style != 'sql' else 'CREATE INDEX'}` builds index{name} on {on} without CONCURRENTLY: "
                "PostgreSQL blocks every INSERT, UPDATE and DELETE on it until the whole table is read and the index "
                f"written (minutes on a large table), so writes queue up during the deploy; {size.describe(event.table)} "
                f"(database: {database.describe()})",
                fix_title=_FIXES.get(event.op.via, _FIXES["sql"]) if style != "django" else _django_fix(event.op.via),
                related=related,
            )


def _django_fix(via: str) -> str:
    if via in ("RunSQL", "execute"):
        return "Write `CREATE INDEX CONCURRENTLY` in the RunSQL and set `atomic = False` on the migration"
    return "Use `AddIndexConcurrently` (from django.contrib.postgres.operations) and set `atomic = False` on the migration"


_ALEMBIC = (
    "Build it concurrently, outside the migration's transaction: "
    "`with op.get_context().autocommit_block(): op.create_index(..., postgresql_concurrently=True)`"
)
_FIXES = {
    "op.create_index": _ALEMBIC,
    "batch_op.create_index": _ALEMBIC,
    "op.execute": "Write `CREATE INDEX CONCURRENTLY` and run it inside `with op.get_context().autocommit_block():`",
    "execute": "Write `CREATE INDEX CONCURRENTLY` and run it outside the migration's transaction (`op.get_context().autocommit_block()`)",
    "sql": "Write `CREATE INDEX CONCURRENTLY` (it cannot run inside a transaction block: run the statement on its own)",
}
