"""Dockerfile: what the final image runs (CMD / ENTRYPOINT) and with which ENV."""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass, field, replace

from scalelint.deploy.common import build_commands, env_from_tok, env_value, span_of
from scalelint.deploy.shell import Pos, Tok, tokenize
from scalelint.facts import DeployCommand, EnvSetting

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_INSTRUCTION = re.compile(r"^[ \t]*([A-Za-z]+)(?:[ \t]+|$)")
_HEREDOC = re.compile(r"<<-?[ \t]*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


@dataclass
class _Instruction:
    keyword: str  # upper-case
    args: str  # after the keyword, continuations removed
    pos: list[Pos]  # file position of each character of `args`


@dataclass
class _Form:
    exec_form: bool
    commands: list[list[Tok]]  # exec form: exactly one command


@dataclass
class _Stage:
    name: str | None = None
    env: dict[str, EnvSetting] = field(default_factory=dict)
    cmd: _Form | None = None
    cmd_here: bool = False  # CMD set in this stage (not inherited)
    entrypoint: _Form | None = None
    workdir: str = "/"
    copies: list[tuple[list[str], str]] = field(default_factory=list)  # (sources, absolute dest)


def _instructions(text: str) -> list[_Instruction]:
    lines = text.split("\n")
    escape, i = "\\", 0
    while i < len(lines):  # parser directives: only at the very top
        m = _DIRECTIVE.match(lines[i])
        if not m:
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("\\", "`"):
            escape = m.group(2)
        i += 1
    out: list[_Instruction] = []
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        chunks: list[str] = []
        pos: list[Pos] = []
        while i < len(lines):
            line = lines[i]
            body = line.rstrip(" \t")
            continued = body.endswith(escape)
            piece = body[:-1] if continued else line
            chunks.append(piece)
            pos.extend((i + 1, c + 1) for c in range(len(piece)))
            i += 1
            if not continued:
                break
            # Docker drops comment and empty lines inside a continued instruction.
            while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                i += 1
        logical = "".join(chunks)
        m = _INSTRUCTION.match(logical)
        if not m:
            continue
        keyword = m.group(1).upper()
        out.append(_Instruction(keyword, logical[m.end() :], pos[m.end() :]))
        heredoc = _HEREDOC.search(logical) if keyword in ("RUN", "COPY", "ADD") else None
        if heredoc:  # the body is data for the instruction, not more instructions
            delim = heredoc.group(1)
            while i < len(lines) and lines[i].strip() != delim:
                i += 1
            i += 1
    return out


def _exec_form(args: str, pos: list[Pos]) -> list[Tok] | None:
    """A JSON array of strings with per-character positions, or None when not one."""
    i, n = 0, len(args)
    toks: list[Tok] = []

    def blank(j: int) -> int:
        while j < n and args[j] in " \t\r\n":
            j += 1
        return j

    i = blank(i)
    if i >= n or args[i] != "[":
        return None
    i = blank(i + 1)
    if i < n and args[i] == "]":
        return toks if not args[blank(i + 1) :].strip() else None
    while True:
        if i >= n or args[i] != '"':
            return None
        start, i = i, i + 1
        buf: list[str] = []
        chars: list[Pos] = []
        while i < n and args[i] != '"':
            if args[i] == "\\":
                if i + 1 >= n:
                    return None
                esc = args[i + 1]
                if esc == "u":
                    try:
                        buf.append(chr(int(args[i + 2 : i + 6], 16)))
                    except ValueError:
                        return None
                    chars.append(pos[i])
                    i += 6
                    continue
                mapped = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(esc, esc)
                if esc not in 'ntrbf"\\/':
                    return None
                buf.append(mapped)
                chars.append(pos[i])
                i += 2
                continue
            buf.append(args[i])
            chars.append(pos[i])
            i += 1
        if i >= n:
            return None
        toks.append(Tok("".join(buf), chars, pos[start], (pos[i][0], pos[i][1] + 1), 0))
        i = blank(i + 1)
        if i < n and args[i] == ",":
            i = blank(i + 1)
            continue
        if i < n and args[i] == "]" and not args[i + 1 :].strip():
            return toks
        return None


def _form(ins: _Instruction) -> _Form:
    toks = _exec_form(ins.args, ins.pos)
    if toks is not None:
        return _Form(True, [toks] if toks else [])
    return _Form(False, tokenize(ins.args, ins.pos))  # shell form: /bin/sh -c ARGS


def _env(stage: _Stage, ins: _Instruction) -> None:
    words = [t for cmd in tokenize(ins.args, ins.pos, operators=False) for t in cmd]
    if not words:
        return
    if env_from_tok(words[0]) is None:  # legacy `ENV NAME value with spaces`
        name = words[0].text
        rest = ins.args[len(ins.args) - len(ins.args.lstrip()) :]
        value = rest[rest.find(name) + len(name) :].strip() if name in rest else ""
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        stage.env[name] = EnvSetting(name, env_value(value), span_of(words[0].start, words[-1].end))
        return
    for tok in words:
        setting = env_from_tok(tok)
        if setting is not None:
            stage.env.pop(setting.name, None)
            stage.env[setting.name] = setting


def _stages(instructions: list[_Instruction]) -> list[_Stage]:
    stages = [_Stage()]
    for ins in instructions:
        stage = stages[-1]
        if ins.keyword == "FROM":
            words = [t.text for cmd in tokenize(ins.args, ins.pos, operators=False) for t in cmd]
            words = [w for w in words if not w.startswith("--")]
            parent = next((s for s in stages if s.name and words and s.name == words[0].lower()), None)
            new = copy.deepcopy(parent) if parent else _Stage()
            new.cmd_here = False
            new.name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(new)
        elif ins.keyword == "ENV":
            _env(stage, ins)
        elif ins.keyword == "CMD":
            stage.cmd, stage.cmd_here = _form(ins), True
        elif ins.keyword == "ENTRYPOINT":
            stage.entrypoint = _form(ins)
            if not stage.cmd_here:  # Docker: a new ENTRYPOINT drops an inherited CMD
                stage.cmd = None
        elif ins.keyword == "WORKDIR":
            target = ins.args.strip().strip("\"'")
            if target:
                stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, target))
        elif ins.keyword in ("COPY", "ADD"):
            words = [t.text for cmd in tokenize(ins.args, ins.pos, operators=False) for t in cmd]
            if any(w.startswith("--from") for w in words):
                continue  # from another stage or image, not from the project
            words = [w for w in words if not w.startswith("--")]
            if len(words) >= 2:
                dest = posixpath.join(stage.workdir, words[-1])
                dest = posixpath.normpath(dest) + ("/" if words[-1].endswith("/") else "")
                stage.copies.append((words[:-1], dest))
    return stages


