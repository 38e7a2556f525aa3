"""SQL files: parse with sqlglot so broken SQL becomes SCL001 (the schema model reads the
statements later).

sqlglot does not model every dialect's every statement. When it meets syntax it does not
support it records an error *and* falls back to an opaque `Command` for that statement; for a
statement that is simply broken (`CREATE TABLE (`, an unclosed parenthesis) there is no such
fallback. So a statement is reported only when the configured dialect fails on it without
falling back and no other dialect parses it cleanly: valid-but-exotic SQL (Oracle interval
types, PL/pgSQL bodies) is not called broken.

The file is tokenized once and each statement parsed alone, stopping at the first broken one:
sqlglot's error recovery over a whole file is superlinear (4,000 broken statements cost 16 s
per dialect), one statement at a time it is not. At most the sql-statements limit is checked.
Text no dialect can even tokenize (an unclosed quote) is reported too."""

from __future__ import annotations

import logging
import re

from scalelint import limits
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


def _grammar(dialect: str):
    from sqlglot.dialects.dialect import Dialect

    return Dialect.get_or_raise(dialect)


def _statements(tokens: list) -> list[list]:
    """Tokens split at semicolons, empty statements dropped."""
    from sqlglot.tokens import TokenType

    out: list[list] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            out.append([])
        else:
            out[-1].append(token)
    return [chunk for chunk in out if chunk]


def _parse(grammar, tokens: list, text: str):
    """(errors, fell_back) for one statement's tokens."""
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    parser = grammar.parser(error_level=ErrorLevel.WARN)
    expressions = parser.parse(tokens, text)
    fell_back = any(isinstance(e, exp.Command) for e in expressions if e is not None)
    return parser.errors, fell_back


def _clean_in(dialect: str, snippet: str) -> bool:
    try:
        grammar = _grammar(dialect)
        errors, _ = _parse(grammar, grammar.tokenize(snippet), snippet)
    except Exception:  # noqa: BLE001 - tokenizer errors and sqlglot internals alike
        return False
    return not errors


def _tokenized(text: str, dialect: str):
    """(dialect, tokens) for the first dialect, the configured one first, that can tokenize
    the text; (None, first error) when none can."""
    first_error = None
    for candidate in (dialect, *[d for d in DIALECTS if d != dialect]):
        try:
            return candidate, _grammar(candidate).tokenize(text)
        except Exception as error:  # noqa: BLE001 - TokenError, and RecursionError on odd input
            first_error = first_error or error
    return None, first_error


def check_sql(text: str, dialect: str = "postgres") -> list[ParseProblem]:
    if _TEMPLATED.search(text):
        return []
    primary, tokens = _tokenized(text, dialect)
    if primary is None:
        return [_untokenizable(text, tokens)]
    grammar = _grammar(primary)
    others = [d for d in DIALECTS if d != primary]
    cap = int(limits.SQL_STATEMENTS.value)
    statements = _statements(tokens)
    for chunk in statements[:cap]:
        try:
            errors, fell_back = _parse(grammar, chunk, text)
        except RecursionError:
            line, column = chunk[0].line, max(chunk[0].col, 1)
            return [ParseProblem("invalid SQL: nested too deeply to parse", Span(line, column, line, column + 1))]
        except Exception:  # noqa: BLE001 - a sqlglot internal error says nothing about the SQL
            continue
        if not errors or fell_back:
            continue
        if not _declares_schema(chunk):
            # a function body, a DO block, a DROP DATABASE ... WITH (FORCE): valid PostgreSQL the
            # parser does not know is common, a broken one is not (the migrations would fail), and
            # no rule reads these statements: nothing to tell the user
            continue
        snippet = text[chunk[0].start : chunk[-1].end + 1]
        accepted = next((other for other in others if _clean_in(other, snippet)), None)
        if accepted is not None:
            others.remove(accepted)
            others.insert(0, accepted)  # a file in another dialect: ask that one first next time
            continue
        return [_problem(errors[0])]
    ddl = sum(1 for chunk in statements if chunk[0].text.upper() in ("CREATE", "ALTER", "DROP"))
    if ddl > cap:  # scalelint.schema_sql reads the rest only as the tables they name
        return [ParseProblem(f"schema not analysed in full: {ddl:,} DDL statements, above {limits.SQL_STATEMENTS}; the rest only mark their tables as unknown", Span(1, 1, 1, 2), "info")]
    return []  # statements past the limit that declare no schema are not checked


def _declares_schema(chunk: list) -> bool:
    """`CREATE [UNIQUE] TABLE|INDEX ...` or `ALTER TABLE ...`: what the schema model reads."""
    words = [t.text.upper() for t in chunk[:4]]
    if not words or words[0] not in ("CREATE", "ALTER"):
        return False
    rest = [w for w in words[1:] if w not in ("UNIQUE", "OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED")]
    return bool(rest) and rest[0] in ("TABLE", "INDEX")


def _problem(error) -> ParseProblem:
    detail = (getattr(error, "errors", None) or [{}])[0]
    line, column = detail.get("line"), detail.get("col")
    if line is None:
        found = _ERROR_POSITION.search(str(error))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
    description = _TOKEN_REPR.sub(lambda m: repr(m.group(1)), str(detail.get("description") or error))
    description = description.splitlines()[0][:200]
    line, column = int(line or 1), max(int(column or 1), 1)
    return ParseProblem(f"invalid SQL, or SQL scalelint's parser cannot read: {description}; the tables it declares are not analysed", Span(line, column, line, column + 1))


def _untokenizable(text: str, error) -> ParseProblem:
    """SQL no dialect can split into tokens: an unclosed quote or comment, most often."""
    start, end = getattr(error, "start", None), getattr(error, "end", None)
    offset = (start + min(50, max(end - start, 0))) if isinstance(start, int) and isinstance(end, int) else 0
    cause = error.__cause__ if error is not None and error.__cause__ is not None else error
    reason = str(cause).splitlines()[0][:120] if cause is not None and str(cause) else type(cause).__name__
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return ParseProblem(f"invalid SQL: cannot be split into tokens ({reason})", Span(line, column, line, column + 1))
