"""The settings a recognised server runs with, resolved the way the server resolves them,
each with the place that decided it (gunicorn: command line > GUNICORN_CMD_ARGS > config
file > WEB_CONCURRENCY > default; uvicorn: command line > WEB_CONCURRENCY > default)."""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.facts import Span, Word
from scalelint.frameworks import cli as cli_args
from scalelint.frameworks import gunicorn, uvicorn
from scalelint.project.environment import as_int, as_int_value, eval_expr, expand

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.servers import ServerProcess


@dataclass(frozen=True)
class Setting:
    value: object | None  # None: cannot be known from the repository
    source: str  # "command line", "GUNICORN_CMD_ARGS", "config file", "WEB_CONCURRENCY", "environment", "default"
    path: str | None = None
    line: int | None = None

    @property
    def is_default(self) -> bool:
        return self.source == "default"


# --- gunicorn ---------------------------------------------------------------------------

def resolve_gunicorn(project: "Project", process: "ServerProcess") -> None:
    env = process.env
    cli = cli_args.parse(process.args, gunicorn.OPTIONS)
    if cli.positionals:
        process.app = cli.positionals[0].text
    cmd_args: cli_args.ParsedArgs | None = cli_args.ParsedArgs()
    if "GUNICORN_CMD_ARGS" in env.values:
        raw = env.values["GUNICORN_CMD_ARGS"]
        cmd_args = _parse_env_args(raw, gunicorn.OPTIONS) if raw is not None else None
    elif env.opaque:
        cmd_args = None
    config_expr, config_path, config_known = _gunicorn_config(project, process, cli, cmd_args)
    process.config_path = config_path
    for name in gunicorn.SETTINGS:
        process.settings[name] = _gunicorn_setting(name, process, cli, cmd_args, config_expr, config_path, config_known)
        if cli.ambiguous:  # `--work 4`: gunicorn refuses to start, so it runs with no settings at all
            process.settings[name] = Setting(None, "command line", process.path)
    if process.app is None and isinstance(process.value("wsgi_app"), str):
        process.app = process.value("wsgi_app")
    process.app_interface = app_interface(project, process.app, process.value("chdir"), default_attr="application")

def _gunicorn_config(project, process, cli, cmd_args):
    """The config file's assignments, its path, and whether we could read it."""
    written = None
    if "config" in cli.settings:
        written = expand(cli.settings["config"][0], process.env)
    elif cmd_args is not None and "config" in cmd_args.settings:
        written = expand(cmd_args.settings["config"][0], process.env)
    if written is None and ("config" in cli.settings or (cmd_args and "config" in cmd_args.settings)):
        return {}, None, False
    facts = None
    if written is not None:
        if written.startswith("python:"):  # `-c python:shop.gunicorn_conf`: a module on the path
            found = project.find_module(written[len("python:"):])
        else:  # any file name: gunicorn reads it as Python (`gunicorn.conf`, `deploy/gunicorn_prod`)
            found = project.python_file(written, process.path)
        path, facts = found if found else (None, None)
    else:
        path = _default_config(project, process.path)
        if path is None:
            return {}, None, True
        facts = project.module_at(path)
    if facts is None:
        return {}, path, False
    if facts.names_set_dynamically:
        # `locals()[key] = value` from GUNICORN_* variables: any setting may come from the
        # environment, so only what the file writes out is known
        return _Dynamic({a.name: a for a in facts.assignments}), path, True
    return {a.name: a for a in facts.assignments}, path, True


class _Dynamic(dict):
    """A config file's assignments when it also sets names it does not write out."""


def _default_config(project, near: str) -> str | None:
    """gunicorn reads ./gunicorn.conf.py from its working directory when no -c is given."""
    candidates = [p for p in project.files if posixpath.basename(p) == "gunicorn.conf.py"]
    if not candidates:
        return None
    base = posixpath.dirname(near)
    candidates.sort(key=lambda p: (not p.startswith(base), p.count("/")))
    return candidates[0]

