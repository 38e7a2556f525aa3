"""The sentences the Markdown and HTML renderers share: a fact with its source, a number with
its formula, an unknown with what would decide it. Plain text; each renderer escapes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scalelint.report.architecture import Fact, Process
    from scalelint.report.capacity import Growth, Number, ProcessCapacity

UNKNOWN = "unknown"
NOT_APPLICABLE = "n/a"


def fact(f: "Fact | None", server: str = "") -> str:
    """`3 (command line, Dockerfile:13)`, `1 (gunicorn's default)`, `unknown (config file,
    gunicorn.conf.py:9)`; `n/a` for a setting the server does not have."""
    if f is None:
        return NOT_APPLICABLE
    if not f.known:
        where = ", ".join(part for part in (f.source, f.where) if part)
        return f"{UNKNOWN} ({where})" if where else UNKNOWN
    if f.source == "default":
        return f"{f.value} ({server}'s default)" if server else f"{f.value} (default)"
    where = ", ".join(part for part in (f.source, f.where) if part)
    return f"{f.value} ({where})" if where else str(f.value)


def number(n: "Number") -> str:
    if not n.known:
        return UNKNOWN
    return f"{n.value} ({n.formula})" if n.formula else str(n.value)


def decided_by(n: "Number") -> str:
    """For an unknown: 'decided by X; Y'."""
    return "decided by " + "; ".join(dict.fromkeys(n.decided_by)) if n.decided_by else ""


def process_title(p: "Process") -> str:
    kind = "production" if p.production else "development"
    deployed = ", deployed" if p.deployed else ""
    return f"`{p.name}`: {p.server} in {p.located} ({kind}{deployed})"


def growth(g: "Growth") -> str:
    line = f"{g.factor}x: {g.instances.formula} -> {number(g.connections)} connections"
    if g.over_max is True:
        line += ", above max_connections"
    elif g.over_max is False:
        line += ", within max_connections"
    return line


def capacity_rows(entry: "ProcessCapacity") -> list[tuple[str, "Number", str]]:
    """(label, number, what decides it) for one process. A factor that is unknown says what
    decides it; a product of factors only that it is unknown (its factor says why)."""
    rows = []
    for label, n, factor in (
        ("Requests at once per process", entry.per_process, True),
        ("Worker processes per instance", entry.workers, True),
        ("Requests at once per instance", entry.per_instance, False),
        ("Instances", entry.instances, True),
        ("Requests at once, whole fleet", entry.fleet, False),
    ):
        rows.append((label, n, decided_by(n) if factor and not n.known else ""))
    return rows
