"""Shell scripts (`entrypoint.sh`, `bin/web`): every simple command, with the environment
the script has exported or assigned before it and the `case`/`if` branches it sits in."""

from __future__ import annotations

import posixpath
import re

from scalelint.deploy.common import build_commands, env_from_tok, merge_env, split_assignments
from scalelint.deploy.branches import guarded_commands
from scalelint.deploy.shell import expand_toks, positions
from scalelint.facts import DeployCommand, EnvSetting

_DECLARE = {"export", "readonly"}

# `DIR="$(dirname "$0")"`, `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)`, `$(dirname "$(readlink -f "$0")")`:
# the folder the script is in, matched with quotes, blanks, `--` and redirections taken out
_SOURCE = r"(?:\$0|\$\{0\}|\$\{BASH_SOURCE(?:\[0\])?\}|\$BASH_SOURCE)"
_DIRNAME = rf"\$\(dirname(?:{_SOURCE}|\$\((?:realpath|readlink-f|readlink-e){_SOURCE}\))\)"
_SCRIPT_DIR = re.compile(rf"^(?:{_DIRNAME}|\$\(cd{_DIRNAME}(?:&&|;)pwd\))$")
_QUOTES_AND_BLANKS = re.compile(r"[\"'\s]")
_NOISE = re.compile(r"--|&>/dev/null|>/dev/null|2>&1|-P\b")


def _script_dir(value: str, path: str) -> str | None:
    """The script's own folder, project-relative, when `value` is the shell idiom for it."""
    if "dirname" not in value or not _SCRIPT_DIR.match(_NOISE.sub("", _QUOTES_AND_BLANKS.sub("", value))):
        return None
    return posixpath.dirname(path) or "."


def _with_script_dir(settings: list[EnvSetting], toks, path: str) -> list[EnvSetting]:
    by_name = {t.text.partition("=")[0]: t.text.partition("=")[2] for t in toks if "=" in t.text}
    out = []
    for setting in settings:
        folder = _script_dir(by_name.get(setting.name, ""), path) if setting.value is None else None
        out.append(EnvSetting(setting.name, folder, setting.span) if folder else setting)
    return out


def extract(path: str, text: str) -> list[DeployCommand]:
    out: list[DeployCommand] = []
    env: tuple[EnvSetting, ...] = ()
    for command, guards in guarded_commands(text, positions(text)):
        for inner in expand_toks(command):
            prefix, argv = split_assignments(inner)
            if not argv:  # `NAME=value` alone sets a shell variable for later lines
                env = merge_env(env, _with_script_dir(prefix, inner, path))
                continue
            if argv[0].unquoted and argv[0].text in _DECLARE:
                declared = [s for s in (env_from_tok(t) for t in argv[1:]) if s is not None]
                env = merge_env(env, prefix, _with_script_dir(declared, argv[1:], path))
                continue
            build_commands(out, [inner], path=path, source="shell", process=None, env=env, guards=guards)
    return out
