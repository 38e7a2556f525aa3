"""Connection pools the code creates, with their capacity and the concurrency they must serve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint import limits
from scalelint.facts import Choice, Const, Expr, PoolSite, Span
from scalelint.frameworks import postgres, sqlalchemy
from scalelint.project import is_non_production_path
from scalelint.project import reach as freq

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.servers import ServerProcess

WEB_SERVERS = frozenset({"gunicorn", "uvicorn", "fastapi", "hypercorn", "daphne", "granian", "waitress", "uwsgi"})


@dataclass
class Pool:
    site: PoolSite
    path: str
    capacities: tuple[int, ...] | None  # every capacity the code can end up with; None = unknown

    @property
    def span(self) -> Span:
        return self.site.size_span or self.site.span

    @property
    def smallest(self) -> int | None:
        return min(self.capacities) if self.capacities else None

    @property
    def largest(self) -> int | None:
        return max(self.capacities) if self.capacities else None

    @property
    def at_library_default(self) -> bool:
        """Nobody sized it: SQLAlchemy's 5 + 10 (or Flask-SQLAlchemy's), asyncpg's 10."""
        site = self.site
        return site.defaults or (site.size is None and site.overflow is None and site.library in ("sqlalchemy", "asyncpg"))

    def describe(self) -> str:
        site = self.site
        if site.defaults:
            return "Flask-SQLAlchemy's default pool_size 5 + max_overflow 10: no SQLALCHEMY_ENGINE_OPTIONS anywhere"
        if site.library == "sqlalchemy" and site.size is None and site.overflow is None:
            return "SQLAlchemy's default pool_size 5 + max_overflow 10"
        if site.library in ("sqlalchemy", "flask-sqlalchemy"):
            return "pool_size + max_overflow"
        if site.library == "psycopg2":
            return "maxconn"
        if site.library == "django":
            sized = "max_size" if site.size is not None else "min_size" if dict(site.extra).get("min_size") is not None else "psycopg_pool's default size 4"
            return f"Django's database pool (`OPTIONS[\"pool\"]`), {sized}"
        if site.library == "asyncpg" and site.size is None:
            return "asyncpg's default max_size"
        return "max_size"


def ints(expr: Expr | None) -> tuple[int, ...] | None:
    """Every integer a folded expression can be, or None when any branch is unknown."""
    if isinstance(expr, Const) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
        return (expr.value,)
    if isinstance(expr, Const) and isinstance(expr.value, str) and expr.value.strip().lstrip("-").isdecimal():
        value = int(expr.value)
        return (value,) if abs(value) <= limits.LARGEST_NUMBER else None
    if isinstance(expr, Choice):
        values: list[int] = []
        for option in expr.options:
            branch = ints(option)
            if branch is None:
                return None
            values.extend(branch)
        return tuple(sorted(set(values)))
    return None


def _url_text(expr: Expr | None) -> str:
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Choice):
        return " ".join(_url_text(option) for option in expr.options)
    return getattr(expr, "text", "") or ""


def capacities(site: PoolSite) -> tuple[int, ...] | None:
    if site.poolclass in sqlalchemy.UNSIZED_POOLS:
        return None
    url = _url_text(site.url)
    if url.startswith("sqlite") or postgres.behind_external_pooler(url):
        return None
    if site.library in ("sqlalchemy", "flask-sqlalchemy"):
        sizes = ints(site.size) if site.size is not None else (sqlalchemy.POOL_SIZE_DEFAULT,)
        overflows = ints(site.overflow) if site.overflow is not None else (sqlalchemy.MAX_OVERFLOW_DEFAULT,)
        if sizes is None or overflows is None or any(o < 0 for o in overflows) or any(s <= 0 for s in sizes):
            return None  # unknown, unlimited overflow, or pool_size=0 (no limit)
        return tuple(sorted({s + o for s in sizes for o in overflows}))
    if site.library in ("psycopg", "django"):
        if site.size is not None:
            return ints(site.size)
        minimum = dict(site.extra).get("min_size")
        return ints(minimum) if minimum is not None else (postgres.PSYCOPG_POOL_MIN_DEFAULT,)
    if site.library == "asyncpg":
        return ints(site.size) if site.size is not None else (postgres.ASYNCPG_MAX_DEFAULT,)
    if site.library == "psycopg2":
        return ints(site.size) if site.size is not None else None
    return None


