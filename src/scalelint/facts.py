"""Facts: what per-file extraction learns about one file, as plain picklable data.

Extraction is a pure function of (path, bytes, settings), so these objects are what the
process pool returns and what the cache stores. The Project model merges them; rules read
the Project. Nothing here knows about rules or reporting.

Positions are 1-based; `end_column` is exclusive (one past the last character), so the
underline width of a one-line span is `end_column - column`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


# --- folded Python expressions ---------------------------------------------------------
# A value the analysis could work out without running code. Rules must treat `Unknown`
# (and any `EnvVar` without a default whose variable nobody sets) as "say nothing".


@dataclass(frozen=True)
class Const:
    value: object  # int | float | str | bool | None
    span: Span | None = None


@dataclass(frozen=True)
class Choice:
    """One of several values, e.g. `5 if "pooler" in URL else 10`."""

    options: tuple["Expr", ...]
    span: Span | None = None


@dataclass(frozen=True)
class EnvVar:
    """`os.environ.get("NAME", default)`, `os.getenv`, `int(os.environ["NAME"])`, `$NAME`."""

    name: str
    default: "Expr | None" = None
    span: Span | None = None


@dataclass(frozen=True)
class Unknown:
    text: str = ""  # the source text, for messages
    span: Span | None = None


Expr = Union[Const, Choice, EnvVar, Unknown]


# --- deployment files (Procfile, Dockerfile, compose, render, fly, app.yaml, k8s, ...) ---


@dataclass(frozen=True)
class Word:
    """One shell word of a command line, with where it stands in the file."""

    text: str  # after shell unquoting; `$VAR` references are kept verbatim
    span: Span


@dataclass(frozen=True)
class EnvSetting:
    name: str
    value: str | None  # None: set, but to something we cannot read (a secret, `$(cmd)`)
    span: Span | None = None


Context = Literal["production", "development", "unknown"]


@dataclass(frozen=True)
class DeployCommand:
    """One simple command (split at `&&`, `;`, `|`) that a deployment file runs.

    `argv` is the raw command, wrappers included (`exec`, `sh -c`, `poetry run`,
    `ddtrace-run`, `python -m`): recognising the server inside is the Project's job.
    """

    path: str  # project-relative, `/` separators
    source: str  # procfile | dockerfile | compose | render | fly | appengine | kubernetes | shell | supervisord | systemd | makefile
    process: str | None  # Procfile process type, compose service, k8s container, supervisord program, make target
    argv: tuple[Word, ...]
    env: tuple[EnvSetting, ...] = ()  # environment the same file gives this command
    env_opaque: bool = False  # env may also come from where we cannot see (env_file, envFrom, EnvironmentFile)
    context: Context = "unknown"  # from the file's name/target: Procfile.dev, docker-compose.override.yml, `make dev`
    web: bool | None = None  # the file says this process serves HTTP (Procfile `web`, render `type: web`)
    instances: int | None = None  # replicas / numInstances / numprocs when the file states them
    runs_script: str | None = None  # `./entrypoint.sh`, `bin/start`: a project-relative script this command runs


@dataclass(frozen=True)
class ImageRun:
    """A service that runs an image's default command (compose service with `build:` and no
    `command:`, a k8s container with no `command`/`args`, render `env: docker`, fly app).
    Its environment reaches the Dockerfile's CMD."""

    path: str
    source: str
    process: str | None
    env: tuple[EnvSetting, ...] = ()
    env_opaque: bool = False
    dockerfile: str | None = None  # project-relative Dockerfile when the file names one / a build context
    context: Context = "unknown"
    instances: int | None = None


# --- Python modules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A module-level `NAME = <expr>` (last one wins), for gunicorn.conf.py and settings."""

    name: str
    value: Expr
    span: Span  # the target name


@dataclass(frozen=True)
class AppDef:
    """A module-level web application object: `app = Flask(__name__)`, `app = FastAPI()`,
    `application = get_asgi_application()`."""

    name: str
    framework: str  # flask | fastapi | starlette | quart | django | sanic | litestar | aiohttp | falcon | bottle | pyramid
    interface: Literal["wsgi", "asgi"]
    span: Span