def _script_mapper(stage: _Stage):
    """Map a script path inside the image back to the project file it was copied from."""

    def mapped(script: str) -> str:
        inside = posixpath.normpath(posixpath.join(stage.workdir, script))
        bare = "/" not in script  # found on PATH, wherever it was copied to
        for sources, dest in reversed(stage.copies):
            dest_dir = dest.rstrip("/") or "/"
            for src in sources:
                src_clean = src[2:] if src.startswith("./") else src
                src_base = posixpath.basename(src_clean.rstrip("/"))
                target = posixpath.join(dest_dir, src_base)
                if target == inside or (len(sources) == 1 and dest_dir == inside):
                    return src_clean
                if bare and src_base == script and (target.startswith("/usr/") or target.startswith("/bin/")):
                    return src_clean
                is_dir = src_clean in (".", "") or src.endswith("/") or "." not in src_base
                if is_dir and inside.startswith(dest_dir.rstrip("/") + "/"):
                    rel = inside[len(dest_dir.rstrip("/")) + 1 :]
                    return rel if src_clean in (".", "") else posixpath.join(src_clean.rstrip("/"), rel)
        workdir = stage.workdir.rstrip("/")
        if workdir and inside.startswith(workdir + "/"):
            return inside[len(workdir) + 1 :]
        if not script.startswith("/"):
            return script
        return posixpath.basename(script)

    return mapped


def extract(path: str, text: str) -> list[DeployCommand]:
    stage = _stages(_instructions(text))[-1]
    entry, cmd = stage.entrypoint, stage.cmd
    if entry is not None and entry.exec_form and not entry.commands:
        entry = None  # `ENTRYPOINT []` clears it
    open_args, entry_words = False, 0
    if entry is not None and entry.exec_form:
        prefix = entry.commands[0]
        entry_words = len(prefix)
        commands = [prefix + c for c in cmd.commands] if cmd and cmd.commands else [prefix]
        open_args = not (cmd and cmd.commands)  # `docker run IMAGE ARGS`, compose or k8s pass them
    elif entry is not None:
        commands = entry.commands  # shell-form ENTRYPOINT ignores CMD
    else:
        commands = cmd.commands if cmd else []
    out: list[DeployCommand] = []
    build_commands(
        out,
        commands,
        path=path,
        source="dockerfile",
        process=None,
        env=tuple(stage.env.values()),
        script_map=_script_mapper(stage),
        open_args=open_args,
        entry_words=entry_words,
        stage=stage.name,
    )
    if _names_development_settings(stage) and all(c.context == "unknown" for c in out):
        # `ENV DJANGO_SETTINGS_MODULE=patchwork.settings.dev`: the image is the developers'
        out = [replace(c, context="development") for c in out]
    return out


_DEV_SETTINGS = re.compile(r"(^|[._])(dev|develop|development|local)($|[._])")


def _names_development_settings(stage: _Stage) -> bool:
    setting = stage.env.get("DJANGO_SETTINGS_MODULE")
    value = setting.value if setting is not None else None
    return bool(value) and "$" not in value and bool(_DEV_SETTINGS.search(value.rsplit(".", 1)[-1].lower()))
