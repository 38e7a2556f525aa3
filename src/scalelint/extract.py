"""Per-file work: bytes in, FileFacts out. Pure, so it runs in a process pool and is cached
by content hash. Every exception is caught here: one odd file never stops a run."""

from __future__ import annotations

import re

from scalelint.facts import FileFacts, ParseProblem, Span
from scalelint.sources import decode_python, decode_text, parse_python
from scalelint.suppression import find_suppressions

# YAML and INI files that are not deployment files are not ours to call broken; the deploy
# extractor reports problems only for the files it recognises.
MAX_PYTHON_BYTES = 4 * 1024 * 1024


def extract_file(rel: str, kind: str, data: bytes, sql_dialect: str = "postgres") -> FileFacts:
    """`sql_dialect` is the `sql-dialect` setting: how SQL (files, strings migrations run) parses."""
    facts = FileFacts(path=rel, kind=kind)
    try:
        _extract_into(facts, rel, kind, data, sql_dialect)
    except Exception as error:  # noqa: BLE001 - the run goes on; the user sees what failed
        facts.problems.append(
            ParseProblem(f"internal error while reading this file ({type(error).__name__}: {error})", Span(1, 1, 1, 2))
        )
    return facts


def _extract_into(facts: FileFacts, rel: str, kind: str, data: bytes, sql_dialect: str) -> None:
    if kind == "python":
        if len(data) > MAX_PYTHON_BYTES:
            size = f"{len(data) / (1024 * 1024):.1f} MiB"
            facts.problems.append(ParseProblem(f"not analysed: {size} is above the {MAX_PYTHON_BYTES // (1024 * 1024)} MiB limit for Python files (generated code?)", Span(1, 1, 1, 2), "info"))
            return
        text, problem = decode_python(data)
        if problem:
            facts.problems.append(problem)
            return
        facts.suppressions = find_suppressions(text, kind)
        tree, problem = parse_python(text, rel)
        if problem:
            facts.problems.append(problem)
        if tree is None:
            return
        from scalelint.project import is_non_production_path
        from scalelint.python.extract import extract_python_facts
        from scalelint.python.names import module_name_for

        facts.python = extract_python_facts(
            tree,
            text,
            module_name_for(rel),
            is_package=rel.endswith("__init__.py"),
            # tests and migrations serve no requests: what their functions compute is not needed
            functions=not is_non_production_path(rel),
            sql_dialect=parse_dialect(sql_dialect),
        )
        from scalelint.python.database_urls import database_url_hints

        facts.databases = database_url_hints(tree, text, rel)
        return

    if kind == "typescript":
        text, problem = decode_text(data)
        if problem:
            return  # not UTF-8: a bundle or generated file, not the project's own code
        facts.suppressions = find_suppressions(text, kind)
        from scalelint.project import is_non_production_path
        from scalelint.typescript import extract_script

        facts.python, problems = extract_script(data, rel, functions=not is_non_production_path(rel))
        facts.problems.extend(problems)
        return

    if kind == "template":
        # Templates are not our language: one that is not UTF-8 text gets no facts and no SCL001.
        text, _ = decode_text(data)
        if text is None:
            return
        from scalelint.templates import extract_template, template_suppressions

        facts.suppressions = template_suppressions(text)
        facts.template = extract_template(text, rel)
        return

    text, problem = decode_text(data)
    if problem:
        if kind in ("sql", "procfile", "dockerfile"):
            facts.problems.append(problem)
        return
    facts.suppressions = find_suppressions(text, kind)
    if kind == "sql":
        from scalelint.schema_sql import read_sql_file
        from scalelint.sql import check_sql

        dialect = parse_dialect(sql_dialect, text)
        facts.problems.extend(check_sql(text, dialect))
        facts.schema = read_sql_file(text, dialect)
        return
    from scalelint.deploy import extract_deploy
    from scalelint.deploy.databases import database_hints

    commands, image_runs, problems = extract_deploy(rel, kind, text)
    facts.commands.extend(commands)
    facts.image_runs.extend(image_runs)
    facts.problems.extend(problems)
    facts.databases = database_hints(rel, kind, text)


_MYSQL_SQL = re.compile(r"`\w+`|\bAUTO_INCREMENT\b|\bENGINE\s*=|\bUNSIGNED\b", re.IGNORECASE)
_SQLITE_SQL = re.compile(r"\bAUTOINCREMENT\b|\bPRAGMA\b", re.IGNORECASE)


def parse_dialect(setting: str, sql: str | None = None) -> str:
    """The dialect SQL is read in: the `sql-dialect` setting; with "auto", what a `.sql` file's
    own text shows (backticks and AUTO_INCREMENT are MySQL's), else PostgreSQL's. The database
    the rules judge for is decided for the whole repository (scalelint.project.database)."""
    if setting != "auto":
        return setting
    if sql is not None:
        if _MYSQL_SQL.search(sql):
            return "mysql"
        if _SQLITE_SQL.search(sql):
            return "sqlite"
    return "postgres"
