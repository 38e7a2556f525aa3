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


def _compact(cls):
    """Pickle as (class, field values): facts are pickled by the process pool and the cache,
    and these small objects are the many. About 3x smaller and faster than the default state dict."""
    names = tuple(f for f in cls.__dataclass_fields__)

    def __reduce__(self):
        return (cls, tuple(getattr(self, n) for n in names))

    cls.__reduce__ = __reduce__
    return cls


@_compact
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
    guards: tuple["Guard", ...] = ()  # shell scripts: the `case`/`if` branches the command sits in, outermost first
    open_args: bool = False  # the runtime may pass it more arguments (an ENTRYPOINT with no CMD)
    entry_words: int = 0  # Dockerfile: how many leading words of argv are the exec-form ENTRYPOINT
    image: str | None = None  # compose: the project Dockerfile whose ENTRYPOINT is handed this command
    stage: str | None = None  # Dockerfile: the name of the (last) build stage whose CMD this is


@dataclass(frozen=True)
class Guard:
    """A script branch: the command runs when `subject` (`$1`, `$ROLE`, as written) matches
    one of `patterns` (shell globs) and none of `excluded` (the branches tried before it)."""

    subject: str
    patterns: tuple[str, ...]
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImageRun:
    """A service that runs an image's default command (compose service with `build:` and no
    `command:`, a k8s container with no `command`/`args`, render `env: docker`, fly app).
    Its environment reaches the Dockerfile's CMD. Source `app.json` (Heroku's app manifest) is
    the environment of the Procfile's processes instead."""

    path: str
    source: str
    process: str | None
    env: tuple[EnvSetting, ...] = ()
    env_opaque: bool = False
    dockerfile: str | None = None  # project-relative Dockerfile when the file names one / a build context
    context: Context = "unknown"
    instances: int | None = None
    image: str | None = None  # the image a manifest names (`postgres:16`), when it names one
    target: str | None = None  # compose `build: target:`: the Dockerfile stage the service runs


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
    # None: script code (module level, the main guard, a module function they call); else the
    # function it is in, which starts the server only when something calls it (a CLI command)
    function: str | None = None


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
    # nothing here sizes the pool: the library's defaults apply unless configuration elsewhere does
    # (`SQLAlchemy(app)` with no engine options, which SQLALCHEMY_* config may still size)
    defaults: bool = False


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
    # module-level code sets module names it does not write out: `locals()[key] = value`,
    # `globals().update(...)` (a gunicorn.conf.py that copies every GUNICORN_* variable in),
    # `exec(...)` of another file's text, django-split-settings' `include(...)`
    names_set_dynamically: bool = False
    env_defaults: tuple[tuple[str, str], ...] = ()  # os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")
    has_main_guard: bool = False
    # the module names pool configuration or loads config from where the facts cannot follow
    # (`from_envvar`, `from_pyfile`, SQLALCHEMY_* keys), so a default pool may be sized there
    pool_config_hint: bool = False
    models: tuple["ModelDef", ...] = ()  # ORM models, mixins, Core tables (see ModelDef)
    functions: tuple["FunctionFacts", ...] = ()  # every function and method, with its loops and uses
    # request handlers as this file wires them (scalelint.python.routes; resolved by scalelint.project.handlers)
    routes: tuple["RouteSite", ...] = ()
    route_objects: tuple["RouteObject", ...] = ()
    classes: tuple["ClassFacts", ...] = ()  # module-level classes with bases or view/serializer attributes
    setting_entries: tuple["SettingEntry", ...] = ()  # MIDDLEWARE, context processors, REST_FRAMEWORK pagination
    migration: "MigrationFacts | None" = None  # Alembic revision / Django migration (scalelint.python.migrations)
    # SQLAlchemy composite foreign keys (`ForeignKeyConstraint` of two or more columns) of the
    # module's classes ("<module>.<Class>") and Core tables ("table:<name>"), which ModelDef keeps per column
    composite_keys: tuple[tuple[str, "ForeignKeyDDL"], ...] = ()
    # module-level names bound to SQL text (a constant, a concatenation, an f-string, `text("...")`)
    # or to a `.sql` file's path, as symbolic values the query evaluation reads where they are used
    sql_values: tuple[tuple[str, "Sym"], ...] = ()
    class_members: tuple["ClassMembers", ...] = ()  # module-level classes' class-level bindings (scalelint.python.members)
    field_classes: tuple["FieldClass", ...] = ()  # module-level Django field classes whose constructor forces options


