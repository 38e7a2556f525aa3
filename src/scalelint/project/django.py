"""Django settings as production runs them: which settings module is the production one,
and the DATABASES and DEBUG it ends up with (following `from .base import *`)."""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scalelint.facts import Assignment, DjangoDatabase, PythonFacts
from scalelint.project import is_non_production_path
from scalelint.project.django_caches import parse_source
from scalelint.project.servers import DEPLOY_SOURCES

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.servers import ServerProcess

_DEV_NAME = re.compile(r"(^|[._])(dev|develop|development|local|test|tests|testing|ci|debug)($|[._])")
_PROD_NAME = re.compile(r"(^|[._])(prod|production|live|deploy|deployment|heroku|docker|server)($|[._])")


@dataclass
class SettingsModule:
    name: str
    path: str
    facts: PythonFacts
    chosen_because: str  # "DJANGO_SETTINGS_MODULE in <file>", "wsgi.py default", "its name", "the only settings module"
    databases: tuple[DjangoDatabase, ...] = ()
    databases_path: str | None = None  # where the effective DATABASES literal is
    databases_known: bool = True  # False when later code rewrites DATABASES in ways we cannot follow
    debug: Assignment | None = None
    debug_path: str | None = None
    missing_imports: list[str] = field(default_factory=list)  # `from .local import *` of a module the repository lacks
    # `from settings_local import *` of a module the repository lacks: an install's own overrides
    # (Review Board generates one per site), which may set any name, DEBUG and DATABASES too
    local_overrides: list[str] = field(default_factory=list)


@dataclass
class DjangoModel:
    production_settings: list[SettingsModule] = field(default_factory=list)
    asgi_served: bool = False  # some production process serves the Django ASGI app
    wsgi_servers: list["ServerProcess"] = field(default_factory=list)

    @classmethod
    def build(cls, project: "Project") -> "DjangoModel":
        model = cls()
        for server in project.servers:
            if not server.production:
                continue
            if server.app_interface == "asgi" or server.server in ("daphne", "hypercorn", "granian") or (
                server.server in ("uvicorn", "fastapi")
            ):
                model.asgi_served = True
            elif server.server in ("gunicorn", "uwsgi", "waitress") and server.app_interface != "asgi":
                model.wsgi_servers.append(server)
        model.production_settings = _production_settings(project)
        return model


def _is_settings_module(facts: PythonFacts) -> bool:
    names = {a.name for a in facts.assignments}
    return bool(facts.databases) or ("INSTALLED_APPS" in names and ("DATABASES" in names or facts.star_imports))


def _production_settings(project: "Project") -> list[SettingsModule]:
    named = _settings_from_environment(project)
    if named:
        result = _settings(project, named)
        if _named_by_default_only(result) and not any(s.databases_path for s in result):
            # `lego.settings` star-imports `lego.settings.local`, kept out of the repository: the
            # database is configured there, most likely from the module named for production
            lacking = next(s for s in result if s.missing_imports)
            names = ", ".join(f"`{m}`" for m in lacking.missing_imports[:3])
            missing = f"`{lacking.name}` imports {names}, which the repository does not have"
            result += [s for s in _settings(project, _by_name(project), f"; {missing}") if s.databases_path and s.name not in {r.name for r in result}]
        return result
    return _settings(project, _by_name(project))


def _named_by_default_only(result: list[SettingsModule]) -> bool:
    """Every module was chosen by the default in wsgi.py, and one imports a module we lack."""
    return bool(result) and all(s.chosen_because.startswith("the default in ") for s in result) and any(s.missing_imports for s in result)


def _by_name(project: "Project") -> list[tuple[str, str]]:
    modules = {
        facts.module: facts
        for path, facts in ((p, f.python) for p, f in project.files.items())
        if facts is not None and facts.module and not is_non_production_path(path)
    }
    settings = {m for m, facts in modules.items() if _is_settings_module(facts)}
    # `cabotage.py` that star-imports `base.py` and overrides a few names is a settings module too
    settings |= {m for m, facts in modules.items() if any(s in settings for s in facts.star_imports)}
    production = sorted(m for m in settings if _PROD_NAME.search(m.rsplit(".", 1)[-1]))
    if production:
        return [(m, "its name") for m in production]
    # a module others build on (`base`) is not what runs when one that is not for development
    # builds on it; when only development and test modules do, the base is what production runs
    not_dev = sorted(m for m in settings if not _DEV_NAME.search(m.rsplit(".", 1)[-1]))
    built_on = {s for m in settings for s in modules[m].star_imports}
    leaves = [m for m in not_dev if m not in built_on]
    chosen = leaves if leaves else not_dev
    return [(chosen[0], "the only settings module")] if len(chosen) == 1 else []


