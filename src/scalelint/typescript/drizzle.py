"""Drizzle ORM schemas: `export const posts = pgTable("posts", { ... }, (t) => [...])` as a model
the project model maps to its table (`ModelDef`, framework "drizzle").

Columns are the object's properties: `userId: integer("user_id").notNull().references(() =>
users.id)` is the attribute `userId` on column `user_id` (a column written without a name is
named after its property), a foreign key to `users.id` when it `references()` one, the primary
key with `.primaryKey()`, unique with `.unique()`, time-stamped with `.defaultNow()`. The third
argument, the table's extra config (an object or an array, returned by an arrow), declares
`index(...)`/`uniqueIndex(...).on(t.a, t.b)`, `primaryKey({ columns })` and `unique().on(...)`.
Queries on these tables are the Project's (scalelint.project.libraries.drizzle).
"""

from __future__ import annotations

from ..facts import FieldDef, IndexDef, ModelDef, SAttr, SCall, SConst, SDict, SName, SSeq, Sym
from ..frameworks import drizzle as dz
from .flow import FUNCTION_NODES

__all__ = ["table"]


def table(collector, name: str, sym: SCall, ctor: str | None, value, target) -> ModelDef | None:
    """The model a module-level `const name = pgTable(...)` declares, else None."""
    if ctor is None or ctor.rsplit(".", 1)[-1] not in dz.TABLE_FUNCTIONS or not dz.is_drizzle_module(ctor.rpartition(".")[0]):
        return None
    args = value.child_by_field_name("arguments")
    nodes = [a for a in args.named_children if a.type != "comment"] if args is not None else []
    if len(sym.args) < 2 or type(sym.args[0]) is not SConst or type(sym.args[1]) is not SDict or len(nodes) < 2:
        return None
    src = collector.src
    fields: list[FieldDef] = []
    indexes: list[IndexDef] = []
    for pair in nodes[1].named_children:
        if pair.type != "pair":
            continue
        key, column = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is None or column is None:
            continue
        attr = src.text(key).strip("'\"`")
        found = _column(collector, attr, collector.top.sym(column), src.span(key), src.span(column))
        if found is None:
            continue
        fields.append(found)
        if found.primary_key:
            indexes.append(IndexDef((attr,), found.span, unique=True, primary=True, source="primary_key"))
        elif found.unique:
            indexes.append(IndexDef((attr,), found.span, unique=True, source="field"))
    if len(nodes) > 2:
        indexes.extend(_extra(collector, nodes[2]))
    return ModelDef(
        name=name,
        qualname=f"{collector.module}.{name}" if collector.module else name,
        framework="drizzle",
        span=src.span(target),
        kind="class",
        table=sym.args[0].value,  # type: ignore[union-attr]
        fields=tuple(fields),
        indexes=tuple(indexes),
    )


def _chain(sym: Sym) -> tuple[str | None, list[tuple[str, SCall]]]:
    """`integer("user_id").notNull().references(...)` -> ("integer", [(method, call), ...]) outermost last."""
    methods: list[tuple[str, SCall]] = []
    node = sym
    for _ in range(24):
        if type(node) is not SCall:
            return None, []
        func = node.func  # type: ignore[union-attr]
        if type(func) is SAttr:
            methods.append((func.name, node))  # type: ignore[arg-type]
            node = func.obj
        elif type(func) is SName:
            methods.reverse()
            return func.qual.rsplit(".", 1)[-1], [(func.qual.rsplit(".", 1)[-1], node), *methods]  # type: ignore[list-item]
        else:
            return None, []
    return None, []


def _column(collector, attr: str, sym: Sym, span, call_span) -> FieldDef | None:
    base, chain = _chain(sym)
    if base is None or base not in dz.COLUMN_TYPES:
        return None
    first = chain[0][1]
    column = first.args[0].value if first.args and type(first.args[0]) is SConst and isinstance(first.args[0].value, str) else None
    methods = {m for m, _ in chain[1:]}
    target = None
    for m, call in chain[1:]:
        if m == "references" and call.args:
            target = _referenced(collector, call.args[0])
            target = target or "?"
    stamped = "defaultNow" in methods or (base in dz.TIME_TYPES and "default" in methods and _defaults_to_now(chain))
    return FieldDef(
        name=attr,
        kind="fk" if target else "column",
        field_class=base,
        span=span,
        call_span=call_span,
        target=target,
        unique="unique" in methods,
        primary_key="primaryKey" in methods or base in dz.SERIAL_TYPES and "primaryKey" in methods,
        nullable=not ("notNull" in methods or "primaryKey" in methods),
        column=column if column and column != attr else None,
        stamped=stamped,
    )


