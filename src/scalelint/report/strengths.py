"""What is already right, so the reader sees the review read the code: pools that cover the
requests each process serves, worker counts the deployment sets, fleets that fit under the
database's max_connections, relations the ORM declares eager. Each with its file and line;
only what the model shows, nothing inferred from the absence of a finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.report.architecture import Architecture
    from scalelint.report.capacity import Capacity

# SQLAlchemy loader strategies that load the relation with its owner, not row by row
EAGER_STRATEGIES = frozenset({"joined", "selectin", "subquery", "immediate"})
MAX_RELATIONS = 10  # a model-heavy app declares hundreds: the review names a few and counts the rest


@dataclass(frozen=True)
class Strength:
    what: str
    path: str
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def find(project: "Project", architecture: "Architecture", capacity: "Capacity", shown: Callable[[str], str]) -> list[Strength]:
    found: list[Strength] = []
    for entry in capacity.processes:
        p = entry.process
        if p.workers.known and p.workers.source != "default" and p.workers.path:
            found.append(Strength(f"`{p.name}` ({p.server}) sets its worker count: {p.workers.value} ({p.workers.source})", p.workers.path, p.workers.line))
        for d in entry.pools:
            if d.binds.startswith("the workers"):
                served = f"{entry.per_process.value} request{'s' if entry.per_process.value != 1 else ''}"
                found.append(Strength(f"the pool's {d.per_process.value} connections cover the {served} each `{p.name}` process ({p.where}) serves at once", d.pool.path, d.pool.line))
            if isinstance(d.fleet.value, int) and isinstance(capacity.max_connections.value, int) and d.fleet.value <= capacity.max_connections.value:
                found.append(Strength(f"`{p.name}`'s fleet opens at most {d.fleet.value} connections through this pool, within max_connections {capacity.max_connections.value}", d.pool.path, d.pool.line))
    found += _eager_relations(project, shown)
    return found


def _eager_relations(project: "Project", shown: Callable[[str], str]) -> list[Strength]:
    seen: set[tuple[str, int]] = set()
    eager = []
    for model in project.orm.models.values():
        for relation in model.relations.values():
            key = (relation.path, relation.span.line)
            if relation.lazy in EAGER_STRATEGIES and key not in seen:
                seen.add(key)
                owner = relation.owner.rsplit(".", 1)[-1]
                eager.append(Strength(f"`{owner}.{relation.name}` is declared eager (lazy=\"{relation.lazy}\"): no query per row", shown(relation.path), relation.span.line))
    eager.sort(key=lambda s: (s.path, s.line or 0))
    if len(eager) > MAX_RELATIONS:
        rest = len(eager) - MAX_RELATIONS
        eager = eager[:MAX_RELATIONS] + [Strength(f"and {rest} more relation{'s' if rest != 1 else ''} declared eager", eager[MAX_RELATIONS].path, None)]
    return eager
