"""One database schema per repository, merged from every place that declares it.

Sources, in the order they are applied:
1. `.sql` files (schema dumps, SQL migrations), in natural path order;
2. Alembic revisions, in `down_revision` order;
3. Django migrations, in `dependencies` order (squashed ones only where the migrations they
   replace are absent), each app's label taken from the dependencies that name its directory;
4. the ORM models as they are now: Django models (a ForeignKey's own index, `db_index`,
   `unique`, `Meta.indexes`, `unique_together`, constraints), SQLAlchemy / SQLModel classes
   and Core `Table(...)`s (`index=True`, `unique=True`, `Index(...)`, `__table_args__`).
Migrations replay their operations (create, add, drop, rename); models add what they declare.
Indexes are the union of what every source says, so an index the models and the migrations
disagree about counts as present: the rules built on this prefer silence to a guess.

A table that some operation names but nothing creates or maps is *unknown*: `table()` does not
return it and rules say nothing about it. A table changed by something we cannot read (an
unreadable statement, a helper whose name speaks of indexes or keys, a model whose base lies
outside the repository) is `opaque`: present, but rules must not conclude that an index is
missing on it.

    schema = project.schema
    posts = schema.table("posts")
    posts.index_serving(("author_id",))   # an Index whose leading column is author_id, or None
    for fk in posts.foreign_keys: fk.columns, fk.ref_table, fk.declared.path, fk.declared.span
    schema.index_style                    # "alembic" | "django" | "sqlalchemy" | "sql" | None
"""

from __future__ import annotations

import heapq
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from scalelint.facts import ColumnDDL, FieldDef, ForeignKeyDDL, IndexDDL, IndexDef, MigrationFacts, ModelDef, SchemaOp, Span
from scalelint.frameworks import django as dj

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.orm import OrmModel

__all__ = ["Schema", "Table", "Column", "Index", "ForeignKey", "Origin", "Migration", "IndexCreation", "build_schema"]

STYLES = ("sql", "alembic", "django", "sqlalchemy", "drizzle")
# where code does not describe the production database: its tables are not the schema's
_IGNORED_DIRS = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "samples", "sample", "demo", "demos", "benchmarks", "fixtures", "node_modules", "site-packages"}
)
# a `.sql` file is a migration (rather than a schema dump) when its path says so
_SQL_MIGRATION_DIRS = re.compile(r"migrat|^versions$|^upgrades?$|^patches$|^changes(ets)?$|^deltas$|^evolutions$|^changelogs?$", re.IGNORECASE)
_SQL_MIGRATION_NAME = re.compile(r"^(?:v\d+[._]|\d{3,}|\d+_)", re.IGNORECASE)
_SQL_DOWN = re.compile(r"(?:^|[._-])(?:down|rollback|revert|undo)\.sql$", re.IGNORECASE)


@dataclass(frozen=True)
class Origin:
    """Where something is declared."""

    path: str
    span: Span
    style: str  # sql | alembic | django | sqlalchemy
    migration: str | None = None  # the key of the migration that declares it (None: a model / a schema file)


@dataclass
class Column:
    name: str
    declared: Origin
    primary_key: bool = False
    unique: bool = False
    nullable: bool | None = None
    field: str | None = None  # Django field / SQLAlchemy attribute name, when it differs


@dataclass
class Index:
    columns: tuple[str, ...]  # column names; an expression's text where `expressions`
    declared: Origin
    name: str | None = None
    unique: bool = False
    primary: bool = False
    method: str = "btree"
    where: str | None = None  # partial index predicate
    expressions: bool = False
    source: str = "index"  # index | constraint | primary_key | column (`index=True`, `db_index`, a Django ForeignKey's own index)

    @property
    def partial(self) -> bool:
        return self.where is not None

    def leads_with(self, columns: tuple[str, ...]) -> bool:
        """Its first len(columns) members are `columns` (in any order: equality on each of
        them can use the index), and they are plain columns."""
        if not columns or len(columns) > len(self.columns):
            return False
        head = self.columns[: len(columns)]
        if self.expressions and any(not _plain(c) for c in head):
            return False
        return sorted(head) == sorted(columns)


@dataclass
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str | None  # None: unreadable
    ref_columns: tuple[str, ...]  # () = the referenced table's primary key
    declared: Origin  # where a user would change it: the model field if a model declares it, else the latest declaration
    name: str | None = None
    origins: list[Origin] = field(default_factory=list)  # every declaration, in merge order


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    declared: list[Origin] = field(default_factory=list)  # every creation / mapping, in merge order
    created_in: str | None = None  # the migration that created it (None: a model or a schema file defines it)
    opaque: bool = False  # changed by something we cannot read: do not conclude an index is missing
    model: str | None = None  # the ORM model mapping it
    fields: dict[str, str] = field(default_factory=dict)  # field / attribute name -> column

    @property
    def primary_key(self) -> tuple[str, ...]:
        for ix in self.indexes:
            if ix.primary:
                return ix.columns
        return ()

    @property
    def unique_sets(self) -> list[tuple[str, ...]]:
        return [ix.columns for ix in self.indexes if ix.unique and not ix.expressions and not ix.partial]

    @property
    def style(self) -> str | None:
        """How this table is declared: the style of its last declaration (a model's, if any)."""
        return self.declared[-1].style if self.declared else None

    def column(self, name: str) -> Column | None:
        return self.columns.get(name) or self.columns.get(self.fields.get(name, ""))

    def index_serving(self, columns: tuple[str, ...], *, partial: bool = False, methods: Iterable[str] = ("btree",)) -> Index | None:
        """An index that serves equality on `columns`: one whose leading members they are
        (an index on (a, b) serves `a` and `(a, b)`, not `b`). Partial indexes count only with
        `partial=True`; GIN/GiST/hash only when named in `methods`."""
        wanted = tuple(self.fields.get(c, c) if c not in self.columns else c for c in columns)
        allowed = set(methods)
        best = None
        for ix in self.indexes:
            if ix.method not in allowed or (ix.partial and not partial) or not ix.leads_with(wanted):
                continue
            if best is None or (best.partial and not ix.partial):
                best = ix
        return best


