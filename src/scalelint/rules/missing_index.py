from dataclasses import dataclass

from scalelint.diagnostics import Related
from scalelint.project.indexing import judged_table
from scalelint.project.queries import query_sites
from scalelint.rule import Rule

# conditions a btree index on the column serves; pattern searches and yes/no flags are not
# judged here (leading wildcards are SCL602's; an index on a flag rarely helps)
_SERVED_BY_AN_INDEX = ("eq", "in", "range")


@dataclass(frozen=True)
class Options:
    small_tables: tuple[str, ...] = ()  # tables (or models) small enough to scan: names as in the schema or the model


class MissingIndex(Rule):
    code = "SCL601"
    name = "missing-index"
    summary = "A request filters a table on columns no index starts with: each query reads the whole table."
    message = "A query filters on columns with no index"
    fix_title = "Add an index that starts with the filtered columns"
    Options = Options

    def check(self, project, report):
        schema = project.schema
        wanting = wanted_indexes(project, frozenset(self.options.small_tables))
        keys = _reported_keys(project)
        for (name, ordered), places in sorted(wanting.items(), key=lambda item: _first(item[1])):
            if len(ordered) == 1 and (name, ordered[0]) in keys:
                continue  # unindexed-foreign-key reports the key this index would be: one index, one finding
            places.sort(key=lambda place: (place[0].path, place[0].span.line, place[0].span.column))
            at, label, shown, count, table = places[0]
            others = places[1:]
            also = ""
            if others:
                queries = "query wants" if len(others) == 1 else "queries want"
                also = f"; {len(others)} other {queries} the same index: {', '.join(dict.fromkeys(o[1] for o in others[:3]))}{', ...' if len(others) > 3 else ''}"
            related = [Related(o[0].path, o[0].span.line, f"{o[1]} filters on {o[2]} too") for o in others[:_LISTED]]
            if table.declared:
                related.append(Related(table.declared[-1].path, table.declared[-1].span.line, f"`{table.name}` is declared here"))
            report(
                at.path,
                at.span,
                f"{label} filters on {shown} and no index starts with {'it' if count == 1 else 'them'}: "
                f"the database reads all of `{table.name}` for this query, on every request, and more as the table grows{also}",
                fix_title=schema.index_fix(table, ordered),
                related=related,
            )


_LISTED = 10  # other queries named beside a finding


def _reported_keys(project) -> set[tuple[str, str]]:
    """(table, column) of each foreign key unindexed-foreign-key (SCL605) reports, when it runs."""
    from scalelint.rules.unindexed_foreign_key import UnindexedForeignKey, unindexed_keys  # it asks this module too

    if UnindexedForeignKey.code not in project.settings.enabled_codes():
        return set()
    return {(table.name, fk.columns[0]) for hits in unindexed_keys(project).values() for table, fk, _, _ in hits}


def _first(places: list[tuple]) -> tuple:
    return min((p[0].path, p[0].span.line, p[0].span.column) for p in places)


def wanted_indexes(project, small: frozenset[str]) -> dict[tuple[str, tuple[str, ...]], list[tuple]]:
    """(table, the columns the index should lead with) -> the places that want it, each
    (condition site, handler label, columns as shown, how many are filtered, schema table):
    one finding per index to add. unindexed-foreign-key asks it too, so that a key this index
    would lead with is not reported twice. Computed once per project and options."""
    memo = project.__dict__.setdefault("_wanted_indexes", {})  # per project, as queries._analysed keeps its analysis
    if small not in memo:
        memo[small] = _wanted(project, small)
    return {key: list(places) for key, places in memo[small].items()}


def _wanted(project, small: frozenset[str]) -> dict[tuple[str, tuple[str, ...]], list[tuple]]:
    keys_indexed = project.database.dialect == "mysql"  # InnoDB indexes every foreign key column itself
    seen: set[tuple] = set()
    wanting: dict[tuple[str, tuple[str, ...]], list[tuple]] = {}
    for query, site, handler in query_sites(project):
        if handler is None or query.opaque:
            continue
        if project.query_classes.hidden(query.model):
            continue  # its query class adds conditions (a tenant's) this query does not show
        by_model: dict[str, list] = {}
        for pred in query.preds:
            by_model.setdefault(pred.model, []).append(pred)
        # a table joined to rows the query already finds through an index is read by
        # the join, row by row: its own conditions only filter what the join brings
        owner_key = _owner_key(project, query)
        reached = _found_through_an_index(project, query.model, by_model.get(query.model, ())) or _key_served(project, query.model, owner_key)
        # and the other way: rows a joined table's indexed equality finds (a user by email
        # within one organisation's memberships) lead to the query's own rows by key
        entered = any(_found_through_an_index(project, m, ps) and _points_at(project, m, query.model) for m, ps in by_model.items() if m != query.model)
        for model_name, preds in by_model.items():
            if reached and model_name != query.model:
                continue
            if entered and model_name == query.model:
                continue
            found = judged_table(project, model_name)
            if found is None:
                continue
            model, table = found
            if table.name in small or (model is not None and model.name in small):
                continue
            if not project.tables.of_schema_table(table).grows:
                continue  # a scan of a table nothing shows growing may stay a few rows
            columns = tuple(dict.fromkeys(p.column for p in preds if p.op in _SERVED_BY_AN_INDEX))
            if model_name == query.model and _key_served(project, model_name, owner_key, keys_indexed):
                continue  # `user.shelf_set.filter(identifier=...)`: the owner's key finds the rows
            if not columns or _served(table, columns, keys_indexed) or (model is not None and any(_model_key(model, c) for c in columns)):
                continue
            # columns fixed for each row the index is walked for: yes/no flags the query
            # sets, and keys to the tables it joins (the join finds the parent, then the
            # key is an equality): `(repository_id, number)` serves a build found by its
            # repository's name and its number
            fixed = {p.column for p in preds if p.op == "flag"}
            if model_name == query.model and model is not None:
                fixed |= _join_keys(project, model, set(by_model) - {model_name})
            if fixed and _served_after(table, fixed, columns):
                continue
            # equality first, then the one range column, else the ordering (a feed's
            # `author_id = ? ORDER BY created_at DESC` wants `(author_id, created_at)`)
            equal = [p.column for p in preds if p.op in ("eq", "in")]
            ranged = [p.column for p in preds if p.op == "range"]
            sort = [p.column for p in query.order if p.model == model_name] if not ranged and equal else []
            ordered = tuple(dict.fromkeys(equal + (ranged or sort)))[:3]
            # at the condition that wants the index (not a flag a helper put on the query)
            at = next((p.site for p in preds if p.column in ordered), preds[0].site)
            key = (at.path, at.span.line, at.span.column, table.name, ordered)
            if key in seen:
                continue
            seen.add(key)
            filtered = [c for c in ordered if c not in sort]
            shown = ", ".join(f"`{table.name}.{c}`" for c in filtered)
            if sort:
                shown += " ordered by " + ", ".join(f"`{c}`" for c in ordered if c in sort)
            wanting.setdefault((table.name, ordered), []).append((at, handler[0], shown, len(filtered), table))
    return wanting


