"""FileFacts as plain data (msgpack), and back, without ever running code from the data.

A file's facts are a graph, not a tree: the symbolic trees share subtrees (a local variable is
replaced by what was assigned to it, wherever it is read). So an encoded entry is a flat table
of nodes in post-order, `[tag, field, field, ...]`: a field holding a facts object holds the
index of an earlier node, tuples and lists are arrays, anything else is a msgpack scalar, and
the last node is the FileFacts. Shared objects stay shared and there can be no cycle.

The type table is derived, once, from the dataclasses of `scalelint.facts` (their `fields()`
and type hints): a new fact type or field needs no edit here. Decoding checks every node
against it: an unknown tag, a wrong number of fields, a value of the wrong type (a string where
a Span belongs, an index to the wrong kind of node) raises `BadEntry`, and so does anything
msgpack itself rejects. What a cache file can make scalelint believe is therefore no more than
what a source file could: well-typed facts. `SCHEMA` hashes the table, so entries written for
another shape of the facts are never even decoded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from typing import Literal, Union

import msgpack

from scalelint import facts as _facts_module
from scalelint.facts import FileFacts

__all__ = ["BadEntry", "SCHEMA", "decode", "encode"]

FORMAT = 1  # the layout described above; bump it when it changes
_SCALARS = (type(None), bool, int, float, str, bytes)
_BIGINT = 1  # msgpack ext code: an int outside 64 bits, as its decimal digits


class BadEntry(Exception):
    """The data is not facts this scalelint can read."""


# --- the type table ------------------------------------------------------------------------


def _fact_classes() -> tuple[type, ...]:
    found = [
        value
        for value in vars(_facts_module).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == _facts_module.__name__
    ]
    return tuple(sorted(found, key=lambda cls: cls.__name__))


CLASSES = _fact_classes()
_TAG = {cls: tag for tag, cls in enumerate(CLASSES)}


# A shape says what one field may hold: ("scalar", types) | ("ref", classes, nullable) |
# ("seq", tuple|list, shape) | ("fixed", shapes) | ("optional", shape).
def _shape(hint) -> tuple:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is object:
        return ("scalar", _SCALARS)
    if hint in _SCALARS:
        return ("scalar", (hint,))
    if hint in _TAG:
        return ("ref", (hint,), False)
    if origin is Literal:
        return ("scalar", tuple(sorted({type(a) for a in args}, key=_SCALARS.index)))
    if origin in (tuple, list):
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            return ("seq", origin, _shape(args[0]))
        return ("fixed", tuple(_shape(a) for a in args))
    if origin in (Union, types.UnionType):
        parts = [_shape(a) for a in args]
        nullable = ("scalar", (type(None),)) in parts
        rest = [p for p in parts if p != ("scalar", (type(None),))]
        if all(p[0] == "scalar" for p in parts):
            return ("scalar", tuple(t for t in _SCALARS if any(t in p[1] for p in parts)))
        if all(p[0] == "ref" for p in rest):
            return ("ref", tuple(cls for p in rest for cls in p[1]), nullable)
        if nullable and len(rest) == 1:
            return ("optional", rest[0])
    raise TypeError(f"no encoding for a facts field of type {hint!r}")  # an int index and an int would be ambiguous


def _shapes(cls: type) -> tuple[tuple[str, tuple], ...]:
    hints = typing.get_type_hints(cls, vars(_facts_module))
    return tuple((f.name, _shape(hints[f.name])) for f in dataclasses.fields(cls))


def schema_of(table) -> str:
    return hashlib.blake2b(repr((FORMAT, [(cls.__name__, shapes) for cls, shapes in table])).encode(), digest_size=8).hexdigest()


_TABLE = tuple((cls, _shapes(cls)) for cls in CLASSES)
SCHEMA = schema_of(_TABLE)


# --- encoding ------------------------------------------------------------------------------


def encode(facts: FileFacts) -> bytes:
    """Raises (TypeError, ValueError, RecursionError...) for facts that cannot be encoded."""
    index: dict[int, int] = {}
    nodes: list[list] = []

    def value(v):
        kind = type(v)
        if kind in _TAG:
            found = index.get(id(v))
            return node(v) if found is None else found
        if kind is tuple or kind is list:
            return [value(x) for x in v]
        if kind is int and not -(2**63) <= v < 2**64:
            return msgpack.ExtType(_BIGINT, str(v).encode())
        return v

    def node(obj) -> int:
        row = [_TAG[type(obj)]]
        row.extend(value(getattr(obj, name)) for name in _NAMES[type(obj)])
        index[id(obj)] = len(nodes)
        nodes.append(row)
        return len(nodes) - 1

    node(facts)
    return msgpack.packb(nodes, use_bin_type=True, unicode_errors="surrogatepass")


_NAMES = {cls: tuple(name for name, _ in shapes) for cls, shapes in _TABLE}


# --- decoding ------------------------------------------------------------------------------
# Each class gets a builder compiled from its shapes: straight-line type checks, because a
# warm run decodes every node of every file (300k on Django) and a loop over field
# descriptors costs several times as much. The generated source depends only on the classes.


def _bad(*_):
    raise BadEntry


def _no_maps(_pairs):
    raise BadEntry


def _ext(code: int, data: bytes):
    if code == _BIGINT:
        return int(data)
    raise BadEntry


class _Compiler:
    def __init__(self) -> None:
        self.names: dict[str, object] = {"_bad": _bad}
        self.fresh = 0

    def const(self, value: object) -> str:
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def var(self) -> str:
        self.fresh += 1
        return f"_v{self.fresh}"

    def check(self, shape: tuple, v: str) -> str:
        """An expression: the field value `v` (itself an expression) checked and converted."""
        kind = shape[0]
        if kind == "scalar":
            allowed = shape[1]
            if len(allowed) == 1:
                return f"({v} if type({v}) is {self.const(allowed[0])} else _bad())"
            return f"({v} if type({v}) in {self.const(frozenset(allowed))} else _bad())"
        if kind == "ref":
            o = self.var()
            test = f"type({o} := objs[{v}]) in {self.const(frozenset(shape[1]))}"
            checked = f"({o} if {test} else _bad())"
            return f"(None if {v} is None else {checked})" if shape[2] else checked
        if kind == "optional":
            return f"(None if {v} is None else {self.check(shape[1], v)})"
        if kind == "seq":
            x = self.var()
            items = f"[{self.check(shape[2], x)} for {x} in ({v} if type({v}) is tuple else _bad())]"
            return items if shape[1] is list else f"tuple({items})"
        # fixed
        parts = ", ".join(self.check(s, f"{v}[{i}]") for i, s in enumerate(shape[1]))
        return f"(({parts},) if type({v}) is tuple and len({v}) == {len(shape[1])} else _bad())"

    def builder(self, cls: type, shapes: tuple) -> str:
        params = [f"f{i}" for i in range(len(shapes))]
        checked = [self.check(shape, p) for (_, shape), p in zip(shapes, params)]
        head = f"def build_{cls.__name__}(node, objs):\n    _tag, {''.join(p + ', ' for p in params)}= node\n"
        return head + f"    return {self.const(cls)}({', '.join(checked)})\n"


def _builders() -> tuple:
    compiler = _Compiler()
    source = "\n".join(compiler.builder(cls, shapes) for cls, shapes in _TABLE)
    exec(compile(source, "<scalelint.facts_codec builders>", "exec"), compiler.names)  # noqa: S102 - our own classes, never the data
    return tuple(compiler.names[f"build_{cls.__name__}"] for cls in CLASSES)


_BUILDERS = _builders()


def decode(blob: bytes) -> FileFacts:
    """The facts encoded in `blob`; BadEntry for anything else."""
    try:
        nodes = msgpack.unpackb(
            blob, use_list=False, raw=False, unicode_errors="surrogatepass", ext_hook=_ext, object_pairs_hook=_no_maps
        )
        objs: list = []
        append = objs.append
        builders = _BUILDERS
        for node in nodes:
            append(builders[node[0]](node, objs))
    except Exception as error:  # noqa: BLE001 - whatever the bytes are, they are not our facts
        raise BadEntry from error
    if not objs or type(objs[-1]) is not FileFacts:
        raise BadEntry
    return objs[-1]
