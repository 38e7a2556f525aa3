"""Raw SQL read as a query like any other: a statement's text (a literal, a module-level
constant, a concatenation or f-string whose unknown parts are parameters, a `.sql` file) parsed
with sqlglot into what the rules judge of ORM queries: the table it reads, the conditions on
its columns in WHERE and JOIN ... ON (`predicates.Pred`), its ORDER BY, LIMIT and OFFSET,
whether it counts, its LIKE patterns.

Each distinct text is parsed once per project, within a budget; text sqlglot cannot read, or
whose conditions it cannot pin to columns (an OR, a subquery, a hole where a table or a
condition should be), is opaque: the rules say nothing about what they cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalelint.project.predicates import Pred
from scalelint.project.values import HOLE, TABLE_PREFIX, Query, Site
from scalelint.sql import looks_like_statement

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["Statement", "Condition", "statement", "query_of", "short_sql", "sym_text", "normalised"]

MAX_STATEMENTS = 4000  # distinct texts parsed per project
MAX_LENGTH = 20_000  # longer texts are not parsed (generated SQL, data)
_PYFORMAT = re.compile(r"%\(\w+\)s|%s")
# the database's description of itself: as many rows as the schema has tables or columns
_CATALOG_SCHEMAS = frozenset({"information_schema", "pg_catalog", "mysql", "performance_schema", "sys"})
_CATALOG_PREFIXES = ("sqlite_", "pg_")
_SPACE = re.compile(r"\s+")
_IDENTIFIER = re.compile(r"^[^\W\d]\w*$")


@dataclass(frozen=True)
class Condition:
    table: str | None  # None: a column of one of several tables, unqualified
    column: str
    op: str  # as predicates.Pred: eq | flag | ne | in | range | isnull | like | ilike | date | func:<name>
    pattern: str | None = None
    leading_wildcard: bool = False


@dataclass(frozen=True)
class Statement:
    kind: str  # select | insert | update | delete
    table: str | None  # the table it reads or writes (the FROM of a select); None: a subquery, a union
    conditions: tuple[Condition, ...] = ()
    order: tuple[tuple[str | None, str], ...] = ()  # (table, column)
    where: bool = False  # it has a WHERE
    limit: bool = False
    offset: str | None = None  # "constant" | "parameter"
    count: bool = False  # every column is an aggregate count and nothing groups: one number
    grouped: bool = False
    opaque: bool = False  # some condition could not be read
    catalog: bool = False  # it reads the database's own catalog (`sqlite_master`, `information_schema.tables`)


def short_sql(text: str, limit: int = 60) -> str:
    """A statement's text on one line, shortened, for messages."""
    flat = _SPACE.sub(" ", text.replace(HOLE, "?")).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def statement(project: "Project", text: str) -> Statement | None:
    """The statement `text` is, parsed once per project; None when it is not one we can read."""
    memo = project.__dict__.setdefault("_raw_sql", {})
    if text in memo:
        return memo[text]
    found = None
    if len(memo) < MAX_STATEMENTS and len(text) <= MAX_LENGTH and looks_like_statement(text):
        found = _read(_normalise(text), project.database.dialect)  # the database the deployment runs
    memo[text] = found
    return found


def sym_text(project: "Project", sym, depth: int = 0) -> str | None:
    """The SQL text a symbolic value holds without evaluating the function around it: a
    literal, a module-level constant (`SEATS = text("...")`), `+` / `%` / f-string concatenations
    (unknown parts as HOLE); None otherwise."""
    from scalelint.facts import SAttr, SCall, SConst, SName, SOp

    if depth > 8:
        return None
    t = type(sym)
    if t is SConst:
        return sym.value if isinstance(sym.value, str) else None
    if t is SName:
        module, _, name = sym.qual.rpartition(".")
        found = project.find_module(module)
        value = dict(found[1].sql_values).get(name) if found is not None else None
        return sym_text(project, value, depth + 1) if value is not None else None
    if t is SCall and sym.args and type(sym.func) in (SName, SAttr) and _last_name(sym.func) == "text":
        return sym_text(project, sym.args[0], depth + 1)
    if t is SOp and (sym.op == "JoinedStr" or (sym.op == "BinOp" and sym.ops in (("Add",), ("Mod",)))):
        parts = [sym_text(project, o, depth + 1) for o in sym.operands]
        if all(p is None for p in parts):
            return None
        if sym.op == "BinOp" and sym.ops == ("Mod",):
            return parts[0]
        return "".join(HOLE if p is None else p for p in parts)
    return None


def _last_name(sym) -> str:
    from scalelint.facts import SName

    return sym.qual.rsplit(".", 1)[-1] if type(sym) is SName else sym.name