def _referenced(collector, arg: Sym) -> str | None:
    """`() => users.id`: the callback was read as opaque, so read its text: "<users qualified>.id"."""
    return None if type(arg) is not SAttr else _qualified_attr(collector, arg)


def _qualified_attr(collector, arg) -> str | None:
    inner = collector.qualify(arg.obj)
    return f"{inner}.{arg.name}" if inner else None


def _defaults_to_now(chain) -> bool:
    for m, call in chain[1:]:
        if m == "default" and call.args:
            a = call.args[0]
            text = a.value if type(a) is SConst else ""
            if isinstance(text, str) and "now" in text.lower():
                return True
    return False


def _extra(collector, node) -> list[IndexDef]:
    """The extra-config callback: `(t) => ({ byUser: index("ix").on(t.userId) })` or `(t) => [...]`."""
    if node.type not in FUNCTION_NODES:
        return []
    body = node.child_by_field_name("body")
    while body is not None and body.type == "parenthesized_expression" and body.named_children:
        body = body.named_children[0]
    if body is not None and body.type == "statement_block":
        ret = next((s for s in body.named_children if s.type == "return_statement"), None)
        body = ret.named_children[0] if ret is not None and ret.named_children else None
        while body is not None and body.type == "parenthesized_expression" and body.named_children:
            body = body.named_children[0]
    if body is None:
        return []
    if body.type == "object":
        entries = [p.child_by_field_name("value") for p in body.named_children if p.type == "pair"]
    elif body.type == "array":
        entries = list(body.named_children)
    else:
        return []
    out: list[IndexDef] = []
    for entry in entries:
        if entry is None:
            continue
        found = _index(collector, entry)
        if found is not None:
            out.append(found)
    return out


def _index(collector, node) -> IndexDef | None:
    src = collector.src
    sym = collector.top.sym(node)
    base, chain = _chain(sym)
    if base not in dz.INDEX_FUNCTIONS:
        return None
    first = chain[0][1]
    name = first.args[0].value if first.args and type(first.args[0]) is SConst and isinstance(first.args[0].value, str) else None
    columns: list[str] = []
    desc: list[bool] = []
    kind, where, expressions = "btree", None, False
    unique = base in ("uniqueIndex", "unique")
    primary = base == "primaryKey"
    if primary:  # primaryKey({ columns: [t.a, t.b] }) / primaryKey(t.a, t.b)
        members: tuple = ()
        if first.args and type(first.args[0]) is SDict:
            members = next((v.elts for k, v in first.args[0].items if type(k) is SConst and k.value == "columns" and type(v) is SSeq), ())  # type: ignore[union-attr]
        else:
            members = first.args
        for m in members:
            column = _member(m)
            if column is None:
                return None
            columns.append(column[0])
            desc.append(False)
        return IndexDef(tuple(columns), src.span(node), name, unique=True, primary=True, source="primary_key") if columns else None
    for m, call in chain[1:]:
        if m == "on" or m == "using":
            members = call.args[1:] if m == "using" else call.args
            if m == "using" and call.args and type(call.args[0]) is SConst:
                kind = str(call.args[0].value).lower()
            for arg in members:
                column = _member(arg)
                if column is None:
                    columns.append(src.text(node)[:40])
                    expressions = True
                    desc.append(False)
                else:
                    columns.append(column[0])
                    desc.append(column[1])
        elif m == "where":
            where = "partial"
    if not columns:
        return None
    return IndexDef(
        tuple(columns), src.span(node), name, unique=unique, kind=kind, where=where, expressions=expressions,
        desc=tuple(desc) if any(desc) else (), source="constraint" if base == "unique" else "index",
    )


def _member(arg: Sym) -> tuple[str, bool] | None:
    """`t.userId` / `t.createdAt.desc()` / `table.userId.asc()`: (attribute, descending)."""
    descending = False
    if type(arg) is SCall and type(arg.func) is SAttr and arg.func.name in ("desc", "asc", "nullsFirst", "nullsLast"):  # type: ignore[union-attr]
        descending = arg.func.name == "desc"  # type: ignore[union-attr]
        arg = arg.func.obj  # type: ignore[union-attr]
    if type(arg) is SAttr:
        return arg.name, descending  # type: ignore[union-attr]
    return None
