"""Python's method resolution order (C3) over the project's own classes, computed without
recursion: a generated hierarchy a thousand classes deep must not reach the recursion limit."""

from __future__ import annotations

from typing import Callable

__all__ = ["MAX_MRO", "linearise"]

MAX_MRO = 200  # classes kept in one order


def _c3(cls: str, parents: list[list[str]], bases: list[str]) -> list[str]:
    """C3 linearisation of `cls` from its bases' own orders (`parents`)."""
    sequences = [list(p) for p in parents] + [list(bases)]
    order = [cls]
    while len(order) < MAX_MRO:
        sequences = [s for s in sequences if s]
        if not sequences:
            break
        head = next((s[0] for s in sequences if all(s[0] not in other[1:] for other in sequences)), None)
        if head is None:  # inconsistent: keep what is left, in order
            order.extend(dict.fromkeys(c for s in sequences for c in s if c not in order))
            break
        if head not in order:  # a cycle of bases brings a class back: keep its first place
            order.append(head)
        sequences = [s[1:] if s[0] == head else s for s in sequences]
    return order[:MAX_MRO]


def linearise(cls: str, bases_of: Callable[[str], list[str]], memo: dict[str, list[str]]) -> list[str]:
    """`cls` and its ancestors in C3 order; `bases_of(c)` gives a class's bases as the project
    resolves them (framework bases left out), `memo` keeps every order computed. A cycle of
    bases, or a chain deeper than the limit, is cut where it is met."""
    hit = memo.get(cls)
    if hit is not None:
        return hit
    stack = [cls]
    while stack:
        c = stack[-1]
        bases = [b for b in bases_of(c) if b != c]
        pending = [b for b in bases if b not in memo and b not in stack]
        if pending and len(stack) < 10 * MAX_MRO:
            stack.extend(pending)
            continue
        stack.pop()
        if c not in memo:
            memo[c] = _c3(c, [memo.get(b, [b]) for b in bases], bases)
    return memo[cls]
