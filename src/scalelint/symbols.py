"""Symbolic values both front-ends build (`facts.Sym`): merging the values a local holds on
several paths, which statement values are worth recording, and how a free name is qualified.
Language-neutral: `scalelint.python.flow` and `scalelint.typescript.flow` share them."""

from __future__ import annotations

from .facts import Span, Use, SAttr, SCall, SComp, SConst, SDict, SEach, SIndex, SName, SOneOf, SOp, SParam, SSeq, SUnknown, Sym

__all__ = ["merge", "worth_keeping", "merge_paths", "merge_after_loop", "global_name", "record_use", "MAX_OPTIONS", "MAX_USES"]

UNKNOWN = SUnknown()
MAX_OPTIONS = 8  # alternatives a merged local keeps before it becomes unknown (a view narrowing its queryset under six `if`s keeps it)
MAX_USES = 400  # statement values recorded per function

def merge(a: Sym | None, b: Sym | None) -> Sym:
    if a is None or b is None:
        return (b if a is None else a) or UNKNOWN
    if a is b:
        return a
    opts: list[Sym] = []
    for s in (a, b):
        for o in s.options if type(s) is SOneOf else (s,):  # type: ignore[union-attr]
            # identity, not equality: comparing deep trees costs more than a duplicate option
            if not any(o is p for p in opts):
                opts.append(o)
    if len(opts) > MAX_OPTIONS:
        return UNKNOWN
    return SOneOf(tuple(opts))


def merge_paths(results: list[dict[str, Sym]]) -> dict[str, Sym]:
    """The locals after branches: each name holds what any path left in it. A name bound on
    only some paths may be unbound on the others: keep what we know."""
    merged: dict[str, Sym] = {}
    for env in results:
        for k, v in env.items():
            merged[k] = merge(merged.get(k), v) if k in merged else v
    return merged


def merge_after_loop(before: dict[str, Sym], after: dict[str, Sym]) -> dict[str, Sym]:
    """The locals after a loop whose body may have run zero or more times."""
    merged = dict(before)
    for k, v in after.items():
        merged[k] = merge(before.get(k), v) if k in before else v
    return merged


def global_name(name: str, env: dict[str, Sym], imported: str | None, defined, module: str, builtins, prefix: str) -> Sym:
    """A name read in a function: its local value, else what the imports qualify it as, a
    definition of the module, a builtin (`builtins.len`, `globalThis.fetch`), or unknown."""
    v = env.get(name)
    if v is not None:
        return v
    if imported is not None:
        return SName(imported)
    if name in defined:
        return SName(f"{module}.{name}") if module else UNKNOWN
    if name in builtins:
        return SName(f"{prefix}.{name}")
    return UNKNOWN

def worth_keeping(s: Sym) -> bool:
    """A statement's value is kept when a rule may need it: it calls something, reads a loop
    element or a parameter, or holds a comprehension. Constants and bare names are not."""
    t = type(s)
    if t in (SCall, SComp, SEach):
        return True
    if t is SAttr:
        return True
    if t in (SConst, SUnknown, SName, SParam):
        return False
    if t is SOp:
        return any(worth_keeping(o) for o in s.operands)  # type: ignore[union-attr]
    if t is SIndex:
        return worth_keeping(s.obj) or worth_keeping(s.key)  # type: ignore[union-attr]
    if t is SSeq:
        return any(worth_keeping(e) for e in s.elts)  # type: ignore[union-attr]
    if t is SDict:
        return any(worth_keeping(k) or worth_keeping(v) for k, v in s.items)  # type: ignore[union-attr]
    if t is SOneOf:
        return any(worth_keeping(o) for o in s.options)  # type: ignore[union-attr]
    return False


def record_use(uses: list, s: Sym, loop: int | None, binding: bool = False, truth: Span | None = None) -> None:
    """Keep a statement's value when a rule may need it (`truth`: a condition read for its
    truth, at that span: `if qs.count():` asks whether any row exists)."""
    if len(uses) < MAX_USES and worth_keeping(s):
        uses.append(Use(SOp("Truth", (s,), (), truth), loop) if truth is not None else Use(s, loop, binding))
