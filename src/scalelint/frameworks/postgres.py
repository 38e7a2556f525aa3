"""PostgreSQL drivers' pools and the signs of an external pooler in front of the database."""

PSYCOPG_POOL_MIN_DEFAULT = 4  # psycopg_pool: max_size defaults to min_size, which defaults to 4
ASYNCPG_MAX_DEFAULT = 10
EXTERNAL_POOLER_MARKERS = ("pgbouncer", "pooler", ":6432", "pgcat", "odyssey", "rds-proxy", "proxy-")


def behind_external_pooler(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in EXTERNAL_POOLER_MARKERS)
