"""Drizzle ORM: the schema builders a table is declared with, and the query builder's methods.
Read by `scalelint.typescript.drizzle` (tables) and `scalelint.project.libraries.drizzle` (queries)."""

from __future__ import annotations

MODULES = ("drizzle-orm",)
TABLE_FUNCTIONS = frozenset({"pgTable", "mysqlTable", "sqliteTable", "singlestoreTable"})
COLUMN_TYPES = frozenset(
    {
        "serial", "bigserial", "smallserial", "integer", "int", "smallint", "bigint", "tinyint", "mediumint", "real",
        "doublePrecision", "double", "float", "numeric", "decimal", "boolean", "text", "varchar", "char", "uuid", "json",
        "jsonb", "timestamp", "date", "time", "interval", "datetime", "year", "inet", "cidr", "macaddr", "point", "line",
        "vector", "geometry", "blob", "customType", "pgEnum", "mysqlEnum", "citext", "bytea",
    }
)
SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial"})
TIME_TYPES = frozenset({"timestamp", "date", "datetime"})
INDEX_FUNCTIONS = frozenset({"index", "uniqueIndex", "primaryKey", "unique"})

# --- queries ---------------------------------------------------------------------------------
# `drizzle(pool)` / `drizzle({ client })`: a database handle
DATABASE_FUNCTIONS = frozenset({"drizzle"})
# builder methods that return the same query, narrowed or ordered
CHAIN = frozenset(
    {"where", "orderBy", "limit", "offset", "groupBy", "having", "leftJoin", "innerJoin", "rightJoin", "fullJoin", "$dynamic", "for", "prepare", "execute"}
)
JOINS = frozenset({"leftJoin", "innerJoin", "rightJoin", "fullJoin"})
# the relational API: `db.query.posts.findMany({ with, where, limit })`
FIND_MANY, FIND_FIRST = "findMany", "findFirst"
# condition helpers (`drizzle-orm`) -> what they ask of an index
OPERATORS = {
    "eq": "eq", "ne": "ne", "gt": "range", "gte": "range", "lt": "range", "lte": "range", "between": "range",
    "inArray": "in", "isNull": "isnull", "isNotNull": "isnull", "like": "like", "ilike": "ilike",
}
AND, OR = "and", "or"
ORDER = frozenset({"asc", "desc"})
WRITES = frozenset({"insert", "update", "delete"})


def is_drizzle_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in MODULES)
