"""`[tool.scalelint]` from pyproject.toml (or a `--config` file) into frozen Settings.

Every key is checked: an unknown key, a value of the wrong type or an unknown rule is a
ConfigError naming the key and the file, which the CLI turns into exit 2.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from scalelint import reading, registry
from scalelint.discovery import pattern_error
from scalelint.rule import Rule

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".eggs",
    "*.egg-info",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    ".direnv",
    "htmlcov",
    ".next",
)

TOP_LEVEL_KEYS = {
    "select": "list of codes, prefixes or rule names",
    "ignore": "list of codes, prefixes or rule names",
    "extend-select": "list of codes, prefixes or rule names",
    "exclude": "list of gitignore-style patterns",
    "extend-exclude": "list of gitignore-style patterns",
    "per-file-ignores": "table of pattern = list of codes",
    "respect-gitignore": "boolean",
    "sql-dialect": "auto, postgres, mysql or sqlite",
    "scope": "request (the default) or all",
    "tables": "table with `small` and `large` lists of table or model names",
    "rules": "table of per-rule options",
}
# what `scope` accepts: which code paths the cost model reports on (scalelint.project.reach)
SCOPES = ("request", "all")


class ConfigError(Exception):
    """A problem with the user's configuration; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")
    config_path: Path | None = None
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    respect_gitignore: bool = True
    rule_options: tuple[tuple[str, object], ...] = field(default=())  # (code, Options instance)
    sql_dialect: str = "auto"  # the database the schema rules judge for (and how `.sql` files parse); auto: the deployment's
    # "request": report costs on paths that run per request (and growing work in tasks); "all": every path
    scope: str = "request"
    tables_small: tuple[str, ...] = ()  # [tool.scalelint.tables] small: tables that stay small, whatever the evidence
    tables_large: tuple[str, ...] = ()  # [tool.scalelint.tables] large: tables that grow

    def options_for(self, rule: type[Rule]) -> object:
        for code, options in self.rule_options:
            if code == rule.code:
                return options
        return rule.Options()

    def enabled_codes(self) -> frozenset[str]:
        chosen: set[str] = set()
        for selector in (*self.select, *self.extend_select):
            chosen.update(r.code for r in registry.matching(selector))
        for selector in self.ignore:
            chosen.difference_update(r.code for r in registry.matching(selector))
        return frozenset(chosen)

    def fingerprint(self) -> str:
        """What per-file extraction may depend on; part of every cache key."""
        return repr((sorted(self.rule_options, key=lambda item: item[0]), self.sql_dialect))


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.scalelint] table, searching upward."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            tool = _read_toml(candidate).get("tool")
            if isinstance(tool, dict) and "scalelint" in tool:  # `tool = 5` is not ours to judge
                return candidate
    return None


def find_root(start: Path, config_path: Path | None) -> Path:
    """The repository the Project model is built from: the config's directory, else the
    nearest directory with .git or pyproject.toml, else the path itself."""
    if config_path is not None and config_path.name == "pyproject.toml":
        return config_path.parent
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists() or (candidate / "pyproject.toml").is_file():
            return candidate
    return directory


