"""Procfile (Heroku, Dokku, honcho, foreman): `name: command` lines."""

from __future__ import annotations

import re

from scalelint.deploy.common import build_commands
from scalelint.deploy.shell import positions, tokenize
from scalelint.facts import DeployCommand

_LINE = re.compile(r"^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(\S.*?)\s*$")


def extract(path: str, text: str) -> list[DeployCommand]:
    # A process type named twice: Heroku and foreman run the last one, so only it counts.
    last: dict[str, tuple[int, re.Match]] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        m = _LINE.match(line)
        if m:
            last[m.group(1)] = (number, m)
    out: list[DeployCommand] = []
    for name, (number, m) in sorted(last.items(), key=lambda item: item[1][0]):
        command = m.group(2)
        column = m.start(2) + 1
        build_commands(
            out,
            tokenize(command, positions(command, number, column)),
            path=path,
            source="procfile",
            process=name,
            web=name == "web",
        )
    return out
