"""systemd units: `ExecStart=` of the `[Service]` section, with `Environment=`."""

from __future__ import annotations

import posixpath
import re

from scalelint.deploy.common import build_commands, env_from_tok, merge_env
from scalelint.deploy.shell import Tok, positions, tokenize
from scalelint.facts import DeployCommand, EnvSetting

_KEY = re.compile(r"^[ \t]*([A-Za-z]+)[ \t]*=[ \t]*")
_EXEC_PREFIXES = "-@+!:|"


def _entries(text: str):
    """(key, value text, line, column) of each `Key=value` in `[Service]`, continuations kept."""
    lines = text.split("\n")
    section, i = "", 0
    while i < len(lines):
        line, number = lines[i], i + 1
        i += 1
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        if not stripped or stripped[0] in "#;" or section != "Service":
            continue
        m = _KEY.match(line)
        if not m:
            continue
        value = line[m.end() :]
        while value.rstrip().endswith("\\") and i < len(lines):
            value += "\n" + lines[i]
            i += 1
        yield m.group(1), value, number, m.end() + 1


def extract(path: str, text: str) -> list[DeployCommand]:
    env: tuple[EnvSetting, ...] = ()
    opaque = False
    execs: list[list[list[Tok]]] = []
    for key, value, line, column in _entries(text):
        if key == "ExecStart":
            bare = value.lstrip(_EXEC_PREFIXES)
            column += len(value) - len(bare)
            commands = tokenize(bare, positions(bare, line, column))
            execs = execs + [commands] if commands else []  # an empty ExecStart= resets
        elif key == "Environment":
            words = [t for cmd in tokenize(value, positions(value, line, column), operators=False) for t in cmd]
            env = merge_env(env, [s for s in (env_from_tok(t, quoted_name=True) for t in words) if s is not None])
        elif key == "EnvironmentFile":
            opaque = True
    name = posixpath.basename(path)
    process = name[: -len(".service")] if name.endswith(".service") else name
    out: list[DeployCommand] = []
    for commands in execs:
        build_commands(out, commands, path=path, source="systemd", process=process, env=env, env_opaque=opaque)
    return out