def _read_toml(path: Path) -> dict:
    """A TOML file scalelint reads (any pyproject.toml on the way up, or --config): whatever
    is wrong with it is a ConfigError naming the file, never a traceback."""
    try:
        text = reading.read_text(path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {reading.describe(error)}") from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}: not valid UTF-8 (line {line}); TOML files must be UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None


def load_settings(paths: list[Path], config_file: Path | None = None) -> Settings:
    start = (paths[0] if paths else Path(".")).resolve()
    if config_file is not None:
        config_file = config_file.resolve()
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: no such config file")
        data = _read_toml(config_file)
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{config_file}: `tool` must be a table, got {_describe(tool)}")
        table = tool.get("scalelint", data if config_file.name != "pyproject.toml" else {})
        root = find_root(start, None)
    else:
        config_file = find_config(start)
        table = _read_toml(config_file)["tool"]["scalelint"] if config_file else {}
        root = find_root(start, config_file)
    return settings_from_table(table, root=root, source=config_file)


def _expect_str_list(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{where}: `{key}` must be a list of strings, got {_describe(value)}")


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _check_selectors(selectors: tuple[str, ...], key: str, where: str) -> None:
    for selector in selectors:
        if not registry.matching(selector):
            raise ConfigError(f"{where}: `{key}` names an unknown rule or prefix {selector!r}")


def settings_from_table(table: dict, *, root: Path, source: Path | None) -> Settings:
    where = f"{source} [tool.scalelint]" if source else "[tool.scalelint]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    for key in table:
        if key not in TOP_LEVEL_KEYS:
            known = ", ".join(sorted(TOP_LEVEL_KEYS))
            raise ConfigError(f"{where}: unknown key `{key}` (known keys: {known})")
    values: dict[str, object] = {}
    for key, attr in (("select", "select"), ("ignore", "ignore"), ("extend-select", "extend_select")):
        if key in table:
            values[attr] = _expect_str_list(table[key], key, where)
            _check_selectors(values[attr], key, where)
    for key, attr in (("exclude", "exclude"), ("extend-exclude", "extend_exclude")):
        if key in table:
            values[attr] = _expect_str_list(table[key], key, where)
            for pattern in values[attr]:
                reason = pattern_error(pattern)
                if reason is not None:
                    raise ConfigError(f"{where}: `{key}` holds {pattern!r}, which is not a valid gitignore-style pattern ({reason})")
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError(f"{where}: `respect-gitignore` must be a boolean, got {_describe(table['respect-gitignore'])}")
        values["respect_gitignore"] = table["respect-gitignore"]
    if "sql-dialect" in table:
        values["sql_dialect"] = _sql_dialect(table["sql-dialect"], where)
    if "scope" in table:
        if table["scope"] not in SCOPES:
            raise ConfigError(f"{where}: `scope` must be one of {', '.join(SCOPES)}, got {_describe(table['scope'])}")
        values["scope"] = table["scope"]
    if "tables" in table:
        tables = table["tables"]
        if not isinstance(tables, dict):
            raise ConfigError(f"{where}: `tables` must be a table with `small` and `large` lists")
        for key in tables:
            if key not in ("small", "large"):
                raise ConfigError(f"{where}: unknown key `tables.{key}` (known keys: large, small)")
        values["tables_small"] = _expect_str_list(tables.get("small", []), "tables.small", where)
        values["tables_large"] = _expect_str_list(tables.get("large", []), "tables.large", where)
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}: `per-file-ignores` must be a table of pattern = [codes]")
        entries = []
        for pattern, codes in pfi.items():
            reason = pattern_error(pattern)
            if reason is not None:
                raise ConfigError(f"{where}: `per-file-ignores` key {pattern!r} is not a valid gitignore-style pattern ({reason})")
            codes_t = _expect_str_list(codes, f"per-file-ignores.{pattern}", where)
            _check_selectors(codes_t, f"per-file-ignores.{pattern}", where)
            entries.append((pattern, codes_t))
        values["per_file_ignores"] = tuple(entries)
    if "rules" in table:
        values["rule_options"] = _rule_options(table["rules"], where)
    return Settings(root=root, config_path=source, **values)


# what `sql-dialect` accepts -> the sqlglot dialect it reads with
SQL_DIALECTS = {"auto": "auto", "postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}


def _sql_dialect(value: object, where: str) -> str:
    if isinstance(value, str) and value.lower() in SQL_DIALECTS:
        return SQL_DIALECTS[value.lower()]
    raise ConfigError(f"{where}: `sql-dialect` must be one of {', '.join(sorted(SQL_DIALECTS))}, got {_describe(value)}")


def _rule_options(rules_table: object, where: str) -> tuple[tuple[str, object], ...]:
    if not isinstance(rules_table, dict):
        raise ConfigError(f"{where}: `rules` must be a table of [tool.scalelint.rules.<rule-name>] tables")
    result = []
    for rule_key, options in rules_table.items():
        rule = registry.rule_for(rule_key)
        if rule is None:
            raise ConfigError(f"{where}: `rules.{rule_key}` is not a known rule")
        if not isinstance(options, dict):
            raise ConfigError(f"{where}: `rules.{rule_key}` must be a table")
        result.append((rule.code, build_options(rule, options, f"{where} rules.{rule_key}")))
    return tuple(result)


def build_options(rule: type[Rule], raw: dict, where: str) -> object:
    """Turn `{"min-pool-size": 8}` into the rule's Options dataclass, checking each type."""
    fields = {f.name.replace("_", "-"): f for f in dataclasses.fields(rule.Options)}
    hints = typing.get_type_hints(rule.Options)
    kwargs = {}
    for key, value in raw.items():
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"{where}: unknown option `{key}` (options of {rule.name}: {known})")
        name = fields[key].name
        kwargs[name] = _coerce(value, hints[name], f"{where}.{key}")
    return rule.Options(**kwargs)


def _coerce(value: object, hint: object, where: str) -> object:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        return _coerce(value, non_none[0], where)
    if origin in (tuple, list):
        inner = args[0] if args else str
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {_describe(value)}")
        return tuple(_coerce(item, inner, where) for item in value)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    else:
        return value
    raise ConfigError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {_describe(value)}")