@dataclass(frozen=True)
class RunCall:
    """`app.run(...)` / `uvicorn.run(...)` / `socketio.run(app)` reachable when the module is executed."""

    callee: str  # qualified: "flask.Flask.run", "uvicorn.run", "flask_socketio.SocketIO.run", "<unknown>.run"
    receiver: str | None  # local name the method is called on (`app`), None for functions
    in_main_guard: bool  # inside `if __name__ == "__main__":`
    kwargs: tuple[tuple[str, Expr], ...]
    span: Span  # the `run` attribute / callee name


@dataclass(frozen=True)
class PoolSite:
    """A connection pool created in code (or configured for a framework to create)."""

    library: str  # sqlalchemy | flask-sqlalchemy | psycopg2 | psycopg | asyncpg | django
    is_async: bool
    size: Expr | None  # pool_size / maxconn / max_size; None = not given (library default applies)
    overflow: Expr | None  # SQLAlchemy max_overflow; None = not given
    poolclass: str | None  # NullPool, StaticPool, QueuePool... as written (last dotted part)
    url: Expr | None  # the database URL / DSN argument when given
    span: Span  # the call (or the config assignment)
    size_span: Span | None  # where a user would change the size: the `pool_size=` keyword, `maxconn` argument...
    function: str | None  # dotted name of the enclosing function, None at module level
    extra: tuple[tuple[str, Expr], ...] = ()  # other keywords a rule may need (min_size, pool_timeout)


@dataclass(frozen=True)
class ConnectionCheckout:
    """`conn = pool.getconn()` / `conn = engine.connect()` bound to a local name in a function."""

    kind: Literal["getconn", "connect"]
    receiver: str  # the expression the method is called on, as written (`pool`, `db.engine`)
    span: Span
    function: str
    returned_safely: bool  # released in a `finally`, used as a context manager, returned/yielded, or stored away
    released: bool  # some release (`putconn`, `close`) exists, safe or not


@dataclass(frozen=True)
class DjangoDatabase:
    alias: str  # "default"
    engine: Expr | None
    conn_max_age: Expr | None  # None: not given (Django's default is 0)
    has_pool: bool  # OPTIONS["pool"] (Django 5.1+ psycopg pool)
    via: str  # dict | dj_database_url | environ | unknown
    span: Span  # the alias key (or the call that builds it)
    extra: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True)
class PythonFacts:
    module: str  # dotted module name derived from the path ("" when unknown)
    imports: tuple[tuple[str, str], ...] = ()  # (local name, qualified name) for module-level imports
    imported_modules: tuple[str, ...] = ()  # absolute module names this module imports anywhere
    star_imports: tuple[str, ...] = ()  # absolute modules of `from X import *`
    assignments: tuple[Assignment, ...] = ()
    apps: tuple[AppDef, ...] = ()
    run_calls: tuple[RunCall, ...] = ()
    pools: tuple[PoolSite, ...] = ()
    checkouts: tuple[ConnectionCheckout, ...] = ()
    databases: tuple[DjangoDatabase, ...] = ()
    databases_mutated: bool = False  # `DATABASES[...][...] = ...` / `.update(...)` after the literal
    env_defaults: tuple[tuple[str, str], ...] = ()  # os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")
    has_main_guard: bool = False
    models: tuple["ModelDef", ...] = ()  # ORM models, mixins, Core tables (see ModelDef)


# --- the per-file result -----------------------------------------------------------------


@dataclass(frozen=True)
class ParseProblem:
    message: str
    span: Span
    severity: str = "error"  # "info" for files skipped on purpose (too large), not broken


@dataclass(frozen=True)
class Suppression:
    """`# scalelint: ignore[SCL101, n-plus-one]` or `# noqa: SCL101`, as found in a comment."""

    line: int
    column: int
    codes: tuple[str, ...]  # as written: codes or rule names; empty = all
    whole_file: bool
    standalone: bool  # the comment is alone on its line, so it also covers the next line
    noqa: bool  # written as `noqa` (only SCL codes in it are ours)
    length: int = 1  # characters of the directive (`scalelint: ignore[...]`), for pointing at it


