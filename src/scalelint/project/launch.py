"""How a deployment command reaches the command that serves: the arguments it hands the
script it runs (`ENTRYPOINT ["./entrypoint.sh"]` + `CMD ["gunicorn", ...]`), the branch of
the script those arguments select (`case "$1" in web) ...`), `exec "$@"`, and which of
several Procfiles the platform reads.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import TYPE_CHECKING, Literal

from scalelint.deploy.context import context_of
from scalelint.deploy.launchers import SHELLS
from scalelint.facts import DeployCommand, Guard, Word
from scalelint.project.environment import Env, expand

if TYPE_CHECKING:
    from scalelint.project import Project

_POSITIONAL = re.compile(r"^\$(?:(?P<n>[1-9])|\{(?P<bn>[1-9])(?::?-(?P<default>[^}]*))?\})$")
_ALL_ARGS = frozenset({"$@", "$*", "${@}", "${*}"})

Verdict = Literal["runs", "skipped", "unknown"]


def script_args(words: list[Word]) -> list[Word]:
    """The words a command passes to the script it runs: `./entrypoint.sh web` -> [web],
    `bash start.sh web --port 80` -> [web, --port, 80]."""
    if not words:
        return []
    index = 0
    if posixpath.basename(words[0].text) in SHELLS:
        index = 1
        while index < len(words) and words[index].text.startswith("-"):
            index += 1
    return words[index + 1 :]


def runs_its_arguments(words: list[Word]) -> bool:
    """`exec "$@"`: the script runs the command it was given."""
    return bool(words) and words[0].text in _ALL_ARGS


def _subject_value(subject: str, args: list[Word] | None, env: Env) -> str | None:
    """What `$1`, `${1:-web}`, `$@` or `$ROLE` is when the script runs; None when unknown."""
    m = _POSITIONAL.match(subject)
    if m:
        if args is None:
            return None
        n = int(m.group("n") or m.group("bn"))
        value = args[n - 1].text if n <= len(args) else ""
        return value if value or m.group("default") is None else m.group("default")
    if subject in _ALL_ARGS:
        return None if args is None else " ".join(w.text for w in args)
    if subject.startswith("$"):
        return expand(subject, env)
    return subject


def verdict(guards: tuple[Guard, ...], args: list[Word] | None, env: Env) -> tuple[Verdict, tuple[Guard, ...]]:
    """Whether a script command in these branches runs for these arguments (None: not known),
    and the branches whose selection could not be read."""
    unread: list[Guard] = []
    for guard in guards:
        value = _subject_value(guard.subject, args, env)
        if value is None:
            unread.append(guard)
            continue
        chosen = any(fnmatch.fnmatchcase(value, p) for p in guard.patterns)
        if not chosen or any(fnmatch.fnmatchcase(value, p) for p in guard.excluded):
            return "skipped", ()
    return ("unknown" if unread else "runs"), tuple(unread)


def names_development(guards: tuple[Guard, ...]) -> bool:
    """A branch named like a development target (`dev_server)`, `local)`, `debug)`)."""
    return any(context_of("", p) == "development" for g in guards for p in g.patterns if p != "*")


def shadowed_procfile(project: "Project", command: DeployCommand) -> bool:
    """A `Procfile.web` / `Procfile-worker` beside a plain `Procfile`: the platform reads only
    `Procfile`, so the variant is for another tool (honcho, a local runner), unless its name
    says production."""
    name = posixpath.basename(command.path)
    if command.source != "procfile" or name == "Procfile" or command.context == "production":
        return False
    return posixpath.join(posixpath.dirname(command.path), "Procfile") in project.files


def cloud_foundry_procfile(project: "Project", command: DeployCommand) -> bool:
    """A Procfile that Cloud Foundry reads (a `manifest.yml` in the repository), not Heroku:
    its router waits 900 s and its buildpack sets no WEB_CONCURRENCY."""
    return command.source == "procfile" and any(
        posixpath.basename(p) in ("manifest.yml", "manifest.yaml") for p in project.files
    )


# settings helpers that only exist to run on Heroku's Python buildpack
_HEROKU_MODULES = ("django_heroku", "django_on_heroku")


def heroku_buildpack(project: "Project", command: DeployCommand) -> bool:
    """A Procfile the repository shows Heroku's Python buildpack runs (an `app.json` beside it,
    or settings configured by `django_heroku`): the buildpack sets WEB_CONCURRENCY from the
    dyno's memory, and gunicorn reads it."""
    if command.source != "procfile":
        return False
    here = posixpath.dirname(command.path)
    if posixpath.join(here, "app.json") in project.files:
        return True
    return any(
        facts.python is not None and any(m.split(".")[0] in _HEROKU_MODULES for m in facts.python.imported_modules)
        for facts in project.files.values()
    )
