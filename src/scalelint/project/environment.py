"""The environment a deployment command runs in, as far as the repository shows it, and the
values shell words and folded Python expressions take in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scalelint import limits
from scalelint.facts import Choice, Const, EnvSetting, EnvVar, Expr

_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-=])?(?P<default>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


@dataclass
class Env:
    """The environment a command sees, as far as the repository shows it."""

    values: dict[str, str | None] = field(default_factory=dict)
    where: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # name → (path, line)
    opaque: bool = False  # variables may also be set where we cannot see

    def add(self, settings: tuple[EnvSetting, ...] | list[EnvSetting], path: str, *, override: bool = True) -> None:
        for item in settings:
            value = item.value
            if value is not None and "$" in value:
                # `export ROLE=${ROLE:-web}` is expanded where it is assigned, as the shell does:
                # the value is what ROLE held before (or the default), not the text of the word
                value = expand(value, self)
            if item.name in self.values and not override:
                if self.values[item.name] != value:
                    self.values[item.name] = None  # two deployments disagree: unknown
                continue
            self.values[item.name] = value
            self.where[item.name] = (path, item.span.line if item.span else None)

    def copy(self) -> "Env":
        return Env(dict(self.values), dict(self.where), self.opaque)

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """(known, value): known is False when the variable may be set where we cannot see."""
        if name in self.values:
            return True, self.values[name]
        return (not self.opaque), None


def expand(text: str, env: Env) -> str | None:
    """Shell parameter expansion of `$X`, `${X}`, `${X:-default}`; None when unresolvable."""
    if "$(" in text or "`" in text:
        return None
    unresolved = False

    def substitute(match: re.Match) -> str:
        nonlocal unresolved
        name = match.group("braced") or match.group("plain")
        known, value = env.lookup(name)
        if value is not None and (value != "" or not match.group("op")):
            return value
        if match.group("op") and known:
            return match.group("default")
        unresolved = True
        return ""

    result = _VAR.sub(substitute, text)
    return None if unresolved else result


def as_int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip().strip("'\""))
    except ValueError:
        return None
    return value if abs(value) <= limits.LARGEST_NUMBER else None


def eval_expr(expr: Expr | None, env: Env) -> object | None:
    """The value a folded Python expression has under `env`, or None when not knowable."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, EnvVar):
        known, value = env.lookup(expr.name)
        if value is not None:
            return value
        if known and expr.default is not None:
            return eval_expr(expr.default, env)
        return None
    if isinstance(expr, Choice):
        values = {repr(eval_expr(option, env)) for option in expr.options}
        return eval_expr(expr.options[0], env) if len(values) == 1 else None
    return None


def possible_strings(expr: Expr | None) -> list[str]:
    """The strings a folded expression may be: a constant, an env var's default, each choice."""
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, EnvVar):
        return possible_strings(expr.default)
    if isinstance(expr, Choice):
        return [s for option in expr.options for s in possible_strings(option)]
    return []


def as_int_value(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= limits.LARGEST_NUMBER else None
    if isinstance(value, str):
        return as_int(value)
    return None