@dataclass
class Migration:
    key: str  # Alembic revision, Django "app_label.name", or the path of a `.sql` migration
    path: str
    style: str  # sql | alembic | django
    facts: MigrationFacts
    app_label: str | None = None  # Django
    order: int = 0


@dataclass
class IndexCreation:
    """An index a migration builds (CREATE INDEX, `op.create_index`, Django `AddIndex`)."""

    migration: Migration
    op: SchemaOp
    table: str
    index: IndexDDL
    new_table: bool  # the same migration created the table
    existed: bool  # the table existed before the migration ran
    created_by: Origin | None  # where the table was created, when a migration did


@dataclass
class Schema:
    dialect: str = "postgres"
    tables: dict[str, Table] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # names operations or keys use that nothing defines
    migrations: list[Migration] = field(default_factory=list)  # in the order they run
    index_creations: list[IndexCreation] = field(default_factory=list)
    styles: Counter = field(default_factory=Counter)  # index declarations per style

    def table(self, name: str) -> Table | None:
        key = _table_key(name)
        return self.tables.get(key) or self.tables.get(key.lower())

    @property
    def index_style(self) -> str | None:
        """How the repository writes its indexes: the style of most of its index declarations."""
        if not self.styles:
            return None
        return max(STYLES, key=lambda s: (self.styles.get(s, 0), -STYLES.index(s)))

    @property
    def has_alembic(self) -> bool:
        return any(m.style == "alembic" for m in self.migrations)

    def index_fix(self, table: Table, columns: tuple[str, ...], style: str | None = None) -> str:
        """The index to add on `table(columns)`, written the way this repository writes
        indexes: `style` (where the column is declared), else the table's, else the repository's."""
        style = style or table.style or self.index_style or "sql"
        column = table.columns.get(columns[0])
        attr = (column.field if column is not None else None) or columns[0]
        name = f"ix_{table.name}_{'_'.join(columns)}"
        concurrently = self.dialect == "postgres"
        if style == "sqlalchemy":
            if len(columns) > 1:
                text = f'add `Index("{name}", {", ".join(repr(c) for c in columns)})` to `__table_args__`'
            else:
                text = f"add `index=True` to the `{attr}` column"
            if self.has_alembic:
                text += " and generate its migration (`alembic revision --autogenerate`)"
            return text[0].upper() + text[1:]
        if style == "drizzle":
            members = ", ".join(f"t.{table.columns[c].field if c in table.columns and table.columns[c].field else c}" for c in columns)
            return f'Add `index("{name}").on({members})` to the table\'s extra config (`pgTable("{table.name}", {{...}}, (t) => [...])`) and generate its migration (`drizzle-kit generate`)'
        if style == "django":
            fields = ", ".join(f'"{(table.columns[c].field if c in table.columns and table.columns[c].field else c)}"' for c in columns)
            text = f"Add `models.Index(fields=[{fields}], name=\"{name[:30]}\")` to the model's `Meta.indexes` and run `makemigrations`"
            if concurrently:
                text += "; apply it with `AddIndexConcurrently` in a migration with `atomic = False`"
            return text
        cols = ", ".join(f'"{c}"' for c in columns)
        if style == "alembic":
            if concurrently:
                return (
                    "In a new migration: `with op.get_context().autocommit_block(): "
                    f'op.create_index("{name}", "{table.name}", [{cols}], postgresql_concurrently=True)`'
                )
            return f'In a new migration: `op.create_index("{name}", "{table.name}", [{cols}])`'
        how = "CREATE INDEX CONCURRENTLY" if concurrently else "CREATE INDEX"
        return f"`{how} {name} ON {table.name} ({', '.join(columns)});`"


def build_schema(project: "Project") -> Schema:
    return _Builder(project).build()


def is_schema_path(path: str) -> bool:
    """Files under tests, docs, examples... do not describe the production schema."""
    parts = path.split("/")
    name = parts[-1]
    return not (any(p in _IGNORED_DIRS for p in parts[:-1]) or name.startswith("test_") or name in ("conftest.py", "tests.py"))


def is_sql_migration(path: str) -> bool:
    parts = path.split("/")
    return any(_SQL_MIGRATION_DIRS.search(p) for p in parts[:-1]) or bool(_SQL_MIGRATION_NAME.match(parts[-1]))


def _table_key(name: str) -> str:
    name = name.strip()
    if name[:1] in "\"`[" and name[-1:] in "\"`]":
        return name[1:-1]
    return name.rsplit(".", 1)[-1].strip('"`[]')


def _plain(member: str) -> bool:
    return re.fullmatch(r"[\w$]+", member) is not None


def _natural(path: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path))


def _same_index(a: Index, columns: tuple[str, ...], unique: bool, where: str | None, primary: bool) -> bool:
    return a.columns == columns and a.unique == unique and a.where == where and a.primary == primary


