"""Which processes serve the app, and with what effective settings.

Each deployment command that starts a server (gunicorn, uvicorn, `manage.py runserver`,
`flask run`, `python app.py`, ...) becomes a ServerProcess whose settings are resolved the way
the server does it, each with the place that decided it. A value that depends on something the
repository does not show is `None`: rules stay silent on it rather than guess.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scalelint import limits
from scalelint.facts import Choice, Const, DeployCommand, EnvSetting, EnvVar, Expr, Span, Word
from scalelint.frameworks import cli as cli_args
from scalelint.frameworks import gunicorn, uvicorn

if TYPE_CHECKING:
    from scalelint.project import Project

# Files that exist to deploy: what they run is what production runs.
DEPLOY_SOURCES = frozenset({"procfile", "dockerfile", "render", "fly", "appengine", "kubernetes", "systemd", "supervisord"})
ORCHESTRATED_SOURCES = frozenset({"kubernetes"})

_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-=])?(?P<default>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

# Launchers that run the command after them: (name, how many words they take before it).
_WRAPPERS = {
    "exec": 0, "nohup": 0, "time": 0, "dumb-init": 0, "tini": 0, "ddtrace-run": 0,
    "newrelic-admin": 1, "opentelemetry-instrument": 0, "gosu": 1, "su-exec": 1, "env": 0, "nice": 0,
}
_RUNNERS = {"poetry", "pipenv", "uv", "pdm", "hatch", "rye", "doppler"}  # `<tool> run [opts] CMD`


# --- environment -----------------------------------------------------------------------


@dataclass
class Env:
    """The environment a command sees, as far as the repository shows it."""

    values: dict[str, str | None] = field(default_factory=dict)
    where: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # name → (path, line)
    opaque: bool = False  # variables may also be set where we cannot see

    def add(self, settings: tuple[EnvSetting, ...] | list[EnvSetting], path: str, *, override: bool = True) -> None:
        for item in settings:
            if item.name in self.values and not override:
                if self.values[item.name] != item.value:
                    self.values[item.name] = None  # two deployments disagree: unknown
                continue
            self.values[item.name] = item.value
            self.where[item.name] = (path, item.span.line if item.span else None)

    def copy(self) -> "Env":
        return Env(dict(self.values), dict(self.where), self.opaque)

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """(known, value): known is False when the variable may be set where we cannot see."""
        if name in self.values:
            return True, self.values[name]
        return (not self.opaque), None


def expand(text: str, env: Env) -> str | None:
    """Shell parameter expansion of `$X`, `${X}`, `${X:-default}`; None when unresolvable."""
    if "$(" in text or "`" in text:
        return None
    unresolved = False

    def substitute(match: re.Match) -> str:
        nonlocal unresolved
        name = match.group("braced") or match.group("plain")
        known, value = env.lookup(name)
        if value is not None and (value != "" or not match.group("op")):
            return value
        if match.group("op") and known:
            return match.group("default")
        unresolved = True
        return ""

    result = _VAR.sub(substitute, text)
    return None if unresolved else result


def as_int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip().strip("'\""))
    except ValueError:
        return None
    return value if abs(value) <= limits.LARGEST_NUMBER else None


def eval_expr(expr: Expr | None, env: Env) -> object | None:
    """The value a folded Python expression has under `env`, or None when not knowable."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, EnvVar):
        known, value = env.lookup(expr.name)
        if value is not None:
            return value
        if known and expr.default is not None:
            return eval_expr(expr.default, env)
        return None
    if isinstance(expr, Choice):
        values = {repr(eval_expr(option, env)) for option in expr.options}
        return eval_expr(expr.options[0], env) if len(values) == 1 else None
    return None


# --- settings --------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    value: object | None  # None: cannot be known from the repository
    source: str  # "command line", "GUNICORN_CMD_ARGS", "config file", "WEB_CONCURRENCY", "environment", "default"
    path: str | None = None
    line: int | None = None

    @property
    def is_default(self) -> bool:
        return self.source == "default"


@dataclass
class ServerProcess:
    server: str  # gunicorn | uvicorn | fastapi | runserver | flask-run | fastapi-dev | python-script | hypercorn | daphne | granian | waitress | uwsgi
    command: DeployCommand
    word: Word  # the word to point at: `gunicorn`, `runserver`, the script name
    args: list[Word]
    env: Env
    production: bool  # not a development file or target
    deployed: bool  # run by a file that exists to deploy (not a dev compose file or make target)
    settings: dict[str, Setting] = field(default_factory=dict)
    app: str | None = None  # `module:attr` as written
    app_interface: str | None = None  # "wsgi" | "asgi" | None (unknown)
    config_path: str | None = None  # the gunicorn config file that applies
    script_path: str | None = None  # for `python app.py`: the project file
    launched_by: DeployCommand | None = None  # the deploy command that runs the script this one is in

    @property
    def path(self) -> str:
        return self.command.path

    @property
    def span(self) -> Span:
        return self.word.span

    @property
    def instances(self) -> int | None:
        return self.command.instances

    def value(self, name: str) -> object | None:
        setting = self.settings.get(name)
        return setting.value if setting else None

    @property
    def concurrency(self) -> int | str | None:
        """Requests one process serves at once: an int, "unbounded" (async), or None (unknown)."""
        if self.server == "gunicorn":
            cls = self.value("worker_class")
            if not isinstance(cls, str):
                return None
            return gunicorn.concurrency_per_process(cls, as_int_value(self.value("threads")), as_int_value(self.value("worker_connections")))
        if self.server in ("uvicorn", "fastapi", "hypercorn", "daphne", "granian"):
            limit = as_int_value(self.value("limit_concurrency"))
            return limit if limit else "unbounded"
        return None

    @property
    def workers(self) -> int | None:
        return as_int_value(self.value("workers"))


