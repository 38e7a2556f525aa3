"""Caches and per-process stores: what memoises a function, what reads a shared cache, and
which cache / session / rate-limit backends keep their data inside one process.

Used by SCL401 (a count behind a cache is not counted on every request) and SCL402 (a store
that lives in one worker's memory is not shared by the others).
"""

from __future__ import annotations

from scalelint.facts import FunctionFacts, SAttr, SCall, SIndex, SName, Sym

# Decorators (last dotted part) that keep a function's result: `@lru_cache`, `@cache`,
# `@cached_property`, cachetools' `@cached(...)`, Flask-Caching's `@cache.cached` /
# `@cache.memoize`, Django's `@cache_page`, `@method_decorator(cache_page(...))`.
MEMO_DECORATORS = frozenset(
    {"lru_cache", "cache", "cached", "memoize", "memoized", "cached_property", "cache_page", "cached_method", "ttl_cache", "cache_response"}
)

# Client libraries of a shared cache: a module that imports one talks to a cache server.
CACHE_CLIENT_MODULES = {"redis": "Redis", "pymemcache": "Memcached", "pylibmc": "Memcached", "memcache": "Memcached", "flask_caching": "Flask-Caching", "django_redis": "django-redis", "aiocache": "aiocache", "cachetools": "cachetools (in-process)"}

# Methods that read a cache before doing the work (Django's cache API, Flask-Caching, Redis).
CACHE_READS = frozenset({"get", "get_or_set", "get_many", "hget", "mget", "cached"})

# Flask-Caching CACHE_TYPE values whose store is one process's memory.
FLASK_PROCESS_CACHES = frozenset({"simple", "simplecache", "flask_caching.backends.simplecache", "flask_caching.backends.simple"})

# Django cache backends that keep entries in the process.
DJANGO_PROCESS_CACHES = frozenset({"django.core.cache.backends.locmem.LocMemCache"})
DJANGO_DEFAULT_CACHE = "django.core.cache.backends.locmem.LocMemCache"  # CACHES not set at all
DJANGO_CACHE_SESSIONS = frozenset({"django.contrib.sessions.backends.cache"})

# Rate limiters whose counters live in memory unless told otherwise: constructor -> keyword.
LIMITERS = {
    "flask_limiter.Limiter": "storage_uri",
    "flask_limiter.extension.Limiter": "storage_uri",
    "slowapi.Limiter": "storage_uri",
    "slowapi.extension.Limiter": "storage_uri",
}
LIMITER_CONFIG_KEYS = ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL")  # Flask-Limiter reads these from app.config
MEMORY_STORAGE = "memory://"


def is_memoised(fn: FunctionFacts) -> bool:
    """The function keeps its result (a memoising or caching decorator)."""
    return any(_decorator_name(d) in MEMO_DECORATORS for d in fn.decorators)


def caches_the_class(decorators: tuple[str, ...]) -> bool:
    """A class-based view whose responses are cached (`@method_decorator(cache_page(60), name="dispatch")`)."""
    return any(_decorator_name(d) in MEMO_DECORATORS for d in decorators)


def _decorator_name(written: str) -> str:
    """`functools.lru_cache(maxsize=1)` -> `lru_cache`; `method_decorator(cache_page(60))` -> `cache_page`."""
    inner = written.partition("(")
    head = inner[0].rsplit(".", 1)[-1]
    if head == "method_decorator" and inner[1]:
        return _decorator_name(inner[2].rstrip(")"))
    return head


def reads_a_cache(fn: FunctionFacts) -> bool:
    """The function is memoised, or asks a cache before doing its work: `cache.get(key)`,
    `cache.get_or_set(key, ...)`, `redis_client.get(key)`, `caches["default"].get(...)`."""
    if is_memoised(fn):
        return True
    stack: list[tuple[Sym, int]] = [(u.sym, 0) for u in fn.uses]
    while stack:
        sym, depth = stack.pop()
        if depth > 6:
            continue
        t = type(sym)
        if t is SCall:
            func = sym.func  # type: ignore[union-attr]
            if type(func) is SAttr and func.name in CACHE_READS and _names_a_cache(func.obj):
                return True
            stack.append((func, depth + 1))
            stack.extend((a, depth + 1) for a in sym.args)  # type: ignore[union-attr]
        elif t is SAttr:
            stack.append((sym.obj, depth + 1))  # type: ignore[union-attr]
    return False


def _names_a_cache(sym: Sym) -> bool:
    """`cache`, `self.cache`, `caches["default"]`, `redis_client`, `get_redis()`: a receiver
    whose name says it is a cache or a Redis client."""
    for _ in range(4):
        t = type(sym)
        if t is SName:
            name = sym.qual.rsplit(".", 1)[-1].lower()  # type: ignore[union-attr]
            return "cache" in name or "redis" in name
        if t is SAttr:
            name = sym.name.lower()  # type: ignore[union-attr]
            if "cache" in name or "redis" in name:
                return True
            sym = sym.obj  # type: ignore[union-attr]
        elif t is SIndex:
            sym = sym.obj  # type: ignore[union-attr]
        elif t is SCall:
            sym = sym.func  # type: ignore[union-attr]
        else:
            return False
    return False