# --- the models, as tables -----------------------------------------------------------------


@dataclass
class _ModelTable:
    name: str
    origin: Origin
    qualname: str | None
    columns: list[tuple[Column, str | None]]  # (column, the field it comes from)
    indexes: list[Index]
    fks: list[ForeignKey]
    opaque: bool


class _Builder:
    def __init__(self, project: "Project"):
        self.project = project
        self.schema = Schema(dialect=project.database.dialect)
        self.tables = self.schema.tables
        self.ghosts: dict[str, Table] = {}  # tables operations touch before (or without) a creation
        self.dj_tables: dict[tuple[str, str], str] = {}  # (app label, model) -> table, as migrations leave it
        self.dj_model_tables: dict[tuple[str, str], str] = {}  # the same, as the models say
        self.app_labels: dict[str, str] = {}  # Django app directory -> label
        self.created_anywhere: set[str] = set()
        self.composites: dict[str, list[tuple[str, ForeignKeyDDL]]] = {}  # model qualname / "table:<name>" -> its composite keys
        self.unmanaged: set[tuple[str, str]] = set()  # Django (label, model) the migrations create as proxy / managed=False

    def build(self) -> Schema:
        migrations = self._migrations()
        self.unmanaged = {(m.app_label or "", op.model or "") for m in migrations for op in m.facts.ops if op.op == "unmanaged"}
        models = self._model_tables()
        histories = _histories(migrations)
        created = [self._created(history) for history in histories]
        states: list[tuple[dict[str, Table], dict[str, Table]]] = []
        for i, history in enumerate(histories):
            # each history (the SQL files, one Alembic revision graph, the Django apps) is its
            # own database: a table another history creates is not "created here"
            self.tables, self.ghosts, self.created_anywhere = {}, {}, created[i]
            known = {mt.name for mt in models}.union(*(c for j, c in enumerate(created) if j != i))
            for migration in history:
                for op in migration.facts.ops:
                    try:
                        self._apply(migration, op, known)
                    except Exception:  # noqa: BLE001 - one odd operation never loses the schema
                        continue
            states.append((self.tables, self.ghosts))
        self.tables, self.ghosts = self.schema.tables, {}
        for tables, ghosts in states:
            for store, found in ((self.tables, tables), (self.ghosts, ghosts)):
                for name, t in found.items():
                    if name in store:
                        _merge(store[name], t)
                    else:
                        store[name] = t
        for name in [n for n in self.ghosts if n in self.tables]:
            _merge(self.tables[name], self.ghosts.pop(name))
        for mt in models:
            self._overlay(mt)
        self.schema.migrations = migrations
        for t in self.tables.values():
            for fk in t.foreign_keys:
                if fk.ref_table and fk.ref_table not in self.tables:
                    self.schema.unknown.add(fk.ref_table)
        self.schema.unknown.update(n for n in self.ghosts if n not in self.tables)
        return self.schema

    # --- which migrations, in which order ---------------------------------------------------

    def _migrations(self) -> list[Migration]:
        sql: list[Migration] = []
        alembic: list[Migration] = []
        django: list[Migration] = []
        for path in sorted(self.project.files):
            facts = self.project.files[path]
            if not is_schema_path(path):
                continue
            if facts.schema is not None and not _SQL_DOWN.search(path) and not _other_dialect(path, self.schema.dialect):
                sql.append(Migration(path, path, "sql", facts.schema))
            m = facts.python.migration if facts.python is not None else None
            if m is None or _other_dialect(path, self.schema.dialect):
                continue
            if m.style == "alembic":
                alembic.append(Migration(m.revision or path, path, "alembic", m))
            elif m.style == "django":
                django.append(Migration(path, path, "django", m))
        sql.sort(key=lambda m: _natural(m.path))
        self._django_labels(django)
        ordered = sql + _topological(_unique_keys(alembic)) + _topological(_unsquashed(_unique_keys(django)))
        for i, m in enumerate(ordered):
            m.order = i
        return ordered

    def _django_labels(self, migrations: list[Migration]) -> None:
        by_dir: dict[str, list[Migration]] = {}
        for m in migrations:
            by_dir.setdefault(posixpath.dirname(m.path), []).append(m)
        for directory, group in by_dir.items():
            names = {posixpath.basename(m.path)[:-3] for m in group}
            # a migration depends on an earlier one of its own app: `("wagtailcore", "0069_...")`
            # in wagtail/migrations/0070_... says the app's label is "wagtailcore"
            votes = Counter(
                label
                for m in group
                for label, _, name in (p.partition(".") for p in m.facts.parents)
                if name in names and _natural(name) < _natural(posixpath.basename(m.path)[:-3])
            )
            app_dir = posixpath.dirname(directory)
            label = posixpath.basename(app_dir)
            if votes and votes[label] < max(votes.values()):  # a tie with another app's `0001_initial` keeps the directory's name
                label = votes.most_common(1)[0][0]
            self.app_labels[app_dir] = label
            for m in group:
                m.app_label = label
                m.key = f"{label}.{posixpath.basename(m.path)[:-3]}"

    def _created(self, migrations: list[Migration]) -> set[str]:
        """The tables some migration of `migrations` creates."""
        out = set()
        for m in migrations:
            for op in m.facts.ops:
                if op.op == "create_table":
                    name = self._name(m, op)
                    if name:
                        out.add(name)
        return out

    # --- replaying a migration ------------------------------------------------------------

    def _name(self, m: Migration, op: SchemaOp) -> str | None:
        """The table an operation is on: as written (SQL, Alembic), or the Django model's:
        its `db_table`, else `<app label>_<model>`."""
        if op.model is None:
            return _table_key(op.table) if op.table else None
        key = (m.app_label or "", op.model)
        db_table = op.name if op.op == "create_table" else None
        return db_table or self.dj_tables.get(key) or self.dj_model_tables.get(key) or dj.default_table(*key)

    def _get(self, name: str) -> Table:
        t = self.tables.get(name)
        if t is None:
            t = self.ghosts.get(name)
            if t is None:
                t = self.ghosts[name] = Table(name)
        return t

    def _apply(self, m: Migration, op: SchemaOp, known: set[str]) -> None:
        kind = op.op
        if op.model is not None:
            key = (m.app_label or "", op.model)
            if key in self.unmanaged:
                return  # Django runs no DDL for a proxy or unmanaged model
        origin = Origin(m.path, op.span, m.style, m.key)
        if kind == "opaque":
            names = [self._name(m, op)] if op.model else [_table_key(n) for n in op.names]
            for name in names:
                if name:
                    self._get(name).opaque = True
                    if "create_table" in op.via:
                        self._get(name).created_in = self._get(name).created_in or m.key
            return
        name = self._name(m, op)
        if name is None:
            if kind in ("drop_index", "rename_index"):
                self._index_by_name(op)
            return
        if kind == "create_table":
            self._create(m, op, name, origin)
            return
        if kind == "drop_table":
            self.tables.pop(name, None)
            self.ghosts.pop(name, None)
            return
        if kind in ("rename_table", "set_db_table"):
            self._rename_table(m, op, name)
            return
        t = self._get(name)
        if kind in ("add_column", "alter_column"):
            for col in op.columns:
                if kind == "alter_column":  # the new definition replaces the column's own index, uniqueness and key
                    t.indexes = [ix for ix in t.indexes if not (ix.columns == (col.name,) and ix.source in ("column", "constraint"))]
                    t.foreign_keys = [fk for fk in t.foreign_keys if fk.columns != (col.name,) or col.references is not None]
                self._add_column(t, col, origin, primary=True)
            for fk in op.foreign_keys:
                self._add_fk(t, fk, origin)
        elif kind == "drop_column":
            column = t.fields.get(op.name or "", op.name or "")
            self._drop_column(t, column)
        elif kind == "rename_column":
            self._rename_column(t, op, m.style == "django")
        elif kind in ("create_index", "add_constraint"):
            for ix in op.indexes:
                self._add_index(t, ix, origin, op.model is not None)
                if kind == "create_index":
                    self._record_creation(m, op, name, ix, known)
        elif kind in ("set_unique_together", "set_index_together"):
            unique = kind == "set_unique_together"
            t.indexes = [ix for ix in t.indexes if not (ix.source == ("unique_together" if unique else "index_together"))]
            for ix in op.indexes:
                self._add_index(t, ix, origin, True, source="unique_together" if unique else "index_together")
        elif kind == "add_foreign_key":
            for fk in op.foreign_keys:
                self._add_fk(t, fk, origin)
        elif kind == "drop_index":
            self._drop_index(t, op.name)
        elif kind == "rename_index":
            for ix in t.indexes:
                if ix.name == op.name:
                    ix.name = op.new_name
        elif kind == "drop_constraint":
            self._drop_constraint(t, op.name, op.new_name)

    def _record_creation(self, m: Migration, op: SchemaOp, name: str, ix: IndexDDL, known: set[str]) -> None:
        t = self.tables.get(name)
        ghost = self.ghosts.get(name)
        created_by = None
        if t is not None:
            new = t.created_in == m.key
            existed = not new
            created_by = next((o for o in t.declared if o.migration == t.created_in), None) if t.created_in else None
        else:
            new = ghost is not None and ghost.created_in == m.key  # an unreadable helper created it here
            existed = not new and name in known and name not in self.created_anywhere
        self.schema.index_creations.append(IndexCreation(m, op, name, ix, new, existed, created_by))

    def _create(self, m: Migration, op: SchemaOp, name: str, origin: Origin) -> None:
        if op.model is not None:
            self.dj_tables[(m.app_label or "", op.model)] = name
        t = self.tables.get(name)
        if t is None:
            t = self.ghosts.pop(name, None) or Table(name)
            t.created_in = m.key
            self.tables[name] = t
        t.declared.append(origin)
        for col in op.columns:
            self._add_column(t, col, origin)
        pk = [c.name for c in op.columns if c.primary_key]
        if pk and not any(ix.primary for ix in op.indexes):
            self._add_index(t, IndexDDL(tuple(pk), op.columns[0].span, unique=True, primary=True, constraint=True), origin, False)
        for ix in op.indexes:
            self._add_index(t, ix, origin, op.model is not None)
        for c in t.primary_key:  # `PrimaryKeyConstraint("id")` marks its columns
            if c in t.columns:
                t.columns[c].primary_key = True
        for fk in op.foreign_keys:
            self._add_fk(t, fk, origin)

    def _add_column(self, t: Table, col: ColumnDDL, origin: Origin, primary: bool = False) -> None:
        """A column with its own index, uniqueness and (Django) key; `primary`: a primary key
        column added on its own replaces the table's primary key (CREATE TABLE groups them)."""
        o = Origin(origin.path, col.span, origin.style, origin.migration)
        t.columns[col.name] = Column(col.name, o, col.primary_key, col.unique, col.nullable, col.field)
        if col.field:
            t.fields[col.field] = col.name
        if col.primary_key:
            if primary:
                t.indexes = [ix for ix in t.indexes if not ix.primary]
                t.indexes.append(Index((col.name,), o, unique=True, primary=True, source="primary_key"))
        elif col.unique:
            self._put_index(t, Index((col.name,), o, unique=True, source="constraint"))
        elif col.index:
            self._put_index(t, Index((col.name,), o, source="column"))
        if col.references is not None and origin.style == "django":  # SQL and Alembic give a ForeignKeyDDL
            self._add_fk(t, ForeignKeyDDL((col.name,), self._django_ref(col.references, origin), (), col.span), origin)

    def _django_ref(self, ref: str, origin: Origin) -> str | None:
        if ref == "settings.AUTH_USER_MODEL":
            try:
                from scalelint.project.orm import _auth_user_model

                ref = _auth_user_model(self.project)
            except Exception:  # noqa: BLE001
                return None
        if "." in ref:
            label, _, model = ref.rpartition(".")
        else:  # a model of the migration's own app
            label, model = (origin.migration or "").partition(".")[0], ref
        key = (label.rsplit(".", 1)[-1], model.lower())
        return self.dj_tables.get(key) or self.dj_model_tables.get(key) or dj.default_table(*key)

    def _columns_of(self, t: Table, members: tuple[str, ...], fields: bool) -> tuple[str, ...]:
        if not fields:
            return members
        out = []
        for c in members:
            if c in t.fields:
                out.append(t.fields[c])
            elif c not in t.columns and c + dj.FK_COLUMN_SUFFIX in t.columns:
                out.append(c + dj.FK_COLUMN_SUFFIX)
            else:
                out.append(c)
        return tuple(out)

    def _add_index(self, t: Table, ix: IndexDDL, origin: Origin, fields: bool, source: str | None = None) -> Index:
        o = Origin(origin.path, ix.span, origin.style, origin.migration)
        columns = self._columns_of(t, ix.columns, fields)
        src = source or ("primary_key" if ix.primary else "constraint" if ix.constraint else "index")
        index = Index(columns, o, ix.name, ix.unique, ix.primary, ix.method or "btree", ix.where, ix.expressions, src)
        if ix.primary:
            t.indexes = [x for x in t.indexes if not x.primary]
        return self._put_index(t, index)

    def _put_index(self, t: Table, index: Index) -> Index:
        for existing in t.indexes:
            if _same_index(existing, index.columns, index.unique, index.where, index.primary) and existing.method == index.method:
                if index.name and not existing.name:
                    existing.name = index.name
                return existing
        t.indexes.append(index)
        if index.source in ("index", "column", "unique_together", "index_together"):
            self.schema.styles[index.declared.style] += 1
        return index

    def _add_fk(self, t: Table, fk: ForeignKeyDDL, origin: Origin) -> None:
        o = Origin(origin.path, fk.span, origin.style, origin.migration)
        ref_table = _table_key(fk.ref_table) if fk.ref_table else None
        for existing in t.foreign_keys:
            if existing.columns == fk.columns:
                existing.origins.append(o)
                existing.declared = o
                existing.name = fk.name or existing.name
                existing.ref_table = ref_table or existing.ref_table
                return
        t.foreign_keys.append(ForeignKey(fk.columns, ref_table, fk.ref_columns, o, fk.name, [o]))

    def _drop_column(self, t: Table, column: str) -> None:
        t.columns.pop(column, None)
        t.fields = {f: c for f, c in t.fields.items() if c != column}
        t.indexes = [ix for ix in t.indexes if column not in ix.columns]
        t.foreign_keys = [fk for fk in t.foreign_keys if column not in fk.columns]

    def _rename_column(self, t: Table, op: SchemaOp, fields: bool) -> None:
        old, new = op.name, op.new_name
        if not old or not new:
            return
        if fields:
            old_col = t.fields.pop(old, old)
            new_col = new + dj.FK_COLUMN_SUFFIX if old_col == old + dj.FK_COLUMN_SUFFIX else new
            if old_col != old:
                t.fields[new] = new_col
        else:
            old_col, new_col = old, new
        if old_col in t.columns:
            t.columns[old_col].name = new_col
            t.columns = {(new_col if name == old_col else name): col for name, col in t.columns.items()}

        def swap(cols: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new_col if c == old_col else c for c in cols)

        for ix in t.indexes:
            ix.columns = swap(ix.columns)
        for fk in t.foreign_keys:
            fk.columns = swap(fk.columns)

    def _rename_table(self, m: Migration, op: SchemaOp, name: str) -> None:
        if op.op == "set_db_table":
            new = op.new_name or dj.default_table(m.app_label or "", op.model or "")
            self.dj_tables[(m.app_label or "", op.model or "")] = new
        elif op.model is not None:
            new_model = op.new_name or ""
            old_key = (m.app_label or "", op.model)
            default = dj.default_table(*old_key)
            new = dj.default_table(m.app_label or "", new_model) if name == default else name
            self.dj_tables.pop(old_key, None)
            self.dj_tables[(m.app_label or "", new_model)] = new
        else:
            new = _table_key(op.new_name or "")
        if not new or new == name:
            return
        for store in (self.tables, self.ghosts):
            t = store.pop(name, None)
            if t is not None:
                t.name = new
                store[new] = t
        for t in self.tables.values():
            for fk in t.foreign_keys:
                if fk.ref_table == name:
                    fk.ref_table = new

    def _drop_index(self, t: Table, name: str | None) -> None:
        if not name:
            return
        t.indexes = [ix for ix in t.indexes if (ix.name or _default_index_name(t.name, ix)) != name]

    def _index_by_name(self, op: SchemaOp) -> None:
        """`DROP INDEX name` / `ALTER INDEX name RENAME`: the table is the one with that index."""
        for t in list(self.tables.values()) + list(self.ghosts.values()):
            if any((ix.name or _default_index_name(t.name, ix)) == op.name for ix in t.indexes):
                if op.op == "drop_index":
                    self._drop_index(t, op.name)
                else:
                    for ix in t.indexes:
                        if ix.name == op.name:
                            ix.name = op.new_name
                return

    def _drop_constraint(self, t: Table, name: str | None, kind: str | None) -> None:
        if not name:
            return
        before = len(t.foreign_keys) + len(t.indexes)
        if kind in (None, "foreignkey"):
            t.foreign_keys = [fk for fk in t.foreign_keys if (fk.name or f"{t.name}_{'_'.join(fk.columns)}_fkey") != name]
        if kind in (None, "unique", "primary"):
            t.indexes = [ix for ix in t.indexes if not ((ix.name or _default_index_name(t.name, ix)) == name and ix.source != "index")]
        if len(t.foreign_keys) + len(t.indexes) < before or kind not in (None, "foreignkey"):
            return
        # a key we never saw named (a naming convention, a database default): the unnamed
        # foreign key whose column the name spells
        unnamed = [fk for fk in t.foreign_keys if fk.name is None and all(c in name for c in fk.columns)]
        if len(unnamed) == 1:
            t.foreign_keys.remove(unnamed[0])
        elif unnamed or (kind == "foreignkey" and any(fk.name is None for fk in t.foreign_keys)):
            t.opaque = True

    # --- the models -----------------------------------------------------------------------

    def _model_tables(self) -> list[_ModelTable]:
        out: list[_ModelTable] = []
        try:
            orm = self.project.orm
        except Exception:  # noqa: BLE001 - the schema stands without the models
            return out
        defs: dict[str, tuple[str, ModelDef]] = {}
        external: dict[str, list[tuple[str, IndexDef]]] = {}
        for path, facts in self.project.files.items():
            if facts.python is None or not is_schema_path(path) or _in_migrations(path, facts.python):
                continue  # a migration's copy of a model describes the table as it was then
            for owner, fk in facts.python.composite_keys:
                self.composites.setdefault(owner, []).append((path, fk))
            for d in facts.python.models:
                if d.kind == "external":
                    for ix in d.indexes:
                        external.setdefault(self.project.resolve(d.qualname) or d.qualname, []).append((path, ix))
                elif d.kind == "table" and d.table:
                    out.append(self._core_table(path, d))
                else:
                    defs.setdefault(d.qualname, (path, d))
        for q, m in orm.models.items():
            if m.abstract or m.proxy or not is_schema_path(m.path) or q not in defs:
                continue
            try:
                mt = self._model_table(orm, m, defs, external.get(q, ()))
            except Exception:  # noqa: BLE001
                continue
            if mt is not None:
                out.append(mt)
        return out

    def _chain(self, orm, q: str) -> list[str]:
        order: list[str] = []
        stack = [q]
        while stack and len(order) < 100:
            x = stack.pop(0)
            if x in order or x not in orm.models:
                continue
            order.append(x)
            stack.extend(orm.models[x].bases)
        return order

    def _django_table(self, m: "OrmModel", d: ModelDef) -> tuple[str, str]:
        label = d.app_label
        if not label:
            directory = posixpath.dirname(m.path)
            while directory and directory not in self.app_labels:
                directory = posixpath.dirname(directory)
            label = self.app_labels.get(directory) or m.app_label or ""
        return label, d.table or dj.default_table(label, m.name)

    def _model_table(self, orm, m: "OrmModel", defs: dict, external: Iterable[tuple[str, IndexDef]]) -> _ModelTable | None:
        own = defs.get(m.qualname)
        if own is None:
            return None
        path, d = own
        django = m.framework == "django"
        if django:
            label, table = self._django_table(m, d)
            self.dj_model_tables[(label, m.name.lower())] = table
            if (label, m.name.lower()) in self.unmanaged:
                return None
        else:
            table = m.table
        if not table:
            return None
        style = "django" if django else "drizzle" if m.framework == "drizzle" else "sqlalchemy"
        chain = [defs[x] for x in self._chain(orm, m.qualname) if x in defs]
        declared: dict[str, tuple[str, FieldDef]] = {}
        for p, cd in chain:
            for f in cd.fields:
                declared.setdefault(f.name, (p, f))
        columns: list[tuple[Column, str | None]] = []
        fks: list[ForeignKey] = []
        by_field: dict[str, str] = {}
        for name, f in m.fields.items():
            fpath, fdef = declared.get(name, (path, f))
            if f.kind not in ("column", "fk", "o2o"):
                continue
            relation = f.kind in ("fk", "o2o")
            # Django and Peewee name a foreign key's column `<field>_id`
            column = f.column or (f.name + dj.FK_COLUMN_SUFFIX if (django or m.framework == "peewee") and relation else f.name)
            by_field[name] = column
            o = Origin(fpath, fdef.span, style)
            columns.append((Column(column, o, bool(f.primary_key), bool(f.unique) or f.kind == "o2o", f.nullable, name if name != column else None), name))
            if relation and (f.target or django) and f.db_constraint:
                ref = self._model_ref(orm, m, name, f, django)
                fks.append(ForeignKey((column,), ref[0], ref[1], o, None, [o]))
        if m.framework == "peewee" and not any(c.primary_key for c, _ in columns):
            columns.insert(0, (Column("id", Origin(path, d.span, style), True, True, False), None))  # peewee's implicit AutoField
        fks = self._composite(fks, [cd.qualname for _, cd in chain], by_field, style)
        indexes: list[Index] = []
        for p, cd in chain:
            for ix in cd.indexes:
                indexes.append(self._model_index(ix, p, style, by_field))
        for p, ix in external:
            indexes.append(self._model_index(ix, p, style, by_field))
        for name, f in m.fields.items():
            # what a project field class's constructor forces (project.orm): the file's own
            # facts, which do not know the class, gave the field no index
            fpath, fdef = declared.get(name, (path, f))
            if name in by_field and not f.primary_key and ((f.unique and not fdef.unique) or (f.db_index and not fdef.db_index and not f.unique)):
                indexes.append(Index((by_field[name],), Origin(fpath, fdef.span, style), unique=bool(f.unique), source="column"))
        pk = [c.name for c, _ in columns if c.primary_key]
        if pk and not any(ix.primary for ix in indexes):
            indexes.append(Index(tuple(pk), columns[0][0].declared, unique=True, primary=True, source="primary_key"))
        opaque = m.partial or any(md.name == "__table_args__" for _, cd in chain for md in cd.properties)
        return _ModelTable(table, Origin(path, d.span, style), m.qualname, columns, indexes, fks, opaque)

    def _model_ref(self, orm, m: "OrmModel", name: str, f: FieldDef, django: bool) -> tuple[str | None, tuple[str, ...]]:
        if m.framework == "peewee":  # the target is a model class: its table's primary key
            rel = orm.relation(m.qualname, name)
            target = orm.models.get(rel.target) if rel is not None and rel.target else None
            return (target.table if target is not None else None), ()
        if django:
            rel = orm.relation(m.qualname, name)
            target = orm.models.get(rel.target) if rel is not None and rel.target else None
            if target is None:
                return None, ()
            tdef = next((md for md in self.project.files[target.path].python.models if md.qualname == target.qualname), None) if target.path in self.project.files else None
            return (self._django_table(target, tdef)[1] if tdef is not None else target.table), ()
        ref = f.target or ""
        if ref == "?":
            return None, ()
        prefix, _, column = ref.rpartition(".")
        owner = orm.model(prefix) if prefix else None
        if owner is None and prefix and "." not in prefix:
            same = [x for x in orm.models.values() if x.name == prefix and x.framework != "django"]
            owner = same[0] if len(same) == 1 else None
        if owner is not None:
            return owner.table, (column,)
        return (_table_key(prefix), (column,)) if prefix else (None, ())

    def _model_index(self, ix: IndexDef, path: str, style: str, by_field: dict[str, str]) -> Index:
        columns = tuple(by_field.get(c, c) for c in ix.columns)
        source = {"field": "column", "primary_key": "primary_key", "index": "index"}.get(ix.source, "constraint" if ix.unique else ix.source)
        return Index(columns, Origin(path, ix.span, style), ix.name, ix.unique, ix.primary, ix.kind or "btree", ix.where, ix.expressions, source)

    def _core_table(self, path: str, d: ModelDef) -> _ModelTable:
        style = "sqlalchemy"
        columns: list[tuple[Column, str | None]] = []
        fks: list[ForeignKey] = []
        by_field: dict[str, str] = {}
        for f in d.fields:
            if f.kind not in ("column", "fk"):
                continue
            column = f.column or f.name
            by_field[f.name] = column
            o = Origin(path, f.span, style)
            columns.append((Column(column, o, bool(f.primary_key), bool(f.unique), f.nullable), f.name))
            if f.kind == "fk" and f.target and f.target != "?":
                prefix, _, ref_col = f.target.rpartition(".")
                fks.append(ForeignKey((column,), _table_key(prefix) if prefix else None, (ref_col,) if prefix else (), o, None, [o]))
        indexes = [self._model_index(ix, path, style, by_field) for ix in d.indexes]
        fks = self._composite(fks, [f"table:{d.table}"], by_field, style)
        return _ModelTable(d.table or "", Origin(path, d.span, style), None, columns, indexes, fks, False)

    def _composite(self, fks: list[ForeignKey], owners: list[str], by_field: dict[str, str], style: str) -> list[ForeignKey]:
        """One key over several columns replaces the per-column keys the model facts give them."""
        for owner in owners:
            for path, fk in self.composites.get(owner, ()):
                columns = tuple(by_field.get(c, c) for c in fk.columns)
                fks = [x for x in fks if x.columns[0] not in columns]
                o = Origin(path, fk.span, style)
                fks.append(ForeignKey(columns, _table_key(fk.ref_table) if fk.ref_table else None, fk.ref_columns, o, None, [o]))
        return fks

    def _overlay(self, mt: _ModelTable) -> None:
        t = self.tables.get(mt.name)
        if t is None:
            t = self.ghosts.pop(mt.name, None) or Table(mt.name)
            self.tables[mt.name] = t
        t.declared.append(mt.origin)
        t.model = t.model or mt.qualname
        t.opaque = t.opaque or mt.opaque
        for col, fname in mt.columns:
            if col.name not in t.columns:
                t.columns[col.name] = col
            if fname and fname != col.name:
                t.fields[fname] = col.name
        for ix in mt.indexes:
            self._put_index(t, ix)
        for fk in mt.fks:
            existing = next((x for x in t.foreign_keys if x.columns == fk.columns), None)
            if existing is None:
                t.foreign_keys.append(fk)
            else:
                existing.origins.append(fk.declared)
                existing.declared = fk.declared
                existing.ref_table = existing.ref_table or fk.ref_table


