"""How the deployment applies migrations: at boot, before the one web process serves, or as a
step of its own while the running version keeps serving.

A migration that locks a table hurts only while something is waiting on that table. When the
production web container runs `manage.py migrate` / `alembic upgrade head` / `flask db upgrade`
just before it starts the server, and nothing else serves meanwhile (one instance, restarted by
compose or a Procfile platform rather than rolled by Kubernetes, Render or Fly, which keep the old
version serving until the new one is up), the lock waits on nobody. A Heroku `release:` phase, a
Kubernetes Job or a deploy script of its own runs while the app serves: its locks are felt.

    runs = migration_runs(project)
    runs.at_boot("django")   # the run that shows Django migrations apply at boot, or None
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.facts import DeployCommand, Word
from scalelint.project.environment import Env
from scalelint.project.servers import recognise_server, script_target, strip_launchers

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.servers import ServerProcess

__all__ = ["MigrationRun", "MigrationRuns", "migration_runs", "migrate_tool"]

# platforms that start the new version beside the old one, which serves until the new one is up
_ROLLING_SOURCES = frozenset({"kubernetes", "render", "fly", "appengine"})
_MAX_SCRIPT_DEPTH = 3


@dataclass(frozen=True)
class MigrationRun:
    tool: str  # django | alembic
    command: DeployCommand
    word: Word  # `migrate`, `upgrade`
    at_boot: bool
    server: str | None = None  # what starts after it in the same container, when at boot


class MigrationRuns:
    def __init__(self, runs: list[MigrationRun]):
        self.runs = runs

    def at_boot(self, tool: str) -> MigrationRun | None:
        """A run showing that `tool`'s migrations are applied at boot, when every production run
        of them is; None when one runs while the app serves, or when no run is found."""
        mine = [r for r in self.runs if r.tool == tool]
        if mine and all(r.at_boot for r in mine):
            return mine[0]
        return None


def migrate_tool(words: list[Word]) -> tuple[str, Word] | None:
    """("django" | "alembic", the word to point at) for a command that applies migrations."""
    if not words:
        return None
    first = posixpath.basename(words[0].text)
    rest = words[1:]
    if first.startswith("python") and rest and rest[0].text == "-m" and len(rest) > 1:
        first, rest = rest[1].text, rest[2:]
    elif first.startswith("python") and rest:
        first, rest = posixpath.basename(rest[0].text), rest[1:]
    positionals = _positionals(rest)
    if first in ("manage.py", "django-admin", "django") and positionals:
        if positionals[0].text == "migrate":
            return "django", positionals[0]
        if positionals[0].text == "db" and len(positionals) > 1 and positionals[1].text == "upgrade":
            return "alembic", positionals[1]  # Flask-Script's `manage.py db upgrade`
    if first == "alembic" and positionals and positionals[0].text == "upgrade":
        return "alembic", positionals[0]
    if first == "flask" and len(positionals) > 1 and positionals[0].text == "db" and positionals[1].text == "upgrade":
        return "alembic", positionals[1]
    return None


# options of alembic, flask and manage.py that take the next word as their value
_VALUED = frozenset({"-c", "--config", "-n", "--name", "-x", "--app", "-A", "--settings", "--pythonpath", "--database", "-e", "--env-file"})


def _positionals(words: list[Word]) -> list[Word]:
    out: list[Word] = []
    skip = False
    for w in words:
        if skip:
            skip = False
        elif w.text.startswith("-"):
            skip = w.text in _VALUED
        else:
            out.append(w)
    return out


def migration_runs(project: "Project") -> MigrationRuns:
    return _Finder(project).find()


class _Finder:
    def __init__(self, project: "Project"):
        self.project = project
        # a script -> the commands that run it
        self.launchers: dict[str, list[DeployCommand]] = {}
        for command in project.commands:
            target = command.runs_script or script_target(list(command.argv))
            if target:
                resolved = project.resolve_path(target, command.path)
                if resolved and resolved != command.path and project.files[resolved].kind == "shell":
                    self.launchers.setdefault(resolved, []).append(command)
        self.rolling = any(c.source in _ROLLING_SOURCES and c.context != "development" for c in project.commands)

    def find(self) -> MigrationRuns:
        runs: list[MigrationRun] = []
        servers = [s for s in self.project.servers if s.production]
        for command in self.project.commands:
            found = migrate_tool(strip_launchers(list(command.argv), Env(), command.path))
            if found is None:
                continue
            units = self.units(command)
            if command.context == "development" or (len(units) > 1 and all(u.context == "development" for u in units[1:])):
                continue  # a development file or target: not how production is migrated
            if len(units) == 1 and command.source in ("shell", "makefile") and command.context != "production":
                continue  # a helper nothing deploys with (`regenerate.sh`, `make init`); `deploy.sh` counts
            tool, word = found
            server = self.boot_server(units, servers)
            runs.append(MigrationRun(tool, command, word, server is not None, server))
        return MigrationRuns(runs)

    def units(self, command: DeployCommand, depth: int = 0) -> list[DeployCommand]:
        """The deployment commands that run `command`: itself, and what runs its script."""
        out = [command]
        if command.source == "shell" and depth < _MAX_SCRIPT_DEPTH:
            for launcher in self.launchers.get(command.path, ()):
                out.extend(self.units(launcher, depth + 1))
        return out

    def boot_server(self, units: list[DeployCommand], servers: list["ServerProcess"]) -> str | None:
        """The server the same container starts after migrating, if nothing else serves meanwhile."""
        if self.rolling:
            return None
        places = {(u.path, u.process) for u in units if u.source != "shell"}
        scripts = {u.path for u in units if u.source == "shell"}
        for s in servers:
            origin = s.launched_by or s.command
            if (origin.path, origin.process) in places or s.command.path in scripts:
                return s.server if (s.instances or 1) <= 1 and (origin.instances or 1) <= 1 else None
        # `ENTRYPOINT ["./entrypoint.sh"]` + `CMD ["gunicorn", ...]`: the script migrates, then
        # `exec "$@"` starts what follows it
        for u in units:
            if u.source == "shell" or not (u.runs_script or script_target(list(u.argv))):
                continue
            words = strip_launchers(list(u.argv), Env(), u.path)
            started = recognise_server(words[1:]) if len(words) > 1 else None
            if started is not None and (u.instances or 1) <= 1:
                return started
        return None
