"""HTTP calls in TypeScript / JavaScript with nothing bounding their wait: `fetch(url)` with no
`signal`, `axios.get(url)` with no `timeout`, `api.get(...)` on an `axios.create({...})`
instance whose defaults set none. An options object spread from elsewhere (`{ ...opts }`) or
passed as a variable may carry the bound: such a call is not judged. Tables in
`frameworks.http_clients`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.diagnostics import Related
from scalelint.facts import SAttr, SCall, SConst, SDict, SName, Sym
from scalelint.frameworks import http_clients as http

if TYPE_CHECKING:
    from scalelint.project.callgraph import CallGraph

__all__ = ["judge"]


def judge(graph: "CallGraph", name: str | None, shown: str, call: SCall):
    """(what is wrong, the option to add, related notes), or None when the call is bounded or unknown."""
    if name in http.FETCH_FUNCTIONS:
        options = call.args[http.FETCH_OPTIONS_POSITION] if len(call.args) > http.FETCH_OPTIONS_POSITION else None
        if _bounded(options, http.FETCH_BOUNDS) is False:
            return (f"{shown} has no `signal` ({http.FETCH_FUNCTIONS[name]})", http.FETCH_TIMEOUT_FIX, [])
        return None
    if name is None:
        return None
    module, _, method = name.rpartition(".")
    if name == http.AXIOS or module == http.AXIOS:
        position = 0 if name == http.AXIOS else http.AXIOS_CONFIG_POSITION.get(method)
        if position is None:
            return None
        if name == http.AXIOS and call.args and type(call.args[0]) is not SDict:
            position = 1  # axios(url, config)
        config = call.args[position] if len(call.args) > position else None
        if _bounded(config, http.AXIOS_BOUNDS) is False:
            return (f"{shown} has no timeout (axios's default is 0: no timeout at all)", http.AXIOS_TIMEOUT_FIX, [])
        return None
    return _instance(graph, call, method)


def _instance(graph: "CallGraph", call: SCall, method: str):
    """`api.get(...)` where a module-level `api = axios.create({ ... })` sets no timeout."""
    func = call.func
    if type(func) is not SAttr or type(func.obj) is not SName or method not in http.AXIOS_CONFIG_POSITION:  # type: ignore[union-attr]
        return None
    made = graph.module_value(func.obj.qual)  # type: ignore[union-attr]
    if made is None or made.callee != http.AXIOS_CREATE:
        return None
    text = graph.project.source(made.path) or ""
    if any(bound in made.text for bound in http.AXIOS_BOUNDS) or ".defaults.timeout" in text or len(made.text) >= 300 or "..." in made.text:
        return None  # a timeout, a default set later, or options we cannot read in full
    position = http.AXIOS_CONFIG_POSITION[method]
    config = call.args[position] if len(call.args) > position else None
    if _bounded(config, http.AXIOS_BOUNDS) is not False:
        return None
    note = [Related(made.path, made.span.line, f"`{made.name}` is created here with no `timeout`")]
    return (f"`{made.name}.{method}(...)` has no timeout (its `axios.create(...)` sets none, and axios's default is 0: no timeout at all)", http.AXIOS_TIMEOUT_FIX, note)


def _bounded(options: Sym | None, keys: frozenset[str]) -> bool | None:
    """False: no options, or an object literal with none of `keys`; True: one of them; None: unknown."""
    if options is None:
        return False
    if type(options) is not SDict:
        return None
    for key, _ in options.items:  # type: ignore[union-attr]
        if type(key) is not SConst or key.value is None:  # type: ignore[union-attr]
            return None  # `{ ...defaults }`: may carry it
        if key.value in keys:  # type: ignore[union-attr]
            return True
    return False