_MIGRATION_DIRS = frozenset({"migrations", "migration", "alembic", "versions", "db_migrations", "migrate"})


def in_migration_dir(path: str) -> bool:
    """`shop/migrations/0002_x.py`, `alembic/versions/abc.py`: a folder migrations live in."""
    return any(p in _MIGRATION_DIRS for p in path.split("/")[:-1])


def _in_migrations(path: str, facts) -> bool:
    return facts.migration is not None or in_migration_dir(path)


def _other_dialect(path: str, dialect: str) -> bool:
    """`versions/sqlite/...` next to `versions/postgresql/...`: migrations for another database."""
    for part in path.lower().split("/")[:-1]:
        named = _DIALECT_DIRS.get(part)
        if named is not None and named != dialect:
            return True
    return False


_DIALECT_DIRS = {"sqlite": "sqlite", "sqlite3": "sqlite", "mysql": "mysql", "mariadb": "mysql", "mssql": "mssql", "oracle": "oracle", "postgres": "postgres", "postgresql": "postgres", "pg": "postgres"}


def _merge(into: Table, other: Table) -> None:
    """The same table as two histories (or a history and an early reference) leave it."""
    for name, col in other.columns.items():
        into.columns.setdefault(name, col)
    for ix in other.indexes:
        if not any(_same_index(x, ix.columns, ix.unique, ix.where, ix.primary) for x in into.indexes):
            into.indexes.append(ix)
    for fk in other.foreign_keys:
        if not any(x.columns == fk.columns for x in into.foreign_keys):
            into.foreign_keys.append(fk)
    into.declared.extend(other.declared)
    into.fields.update({k: v for k, v in other.fields.items() if k not in into.fields})
    into.opaque = into.opaque or other.opaque
    into.created_in = into.created_in or other.created_in


