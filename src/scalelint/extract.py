"""Per-file work: bytes in, FileFacts out. Pure, so it runs in a process pool and is cached
by content hash. Every exception is caught here: one odd file never stops a run."""

from __future__ import annotations

from scalelint import budget, limits
from scalelint.facts import FileFacts, ParseProblem, Span
from scalelint.sources import decode_python, decode_text, parse_python, python_too_large
from scalelint.suppression import find_suppressions

TOOK_TOO_LONG = "took too long"  # a property of this run, not of the file: never cached


def extract_file(rel: str, kind: str, data: bytes, sql_dialect: str = "postgres") -> FileFacts:
    """`sql_dialect` is the `sql-dialect` setting: how SQL (files, strings migrations run) parses."""
    facts = FileFacts(path=rel, kind=kind)
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
            sql_dialect=sql_dialect,
        )
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

        facts.problems.extend(check_sql(text, sql_dialect))
        facts.schema = read_sql_file(text, sql_dialect)
        return
    from scalelint.deploy import extract_deploy

    commands, image_runs, problems = extract_deploy(rel, kind, text)
    facts.commands.extend(commands)
    facts.image_runs.extend(image_runs)
    facts.problems.extend(problems)
