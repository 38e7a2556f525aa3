"""Finds every rule: the modules of `scalelint.rules` plus plugins registered under the
`scalelint.rules` entry-point group. Adding a rule is adding one module."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from importlib.metadata import entry_points

from scalelint.rule import Rule

CODE_RE = re.compile(r"^[A-Z]{2,5}\d{3}$")


class RegistryError(Exception):
    pass


def _rules_in(module) -> list[type[Rule]]:
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__
    ]


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    import scalelint.rules as package

    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        found.extend(_rules_in(importlib.import_module(info.name)))
    for ep in entry_points(group="scalelint.rules"):
        loaded = ep.load()
        found.extend([loaded] if isinstance(loaded, type) else _rules_in(loaded))
    by_code: dict[str, type[Rule]] = {}
    by_name: dict[str, type[Rule]] = {}
    for rule in found:
        if not CODE_RE.match(rule.code):
            raise RegistryError(f"rule {rule.__name__} has a malformed code {rule.code!r}")
        for key, table in ((rule.code, by_code), (rule.name, by_name)):
            if key in table and table[key] is not rule:
                raise RegistryError(f"{key} is claimed by both {table[key].__name__} and {rule.__name__}")
            table[key] = rule
    return tuple(sorted(by_code.values(), key=lambda r: r.code))


def rule_for(code_or_name: str) -> type[Rule] | None:
    key = code_or_name.strip()
    for rule in all_rules():
        if key.upper() == rule.code or key.lower() == rule.name:
            return rule
    return None


PREFIX_RE = re.compile(r"^[A-Z]+\d{0,3}$")


def matching(selector: str) -> list[type[Rule]]:
    """Rules a selector names: a code (`SCL101`), a prefix (`SCL1`, `SCL`), `ALL`, or a name."""
    key = selector.strip()
    exact = rule_for(key)
    if exact is not None:
        return [exact]
    upper = key.upper()
    if upper == "ALL":
        return list(all_rules())
    if PREFIX_RE.match(upper):
        return [r for r in all_rules() if r.code.startswith(upper)]
    return []
