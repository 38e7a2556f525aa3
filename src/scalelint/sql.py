"""SQL files: parse with sqlglot so broken SQL becomes SCL001 (the schema model reads the
statements later).

sqlglot does not model every dialect's every statement. When it meets syntax it does not
support it records an error *and* falls back to an opaque `Command` for that statement; for a
statement that is simply broken (`CREATE TABLE (`, an unclosed parenthesis) there is no such
fallback. So a file is reported only when the configured dialect fails without falling back
and no other dialect parses it cleanly: valid-but-exotic SQL (Oracle interval types, PL/pgSQL
bodies) is not called broken."""

from __future__ import annotations

import logging
import re

from scalelint.facts import ParseProblem, Span

logging.getLogger("sqlglot").setLevel(logging.CRITICAL)

# Templated SQL (dbt, Jinja) and psql scripts are not SQL until rendered: leave them alone.
_TEMPLATED = re.compile(r"\{\{|\{%|^\s*\\", re.MULTILINE)
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]+, text: (.*?), line: \d+, col: \d+.*?>")
_ERROR_POSITION = re.compile(r"Line (\d+), Col: (\d+)")
# Text that reads as a statement a program runs (raw SQL in code): how it starts.
_STATEMENT = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*|\(\s*)*(select|with|insert|update|delete)\b", re.IGNORECASE | re.DOTALL)


def looks_like_statement(text: str) -> bool:
    """Text that starts like a SELECT, WITH, INSERT, UPDATE or DELETE statement."""
    return bool(_STATEMENT.match(text))


# Tried in turn only when the configured dialect fails.
DIALECTS = ("postgres", "mysql", "sqlite", "oracle", "tsql", "snowflake", "bigquery", "duckdb")


def _parse(text: str, dialect: str):
    """(errors, fell_back): the parser's errors, and whether it gave up on some statement."""
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel

    grammar = Dialect.get_or_raise(dialect)
    parser = grammar.parser(error_level=ErrorLevel.WARN)
    expressions = parser.parse(grammar.tokenize(text), text)
    fell_back = any(isinstance(e, exp.Command) for e in expressions if e is not None)
    return parser.errors, fell_back


def check_sql(text: str, dialect: str = "postgres") -> list[ParseProblem]:
    if _TEMPLATED.search(text):
        return []
    first_errors = None
    for candidate in (dialect, *[d for d in DIALECTS if d != dialect]):
        try:
            errors, fell_back = _parse(text, candidate)
        except Exception:  # noqa: BLE001 - tokenizer errors and sqlglot internals: try the next dialect
            continue
        if not errors or (fell_back and candidate == dialect):
            return []  # another dialect's fallback says nothing about this one
        first_errors = first_errors or errors
    if not first_errors:
        return []  # no dialect could even tokenize it: not evidence of broken SQL we can point at
    error = first_errors[0]
    detail = (getattr(error, "errors", None) or [{}])[0]
    line, column = detail.get("line"), detail.get("col")
    if line is None:
        found = _ERROR_POSITION.search(str(error))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
    description = _TOKEN_REPR.sub(lambda m: repr(m.group(1)), str(detail.get("description") or error))
    description = description.splitlines()[0][:200]
    line, column = int(line or 1), max(int(column or 1), 1)
    return [ParseProblem(f"invalid SQL: {description}", Span(line, column, line, column + 1))]
