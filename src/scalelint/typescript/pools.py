"""Connection pools a script builds: node-postgres `new Pool({ max })` and postgres.js
`postgres(url, { max })`, as the `PoolSite` facts the Python front-end writes for its drivers
(the pool's capacity is `max`; node-postgres defaults to 10, postgres.js to 10)."""

from __future__ import annotations

from ..facts import Const, PoolSite, SCall, SConst, SDict, Unknown

__all__ = ["pool_site", "POOL_CONSTRUCTORS"]

# constructor (qualified through the imports) -> (library, the options argument's position)
POOL_CONSTRUCTORS: dict[str, tuple[str, int]] = {
    "pg.Pool": ("pg", 0),
    "pg.default.Pool": ("pg", 0),
    "@neondatabase.serverless.Pool": ("pg", 0),
    "postgres": ("postgres.js", 1),
}


def pool_site(collector, sym: SCall, ctor: str | None, value, function: str | None) -> PoolSite | None:
    spec = POOL_CONSTRUCTORS.get(ctor or "")
    if spec is None:
        return None
    library, position = spec
    options = sym.args[position] if len(sym.args) > position else None
    if library == "postgres.js" and type(sym.args[0] if sym.args else None) is SDict:
        options = sym.args[0]
    size = None
    size_span = None
    url = None
    if type(options) is SDict:
        for key, v in options.items:  # type: ignore[union-attr]
            if type(key) is not SConst:
                continue
            if key.value == "max":
                size = Const(v.value) if type(v) is SConst else Unknown("max")
                size_span = _pair_span(collector, value, "max")
            elif key.value in ("connectionString", "host"):
                url = Const(v.value) if type(v) is SConst else Unknown(str(key.value))
    return PoolSite(library, True, size, None, None, url, collector.src.span(value), size_span, function)


def _pair_span(collector, value, key: str):
    """The `max: 20` property of the options object, where a user changes the size."""
    stack = [value]
    while stack:
        node = stack.pop()
        if node.type == "pair":
            k = node.child_by_field_name("key")
            if k is not None and collector.src.text(k).strip("'\"") == key:
                return collector.src.span(node)
            continue
        stack.extend(node.named_children)
    return None