# --- the per-file result -----------------------------------------------------------------


@dataclass(frozen=True)
class ParseProblem:
    message: str
    span: Span
    severity: str = "error"  # "info" for files skipped on purpose (too large), not broken

    @property
    def needs_newer_python(self) -> bool:
        """The file is fine; the interpreter running scalelint is older than the project's."""
        return self.message.startswith(NEWER_PYTHON)

    @property
    def python2(self) -> bool:
        """The file is Python 2: it cannot run on the Python 3 that serves the app."""
        return self.message.startswith(PYTHON2)


NEWER_PYTHON = "needs a newer Python"
PYTHON2 = "Python 2 syntax"


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
    template: "TemplateFacts | None" = None
    schema: "MigrationFacts | None" = None  # `.sql` files: their DDL (scalelint.schema_sql)
    databases: list["DatabaseHint"] = field(default_factory=list)  # what the file says about the database server


@dataclass(frozen=True)
class DatabaseHint:
    """A place that says which database server the application talks to: a database image a
    compose file or manifest runs (`image: mariadb:10.11`), a connection URL
    (`DATABASE_URL=mysql://...`, `create_engine("postgresql+psycopg://...")`), a Django
    `ENGINE`, a hosting add-on (`heroku-postgresql`). `scalelint.project.database` weighs them."""

    dialect: str  # postgres | mysql | sqlite | mssql | oracle
    evidence: str  # as written, for messages: "image: mariadb:10.11", "mysql+pymysql://..."
    span: Span
    context: Context = "unknown"  # development for dev/test files, settings and config classes


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
    db_constraint: bool = True  # Django `db_constraint=False`: a relation with no FOREIGN KEY in the database
    column: str | None = None  # the database column when written: db_column, Column("name", ...), mapped_column("name")
    collection: bool | None = None  # the attribute holds many rows (M2M, list annotation, uselist=True, secondary); None: decided by where the FK is
    # SQLAlchemy relationship loading (None for other kinds)
    lazy: str | None = None  # normalised strategy: the default "select" when not given; True/False/None -> select/joined/noload; None when unreadable
    uselist: bool | None = None  # as written
    back_populates: str | None = None
    backref: str | None = None  # backref="x" or backref("x", ...)
    backref_lazy: str | None = None  # lazy= given inside backref("x", lazy=...)
    secondary: str | None = None  # association table: string as written, or a name (qualified as `target`)
    # the row's creation time is filled in (Django `auto_now_add=True` or `default=timezone.now`,
    # SQLAlchemy `default=datetime.utcnow` / `server_default=func.now()`): rows are written as things happen
    stamped: bool = False


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


# --- values inside functions (queries, loops, calls) -------------------------------------
# Per-file extraction writes what each function computes as a small symbolic tree: local
# variables are replaced by what was assigned to them, so `qs = Event.objects.all();
# qs = qs.select_related("org"); for e in qs: e.org.name` is recorded as one read whose root
# is `Each(Call(Attr(Call(Attr(Attr(Name("shop.models.Event"), "objects"), "all")), ...)))`.
# What those trees *mean* (a queryset of Event, a lazy relation) is the Project's work, with
# every file's models in hand (scalelint.project.queries).
# They are treated as immutable, but are plain slotted (unhashable) classes: every
# statement of every function builds some, and frozen dataclasses cost three times as much.


@_compact
@dataclass(slots=True)
class SName:
    """A global: qualified through the imports ("shop.models.Event", "django.shortcuts.render"),
    a module-level definition of this file ("<module>.helper"), or a builtin ("builtins.len")."""

    qual: str


@_compact
@dataclass(slots=True)
class SParam:
    """The function's own parameter (`self` is index 0 of a method)."""

    index: int
    name: str


@_compact
@dataclass(slots=True)
class SAttr:
    obj: "Sym"
    name: str
    span: Span  # the whole `obj.name` expression


@_compact
@dataclass(slots=True)
class SCall:
    func: "Sym"
    args: tuple["Sym", ...]
    kwargs: tuple[tuple[str, "Sym"], ...]  # `**x` as ("**", x)
    span: Span  # the whole call
    # the innermost loop of the function where the call is written: a call assigned before a
    # loop and used inside it (substituted into the loop's reads) still runs once
    loop: int | None = None


