"""Client objects that open network connections (or a pool of them) when built: database drivers
and engines, Redis, MongoDB, HTTP sessions, AWS SDK clients. Built once per process they are
reused by every request; built inside a request they cost a TCP (and often TLS and auth)
handshake each time, and the pool they carry is thrown away after one use.

`CONNECTION_FACTORIES`: qualified constructor -> (what it builds, for messages; keywords that make
it reuse a connection pool built elsewhere, which makes building it cheap).
"""

from __future__ import annotations

from scalelint.frameworks import postgres as pg
from scalelint.frameworks import sqlalchemy as sa

ENGINE = "a SQLAlchemy engine with its own connection pool"
_POSTGRES = "a new PostgreSQL connection"
_MYSQL = "a new MySQL connection"
_REDIS = "a Redis client with its own connection pool"
_MONGO = "a MongoDB client with its own connection pool and monitor threads"
HTTP = "an HTTP client with its own connection pool"
_AWS = "an AWS SDK client (credentials, endpoint resolution and its own connection pool)"

CONNECTION_FACTORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{q: (ENGINE, ()) for q, (library, _, shape) in sa.POOL_CONSTRUCTORS.items() if library == "sqlalchemy" and shape == "engine"},
    **{q: ("a connection pool", ()) for q in pg.POOL_CONSTRUCTORS},
    "psycopg2.connect": (_POSTGRES, ()),
    "psycopg.connect": (_POSTGRES, ()),
    "psycopg.Connection.connect": (_POSTGRES, ()),
    "psycopg.AsyncConnection.connect": (_POSTGRES, ()),
    "asyncpg.connect": (_POSTGRES, ()),
    "pymysql.connect": (_MYSQL, ()),
    "pymysql.connections.Connection": (_MYSQL, ()),
    "MySQLdb.connect": (_MYSQL, ()),
    "mysql.connector.connect": (_MYSQL, ()),
    "redis.Redis": (_REDIS, ("connection_pool",)),
    "redis.StrictRedis": (_REDIS, ("connection_pool",)),
    "redis.client.Redis": (_REDIS, ("connection_pool",)),
    "redis.client.StrictRedis": (_REDIS, ("connection_pool",)),
    "redis.from_url": (_REDIS, ("connection_pool",)),
    "redis.Redis.from_url": (_REDIS, ("connection_pool",)),
    "redis.asyncio.Redis": (_REDIS, ("connection_pool",)),
    "redis.asyncio.from_url": (_REDIS, ("connection_pool",)),
    "redis.asyncio.Redis.from_url": (_REDIS, ("connection_pool",)),
    "pymongo.MongoClient": (_MONGO, ()),
    "pymongo.mongo_client.MongoClient": (_MONGO, ()),
    "motor.motor_asyncio.AsyncIOMotorClient": (_MONGO, ()),
    "httpx.Client": (HTTP, ("transport",)),
    "httpx.AsyncClient": (HTTP, ("transport",)),
    "requests.Session": (HTTP, ()),
    "requests.session": (HTTP, ()),
    "requests.sessions.Session": (HTTP, ()),
    "aiohttp.ClientSession": (HTTP, ("connector",)),
    "boto3.client": (_AWS, ()),
    "boto3.resource": (_AWS, ()),
    "elasticsearch.Elasticsearch": ("an Elasticsearch client with its own connection pool", ()),
}

# Decorators that make a factory run once per process (or once per argument): what it builds is reused
CACHING_DECORATORS = frozenset({"lru_cache", "cache", "cached", "memoize", "memoized", "once", "singleton", "ttl_cache", "cached_property"})
