"""Which processes serve the app, and with what effective settings.

Each deployment command that starts a server (gunicorn, uvicorn, `manage.py runserver`,
`flask run`, `python app.py`, ...) becomes a ServerProcess whose settings are resolved the way
the server does it, each with the place that decided it. A value that depends on something the
repository does not show is `None`: rules stay silent on it rather than guess.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from scalelint.deploy import appjson, images, launchers
from scalelint.facts import DeployCommand, EnvSetting, Span, Word
from scalelint.frameworks import gunicorn
from scalelint.project import entrypoints, launch, node_scripts
from scalelint.project.environment import Env, as_int_value
from scalelint.project.entrypoints import Started
from scalelint.project.server_settings import Setting, resolve_embedded_gunicorn, resolve_gunicorn, resolve_script, resolve_uvicorn

if TYPE_CHECKING:
    from scalelint.project import Project

# Files that exist to deploy: what they run is what production runs.
DEPLOY_SOURCES = frozenset(
    {"procfile", "dockerfile", "render", "fly", "appengine", "kubernetes", "systemd", "supervisord", "heroku", "cloudfoundry", "replit"}
)
ORCHESTRATED_SOURCES = frozenset({"kubernetes"})

_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

# --- settings --------------------------------------------------------------------------


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
    started: list["Started"] = field(default_factory=list)  # python-script: the server calls the program makes
    label: str = ""  # python-script: the command as a message shows it (`python app.py`, `shop serve`)
    launched_by: DeployCommand | None = None  # the deploy command that runs the script this one is in
    run_instances: int | None = None  # a Dockerfile's CMD: the replicas of the one service that runs its image

    @property
    def path(self) -> str:
        return self.command.path

    @property
    def span(self) -> Span:
        return self.word.span

    @property
    def instances(self) -> int | None:
        """Copies the deployment runs: the command's own count (replicas, numprocs), else that
        of the command that launched its script (a compose service's `deploy.replicas`)."""
        if self.command.instances is not None:
            return self.command.instances
        if self.launched_by is not None and self.launched_by.instances is not None:
            return self.launched_by.instances
        return self.run_instances

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
    def concurrency_is_ceiling(self) -> bool:
        """The concurrency is a limit nobody chose, not a count of workers that run: an async
        server's (no limit at all) or gevent's default of 1000 `worker_connections`."""
        if self.concurrency == "unbounded":
            return True
        if self.server != "gunicorn" or not isinstance(self.value("worker_class"), str):
            return False
        cls = gunicorn.effective_class(self.value("worker_class"), as_int_value(self.value("threads")))
        return cls in gunicorn.GREEN_CLASSES and self.settings["worker_connections"].is_default

    @property
    def workers(self) -> int | None:
        return as_int_value(self.value("workers"))


# --- recognising a server inside a command line ------------------------------------------


def _strip_launchers(words: list[Word], env: Env, path: str) -> list[Word]:
    """Drop `K=V` prefixes (into env), `exec`, `gosu app`, `poetry run`, ... before the command."""
    texts = [w.text for w in words]
    index = 0
    while index < len(words):
        text = texts[index]
        if _ASSIGN.match(text):
            name, _, value = text.partition("=")
            env.add([EnvSetting(name, value if "$(" not in value else None, words[index].span)], path)
            index += 1
            continue
        after = launchers.skip(texts, index)
        if after is None:
            break
        if launchers.reads_env_file(texts, index):
            env.opaque = True  # `uv run --env-file .env`, `doppler run`: variables we cannot see
        index = after
    return words[index:]


def _recognise(words: list[Word]) -> tuple[str, Word, list[Word]] | None:
    """(server, the word naming it, the arguments) for a command that starts a server."""
    if not words:
        return None
    first = posixpath.basename(words[0].text)
    rest = words[1:]
    if first in ("gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "uwsgi"):
        return first, words[0], rest
    if first in _NODE_RUNTIMES:
        return _node(words[0], rest)
    if first == "waitress-serve":
        return "waitress", words[0], rest
    if first == "fastapi" and rest and rest[0].text in ("run", "dev"):
        return ("fastapi" if rest[0].text == "run" else "fastapi-dev"), rest[0], rest[1:]
    if first == "flask":
        return _flask(rest)
    if first == "django-admin" or first.endswith("manage.py"):
        return _manage(rest)
    if _PYTHON.match(words[0].text):
        return _python(rest)
    return None


_NODE_RUNTIMES = frozenset({"node", "nodejs", "bun", "tsx", "ts-node", "deno"})


def _node(word: Word, rest: list[Word]) -> tuple[str, Word, list[Word]] | None:
    """`node dist/index.js`, `tsx server/index.ts`: one Node.js process (`--watch`: a dev server)."""
    if any(w.text in ("--watch", "watch", "-w") for w in rest[:3]):
        return None
    scripts = [w for w in rest if not w.text.startswith("-")]
    if not scripts or scripts[0].text in ("-e", "--eval", "install", "test"):
        return None
    return "node", word, rest


_FLASK_VALUED = frozenset({"--app", "-A", "--env-file", "-e"})


def _flask(rest: list[Word]) -> tuple[str, Word, list[Word]] | None:
    """`flask run`, `flask --app shop --debug run`: the CLI's own options come before `run`."""
    index = 0
    while index < len(rest) and rest[index].text.startswith("-"):
        index += 2 if rest[index].text in _FLASK_VALUED else 1
    if index < len(rest) and rest[index].text == "run":
        return "flask-run", rest[index], rest[index + 1:]
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
        if module == "flask":
            return _flask(tail)
        if module == "django":
            return _manage(tail)
        if module == "fastapi" and tail and tail[0].text in ("run", "dev"):
            return ("fastapi" if tail[0].text == "run" else "fastapi-dev"), tail[0], tail[1:]
        return "python-module", rest[index + 1], tail  # `python -m shop`: the Project reads it
    target = rest[index]
    if target.text.endswith("manage.py"):
        return _manage(rest[index + 1:])
    if target.text.endswith(".py"):
        return "python-script", target, rest[index + 1:]
    return None


def _resolve_script(project: "Project", target: str, command: DeployCommand) -> str | None:
    resolved = project.resolve_path(target, command.path)
    if resolved is None and command.image:
        # compose `command: /start` in the image a Dockerfile builds: the script beside that
        # Dockerfile, which it copies to /start (cookiecutter-django's layout)
        resolved = project.resolve_path(target, command.image)
    return resolved


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
    given_arguments = {c.image for c in project.commands if c.image}
    for command in project.commands:
        if command.source == "shell" and command.path in builder.launched_scripts:
            continue  # reached through the command that runs the script, with its environment
        if command.open_args and command.path in given_arguments:
            continue  # an ENTRYPOINT with no CMD, run with the arguments a compose file gives it
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
                resolved = _resolve_script(project, target, command)
                if resolved and project.files[resolved].kind == "shell" and resolved != command.path:
                    self.launched_scripts.setdefault(resolved, []).append(command)

    def base_env(self, command: DeployCommand) -> Env:
        env = Env(opaque=command.env_opaque)
        env.add(command.env, command.path)
        if command.source == "procfile":  # Heroku sets app.json's config vars on every dyno
            for run in self.project.image_runs:
                if run.source == appjson.SOURCE and posixpath.dirname(run.path) == posixpath.dirname(command.path):
                    env.add(run.env, run.path, override=False)
        if command.image:  # the image's own ENV, under the service's environment
            for image in self.project.commands:
                if image.path == command.image and image.source == "dockerfile":
                    env.add(image.env, image.path, override=False)
        if command.source == "dockerfile":
            for run in self.project.image_runs:
                if run.source == appjson.SOURCE or (run.dockerfile is None and images.is_service_image(run.image)):
                    continue  # a postgres or nginx container beside the app does not run its image
                if run.target is not None and run.target.lower() != (command.stage or "").lower():
                    continue  # `build: target: development` runs another stage's CMD
                if run.dockerfile in (None, command.path):
                    env.add(run.env, run.path, override=False)
                    env.opaque = env.opaque or run.env_opaque
        return env

    def add(
        self, command: DeployCommand, env: Env, launched_by: DeployCommand | None, depth: int = 0, dev_branch: bool = False, unselected: bool = False
    ) -> None:
        env = env.copy()
        command = self._through_entrypoint(command)
        words = _strip_launchers(list(command.argv), env, command.path)
        words = self._package_script(command, words, env)
        script = self._launched_script(command, words)
        if script and depth < 3:
            self._run_script(script, command, words, env, launched_by, depth)
            return
        recognised = _recognise(words) or self._console_script(words)
        if recognised is None:
            return
        server, word, args = recognised
        if server == "python-module" and entrypoints.module_main(self.project, word.text) is None:
            return  # `python -m pip`, `python -m venv`: not a program of this repository
        origin = launched_by or command
        production = origin.context != "development" and command.context != "development"
        if origin.source == "makefile":
            production = origin.context == "production"
        if dev_branch or (launched_by is None and command.guards and launch.names_development(command.guards)):
            production = False  # `dev_server)` in an entrypoint's `case`, with no argument known to pick it
        if launch.shadowed_procfile(self.project, origin):
            production = False
        # a script branch no visible argument or variable selects may be what production runs,
        # but is no evidence that it is: SCL202 and SCL204 judge only what is shown to run
        deployed = production and not unselected and (origin.source in DEPLOY_SOURCES or origin.context == "production")
        process = ServerProcess(server, command, word, args, env, production, deployed, launched_by=launched_by)
        if origin.source == "dockerfile":
            counts = {run.instances for run in self.project.image_runs if run.dockerfile == origin.path and run.context != "development"}
            if len(counts) == 1:
                process.run_instances = counts.pop()
        resolve = {"gunicorn": resolve_gunicorn, "uvicorn": resolve_uvicorn, "fastapi": resolve_uvicorn}
        if server in resolve:
            resolve[server](self.project, process)
        elif server in ("python-script", "python-module", "console-script"):
            self._program(process, words)
        self.servers.append(process)
        for started in process.started:  # `StandaloneApplication(app, options).run()`: gunicorn itself
            if started.call.callee == gunicorn.EMBEDDED_RUN:
                embedded = ServerProcess("gunicorn", command, word, [], env, production, deployed, launched_by=launched_by)
                resolve_embedded_gunicorn(self.project, embedded, started.path, started.call)
                self.servers.append(embedded)

    def _package_script(self, command: DeployCommand, words: list[Word], env: Env) -> list[Word]:
        """`npm start`: the command of its package.json script that starts a program, its words
        placed on the `npm` word (where the deployment file says it)."""
        name = node_scripts.script_name([w.text for w in words])
        if name is None:
            return words
        found = node_scripts.package_script(self.project, command.path, name)
        for texts in reversed(found or []):
            inner = _strip_launchers([Word(t, words[0].span) for t in texts], env, command.path)
            if inner and _recognise(inner) is not None:
                return inner
        return words

    def _console_script(self, words: list[Word]) -> tuple[str, Word, list[Word]] | None:
        if words and posixpath.basename(words[0].text) in self.project.console_scripts:
            return "console-script", words[0], words[1:]
        return None

    def _program(self, process: ServerProcess, words: list[Word]) -> None:
        """`python app.py`, `python -m shop`, `shop serve`: the file run and its server calls."""
        project, word = self.project, process.word
        if process.server == "console-script":
            found = entrypoints.entry_calls(project, project.console_scripts[posixpath.basename(word.text)], process.args)
            if found is not None:
                process.script_path, process.started = found
            sub = next((w.text for w in process.args if not w.text.startswith("-")), None)
            process.label = " ".join([word.text] + ([sub] if sub else []))
        else:
            if process.server == "python-module":
                process.script_path = entrypoints.module_main(project, word.text)
                process.label = f"python -m {word.text}"
            else:
                resolve_script(project, process)
                process.label = f"python {word.text}"
            if process.script_path:
                process.started = entrypoints.script_calls(project, process.script_path)
        process.server = "python-script"

    def _run_script(self, script: str, command: DeployCommand, words: list[Word], env: Env, launched_by, depth: int) -> None:
        """The commands of a script `command` runs, in the branches its arguments select;
        `exec "$@"` runs the arguments themselves, positioned where the launcher wrote them."""
        args: list[Word] | None = launch.script_args(words)
        if command.open_args and not args:
            args = None  # an ENTRYPOINT with no CMD: the arguments come from elsewhere
        for inner in (c for c in self.project.commands if c.path == script):
            inner_env = env.copy()
            inner_env.add(inner.env, inner.path)
            runs, unread = launch.verdict(inner.guards, args, inner_env)
            if runs == "skipped":
                continue
            dev_branch = launch.names_development(unread)
            flags = {"dev_branch": dev_branch, "unselected": bool(unread)}
            if launch.runs_its_arguments(_strip_launchers(list(inner.argv), inner_env.copy(), inner.path)):
                if args:
                    given = replace(command, argv=tuple(args), runs_script=None, open_args=False)
                    self.add(given, inner_env, launched_by=launched_by, depth=depth + 1, **flags)
                continue
            self.add(inner, inner_env, launched_by=launched_by or command, depth=depth + 1, **flags)

    def _through_entrypoint(self, command: DeployCommand) -> DeployCommand:
        """A compose `command: web` for a service built from a Dockerfile whose exec-form
        ENTRYPOINT runs a script: the script, given these words as its arguments."""
        if command.image is None:
            return command
        for image in self.project.commands:
            if image.path == command.image and image.source == "dockerfile" and image.entry_words and image.runs_script:
                entry = image.argv[: image.entry_words]
                argv = command.argv
                target = command.runs_script or _script_target(list(argv))
                if target and argv and self.project.resolve_path(target, command.path) is None:
                    # the entrypoint's `exec "$@"` runs these words from the entrypoint's
                    # folder, not the compose file's: name the script by its project path
                    script = _resolve_script(self.project, target, command)
                    if script:
                        argv = (Word(script, argv[0].span), *argv[1:]) if argv[0].text.endswith(target.lstrip("/")) else argv
                return replace(command, argv=entry + argv, runs_script=image.runs_script, image=None)
        return command

    def _launched_script(self, command: DeployCommand, words: list[Word]) -> str | None:
        # a bare first word too: an entrypoint's `exec "$@"` hands on the script by its path
        target = command.runs_script or _script_target(words) or (words[0].text if words else None)
        if not target:
            return None
        resolved = self.project.resolve_path(target, command.path)
        if resolved and resolved in self.launched_scripts and resolved != command.path:
            return resolved
        return None


# --- for other readers of deployment commands (project.migration_runs) -----------------

strip_launchers = _strip_launchers
script_target = _script_target


def recognise_server(words: list[Word]) -> str | None:
    """The server a command starts (`gunicorn`, `uvicorn`, `runserver`...), or None."""
    found = _recognise(words)
    return found[0] if found else None