def find_pools(project: "Project") -> list[Pool]:
    pools = []
    for path, facts in sorted(project.files.items()):
        if facts.python is None or is_non_production_path(path):
            continue
        for site in facts.python.pools:
            pools.append(Pool(site, path, capacities(site)))
    if any(p.site.defaults for p in pools) and _sized_elsewhere(project, pools):
        pools = [p for p in pools if not p.site.defaults]
    return pools + _django_pools(project)


def _django_pools(project: "Project") -> list[Pool]:
    """Django 5.1's `OPTIONS: {"pool": ...}` (a psycopg pool per process) in the production
    settings: `True` takes psycopg_pool's defaults (max_size = min_size = 4)."""
    pools = []
    for settings in project.django.production_settings:
        if not settings.databases_known or settings.databases_path is None:
            continue
        for db in settings.databases:
            if not db.has_pool:
                continue
            options = dict(db.extra)
            unread = "OPTIONS" in options  # OPTIONS built in a way we cannot read
            site = PoolSite(
                library="django",
                is_async=False,
                size=options.get("max_size"),
                overflow=None,
                poolclass=None,
                url=None,
                span=db.span,
                size_span=db.span,
                function=None,
                extra=tuple((k, v) for k, v in db.extra if k == "min_size"),
            )
            pools.append(Pool(site, settings.databases_path, None if unread else capacities(site)))
    return pools


def _sized_elsewhere(project: "Project", pools: list[Pool]) -> bool:
    """Flask-SQLAlchemy's defaults hold only if no config anywhere may set the pool: no
    SQLALCHEMY_* pool key (read or not) and no config loaded from a file or the environment."""
    if any(p.site.library == "flask-sqlalchemy" and not p.site.defaults for p in pools):
        return True
    return any(f.python is not None and f.python.pool_config_hint for f in project.files.values())


def built_per_call(project: "Project", pool: Pool) -> bool:
    """The pool is built inside a function that runs per request, per task run or per command
    (`engine = create_engine(URL)` in a view's helper): each call has a pool of its own, so its
    size bounds nothing (connection-per-request, SCL303, is what costs)."""
    if pool.site.function is None:
        return False
    module = project.module_at(pool.path)
    qualname = f"{module.module}.{pool.site.function}" if module is not None and module.module else pool.site.function
    kind = project.costs.frequency(qualname, pool.path).kind
    return kind in (freq.REQUEST, freq.ADMIN, freq.TASK, freq.ONE_OFF)


def serving_processes(project: "Project", pool: Pool) -> list["ServerProcess"]:
    """The production web processes that (may) use this pool: those whose app imports the
    pool's module when that can be shown, else every production web process."""
    web = [s for s in project.servers if s.production and s.server in WEB_SERVERS]
    module = project.module_at(pool.path)
    if not web or module is None:
        return web
    reaching = []
    for server in web:
        app_module = (server.app or "").strip("'\"").partition(":")[0]
        if app_module and module.module in project.reachable_modules(app_module):
            reaching.append(server)
    return reaching or web


def demand_is_ceiling(processes: list["ServerProcess"]) -> bool:
    """Every process's demand is a limit nobody chose (async, gevent's default connections)."""
    return bool(processes) and all(p.concurrency_is_ceiling for p in processes)


def demand(processes: list["ServerProcess"]) -> int | str | None:
    """Requests one process serves at once across the given processes: the largest int,
    "unbounded" when any is async without a limit, None when any is unknown."""
    if not processes:
        return None
    values = [p.concurrency for p in processes]
    if any(v is None for v in values):
        return None
    if any(v == "unbounded" for v in values):
        return "unbounded"
    return max(values)  # type: ignore[type-var]
