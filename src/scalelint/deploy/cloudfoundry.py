"""Cloud Foundry `manifest.yml`: each application's (or process's) command, instances and env.

An application with no `command` runs its Procfile's `web` line, which the Procfile reader
sees on its own. `((name))` placeholders are filled from vars files at push time: unknown.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node

from scalelint.deploy import yamlnodes as yn
from scalelint.deploy.common import build_commands
from scalelint.facts import DeployCommand, EnvSetting, ImageRun


def _env(src: yn.Source, node: Node | None) -> list[EnvSetting]:
    out = []
    for key, value in yn.items(node):
        text = yn.text(value)
        out.append(src.setting(key.value, None if text is not None and "((" in text else text, key, value))
    return out


def extract(path: str, src: yn.Source, docs: list[Node]) -> tuple[list[DeployCommand], list[ImageRun]]:
    commands: list[DeployCommand] = []
    if not docs:
        return commands, []
    for app in yn.seq(yn.get(docs[0], "applications")):
        if not isinstance(app, MappingNode):
            continue
        name = yn.text(yn.get(app, "name"))
        env = _env(src, yn.get(app, "env"))
        instances = yn.integer(yn.get(app, "instances"))
        processes = [p for p in yn.seq(yn.get(app, "processes")) if isinstance(p, MappingNode)]
        typed = {yn.text(yn.get(p, "type")): p for p in processes}
        if yn.get(app, "command") is not None and "web" not in typed:
            typed["web"] = app  # the app-level command is the web process's
        for kind, node in typed.items():
            count = yn.integer(yn.get(node, "instances"))
            build_commands(
                commands,
                src.commands(yn.get(node, "command")),
                path=path,
                source="cloudfoundry",
                process=name if kind == "web" else f"{name}-{kind}",
                env=env,
                web=kind == "web",
                instances=count if count is not None else (instances if kind == "web" else None),
            )
    return commands, []
