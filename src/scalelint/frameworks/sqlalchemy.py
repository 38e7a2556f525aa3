"""SQLAlchemy (and Flask-SQLAlchemy, SQLModel): pool defaults, declarative models, relationship
loader strategies and loader options, as plain data the extractor and the rules read.

The loader-strategy table was checked by execution against SQLAlchemy 2.1 (five parents with two
children each on SQLite, counting statements at load, on attribute access and on iteration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- connection pools ----------------------------------------------------------------------

POOL_SIZE_DEFAULT = 5
MAX_OVERFLOW_DEFAULT = 10
DEFAULT_CAPACITY = POOL_SIZE_DEFAULT + MAX_OVERFLOW_DEFAULT
# Pool classes that do not cap connections the way QueuePool does: nothing to size.
UNSIZED_POOLS = frozenset({"NullPool", "StaticPool", "SingletonThreadPool", "AssertionPool"})

# Engine constructors: qualified name -> (library, is_async, argument shape). The shape tells the
# extractor where the pool settings are: "engine" takes the URL first and `pool_*` keywords,
# "from_config" takes them from a config mapping it cannot see, "fsa" is Flask-SQLAlchemy's
# `SQLAlchemy(app, engine_options={...})`.
POOL_CONSTRUCTORS: dict[str, tuple[str, bool, str]] = {
    "sqlalchemy.create_engine": ("sqlalchemy", False, "engine"),
    "sqlalchemy.engine.create_engine": ("sqlalchemy", False, "engine"),
    "sqlalchemy.engine.create.create_engine": ("sqlalchemy", False, "engine"),
    "sqlmodel.create_engine": ("sqlalchemy", False, "engine"),
    "sqlalchemy.ext.asyncio.create_async_engine": ("sqlalchemy", True, "engine"),
    "sqlalchemy.ext.asyncio.engine.create_async_engine": ("sqlalchemy", True, "engine"),
    "sqlmodel.ext.asyncio.create_async_engine": ("sqlalchemy", True, "engine"),
    "sqlalchemy.engine_from_config": ("sqlalchemy", False, "from_config"),
    "sqlalchemy.engine.engine_from_config": ("sqlalchemy", False, "from_config"),
    "sqlalchemy.engine.create.engine_from_config": ("sqlalchemy", False, "from_config"),
    "sqlalchemy.ext.asyncio.async_engine_from_config": ("sqlalchemy", True, "from_config"),
    "flask_sqlalchemy.SQLAlchemy": ("flask-sqlalchemy", False, "fsa"),
    "flask_sqlalchemy.extension.SQLAlchemy": ("flask-sqlalchemy", False, "fsa"),
}
# Engine keywords the pool rules read besides pool_size and max_overflow
ENGINE_EXTRA_OPTIONS = ("pool_timeout", "pool_pre_ping", "pool_recycle", "pool_use_lifo", "pool_reset_on_return")
# The pool class that opens a connection per checkout: a connection lost by a caller costs the pool nothing
NULL_POOL = "NullPool"

# Flask-SQLAlchemy reads the pool from `app.config`: a dict of engine keywords (current), or
# one key per setting (removed in 3.0, still in many apps)
FSA_ENGINE_OPTIONS = "SQLALCHEMY_ENGINE_OPTIONS"
FSA_DATABASE_URI = "SQLALCHEMY_DATABASE_URI"
FSA_POOL_SIZE = "SQLALCHEMY_POOL_SIZE"
FSA_MAX_OVERFLOW = "SQLALCHEMY_MAX_OVERFLOW"
# legacy config key -> the engine keyword it stands for
FSA_LEGACY_EXTRA_OPTIONS = (("SQLALCHEMY_POOL_TIMEOUT", "pool_timeout"), ("SQLALCHEMY_POOL_RECYCLE", "pool_recycle"))
FSA_CONFIG_KEYS = frozenset(
    {FSA_ENGINE_OPTIONS, FSA_POOL_SIZE, FSA_MAX_OVERFLOW, FSA_DATABASE_URI} | {k for k, _ in FSA_LEGACY_EXTRA_OPTIONS}
)

# --- what is a model -----------------------------------------------------------------------

# Classes whose direct subclasses are declarative bases (the subclass itself maps no table).
DECLARATIVE_BASE_CLASSES = frozenset(
    {
        "sqlalchemy.orm.DeclarativeBase",
        "sqlalchemy.orm.decl_api.DeclarativeBase",
        "sqlalchemy.orm.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta",
    }
)
# Mixins that may sit beside DeclarativeBase in the bases of the base class
DECLARATIVE_MIXINS = frozenset({"sqlalchemy.orm.MappedAsDataclass", "sqlalchemy.orm.decl_api.MappedAsDataclass"})
# Calls returning a declarative base class: `Base = declarative_base()`, `reg.generate_base()`
DECLARATIVE_BASE_FACTORIES = frozenset({"declarative_base", "generate_base"})
# Class decorators that map the class: `@as_declarative()`, `@reg.mapped`, `@reg.mapped_as_dataclass`
MAPPING_DECORATORS = frozenset({"as_declarative", "mapped", "mapped_as_dataclass"})
# Flask-SQLAlchemy: models subclass `db.Model` (any `<name>.Model` that is not Django's)
FLASK_MODEL_ATTR = "Model"
# Flask-SQLAlchemy's `query_class = TenantQuery` on a model or its mixin: `Model.query` is built
# from that class, whose overrides (`__iter__`, `get`) may add conditions to every query
MODEL_ATTRIBUTES = ("query_class",)
# what a Query subclass overrides to change the rows every query of the model selects
QUERY_OVERRIDES = frozenset({"__iter__", "__init__", "get", "filter", "filter_by", "_execute_and_instances", "_compile_state"})
SQLMODEL_BASES = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})
STAR_MODULES = frozenset({"sqlalchemy", "sqlalchemy.orm", "sqlmodel"})
ROOT_MODULES = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")

# Constructors in a class body, by their last name (also reached as `db.Column`, `sa.Column`)
COLUMN_FUNCS = frozenset({"Column", "mapped_column"})
COLUMN_WRAPPERS = frozenset({"deferred"})  # deferred(Column(...)): still a real column
RELATIONSHIP_FUNCS = frozenset({"relationship", "relation", "dynamic_loader"})
SQLMODEL_FIELD = "Field"
SQLMODEL_RELATIONSHIP = "Relationship"
BACKREF_FUNC = "backref"
FOREIGN_KEY = "ForeignKey"
TABLE_FUNC = "Table"
INDEX_FUNC = "Index"
UNIQUE_CONSTRAINT = "UniqueConstraint"
PRIMARY_KEY_CONSTRAINT = "PrimaryKeyConstraint"
FOREIGN_KEY_CONSTRAINT = "ForeignKeyConstraint"
# `x: Mapped[int]` and the collection wrappers that also choose a loader strategy
MAPPED_ANNOTATIONS = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})
MAPPED_WRAPPER_LAZY = {"WriteOnlyMapped": "write_only", "DynamicMapped": "dynamic"}
# annotation generics that mean "many rows"
COLLECTION_TYPES = frozenset(
    {
        "list",
        "List",
        "set",
        "Set",
        "frozenset",
        "FrozenSet",
        "Sequence",
        "MutableSequence",
        "Collection",
        "Iterable",
        "AbstractSet",
        "MutableSet",
        "InstrumentedList",
        "AppenderQuery",
        "WriteOnlyCollection",
        "dict",
        "Dict",
        "Mapping",
        "MutableMapping",
    }
)
# Index dialect keywords
INDEX_USING_KWARGS = ("postgresql_using", "mysql_using", "mariadb_using")
INDEX_WHERE_KWARGS = ("postgresql_where", "sqlite_where")
INDEX_OPS_KWARGS = ("postgresql_ops",)

# --- relationship loading ------------------------------------------------------------------

LAZY_DEFAULT = "select"
LAZY_ALIASES: dict[object, str] = {True: "select", False: "joined", None: "noload"}


@dataclass(frozen=True)
class LoaderStrategy:
    name: str
    eager: bool  # loaded with the parent query, in a constant number of statements (no per-row query)
    query_on_access: bool  # first access of the attribute on each instance runs a SELECT (then cached)
    query_per_use: bool  # every use of the attribute (iterate, .all(), .count()) runs a SELECT, never cached
    query_per_row_at_load: bool  # a SELECT per instance while the parents load, whether read or not
    raises: bool  # reading it unloaded raises instead of querying
    note: str


LOADER_STRATEGIES: dict[str, LoaderStrategy] = {
    s.name: s
    for s in (
        LoaderStrategy("select", False, True, False, False, False, "lazy: a SELECT per instance on first access (a simple many-to-one may come from the identity map)"),
        LoaderStrategy("baked_select", False, True, False, False, False, "legacy alias of select"),
        LoaderStrategy("joined", True, False, False, False, False, "JOIN in the parent query"),
        LoaderStrategy("selectin", True, False, False, False, False, "one extra SELECT ... IN per parent query (batched by 500)"),
        LoaderStrategy("subquery", True, False, False, False, False, "one extra SELECT joined to a subquery of the parent query"),
        LoaderStrategy("immediate", False, False, False, True, False, "a SELECT per instance as the parents load: N+1 at load time"),
        LoaderStrategy("dynamic", False, False, True, False, False, "access returns a Query; each iteration / .all() / .count() runs a SELECT"),
        LoaderStrategy("write_only", False, False, False, False, False, "access returns a WriteOnlyCollection (no SQL, not iterable); rows only via an explicit session.scalars(obj.rel.select())"),
        LoaderStrategy("raise", False, False, False, False, True, "access raises InvalidRequestError"),
        LoaderStrategy("raise_on_sql", False, False, False, False, True, "access raises when SQL would be needed (identity-map hits allowed)"),
        LoaderStrategy("noload", False, False, False, False, False, "never loads (deprecated in 2.1)"),
    )
}
# strategies under which reading the relation on each row of a loop costs a query per row
PER_ROW_QUERY_STRATEGIES = frozenset(
    n for n, s in LOADER_STRATEGIES.items() if s.query_on_access or s.query_per_use or s.query_per_row_at_load
)
LAZY_ON_ACCESS = frozenset(n for n, s in LOADER_STRATEGIES.items() if s.query_on_access or s.query_per_use)
EAGER_STRATEGIES = frozenset(n for n, s in LOADER_STRATEGIES.items() if s.eager)

# Loader options (`sqlalchemy.orm.<name>`, also `Load(X).<name>(...)` and chained paths):
# option -> the strategy it applies to the relationship it names (None: keeps the mapped one;
# `defaultload` only leads a path to a deeper option).
LOADER_OPTIONS: dict[str, str | None] = {
    "joinedload": "joined",
    "selectinload": "selectin",
    "subqueryload": "subquery",
    "contains_eager": "joined",  # populated from the query's own JOIN
    "immediateload": "immediate",
    "lazyload": "select",
    "raiseload": "raise",
    "noload": "noload",
    "defaultload": None,
}
# options that leave no per-row query behind for the path they name
SILENCING_OPTIONS = frozenset(o for o, s in LOADER_OPTIONS.items() if s is not None and s not in PER_ROW_QUERY_STRATEGIES)
EAGER_OPTIONS = frozenset(o for o, s in LOADER_OPTIONS.items() if s in EAGER_STRATEGIES)
OPTION_MODULES = ("sqlalchemy.orm", "sqlalchemy.orm.strategy_options")

# Session / query methods that run SQL
SESSION_QUERY_METHODS = frozenset({"query", "execute", "scalars", "scalar", "get", "get_one", "refresh", "stream", "stream_scalars"})
# Flask-SQLAlchemy `Model.query` (legacy Query) and SQLAlchemy Query methods that run SQL
QUERY_EXECUTE_METHODS = frozenset({"all", "first", "one", "one_or_none", "scalar", "count", "get", "get_or_404", "first_or_404", "one_or_404", "paginate", "__iter__"})


# --- default table names ----------------------------------------------------------------------

_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")  # flask_sqlalchemy.model.camel_to_snake_case


def flask_default_tablename(class_name: str) -> str:
    """Flask-SQLAlchemy 3's `__tablename__` for a model that sets none (`OrderItem` -> `order_item`);
    a model with no primary key of its own instead shares its parent's table (single-table inheritance)."""
    return _CAMEL.sub(r"_\1", class_name).lower().lstrip("_")


