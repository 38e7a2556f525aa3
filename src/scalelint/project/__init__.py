"""The Project model: every file's facts merged, and what they add up to (servers, pools,
Django settings). Rules ask the model; the model's parts are computed once, on first use."""

from __future__ import annotations

import posixpath
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from scalelint import reading
from scalelint.facts import DeployCommand, FileFacts, ImageRun, ParseProblem, PythonFacts, Suppression

if TYPE_CHECKING:
    from scalelint.config import Settings
    from scalelint.project.costs import CostModel
    from scalelint.project.callgraph import CallGraph
    from scalelint.project.cardinality import Tables
    from scalelint.project.costs import CostModel
    from scalelint.project.reach import Reaches
    from scalelint.project.django import DjangoModel
    from scalelint.project.handlers import Handlers
    from scalelint.project.orm import Orm
    from scalelint.project.pools import Pool
    from scalelint.project.database import Database
    from scalelint.project.schema import Schema
    from scalelint.project.query_classes import QueryClasses
    from scalelint.project.unapplied import UnappliedMigrations
    from scalelint.project.servers import ServerProcess

# Code under these directories does not serve production traffic: tests, docs and examples,
# and migrations, which run once per deploy rather than per request.
NON_PRODUCTION_DIRS = frozenset(
    {
        "tests", "test", "testing", "docs", "doc", "examples", "example", "samples", "sample",
        "demo", "demos", "benchmarks", "fixtures", "migrations", "alembic",
        "__tests__", "__mocks__", "e2e", "cypress", "playwright",
    }
)


def is_non_production_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(part in NON_PRODUCTION_DIRS or _test_folder(part) for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("conftest.py", "tests.py")
        or ".test." in name
        or ".spec." in name
    )


def _test_folder(part: str) -> bool:
    """`e2etests`, `e2e_tests`, `integration_tests`, `api-tests` (not `contests`)."""
    return part.startswith("e2e") or part.endswith(("_tests", "-tests"))