def normalised(text: str) -> str:
    """`text` with every parameter style (and unknown part) as `?`, as it is parsed."""
    return _normalise(text)


def _normalise(text: str) -> str:
    # every DB-API parameter style, and the unknown parts of built text, as `?`, which each
    # dialect reads as a placeholder
    return _PYFORMAT.sub("?", text.replace(HOLE, "?")).replace("%%", "%")


def _read(text: str, dialect: str) -> Statement | None:
    try:
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(text, read=dialect)
    except Exception:  # noqa: BLE001 - sqlglot's errors, and its internals on odd input: opaque
        return None
    if any(not t.name or not _IDENTIFIER.match(t.name) for t in tree.find_all(exp.Table)):
        return None  # a parameter (an f-string's field) where a table goes: which table is unknown
    if isinstance(tree, exp.Select):
        return _select(tree)
    if isinstance(tree, exp.Update):
        return _write("update", tree, tree.this)
    if isinstance(tree, exp.Delete):
        return _write("delete", tree, tree.this)
    if isinstance(tree, exp.Insert):
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        return Statement("insert", _table_name(target))
    if isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        return Statement("select", None, opaque=True)
    return None


def _table_name(node) -> str | None:
    from sqlglot import exp

    return node.name.lower() if isinstance(node, exp.Table) and node.name else None


def _select(tree) -> Statement:
    from sqlglot import exp

    source = tree.args.get("from_") or tree.args.get("from")
    main = source.this if source is not None else None
    aliases: dict[str, str] = {}
    tables: list[str] = []
    for node in [main, *(j.this for j in tree.args.get("joins") or ())]:
        name = _table_name(node)
        if name is None:
            continue
        tables.append(name)
        aliases[name] = name
        if node.alias:
            aliases[node.alias.lower()] = name
    table = _table_name(main)
    catalog = isinstance(main, exp.Table) and ((main.db or "").lower() in _CATALOG_SCHEMAS or (table or "").startswith(_CATALOG_PREFIXES))
    reader = _Conditions(aliases, table if len(tables) == 1 else None)
    where = tree.args.get("where")
    if where is not None:
        reader.read(where.this)
    for join in tree.args.get("joins") or ():
        if join.args.get("on") is not None:
            reader.read(join.args["on"], join=True)
    order: list[tuple[str | None, str]] = []
    for item in (tree.args["order"].expressions if tree.args.get("order") else ()):
        target = reader.column(item.this)
        if target is None:
            order = []
            break
        order.append(target)
    offset = tree.args.get("offset")
    offset_kind = None
    if offset is not None:
        offset_kind = "constant" if isinstance(offset.expression, exp.Literal) else "parameter"
    grouped = bool(tree.args.get("group"))
    projections = [e.unalias() for e in tree.expressions]
    count = bool(projections) and all(isinstance(e, exp.Count) for e in projections) and not grouped
    return Statement(
        "select", table, tuple(reader.found), tuple(order), where is not None, tree.args.get("limit") is not None,
        offset_kind, count, grouped, reader.opaque or main is None or not isinstance(main, exp.Table), catalog,
    )


def _write(kind: str, tree, target) -> Statement:
    table = _table_name(target)
    reader = _Conditions({table: table} if table else {}, table)
    where = tree.args.get("where")
    if where is not None:
        reader.read(where.this)
    return Statement(kind, table, tuple(reader.found), where=where is not None, opaque=reader.opaque)


