"""Schema migrations written in Python: Alembic revisions and Django migrations, read into
`MigrationFacts` (the operations in the order they run, with how the file says to order it).

Alembic: `revision` / `down_revision` and what `upgrade()` does through `op` (and the
`batch_op` of `op.batch_alter_table(...)`): create/drop/rename tables, add/drop/alter columns
(`sa.Column(..., sa.ForeignKey(...), index=True, unique=True)`), create/drop indexes
(`unique=`, `postgresql_where=`, `postgresql_using=`, `postgresql_concurrently=`), foreign keys,
unique and primary-key constraints, and `op.execute("CREATE INDEX ...")` (SQL read by
`scalelint.schema_sql`). Helpers of the same module that `upgrade()` calls are followed; an
unknown call whose name speaks of indexes, keys or tables becomes an `opaque` op on the tables
it names, so the rules know they cannot see everything done to them.

Django: `class Migration` with its `dependencies`, `replaces`, `atomic` and `operations`
(CreateModel, AddField, AlterField, RemoveField, RenameField, AddIndex, AddIndexConcurrently,
RemoveIndex, RenameIndex, AddConstraint, RemoveConstraint, AlterUniqueTogether,
AlterIndexTogether, DeleteModel, RenameModel, AlterModelTable, RunSQL, and the database side of
SeparateDatabaseAndState). Fields are read by the same code that reads model fields
(`scalelint.python.orm`), so a ForeignKey carries Django's own index (`db_index`) here too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from ..facts import ColumnDDL, FieldDef, ForeignKeyDDL, IndexDDL, IndexDef, MigrationFacts, SchemaOp, Span
from ..frameworks import django as dj
from ..frameworks import sqlalchemy as sa
from ..schema_sql import DDL_HINT, read_sql_ops
from .fold import SourceText
from .names import ImportMap
from .orm import ModelCollector, _Model
from .syntax import str_const, terminal

__all__ = ["read_migration", "looks_like_migration", "read_composite_keys"]

_MAX_INLINE_DEPTH = 3
# Alembic operations: positional parameters, as `op.<name>` and as `batch_op.<name>` (which
# has no table argument)
_ALEMBIC_PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "create_table": (("table_name",), ()),
    "drop_table": (("table_name",), ()),
    "rename_table": (("old_table_name", "new_table_name"), ()),
    "add_column": (("table_name", "column"), ("column",)),
    "drop_column": (("table_name", "column_name"), ("column_name",)),
    "alter_column": (("table_name", "column_name"), ("column_name",)),
    "create_index": (("index_name", "table_name", "columns"), ("index_name", "columns")),
    "drop_index": (("index_name", "table_name"), ("index_name",)),
    "create_foreign_key": (
        ("constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"),
        ("constraint_name", "referent_table", "local_cols", "remote_cols"),
    ),
    "create_unique_constraint": (("constraint_name", "table_name", "columns"), ("constraint_name", "columns")),
    "create_primary_key": (("constraint_name", "table_name", "columns"), ("constraint_name", "columns")),
    "drop_constraint": (("constraint_name", "table_name", "type_"), ("constraint_name", "type_")),
    "execute": (("sqltext",), ("sqltext",)),
}
# an unknown call that may change a table's indexes or keys: its name says so
_OPAQUE_NAMES = re.compile(r"index|key|constraint|create_table|unique", re.IGNORECASE)
_DJANGO_INDEX_OPS = frozenset({"AddIndex", "AddIndexConcurrently"})
_DJANGO_KNOWN_OPS = frozenset(
    {
        "CreateModel", "DeleteModel", "RenameModel", "AlterModelTable", "AddField", "AlterField",
        "RemoveField", "RenameField", "AddIndex", "AddIndexConcurrently", "RemoveIndex",
        "RemoveIndexConcurrently", "RenameIndex", "AddConstraint", "AddConstraintNotValid",
        "RemoveConstraint", "AlterUniqueTogether", "AlterIndexTogether", "RunSQL",
        "SeparateDatabaseAndState", "RunPython", "AlterModelOptions", "AlterModelManagers",
        "AlterOrderWithRespectTo", "CreateExtension", "TrigramExtension", "BtreeGinExtension",
        "BtreeGistExtension", "HStoreExtension", "UnaccentExtension", "CITextExtension",
        "CryptoExtension", "ValidateConstraint", "CreateCollation", "RemoveCollation",
        "AlterModelTableComment",
    }
)


def looks_like_migration(source: str) -> bool:
    """A cheap test on the text: only these files get the migration pass."""
    return ("revision" in source and "def upgrade" in source) or ("Migration" in source and "operations" in source)


def read_migration(tree: ast.Module, orm: ModelCollector, imap: ImportMap, dialect: str = "postgres") -> MigrationFacts | None:
    """The migration a module is (Alembic first, then Django), or None. `orm` is the module's
    model collector: migrations read fields, columns and indexes the way models do."""
    reader = _Reader(tree, orm.src, orm, imap, dialect)
    try:
        return reader.alembic() or reader.django()
    except RecursionError:
        return None


def read_composite_keys(tree: ast.Module, src: SourceText, module: str) -> tuple[tuple[str, ForeignKeyDDL], ...]:
    """`ForeignKeyConstraint(["a", "b"], ["t.a", "t.b"])` in a class's `__table_args__` or a
    module-level `Table(...)`: one key over several columns, which the model facts record
    column by column."""
    out: list[tuple[str, ForeignKeyDDL]] = []
    prefix = f"{module}." if module else ""
    for st in tree.body:
        if type(st) is ast.ClassDef:
            for item in st.body:
                if type(item) is ast.Assign and any(type(t) is ast.Name and t.id == "__table_args__" for t in item.targets):
                    for fk in _composite(item.value, src):
                        out.append((prefix + st.name, fk))
        elif type(st) is ast.Assign and type(st.value) is ast.Call and terminal(st.value.func) == sa.TABLE_FUNC:
            name = str_const(st.value.args[0]) if st.value.args else None
            if name:
                out.extend((f"table:{name}", fk) for fk in _composite(st.value, src))
    return tuple(out)


def _composite(node: ast.AST, src: SourceText) -> list[ForeignKeyDDL]:
    items = node.args if type(node) is ast.Call else node.elts if type(node) in (ast.Tuple, ast.List) else []  # type: ignore[attr-defined]
    out = []
    for item in items:
        if type(item) is ast.Call and terminal(item.func) == sa.FOREIGN_KEY_CONSTRAINT and len(item.args) >= 2:
            local, remote = _strings(item.args[0]), _strings(item.args[1])
            if local and remote and len(local) > 1:
                out.append(ForeignKeyDDL(local, _split_ref(remote[0])[0], tuple(c for r in remote for c in _split_ref(r)[1]), src.span(item)))
    return out


# how migrations name the databases they branch on
_DIALECT_NAMES = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite", "mssql": "mssql", "oracle": "oracle"}


def _dialect_test(test: ast.AST, dialect: str) -> bool | None:
    """Whether `if dialect == "sqlite":` (and the like) holds on `dialect`; None when the test
    is about something else, so both branches are read."""
    t = type(test)
    if t is ast.UnaryOp and type(test.op) is ast.Not:  # type: ignore[attr-defined]
        inner = _dialect_test(test.operand, dialect)  # type: ignore[attr-defined]
        return None if inner is None else not inner
    if t is ast.BoolOp:
        values = [_dialect_test(v, dialect) for v in test.values]  # type: ignore[attr-defined]
        if type(test.op) is ast.And:  # type: ignore[attr-defined]
            return False if False in values else (True if all(v is True for v in values) else None)
        return True if True in values else (False if all(v is False for v in values) else None)
    if t is not ast.Compare or len(test.ops) != 1:  # type: ignore[attr-defined]
        return None
    op, right = test.ops[0], test.comparators[0]  # type: ignore[attr-defined]
    names = _strings(right)
    if names is None:
        names = _strings(test.left)  # type: ignore[attr-defined]
    if not names or not all(n.lower() in _DIALECT_NAMES for n in names):
        return None
    hit = any(_DIALECT_NAMES[n.lower()] == dialect for n in names)
    if type(op) in (ast.Eq, ast.In, ast.Is):
        return hit
    if type(op) in (ast.NotEq, ast.NotIn, ast.IsNot):
        return not hit
    return None


def _column_expression(call: ast.Call) -> bool:
    name = terminal(call.func)
    return name in ("text", "literal_column", "desc", "asc", "column") or ".func." in f".{ast.unparse(call.func)}."


def _assignments(body: list[ast.stmt]):
    """`name = value` / `name: T = value` statements of a body: (name, target node, value)."""
    for st in body:
        if type(st) is ast.Assign and len(st.targets) == 1 and type(st.targets[0]) is ast.Name:
            yield st.targets[0].id, st.targets[0], st.value
        elif type(st) is ast.AnnAssign and type(st.target) is ast.Name and st.value is not None:
            yield st.target.id, st.target, st.value


def _literal(node: ast.AST | None) -> bool:
    """A string, or a list/tuple/set of strings (or of tuples of strings)."""
    if type(node) is ast.Constant:
        return type(node.value) is str  # type: ignore[attr-defined]
    if type(node) in (ast.List, ast.Tuple, ast.Set):
        return all(_literal(e) for e in node.elts)  # type: ignore[attr-defined]
    return False


def _kwargs(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def _strings(node: ast.AST | None) -> tuple[str, ...] | None:
    """A list/tuple of string constants (or one string) as a tuple; None when unreadable."""
    if node is None:
        return None
    s = str_const(node)
    if s is not None:
        return (s,)
    if type(node) in (ast.List, ast.Tuple, ast.Set):
        out = [str_const(e) for e in node.elts]  # type: ignore[attr-defined]
        return tuple(out) if all(x is not None for x in out) else None  # type: ignore[misc]
    return None


def _bool(node: ast.AST | None) -> bool | None:
    if type(node) is ast.Constant and type(node.value) in (bool, int):  # type: ignore[attr-defined]
        return bool(node.value)  # type: ignore[attr-defined]
    return None


class _Reader:
    def __init__(self, tree: ast.Module, src: SourceText, orm: ModelCollector, imap: ImportMap, dialect: str):
        self.tree = tree
        self.src = src
        self.orm = orm
        self.imap = imap
        self.dialect = dialect
        self.ops: list[SchemaOp] = []
        self.functions = {st.name: st for st in tree.body if type(st) in (ast.FunctionDef, ast.AsyncFunctionDef)}
        # module-level names bound to a string or a list of strings (`TABLE = "users"`), and
        # what loop variables and inlined helpers' parameters stand for (None: unknown)
        self.consts: dict[str, ast.expr] = {}
        for name, _, value in _assignments(tree.body):
            if _literal(value):
                self.consts[name] = value
        self.env: dict[str, ast.expr | None] = {}

    def value(self, node: ast.AST | None) -> ast.AST | None:
        """`node`, with a name the migration binds to string constants replaced by them."""
        if type(node) is ast.Name:
            if node.id in self.env:
                return self.env[node.id] or node
            return self.consts.get(node.id, node)
        if type(node) in (ast.List, ast.Tuple) and any(type(e) is ast.Name for e in node.elts):  # type: ignore[attr-defined]
            return ast.List(elts=[self.value(e) for e in node.elts], ctx=ast.Load())  # type: ignore[attr-defined]
        return node

    def _with_env(self, bindings: dict[str, ast.expr | None], body: list[ast.stmt], batches, autocommit: bool, depth: int) -> None:
        saved = {k: self.env[k] for k in bindings if k in self.env}
        self.env.update(bindings)
        try:
            self.block(body, batches, autocommit, depth)
        finally:
            for k in bindings:
                self.env.pop(k, None)
            self.env.update(saved)

    def loop(self, st: ast.For, batches, autocommit: bool, depth: int) -> bool:
        """`for table in ["a", "b"]:` (or a module-level list): the body once per value."""
        seq = self.value(st.iter)
        if type(seq) not in (ast.List, ast.Tuple, ast.Set) or len(seq.elts) > 200 or not _literal(seq):  # type: ignore[attr-defined]
            return False
        names = [st.target] if type(st.target) is ast.Name else list(st.target.elts) if type(st.target) is ast.Tuple else None
        if names is None or not all(type(n) is ast.Name for n in names):
            return False
        for item in seq.elts:  # type: ignore[attr-defined]
            values = [item] if len(names) == 1 else list(item.elts) if type(item) in (ast.Tuple, ast.List) and len(item.elts) == len(names) else None
            if values is None:
                return False
            self._with_env({n.id: v for n, v in zip(names, values)}, st.body, batches, autocommit, depth)  # type: ignore[attr-defined]
        return True

    # --- strings of SQL ----------------------------------------------------------------------

    def sql(self, node: ast.AST, via: str, autocommit: bool = False) -> None:
        """SQL a migration runs: a string, `sa.text("...")`, or a list of them (RunSQL)."""
        if type(node) is ast.Call and terminal(node.func) in ("text", "DDL") and node.args:  # type: ignore[attr-defined]
            node = node.args[0]  # type: ignore[attr-defined]
        if type(node) in (ast.List, ast.Tuple):
            for e in node.elts:  # type: ignore[attr-defined]
                if type(e) in (ast.List, ast.Tuple) and e.elts:  # (sql, params)
                    e = e.elts[0]
                self.sql(e, via, autocommit)
            return
        text = str_const(node)
        if text is None:
            self._opaque_sql(node, via)
            return
        if not DDL_HINT.search(text):
            return
        for op in read_sql_ops(text, self.dialect, self._string_locator(node, text)):
            self.ops.append(replace(op, via=via, autocommit=autocommit))

    def _opaque_sql(self, node: ast.AST, via: str) -> None:
        """An f-string or a name: say which tables it may change, if it speaks of indexes/keys."""
        parts = [v.value for v in ast.walk(node) if type(v) is ast.Constant and type(v.value) is str]
        text = " ".join(parts)
        if not re.search(r"\b(?:INDEX|KEY|REFERENCES|CONSTRAINT)\b", text, re.IGNORECASE):
            return
        tables = tuple(dict.fromkeys(m.group(1).lower() for m in re.finditer(r"\b(?:ON|TABLE)\s+\"?([\w]+)", text, re.IGNORECASE)))
        if tables:
            self.ops.append(SchemaOp("opaque", self.src.span(node), names=tables, via=via))

    def _string_locator(self, node: ast.AST, value: str):
        """Offsets in a string constant's value -> spans in the file, exact when the literal is
        written without escapes (the common case), else the whole literal."""
        whole = self.src.span(node)
        raw = _source_between(self.src, whole)
        found = re.match(r"([rRuUbB]{0,2})('''|\"\"\"|'|\")", raw or "")
        body_start = found.end() if found else -1
        if found is None or raw[body_start : len(raw) - len(found.group(2))] != value:
            return lambda start, end: whole
        starts = [0] + [m.end() for m in re.finditer(r"\n", value)]

        def position(offset: int) -> tuple[int, int]:
            line = 0
            while line + 1 < len(starts) and starts[line + 1] <= offset:
                line += 1
            column = offset - starts[line] + 1
            if line == 0:
                column += whole.column - 1 + body_start
            return whole.line + line, column

        def locate(start: int, end: int) -> Span:
            line, column = position(start)
            end_line, end_column = position(max(end, start + 1))
            return Span(line, column, end_line, end_column)

        return locate

    # --- Alembic -----------------------------------------------------------------------------

    def alembic(self) -> MigrationFacts | None:
        revision = parents = None
        span = None
        depends_on: tuple[str, ...] = ()
        labels: tuple[str, ...] = ()
        for name, target, value in _assignments(self.tree.body):
            if name == "revision" and str_const(value) is not None:
                revision, span = str_const(value), self.src.span(target)
            elif name == "down_revision":
                parents = () if type(value) is ast.Constant and value.value is None else _strings(value)
            elif name == "depends_on":
                depends_on = _strings(value) or ()
            elif name == "branch_labels":
                labels = _strings(value) or ()
        upgrade = self.functions.get("upgrade")
        if revision is None or upgrade is None:
            return None
        self.block(upgrade.body, {}, False, 0)
        return MigrationFacts(
            "alembic",
            tuple(self.ops),
            revision=revision,
            parents=parents or (),
            span=span,
            depends_on=depends_on,
            branch_labels=labels,
            created=_created(self.src.source or ""),
        )

    def block(self, body: list[ast.stmt], batches: dict[str, str | None], autocommit: bool, depth: int) -> None:
        for st in body:
            try:
                self.statement(st, batches, autocommit, depth)
            except Exception:  # noqa: BLE001 - one odd statement never loses the others
                continue

    def statement(self, st: ast.stmt, batches: dict[str, str | None], autocommit: bool, depth: int) -> None:
        t = type(st)
        if t in (ast.With, ast.AsyncWith):
            inner = dict(batches)
            auto = autocommit
            for item in st.items:  # type: ignore[attr-defined]
                ctx = item.context_expr
                if type(ctx) is ast.Call and terminal(ctx.func) == "batch_alter_table":
                    table = str_const(self.value(ctx.args[0] if ctx.args else _kwargs(ctx).get("table_name")))
                    if type(item.optional_vars) is ast.Name:
                        inner[item.optional_vars.id] = table
                elif type(ctx) is ast.Call and terminal(ctx.func) == "autocommit_block":
                    auto = True
            self.block(st.body, inner, auto, depth)  # type: ignore[attr-defined]
        elif t is ast.If:
            taken = _dialect_test(st.test, self.dialect)  # type: ignore[attr-defined]
            if taken is not False:
                self.block(st.body, batches, autocommit, depth)  # type: ignore[attr-defined]
            if taken is not True:
                self.block(st.orelse, batches, autocommit, depth)  # type: ignore[attr-defined]
        elif t is ast.For and self.loop(st, batches, autocommit, depth):  # type: ignore[arg-type]
            return
        elif t in (ast.For, ast.AsyncFor, ast.While, ast.Try) or t.__name__ == "TryStar":
            for field in ("body", "orelse", "finalbody"):
                self.block(getattr(st, field, None) or [], batches, autocommit, depth)
            for handler in getattr(st, "handlers", None) or ():
                self.block(handler.body, batches, autocommit, depth)
        elif t is ast.Expr or t is ast.Assign or t is ast.Return:
            value = st.value  # type: ignore[attr-defined]
            if type(value) is ast.Await:
                value = value.value
            if type(value) is ast.Call:
                self.call(value, batches, autocommit, depth)

    def call(self, call: ast.Call, batches: dict[str, str | None], autocommit: bool, depth: int) -> None:
        func = call.func
        if type(func) is ast.Attribute and type(func.value) is ast.Name:
            receiver = func.value.id
            if receiver in batches:
                self.alembic_op(func.attr, call, batches[receiver], True, autocommit)
                return
            if receiver == "op" or self.imap.qualify(func.value) == "alembic.op":
                self.alembic_op(func.attr, call, None, False, autocommit)
                return
        if type(func) is ast.Attribute and func.attr in ("execute", "exec_driver_sql") and call.args:
            self.sql(call.args[0], "execute", autocommit)  # `op.get_bind().execute(...)`, `conn.execute(...)`
            return
        if type(func) is ast.Name and func.id in self.functions and depth < _MAX_INLINE_DEPTH:
            fn = self.functions[func.id]
            params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
            bound: dict[str, ast.expr | None] = dict.fromkeys(params)
            positional = [*fn.args.posonlyargs, *fn.args.args]
            defaults = list(zip([a.arg for a in positional[len(positional) - len(fn.args.defaults) :]], fn.args.defaults))
            defaults += [(a.arg, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None]
            for name, default in defaults:
                bound[name] = default if _literal(default) else None
            for name, arg in zip(params, call.args):
                bound[name] = self.value(arg) if _literal(self.value(arg)) else None
            for k in call.keywords:
                if k.arg in bound:
                    bound[k.arg] = self.value(k.value) if _literal(self.value(k.value)) else None
            self._with_env(bound, fn.body, batches, autocommit, depth + 1)
            return
        name = terminal(func)
        if name and _OPAQUE_NAMES.search(name):
            tables = tuple(dict.fromkeys(s for s in (str_const(self.value(a)) for a in call.args) if s))
            if tables:
                via = self.src.text(func)
                self.ops.append(SchemaOp("opaque", self.src.span(func), names=tables, via=via))

    def _bind(self, name: str, call: ast.Call, batch: bool) -> dict[str, ast.expr] | None:
        params = _ALEMBIC_PARAMS.get(name)
        if params is None:
            return None
        names = params[1] if batch else params[0]
        bound: dict[str, ast.expr] = {}
        for i, arg in enumerate(call.args):
            if type(arg) is ast.Starred:
                break
            if i < len(names):
                bound[names[i]] = arg
        bound.update(_kwargs(call))
        return {k: self.value(v) for k, v in bound.items()}  # type: ignore[misc]

    def _name_arg(self, node: ast.AST | None) -> str | None:
        """A name argument: a string, or `op.f("ix_name")` / `batch_op.f(...)`."""
        if type(node) is ast.Call and terminal(node.func) == "f" and node.args:  # type: ignore[attr-defined]
            node = node.args[0]  # type: ignore[attr-defined]
        return str_const(node)

    def alembic_op(self, name: str, call: ast.Call, batch_table: str | None, batch: bool, autocommit: bool) -> None:
        args = self._bind(name, call, batch)
        if args is None:
            if _OPAQUE_NAMES.search(name):
                tables = (batch_table,) if batch_table else tuple(s for s in (str_const(self.value(a)) for a in call.args) if s)
                if tables:
                    self.ops.append(SchemaOp("opaque", self.src.span(call.func), names=tables, via=self.src.text(call.func)))
            return
        via = self.src.text(call.func)
        span = self.src.span(call.func)
        table = batch_table if batch else str_const(args.get("table_name") or args.get("source_table"))
        if name == "execute":
            if "sqltext" in args:
                self.sql(args["sqltext"], via, autocommit)
            return
        if name == "rename_table":
            old, new = str_const(args.get("old_table_name")), str_const(args.get("new_table_name"))
            if old and new:
                self.ops.append(SchemaOp("rename_table", span, table=old, new_name=new, via=via))
            return
        if table is None:
            if name in ("drop_index",):
                self.ops.append(SchemaOp("drop_index", span, name=self._name_arg(args.get("index_name")), via=via))
            elif name != "drop_table":
                guess = tuple(s for s in (str_const(self.value(a)) for a in call.args) if s)
                if guess:
                    self.ops.append(SchemaOp("opaque", span, names=guess, via=via))
            return
        if name == "create_table":
            self.create_table(call, table, span, via)
        elif name == "drop_table":
            self.ops.append(SchemaOp("drop_table", span, table=table, via=via))
        elif name == "add_column":
            column = args.get("column")
            if type(column) is ast.Call:
                col, fk = self.sa_column(column)
                if col is not None:
                    self.ops.append(SchemaOp("add_column", span, table=table, columns=(col,), foreign_keys=fk, via=via))
        elif name == "drop_column":
            column_name = str_const(args.get("column_name"))
            if column_name:
                self.ops.append(SchemaOp("drop_column", span, table=table, name=column_name, via=via))
        elif name == "alter_column":
            column_name = str_const(args.get("column_name"))
            new = str_const(args.get("new_column_name"))
            if column_name and new:
                self.ops.append(SchemaOp("rename_column", span, table=table, name=column_name, new_name=new, via=via))
        elif name == "create_index":
            self.create_index(call, args, table, span, via, autocommit)
        elif name == "drop_index":
            self.ops.append(SchemaOp("drop_index", span, table=table, name=self._name_arg(args.get("index_name")), via=via))
        elif name == "create_foreign_key":
            local, remote = _strings(args.get("local_cols")), _strings(args.get("remote_cols"))
            ref = str_const(args.get("referent_table"))
            if local:
                fk = ForeignKeyDDL(local, ref, remote or (), span, name=self._name_arg(args.get("constraint_name")))
                self.ops.append(SchemaOp("add_foreign_key", span, table=table, foreign_keys=(fk,), via=via))
        elif name in ("create_unique_constraint", "create_primary_key"):
            columns = _strings(args.get("columns"))
            if columns:
                primary = name == "create_primary_key"
                ix = IndexDDL(columns, span, name=self._name_arg(args.get("constraint_name")), unique=True, primary=primary, constraint=True)
                self.ops.append(SchemaOp("add_constraint", span, table=table, indexes=(ix,), via=via))
        elif name == "drop_constraint":
            kind = str_const(args.get("type_"))
            self.ops.append(
                SchemaOp("drop_constraint", span, table=table, name=self._name_arg(args.get("constraint_name")), new_name=kind, via=via)
            )

    def create_index(self, call: ast.Call, args: dict[str, ast.expr], table: str, span: Span, via: str, autocommit: bool) -> None:
        cols_node = args.get("columns")
        if type(cols_node) is ast.Call and terminal(cols_node.func) in ("list", "tuple") and len(cols_node.args) == 1:
            cols_node = self.value(cols_node.args[0])  # `list(columns)`
        members: list[str] = []
        expression = False
        items = cols_node.elts if type(cols_node) in (ast.List, ast.Tuple) else [cols_node] if cols_node is not None else []  # type: ignore[attr-defined]
        readable = bool(items)
        for item in items:
            s = str_const(item)
            if s is not None:
                members.append(s)
                continue
            # `sa.text(...)`, `sa.func.lower(...)`, `Model.column`; not a variable or another function's result
            readable = readable and (type(item) is ast.Attribute or (type(item) is ast.Call and _column_expression(item)))
            text, _, is_expr = self.orm._sa_column_ref(item)
            members.append(text)
            expression = expression or is_expr
        if not readable:
            # the index is built (what SCL606 needs), but over columns we cannot tell
            self.ops.append(SchemaOp("opaque", span, names=(table,), via=via))
            members, expression = ["?"], True
        method = None
        for key in sa.INDEX_USING_KWARGS:
            method = method or str_const(args.get(key))
        where = None
        for key in sa.INDEX_WHERE_KWARGS:
            if key in args and where is None:
                where = self.orm._where(args[key])
        ix = IndexDDL(
            tuple(members),
            span,
            name=self._name_arg(args.get("index_name")),
            unique=bool(_bool(args.get("unique"))),
            method=method.lower() if method else None,
            where=where,
            expressions=expression,
            # `**options` may say postgresql_concurrently=True: assume it does rather than guess
            concurrently=bool(_bool(args.get("postgresql_concurrently"))) or any(k.arg is None for k in call.keywords),
        )
        self.ops.append(SchemaOp("create_index", span, table=table, indexes=(ix,), via=via, autocommit=autocommit))

    def sa_column(self, call: ast.Call) -> tuple[ColumnDDL | None, tuple[ForeignKeyDDL, ...]]:
        """`sa.Column("name", type, sa.ForeignKey("t.id"), index=True, unique=True, primary_key=True)`."""
        if terminal(call.func) not in sa.COLUMN_FUNCS or not call.args or str_const(call.args[0]) is None:
            return None, ()
        name = str_const(call.args[0])
        field = self.orm._sa_column(name, call.args[0], call, "Column", None, self.imap)  # type: ignore[arg-type]
        return self._column(field, self.src.span(call.args[0]), call)

    def _column(self, f: FieldDef, span: Span, call: ast.Call) -> tuple[ColumnDDL, tuple[ForeignKeyDDL, ...]]:
        name = f.column or f.name
        ref_span = None
        for a in call.args:
            if type(a) is ast.Call and terminal(a.func) == sa.FOREIGN_KEY:
                ref_span = self.src.span(a)
        col = ColumnDDL(
            name,
            span,
            primary_key=bool(f.primary_key),
            unique=bool(f.unique),
            index=bool(f.db_index),
            nullable=f.nullable,
            references=f.target if f.kind == "fk" else None,
            ref_span=ref_span,
        )
        fks: tuple[ForeignKeyDDL, ...] = ()
        if f.kind == "fk" and f.target:
            ref_table, ref_cols = _split_ref(f.target)
            fks = (ForeignKeyDDL((name,), ref_table, ref_cols, span),)
        return col, fks

    def create_table(self, call: ast.Call, table: str, span: Span, via: str) -> None:
        columns: list[ColumnDDL] = []
        indexes: list[IndexDDL] = []
        fks: list[ForeignKeyDDL] = []
        pk: list[str] = []
        for item in call.args[1:]:
            if type(item) is not ast.Call:
                continue
            term = terminal(item.func)
            if term in sa.COLUMN_FUNCS:
                col, fk = self.sa_column(item)
                if col is None:
                    continue
                columns.append(col)
                fks.extend(fk)
            elif term == sa.FOREIGN_KEY_CONSTRAINT and item.args:
                local = _strings(item.args[0])
                remote = _strings(item.args[1]) if len(item.args) > 1 else None
                if local and remote:
                    ref_table = _split_ref(remote[0])[0]
                    ref_columns = tuple(c for r in remote for c in _split_ref(r)[1])
                    name = str_const(_kwargs(item).get("name"))
                    fks.append(ForeignKeyDDL(local, ref_table, ref_columns, self.src.span(item), name=name))
            elif term in (sa.PRIMARY_KEY_CONSTRAINT, sa.UNIQUE_CONSTRAINT):
                cols = tuple(s for s in (str_const(a) for a in item.args) if s)
                if cols:
                    primary = term == sa.PRIMARY_KEY_CONSTRAINT
                    if primary:
                        pk = list(cols)
                    else:
                        indexes.append(IndexDDL(cols, self.src.span(item), name=str_const(_kwargs(item).get("name")), unique=True, constraint=True))
            elif term == sa.INDEX_FUNC:
                ix = self.orm._sa_index(item)
                if ix is not None:
                    indexes.append(_from_index_def(ix))
        if pk:
            indexes.insert(0, IndexDDL(tuple(pk), span, unique=True, primary=True, constraint=True))
        self.ops.append(SchemaOp("create_table", span, table=table, columns=tuple(columns), indexes=tuple(indexes), foreign_keys=tuple(fks), via=via))

    # --- Django ------------------------------------------------------------------------------

    def django(self) -> MigrationFacts | None:
        cls = next(
            (st for st in self.tree.body if type(st) is ast.ClassDef and st.name == "Migration" and any(terminal(b) == "Migration" for b in st.bases)),
            None,
        )
        if cls is None:
            return None
        parents: list[str] = []
        replaces: list[str] = []
        run_before: list[str] = []
        atomic = True
        operations: ast.AST | None = None
        for name, _, value in _assignments(cls.body):
            if name in ("dependencies", "replaces", "run_before") and type(value) in (ast.List, ast.Tuple):
                out = parents if name == "dependencies" else replaces if name == "replaces" else run_before
                for e in value.elts:
                    pair = _strings(e)
                    if pair and len(pair) == 2:
                        out.append(f"{pair[0]}.{pair[1]}")
            elif name == "atomic":
                atomic = _bool(value) is not False
            elif name == "operations":
                operations = value
        if type(operations) in (ast.List, ast.Tuple):
            for e in operations.elts:  # type: ignore[union-attr]
                try:
                    self.django_op(e)
                except Exception:  # noqa: BLE001
                    continue
        return MigrationFacts(
            "django",
            tuple(self.ops),
            parents=tuple(parents),
            replaces=tuple(replaces),
            atomic=atomic,
            span=self.src.span(cls),
            run_before=tuple(run_before),
            created=_created(self.src.source or ""),
        )

    def _dj_field(self, name: str, name_node: ast.AST, call: ast.AST) -> FieldDef | None:
        if type(call) is not ast.Call:
            return None
        term = terminal(call.func) or ""
        spec = dj.FIELDS.get(term) or dj.THIRD_PARTY_FIELDS.get(term)
        if spec is None:
            if term.endswith("ForeignKey"):
                spec = dj.FieldSpec("fk", db_index=True)
            elif term.endswith("Field"):
                spec = dj.FieldSpec("column")
            else:
                return None
        holder = _Model("migration", self.src.span(call), "django")
        self.orm._django_field(name, name_node, call, term, holder, self.imap, spec)  # type: ignore[arg-type]
        return holder.fields[0] if holder.fields else None

    def _dj_column(self, f: FieldDef) -> ColumnDDL | None:
        if f.kind not in ("column", "fk", "o2o"):
            return None  # many-to-many and generic relations have no column of their own
        relation = f.kind in ("fk", "o2o")
        column = f.column or (f.name + dj.FK_COLUMN_SUFFIX if relation else f.name)
        target = f.target[1:] if f.target and f.target.startswith("\x00") else f.target
        relation = relation and f.db_constraint  # `db_constraint=False`: no FOREIGN KEY in the database
        return ColumnDDL(
            column,
            f.span,
            primary_key=bool(f.primary_key),
            unique=bool(f.unique) or f.kind == "o2o",
            index=bool(f.db_index) and not f.primary_key,
            nullable=f.nullable,
            references=target if relation else None,
            ref_span=f.call_span if relation else None,
            field=f.name if column != f.name else None,
        )

    def django_op(self, node: ast.AST) -> None:
        if type(node) is not ast.Call:
            return
        name = terminal(node.func) or ""
        kw = _kwargs(node)
        span = self.src.span(node.func)
        via = name

        def arg(i: int, key: str) -> ast.expr | None:
            return node.args[i] if len(node.args) > i else kw.get(key)  # type: ignore[attr-defined]

        def model(i: int = 0, key: str = "model_name") -> str | None:
            s = str_const(arg(i, key))
            return s.lower() if s else None

        if name == "CreateModel":
            self.create_model(node, arg, span)
        elif name == "DeleteModel":
            self.ops.append(SchemaOp("drop_table", span, model=model(0, "name"), via=via))
        elif name == "RenameModel":
            new = str_const(arg(1, "new_name"))
            self.ops.append(SchemaOp("rename_table", span, model=model(0, "old_name"), new_name=new.lower() if new else None, via=via))
        elif name == "AlterModelTable":
            self.ops.append(SchemaOp("set_db_table", span, model=model(0, "name"), new_name=str_const(arg(1, "table")), via=via))
        elif name in ("AddField", "AlterField"):
            field_name = str_const(arg(1, "name"))
            field_node = arg(2, "field")
            f = self._dj_field(field_name, arg(1, "name"), field_node) if field_name and field_node is not None else None
            col = self._dj_column(f) if f is not None else None
            if col is not None:
                op = "add_column" if name == "AddField" else "alter_column"
                self.ops.append(SchemaOp(op, span, model=model(), columns=(col,), name=field_name, via=via))
        elif name == "RemoveField":
            self.ops.append(SchemaOp("drop_column", span, model=model(), name=str_const(arg(1, "name")), via=via))
        elif name == "RenameField":
            self.ops.append(SchemaOp("rename_column", span, model=model(), name=str_const(arg(1, "old_name")), new_name=str_const(arg(2, "new_name")), via=via))
        elif name in _DJANGO_INDEX_OPS:
            index = arg(1, "index")
            ix = self.orm._dj_index(index) if type(index) is ast.Call else None
            if ix is None:
                self.ops.append(SchemaOp("opaque", span, model=model(), via=via))
                return
            ddl = _from_index_def(ix, span=span, concurrently=name == "AddIndexConcurrently")
            self.ops.append(SchemaOp("create_index", span, model=model(), indexes=(ddl,), via=via))
        elif name in ("RemoveIndex", "RemoveIndexConcurrently"):
            self.ops.append(SchemaOp("drop_index", span, model=model(), name=str_const(arg(1, "name")), via=via))
        elif name == "RenameIndex":
            old = str_const(kw.get("old_name"))
            if old:
                self.ops.append(SchemaOp("rename_index", span, model=model(), name=old, new_name=str_const(arg(1, "new_name")), via=via))
        elif name in ("AddConstraint", "AddConstraintNotValid"):
            constraint = arg(1, "constraint")
            ix = self.orm._dj_constraint(constraint) if type(constraint) is ast.Call else None
            if ix is not None:
                self.ops.append(SchemaOp("add_constraint", span, model=model(), indexes=(_from_index_def(ix),), via=via))
        elif name == "RemoveConstraint":
            self.ops.append(SchemaOp("drop_constraint", span, model=model(), name=str_const(arg(1, "name")), via=via))
        elif name in ("AlterUniqueTogether", "AlterIndexTogether"):
            groups = self._together(arg(1, "unique_together" if name == "AlterUniqueTogether" else "index_together"))
            op = "set_unique_together" if name == "AlterUniqueTogether" else "set_index_together"
            if groups is None:
                self.ops.append(SchemaOp("opaque", span, model=model(0, "name"), via=via))
            else:
                unique = name == "AlterUniqueTogether"
                ixs = tuple(IndexDDL(g, span, unique=unique, constraint=unique) for g in groups)
                self.ops.append(SchemaOp(op, span, model=model(0, "name"), indexes=ixs, via=via))
        elif name == "RunSQL":
            sql = arg(0, "sql")
            if sql is not None:
                self.sql(sql, via)
        elif name == "SeparateDatabaseAndState":
            database = kw.get("database_operations") or (node.args[0] if node.args else None)  # type: ignore[attr-defined]
            if type(database) in (ast.List, ast.Tuple):
                for e in database.elts:  # type: ignore[union-attr]
                    self.django_op(e)
        elif name not in _DJANGO_KNOWN_OPS and _OPAQUE_NAMES.search(name):
            self.ops.append(SchemaOp("opaque", span, model=model(), via=via))

    def _together(self, node: ast.AST | None) -> tuple[tuple[str, ...], ...] | None:
        if node is None:
            return ()
        if type(node) in (ast.Set, ast.List, ast.Tuple):
            elts = node.elts  # type: ignore[attr-defined]
            if elts and all(str_const(e) is not None for e in elts):
                return (tuple(str_const(e) for e in elts),)  # type: ignore[misc]
            out = []
            for e in elts:
                group = _strings(e)
                if group is None:
                    return None
                out.append(group)
            return tuple(out)
        if type(node) is ast.Constant and node.value is None:  # type: ignore[attr-defined]
            return ()
        if type(node) is ast.Call and terminal(node.func) in ("set", "frozenset", "list", "tuple") and len(node.args) <= 1:  # type: ignore[attr-defined]
            return self._together(node.args[0]) if node.args else ()  # type: ignore[attr-defined]  # `set()`, `set([("a", "b")])`
        return None

    def create_model(self, node: ast.Call, arg, span: Span) -> None:
        name = str_const(arg(0, "name"))
        if not name:
            return
        columns: list[ColumnDDL] = []
        fields = arg(1, "fields")
        for pair in fields.elts if type(fields) in (ast.List, ast.Tuple) else ():  # type: ignore[union-attr]
            if type(pair) is not ast.Tuple or len(pair.elts) != 2 or str_const(pair.elts[0]) is None:
                continue
            f = self._dj_field(str_const(pair.elts[0]), pair.elts[0], pair.elts[1])  # type: ignore[arg-type]
            col = self._dj_column(f) if f is not None else None
            if col is not None:
                columns.append(col)
        options = arg(2, "options")
        indexes: list[IndexDDL] = []
        db_table = None
        if type(options) is ast.Dict:
            flags = {str_const(k): _bool(v) for k, v in zip(options.keys, options.values)}
            if flags.get("managed") is False or flags.get("proxy") is True:
                # a proxy, or a table Django does not manage (a view, another app's): no DDL
                self.ops.append(SchemaOp("unmanaged", self.src.span(arg(0, "name")), model=name.lower(), via="CreateModel"))
                return
            for key, value in zip(options.keys, options.values):
                k = str_const(key)
                if k == "db_table":
                    db_table = str_const(value)
                elif k in ("indexes", "constraints") and type(value) in (ast.List, ast.Tuple):
                    for e in value.elts:  # type: ignore[attr-defined]
                        if type(e) is ast.Call:
                            ix = self.orm._dj_index(e) if k == "indexes" else self.orm._dj_constraint(e)
                            if ix is not None:
                                indexes.append(_from_index_def(ix))
                elif k in ("unique_together", "index_together"):
                    unique = k == "unique_together"
                    for group in self._together(value) or ():
                        indexes.append(IndexDDL(group, self.src.span(value), unique=unique, constraint=unique))
        self.ops.append(
            SchemaOp("create_table", self.src.span(arg(0, "name")), model=name.lower(), name=db_table, columns=tuple(columns), indexes=tuple(indexes), via="CreateModel")
        )


# what the generators write at the top: `# Generated by Django 4.2 on 2024-05-31 10:02`,
# Alembic's docstring `Create Date: 2024-05-31 10:02:11.123`
_CREATED = re.compile(r"(?:Generated by Django \S+ on|Create Date:)\s*(\d{4}-\d{2}-\d{2})")


def _created(text: str) -> str | None:
    found = _CREATED.search(text[:2000])
    return found.group(1) if found else None


def _split_ref(ref: str) -> tuple[str | None, tuple[str, ...]]:
    """"users.id" -> ("users", ("id",)); "public.users.id" -> ("users", ("id",))."""
    parts = ref.split(".")
    if len(parts) < 2:
        return None, ()
    return parts[-2], (parts[-1],)


def _from_index_def(ix: IndexDef, *, span: Span | None = None, concurrently: bool = False) -> IndexDDL:
    return IndexDDL(
        ix.columns,
        span or ix.span,
        name=ix.name,
        unique=ix.unique,
        primary=ix.primary,
        method=None if ix.kind == "btree" else ix.kind,
        where=ix.where,
        expressions=ix.expressions,
        concurrently=concurrently,
        constraint=ix.source in ("constraint", "primary_key", "exclusion", "unique_together"),
    )


def _source_between(src: SourceText, span: Span) -> str:
    lines = src.lines
    if not (0 < span.line <= len(lines) and 0 < span.end_line <= len(lines)):
        return ""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1 :]]
    parts.extend(lines[span.line : span.end_line - 1])
    parts.append(lines[span.end_line - 1][: span.end_column - 1])
    return "\n".join(parts)
