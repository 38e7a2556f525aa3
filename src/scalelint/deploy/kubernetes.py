"""Kubernetes workload manifests: each container's command/args, env and replicas.

Containers do not run through a shell: `command` + `args` is the argv (a list). Only an
explicit `sh -c` opens a shell, which `build_commands` unpacks.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node

from scalelint.deploy import yamlnodes as yn
from scalelint.deploy.common import build_commands
from scalelint.deploy.context import context_of
from scalelint.facts import DeployCommand, EnvSetting, ImageRun

# kind -> path from the object to its pod spec
_POD_SPEC = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Rollout": ("spec", "template", "spec"),  # Argo Rollouts: a Deployment look-alike
}


def is_workload(doc: Node) -> bool:
    return yn.text(yn.get(doc, "apiVersion")) is not None and yn.text(yn.get(doc, "kind")) in _POD_SPEC


def _env(src: yn.Source, container: Node) -> tuple[list[EnvSetting], bool]:
    env: list[EnvSetting] = []
    for item in yn.seq(yn.get(container, "env")):
        name_node = yn.get(item, "name")
        name = yn.text(name_node)
        if not name:
            continue
        value_node = yn.get(item, "value")
        if yn.get(item, "valueFrom") is not None:
            value_node = None
        env.append(src.setting(name, yn.text(value_node), name_node, value_node))
    return env, yn.get(container, "envFrom") is not None


def _objects(docs: list[Node]):
    for doc in docs:
        if yn.text(yn.get(doc, "kind")) == "List":
            yield from yn.seq(yn.get(doc, "items"))
        else:
            yield doc


def extract(path: str, src: yn.Source, docs: list[Node]) -> tuple[list[DeployCommand], list[ImageRun]]:
    commands: list[DeployCommand] = []
    runs: list[ImageRun] = []
    for obj in _objects(docs):
        if not is_workload(obj):
            continue
        pod: Node | None = obj
        for step in _POD_SPEC[yn.text(yn.get(obj, "kind")) or ""]:
            pod = yn.get(pod, step)
        instances = yn.integer(yn.get(yn.get(obj, "spec"), "replicas"))
        for container in yn.seq(yn.get(pod, "containers")):
            if not isinstance(container, MappingNode):
                continue
            name = yn.text(yn.get(container, "name"))
            env, opaque = _env(src, container)
            command = src.commands(yn.get(container, "command"))
            args = src.commands(yn.get(container, "args"))
            if command and args:  # args are appended to the last command's argv
                command = command[:-1] + [command[-1] + args[0]] + args[1:]
            command = command or args
            if command:
                build_commands(
                    commands,
                    command,
                    path=path,
                    source="kubernetes",
                    process=name,
                    env=env,
                    env_opaque=opaque,
                    instances=instances,
                )
            else:
                runs.append(
                    ImageRun(
                        path=path,
                        source="kubernetes",
                        process=name,
                        env=tuple(env),
                        env_opaque=opaque,
                        context=context_of(path, name),
                        instances=instances,
                        image=yn.text(yn.get(container, "image")),
                    )
                )
    return commands, runs