class _Conditions:
    """The conditions of a WHERE or ON, each pinned to a column, conjunct by conjunct."""

    def __init__(self, aliases: dict[str, str], only: str | None):
        self.aliases = aliases
        self.only = only  # the table an unqualified column belongs to, when there is one
        self.found: list[Condition] = []
        self.opaque = False

    def column(self, node) -> tuple[str | None, str] | None:
        from sqlglot import exp

        if not isinstance(node, exp.Column) or not node.name:
            return None
        qualifier = node.table.lower() if node.table else None
        if qualifier is None:
            return (self.only, node.name.lower())
        table = self.aliases.get(qualifier)
        return (table, node.name.lower()) if table else None

    def read(self, node, join: bool = False) -> None:
        from sqlglot import exp

        if isinstance(node, exp.Paren):
            self.read(node.this, join)
        elif isinstance(node, exp.And):
            self.read(node.this, join)
            self.read(node.expression, join)
        elif isinstance(node, exp.Column):
            self._add(node, "flag")  # `WHERE active`
        elif isinstance(node, exp.Not) and isinstance(node.this, exp.Column):
            self._add(node.this, "flag")
        elif isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is)):
            self._compare(node, join)
        elif isinstance(node, (exp.In, exp.Between)):
            if not self._add(node.this, "in" if isinstance(node, exp.In) else "range") and not join:
                self.opaque = True
        elif isinstance(node, (exp.Like, exp.ILike)):
            self._like(node)
        elif not join:
            self.opaque = True  # OR, EXISTS, a hole where a condition goes: unknown conditions

    def _compare(self, node, join: bool) -> None:
        from sqlglot import exp

        left, right = node.this, node.expression
        if left.find(exp.Column) is not None and right.find(exp.Column) is not None:
            return  # a join between two tables: what it needs is the foreign key's index
        if isinstance(node, exp.Is):
            op = "isnull"
        elif isinstance(node, exp.EQ):
            op = "in" if isinstance(right, exp.Any) else "flag" if isinstance(right, exp.Boolean) else "eq"
        elif isinstance(node, exp.NEQ):
            op = "ne"
        else:
            op = "range"
        for side, other in ((left, right), (right, left)):
            if other.find(exp.Column) is not None:
                continue
            if self._add(side, op):
                return
            wrapped = _wrapped(side)
            if wrapped is not None and self._add(wrapped[1], wrapped[0]):
                return
        if not join:
            self.opaque = True

    def _like(self, node) -> None:
        from sqlglot import exp

        op = "ilike" if isinstance(node, exp.ILike) else "like"
        pattern = node.expression
        literal = pattern.this if isinstance(pattern, exp.Literal) and pattern.is_string else None
        first = pattern
        while isinstance(first, (exp.DPipe, exp.Concat)):
            first = first.this if isinstance(first, exp.DPipe) else (first.expressions[0] if first.expressions else None)
        anywhere = isinstance(first, exp.Literal) and first.is_string and first.this[:1] in ("%", "_")
        target = node.this
        wrapped = _wrapped(target)
        if wrapped is not None and wrapped[0] in ("func:lower", "func:upper"):
            target = wrapped[1]  # `lower(name) LIKE ...`: a search like ILIKE
        if not self._add(target, op, literal, anywhere):
            self.opaque = True

    def _add(self, node, op: str, pattern: str | None = None, anywhere: bool = False) -> bool:
        found = self.column(node)
        if found is None:
            return False
        self.found.append(Condition(found[0], found[1], op, pattern, anywhere))
        return True


def _wrapped(node):
    """(op, column) for a function or cast of one column: `lower(email)`, `created_at::date`."""
    from sqlglot import exp

    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Column):
        to = node.args.get("to")
        is_date = to is not None and to.this == exp.DataType.Type.DATE
        return ("date" if is_date else "func:cast", node.this)
    if isinstance(node, exp.Func) and isinstance(node.this, exp.Column) and not node.expressions:
        name = node.sql_name().lower() if hasattr(node, "sql_name") else type(node).__name__.lower()
        return (f"func:{name}", node.this)
    return None


def query_of(project: "Project", stmt: Statement, framework: str, kind: str, site: Site, text: str) -> Query:
    """The `Query` value of a statement run (or prepared) at `site`: rows of values, never
    instances; its table's model when a model maps it, else `table:<name>`."""
    orm = project.orm
    model = _model_of(orm, stmt.table) if stmt.table else ""

    def pred(table: str | None, column: str, op: str, pattern=None, anywhere=False) -> Pred | None:
        owner = _model_of(orm, table) if table else None
        return Pred(owner, column, op, site, pattern, anywhere) if owner else None

    preds = tuple(p for c in stmt.conditions if (p := pred(c.table, c.column, c.op, c.pattern, c.leading_wildcard)) is not None)
    order = tuple(p for t, c in stmt.order if (p := pred(t, c, "order")) is not None)
    keyed = any(c.op in ("eq", "in") and c.table == stmt.table and _is_key(project, stmt.table, c.column) for c in stmt.conditions)
    return Query(
        model,
        framework,
        kind,
        site,
        rows="values",
        text=short_sql(text),
        bounded=stmt.limit or keyed or stmt.count or stmt.grouped,
        filtered=stmt.where,
        preds=preds,
        order=order,
        opaque=stmt.opaque,
        offset=site if stmt.offset == "parameter" else None,
        table=stmt.table or "",
        statement="catalog" if stmt.catalog else stmt.kind,
    )


def _model_of(orm, table: str) -> str:
    found = orm.tables.get(table)
    if found is None:
        found = next((q for name, q in orm.tables.items() if name.lower() == table), None)
    return found or TABLE_PREFIX + table


def _is_key(project: "Project", table: str | None, column: str) -> bool:
    if table is None:
        return False
    model = _model_of(project.orm, table)
    if not model.startswith(TABLE_PREFIX) and project.orm.is_key(model, column):
        return True
    found = project.schema.table(table)
    if found is None:
        return column == "id"
    col = found.column(column)
    return bool(col is not None and (col.primary_key or col.unique)) or found.primary_key == (column,) or (column,) in found.unique_sets
