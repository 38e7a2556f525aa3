"""Shell scripts (`entrypoint.sh`, `bin/web`): every simple command, with the environment
the script has exported or assigned before it and the `case`/`if` branches it sits in."""

from __future__ import annotations

from scalelint.deploy.common import build_commands, env_from_tok, merge_env, split_assignments
from scalelint.deploy.branches import guarded_commands
from scalelint.deploy.shell import expand_toks, positions
from scalelint.facts import DeployCommand, EnvSetting

_DECLARE = {"export", "readonly"}


def extract(path: str, text: str) -> list[DeployCommand]:
    out: list[DeployCommand] = []
    env: tuple[EnvSetting, ...] = ()
    for command, guards in guarded_commands(text, positions(text)):
        for inner in expand_toks(command):
            prefix, argv = split_assignments(inner)
            if not argv:  # `NAME=value` alone sets a shell variable for later lines
                env = merge_env(env, prefix)
                continue
            if argv[0].unquoted and argv[0].text in _DECLARE:
                declared = [s for s in (env_from_tok(t) for t in argv[1:]) if s is not None]
                env = merge_env(env, prefix, declared)
                continue
            build_commands(out, [inner], path=path, source="shell", process=None, env=env, guards=guards)
    return out
