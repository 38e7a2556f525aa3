"""The JSON schema of `[tool.scalelint]`, generated from what the config loader accepts: its
top-level keys (`config.TOP_LEVEL_KEYS`), the values it knows (`SCOPES`, `SQL_DIALECTS`), the
registered rules (codes, names, prefixes) and each rule's `Options` dataclass.

The package ships the result as `scalelint/schemas/scalelint.schema.json` for editors (taplo /
Even Better TOML, PyCharm) to validate and complete the table; tests/test_config_schema.py fails
when the shipped file and this generator disagree, or when the schema and the loader accept
different things. `python -m scalelint.config_schema` prints it.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import json
import tokenize
import typing
from pathlib import Path

from scalelint import config, registry

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "scalelint.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"

SELECTORS = {"type": "array", "items": {"$ref": "#/definitions/selector"}, "uniqueItems": False}
PATTERNS = {"type": "array", "items": {"type": "string"}}

# Each key's schema and description. A key the loader accepts and this table lacks stops the
# generator (KeyError), so a new setting cannot ship without its schema.
TOP_LEVEL: dict[str, tuple[dict, str]] = {
    "select": ({**SELECTORS, "default": ["ALL"]}, "The rules to run: codes (SCL302), prefixes (SCL3), names (pool-exhaustion) or ALL."),
    "ignore": ({**SELECTORS, "default": []}, "Rules not to run, applied after select and extend-select."),
    "extend-select": ({**SELECTORS, "default": []}, "Rules to run in addition to select."),
    "exclude": ({**PATTERNS, "default": list(config.DEFAULT_EXCLUDE)}, "Gitignore-style patterns never read. Replaces the built-in list: prefer extend-exclude."),
    "extend-exclude": ({**PATTERNS, "default": []}, "Gitignore-style patterns never read, in addition to exclude."),
    "per-file-ignores": (
        {"type": "object", "additionalProperties": SELECTORS, "default": {}},
        "Pattern (relative to the project root) = rules whose findings are dropped in the matching files.",
    ),
    "respect-gitignore": ({"type": "boolean", "default": True}, "Skip what .gitignore files ignore."),
    "sql-dialect": (
        {"type": "string", "enum": sorted(config.SQL_DIALECTS), "default": "postgres"},
        "The database the schema runs on: how .sql files parse and what the schema rules judge for.",
    ),
    "scope": (
        {"type": "string", "enum": list(config.SCOPES), "default": "request"},
        "request: report on code that runs per request (and growing work in tasks); all: every path, commands and scripts included.",
    ),
    "tables": (
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "small": {**PATTERNS, "description": "Tables or model names that stay small, whatever the repository suggests."},
                "large": {**PATTERNS, "description": "Tables or model names that grow, whatever the repository suggests."},
            },
        },
        "Settle a table's size class where the repository does not show it.",
    ),
    "rules": ({"$ref": "#/definitions/rules"}, "Per-rule options: [tool.scalelint.rules.<rule-name>]."),
}


def selector_values() -> list[str]:
    """Every selector the loader accepts, in its canonical spelling: ALL, each code, each name,
    and each code prefix that names at least one rule."""
    values = {"ALL"}
    for rule in registry.all_rules():
        values.update((rule.code, rule.name))
        values.update(rule.code[:n] for n in range(1, len(rule.code)))
    return sorted(values)


def _option_comments(options: type) -> dict[str, str]:
    """`name: int = 5  # what it means` -> {"name": "what it means"}, from the source."""
    try:
        source = inspect.getsource(options)
    except (OSError, TypeError):
        return {}
    comments: dict[str, str] = {}
    names = {f.name for f in dataclasses.fields(options)}
    line_names: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        first_on_its_line = not token.line[: token.start[1]].strip()
        if token.type == tokenize.NAME and token.string in names and first_on_its_line:
            line_names[token.start[0]] = token.string
        elif token.type == tokenize.COMMENT and token.start[0] in line_names:
            comments[line_names[token.start[0]]] = token.string.lstrip("# ").strip()
    return comments


def _type_schema(hint: object) -> dict:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or type(hint).__name__ == "UnionType":
        non_none = [a for a in args if a is not type(None)]
        return _type_schema(non_none[0])  # TOML has no null: an optional option is its type or absent
    if origin in (tuple, list):
        return {"type": "array", "items": _type_schema(args[0] if args else str)}
    for python, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if hint is python:
            return {"type": name}
    raise TypeError(f"no JSON schema type for option type {hint!r}")


def rule_schema(rule) -> dict:
    options = rule.Options
    hints = typing.get_type_hints(options)
    comments = _option_comments(options)
    properties = {}
    for field in dataclasses.fields(options):
        prop = _type_schema(hints[field.name])
        default = field.default if field.default is not dataclasses.MISSING else None
        if default is not None:
            prop["default"] = list(default) if isinstance(default, tuple) else default
        if field.name in comments:
            prop["description"] = comments[field.name]
        properties[field.name.replace("_", "-")] = prop
    return {
        "type": "object",
        "description": f"{rule.code} {rule.name}: {rule.summary}",
        "additionalProperties": False,
        "properties": properties,
    }


def build() -> dict:
    missing = set(config.TOP_LEVEL_KEYS) - set(TOP_LEVEL)
    if missing:
        raise KeyError(f"config keys with no schema in scalelint.config_schema.TOP_LEVEL: {sorted(missing)}")
    properties = {}
    for key in config.TOP_LEVEL_KEYS:
        schema, description = TOP_LEVEL[key]
        properties[key] = {**schema, "description": description}
    rules: dict[str, dict] = {}
    definitions: dict[str, dict] = {}
    for rule in registry.all_rules():
        definitions[rule.name] = rule_schema(rule)
        ref = {"$ref": f"#/definitions/rule-options/{rule.name}"}
        rules[rule.name] = ref
        rules[rule.code] = ref
    return {
        "$schema": DRAFT,
        "title": "scalelint",
        "description": "scalelint's settings: [tool.scalelint] in pyproject.toml, or the top level of a file given with --config.",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "definitions": {
            "selector": {"type": "string", "enum": selector_values()},
            "rules": {"type": "object", "additionalProperties": False, "properties": rules},
            "rule-options": definitions,
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def shipped() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