@dataclass
class FileFacts:
    path: str
    kind: str
    problems: list[ParseProblem] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    python: PythonFacts | None = None
    commands: list[DeployCommand] = field(default_factory=list)
    image_runs: list[ImageRun] = field(default_factory=list)


# --- ORM models (Django, SQLAlchemy incl. Flask-SQLAlchemy, SQLModel) ---------------------
# What one file declares, as written. Inheritance, `"app.Model"` references, reverse accessors
# and default table names are the Project's work: it sees every file. Framework knowledge
# (field kinds, loader strategies, eager-load names) is in scalelint.frameworks.django and
# scalelint.frameworks.sqlalchemy.

FieldKind = Literal["column", "fk", "o2o", "m2m", "relationship", "generic"]


@dataclass(frozen=True)
class FieldDef:
    """One declared attribute of a model that maps to the database.

    Django: `kind` is `fk` / `o2o` / `m2m` for ForeignKey / OneToOneField / ManyToManyField
    (and the known third-party relations), `generic` for GenericForeignKey (`collection`
    False) and GenericRelation (`collection` True), `column` for every other field.
    SQLAlchemy / SQLModel: `relationship` for `relationship()` / `db.relationship()` /
    `Relationship()`, `fk` for a column carrying a `ForeignKey` (its `target` is the
    `"table.column"` it references, as written), `column` for other columns.

    Booleans are None when the file gives a value we cannot read (`db_index=FLAG`): unknown.
    """

    name: str  # the attribute name on the class
    kind: str  # FieldKind
    field_class: str  # the constructor, last name: CharField, ForeignKey, Column, mapped_column, relationship, Field, Relationship; "Mapped" for a bare `x: Mapped[int]`, "" for a bare SQLModel annotation
    span: Span  # the attribute name where it is assigned
    call_span: Span | None = None  # the constructor call (None for a bare annotation)
    # the related model (relations) or referenced column (SQLAlchemy FK column): a string
    # literal as written ("auth.User", "self", "Tag", "users.id"); a name qualified through the
    # imports ("shop.models.Organizer") or, for a class of this file, "<module>.<Name>";
    # `settings.AUTH_USER_MODEL` and `get_user_model()` as "settings.AUTH_USER_MODEL"
    target: str | None = None
    related_name: str | None = None  # Django related_name as written ("+" hides the reverse accessor)
    related_query_name: str | None = None
    through: str | None = None  # Django M2M through model (as `target`)
    db_index: bool | None = False  # effective: explicit value, else the field class's default (ForeignKey, SlugField: True; GeoDjango spatial fields: spatial_index)
    unique: bool | None = False  # effective (OneToOneField: True)
    primary_key: bool | None = False
    nullable: bool | None = None  # Django `null`; SQLAlchemy `nullable`, else inferred (primary key / Optional annotation); None unknown
    column: str | None = None  # the database column when written: db_column, Column("name", ...), mapped_column("name")
    collection: bool | None = None  # the attribute holds many rows (M2M, list annotation, uselist=True, secondary); None: decided by where the FK is
    # SQLAlchemy relationship loading (None for other kinds)
    lazy: str | None = None  # normalised strategy: the default "select" when not given; True/False/None -> select/joined/noload; None when unreadable
    uselist: bool | None = None  # as written
    back_populates: str | None = None
    backref: str | None = None  # backref="x" or backref("x", ...)
    backref_lazy: str | None = None  # lazy= given inside backref("x", lazy=...)
    secondary: str | None = None  # association table: string as written, or a name (qualified as `target`)


@dataclass(frozen=True)
class IndexDef:
    """An index (or a uniqueness / primary-key / exclusion constraint, which is backed by one).

    `columns`: Django field names / SQLAlchemy column names or attribute names as written,
    a leading `-` stripped (see `desc`); an expression's source text when it is not a plain
    column (`Lower("email")`, `func.lower(User.email)`, `text("lower(email)")` -> `lower(email)`).
    """

    columns: tuple[str, ...]
    span: Span
    name: str | None = None
    unique: bool = False
    primary: bool = False
    kind: str = "btree"  # btree | gin | gist | hash | brin | spgist | bloom, lower-case as written
    where: str | None = None  # partial index predicate, source text (Q(...) / text("...") contents)
    expressions: bool = False  # some member is an expression, not a column
    desc: tuple[bool, ...] = ()  # per column: descending; () when all ascending
    opclasses: tuple[str, ...] = ()  # Django opclasses= / SQLAlchemy postgresql_ops values (gin_trgm_ops)
    source: str = "index"  # index | constraint | unique_together | index_together | field | primary_key | exclusion


