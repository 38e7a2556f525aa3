"""The architecture the repository describes, as the project model found it: which processes
serve requests and with what settings, the database, the pools, task workers, caches,
frameworks and ORMs. Every fact carries the file and line it came from; a setting the
repository leaves to the environment is unknown (`Fact.value is None`), never filled in.

This module asks the model (`project.servers`, `project.pools`, `project.database`,
`project.handlers`, `project.orm`); it parses nothing itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from scalelint.frameworks import caching, tasks
from scalelint.project import is_non_production_path
from scalelint.project.django_caches import configured_caches
from scalelint.project.environment import as_int_value
from scalelint.project.pools import WEB_SERVERS, serving_processes

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.pools import Pool
    from scalelint.project.server_settings import Setting
    from scalelint.project.servers import ServerProcess

Shown = Callable[[str], str]  # a project path as the report prints it (like the findings' paths)


@dataclass(frozen=True)
class Fact:
    value: object | None  # None: the repository does not say
    source: str = ""  # how it was decided: "command line", "config file", "default", "WEB_CONCURRENCY"...
    path: str | None = None
    line: int | None = None

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Process:
    """One command that starts a web server, in one deployment file."""

    server: str
    name: str  # the Procfile process type, compose service, ... or the server's name
    path: str
    line: int
    deployed: bool  # run by a file that exists to deploy (Procfile, Dockerfile, render.yaml, k8s...)
    production: bool
    app: str | None
    workers: Fact
    threads: Fact | None  # None: the server has no such setting (only gunicorn has threads and worker classes)
    worker_class: Fact | None
    instances: Fact
    concurrency: int | str | None  # requests one process serves at once; "unbounded" (async); None unknown
    model: "ServerProcess" = field(repr=False, compare=False)
    launched_by: str | None = None  # `Procfile:1`: the deployment command that runs the script this command is in

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def located(self) -> str:
        """`start.sh:2`, or `start.sh:2 (run by Procfile:1)`."""
        return f"{self.where} (run by {self.launched_by})" if self.launched_by else self.where


@dataclass
class PoolInfo:
    library: str
    path: str
    line: int
    capacity: int | None  # the most connections one process's pool opens; None unknown
    what: str  # "pool_size + max_overflow", "maxconn"...
    defaults: bool  # the library's defaults, nothing in the code sizes it
    processes: list[Process]  # the web processes that use it (none for a pool only scripts open)
    one_off: str | None  # why the code that creates it runs by hand ("a script, run by hand"), if it does
    model: "Pool" = field(repr=False, compare=False)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Named:
    """A component found in the code: a framework, an ORM, a cache client, a task worker."""

    name: str
    detail: str
    path: str
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Architecture:
    processes: list[Process]
    database: Fact  # value: the database's name; source: setting | detected | assumed
    dialect: str
    pools: list[PoolInfo]
    frameworks: list[Named]
    orms: list[Named]
    caches: list[Named]
    workers: list[Named]  # task-queue workers the deployment starts


# servers that serve HTTP but are not production servers: listed so the review shows them
DEV_SERVERS = frozenset({"runserver", "flask-run", "fastapi-dev"})


def serves_http(s: "ServerProcess") -> bool:
    """A process that answers requests: a web server, a development server, a Python program
    whose code starts one (`app.run()`, `uvicorn.run()`), a deployed Node.js process. Other
    commands the model recognises (`python seed.py`, `node scripts/build.js` in a dev
    script) serve nothing."""
    if s.server in WEB_SERVERS or s.server in DEV_SERVERS:
        return True
    if s.server == "python-script":
        return bool(s.started)
    if s.server == "node":
        return s.deployed and (s.launched_by or s.command).web is not False
    return False


def describe(project: "Project", shown: Shown) -> Architecture:
    processes = _distinct([_process(s, shown) for s in project.servers if serves_http(s)])
    by_model = {id(p.model): p for p in processes}
    pools = [_pool(project, pool, by_model, shown) for pool in project.pools]
    return Architecture(
        processes=processes,
        database=_database(project, shown),
        dialect=project.database.dialect,
        pools=pools,
        frameworks=_frameworks(project, shown),
        orms=_orms(project, shown),
        caches=_caches(project, shown),
        workers=_workers(project, shown),
    )


def _distinct(processes: list[Process]) -> list[Process]:
    """One row per command and settings: a script's branches may start the same command twice."""
    seen: set[tuple] = set()
    kept = []
    for p in processes:
        key = (p.server, p.name, p.located, p.production, p.workers, p.threads, p.worker_class, p.instances, p.concurrency)
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


def _fact(setting: "Setting | None", shown: Shown, integer: bool = False) -> Fact:
    if setting is None:
        return Fact(None)
    value = as_int_value(setting.value) if integer else setting.value
    return Fact(value, setting.source, shown(setting.path) if setting.path else None, setting.line)


