"""render.yaml Blueprints: services' start commands, env vars and instance counts."""

from __future__ import annotations

import posixpath

from yaml.nodes import MappingNode, Node

from scalelint.deploy import yamlnodes as yn
from scalelint.deploy.common import build_commands
from scalelint.deploy.compose import dockerfile_path
from scalelint.deploy.context import context_of
from scalelint.facts import DeployCommand, EnvSetting, ImageRun

_UNREADABLE = ("generateValue", "fromDatabase", "fromService")


def _env(src: yn.Source, node: Node | None) -> tuple[list[EnvSetting], bool]:
    env: list[EnvSetting] = []
    opaque = False
    for item in yn.seq(node):
        if yn.get(item, "fromGroup") is not None:
            opaque = True  # the group's variables are defined elsewhere in Render
            continue
        key_node = yn.get(item, "key")
        name = yn.text(key_node)
        if not name:
            continue
        value_node = yn.get(item, "value")
        value = yn.text(value_node)
        if yn.text(yn.get(item, "sync")) == "false" or any(yn.get(item, k) is not None for k in _UNREADABLE):
            value, value_node = None, None
        env.append(src.setting(name, value, key_node, value_node))
    return env, opaque


def extract(path: str, src: yn.Source, docs: list[Node]) -> tuple[list[DeployCommand], list[ImageRun]]:
    commands: list[DeployCommand] = []
    runs: list[ImageRun] = []
    for service in yn.seq(yn.get(docs[0], "services")) if docs else []:
        if not isinstance(service, MappingNode):
            continue
        name = yn.text(yn.get(service, "name"))
        kind = yn.text(yn.get(service, "type"))
        web = kind == "web" if kind is not None else None
        env, opaque = _env(src, yn.get(service, "envVars"))
        instances = yn.integer(yn.get(service, "numInstances"))
        runtime = yn.text(yn.get(service, "runtime")) or yn.text(yn.get(service, "env"))
        start = yn.get(service, "dockerCommand") if runtime == "docker" else None
        if start is None:
            start = yn.get(service, "startCommand")
        command = src.commands(start)
        if command:
            build_commands(
                commands,
                command,
                path=path,
                source="render",
                process=name,
                env=env,
                env_opaque=opaque,
                web=web,
                instances=instances,
            )
        elif runtime == "docker":
            root = yn.text(yn.get(service, "rootDir")) or "."
            base = posixpath.join(posixpath.dirname(path), root.strip("/") or ".")
            runs.append(
                ImageRun(
                    path=path,
                    source="render",
                    process=name,
                    env=tuple(env),
                    env_opaque=opaque,
                    dockerfile=dockerfile_path(base, ".", yn.text(yn.get(service, "dockerfilePath"))),
                    context=context_of(path, name),
                    instances=instances,
                )
            )
    return commands, runs
