"""heroku.yml (Heroku's container stack): `run` commands per process type, the Dockerfile
each type is built from, and `setup.config` variables.

A process type with no `run` entry runs its image's CMD; a `run` entry replaces it. Heroku
runs a `run` string with `/bin/sh -c`. The container stack has no buildpack, so nothing sets
WEB_CONCURRENCY behind the repository's back (unlike a Procfile on the Python buildpack).
"""

from __future__ import annotations

import posixpath

from yaml.nodes import Node, ScalarNode, SequenceNode

from scalelint.deploy import yamlnodes as yn
from scalelint.deploy.common import build_commands
from scalelint.deploy.compose import dockerfile_path
from scalelint.deploy.context import context_of
from scalelint.deploy.shell import Tok, tokenize
from scalelint.facts import DeployCommand, EnvSetting, ImageRun


def _command(src: yn.Source, node: Node | None) -> list[list[Tok]]:
    """A string, or a `command:` list: one string in it is a shell line, several are an argv."""
    if isinstance(node, SequenceNode) and len(node.value) == 1 and isinstance(node.value[0], ScalarNode):
        item = node.value[0]
        return tokenize(item.value, src.chars(item))
    return src.commands(node)


def extract(path: str, src: yn.Source, docs: list[Node]) -> tuple[list[DeployCommand], list[ImageRun]]:
    commands: list[DeployCommand] = []
    runs: list[ImageRun] = []
    if not docs:
        return commands, runs
    root = docs[0]
    env: list[EnvSetting] = [
        src.setting(key.value, yn.text(value), key, value) for key, value in yn.items(yn.get(yn.get(root, "setup"), "config"))
    ]
    base = posixpath.dirname(path)
    images = {key.value: dockerfile_path(base, ".", yn.text(value)) for key, value in yn.items(yn.get(yn.get(root, "build"), "docker"))}
    run = yn.get(root, "run")
    for key, value in yn.items(run):
        name = key.value
        node = value if isinstance(value, (ScalarNode, SequenceNode)) else yn.get(value, "command")
        build_commands(commands, _command(src, node), path=path, source="heroku", process=name, env=env, web=name == "web")
    started = {key.value for key, _ in yn.items(run)}
    for name, dockerfile in images.items():
        if name not in started:
            runs.append(ImageRun(path=path, source="heroku", process=name, env=tuple(env), dockerfile=dockerfile, context=context_of(path, name)))
    return commands, runs
