"""Deployment files -> `DeployCommand` / `ImageRun` facts.

`extract_deploy` is called once per discovered file with the kind discovery gave it. It is
pure and never raises: a format reader that trips over an unexpected input yields nothing
for that file rather than stopping the run. Only a deployment file we are sure about
(compose, render, app.yaml, fly.toml) reports a `ParseProblem` when it cannot be read.
"""

from __future__ import annotations

import posixpath
from typing import Callable

from scalelint.deploy import appjson, dockerfile, fly, makefile, procfile, replit, shellscript, supervisord, systemd, yamlfiles
from scalelint.deploy.context import context_of
from scalelint.deploy.shell import expand_sh_c, split_commands
from scalelint.facts import DeployCommand, ImageRun, ParseProblem

__all__ = ["extract_deploy", "is_deployment_file", "context_of", "split_commands", "expand_sh_c"]

Result = tuple[list[DeployCommand], list[ImageRun], list[ParseProblem]]


def _commands_only(reader: Callable[[str, str], list[DeployCommand]]) -> Callable[[str, str], Result]:
    return lambda path, text: (reader(path, text), [], [])


def _is_fly(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return name == "fly.toml" or (name.startswith("fly.") and name.endswith(".toml"))


def _is_replit(path: str) -> bool:
    return posixpath.basename(path) == ".replit"


def _toml(path: str, text: str) -> Result:
    if _is_fly(path):
        return fly.extract(path, text)
    if _is_replit(path):
        return replit.extract(path, text), [], []
    return [], [], []


def is_deployment_file(path: str, kind: str) -> bool:
    """Whether the file's name alone says it is one we read for how the app is served
    (compose, render.yaml, app.yaml, fly.toml, .replit, Procfile, Dockerfile): one that cannot
    even be decoded is SCL001. Other YAML, TOML and INI files are not ours to call broken."""
    if kind in ("procfile", "dockerfile"):
        return True
    if kind == "yaml":
        return yamlfiles.flavour(path, "") is not None
    return kind == "toml" and (_is_fly(path) or _is_replit(path))


def _ini(path: str, text: str) -> Result:
    if "[program:" not in text and "[fcgi-program:" not in text:
        return [], [], []
    return supervisord.extract(path, text), [], []


def _json(path: str, text: str) -> Result:
    if posixpath.basename(path).lower() != "app.json":
        return [], [], []
    return [], appjson.extract(path, text), []


_READERS: dict[str, Callable[[str, str], Result]] = {
    "json": _json,
    "procfile": _commands_only(procfile.extract),
    "dockerfile": _commands_only(dockerfile.extract),
    "yaml": yamlfiles.extract,
    "toml": _toml,
    "shell": _commands_only(shellscript.extract),
    "ini": _ini,
    "systemd": _commands_only(systemd.extract),
    "makefile": _commands_only(makefile.extract),
}


def extract_deploy(path: str, kind: str, text: str) -> Result:
    reader = _READERS.get(kind)
    if reader is None:
        return [], [], []
    # Line endings and a BOM would shift columns against what an editor shows.
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    try:
        commands, runs, problems = reader(path, text)
    except Exception:  # noqa: BLE001 - a reader bug must cost one file, not the run
        return [], [], []
    return list(commands), list(runs), list(problems)