def _gunicorn_setting(name, process, cli, cmd_args, config, config_path, config_known) -> Setting:
    env = process.env
    option = name if name != "wsgi_app" else None
    if option and option in cli.settings:
        text, word = cli.settings[option]
        return Setting(_typed(name, expand(text, env)), "command line", process.path, word.span.line)
    if cmd_args is None:
        return Setting(None, "GUNICORN_CMD_ARGS")
    if option and option in cmd_args.settings:
        path, line = env.where.get("GUNICORN_CMD_ARGS", (None, None))
        return Setting(_typed(name, expand(cmd_args.settings[option][0], env)), "GUNICORN_CMD_ARGS", path, line)
    if not config_known:
        return Setting(None, "config file", config_path)
    if isinstance(config, _Dynamic) and name not in config:
        return Setting(None, "config file", config_path)  # it may set it from the environment
    if name in config:
        assignment = config[name]
        return Setting(_typed(name, eval_expr(assignment.value, env)), "config file", config_path, assignment.span.line)
    if name == "workers":
        known, value = env.lookup("WEB_CONCURRENCY")
        if value is not None or "WEB_CONCURRENCY" in env.values:
            path, line = env.where.get("WEB_CONCURRENCY", (None, None))
            return Setting(as_int(expand(value, env)) if value is not None else None, "WEB_CONCURRENCY", path, line)
        if not known:
            return Setting(None, "environment")
    if name in gunicorn.DEFAULTS:
        return Setting(gunicorn.DEFAULTS[name], "default")
    return Setting(None, "default")

def resolve_embedded_gunicorn(project: "Project", process: "ServerProcess", path: str, call) -> None:
    """gunicorn started from Python (`StandaloneApplication(app, {"workers": 4}).run()`): the
    options dict is its configuration; what it leaves out takes gunicorn's defaults."""
    options = dict(call.kwargs)
    unread = "**" in options or "*" in options
    process.config_path = path
    for name in gunicorn.SETTINGS:
        expr = options.get(name)
        if expr is not None:
            line = expr.span.line if getattr(expr, "span", None) else call.span.line
            process.settings[name] = Setting(_typed(name, eval_expr(expr, process.env)), "config file", path, line)
        elif unread:
            process.settings[name] = Setting(None, "config file", path)
        elif name == "workers" and ("WEB_CONCURRENCY" in process.env.values or process.env.opaque):
            value = process.env.values.get("WEB_CONCURRENCY")
            process.settings[name] = Setting(as_int(expand(value, process.env)) if value else None, "WEB_CONCURRENCY")
        else:
            process.settings[name] = Setting(gunicorn.DEFAULTS.get(name), "default")


# --- uvicorn / fastapi run ----------------------------------------------------------------

def resolve_uvicorn(project: "Project", process: "ServerProcess") -> None:
    cli = cli_args.parse(process.args, uvicorn.OPTIONS)
    if cli.positionals:
        process.app = cli.positionals[0].text
    if "env_file" in cli.settings:
        process.env.opaque = True
    for name in ("workers", "reload", "limit_concurrency"):
        if name in cli.settings:
            text, word = cli.settings[name]
            process.settings[name] = Setting(_typed(name, expand(text, process.env)), "command line", process.path, word.span.line)
        elif name == "workers":
            known, value = process.env.lookup("WEB_CONCURRENCY")
            if value is not None:
                process.settings[name] = Setting(as_int(value), "WEB_CONCURRENCY", *process.env.where["WEB_CONCURRENCY"])
            elif "WEB_CONCURRENCY" in process.env.values or not known:
                process.settings[name] = Setting(None, "environment")
            else:
                process.settings[name] = Setting(1, "default")
        else:
            process.settings[name] = Setting(None if name != "reload" else False, "default")
    if process.server == "uvicorn":
        process.app_interface = app_interface(project, process.app, process.value("app_dir"), default_attr=None)

# --- python app.py --------------------------------------------------------------------------

def resolve_script(project: "Project", process: "ServerProcess") -> None:
    process.script_path = project.resolve_path(process.word.text, process.path)


def _parse_env_args(raw: str, spec: cli_args.OptionSpec) -> cli_args.ParsedArgs | None:
    try:
        parts = shlex.split(raw)
    except ValueError:
        return None
    dummy = Span(0, 0, 0, 0)
    return cli_args.parse([Word(part, dummy) for part in parts], spec)


_INT_SETTINGS = {"workers", "threads", "worker_connections", "timeout", "limit_concurrency"}


def _typed(name: str, value: object) -> object:
    if value is None:
        return None
    if name in _INT_SETTINGS:
        return as_int_value(value) if not isinstance(value, float) else int(value)
    if name == "reload":
        return value in (True, "true", "True", "1")
    return value


def app_interface(project: "Project", target: object, chdir: object, default_attr: str | None) -> str | None:
    """"asgi" / "wsgi" for a `module:attr` target the project defines, else None."""
    if not isinstance(target, str) or not target:
        return None
    module, _, attr = target.strip("'\"").partition(":")
    attr = attr or (default_attr or "")
    if not attr or "(" in attr or "$" in module:
        return None
    candidates = [module]
    if isinstance(chdir, str) and chdir not in (".", ""):
        candidates.insert(0, chdir.strip("/").replace("/", ".") + "." + module)
    for name in candidates:
        found = project.find_module(name)
        if found is None:
            continue
        for app in found[1].apps:
            if app.name == attr:
                return app.interface
        return None
    return None