def _settings(project: "Project", chosen: list[tuple[str, str]], because: str = "") -> list[SettingsModule]:
    result = []
    for module, reason in chosen:
        found = project.find_module(module)
        if found is None:
            continue
        settings = SettingsModule(module, found[0], found[1], reason + because)
        _follow(project, settings, found[0], found[1], seen=set())
        result.append(settings)
    return result


def _settings_from_environment(project: "Project") -> list[tuple[str, str]]:
    """DJANGO_SETTINGS_MODULE as production sets it: deploy files first, then wsgi.py/asgi.py."""
    found: dict[str, str] = {}

    def named(value: str | None, source: str) -> bool:
        # a compose file or a make target may be the developer's: `settings.local` named there
        # is the development setup, unless a file that exists to deploy names it
        return bool(value) and "$" not in value and (source in DEPLOY_SOURCES or not _DEV_NAME.search(value.rsplit(".", 1)[-1]))

    for command in project.commands:
        if command.context == "development":
            continue
        for setting in command.env:
            if setting.name == "DJANGO_SETTINGS_MODULE" and named(setting.value, command.source):
                found.setdefault(setting.value, f"DJANGO_SETTINGS_MODULE in {command.path}")
        for word in command.argv:
            if word.text.startswith("DJANGO_SETTINGS_MODULE=") or word.text.startswith("--settings="):
                value = word.text.split("=", 1)[1]
                if named(value, command.source):
                    found.setdefault(value, f"settings named in {command.path}")
    for run in project.image_runs:
        if run.context == "development":
            continue
        for setting in run.env:
            if setting.name == "DJANGO_SETTINGS_MODULE" and named(setting.value, run.source):
                found.setdefault(setting.value, f"DJANGO_SETTINGS_MODULE in {run.path}")
    if found:
        return list(found.items())
    for path, facts in project.files.items():
        python = facts.python
        if python is None or posixpath.basename(path) not in ("wsgi.py", "asgi.py") or is_non_production_path(path):
            continue
        for name, value in python.env_defaults:
            if name == "DJANGO_SETTINGS_MODULE" and not _DEV_NAME.search(value.rsplit(".", 1)[-1]):
                found.setdefault(value, f"the default in {path}")
    return list(found.items())


def _follow(project: "Project", settings: SettingsModule, path: str, facts: PythonFacts, seen: set[str]) -> None:
    """Fill DATABASES and DEBUG from the module, or from what it star-imports (last wins)."""
    if facts.module in seen or len(seen) > 10:
        return
    seen.add(facts.module)
    for module in facts.star_imports:
        found = project.find_module(module)
        if found is not None:
            _follow(project, settings, found[0], found[1], seen)
        else:
            if module.split(".")[0] == settings.name.split(".")[0]:
                settings.missing_imports.append(module)  # the project's own module, not in the repository
            if "local" in module.rsplit(".", 1)[-1].lower() and not _optional_import(project, path, module):
                settings.local_overrides.append(module)
    if facts.databases:
        settings.databases = facts.databases
        settings.databases_path = path
        settings.databases_known = not facts.databases_mutated and not facts.names_set_dynamically
    elif facts.databases_mutated or facts.names_set_dynamically:
        settings.databases_known = False
    if settings.local_overrides:
        settings.databases_known = False
    for assignment in facts.assignments:
        if assignment.name == "DEBUG":
            settings.debug = assignment
            settings.debug_path = path


def _optional_import(project: "Project", path: str, module: str) -> bool:
    """`try: from .local_settings import * / except ImportError: pass`: the override may not
    exist, so what the repository's settings say is what runs without it (WebODM). Review
    Board's `except ImportError: sys.exit(1)` requires it instead."""
    tree = parse_source(project, path)
    if tree is None:
        return False
    last = module.rsplit(".", 1)[-1]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        star = any(isinstance(n, ast.ImportFrom) and (n.module or "").rsplit(".", 1)[-1] == last and any(a.name == "*" for a in n.names) for n in node.body)
        if star:
            return any(all(isinstance(b, ast.Pass) or (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant)) for b in h.body) for h in node.handlers)
    return False