@dataclass(frozen=True)
class SelfRead:
    """An attribute chain read on `self` in a method: `self.organizer.name` -> ("organizer", "name");
    calls and subscripts are passed through (`self.tags.all()` -> ("tags", "all"))."""

    chain: tuple[str, ...]
    span: Span  # the whole chain expression


@dataclass(frozen=True)
class QueryCall:
    """A call in a method that looks like a query: `Comment.objects.filter(...)`,
    `Model.query.get(...)`, `session.query(...)`, `db.session.execute(...)`, `cursor.execute(...)`.
    `callee` is the call chain as written with calls shown as `()`: "Comment.objects.filter().count"."""

    callee: str
    span: Span


@dataclass(frozen=True)
class MethodDef:
    """A function defined in a model class body: what it reads on `self` and which queries it runs."""

    name: str
    kind: str  # method | property | cached_property | hybrid_property | classmethod | staticmethod | declared_attr | setter
    span: Span  # the function's name
    reads: tuple[SelfRead, ...] = ()  # distinct chains, first occurrence, in source order
    queries: tuple[QueryCall, ...] = ()
    is_async: bool = False


@dataclass(frozen=True)
class ModelDef:
    """A class (or Core table) that is, or may be, an ORM model.

    Recorded classes (module level only):
    - a base resolves to a framework model root (`django.db.models.Model`, the contrib models,
      SQLAlchemy `DeclarativeBase`, a `declarative_base()` object, `db.Model`, `SQLModel`), or
      to a class of this file recorded before it;
    - the body declares ORM attributes (Django fields, `Column`/`mapped_column`/`relationship`,
      `Mapped[...]`, `__tablename__`/`__table__`/`__table_args__`/`__abstract__`), framework
      taken from what it declares (mixins included: `abstract` is True for a class with no bases);
    - candidates, `framework == "unknown"`: a base imported from a module with a `models`/`model`/
      `orm`/`entities`/`db`/`database` part (other than Django's and SQLAlchemy's own), or, in such
      a module, a base imported from the same top-level package. The Project keeps those whose
      bases lead to a model and drops the rest.

    `kind`: `class`; `table` for a module-level `name = Table("t", metadata, ...)` (its fields are
    the columns); `base` for `Base = declarative_base()`; `external` for module-level
    `Index(...)` calls on a model/table this file does not define (`qualname` is that model's
    qualified name, only `indexes` is filled).
    """

    name: str
    qualname: str  # "<module>.<Name>" ("<Name>" when the module is unknown)
    framework: str  # django | sqlalchemy | sqlmodel | unknown
    span: Span  # the class name (the assigned name for tables and bases)
    kind: str = "class"  # class | table | base | external
    bases: tuple[str, ...] = ()  # qualified where resolvable ("django.db.models.Model", "app.db.Base", "<module>.<Local>"), else as written
    abstract: bool = False  # Django Meta.abstract, SQLAlchemy __abstract__ / DeclarativeBase itself / mixin, SQLModel without table=True
    proxy: bool = False  # Django Meta.proxy
    table: str | None = None  # __tablename__ / Meta.db_table / Table name; None: the framework default
    app_label: str | None = None  # Django Meta.app_label
    fields: tuple[FieldDef, ...] = ()
    indexes: tuple[IndexDef, ...] = ()  # Meta/table_args/module-level indexes and constraints, plus one per indexed field (source="field"/"primary_key")
    managers: tuple[tuple[str, str], ...] = ()  # Django: (attribute, constructor as qualified text) e.g. ("objects", "app.managers.EventManager")
    ordering: tuple[str, ...] | None = None  # Django Meta.ordering as written ("-created_at"), expressions as source text
    default_related_name: str | None = None  # Django Meta.default_related_name
    properties: tuple[MethodDef, ...] = ()  # every method / property of the class body
