"""The schema a piece of SQL declares: CREATE TABLE (columns, primary keys, inline and
table-level foreign keys, UNIQUE, MySQL `KEY`s), CREATE [UNIQUE] INDEX [CONCURRENTLY] (columns,
expressions, `USING`, partial `WHERE`), ALTER TABLE ADD/DROP/RENAME COLUMN, ADD/DROP CONSTRAINT,
ADD INDEX, RENAME TO, ALTER INDEX RENAME, DROP INDEX and DROP TABLE, each as a `SchemaOp` with
the span it is written at.

Used for `.sql` files (schema dumps, SQL migrations) and for the SQL strings migrations run
(`op.execute(...)`, Django `RunSQL(...)`). Only statements that start with CREATE, ALTER or DROP
are parsed, one at a time, so INSERTs and COPY data of a dump cost a tokenizer pass and nothing
more. A DDL statement sqlglot cannot read becomes an `opaque` op naming the table it seems to
touch, so rules know to say nothing about that table. Parse errors are `scalelint.sql`'s
business (SCL001); here they only make statements opaque.
"""

from __future__ import annotations

import bisect
import logging
import re
from typing import Callable

from scalelint import limits
from scalelint.facts import ColumnDDL, ForeignKeyDDL, IndexDDL, MigrationFacts, SchemaOp, Span

logging.getLogger("sqlglot").setLevel(logging.CRITICAL)

__all__ = ["read_sql_file", "read_sql_ops", "Locator", "DDL_HINT"]

# offset range (0-based, end exclusive) in the SQL text -> a Span in the file
Locator = Callable[[int, int], Span]

DDL_HINT = re.compile(r"\b(?:create|alter|drop)\b", re.IGNORECASE)
_COPY_DATA = re.compile(r"^COPY\b[^;]*\bFROM\s+stdin;[^\n]*\n.*?^\\\.[^\n]*$", re.IGNORECASE | re.MULTILINE | re.DOTALL)
_PSQL_META = re.compile(r"^[ \t]*\\[^\n]*$", re.MULTILINE)
_TEMPLATED = re.compile(r"\{\{|\{%")
# the table an unreadable DDL statement names: `CREATE INDEX ... ON t`, `ALTER TABLE t`
_OPAQUE_TABLE = re.compile(
    r"\b(?:ON|TABLE)\s+(?:ONLY\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:[\w$]+|\"[^\"]+\"|`[^`]+`)(?:\s*\.\s*(?:[\w$]+|\"[^\"]+\"|`[^`]+`))*)",
    re.IGNORECASE,
)
# MySQL's `CREATE INDEX ... (cols) USING BTREE` and other forms sqlglot leaves as a Command
_CREATE_INDEX = re.compile(
    r"^\s*CREATE\s+(?P<unique>UNIQUE\s+)?INDEX\s+(?P<conc>CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>[\w$\"`]+)?\s*ON\s+(?:ONLY\s+)?(?P<table>[\w$.\"`]+)\s*(?:USING\s+(?P<using>\w+)\s*)?\((?P<cols>[^()]*)\)",
    re.IGNORECASE,
)
_DDL_STARTS = ("CREATE", "ALTER", "DROP")
_DOWN_SECTION = re.compile(r"^\s*--\s*(?:migrate:down|\+goose\s+down|\+migrate\s+down)\b", re.IGNORECASE | re.MULTILINE)
# an unreadable statement may add or drop an index or a key only if it says one of these
_CHANGES_KEYS = re.compile(r"\b(?:INDEX|KEY|REFERENCES|UNIQUE|PRIMARY|DROP|RENAME|ADD|CREATE)\b", re.IGNORECASE)
_KEEPS_KEYS = re.compile(r"\s*ALTER\s+TABLE\s+.*\bVALIDATE\s+CONSTRAINT\b", re.IGNORECASE | re.DOTALL)


