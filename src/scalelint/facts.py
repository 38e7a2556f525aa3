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


# --- the per-file result -----------------------------------------------------------------


@dataclass(frozen=True)
class ParseProblem:
    message: str
    span: Span


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