def _points_at(project, child: str, parent: str) -> bool:
    """`child`'s rows hold a key to `parent`'s (a membership's `user_id`): the rows of `child`
    an index finds lead to `parent`'s by their primary key."""
    model = project.orm.models.get(child)
    return model is not None and any(rel.target == parent and rel.kind in ("fk", "o2o") for rel in model.relations.values())


def _found_through_an_index(project, model_name: str, preds) -> bool:
    """Some equality of the query on its own table is served by an index (or a key)."""
    found = judged_table(project, model_name)
    if found is None:
        return False
    model, table = found
    for p in preds:
        if p.op not in ("eq", "in"):
            continue
        if _served(table, (p.column,)) or (model is not None and _model_key(model, p.column)):
            return True
    return False


def _owner_key(project, query) -> str | None:
    """The key column a related manager's rows are found by (`user.shelf_set` reads
    `shelf.user_id = ?`), which the query's own conditions do not list."""
    rel = query.via
    if query.owner is None or rel is None or rel.kind != "reverse_fk" or not rel.opposite:
        return None
    model = project.orm.model(query.model)
    f = model.fields.get(rel.opposite) if model is not None else None
    if f is None:
        return None
    return f.column or (f"{rel.opposite}_id" if model.framework in ("django", "peewee") else rel.opposite)


def _key_served(project, model_name: str, column: str | None, keys_indexed: bool = False) -> bool:
    if column is None:
        return False
    found = judged_table(project, model_name)
    return found is not None and _served(found[1], (column,), keys_indexed)


def _model_key(model, column: str) -> bool:
    """The model's primary key or a unique field (Django's implicit `id` included), which the
    schema may not spell out."""
    for name, f in model.fields.items():
        if (f.column or name) == column and (f.primary_key or f.unique):
            return True
    explicit = any(f.primary_key for f in model.fields.values())
    return column == "id" and not explicit


def _join_keys(project, model, joined: set[str]) -> set[str]:
    """The key columns of `model` that point at one of the `joined` models."""
    out: set[str] = set()
    tables = {}
    for q in joined:
        other = project.orm.model(q)
        if other is not None:
            tables[other.qualname] = other.table
    for name, rel in model.relations.items():
        if not rel.many and rel.target in tables and rel.attname:
            out.add(rel.attname)
    for name, f in model.fields.items():
        if f.kind == "fk" and f.target and f.target.split(".", 1)[0] in tables.values():
            out.add(f.column or name)  # SQLAlchemy: `ForeignKey("repository.id")` on the column
    return out


def _served_after(table, fixed: set[str], columns: tuple[str, ...]) -> bool:
    """An index that leads with columns fixed per row (flags set, join keys), then a
    column the query filters on."""
    for ix in table.indexes:
        k = 0
        while k < len(ix.columns) and ix.columns[k] in fixed:
            k += 1
        if 0 < k < len(ix.columns) and ix.columns[k] in columns and not ix.partial:
            return True
    return False


def _served(table, columns: tuple[str, ...], keys_indexed: bool = False) -> bool:
    """Some index can answer the query: one that starts with a filtered column (a partial
    one too: whether the query implies its predicate is not judged yet, so it counts), or a
    filtered column that is the primary key or unique, or (`keys_indexed`: MySQL) leads a
    foreign key."""
    for column in columns:
        if keys_indexed and any(fk.columns[:1] == (column,) for fk in table.foreign_keys):
            return True
        if table.primary_key[:1] == (column,) or any(u[:1] == (column,) for u in table.unique_sets):
            return True
        if table.index_serving((column,), partial=True, methods=("btree", "hash", "gin", "gist", "brin")) is not None:
            return True
    return False
