"""fly.toml: `[processes]`, `[experimental] cmd`, `[env]` and `[build] dockerfile`.

tomllib gives values without positions, so each value is found again in the text: the
`key =` line inside its `[table]` (falling back to the first `key =` anywhere), then the
string literal after `=` is scanned to place every character. When the scan disagrees
with tomllib (an unusual layout such as an inline table), columns are counted from the
start of the value instead, which is still the right line.
"""

from __future__ import annotations

import posixpath
import re

from scalelint.deploy.common import build_commands, env_value, problem, span_of
from scalelint.deploy.compose import dockerfile_path
from scalelint.deploy.context import context_of
from scalelint.deploy.shell import Tok, tokenize
from scalelint.deploy.yamlnodes import Source
from scalelint.facts import DeployCommand, EnvSetting, ImageRun, ParseProblem

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _table_name(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def _find_key(text: str, table: str, key: str) -> tuple[int, int] | None:
    """(index of the key, index of its value) for `key = ...` in `[table]`."""
    pattern = re.compile(r"^[ \t]*(?:\"%s\"|'%s'|%s)[ \t]*=[ \t]*" % ((re.escape(key),) * 3))
    current, offset, fallback = "", 0, None
    for line in text.split("\n"):
        header = _HEADER.match(line)
        if header:
            current = _table_name(header.group(1))
        else:
            m = pattern.match(line)
            if m:
                found = (offset + len(line) - len(line.lstrip(" \t")), offset + m.end())
                if current == table:
                    return found
                fallback = fallback or found
        offset += len(line) + 1
    return fallback


def _read_string(text: str, i: int) -> tuple[str, list[int], int] | None:
    """A TOML string at `i`: (value, index in `text` of each value char, end index)."""
    for quote in ('"""', "'''", '"', "'"):
        if text.startswith(quote, i):
            break
    else:
        return None
    literal, multi = quote[0] == "'", len(quote) == 3
    j, n = i + len(quote), len(text)
    if multi and text.startswith("\n", j):
        j += 1
    buf: list[str] = []
    idx: list[int] = []
    while j < n:
        if text.startswith(quote, j):
            return "".join(buf), idx, j + len(quote)
        ch = text[j]
        if ch == "\n" and not multi:
            return None
        if ch == "\\" and not literal:
            nxt = text[j + 1 : j + 2]
            if multi and nxt in ("\n", " ", "\t"):  # line-ending backslash trims blanks
                k = j + 1
                while k < n and text[k] in " \t\n":
                    k += 1
                j = k
                continue
            if nxt in ("u", "U"):
                width = 4 if nxt == "u" else 8
                try:
                    buf.append(chr(int(text[j + 2 : j + 2 + width], 16)))
                except ValueError:
                    return None
                idx.append(j)
                j += 2 + width
                continue
            if nxt not in _ESCAPES:
                return None
            buf.append(_ESCAPES[nxt])
            idx.append(j)
            j += 2
            continue
        buf.append(ch)
        idx.append(j)
        j += 1
    return None


class _Placer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.src = Source(text)

    def _tok(self, value: str, at: int) -> Tok:
        found = _read_string(self.text, at)
        if found is not None and found[0] == value:
            _, idx, end = found
            chars = [self.src.pos(k) for k in idx]
            last = self.src.pos(end - 1)
            return Tok(value, chars, self.src.pos(at), (last[0], last[1] + 1), 0)
        line, col = self.src.pos(at)
        chars = [(line, col + k) for k in range(len(value))]
        return Tok(value, chars, (line, col), (line, col + max(len(value), 1)), 0)

    def _array_toks(self, values: list, at: int) -> list[Tok]:
        toks: list[Tok] = []
        j = at + 1 if self.text.startswith("[", at) else at
        for value in values:
            while j < len(self.text) and (self.text[j] in " \t\n,\r" or self.text[j] == "#"):
                if self.text[j] == "#":
                    nl = self.text.find("\n", j)
                    j = len(self.text) if nl < 0 else nl
                else:
                    j += 1
            tok = self._tok(str(value), j)
            toks.append(tok)
            found = _read_string(self.text, j)
            j = found[2] if found is not None else j
        return toks

    def commands(self, table: str, key: str, value: object) -> list[list[Tok]]:
        where = _find_key(self.text, table, key)
        at = where[1] if where else 0
        if isinstance(value, str):
            tok = self._tok(value, at)
            return tokenize(tok.text, tok.chars)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return [self._array_toks(value, at)]
        return []

    def setting(self, table: str, key: str, value: object) -> EnvSetting:
        if isinstance(value, bool):
            written: str | None = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            written = str(value)
        else:
            written = None
        where = _find_key(self.text, table, key)
        if where is None:
            return EnvSetting(key, env_value(written))
        line_end = self.text.find("\n", where[1])
        line_end = len(self.text) if line_end < 0 else line_end
        value_text = self.text[where[1] : line_end].split(" #")[0].rstrip()
        start, end = self.src.pos(where[0]), self.src.pos(where[1] + max(len(value_text), 1) - 1)
        return EnvSetting(key, env_value(written), span_of(start, (end[0], end[1] + 1)))


def _toml_problem(exc: Exception) -> ParseProblem:
    message = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line, column = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
    reason = message[: m.start()].strip() if m else message
    return problem(f"invalid TOML: {reason} (line {line})", line, column)


def extract(path: str, text: str) -> tuple[list[DeployCommand], list[ImageRun], list[ParseProblem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [], [_toml_problem(exc)]
    except RecursionError:
        return [], [], [problem("invalid TOML: nested too deeply to read", 1, 1)]
    place = _Placer(text)
    env_table = data.get("env") if isinstance(data.get("env"), dict) else {}
    env = tuple(place.setting("env", k, v) for k, v in env_table.items())
    commands: list[DeployCommand] = []
    processes = data.get("processes") if isinstance(data.get("processes"), dict) else {}
    for name, value in processes.items():
        build_commands(
            commands, place.commands("processes", name, value), path=path, source="fly", process=name, env=env,
            instances=_machines(data, name),
        )
    experimental = data.get("experimental") if isinstance(data.get("experimental"), dict) else {}
    if not processes and "cmd" in experimental:
        cmd = place.commands("experimental", "cmd", experimental["cmd"])
        entry = place.commands("experimental", "entrypoint", experimental.get("entrypoint"))
        if entry:
            cmd = [entry[-1] + c for c in cmd] if cmd else entry
        build_commands(commands, cmd, path=path, source="fly", process=None, env=env, instances=_machines(data, None))
    if commands or processes:
        return commands, [], []
    build = data.get("build") if isinstance(data.get("build"), dict) else {}
    uses_dockerfile = "dockerfile" in build or not ({"image", "builder", "buildpacks"} & set(build))
    dockerfile = build.get("dockerfile") if isinstance(build.get("dockerfile"), str) else None
    run = ImageRun(
        path=path,
        source="fly",
        process=None,
        env=env,
        dockerfile=dockerfile_path(posixpath.dirname(path), ".", dockerfile) if uses_dockerfile else None,
        context=context_of(path),
        instances=_machines(data, None),
    )
    return [], [run], []


def _machines(data: dict, process: str | None) -> int | None:
    """`min_machines_running` of the `[http_service]` or `[[services]]` that serves the process
    (all of the app's processes when it names none): machines that run it at once."""
    services = [data.get("http_service")] + (data.get("services") if isinstance(data.get("services"), list) else [])
    for service in services:
        if not isinstance(service, dict):
            continue
        count = service.get("min_machines_running")
        served = service.get("processes")
        if isinstance(count, int) and not isinstance(count, bool) and (not isinstance(served, list) or process is None or process in served):
            return count
    return None
