"""How deployments name their database server: connection URL schemes, container images,
Django database backends and hosting add-ons, each mapped to the dialect the schema rules judge
for (postgres | mysql | sqlite | mssql | oracle). MariaDB is "mysql": InnoDB behaves the same
for what the rules ask (it indexes every foreign key, builds indexes online)."""

from __future__ import annotations

import re

__all__ = ["NAMES", "url_dialect", "image_dialect", "engine_dialect", "addon_dialect", "URL_RE"]

NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite", "mssql": "SQL Server", "oracle": "Oracle"}

# `postgresql+psycopg://`, `mysql+pymysql://`, `sqlite:///`: the scheme before `+driver`
_SCHEMES = {
    "postgres": "postgres", "postgresql": "postgres", "postgis": "postgres", "pgsql": "postgres",
    "psql": "postgres", "timescale": "postgres", "pgvector": "postgres",
    "mysql": "mysql", "mysql2": "mysql", "mariadb": "mysql", "mysqlx": "mysql",
    "sqlite": "sqlite", "sqlite3": "sqlite",
    "mssql": "mssql", "sqlserver": "mssql",
    "oracle": "oracle",
}  # fmt: skip
URL_RE = re.compile(r"(?<![\w+.-])([A-Za-z][A-Za-z0-9]*)(?:\+[A-Za-z0-9_]+)?://")

# the image's name without registry and tag: `docker.io/library/postgres:16-alpine` -> postgres
_IMAGES = {
    "postgres": "postgres", "postgresql": "postgres", "postgis": "postgres", "timescaledb": "postgres",
    "timescaledb-ha": "postgres", "pgvector": "postgres", "postgresql-repmgr": "postgres",
    "mysql": "mysql", "mysql-server": "mysql", "mariadb": "mysql", "percona": "mysql",
    "percona-server": "mysql", "mariadb-galera": "mysql",
    "mssql": "mssql", "server": None,  # mcr.microsoft.com/mssql/server: decided by the path
}  # fmt: skip

# Django ENGINE: `django.db.backends.postgresql`, `django.contrib.gis.db.backends.postgis`,
# `django_prometheus.db.backends.mysql`, `mssql`, `django_cockroachdb` (not judged)
_ENGINE_WORDS = (("postgis", "postgres"), ("postgres", "postgres"), ("mysql", "mysql"), ("sqlite", "sqlite"), ("oracle", "oracle"), ("mssql", "mssql"), ("sql_server", "mssql"))

_ADDONS = {"heroku-postgresql": "postgres", "jawsdb": "mysql", "jawsdb-maria": "mysql", "cleardb": "mysql"}


def url_dialect(scheme: str) -> str | None:
    return _SCHEMES.get(scheme.lower())


def image_dialect(image: str) -> str | None:
    name = image.strip().strip("'\"").lower()
    name = name.split("@", 1)[0]
    path = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    if parts[-1] == "server" and len(parts) > 1 and parts[-2] == "mssql":
        return "mssql"
    return _IMAGES.get(parts[-1])


def engine_dialect(engine: str) -> str | None:
    lowered = engine.lower()
    for word, dialect in _ENGINE_WORDS:
        if word in lowered:
            return dialect
    return None


def addon_dialect(addon: str) -> str | None:
    return _ADDONS.get(addon.lower().split(":", 1)[0])
