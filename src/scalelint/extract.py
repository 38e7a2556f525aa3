"""Per-file work: bytes in, FileFacts out. Pure, so it runs in a process pool and is cached
by content hash. Every exception is caught here: one odd file never stops a run."""

from __future__ import annotations

import gc
import re

from scalelint import budget, limits
from scalelint.facts import FileFacts, ParseProblem, Span
from scalelint.sources import decode_python, decode_text, parse_python, python_too_large
from scalelint.suppression import find_suppressions

TOOK_TOO_LONG = "took too long"  # a property of this run, not of the file: never cached


def extract_file(rel: str, kind: str, data: bytes, sql_dialect: str = "postgres") -> FileFacts:
    """`sql_dialect` is the `sql-dialect` setting: how SQL (files, strings migrations run) parses."""
    facts = FileFacts(path=rel, kind=kind)
    # No cyclic collection while one file is read: its tree and what is read from it are freed
    # by reference counting when the file is done (the extractors keep no cycles), and every
    # collection meanwhile would walk the whole live tree and all facts kept so far, which made
    # the collector half of a cold run's CPU on large projects.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with budget.time_budget(limits.FILE_TIME.value):
            _extract_into(facts, rel, kind, data, sql_dialect)
    except budget.TookTooLong:
        facts = FileFacts(path=rel, kind=kind)
        facts.problems.append(ParseProblem(f"{TOOK_TOO_LONG}: stopped at {limits.FILE_TIME}", Span(1, 1, 1, 2), "warning"))
    except Exception as error:  # noqa: BLE001 - the run goes on; the user sees what failed
        facts.problems.append(
            ParseProblem(f"internal error while reading this file ({type(error).__name__}: {error})", Span(1, 1, 1, 2))
        )
    finally:
        if collecting:
            gc.enable()
    return facts


def _extract_into(facts: FileFacts, rel: str, kind: str, data: bytes, sql_dialect: str) -> None:
    if kind == "python":
        problem = python_too_large(data)
        if problem:
            facts.problems.append(problem)
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
        from scalelint.deploy import is_deployment_file

        if kind == "sql" or is_deployment_file(rel, kind):
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