def sqlmodel_default_tablename(class_name: str) -> str:
    """SQLModel's default `__tablename__`: the class name lower-cased."""
    return class_name.lower()


# --- what queries and sessions give back (the call graph's type inference, project.types) ---------

# `select(User)`: a statement whose rows are `User` instances
SELECT_FUNCTIONS = frozenset(
    {
        "sqlalchemy.select", "sqlalchemy.future.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select",
        "sqlmodel.select", "sqlmodel.sql.expression.select",
    }
)
# Query / Select methods that return another query of the same rows
QUERY_CHAIN_METHODS = frozenset(
    {
        "filter", "filter_by", "where", "order_by", "join", "outerjoin", "join_from", "options", "limit", "offset",
        "distinct", "group_by", "having", "with_for_update", "execution_options", "params", "select_from",
        "correlate", "populate_existing", "yield_per", "enable_eagerloads", "slice", "unique",
    }
)
# methods of a query or a scalar result that give many rows / one row
ROWS_METHODS = frozenset({"all", "scalars", "paginate", "fetchall", "partitions"})
ROW_METHODS = frozenset(
    {"first", "one", "one_or_none", "get", "get_one", "scalar", "scalar_one", "scalar_one_or_none", "first_or_404", "get_or_404", "one_or_404"}
)
# session (and Flask-SQLAlchemy `db`) methods whose first argument is a model class or a select of
# one: what they give back. `execute` gives a Result of row tuples: only its scalars are instances.
SESSION_ROW_METHODS = frozenset({"get", "get_one", "scalar", "get_or_404", "first_or_404", "one_or_404"})
SESSION_ROWS_METHODS = frozenset({"query", "scalars", "exec", "paginate"})
SESSION_RESULT_METHODS = frozenset({"execute"})
RESULT_ROW_METHODS = frozenset({"scalar", "scalar_one", "scalar_one_or_none"})
RESULT_ROWS_METHODS = frozenset({"scalars"})
# pagination objects (`Model.query.paginate(...)`, `db.paginate(...)`): their rows
PAGE_ROWS_ATTRIBUTES = frozenset({"items"})
