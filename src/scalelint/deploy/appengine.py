"""Google App Engine `app.yaml`: the `entrypoint` and `env_variables`."""

from __future__ import annotations

from yaml.nodes import Node

from scalelint.deploy import yamlnodes as yn
from scalelint.deploy.common import build_commands
from scalelint.facts import DeployCommand


def extract(path: str, src: yn.Source, docs: list[Node]) -> list[DeployCommand]:
    commands: list[DeployCommand] = []
    if not docs:
        return commands
    root = docs[0]
    env = [src.setting(k.value, yn.text(v), k, v) for k, v in yn.items(yn.get(root, "env_variables"))]
    build_commands(
        commands,
        src.commands(yn.get(root, "entrypoint")),
        path=path,
        source="appengine",
        process=yn.text(yn.get(root, "service")),
        env=env,
        web=True,
        instances=yn.integer(yn.get(yn.get(root, "manual_scaling"), "instances")),
    )
    return commands
