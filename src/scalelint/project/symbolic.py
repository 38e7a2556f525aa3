"""Reading the per-file symbolic expressions (`facts.Sym`) without evaluating them: their text
for messages, the name a call is made by, whether a value moves with a loop, whether a
function loops over what its caller hands in or looks in a cache first."""

from __future__ import annotations

from scalelint.facts import FunctionFacts, SAttr, SCall, SComp, SDict, SEach, SIndex, SName, SOneOf, SOp, SParam, SSeq, Sym

__all__ = ["callee_name", "short", "walks", "loops_over_a_parameter", "calls_any", "reads_a_cache", "is_batch_command"]

_CACHE_DECORATORS = frozenset({"lru_cache", "cache", "cached", "memoize", "cached_property", "cache_page", "cached_method", "ttl_cache"})


def callee_name(sym: Sym) -> str:
    """The last name of what is called or read: `session` for `db.session`, `get_db` for `get_db()`."""
    t = type(sym)
    if t is SAttr:
        return sym.name  # type: ignore[union-attr]
    if t is SName:
        return sym.qual.rsplit(".", 1)[-1]  # type: ignore[union-attr]
    if t is SParam:
        return sym.name  # type: ignore[union-attr]
    if t is SCall:
        return callee_name(sym.func)  # type: ignore[union-attr]
    return ""


def short(sym: Sym, limit: int = 60) -> str:
    """The source-ish text of a call chain, for messages: `Event.objects.filter(...)`."""
    parts: list[str] = []
    node = sym
    while True:
        t = type(node)
        if t is SCall:
            args = node.args  # type: ignore[union-attr]
            if len(args) == 1 and not node.kwargs and type(args[0]) is SName:  # type: ignore[union-attr]
                parts.append(f"({args[0].qual.rsplit('.', 1)[-1]})")  # `select(Order)`, `session.query(Trip)`
            else:
                parts.append("(...)" if args or node.kwargs else "()")  # type: ignore[union-attr]
            node = node.func  # type: ignore[union-attr]
        elif t is SAttr:
            parts.append("." + node.name)  # type: ignore[union-attr]
            node = node.obj  # type: ignore[union-attr]
        elif t is SName:
            parts.append(node.qual.rsplit(".", 1)[-1])  # type: ignore[union-attr]
            break
        elif t is SParam:
            parts.append(node.name)  # type: ignore[union-attr]
            break
        elif t is SEach or t is SIndex:
            parts.append("row")
            break
        else:
            parts.append("…")
            break
    text = "".join(reversed(parts))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def walks(sym: Sym, depth: int = 0) -> bool:
    """The value moves with a loop (`for start in range(0, n, 500)`): a batch walking the rows,
    not a page a request asks for."""
    if depth > 8:
        return False
    t = type(sym)
    if t is SEach:
        return True
    if t is SOp:
        return any(walks(o, depth + 1) for o in sym.operands)  # type: ignore[union-attr]
    if t is SOneOf:
        return any(walks(o, depth + 1) for o in sym.options)  # type: ignore[union-attr]
    if t is SCall:
        return any(walks(a, depth + 1) for a in sym.args)  # type: ignore[union-attr]
    return False


def loops_over_a_parameter(fn: FunctionFacts) -> bool:
    """A loop of the function iterates something its caller hands in (`for e in events`,
    `for t in self.tags.all()`): what it costs depends on the caller's query."""
    for loop in fn.loops:
        node = loop.iter
        for _ in range(12):
            t = type(node)
            if t is SParam:
                return True
            if t is SCall:
                node = node.func  # type: ignore[union-attr]
            elif t is SAttr or t is SIndex:
                node = node.obj  # type: ignore[union-attr]
            else:
                break
    return False


def calls_any(fn: FunctionFacts, names: frozenset[str]) -> bool:
    """The function calls something named like one of `names` (resolution comes later)."""
    stack = [u.sym for u in fn.uses]
    seen: set[int] = set()
    while stack:
        s = stack.pop()
        if id(s) in seen:
            continue
        seen.add(id(s))
        t = type(s)
        if t is SCall:
            if callee_name(s.func) in names:  # type: ignore[union-attr]
                return True
            stack.append(s.func)  # type: ignore[union-attr]
            stack.extend(s.args)  # type: ignore[union-attr]
            stack.extend(v for _, v in s.kwargs)  # type: ignore[union-attr]
        elif t is SAttr:
            if s.name in names:  # type: ignore[union-attr]
                return True  # a property read
            stack.append(s.obj)  # type: ignore[union-attr]
        elif t is SComp:
            stack.extend(s.parts)  # type: ignore[union-attr]
        elif t is SOp:
            stack.extend(s.operands)  # type: ignore[union-attr]
        elif t is SDict:
            stack.extend(v for _, v in s.items)  # type: ignore[union-attr]
        elif t is SSeq:
            stack.extend(s.elts)  # type: ignore[union-attr]
        elif t is SOneOf:
            stack.extend(s.options)  # type: ignore[union-attr]
    return False


def reads_a_cache(fn: FunctionFacts) -> bool:
    """The function is memoised, or looks a value up in a cache (`cache.get(...)`,
    `self._cache`, `get_or_set`) before doing its work."""
    if any(d.rsplit(".", 1)[-1] in _CACHE_DECORATORS for d in fn.decorators):
        return True
    for use in fn.uses:
        if _mentions_cache(use.sym, 0):
            return True
    return False


def _mentions_cache(sym: Sym, depth: int) -> bool:
    if depth > 6:
        return False
    t = type(sym)
    if t is SCall:
        f = sym.func  # type: ignore[union-attr]
        if type(f) is SAttr and f.name in ("get", "get_or_set", "get_many") and "cache" in callee_name(f.obj).lower():
            return True
        return _mentions_cache(f, depth + 1) or any(_mentions_cache(a, depth + 1) for a in sym.args)  # type: ignore[union-attr]
    if t is SAttr:
        return _mentions_cache(sym.obj, depth + 1)  # type: ignore[union-attr]
    if t is SOp:
        return any(_mentions_cache(o, depth + 1) for o in sym.operands)  # type: ignore[union-attr]
    return False


def is_batch_command(path: str) -> bool:
    # Django management commands run by hand or from cron, not once per user request
    return "/management/commands/" in path or path.startswith("management/commands/")