@_compact
@dataclass(slots=True)
class SConst:
    value: object  # str | int | float | bool | None | bytes (not containers)


@_compact
@dataclass(slots=True)
class SEach:
    """One element of iterating `of` in loop `loop` (the loop target, or a tuple part of it via SIndex)."""

    of: "Sym"
    loop: int


@_compact
@dataclass(slots=True)
class SIndex:
    """`obj[key]`; a slice is `key=SSlice`."""

    obj: "Sym"
    key: "Sym"
    span: Span


@_compact
@dataclass(slots=True)
class SSlice:
    lower: "Sym | None"
    upper: "Sym | None"


@_compact
@dataclass(slots=True)
class SSeq:
    """A list/tuple/set display (`kind` list|tuple|set); `[x for ...]` is SComp."""

    kind: str
    elts: tuple["Sym", ...]


@_compact
@dataclass(slots=True)
class SDict:
    items: tuple[tuple["Sym", "Sym"], ...]  # `**x` as (SConst(None), x)


@_compact
@dataclass(slots=True)
class SComp:
    """A comprehension / generator expression: `parts` (element, conditions) run once per
    element of loop `loop` (whose iterable is in the function's `loops`)."""

    kind: str  # list | set | dict | generator
    loop: int
    parts: tuple["Sym", ...]
    span: Span


@_compact
@dataclass(slots=True)
class SOp:
    """Any other expression: its operands, so what they read is still seen (`a + b`,
    `x if c else y` is SOneOf, `not q`, `await x` is its operand)."""

    op: str  # the ast class name: BinOp, Compare, BoolOp, Not, JoinedStr, ...; "Truth" for a condition
    operands: tuple["Sym", ...]
    ops: tuple[str, ...] = ()  # Compare: the operators between the operands ("Gt", "Eq", "In")
    span: Span | None = None  # Truth: the condition


@_compact
@dataclass(slots=True)
class SOneOf:
    """A local that holds one of several values depending on the path taken."""

    options: tuple["Sym", ...]


@_compact
@dataclass(slots=True)
class SUnknown:
    pass


Sym = Union[SName, SParam, SAttr, SCall, SConst, SEach, SIndex, SSlice, SSeq, SDict, SComp, SOp, SOneOf, SUnknown]


@_compact
@dataclass(frozen=True)
class LoopDef:
    """A `for` statement or comprehension generator. `iter` is evaluated once, in loop `parent`."""

    id: int  # unique within the function, from 0
    iter: Sym
    span: Span  # the iterable expression
    parent: int | None  # the enclosing loop of this function (None: not in a loop)
    kind: str  # for | async_for | comprehension | while


@_compact
@dataclass(frozen=True)
class Use:
    """An expression a statement evaluates (an expression statement, an assignment's value, a
    return value, an `if`/`while` test, a `with` item, a call argument...), recorded when it can
    matter to a rule: it reads a loop element or a parameter, or calls something."""

    sym: Sym
    loop: int | None  # innermost loop of this function the statement sits in
    binding: bool = False  # the value only given a local name (`qs = ...`): where the name is read, the value is