def _histories(migrations: list[Migration]) -> list[list[Migration]]:
    """Migrations that build one database together: the SQL files, each connected Alembic
    revision graph, the Django apps; each in the order they run."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    keys = {m.key for m in migrations}
    for m in migrations:
        parent.setdefault(m.key, m.key)
        if m.style == "alembic":
            for p in m.facts.parents:
                if p in keys:
                    parent[root(m.key)] = root(p)
    groups: dict[str, list[Migration]] = {}
    for m in migrations:
        groups.setdefault(m.style if m.style != "alembic" else "alembic:" + root(m.key), []).append(m)
    return list(groups.values())


def _default_index_name(table: str, ix: Index) -> str:
    """PostgreSQL's name for an index nobody named."""
    suffix = "pkey" if ix.primary else "key" if ix.unique and ix.source == "constraint" else "idx"
    if ix.primary:
        return f"{table}_pkey"
    return f"{table}_{'_'.join(ix.columns)}_{suffix}"


def _topological(migrations: list[Migration]) -> list[Migration]:
    """Parents before children; ties (and what a cycle leaves) in path order."""
    by_key = {m.key: m for m in migrations}
    children: dict[str, list[str]] = {}
    waiting: dict[str, int] = {}
    for m in migrations:
        parents = [p for p in _parents(m, by_key) if p in by_key and p != m.key]
        waiting[m.key] = len(set(parents))
        for p in set(parents):
            children.setdefault(p, []).append(m.key)
    ready = [(_natural(m.path), m.key) for m in migrations if waiting[m.key] == 0]
    heapq.heapify(ready)
    out: list[Migration] = []
    done: set[str] = set()
    while len(out) < len(by_key):
        if not ready:  # a cycle: take the first remaining one
            ready = [min((_natural(m.path), m.key) for m in migrations if m.key not in done)]
        _, key = heapq.heappop(ready)
        if key in done:
            continue
        done.add(key)
        out.append(by_key[key])
        for child in children.get(key, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (_natural(by_key[child].path), child))
    return out


def _unique_keys(migrations: list[Migration]) -> list[Migration]:
    """Two files with one revision id (a copied migration directory): the second is told apart
    by its path, and its children follow the first."""
    seen: set[str] = set()
    for m in migrations:
        if m.key in seen:
            m.key = f"{m.key}@{m.path}"
        seen.add(m.key)
    return migrations


def _parents(m: Migration, by_key: dict[str, Migration]) -> list[str]:
    out = []
    for p in m.facts.parents:
        label, _, name = p.partition(".")
        if m.style == "django" and name in ("__first__", "__latest__"):
            same = sorted((x for x in by_key.values() if x.app_label == label), key=lambda x: _natural(x.path))
            if same:
                out.append((same[0] if name == "__first__" else same[-1]).key)
            continue
        out.append(p)
    return out


def _unsquashed(migrations: list[Migration]) -> list[Migration]:
    """Django runs a squashed migration instead of those it replaces; both give the same schema,
    so where the replaced ones are present the squashed one is left out."""
    keys = {m.key for m in migrations}
    return [m for m in migrations if not (m.facts.replaces and any(r in keys for r in m.facts.replaces))]
