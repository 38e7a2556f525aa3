"""Every row of a table in one response (SCL103): what counts as "every row", and the fix.

A query is unbounded when nothing limits its rows: no filter (a related manager is filtered by
its owner), no key lookup, no slice or `.limit()`, no page. Only tables that grow with use are
judged: a model with a foreign key (events, orders, comments hang off something), a user-like
model, or one with a creation timestamp. Lookup tables (countries, categories, tags) are listed
whole on purpose; the rule's `small-tables` option names more of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalelint.project.values import TABLE_PREFIX, Query

__all__ = ["Listing", "listing", "unbounded", "grows", "grows_table", "reference_table"]

_USER_LIKE = frozenset({"user", "users", "account", "accounts", "customer", "customers", "member", "members", "profile", "profiles"})
_CREATED = frozenset({"created", "created_at", "created_on", "date_created", "creation_date", "inserted_at", "timestamp", "submitted_at", "sent_at", "occurred_at"})


# reference data every project keeps small, whatever it is filtered or searched on
_REFERENCE_TABLES = frozenset(
    {
        "language", "country", "currency", "region", "province", "timezone", "locale", "unit", "continent",
        "setting", "settingsgroup", "config", "configuration", "permission", "contenttype", "site",
    }
)


def reference_table(model_name: str) -> bool:
    """Languages, countries, currencies, settings: scanning them costs nothing."""
    name = model_name.lower()
    return name in _REFERENCE_TABLES or name.rstrip("s") in _REFERENCE_TABLES


def grows(model) -> bool:
    """The table gains rows as the product is used (rather than being configured by hand)."""
    if model.name.lower() in _USER_LIKE:
        return True
    for name, f in model.fields.items():
        if f.kind in ("fk", "o2o"):
            return True
        if name.lower() in _CREATED:
            return True
    return False


def grows_table(table) -> bool:
    """A table no model maps (raw SQL reads it) gains rows as the product is used: rows of
    users, rows pointing at other rows, rows stamped with their creation time."""
    if table.name.lower() in _USER_LIKE:
        return True
    return bool(table.foreign_keys) or any(name.lower() in _CREATED for name in table.columns)


def unbounded(value: object, orm, schema=None) -> bool:
    """`value` is every row of a growing table."""
    if type(value) is not Query:
        return False
    q: Query = value
    if q.bounded or q.filtered or q.owner is not None or q.cached or not q.model:
        return False
    if q.kind in ("page", "select"):
        return False  # a page is the fix; a select() is not rows until a session runs it
    if q.statement and q.statement != "select":
        return False
    model = orm.models.get(q.model)
    if model is None:
        if q.model.startswith(TABLE_PREFIX) and schema is not None:
            table = schema.table(q.table)
            return table is not None and not reference_table(table.name) and grows_table(table)
        return False
    return grows(model)


@dataclass(frozen=True)
class Listing:
    message: str
    fix: str


def listing(q: Query, model_name: str, how: str, handler: str, framework: str) -> Listing:
    """`how`: "iterates", "returns", "serialises" (what the handler does with the rows)."""
    text = f"`{q.text}`" if q.text else "the query"
    verbs = {"iterates": "loops over", "returns": "returns", "serialises": "serialises", "fetches": "fetches"}
    message = (
        f"{handler} {verbs.get(how, how)} every row of {model_name} ({text}, with no filter, limit or page) on each request: "
        f"the response and its query grow with the table"
    )
    if q.statement:
        fix = "Paginate with a keyset: `... WHERE id > %s ORDER BY id LIMIT 50`, and return the last id for the next page"
    elif framework == "drf":
        fix = "Paginate the list: set `pagination_class` on the view (or `DEFAULT_PAGINATION_CLASS` in REST_FRAMEWORK), preferably `CursorPagination`"
    elif q.framework == "django":  # a Django queryset, whatever serves it (a view, an RPC method)
        fix = "Paginate: `Paginator(queryset.order_by(\"id\"), 50)` / `paginate_by = 50`, or a keyset page `filter(id__gt=after).order_by(\"id\")[:50]`"
    else:
        fix = "Paginate with a keyset: `.where(Model.id > after).order_by(Model.id).limit(50)` and return the last id for the next page"
    return Listing(message, fix)
