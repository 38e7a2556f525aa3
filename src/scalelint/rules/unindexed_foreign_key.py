from scalelint.diagnostics import Related
from scalelint.project.key_usage import KeyUsage
from scalelint.rule import Rule
from scalelint.rules.missing_index import MissingIndex, wanted_indexes


class UnindexedForeignKey(Rule):
    code = "SCL605"
    name = "unindexed-foreign-key"
    summary = "A foreign key column with no index whose leading column it is (PostgreSQL does not create one)."
    message = "A foreign key column has no index"
    fix_title = "Index the foreign key column"

    def check(self, project, report):
        schema = project.schema
        database = project.database
        led = _led_by_wanted_indexes(project)
        for (path, span, columns), hits in unindexed_keys(project).items():
            # a query missing-index reports wants an index that starts with this key and goes on
            # (`(author_id, created_at)` for a feed): that index serves the key too
            hits = [h for h in hits if (h[0].name, h[1].columns[0]) not in led]
            if not hits:
                continue
            table, fk, size, _ = hits[0]
            related = self._related(schema, fk) + self._growth(table, size) + database.related(1)
            report(path, span, self._message(database, hits), fix_title=self._fix(schema, hits), related=related)

    @staticmethod
    def _growth(table, size) -> list:
        return [Related(size.site.path, size.site.span.line, size.describe(table.name))] if size.site is not None else []

    @staticmethod
    def _message(database, hits) -> str:
        table, fk, size, use = hits[0]
        column = ", ".join(fk.columns)
        ref = fk.ref_table or "the referenced table"
        where = f"`{table.name}.{column}`"
        if len(hits) > 1:
            names = ", ".join(f"`{t.name}`" for t, *_ in hits[:4]) + (", ..." if len(hits) > 4 else "")
            where = f"`{column}` (on {len(hits)} tables: {names})"
        django = " (it is declared with `db_index=False`)" if fk.declared.style == "django" else ""
        return (
            f"foreign key {where} -> `{ref}` has no index that leads with it{django}: {database.name} does not create one, "
            f"and {use}, so each such lookup (and each delete or key change of a `{ref}` row) scans the whole of "
            f"`{table.name}`; {size.describe(table.name)} (database: {database.describe()})"
        )

    @staticmethod
    def _fix(schema, hits) -> str:
        table, fk, *_ = hits[0]
        fix = schema.index_fix(table, fk.columns[:1], fk.declared.style)
        if fk.declared.style == "django":
            column = table.columns.get(fk.columns[0])
            field = (column.field if column is not None else None) or fk.columns[0]
            return f"Drop `db_index=False` from `{field}` (Django then indexes it), or: {fix[0].lower()}{fix[1:]}"
        return fix

    @staticmethod
    def _related(schema, fk) -> list:
        out = [Related(o.path, o.span.line, "the foreign key is also declared here") for o in fk.origins if o != fk.declared][:3]
        ref = schema.table(fk.ref_table) if fk.ref_table else None
        if ref is not None and ref.declared:
            out.append(Related(ref.declared[0].path, ref.declared[0].span.line, f"`{ref.name}` is declared here"))
        return out


_ANY_METHOD = ("btree", "hash", "gin", "gist", "brin", "spgist", "bloom")


def _led_by_wanted_indexes(project) -> set[tuple[str, str]]:
    """(table, first column) of each index of several columns missing-index (SCL601) asks for,
    when it runs."""
    if MissingIndex.code not in project.settings.enabled_codes():
        return set()
    small = frozenset(project.settings.options_for(MissingIndex).small_tables)
    return {(table, columns[0]) for table, columns in wanted_indexes(project, small) if len(columns) > 1}


def unindexed_keys(project) -> dict[tuple, list[tuple]]:
    """(declaration path, span, columns) -> [(table, key, size, how it is used)] for each
    foreign key this rule reports; missing-index asks it too, so that a query that wants the
    index such a key lacks is not a second finding. Computed once per project."""
    found = project.__dict__.get("_unindexed_keys")  # per project, as queries._analysed keeps its analysis
    if found is None:
        found = project.__dict__["_unindexed_keys"] = _unindexed_keys(project)
    return found


def _unindexed_keys(project) -> dict[tuple, list[tuple]]:
    found: dict = {}
    if project.database.dialect == "mysql":
        return found  # InnoDB indexes every foreign key column itself
    tables = project.tables
    usage = KeyUsage(project)
    for table in project.schema.tables.values():
        if table.opaque:
            continue  # something we cannot read changes its indexes
        unindexed = [fk for fk in table.foreign_keys if fk.columns and not table.index_serving(fk.columns[:1], partial=True, methods=_ANY_METHOD)]
        if not unindexed:
            continue
        size = tables.of_schema_table(table)
        if not size.grows:
            continue  # scanning a table that stays small (or may) costs nothing worth an index
        for fk in unindexed:
            use = usage.how_used(table, fk)
            if use is None:
                continue  # nothing reads the children by this key: the index would serve nobody
            found.setdefault((fk.declared.path, fk.declared.span, fk.columns), []).append((table, fk, size, use))
    return found