def read_sql_file(text: str, dialect: str = "postgres") -> MigrationFacts | None:
    """The DDL of a `.sql` file, or None when it has none (or is a template)."""
    if not DDL_HINT.search(text) or _TEMPLATED.search(text):
        return None
    down = _DOWN_SECTION.search(text)
    if down:  # dbmate / goose / sql-migrate: what follows the marker undoes the migration
        text = text[: down.start()]
    lines = _LineIndex(text)
    ops = read_sql_ops(text, dialect, lines.span)
    return MigrationFacts("sql", tuple(ops)) if ops else None


def read_sql_ops(text: str, dialect: str, locate: Locator) -> list[SchemaOp]:
    """The schema operations of SQL text; `locate` turns text offsets into file spans."""
    try:
        from sqlglot.dialects.dialect import Dialect
        from sqlglot.errors import ErrorLevel
        from sqlglot.tokens import TokenType

        grammar = Dialect.get_or_raise(dialect)
        text = _blank(_PSQL_META, _blank(_COPY_DATA, text))
        tokens = grammar.tokenize(text)
    except Exception:  # noqa: BLE001 - untokenizable text declares nothing we can read
        return []
    reader = _Reader(text, dialect, locate)
    chunk: list = []
    left = int(limits.SQL_STATEMENTS.value)  # past it, DDL is read as opaque ops, not parsed
    for token in [*tokens, None]:
        if token is not None and token.token_type != TokenType.SEMICOLON:
            chunk.append(token)
            continue
        if chunk and chunk[0].text.upper() in _DDL_STARTS and left <= 0:
            reader.opaque(chunk)
        elif chunk and chunk[0].text.upper() in _DDL_STARTS:
            left -= 1
            try:
                parser = grammar.parser(error_level=ErrorLevel.RAISE)
                statement = parser.parse(chunk, text)[0]
            except Exception:  # noqa: BLE001 - sqlglot's errors and internals alike
                statement = None
            try:
                reader.statement(statement, chunk)
            except Exception:  # noqa: BLE001 - one odd statement never loses the others
                reader.opaque(chunk)
        chunk = []
    return reader.ops


