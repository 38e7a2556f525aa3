"""The database server the deployment really runs, and the places that say so.

The schema rules judge for one database: PostgreSQL does not index a foreign key's column and
locks writes while `CREATE INDEX` builds; MySQL and MariaDB (InnoDB) index every foreign key
themselves and build indexes online. The `sql-dialect` setting decides when it is set; with
"auto" (the default) the repository does, from every `DatabaseHint` its files give (database
images, connection URLs, Heroku add-ons, Render databases) and Django's `DATABASES` ENGINEs:

- evidence in development and test files (a dev compose file, `settings/test.py`, a
  `TestingConfig`, CI services), in tests, docs and examples counts for nothing;
- evidence that names production (a path or a config class saying prod/production/deploy)
  outranks evidence that says neither;
- a database server outranks SQLite, which settings use as the fallback of a URL from the
  environment far more often than production does;
- when the top evidence disagrees (an app that supports several), PostgreSQL if it is among
  them, the database the rules are strictest for; else the most named.
Nothing found: PostgreSQL, assumed, and messages say so.

    database = project.database
    database.dialect          # "mysql"
    database.evidence[0]      # Evidence("mysql", "docker-compose.yml", 12, "image: mariadb:10.11", ...)
    database.describe()       # "MySQL/MariaDB, from docker-compose.yml:12 (`image: mariadb:10.11`)"
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.deploy.context import context_of
from scalelint.diagnostics import Related
from scalelint.frameworks import databases as db
from scalelint.project.environment import possible_strings

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["Evidence", "Database", "find_database"]

# where code does not describe the production database
_NOT_PRODUCTION = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "samples", "sample", "demo", "demos", "benchmarks", "fixtures", "site-packages", "node_modules"}
)
_RANK = {"production": 2, "unknown": 1}


@dataclass(frozen=True)
class Evidence:
    dialect: str
    path: str
    line: int
    what: str  # as written: "image: mariadb:10.11", "mysql+pymysql://…@db/app", "ENGINE django.db.backends.mysql"
    context: str  # production | unknown


@dataclass(frozen=True)
class Database:
    dialect: str  # postgres | mysql | sqlite | mssql | oracle
    source: str  # setting | detected | assumed
    evidence: tuple[Evidence, ...] = ()  # what decided it, strongest first
    others: tuple[Evidence, ...] = ()  # evidence for other databases that lost

    @property
    def name(self) -> str:
        return db.NAMES.get(self.dialect, self.dialect)

    def describe(self) -> str:
        """The database and why, for messages: "PostgreSQL, from docker-compose.yml:5 (`image: postgres:16`)"."""
        if self.source == "setting":
            return f"{self.name}, the `sql-dialect` setting"
        if self.source == "assumed":
            return f"{self.name} assumed: nothing in the repository names the database (set `sql-dialect` if it is another)"
        first = self.evidence[0]
        return f"{self.name}, from {first.path}:{first.line} (`{first.what}`)"

    def related(self, limit: int = 2) -> list[Related]:
        return [Related(e.path, e.line, f"the database is {db.NAMES.get(e.dialect, e.dialect)}: `{e.what}`") for e in self.evidence[:limit]]


def find_database(project: "Project") -> Database:
    setting = getattr(project.settings, "sql_dialect", "auto")
    if setting != "auto":
        return Database(setting, "setting")
    found = [e for e in _evidence(project) if e.context in _RANK]
    servers = [e for e in found if e.dialect != "sqlite"]
    pool = servers or found
    if not pool:
        return Database("postgres", "assumed")
    top = max(_RANK[e.context] for e in pool)
    best = [e for e in pool if _RANK[e.context] == top]
    counts = Counter(e.dialect for e in best)
    dialect = "postgres" if "postgres" in counts else counts.most_common(1)[0][0]
    chosen = tuple(e for e in best if e.dialect == dialect)
    return Database(dialect, "detected", chosen, tuple(e for e in found if e.dialect != dialect))


def _evidence(project: "Project"):
    for path, facts in sorted(project.files.items()):
        if not _production_path(path):
            continue
        for hint in facts.databases:
            yield Evidence(hint.dialect, path, hint.span.line, hint.evidence, hint.context)
        if facts.python is None:
            continue
        context = context_of(path)
        for database in facts.python.databases:
            for engine in possible_strings(database.engine):
                dialect = db.engine_dialect(engine)
                if dialect:
                    yield Evidence(dialect, path, database.span.line, f"ENGINE {engine}", context)


def _production_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return not (any(p in _NOT_PRODUCTION for p in parts[:-1]) or name.startswith("test_") or name in ("conftest.py", "tests.py"))
