"""supervisord `[program:NAME]` sections: `command=`, `environment=`, `numprocs=`.

configparser reads the values; positions come from scanning the text for the same key,
since configparser keeps none.
"""

from __future__ import annotations

import configparser
import re

from scalelint.deploy.common import build_commands, env_value, to_int
from scalelint.deploy.shell import Pos, positions, tokenize
from scalelint.facts import DeployCommand, EnvSetting, Span

_SECTION = re.compile(r"^\[([^\]]+)\]")
_PROGRAM = re.compile(r"^(?:fcgi-)?program:(.+)$")
_INLINE_COMMENT = re.compile(r"[ \t];.*$")


def _locate(text: str, section: str, key: str) -> tuple[str, list[Pos]] | None:
    """The raw value of `key` in `[section]` with its position map (continuations as spaces)."""
    key_re = re.compile(r"^[ \t]*%s[ \t]*[=:][ \t]*" % re.escape(key), re.IGNORECASE)
    lines = text.split("\n")
    current = None
    for i, line in enumerate(lines):
        header = _SECTION.match(line)
        if header:
            current = header.group(1).strip()
            continue
        m = key_re.match(line) if current == section else None
        if not m:
            continue
        value = _INLINE_COMMENT.sub("", line[m.end() :])
        pos = positions(value, i + 1, m.end() + 1)
        for j in range(i + 1, len(lines)):
            more = lines[j]
            if not more.strip() or not more[0].isspace():
                break
            body = _INLINE_COMMENT.sub("", more)
            value += " " + body
            pos += [pos[-1] if pos else (j, 1)] + positions(body, j + 1, 1)
        return value, pos
    return None


def _environment(raw: str, pos: list[Pos]) -> list[EnvSetting]:
    """`KEY="a b",KEY2=c` -> settings (supervisord's own quoting, not the shell's)."""
    out: list[EnvSetting] = []
    i, n = 0, len(raw)
    while i < n:
        while i < n and raw[i] in " \t,":
            i += 1
        start = i
        eq = raw.find("=", i)
        if eq < 0:
            break
        name = raw[i:eq].strip()
        i = eq + 1
        if i < n and raw[i] in "\"'":
            close = raw.find(raw[i], i + 1)
            close = n - 1 if close < 0 else close
            value, end = raw[i + 1 : close], close
            i = close + 1
        else:
            comma = raw.find(",", i)
            comma = n if comma < 0 else comma
            value, end = raw[i:comma].strip(), comma - 1
            i = comma
        if name:
            first, last = pos[start], pos[max(end, start)]
            out.append(EnvSetting(name, env_value(value), Span(first[0], first[1], last[0], last[1] + 1)))
    return out


def extract(path: str, text: str) -> list[DeployCommand]:
    parser = configparser.ConfigParser(interpolation=None, strict=False, inline_comment_prefixes=(";",))
    try:
        parser.read_string(text)
    except configparser.Error:
        return []  # supervisord would refuse it too; nothing to learn
    out: list[DeployCommand] = []
    for section in parser.sections():
        m = _PROGRAM.match(section)
        if not m or not parser.has_option(section, "command"):
            continue
        name = m.group(1).strip()
        env: list[EnvSetting] = []
        if parser.has_option(section, "environment"):
            found = _locate(text, section, "environment")
            if found:
                env = _environment(*found)
        found = _locate(text, section, "command")
        if found is None:
            continue
        command, pos = found
        build_commands(
            out,
            tokenize(command, pos),
            path=path,
            source="supervisord",
            process=name,
            env=env,
            instances=to_int(parser.get(section, "numprocs", fallback="")),
        )
    return out