@_compact
@dataclass(frozen=True)
class FunctionFacts:
    qualname: str  # "<module>.func", "<module>.Class.method", "<module>.outer.inner"
    name: str
    span: Span  # the name in `def name`
    params: tuple[str, ...]  # positional-or-keyword parameters, `self`/`cls` included; then keyword-only
    is_async: bool
    decorators: tuple[str, ...] = ()  # qualified where imports allow ("functools.cached_property"), else as written
    guards: tuple[str, ...] = ()  # names and short strings the decorators' arguments mention (`@requires(IsAdmin)` -> "IsAdmin")
    class_name: str | None = None  # the enclosing class's qualname for methods
    loops: tuple[LoopDef, ...] = ()
    uses: tuple[Use, ...] = ()
    returns: tuple[Sym, ...] = ()  # return (and yield) values that are not constants
    awaited: tuple[Span, ...] = ()  # calls written directly under `await` (their spans)
    excepts: tuple[tuple[int, int], ...] = ()  # the lines of each `except` block's body (first, last): code run on an error
    # `if include_members:` / `if not flag:` on a parameter: (its index, the truth the branch
    # needs, first line, last line), so a caller passing `include_members=False` skips it
    flag_branches: tuple[tuple[int, bool, int, int], ...] = ()
    globals: tuple[str, ...] = ()  # names the function declares `global`
    # what the call graph's type inference reads (scalelint.project.types): parameter
    # annotations and call defaults (`svc: Service = Depends(get_service)`) by parameter index,
    # the return annotation, and what a method assigns to attributes of `self`
    annotations: tuple[tuple[int, Sym], ...] = ()  # a string annotation is parsed: `"User"` is SName
    defaults: tuple[tuple[int, Sym], ...] = ()  # defaults that are calls (`Depends(f)`, `Query(None)`)
    return_annotation: "Sym | None" = None
    self_attrs: tuple["SelfAttr", ...] = ()
    local_types: tuple[tuple[Sym, Sym], ...] = ()  # `x: Model = value`: (the value, the annotation); the value is the same object the uses hold


@_compact
@dataclass(frozen=True)
class SelfAttr:
    """`self.name = value` (or `self.name: T = value`) in a method: the value with the method's
    locals substituted; `annotation` when the target is annotated."""

    name: str
    value: Sym
    annotation: "Sym | None" = None


@_compact
@dataclass(frozen=True)
class Member:
    """A class-level binding the type inference reads: `repo = Repo()` (`kind` "call", `sym` the
    callee), `form = LoginForm` ("value", the name), `repo: Repo` ("annotation", the annotation)."""

    name: str
    kind: str  # call | value | annotation
    sym: Sym


@_compact
@dataclass(frozen=True)
class FieldClass:
    """A project's own Django field class and what its `__init__` always passes to its base
    (scalelint.python.field_classes): `forced` wins over the call's own keywords, `defaults` do not."""

    qualname: str  # "<module>.<Class>"
    base: str  # the base field class, last name: "CharField"
    forced: tuple[tuple[str, bool], ...] = ()  # (("unique", True),)
    defaults: tuple[tuple[str, bool], ...] = ()


@_compact
@dataclass(frozen=True)
class ClassMembers:
    qualname: str
    members: tuple[Member, ...]


# --- templates (Django, Jinja2) ----------------------------------------------------------


@_compact
@dataclass(frozen=True)
class TemplateLoop:
    """`{% for e in events %}`: `targets` the loop variables (("e",), ("k", "v")), `iter` the
    iterable as a chain of names (("events",), ("event", "tags", "all")); `parent` the index of
    the enclosing loop in `loops`."""

    targets: tuple[str, ...]
    iter: tuple[str, ...]
    span: Span  # the iterable
    parent: int | None


@_compact
@dataclass(frozen=True)
class TemplateRead:
    """A variable chain the template reads (`{{ e.organizer.name }}`, `{% if e.tags.all %}`,
    `e.tags.all()` in Jinja2 (a call is kept as its name)); `loop` is the innermost enclosing loop."""

    chain: tuple[str, ...]
    span: Span  # the whole chain
    loop: int | None


@_compact
@dataclass(frozen=True)
class TemplateInclude:
    """`{% include "row.html" with e=event only %}` (a string literal name): where it is, the
    innermost loop around it, the names it binds to chains of this template (a value that is
    no chain is left out), and whether `only` keeps the rest of the context out."""

    name: str
    span: Span
    loop: int | None
    binds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    only: bool = False


@_compact
@dataclass(frozen=True)
class TemplateFacts:
    engine: str  # django | jinja2
    loops: tuple[TemplateLoop, ...] = ()
    reads: tuple[TemplateRead, ...] = ()
    extends: str | None = None  # `{% extends "base.html" %}`
    includes: tuple[TemplateInclude, ...] = ()


# --- request handlers, as one file wires them --------------------------------------------
# What a file says; whether it is a handler (the receiver really is a Flask app, the class
# really derives from a DRF viewset, the middleware is listed in the production settings) is
# decided by the Project, which sees every file (scalelint.project.handlers).


