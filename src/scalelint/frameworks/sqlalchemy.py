"""SQLAlchemy (and Flask-SQLAlchemy, which passes engine options through): pool defaults."""

POOL_SIZE_DEFAULT = 5
MAX_OVERFLOW_DEFAULT = 10
# Pool classes that do not cap connections the way QueuePool does: nothing to size.
UNSIZED_POOLS = frozenset({"NullPool", "StaticPool", "SingletonThreadPool", "AssertionPool"})