def _blank(pattern: re.Pattern, text: str) -> str:
    """Replace what `pattern` matches with spaces, keeping newlines (and so every position)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


class _LineIndex:
    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start + 1))
        return Span(line, column, end_line, end_column)


def _name(node) -> str | None:
    """An identifier / table / column as the database stores it: unquoted names fold to
    lower case, a schema prefix is dropped."""
    from sqlglot import exp

    if node is None:
        return None
    if isinstance(node, (exp.Table, exp.Column)):
        node = node.this
    if isinstance(node, exp.Dot):
        node = node.expression
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    if isinstance(node, str):
        return node.lower()
    text = getattr(node, "name", None)
    return text.lower() if isinstance(text, str) and text else None


def _written_name(text: str) -> str:
    part = re.split(r"\s*\.\s*", text.strip())[-1]
    if part[:1] in "\"`[":
        return part[1:-1]
    return part.lower()


class _Reader:
    def __init__(self, text: str, dialect: str, locate: Locator):
        self.text = text
        self.dialect = dialect
        self.locate = locate
        self.ops: list[SchemaOp] = []

    # --- positions ---------------------------------------------------------------------------

    def at_tokens(self, first, last) -> Span:
        return self.locate(first.start, last.end + 1)

    def at_node(self, node, fallback: Span) -> Span:
        """The span of an identifier-bearing node (a column, a table name)."""
        from sqlglot import exp

        ident = node if isinstance(node, exp.Identifier) else node.find(exp.Identifier) if node is not None else None
        meta = ident.meta if ident is not None else {}
        if "start" in meta and "end" in meta:
            return self.locate(meta["start"], meta["end"] + 1)
        return fallback

    # --- statements --------------------------------------------------------------------------

    def statement(self, statement, chunk: list) -> None:
        from sqlglot import exp

        head = self.at_tokens(chunk[0], chunk[min(2, len(chunk) - 1)])
        if isinstance(statement, exp.Create):
            kind = (statement.args.get("kind") or "").upper()
            if kind == "TABLE":
                self.create_table(statement, head)
            elif kind == "INDEX":
                self.create_index(statement, chunk)
        elif isinstance(statement, exp.Alter):
            kind = (statement.args.get("kind") or "").upper()
            if kind == "TABLE":
                self.alter_table(statement, head)
            elif kind == "INDEX":
                for action in statement.args.get("actions") or ():
                    if isinstance(action, exp.AlterRename):
                        self.ops.append(SchemaOp("rename_index", head, name=_name(statement.this), new_name=_name(action.this), via="sql"))
        elif isinstance(statement, exp.Drop):
            self.drop(statement, head)
        elif statement is None or isinstance(statement, exp.Command):
            self.command(chunk)

    def opaque(self, chunk: list) -> None:
        text = self.text[chunk[0].start : chunk[-1].end + 1]
        if chunk[0].text.upper() == "CREATE" and not re.match(r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b|\s*CREATE\s+TABLE\b", text, re.I):
            return  # CREATE FUNCTION / VIEW / TYPE / EXTENSION: no table changes shape
        if not _CHANGES_KEYS.search(text) or _KEEPS_KEYS.match(text):
            return  # ALTER COLUMN TYPE, OWNER TO, VALIDATE CONSTRAINT...: indexes and keys stay as they are
        tables = tuple(dict.fromkeys(_written_name(m.group(1)) for m in _OPAQUE_TABLE.finditer(text)))
        if tables:
            self.ops.append(SchemaOp("opaque", self.at_tokens(chunk[0], chunk[min(2, len(chunk) - 1)]), names=tables, via="sql"))

    def command(self, chunk: list) -> None:
        text = self.text[chunk[0].start : chunk[-1].end + 1]
        found = _CREATE_INDEX.match(text)
        if found is None:
            self.opaque(chunk)
            return
        head = self.at_tokens(chunk[0], next((t for t in chunk if t.text.upper() == "INDEX"), chunk[0]))
        columns = tuple(_written_name(c) if re.fullmatch(r"\s*[\w$\"`]+\s*(?:ASC|DESC)?\s*", c, re.I) else c.strip() for c in found.group("cols").split(","))
        columns = tuple(re.sub(r"\s+(?:asc|desc)$", "", c, flags=re.I) for c in columns)
        index = IndexDDL(
            columns,
            head,
            name=_written_name(found.group("name")) if found.group("name") else None,
            unique=bool(found.group("unique")),
            method=(found.group("using") or "").lower() or None,
            expressions=any("(" in c for c in columns),
            concurrently=bool(found.group("conc")),
        )
        self.ops.append(SchemaOp("create_index", head, table=_written_name(found.group("table")), indexes=(index,), via="sql"))

    def create_table(self, statement, head: Span) -> None:
        from sqlglot import exp

        target = statement.this
        table_node = target.this if isinstance(target, exp.Schema) else target
        table = _name(table_node)
        if table is None:
            return
        span = self.at_node(table_node, head)
        if not isinstance(target, exp.Schema) or statement.args.get("expression") is not None:
            # CREATE TABLE ... AS SELECT / LIKE: a table whose columns we do not know
            self.ops.append(SchemaOp("create_table", span, table=table, via="sql"))
            self.ops.append(SchemaOp("opaque", span, names=(table,), via="sql"))
            return
        columns: list[ColumnDDL] = []
        indexes: list[IndexDDL] = []
        fks: list[ForeignKeyDDL] = []
        opaque = False
        for item in target.expressions:
            if isinstance(item, exp.ColumnDef):
                column, fk = self.column(item, span)
                columns.append(column)
                if fk is not None:
                    fks.append(fk)
            elif isinstance(item, exp.LikeProperty) or type(item).__name__ == "LikeProperty":
                opaque = True
            else:
                ix, fk = self.constraint(item, span)
                indexes.extend(ix)
                fks.extend(fk)
        self.ops.append(SchemaOp("create_table", span, table=table, columns=tuple(columns), indexes=tuple(indexes), foreign_keys=tuple(fks), via="sql"))
        if opaque:
            self.ops.append(SchemaOp("opaque", span, names=(table,), via="sql"))

    def column(self, item, fallback: Span) -> tuple[ColumnDDL, ForeignKeyDDL | None]:
        from sqlglot import exp

        name = _name(item.this) or "?"
        span = self.at_node(item.this, fallback)
        pk = unique = False
        nullable = None
        fk = None
        for constraint in item.args.get("constraints") or ():
            kind = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else constraint
            if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                pk = True
                nullable = False
            elif isinstance(kind, exp.UniqueColumnConstraint):
                unique = True
            elif isinstance(kind, exp.NotNullColumnConstraint):
                nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.Reference):
                ref_table, ref_columns = self.reference(kind)
                fk = ForeignKeyDDL((name,), ref_table, ref_columns, span)
        return ColumnDDL(name, span, primary_key=pk, unique=unique, nullable=nullable), fk

    def reference(self, ref) -> tuple[str | None, tuple[str, ...]]:
        from sqlglot import exp

        target = ref.this
        if isinstance(target, exp.Schema):
            return _name(target.this), tuple(n for n in (_name(c) for c in target.expressions) if n)
        return _name(target), ()

    def members(self, nodes) -> tuple[tuple[str, ...], bool]:
        """Column names of a key / index member list; expressions as SQL text."""
        from sqlglot import exp

        out: list[str] = []
        expression = False
        for node in nodes or ():
            if isinstance(node, exp.Ordered):
                node = node.this
            if isinstance(node, (exp.Identifier, exp.Column)) or (isinstance(node, exp.Var) and node.name):
                out.append(_name(node) or node.sql(self.dialect))
            else:
                out.append(node.sql(self.dialect))
                expression = True
        return tuple(out), expression

    def constraint(self, item, fallback: Span) -> tuple[list[IndexDDL], list[ForeignKeyDDL]]:
        """A table-level constraint (CREATE TABLE item / ALTER TABLE ADD ...)."""
        from sqlglot import exp

        name = None
        parts = [item]
        if isinstance(item, exp.Constraint):
            name = _name(item.this)
            parts = list(item.expressions)
        indexes: list[IndexDDL] = []
        fks: list[ForeignKeyDDL] = []
        for part in parts:
            if isinstance(part, exp.ForeignKey):
                cols, _ = self.members(part.expressions)
                ref = part.args.get("reference")
                ref_table, ref_columns = self.reference(ref) if ref is not None else (None, ())
                fks.append(ForeignKeyDDL(cols, ref_table, ref_columns, self.at_node(part, fallback), name=name))
            elif isinstance(part, exp.PrimaryKey):
                cols, _ = self.members(part.expressions)
                indexes.append(IndexDDL(cols, self.at_node(part, fallback), name=name, unique=True, primary=True, constraint=True))
            elif isinstance(part, exp.UniqueColumnConstraint):
                schema = part.this
                cols, expr = self.members(schema.expressions if isinstance(schema, exp.Schema) else ())
                own = _name(schema.this) if isinstance(schema, exp.Schema) and schema.this is not None else None
                if cols:
                    indexes.append(IndexDDL(cols, self.at_node(schema, fallback), name=name or own, unique=True, expressions=expr, constraint=True))
            elif isinstance(part, exp.IndexColumnConstraint):  # MySQL `KEY ix (a, b)` / `ADD INDEX`
                cols, expr = self.members(part.expressions)
                if cols:
                    kind = (part.args.get("kind") or "").upper()
                    indexes.append(
                        IndexDDL(cols, self.at_node(part, fallback), name=_name(part.this), unique=kind == "UNIQUE", expressions=expr)
                    )
        return indexes, fks

    def create_index(self, statement, chunk: list) -> None:
        from sqlglot import exp

        index = statement.this
        if not isinstance(index, exp.Index):
            self.opaque(chunk)
            return
        table = _name(index.args.get("table"))
        if table is None:
            self.opaque(chunk)
            return
        last = next((t for t in chunk if t.text.upper() == "INDEX"), chunk[0])
        head = self.at_tokens(chunk[0], last)
        params = index.args.get("params")
        columns, expression = self.members(params.args.get("columns") if params is not None else ())
        using = params.args.get("using") if params is not None else None
        where = params.args.get("where") if params is not None else None
        ddl = IndexDDL(
            columns,
            head,
            name=_name(index.this) if index.this is not None else None,
            unique=bool(statement.args.get("unique")),
            method=(using.name if using is not None else "").lower() or None,
            where=where.this.sql(self.dialect) if where is not None else None,
            expressions=expression,
            concurrently=bool(statement.args.get("concurrently")),
        )
        self.ops.append(SchemaOp("create_index", head, table=table, indexes=(ddl,), via="sql"))

    def alter_table(self, statement, head: Span) -> None:
        from sqlglot import exp

        table = _name(statement.this)
        if table is None:
            return
        span = self.at_node(statement.this, head)
        for action in statement.args.get("actions") or ():
            if isinstance(action, exp.ColumnDef):
                column, fk = self.column(action, span)
                self.ops.append(SchemaOp("add_column", column.span, table=table, columns=(column,), foreign_keys=(fk,) if fk else (), via="sql"))
            elif isinstance(action, exp.AddConstraint):
                for item in action.expressions:
                    indexes, fks = self.constraint(item, span)
                    for fk in fks:
                        self.ops.append(SchemaOp("add_foreign_key", fk.span, table=table, foreign_keys=(fk,), via="sql"))
                    for ix in indexes:
                        op = "add_constraint" if ix.constraint else "create_index"
                        self.ops.append(SchemaOp(op, ix.span if ix.constraint else head, table=table, indexes=(ix,), via="sql"))
            elif isinstance(action, exp.Drop):
                kind = (action.args.get("kind") or "").upper()
                for dropped in action.args.get("tables") or ():
                    name = _name(dropped)
                    if kind == "COLUMN":
                        self.ops.append(SchemaOp("drop_column", span, table=table, name=name, via="sql"))
                    elif kind in ("CONSTRAINT", "FOREIGN KEY", "PRIMARY KEY"):
                        self.ops.append(SchemaOp("drop_constraint", span, table=table, name=name, via="sql"))
                    elif kind in ("INDEX", "KEY"):
                        self.ops.append(SchemaOp("drop_index", span, table=table, name=name, via="sql"))
            elif isinstance(action, exp.RenameColumn):
                self.ops.append(SchemaOp("rename_column", span, table=table, name=_name(action.this), new_name=_name(action.args.get("to")), via="sql"))
            elif isinstance(action, exp.AlterRename):
                # `ALTER TABLE t RENAME old TO new` (COLUMN left out, as PostgreSQL allows) comes
                # back as a rename of the table to `old` with a `TO new` left over
                to = next((o for o in statement.args.get("options") or () if isinstance(o, exp.ToTableProperty)), None)
                if to is not None:
                    self.ops.append(SchemaOp("rename_column", span, table=table, name=_name(action.this), new_name=_name(to.this), via="sql"))
                else:
                    self.ops.append(SchemaOp("rename_table", span, table=table, new_name=_name(action.this), via="sql"))

    def drop(self, statement, head: Span) -> None:
        kind = (statement.args.get("kind") or "").upper()
        for dropped in statement.args.get("tables") or ():
            name = _name(dropped)
            if name is None:
                continue
            if kind == "TABLE":
                self.ops.append(SchemaOp("drop_table", head, table=name, via="sql"))
            elif kind == "INDEX":
                on = statement.args.get("cluster")  # MySQL `DROP INDEX ix ON t`
                table = _name(on.this) if on is not None and on.this is not None else None
                self.ops.append(SchemaOp("drop_index", head, table=table, name=name, via="sql"))