@_compact
@dataclass(frozen=True)
class RouteSite:
    """One place that may wire a callable as a request handler: a decorator, a registration
    call, a `urlpatterns` entry, a signal connection, a `Depends(...)`.

    `via` is a method name when the wiring is a method of an object (`route`, `get`,
    `add_url_rule`, `register`, `connect`, `simple_tag`, `middleware`, `add_middleware`,
    `before_request`...; `receiver` is then that object), else the qualified function or class
    (`django.urls.path`, `django.dispatch.receiver`, `rest_framework.decorators.api_view`,
    `rest_framework.decorators.action`, `fastapi.Depends`, `starlette.routing.Route`,
    `starlette.middleware.Middleware`), or `annotation` (a parameter annotated with a name that
    may be an `Annotated[..., Depends(f)]` alias).
    """

    via: str
    target: str | None  # what is wired: the decorated def's qualname, or the referenced callable qualified ("shop.views.index"); for `connect`/`receiver` the function
    span: Span  # the decorator, the call, the `path(...)` entry
    receiver: str | None = None  # the object of a method wiring, qualified ("shop.app", "shop.create_app.app", "shop.init.app" for a parameter)
    route: str | None = None  # the URL rule / router prefix when a string literal
    methods: tuple[str, ...] = ()  # HTTP methods as given (`methods=[...]`, `api_view([...])`), upper-case
    as_view: bool = False  # `Cls.as_view(...)`: the target is a class-based view
    args: tuple[str, ...] = ()  # signals of `receiver`/`connect` (qualified); `as_view({"get": "list"})` as "get=list"
    owner: str | None = None  # Depends/annotation: the function (or alias name) whose parameter declares it; None for `dependencies=[...]`


@_compact
@dataclass(frozen=True)
class RouteObject:
    """A name bound to a call that may build a routing object: `app = Flask(__name__)`,
    `bp = Blueprint(...)`, `router = APIRouter()`, `register = template.Library()`,
    `app = create_app()`; or a parameter annotated with such a class (`def init(app: Flask)`)."""

    qualname: str  # "shop.app"; a function's local or parameter: "shop.create_app.app"
    constructor: str  # the callee (or annotation) qualified through the imports / this module
    span: Span


@_compact
@dataclass(frozen=True)
class ClassFacts:
    """A module-level class with bases, or with attributes a view or serializer reads.
    Its methods are in `PythonFacts.functions` (their `class_name` is this `qualname`)."""

    qualname: str
    name: str
    span: Span  # the class name
    bases: tuple[str, ...] = ()  # qualified where imports allow, "<module>.<Name>" for this file's names, else as written
    attributes: tuple[tuple[str, "Sym"], ...] = ()  # class-level `queryset = ...`, `serializer_class`, `pagination_class`, `model`, `paginate_by`, `page_size`, ...
    method_fields: tuple[tuple[str, str, Span], ...] = ()  # DRF `x = SerializerMethodField()`: (field, method name, the field's span)
    decorators: tuple[str, ...] = ()  # qualified callees; a decorator factory's first argument in parentheses: `...method_decorator(...cache_page)`
    # serializer fields that read through the row: `code = CharField(source="user.code")`, a nested
    # `creator = TeamSerializer()`: (field, the attribute path read, many=True, the field's span)
    field_reads: tuple[tuple[str, str, bool, Span], ...] = ()


@_compact
@dataclass(frozen=True)
class SettingEntry:
    """A Django setting that names code run per request, or DRF's pagination default, as one
    settings module writes it: `MIDDLEWARE` / `MIDDLEWARE_CLASSES` (dotted strings),
    `TEMPLATES.context_processors`, `REST_FRAMEWORK.DEFAULT_PAGINATION_CLASS`,
    `REST_FRAMEWORK.PAGE_SIZE`; `REST_FRAMEWORK` with no values marks the whole dict replaced."""

    name: str
    values: tuple[Expr, ...]  # a list's items, or the one value
    span: Span
    extend: bool = False  # `+=`, `.append()`, `.insert()`, `[...] + MIDDLEWARE`: added to what is already set


# --- schema ------------------------------------------------------------------------------
# What one file says about the database schema, as written and in order: the DDL statements of
# a `.sql` file, the operations of an Alembic or Django migration. Merging them in migration
# order (with drops and renames) and with the ORM models into one schema per repository is the
# Project's work (scalelint.project.schema). Table, column and index names are lower-cased
# unless quoted; a schema prefix (`public.users`) is dropped.


