"""docker-compose / compose files: each service's command, environment and build."""

from __future__ import annotations

import posixpath

from yaml.nodes import MappingNode, Node, ScalarNode

from scalelint.deploy import yamlnodes as yn
from scalelint.deploy.common import build_commands
from scalelint.deploy.context import context_of
from scalelint.facts import DeployCommand, EnvSetting, ImageRun


def _environment(src: yn.Source, node: Node | None) -> list[EnvSetting]:
    env: list[EnvSetting] = []
    if isinstance(node, MappingNode):
        for key, value in yn.items(node):
            env.append(src.setting(key.value, yn.text(value), key, value))
    for item in yn.seq(node):  # `- KEY=VALUE` / `- KEY`
        written = yn.text(item)
        if written:
            name, eq, value = written.partition("=")
            env.append(src.setting(name.strip(), value if eq else None, item, item))
    return env


def dockerfile_path(base_dir: str, context: str | None, dockerfile: str | None) -> str | None:
    """Project-relative Dockerfile of a build context given relative to `base_dir`."""
    context = context or "."
    if "://" in context or context.startswith(("git@", "github.com/")) or context.startswith("/"):
        return None
    dockerfile = dockerfile or "Dockerfile"
    if dockerfile.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base_dir or ".", context, dockerfile))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


def _build_dockerfile(path: str, build: Node) -> str | None:
    if isinstance(build, ScalarNode):
        return dockerfile_path(posixpath.dirname(path), yn.text(build), None)
    if yn.get(build, "dockerfile_inline") is not None:
        return None
    return dockerfile_path(
        posixpath.dirname(path), yn.text(yn.get(build, "context")), yn.text(yn.get(build, "dockerfile"))
    )


def _services(root: Node) -> list[tuple[ScalarNode, Node]]:
    services = yn.get(root, "services")
    if services is not None:
        return list(yn.items(services))
    # Compose file format 1 had the services at the top level.
    return [
        (k, v)
        for k, v in yn.items(root)
        if isinstance(v, MappingNode) and (yn.get(v, "image") is not None or yn.get(v, "build") is not None)
    ]


def extract(path: str, src: yn.Source, docs: list[Node]) -> tuple[list[DeployCommand], list[ImageRun]]:
    commands: list[DeployCommand] = []
    runs: list[ImageRun] = []
    if not docs:
        return commands, runs
    for name_node, service in _services(docs[0]):
        if not isinstance(service, MappingNode):
            continue
        name = name_node.value
        env = tuple(_environment(src, yn.get(service, "environment")))
        opaque = yn.get(service, "env_file") is not None
        instances = yn.integer(yn.get(yn.get(service, "deploy"), "replicas"))
        if instances is None:
            instances = yn.integer(yn.get(service, "scale"))
        command = src.commands(yn.get(service, "command"))
        entry = src.commands(yn.get(service, "entrypoint"))
        if entry:
            # `entrypoint:` replaces the image's ENTRYPOINT and clears its CMD.
            command = [entry[-1] + c for c in command] if command else entry
        build = yn.get(service, "build")
        if command:
            # with no `entrypoint:`, the command is handed to the built image's ENTRYPOINT
            image = _build_dockerfile(path, build) if build is not None and not entry else None
            build_commands(
                commands,
                command,
                path=path,
                source="compose",
                process=name,
                env=env,
                env_opaque=opaque,
                instances=instances,
                image=image,
            )
            continue
        if build is not None:
            runs.append(
                ImageRun(
                    path=path,
                    source="compose",
                    process=name,
                    env=env,
                    env_opaque=opaque,
                    dockerfile=_build_dockerfile(path, build),
                    context=context_of(path, name),
                    instances=instances,
                )
            )
    return commands, runs
