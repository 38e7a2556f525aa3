"""Pieces every format shares: turning token lists into `DeployCommand`s."""

from __future__ import annotations

import posixpath
import re
from typing import Callable, Iterable, Sequence

from scalelint import limits
from scalelint.deploy.context import context_of
from scalelint.deploy import launchers
from scalelint.deploy.launchers import SHELLS
from scalelint.deploy.shell import Tok, expand_toks
from scalelint.facts import DeployCommand, EnvSetting, Guard, ParseProblem, Span

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VENV_SEGMENTS = {"venv", ".venv", "env", ".env", "virtualenv", "site-packages", "node_modules"}
_SCRIPT_SUFFIXES = (".sh", ".bash")


def env_value(text: str | None) -> str | None:
    """A value we can read, or None when it is computed at run time (`$(nproc)`)."""
    if text is None or "$(" in text or "`" in text:
        return None
    return text


def span_of(start: tuple[int, int], end: tuple[int, int]) -> Span:
    return Span(start[0], start[1], end[0], end[1])


def env_from_tok(tok: Tok, quoted_name: bool = False) -> EnvSetting | None:
    """`NAME=value` written as one shell word (the name unquoted, unless `quoted_name`)."""
    m = _ASSIGNMENT.match(tok.text)
    if not m or (tok.quoted_from < m.end() - 1 and not quoted_name):
        return None
    return EnvSetting(tok.text[: m.end() - 1], env_value(tok.text[m.end() :]), span_of(tok.start, tok.end))


def split_assignments(command: Sequence[Tok]) -> tuple[list[EnvSetting], list[Tok]]:
    """`A=1 B=2 gunicorn app` -> ([A, B], [gunicorn, app])."""
    env: list[EnvSetting] = []
    for i, tok in enumerate(command):
        setting = env_from_tok(tok)
        if setting is None:
            return env, list(command[i:])
        env.append(setting)
    return env, []


def merge_env(*groups: Iterable[EnvSetting]) -> tuple[EnvSetting, ...]:
    """Later settings of the same name replace earlier ones."""
    merged: dict[str, EnvSetting] = {}
    for group in groups:
        for setting in group:
            merged.pop(setting.name, None)
            merged[setting.name] = setting
    return tuple(merged.values())


def script_of(texts: Sequence[str]) -> str | None:
    """The project script a command runs: `./entrypoint.sh`, `bin/start`, `bash run.sh`."""
    i = launchers.command_start(texts)  # `exec`, `tini --`, `gosu app` before it
    if i >= len(texts):
        return None
    first = texts[i]
    if posixpath.basename(first) in SHELLS:
        rest = [t for t in texts[i + 1 :] if not t.startswith("-")]
        if rest and not any(t.startswith("-") and "c" in t for t in texts[i + 1 :]):
            return _clean(rest[0])
        return None
    if not first or first.startswith(("$", "-")) or first.endswith(".py"):
        return None  # a Python file is the Project's to read through argv, not a script
    base = posixpath.basename(first)
    if base.endswith(_SCRIPT_SUFFIXES) or first.startswith(("./", "../")):
        return _clean(first)
    segments = first.split("/")
    if len(segments) > 1 and not (_VENV_SEGMENTS & set(segments)):
        if not first.startswith("/"):
            return _clean(first)
        if "entrypoint" in base or segments[-2] not in ("bin", "sbin"):
            return first
    return None


def _outside_project(path: str) -> str:
    # An absolute path lives in the image; its basename is our best guess at the source.
    return posixpath.basename(path) if path.startswith("/") else path


def _clean(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path


def build_commands(
    out: list[DeployCommand],
    commands: Iterable[list[Tok]],
    *,
    path: str,
    source: str,
    process: str | None,
    env: Sequence[EnvSetting] = (),
    env_opaque: bool = False,
    web: bool | None = None,
    instances: int | None = None,
    script_map: Callable[[str], str] | None = None,
    guards: tuple[Guard, ...] = (),
    open_args: bool = False,
    entry_words: int = 0,
    image: str | None = None,
    stage: str | None = None,
) -> None:
    """Append one DeployCommand per simple command, `sh -c` strings opened up."""
    context = context_of(path, process)
    for command in commands:
        for inner in expand_toks(command):
            prefix_env, argv = split_assignments(inner)
            if not argv:
                continue
            script = script_of([t.text for t in argv])
            if script is not None:
                script = script_map(script) if script_map else _outside_project(script)
            out.append(
                DeployCommand(
                    path=path,
                    source=source,
                    process=process,
                    argv=tuple(t.word() for t in argv),
                    env=merge_env(env, prefix_env),
                    env_opaque=env_opaque,
                    context=context,
                    web=web,
                    instances=instances,
                    runs_script=script,
                    guards=guards,
                    open_args=open_args,
                    entry_words=entry_words,
                    image=image,
                    stage=stage,
                )
            )


def to_int(text: object) -> int | None:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 <= value <= limits.LARGEST_NUMBER else None


def problem(message: str, line: int, column: int) -> ParseProblem:
    return ParseProblem(message, Span(line, column, line, column + 1))
