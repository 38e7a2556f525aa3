"""PostgreSQL drivers' pools (psycopg2, psycopg 3's psycopg_pool, asyncpg) and the signs of an
external pooler in front of the database."""

from __future__ import annotations

PSYCOPG_POOL_MIN_DEFAULT = 4  # psycopg_pool: max_size defaults to min_size, which defaults to 4
ASYNCPG_MAX_DEFAULT = 10

# Pool constructors: qualified name -> (library, is_async, argument shape); the shape names the
# driver, whose signatures differ (psycopg2's positional minconn/maxconn/dsn, psycopg_pool's and
# asyncpg's keywords).
POOL_CONSTRUCTORS: dict[str, tuple[str, bool, str]] = {
    "psycopg2.pool.SimpleConnectionPool": ("psycopg2", False, "psycopg2"),
    "psycopg2.pool.ThreadedConnectionPool": ("psycopg2", False, "psycopg2"),
    "psycopg2.pool.PersistentConnectionPool": ("psycopg2", False, "psycopg2"),
    "psycopg_pool.ConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.pool.ConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.NullConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.null_pool.NullConnectionPool": ("psycopg", False, "psycopg"),
    "psycopg_pool.AsyncConnectionPool": ("psycopg", True, "psycopg"),
    "psycopg_pool.pool_async.AsyncConnectionPool": ("psycopg", True, "psycopg"),
    "psycopg_pool.AsyncNullConnectionPool": ("psycopg", True, "psycopg"),
    "psycopg_pool.null_pool_async.AsyncNullConnectionPool": ("psycopg", True, "psycopg"),
    "asyncpg.create_pool": ("asyncpg", True, "asyncpg"),
    "asyncpg.pool.create_pool": ("asyncpg", True, "asyncpg"),
}
# Keywords the pool rules read besides the size
PSYCOPG_EXTRA_OPTIONS = ("min_size", "timeout", "max_waiting", "max_idle", "max_lifetime")
ASYNCPG_EXTRA_OPTIONS = ("min_size", "max_inactive_connection_lifetime", "command_timeout")

EXTERNAL_POOLER_MARKERS = ("pgbouncer", "pooler", ":6432", "pgcat", "odyssey", "rds-proxy", "proxy-")


def behind_external_pooler(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in EXTERNAL_POOLER_MARKERS)