def _process(s: "ServerProcess", shown: Shown) -> Process:
    path = shown(s.path)
    instances = Fact(s.instances, "deployment file", path, s.span.line) if s.instances is not None else Fact(None)
    launcher = s.launched_by
    launched_by = f"{shown(launcher.path)}:{launcher.argv[0].span.line}" if launcher is not None and launcher.argv else None
    return Process(
        server=s.server,
        name=s.command.process or (launcher.process if launcher is not None else None) or s.label or s.server,
        path=path,
        line=s.span.line,
        deployed=s.deployed,
        production=s.production,
        app=s.app,
        workers=_fact(s.settings.get("workers"), shown, integer=True),
        threads=_fact(s.settings.get("threads"), shown, integer=True) if s.server == "gunicorn" else None,
        worker_class=_fact(s.settings.get("worker_class"), shown) if s.server == "gunicorn" else None,
        instances=instances,
        concurrency=s.concurrency,
        model=s,
        launched_by=launched_by,
    )


def _pool(project: "Project", pool: "Pool", by_model: dict[int, Process], shown: Shown) -> PoolInfo:
    one_off = _one_off(project, pool)
    # serving_processes falls back to every web process when imports cannot show which: not
    # for a pool that only a script or command opens, which no request waits on
    served = [] if one_off else [by_model[id(s)] for s in serving_processes(project, pool) if id(s) in by_model]
    return PoolInfo(
        library=pool.site.library,
        path=shown(pool.path),
        line=pool.span.line,
        capacity=pool.largest,
        what=pool.describe(),
        defaults=pool.site.defaults,
        processes=served,
        one_off=one_off,
        model=pool,
    )


def _one_off(project: "Project", pool: "Pool") -> str | None:
    """Why the pool's code runs by hand (the cost model's reach), or None."""
    from scalelint.project.reach import ONE_OFF, is_one_off_path

    why = is_one_off_path(pool.path)
    if why is None and pool.site.function:
        frequency = project.reaches.of(pool.site.function)
        why = frequency.why if frequency.kind == ONE_OFF else None
    return why


def _database(project: "Project", shown: Shown) -> Fact:
    database = project.database
    if database.evidence:
        first = database.evidence[0]
        return Fact(database.name, f"{database.source}: `{first.what}`", shown(first.path), first.line)
    return Fact(database.name, database.source)


_ENDPOINT_KINDS = ("route", "view", "action")


def _frameworks(project: "Project", shown: Shown) -> list[Named]:
    """The web frameworks whose handlers the model found: how many of each kind (routes,
    views, signal receivers...), and where the first endpoint (else the first handler) is wired."""
    first: dict[str, tuple[bool, str, int]] = {}
    kinds: dict[str, Counter[str]] = {}
    for handler in project.handlers:
        kinds.setdefault(handler.framework, Counter())[handler.kind] += 1
        where = (handler.kind not in _ENDPOINT_KINDS, handler.wired_at or handler.path, handler.span.line)
        first[handler.framework] = min(first.get(handler.framework, where), where)
    found = []
    for framework, (_, path, line) in sorted(first.items()):
        counts = kinds[framework]
        detail = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        found.append(Named(framework, detail, shown(path), line))
    return found


def _orms(project: "Project", shown: Shown) -> list[Named]:
    first: dict[str, tuple[str, int]] = {}
    counts: Counter[str] = Counter()
    for model in project.orm.models.values():
        if model.abstract:
            continue
        counts[model.framework] += 1
        first[model.framework] = min(first.get(model.framework, (model.path, model.span.line)), (model.path, model.span.line))
    return [
        Named(orm, f"{counts[orm]} model{'s' if counts[orm] != 1 else ''}", shown(path), line)
        for orm, (path, line) in sorted(first.items())
    ]


def _caches(project: "Project", shown: Shown) -> list[Named]:
    """The caches Django's production settings configure (CACHES, each alias and its backend),
    then the cache clients the production code imports (the file that imports each first)."""
    configured = [
        Named(f"Django cache `{alias}`", f"`{backend.rsplit('.', 1)[-1]}` (`{backend}`)", shown(path), line)
        for alias, backend, path, line in configured_caches(project)
    ]
    found: dict[str, str] = {}
    for path, facts in sorted(project.modules.values()):
        if is_non_production_path(path):
            continue
        for module in facts.imported_modules:
            name = caching.CACHE_CLIENT_MODULES.get(module.split(".", 1)[0])
            if name is not None and name not in found:
                found[name] = path
    return configured + [Named(name, "client imported", shown(path)) for name, path in sorted(found.items())]


def _workers(project: "Project", shown: Shown) -> list[Named]:
    found = []
    for command in project.commands:
        words = [w.text for w in command.argv]
        queue = tasks.worker_program(words)
        if queue is None or not command.argv:
            continue
        label = command.process or queue
        found.append(Named(queue, f"`{label}`: {' '.join(words)}", shown(command.path), command.argv[0].span.line))
    return found


def web_processes(architecture: Architecture) -> list[Process]:
    """The processes that serve production traffic with a real web server."""
    return [p for p in architecture.processes if p.production and p.server in WEB_SERVERS]
