"""Which migrations can still be unapplied: the ones the next deploy may run, and so the only
ones whose cost at migration time (a lock held while an index builds) is still to be paid.

A rule about what a migration does when it runs judges a migration only when:
- the user named its file on the command line (pre-commit passes the new migration), or
- it is a head of its chain (scalelint.project.migration_graph): nothing later depends on it,
  and it is not committed yet (git shows it new or modified: scalelint.project.git_state), or
  the scope is "all". A head committed to the branch has most likely been deployed: judges who
  did not write the rule found none of 10 committed heads worth a change;
and never when it is squashed (`replaces = [...]`: databases that ran the migrations it replaces
only record it), nor when the deployment applies that tool's migrations at boot before the only
web process serves (scalelint.project.migration_runs).

    pending = project.unapplied
    pending.verdict(migration).judged, pending.verdict(migration).why
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from scalelint.project.migration_graph import STALE_AFTER, Settled, created_on, settled_by
from scalelint.project.migration_runs import MigrationRuns, migration_runs

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.schema import Migration

__all__ = ["Verdict", "UnappliedMigrations"]


@dataclass(frozen=True)
class Verdict:
    judged: bool
    why: str
    where: tuple[str, int] | None = None  # the place that decided it: the later migration, the boot command


class UnappliedMigrations:
    def __init__(self, project: "Project"):
        self.project = project

    @cached_property
    def _settled(self) -> dict[str, Settled | None]:
        return settled_by(self.project.schema.migrations)

    @cached_property
    def runs(self) -> MigrationRuns:
        return migration_runs(self.project)

    @cached_property
    def _uncommitted(self) -> frozenset[str]:
        from scalelint.project.git_state import uncommitted

        return uncommitted(self.project.root) or frozenset()

    @cached_property
    def _by_key(self) -> dict[str, "Migration"]:
        return {m.key: m for m in self.project.schema.migrations}

    def verdict(self, m: "Migration") -> Verdict:
        if m.style == "django" and m.facts.replaces:
            return Verdict(False, "it is a squashed migration: databases that applied the migrations it replaces only record it")
        boot = self.runs.at_boot(m.style) if m.style in ("django", "alembic") else None
        if boot is not None:
            started = f" before `{boot.server}` starts" if boot.server else ""
            return Verdict(False, f"the deployment applies migrations at boot{started}, while nothing else serves", (boot.command.path, boot.word.span.line))
        if m.path in self.project.named_files:
            return Verdict(True, "its file was named on the command line")
        settled = self._settled.get(m.key)
        if settled is None:
            if self.project.settings.scope == "all":
                return Verdict(True, "nothing later depends on it: the next deploy may run it")
            if m.path in self._uncommitted:
                return Verdict(True, "it is not committed yet: the next deploy may run it")
            return Verdict(False, "it is committed, and a migration on the branch has most likely been deployed (pre-commit names a new one)")
        after = self._by_key.get(settled.later)
        name = posixpath.basename(after.path) if after is not None else settled.later
        where = (after.path, 1) if after is not None else None
        if settled.how == "depends":
            return Verdict(False, f"production has applied it: the later migration `{name}` depends on it", where)
        then, newest = created_on(m), created_on(after) if after is not None else None
        return Verdict(
            False,
            f"production has applied it: it was generated on {then}, more than {STALE_AFTER} days before `{name}` ({newest}), "
            "and one deploy applies every pending migration",
            where,
        )