@_compact
@dataclass(frozen=True)
class ColumnDDL:
    """A column as CREATE TABLE / ADD COLUMN / `sa.Column(...)` / a Django field declares it."""

    name: str  # the database column (`organizer_id` for Django's `organizer` ForeignKey)
    span: Span  # its name
    primary_key: bool = False
    unique: bool = False
    index: bool = False  # `index=True`, Django `db_index` (a ForeignKey's own index included)
    nullable: bool | None = None
    # the referenced table as written: "users" / "users.id" (SQL, Alembic), a Django model
    # reference ("shop.Organizer", "settings.AUTH_USER_MODEL", "Organizer" for this app's)
    references: str | None = None
    ref_span: Span | None = None  # the REFERENCES clause / `sa.ForeignKey(...)` / the field call
    field: str | None = None  # Django: the field name when it differs from the column


@_compact
@dataclass(frozen=True)
class IndexDDL:
    """An index (or a unique / primary-key constraint, which is backed by one)."""

    columns: tuple[str, ...]  # column names (Django: field names); an expression's SQL text
    span: Span  # the statement / the call
    name: str | None = None
    unique: bool = False
    primary: bool = False
    method: str | None = None  # USING gin / postgresql_using / GinIndex; None: the default (btree)
    where: str | None = None  # partial index predicate, SQL / source text
    expressions: bool = False  # some member is an expression (`lower(email)`)
    concurrently: bool = False  # CREATE INDEX CONCURRENTLY / postgresql_concurrently=True / AddIndexConcurrently
    constraint: bool = False  # a UNIQUE / PRIMARY KEY constraint rather than CREATE INDEX


@_compact
@dataclass(frozen=True)
class ForeignKeyDDL:
    columns: tuple[str, ...]
    ref_table: str | None  # None: written in a way we cannot read
    ref_columns: tuple[str, ...]  # () = the referenced table's primary key
    span: Span
    name: str | None = None


@_compact
@dataclass(frozen=True)
class SchemaOp:
    """One schema change.

    `op`: create_table | drop_table | rename_table | add_column | drop_column | alter_column |
    rename_column | create_index | drop_index | rename_index | add_foreign_key | add_constraint |
    drop_constraint | set_unique_together | set_index_together | opaque.
    Django operations name the model (`model`, lower-case) and leave `table` None: the table
    is the app's and the model's (or `db_table`), which the Project works out.
    `opaque` is a call we cannot read that may change the table(s) named in `names`."""

    op: str
    span: Span
    table: str | None = None
    model: str | None = None  # Django model name, lower-case
    columns: tuple[ColumnDDL, ...] = ()
    indexes: tuple[IndexDDL, ...] = ()
    foreign_keys: tuple[ForeignKeyDDL, ...] = ()
    name: str | None = None  # what is dropped / renamed / altered (old name); db_table of a Django CreateModel
    new_name: str | None = None
    names: tuple[str, ...] = ()  # opaque: tables it may touch; together sets: member names joined by ","
    via: str = ""  # as written, for messages: "op.create_index", "batch_op.add_column", "AddIndex", "RunSQL", "sql"
    autocommit: bool = False  # Alembic: inside `op.get_context().autocommit_block()`


@_compact
@dataclass(frozen=True)
class MigrationFacts:
    """A file that changes the schema: `.sql` DDL, an Alembic revision or a Django migration."""

    style: str  # sql | alembic | django
    ops: tuple[SchemaOp, ...] = ()
    revision: str | None = None  # Alembic revision id; Django migration name ("0002_event_index")
    parents: tuple[str, ...] = ()  # Alembic down_revision(s); Django dependencies as "app_label.name"
    replaces: tuple[str, ...] = ()  # Django squashed migrations: "app_label.name"
    atomic: bool = True  # Django `atomic = False` makes it False
    span: Span | None = None  # the revision assignment / the Migration class
    run_before: tuple[str, ...] = ()  # Django `run_before` as "app_label.name": those depend on this one
    depends_on: tuple[str, ...] = ()  # Alembic `depends_on`: revisions or branch labels this one needs
    branch_labels: tuple[str, ...] = ()  # Alembic `branch_labels`
    created: str | None = None  # "2024-05-31": when it was generated (Django's header, Alembic's `Create Date:`)
