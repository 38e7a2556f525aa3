"""SQL files: parse with sqlglot so broken SQL becomes SCL001 (the schema model reads the
statements later). sqlglot is lenient, falling back to an opaque Command for statements it
does not model, so what fails here is SQL no database would accept either."""

from __future__ import annotations

import logging
import re

from scalelint.facts import ParseProblem, Span

logging.getLogger("sqlglot").setLevel(logging.CRITICAL)

# Templated SQL (dbt, Jinja) and psql scripts are not SQL until rendered: leave them alone.
_TEMPLATED = re.compile(r"\{\{|\{%|^\s*\\", re.MULTILINE)
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]+, text: (.*?), line: \d+, col: \d+.*?>")
DIALECTS = ("postgres", "mysql", "sqlite")


def check_sql(text: str, dialect: str = "postgres") -> list[ParseProblem]:
    if _TEMPLATED.search(text):
        return []
    import sqlglot
    from sqlglot.errors import ErrorLevel, ParseError, TokenError

    first_error = None
    for candidate in (dialect, *[d for d in DIALECTS if d != dialect]):
        try:
            sqlglot.parse(text, read=candidate, error_level=ErrorLevel.RAISE)
            return []
        except ParseError as error:
            first_error = first_error or error
        except (TokenError, RecursionError, ValueError) as error:
            first_error = first_error or error
        except Exception as error:  # noqa: BLE001 - sqlglot internals must never stop a run
            first_error = first_error or error
    detail = getattr(first_error, "errors", None) or [{}]
    info = detail[0] if detail else {}
    line = int(info.get("line") or 1)
    column = int(info.get("col") or 1)
    description = _TOKEN_REPR.sub(lambda m: repr(m.group(1)), str(info.get("description") or first_error))
    description = description.splitlines()[0][:200]
    return [ParseProblem(f"invalid SQL: {description}", Span(line, max(column, 1), line, max(column, 1) + 1))]
