"""The shipped JSON schema of `[tool.scalelint]` is the generated one, and it agrees with the
config loader: the same keys (top-level, per rule, per option), and for sample values of every
key and option, the schema accepts exactly what the loader accepts.

Regenerate the shipped file with `SCALELINT_UPDATE=1 pytest tests/test_config_schema.py`."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import jsonschema
import pytest

from scalelint import config_schema, registry
from scalelint.config import TOP_LEVEL_KEYS, ConfigError, settings_from_table

SCHEMA = config_schema.build()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def loader_accepts(table: dict) -> bool:
    try:
        settings_from_table(table, root=Path("."), source=None)
    except ConfigError:
        return False
    return True


def schema_accepts(table: dict) -> bool:
    return VALIDATOR.is_valid(table)


def test_the_shipped_schema_is_the_generated_one():
    if os.environ.get("SCALELINT_UPDATE"):
        config_schema.SCHEMA_PATH.write_text(config_schema.render(), encoding="utf-8")
    assert config_schema.shipped() == SCHEMA, "run SCALELINT_UPDATE=1 pytest tests/test_config_schema.py to regenerate it"
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_the_wheel_ships_the_schema():
    # hatchling packages every file under src/scalelint; the schema must be one of them
    assert config_schema.SCHEMA_PATH.is_file() and config_schema.SCHEMA_PATH.parent.parent.name == "scalelint"


def test_same_keys_as_the_loader():
    assert set(SCHEMA["properties"]) == set(TOP_LEVEL_KEYS)
    rules = SCHEMA["definitions"]["rules"]["properties"]
    assert set(rules) == {key for rule in registry.all_rules() for key in (rule.code, rule.name)}
    for rule in registry.all_rules():
        options = SCHEMA["definitions"]["rule-options"][rule.name]["properties"]
        assert set(options) == {f.name.replace("_", "-") for f in dataclasses.fields(rule.Options)}, rule.code


def _samples(schema: dict) -> tuple[list, list]:
    """(values the schema means to accept, values of the wrong type or outside its enum)."""
    if "$ref" in schema:
        return [], []
    kind = schema.get("type")
    if "enum" in schema:
        return list(schema["enum"]), ["not-one-of-them", 3]
    if kind == "boolean":
        return [True, False], ["yes", 1]
    if kind == "integer":
        return [0, 7], ["seven", 1.5, True]
    if kind == "number":
        return [1.5, 2], ["fast", True]
    if kind == "string":
        return ["x"], [1, ["x"]]
    if kind == "array":
        good, bad = _samples(schema["items"]) if "$ref" not in schema["items"] else (["SCL302"], [])
        return [[], good[:1]], ["x", [1], *([[b] for b in bad[:1]])]
    if kind == "object":
        return [{}], ["x", ["x"]]
    raise AssertionError(f"no samples for {schema}")


TOP_LEVEL_CASES = [(key, value, True) for key in TOP_LEVEL_KEYS for value in _samples(SCHEMA["properties"][key])[0]] + [
    (key, value, False) for key in TOP_LEVEL_KEYS for value in _samples(SCHEMA["properties"][key])[1]
]


@pytest.mark.parametrize(("key", "value", "valid"), TOP_LEVEL_CASES, ids=[f"{k}={v!r}" for k, v, _ in TOP_LEVEL_CASES])
def test_schema_and_loader_agree_on_top_level_values(key, value, valid):
    table = {key: value}
    assert schema_accepts(table) is valid
    assert loader_accepts(table) is valid


OPTION_CASES = [
    (rule.name, key, value, valid)
    for rule in registry.all_rules()
    for key, prop in SCHEMA["definitions"]["rule-options"][rule.name]["properties"].items()
    for values, valid in zip(_samples(prop), (True, False))
    for value in values
]


@pytest.mark.parametrize(("rule", "option", "value", "valid"), OPTION_CASES, ids=[f"{r}.{o}={v!r}" for r, o, v, _ in OPTION_CASES])
def test_schema_and_loader_agree_on_rule_options(rule, option, value, valid):
    code = registry.rule_for(rule).code
    for key in (rule, code):
        table = {"rules": {key: {option: value}}}
        assert schema_accepts(table) is valid, table
        assert loader_accepts(table) is valid, table


def test_unknown_keys_rules_and_options_are_rejected_by_both():
    for table in (
        {"exclude-dirs": []},
        {"rules": {"no-such-rule": {}}},
        {"rules": {"pool-exhaustion": {"max-conections": 5}}},
        {"rules": {"parse-error": {"anything": 1}}},
        {"tables": {"medium": []}},
        {"per-file-ignores": {"a/**": ["SCL999"]}},
        {"select": ["nope"]},
        {"ignore": ["SCL9"]},
    ):
        assert not schema_accepts(table), table
        assert not loader_accepts(table), table


def test_every_selector_the_schema_offers_is_one_the_loader_accepts():
    values = SCHEMA["definitions"]["selector"]["enum"]
    assert {"ALL", "SCL", "SCL3", "SCL302", "pool-exhaustion"} <= set(values)
    for value in values:
        assert loader_accepts({"select": [value], "per-file-ignores": {"x/**": [value]}}), value


def test_a_full_example_config_validates():
    table = {
        "select": ["ALL"],
        "ignore": ["single-process-uvicorn"],
        "extend-exclude": ["legacy/"],
        "per-file-ignores": {"deploy/review-apps/**": ["SCL201"]},
        "scope": "all",
        "sql-dialect": "mysql",
        "tables": {"small": ["countries"], "large": ["events"]},
        "rules": {"pool-exhaustion": {"max-connections": 200}, "SCL205": {"max-timeout": 60}},
    }
    assert schema_accepts(table) and loader_accepts(table)


def test_the_configuration_page_lists_every_rule_option():
    """docs/configuration.md's option table: one row per option of every rule, with its default."""
    import re

    page = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = page[page.index("| rule | option | type | default | meaning |") :]
    table = table[: table.index("\n\n")]
    rows = {}
    for row in table.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        code = re.search(r"\((SCL\d{3})\)", cells[0]).group(1)
        rows[(code, cells[1].strip("`"))] = cells[3]
    expected = {}
    for rule in registry.all_rules():
        for field in dataclasses.fields(rule.Options):
            default = field.default
            shown = "none" if default is None else f"`{list(default) if isinstance(default, tuple) else default}`"
            expected[(rule.code, field.name.replace("_", "-"))] = shown
    assert rows == expected
