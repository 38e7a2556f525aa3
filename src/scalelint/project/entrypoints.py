"""Programs a deployment command starts that the Project reads as Python, and the server
calls they make: `python app.py` (its script code), `python -m shop` (`shop/__main__.py`),
and console scripts (`[project.scripts]`, `[tool.poetry.scripts]`, setup.cfg and setup.py
`console_scripts`) down to the click/typer command the next argument names
(`web: shop serve` -> `@cli.command() def serve(): uvicorn.run(...)`).

A command that does not start a server the repository shows adds nothing: we never guess.
"""

from __future__ import annotations

import configparser
import posixpath
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scalelint.facts import RunCall, Word
from scalelint.python.apps import APP_CONSTRUCTORS

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

if TYPE_CHECKING:
    from scalelint.project import Project

_SETUP_PY_ENTRY = re.compile(r"""["']\s*([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z_][\w.]*)\s*:\s*([A-Za-z_][\w.]*)\s*["']""")
_COMMAND_DECORATORS = (".command", "click.command")
_CALL_DEPTH = 3  # functions followed from the command to the server call
# framework -> its app class's run method, as the run-call facts name it ("flask.Flask.run")
_RUN_METHODS = {framework: f"{canonical}.run" for framework, _, canonical in APP_CONSTRUCTORS.values()}


@dataclass(frozen=True)
class Started:
    """A server call a program makes, in the file that makes it."""

    path: str
    call: RunCall


def console_scripts(project: "Project") -> dict[str, str]:
    """Console script name -> `module:function`, from the project's packaging files."""
    scripts: dict[str, str] = {}
    roots = {""} | {posixpath.dirname(p) for p in project.files if posixpath.basename(p) in ("pyproject.toml", "setup.py")}
    for root in sorted(roots):
        scripts.update(_from_pyproject(project.source(posixpath.join(root, "pyproject.toml"))))
        scripts.update(_from_setup_cfg(project.source(posixpath.join(root, "setup.cfg"))))
        scripts.update(_from_setup_py(project.source(posixpath.join(root, "setup.py"))))
    return scripts


def _from_pyproject(text: str | None) -> dict[str, str]:
    if not text or "scripts" not in text:
        return {}
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return {}
    out: dict[str, str] = {}
    for table in (data.get("project", {}).get("scripts"), data.get("tool", {}).get("poetry", {}).get("scripts")):
        if isinstance(table, dict):
            out.update({k: v for k, v in table.items() if isinstance(v, str) and ":" in v})
    return out


def _from_setup_cfg(text: str | None) -> dict[str, str]:
    if not text or "console_scripts" not in text:
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        body = parser.get("options.entry_points", "console_scripts", fallback="")
    except configparser.Error:
        return {}
    out = {}
    for line in body.splitlines():
        name, eq, target = line.partition("=")
        if eq and ":" in target:
            out[name.strip()] = target.strip()
    return out


def _from_setup_py(text: str | None) -> dict[str, str]:
    if not text or "console_scripts" not in text:
        return {}
    return {m.group(1): f"{m.group(2)}:{m.group(3)}" for m in _SETUP_PY_ENTRY.finditer(text)}


def script_calls(project: "Project", path: str) -> list[Started]:
    """The server calls a Python file makes when run as a script."""
    module = project.module_at(path)
    return [_started(project, path, c) for c in (module.run_calls if module else ()) if c.function is None]


def _started(project: "Project", path: str, call: RunCall) -> Started:
    """`app.run()` on an app another module defines (`from shop.app import app`) is that app's run."""
    facts = project.module_at(path)
    if call.callee == "<unknown>.run" and call.receiver and facts is not None:
        qualified = dict(facts.imports).get(call.receiver)
        module, _, attr = (qualified or "").rpartition(".")
        found = project.find_module(module) if module else None
        app = next((a for a in found[1].apps if a.name == attr), None) if found else None
        if app is not None and app.framework in _RUN_METHODS:
            call = replace(call, callee=_RUN_METHODS[app.framework])
    return Started(path, call)


def module_main(project: "Project", dotted: str) -> str | None:
    """The file `python -m dotted` runs: the package's `__main__.py`, else the module."""
    found = project.find_module(f"{dotted}.__main__") or project.find_module(dotted)
    return found[0] if found else None


def entry_calls(project: "Project", target: str, args: list[Word]) -> tuple[str, list[Started]] | None:
    """(the file, the server calls) of a console script `module:function` run with `args`:
    the function's own calls, or those of the click/typer command the first argument names."""
    module_name, _, attr = target.partition(":")
    found = project.find_module(module_name.strip())
    if found is None or not attr:
        return None
    path, facts = found
    entry = f"{facts.module}.{attr.strip().split('.')[0]}"
    subcommand = next((w.text for w in args if not w.text.startswith("-")), None)
    starts = [entry]
    if subcommand is not None:
        chosen = _command(project, facts.module, subcommand)
        if chosen is not None:
            starts = [chosen]
    return path, _reachable_calls(project, starts)


def _command(project: "Project", module: str, name: str) -> str | None:
    """The click/typer command function called `name` (`dev-server` is `def dev_server`)
    among the modules the entry module reaches."""
    wanted = {name, name.replace("-", "_")}
    for reached in sorted(project.reachable_modules(module)):
        found = project.find_module(reached)
        if found is None:
            continue
        for fn in found[1].functions:
            if fn.name in wanted and fn.class_name is None and any(d.endswith(_COMMAND_DECORATORS) for d in fn.decorators):
                return fn.qualname
    return None


def _reachable_calls(project: "Project", starts: list[str]) -> list[Started]:
    seen: set[str] = set()
    frontier = list(starts)
    for _ in range(_CALL_DEPTH):
        seen.update(frontier)
        frontier = [c.callee for q in frontier for c in project.callgraph.calls(q) if c.callee not in seen]
    seen.update(frontier)
    out = []
    for path, facts in sorted(project.files.items()):
        if facts.python is None:
            continue
        out.extend(_started(project, path, c) for c in facts.python.run_calls if c.function in seen)
    return out
