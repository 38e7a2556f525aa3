"""`--show-settings`: the settings a run would use, every key with its value (defaults too), as
a `[tool.scalelint]` table that the config loader reads back to the same settings."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from scalelint import registry
from scalelint.config import Settings


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def _shown(path: Path | None) -> str:
    if path is None:
        return "none (defaults)"
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return str(path)


def render(settings: Settings, targets: list[Path]) -> str:
    enabled = sorted(settings.enabled_codes())
    lines = [
        f"# scalelint settings for {', '.join(_shown(t) for t in targets)}",
        f"# project root: {_shown(settings.root)}",
        f"# read from: {_shown(settings.config_path)}",
        f"# rules that run ({len(enabled)}): {', '.join(enabled)}",
        "",
        "[tool.scalelint]",
        f"select = {_value(settings.select)}",
        f"extend-select = {_value(settings.extend_select)}",
        f"ignore = {_value(settings.ignore)}",
        f"exclude = {_value(settings.exclude)}",
        f"extend-exclude = {_value(settings.extend_exclude)}",
        f"respect-gitignore = {_value(settings.respect_gitignore)}",
        f"sql-dialect = {_value(settings.sql_dialect)}",
        f"scope = {_value(settings.scope)}",
        "",
        "[tool.scalelint.tables]",
        f"small = {_value(settings.tables_small)}",
        f"large = {_value(settings.tables_large)}",
        "",
        "[tool.scalelint.per-file-ignores]",
        *(f"{_value(pattern)} = {_value(codes)}" for pattern, codes in settings.per_file_ignores),
    ]
    for rule in registry.all_rules():
        fields = dataclasses.fields(rule.Options)
        if not fields:
            continue
        options = settings.options_for(rule)
        lines += ["", f"[tool.scalelint.rules.{rule.name}]  # {rule.code}"]
        for option in fields:
            key = option.name.replace("_", "-")
            value = getattr(options, option.name)
            # TOML has no null: an unset option is shown, commented out
            lines.append(f"# {key} = (not set: the rule's default)" if value is None else f"{key} = {_value(value)}")
    return "\n".join(lines) + "\n"
