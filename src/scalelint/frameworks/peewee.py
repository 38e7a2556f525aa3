"""Peewee as plain data: what is a model, its fields, their indexes, and its query methods.
Fact extraction (scalelint.python.peewee_models), the ORM model and the query evaluation
(scalelint.project.libraries.peewee_orm) read these tables; checked against peewee 3.17 and 4.5
(a model's default table is its class name lower-cased; a `ForeignKeyField` is indexed, reads
lazily, and gives the target a `<model>_set` backref unless `backref=` names it).
"""

from __future__ import annotations

import re

MODEL_BASES = frozenset({"peewee.Model", "playhouse.signals.Model", "playhouse.flask_utils.FlaskDB.Model"})
ROOT_MODULES = ("peewee", "playhouse")

# field class -> (kind, indexed by default, unique by default)
FIELDS: dict[str, tuple[str, bool, bool]] = {
    "ForeignKeyField": ("fk", True, False),
    "DeferredForeignKey": ("fk", True, False),
    "ManyToManyField": ("m2m", False, False),
    "AutoField": ("column", False, True),
    "BigAutoField": ("column", False, True),
    "PrimaryKeyField": ("column", False, True),
    **{
        name: ("column", False, False)
        for name in (
            "Field", "CharField", "FixedCharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField",
            "BooleanField", "FloatField", "DoubleField", "DecimalField", "DateTimeField", "DateField", "TimeField",
            "TimestampField", "UUIDField", "BinaryUUIDField", "BlobField", "BitField", "BigBitField", "IPField",
            "JSONField", "BinaryJSONField",
        )
    },
}
# the column a ForeignKeyField adds (readable without a query, like Django's)
FK_COLUMN_SUFFIX = "_id"
DEFAULT_BACKREF_SUFFIX = "_set"

# class-level query constructors on a model
QUERY_CLASSMETHODS = frozenset({"select", "raw"})
# class-level calls that run one query for one row
SINGLE_CLASSMETHODS = frozenset({"get", "get_by_id", "get_or_none", "get_or_create", "create"})
# writes built on the class and run with `.execute()`
WRITE_CLASSMETHODS = frozenset({"update", "delete", "insert", "insert_many", "insert_from", "replace", "replace_many", "bulk_create", "bulk_update"})
# query methods that give the same query, narrowed or ordered
CHAIN_METHODS = frozenset(
    {
        "where", "orwhere", "join", "left_outer_join", "switch", "order_by", "order_by_extend", "group_by", "having",
        "distinct", "limit", "offset", "paginate", "for_update", "objects", "filter", "join_from", "with_cte", "alias",
        "select_extend", "from_",
    }
)
NARROWING = frozenset({"where", "orwhere", "filter", "having"})
BOUNDING = frozenset({"limit", "paginate"})
ROW_METHODS = frozenset({"dicts", "tuples", "namedtuples"})
# query methods that run it and give one object or one number
SINGLE_METHODS = frozenset({"get", "first", "get_or_none", "peek"})
NUMBER_METHODS = frozenset({"count", "exists", "scalar"})
# instance methods that write one row
INSTANCE_WRITES = frozenset({"save", "delete_instance"})
PREFETCH = frozenset({"peewee.prefetch"})


def default_table(class_name: str) -> str:
    """The table a model that sets no `table_name` maps: its class name lower-cased, other
    characters as `_` (peewee's `legacy_table_names`, the default)."""
    return re.sub(r"[^\w]+", "_", class_name.lower())