def as_int_value(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return as_int(value)
    return None


# --- recognising a server inside a command line ------------------------------------------


def _strip_launchers(words: list[Word], env: Env, path: str) -> list[Word]:
    """Drop `K=V` prefixes (into env), `exec`, `poetry run`, `ddtrace-run`, ... before the command."""
    index = 0
    while index < len(words):
        text = words[index].text
        base = posixpath.basename(text)
        if _ASSIGN.match(text):
            name, _, value = text.partition("=")
            env.add([EnvSetting(name, value if "$(" not in value else None, words[index].span)], path)
            index += 1
        elif base in _WRAPPERS:
            index += 1 + _WRAPPERS[base]
            while index < len(words) and words[index].text.startswith("-") and base not in ("env",):
                index += 1
            if base == "env":
                while index < len(words) and words[index].text.startswith("-"):
                    index += 1
        elif base in _RUNNERS and index + 1 < len(words) and words[index + 1].text == "run":
            index += 2
            while index < len(words) and words[index].text.startswith("-"):
                index += 1  # runner flags (`--no-sync`) and the `--` before the command
        else:
            break
    return words[index:]


def _recognise(words: list[Word]) -> tuple[str, Word, list[Word]] | None:
    """(server, the word naming it, the arguments) for a command that starts a server."""
    if not words:
        return None
    first = posixpath.basename(words[0].text)
    rest = words[1:]
    if first in ("gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "uwsgi"):
        return first, words[0], rest
    if first == "waitress-serve":
        return "waitress", words[0], rest
    if first == "fastapi" and rest and rest[0].text in ("run", "dev"):
        return ("fastapi" if rest[0].text == "run" else "fastapi-dev"), rest[0], rest[1:]
    if first == "flask" and rest and rest[0].text == "run":
        return "flask-run", rest[0], rest[1:]
    if first == "django-admin" or first.endswith("manage.py"):
        return _manage(rest)
    if _PYTHON.match(words[0].text):
        return _python(rest)
    return None


def _manage(rest: list[Word]) -> tuple[str, Word, list[Word]] | None:
    for index, word in enumerate(rest):
        if word.text.startswith("-"):
            continue
        if word.text in ("runserver", "runserver_plus"):
            return "runserver", word, rest[index + 1:]
        return None
    return None


def _python(rest: list[Word]) -> tuple[str, Word, list[Word]] | None:
    index = 0
    while index < len(rest) and rest[index].text.startswith("-") and rest[index].text != "-m":
        index += 2 if rest[index].text in ("-W", "-X") else 1
    if index >= len(rest):
        return None
    if rest[index].text == "-m" and index + 1 < len(rest):
        module = rest[index + 1].text
        tail = rest[index + 2:]
        if module in ("gunicorn", "uvicorn", "hypercorn", "daphne", "granian"):
            return module, rest[index + 1], tail
        if module == "flask" and tail and tail[0].text == "run":
            return "flask-run", tail[0], tail[1:]
        if module == "django":
            return _manage(tail)
        if module == "fastapi" and tail and tail[0].text in ("run", "dev"):
            return ("fastapi" if tail[0].text == "run" else "fastapi-dev"), tail[0], tail[1:]
        return None
    target = rest[index]
    if target.text.endswith("manage.py"):
        return _manage(rest[index + 1:])
    if target.text.endswith(".py"):
        return "python-script", target, rest[index + 1:]
    return None


def _script_target(words: list[Word]) -> str | None:
    """`./entrypoint.sh`, `sh start.sh`, `bin/web`: a script this command runs."""
    if not words:
        return None
    first = words[0].text
    if posixpath.basename(first) in ("sh", "bash", "dash", "zsh") and len(words) > 1 and not words[1].text.startswith("-"):
        return words[1].text
    if first.endswith(".sh") or first.startswith(("./", "bin/", "scripts/")):
        return first
    return None


# --- building the processes ------------------------------------------------------------


def find_servers(project: "Project") -> list[ServerProcess]:
    builder = _Builder(project)
    for command in project.commands:
        if command.source == "shell" and command.path in builder.launched_scripts:
            continue  # reached through the command that runs the script, with its environment
        builder.add(command, builder.base_env(command), launched_by=None)
    return builder.servers


class _Builder:
    def __init__(self, project: "Project"):
        self.project = project
        self.servers: list[ServerProcess] = []
        self.launched_scripts: dict[str, list[DeployCommand]] = {}
        for command in project.commands:
            target = command.runs_script or _script_target(list(command.argv))
            if target:
                resolved = project.resolve_path(target, command.path)
                if resolved and project.files[resolved].kind == "shell" and resolved != command.path:
                    self.launched_scripts.setdefault(resolved, []).append(command)

    def base_env(self, command: DeployCommand) -> Env:
        env = Env(opaque=command.env_opaque)
        env.add(command.env, command.path)
        if command.source == "dockerfile":
            for run in self.project.image_runs:
                if run.dockerfile in (None, command.path):
                    env.add(run.env, run.path, override=False)
                    env.opaque = env.opaque or run.env_opaque
        return env

    def add(self, command: DeployCommand, env: Env, launched_by: DeployCommand | None, depth: int = 0) -> None:
        env = env.copy()
        words = _strip_launchers(list(command.argv), env, command.path)
        script = self._launched_script(command, words)
        if script and depth < 3:
            for inner in (c for c in self.project.commands if c.path == script):
                inner_env = env.copy()
                inner_env.add(inner.env, inner.path)
                self.add(inner, inner_env, launched_by=launched_by or command, depth=depth + 1)
            return
        recognised = _recognise(words)
        if recognised is None:
            return
        server, word, args = recognised
        origin = launched_by or command
        production = origin.context != "development" and command.context != "development"
        if origin.source == "makefile":
            production = origin.context == "production"
        deployed = production and (origin.source in DEPLOY_SOURCES or origin.context == "production")
        process = ServerProcess(server, command, word, args, env, production, deployed, launched_by=launched_by)
        resolve = {"gunicorn": self._gunicorn, "uvicorn": self._uvicorn, "fastapi": self._uvicorn, "python-script": self._script}
        if server in resolve:
            resolve[server](process)
        self.servers.append(process)

    def _launched_script(self, command: DeployCommand, words: list[Word]) -> str | None:
        target = command.runs_script or _script_target(words)
        if not target:
            return None
        resolved = self.project.resolve_path(target, command.path)
        if resolved and resolved in self.launched_scripts and resolved != command.path:
            return resolved
        return None

    # gunicorn -----------------------------------------------------------------------------

    def _gunicorn(self, process: ServerProcess) -> None:
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
        config_expr, config_path, config_known = self._gunicorn_config(process, cli, cmd_args)
        process.config_path = config_path
        for name in gunicorn.SETTINGS:
            process.settings[name] = self._gunicorn_setting(name, process, cli, cmd_args, config_expr, config_path, config_known)
        if process.app is None and isinstance(process.value("wsgi_app"), str):
            process.app = process.value("wsgi_app")
        process.app_interface = app_interface(self.project, process.app, process.value("chdir"), default_attr="application")

    def _gunicorn_config(self, process, cli, cmd_args):
        """The config file's assignments, its path, and whether we could read it."""
        written = None
        if "config" in cli.settings:
            written = expand(cli.settings["config"][0], process.env)
        elif cmd_args is not None and "config" in cmd_args.settings:
            written = expand(cmd_args.settings["config"][0], process.env)
        if written is None and ("config" in cli.settings or (cmd_args and "config" in cmd_args.settings)):
            return {}, None, False
        if written is not None:
            if written.startswith("python:"):
                found = self.project.find_module(written[len("python:"):])
                path = found[0] if found else None
            else:
                path = self.project.resolve_path(written, process.path)
        else:
            path = self._default_config(process.path)
            if path is None:
                return {}, None, True
        facts = self.project.module_at(path) if path else None
        if facts is None:
            return {}, path, False
        return {a.name: a for a in facts.assignments}, path, True

    def _default_config(self, near: str) -> str | None:
        """gunicorn reads ./gunicorn.conf.py from its working directory when no -c is given."""
        candidates = [p for p in self.project.files if posixpath.basename(p) == "gunicorn.conf.py"]
        if not candidates:
            return None
        base = posixpath.dirname(near)
        candidates.sort(key=lambda p: (not p.startswith(base), p.count("/")))
        return candidates[0]

    def _gunicorn_setting(self, name, process, cli, cmd_args, config, config_path, config_known) -> Setting:
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

    # uvicorn / fastapi run --------------------------------------------------------------

    def _uvicorn(self, process: ServerProcess) -> None:
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
            process.app_interface = app_interface(self.project, process.app, process.value("app_dir"), default_attr=None)

    # python app.py ----------------------------------------------------------------------

    def _script(self, process: ServerProcess) -> None:
        process.script_path = self.project.resolve_path(process.word.text, process.path)


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