class Project:
    def __init__(self, root: Path, files: dict[str, FileFacts], settings: "Settings", named_files: frozenset[str] = frozenset()):
        self.root = root
        self.files = files
        self.settings = settings
        # project-relative paths the user named as files on the command line, as pre-commit
        # names each changed file; a directory named (`scalelint .`) names none
        self.named_files = named_files

    @classmethod
    def build(cls, root: Path, files: dict[str, FileFacts], settings: "Settings", named_files: frozenset[str] = frozenset()) -> "Project":
        return cls(root, files, settings, named_files)

    # --- files -------------------------------------------------------------------------

    def suppressions(self, path: str) -> list[Suppression]:
        facts = self.files.get(path)
        return facts.suppressions if facts else []

    def problems(self) -> Iterator[tuple[str, ParseProblem]]:
        for path, facts in self.files.items():
            for problem in facts.problems:
                yield path, problem

    def resolve_path(self, written: str, relative_to: str = "") -> str | None:
        """A path as a deployment file writes it (`./entrypoint.sh`, `/app/gunicorn.conf.py`,
        `config/gunicorn.py`) to a project file: next to the file that names it, at the root,
        or (for absolute container paths) the one project file whose path it ends with."""
        written = written.strip().strip("'\"")
        if not written:
            return None
        base = posixpath.dirname(relative_to)
        if not written.startswith("/"):
            for candidate in (posixpath.normpath(posixpath.join(base, written)), posixpath.normpath(written)):
                if candidate in self.files:
                    return candidate
        parts = [p for p in written.split("/") if p not in ("", ".")]
        for size in range(len(parts), 0, -1):
            suffix = "/".join(parts[-size:])
            matches = [p for p in self.files if p == suffix or p.endswith("/" + suffix)]
            if len(matches) == 1:
                return matches[0]
            if matches:
                near = [p for p in matches if p.startswith(base)] if base else []
                if len(near) > 1:  # `/start` named by compose/production/django/entrypoint
                    near = [p for p in near if posixpath.dirname(p) == base]
                return near[0] if len(near) == 1 else None
        return None

    def source(self, path: str) -> str | None:
        """The text of a project file, read once (for what the facts do not hold: the user's
        own spelling of an expression, module-level code). None when it cannot be read."""
        cache = self._sources
        if path not in cache:
            try:
                cache[path] = reading.read_text(self.root / path, errors="replace")
            except OSError:
                cache[path] = None
        return cache[path]

    def text_at(self, path: str, span) -> str | None:
        """The source text a one-line span covers, for messages and fixes that quote the
        user's own code (`qs.exists()` rather than what `qs` was built from)."""
        if span.line != span.end_line:
            return None
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = (self.source(path) or "").splitlines()
        if not 0 < span.line <= len(lines):
            return None
        return lines[span.line - 1][span.column - 1 : span.end_column - 1] or None

    @cached_property
    def _sources(self) -> dict[str, str | None]:
        return {}

    @cached_property
    def _lines(self) -> dict[str, list[str]]:
        return {}

    # --- Python modules ----------------------------------------------------------------

    @cached_property
    def modules(self) -> dict[str, tuple[str, PythonFacts]]:
        """Dotted module name → (path, facts), for every Python file that parsed."""
        table = {}
        for path, facts in self.files.items():
            if facts.python is not None and facts.python.module:
                table[facts.python.module] = (path, facts.python)
        return table

    def find_module(self, dotted: str) -> tuple[str, PythonFacts] | None:
        """A module by its import name, allowing for a layout root the path does not show
        (`backend/app/main.py` is imported as `app.main`)."""
        if not dotted:
            return None
        if dotted in self.modules:
            return self.modules[dotted]
        for alias, target in self.script_aliases:
            if dotted == alias or dotted.startswith(alias + "."):
                found = self.find_module(target + dotted[len(alias) :] if target else dotted[len(alias) + 1 :])
                if found is not None:
                    return found
        tail = "." + dotted
        candidates = self._modules_by_last_part.get(dotted.rpartition(".")[2], ())
        matches = [name for name in candidates if name.endswith(tail)]
        if len(matches) == 1:
            return self.modules[matches[0]]
        return None

    @cached_property
    def script_aliases(self) -> tuple[tuple[str, str], ...]:
        """tsconfig.json `compilerOptions.paths` (`"@shared/*": ["./shared/*"]`) as dotted module
        prefixes: ("@shared", "shared"). Read from the tsconfig files of the repository."""
        from scalelint.project.tsconfig import aliases

        return aliases(self)

    @cached_property
    def _modules_by_last_part(self) -> dict[str, list[str]]:
        # find_module is asked about every name a rule meets, most of them not the project's
        index: dict[str, list[str]] = {}
        for name in self.modules:
            index.setdefault(name.rpartition(".")[2], []).append(name)
        return index

    def resolve(self, qual: str) -> str | None:
        """The canonical qualified name of the project definition `qual` names, following
        re-exports (`shop.Event` -> `shop.models.Event`); None when the project does not define it."""
        from scalelint.project.names import resolve

        cache = self._resolved
        if qual not in cache:
            cache[qual] = resolve(self, qual)
        return cache[qual]

    @cached_property
    def _resolved(self) -> dict[str, str | None]:
        return {}

    def module_at(self, path: str) -> PythonFacts | None:
        facts = self.files.get(path)
        return facts.python if facts else None

    def python_file(self, written: str, relative_to: str = "") -> tuple[str, PythonFacts] | None:
        """A file a server reads as Python whatever its name (`gunicorn -c deploy/gunicorn.conf`):
        the project file the path names, read as Python if discovery gave it another kind."""
        path = self.resolve_path(written, relative_to)
        if path is None:
            clean = posixpath.normpath(written.strip().strip("'\""))
            candidates = [posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), clean)), clean]
            path = next((c for c in candidates if not c.startswith("..") and (self.root / c).is_file()), None)
        if path is None:
            return None
        facts = self.module_at(path)
        if facts is None:
            cache = self._read_as_python
            if path not in cache:
                from scalelint.extract import extract_file

                text = self.source(path)
                cache[path] = extract_file(path, "python", text.encode()).python if text is not None else None
            facts = cache[path]
        return (path, facts) if facts is not None else None

    @cached_property
    def _read_as_python(self) -> dict[str, PythonFacts | None]:
        return {}

    def reachable_modules(self, start: str, limit: int = 2000) -> set[str]:
        """Module names reachable from `start` through imports (both spellings of a module)."""
        seen: set[str] = set()
        queue = [start]
        while queue and len(seen) < limit:
            name = queue.pop()
            found = self.find_module(name)
            if found is None or found[1].module in seen:
                continue
            seen.add(found[1].module)
            queue.extend(found[1].imported_modules)
        return seen

    @cached_property
    def web_frameworks(self) -> frozenset[str]:
        """Web frameworks the project's own (production) code imports."""
        known = {"flask", "django", "fastapi", "starlette", "quart", "sanic", "litestar", "aiohttp", "falcon", "bottle", "pyramid", "tornado"}
        found = set()
        for path, facts in self.modules.values():
            if is_non_production_path(path):
                continue
            for module in facts.imported_modules:
                top = module.split(".", 1)[0]
                if top in known:
                    found.add(top)
        return frozenset(found)

    # --- deployment --------------------------------------------------------------------

    @cached_property
    def commands(self) -> list[DeployCommand]:
        return [command for facts in self.files.values() for command in facts.commands]

    @cached_property
    def image_runs(self) -> list[ImageRun]:
        return [run for facts in self.files.values() for run in facts.image_runs]

    @cached_property
    def servers(self) -> list["ServerProcess"]:
        from scalelint.project.servers import find_servers

        return find_servers(self)

    @cached_property
    def console_scripts(self) -> dict[str, str]:
        """Console script name -> `module:function`, from pyproject.toml, setup.cfg, setup.py."""
        from scalelint.project.entrypoints import console_scripts

        return console_scripts(self)

    @cached_property
    def pools(self) -> list["Pool"]:
        from scalelint.project.pools import find_pools

        return find_pools(self)

    @cached_property
    def django(self) -> "DjangoModel":
        from scalelint.project.django import DjangoModel

        return DjangoModel.build(self)

    # --- ORM ---------------------------------------------------------------------------

    @cached_property
    def orm(self) -> "Orm":
        from scalelint.project.orm import build_orm

        return build_orm(self)

    # --- database schema ---------------------------------------------------------------

    @cached_property
    def schema(self) -> "Schema":
        """One schema for the repository: SQL files, migrations and models merged."""
        from scalelint.project.schema import build_schema

        return build_schema(self)

    @cached_property
    def query_classes(self) -> "QueryClasses":
        """Models whose query class adds conditions every query carries (scalelint.project.query_classes)."""
        from scalelint.project.query_classes import QueryClasses

        return QueryClasses(self)

    @cached_property
    def unapplied(self) -> "UnappliedMigrations":
        """Which migrations the next deploy may still run (scalelint.project.unapplied)."""
        from scalelint.project.unapplied import UnappliedMigrations

        return UnappliedMigrations(self)

    @cached_property
    def database(self) -> "Database":
        """The database server the deployment runs, and what says so (scalelint.project.database)."""
        from scalelint.project.database import find_database

        return find_database(self)

    # --- request handlers --------------------------------------------------------------

    @cached_property
    def handlers(self) -> "Handlers":
        """Which functions serve requests: routes, views, middleware, signal receivers..."""
        from scalelint.project.handlers import build_handlers

        return build_handlers(self)

    # --- the cost model: how often code runs, how big tables get ------------------------

    @cached_property
    def reaches(self) -> "Reaches":
        """How often each function runs: per request, per staff request, per task run, at
        start-up, once (scalelint.project.reach)."""
        from scalelint.project.reach import Reaches

        return Reaches(self)

    @cached_property
    def tables(self) -> "Tables":
        """How big each table gets: reference, growing or unknown, with the evidence
        (scalelint.project.cardinality)."""
        from scalelint.project.cardinality import Tables

        return Tables(self)

    @cached_property
    def costs(self) -> "CostModel":
        """The cost model every rule asks before it reports (scalelint.project.costs)."""
        from scalelint.project.costs import CostModel

        return CostModel(self)

    # --- the call graph ----------------------------------------------------------------

    @cached_property
    def callgraph(self) -> "CallGraph":
        """Which project functions each function calls, and the request path: what a request
        handler reaches (scalelint.project.callgraph)."""
        from scalelint.project.callgraph import CallGraph

        return CallGraph(self)
