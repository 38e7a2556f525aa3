"""Commands that run another command: `exec`, `sudo -u app`, `gosu app`, `tini --`,
`dumb-init`, `poetry run`, `doppler run --`, and shells or `su` handed a command string.

Entrypoints wrap the server in these to drop privileges, reap zombies or inject secrets;
the server is the command after them. Every reader (the `sh -c` expansion, the script a
command runs, the server recogniser) asks this one module where that command starts.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Sequence

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh", "busybox"})


@dataclass(frozen=True)
class Launcher:
    operands: int = 0  # words after the options that are not the command (`gosu USER`)
    valued: frozenset[str] = frozenset()  # options that take the next word as their value
    long_valued: bool = False  # every `--option` takes a value (opentelemetry-instrument)


def _l(operands: int = 0, valued: str = "", long_valued: bool = False) -> Launcher:
    return Launcher(operands, frozenset(valued.split()), long_valued)


LAUNCHERS: dict[str, Launcher] = {
    "exec": _l(valued="-a"),
    "command": _l(),
    "nohup": _l(),
    "time": _l(),
    "nice": _l(valued="-n --adjustment"),
    "ionice": _l(valued="-c -n -p --class --classdata"),
    "stdbuf": _l(valued="-i -o -e"),
    "env": _l(valued="-u --unset -C --chdir"),  # then NAME=VALUE words, left to the caller
    "tini": _l(valued="-p -e"),
    "catatonit": _l(),
    "dumb-init": _l(valued="-r --rewrite"),
    "gosu": _l(operands=1),
    "su-exec": _l(operands=1),
    "setuidgid": _l(operands=1),
    "s6-setuidgid": _l(operands=1),
    "chpst": _l(valued="-u -U -b -e -/ -n -l -L -m -d -o -p -f -c"),
    "sudo": _l(valued="-u --user -g --group -C --close-from -D --chdir -p --prompt -r --role -t --type -T --command-timeout -U --other-user -R --chroot"),
    "runuser": _l(valued="-u --user -g --group -G --supp-group -s --shell -w --whitelist-environment"),
    "setpriv": _l(valued="--reuid --regid --groups --ruid --euid --rgid --egid --inh-caps --ambient-caps --bounding-set --securebits --pdeathsig"),
    "authbind": _l(),
    "ddtrace-run": _l(),
    "cross-env": _l(),  # `cross-env NODE_ENV=production node dist/index.js`
    "npx": _l(valued="-p --package"),  # `npx tsx server/index.ts`
    "opentelemetry-instrument": _l(long_valued=True),
    "newrelic-admin": _l(operands=1),  # `newrelic-admin run-program CMD`
    # Heroku's nginx buildpack: `bin/start-nginx gunicorn ...` starts nginx, then runs its arguments
    "start-nginx": _l(),
    "start-nginx-solo": _l(),
    "start-nginx-debug": _l(),
}

# `<tool> <verb> [options] [--] CMD`
RUNNERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "poetry": (frozenset({"run"}), frozenset()),
    "pipenv": (frozenset({"run"}), frozenset()),
    "pdm": (frozenset({"run"}), frozenset({"-p", "--project"})),
    "hatch": (frozenset({"run"}), frozenset()),
    "rye": (frozenset({"run"}), frozenset()),
    "pixi": (frozenset({"run"}), frozenset({"-e", "--environment", "--manifest-path"})),
    "uv": (frozenset({"run"}), frozenset({"--with", "-w", "--python", "-p", "--env-file", "--extra", "--group", "--package", "--directory", "--project", "--index", "--with-requirements"})),
    "conda": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix", "--cwd"})),
    "micromamba": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "doppler": (frozenset({"run"}), frozenset({"-p", "--project", "-c", "--config", "--token"})),
    "infisical": (frozenset({"run"}), frozenset({"--env", "--path", "--projectId", "--token"})),
    "op": (frozenset({"run"}), frozenset({"--env-file"})),
    "dotenv": (frozenset({"run"}), frozenset()),
}
# runner options that read variables from a file the repository may not show
ENV_FILE_OPTIONS = frozenset({"--env-file"})


def _skip_options(texts: Sequence[str], j: int, valued: frozenset[str], long_valued: bool = False) -> int:
    n = len(texts)
    while j < n:
        word = texts[j]
        if word == "--":
            return j + 1
        if not word.startswith("-") or word == "-":
            return j
        name, eq, _ = word.partition("=")
        if word.startswith("--"):
            takes = not eq and (long_valued or name in valued)
            j += 2 if takes else 1
            continue
        # a cluster of short flags: the value of the last one may follow as the next word
        letters = word[1:]
        takes = False
        for k, ch in enumerate(letters):
            if f"-{ch}" in valued:
                takes = k == len(letters) - 1
                break
        j += 2 if takes else 1
    return j


def skip(texts: Sequence[str], i: int) -> int | None:
    """Index just past the launcher that starts at `texts[i]` (its options and operands
    included); None when `texts[i]` is not a launcher."""
    if i >= len(texts):
        return None
    base = posixpath.basename(texts[i])
    launcher = LAUNCHERS.get(base)
    if launcher is not None:
        j = _skip_options(texts, i + 1, launcher.valued, launcher.long_valued)
        j += launcher.operands
        if launcher.operands:
            j = _skip_options(texts, j, launcher.valued)  # `runuser -u app -- CMD`
        return min(j, len(texts))
    runner = RUNNERS.get(base)
    if runner is not None and i + 1 < len(texts) and texts[i + 1] in runner[0]:
        return min(_skip_options(texts, i + 2, runner[1]), len(texts))
    return None


def reads_env_file(texts: Sequence[str], i: int) -> bool:
    """The launcher at `texts[i]` loads variables from a file (`uv run --env-file .env`)."""
    end = skip(texts, i) or i
    return any(t.partition("=")[0] in ENV_FILE_OPTIONS for t in texts[i:end]) or posixpath.basename(texts[i]) in ("doppler", "infisical", "op", "dotenv")


def command_start(texts: Sequence[str], start: int = 0) -> int:
    """Index of the command the launchers from `start` on run (`start` when there are none)."""
    i = start
    while True:
        after = skip(texts, i)
        if after is None or after <= i:
            return i
        i = after


def _su_string(texts: Sequence[str], i: int) -> int | None:
    """`su app -c STRING`, `runuser -l app -c STRING`: the index of STRING."""
    j = i + 1
    while j < len(texts):
        word = texts[j]
        if word in ("-c", "--command"):
            return j + 1 if j + 1 < len(texts) else None
        j += 2 if word in _SU_VALUED else 1
    return None


_SU_VALUED = frozenset({"-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w", "--whitelist-environment"})
_SH_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def command_string(texts: Sequence[str]) -> int | None:
    """Index of a command string that a shell or `su` will run: `sh -c STRING`,
    `exec gosu app bash -lc STRING`, `su app -c STRING`, `runuser -l app -c STRING`."""
    i = 0
    while i < len(texts):
        if posixpath.basename(texts[i]) in ("su", "runuser"):
            found = _su_string(texts, i)
            if found is not None:
                return found
        after = skip(texts, i)
        if after is None or after <= i:
            break
        i = after
    if i >= len(texts):
        return None
    base = posixpath.basename(texts[i])
    if base not in SHELLS:
        return None
    j = i + 1
    if base == "busybox":  # `busybox sh -c ...`
        if j >= len(texts) or texts[j] != "sh":
            return None
        j += 1
    while j < len(texts):
        word = texts[j]
        if word in _SH_VALUED:
            j += 2
            continue
        if len(word) > 1 and word[0] in "-+" and not word.startswith("--"):
            if "c" in word[1:]:
                return j + 1 if j + 1 < len(texts) else None
            j += 1
            continue
        if word.startswith("--"):
            j += 1
            continue
        return None
    return None
