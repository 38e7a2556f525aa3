"""What a query filters and orders on, as database columns: the raw material of the index
rules (SCL601-SCL604).

Django lookups (`filter(organizer__city="Lyon", start__gte=t)`) are walked through the
models' relations to the table and column each one reads; SQLAlchemy conditions
(`Trip.status == "open"`, `Trip.id.in_(ids)`, `func.lower(User.email) == x`, `and_(...)`) are
read from the symbolic expressions. A condition that cannot be pinned to a column adds
nothing; an `or_(...)` / `Q(...) | Q(...)` makes the query's conditions unknown (`opaque`),
since an index on one side of an OR does not serve the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalelint.facts import SAttr, SCall, SConst, SName, SOp, Sym
from scalelint.frameworks import django as dj
from scalelint.project.values import Const, ModelAttr, Site

__all__ = ["Pred", "django_preds", "sqlalchemy_preds", "django_order", "sqlalchemy_order", "drizzle_preds", "drizzle_order"]


@dataclass(frozen=True)
class Pred:
    """One condition on one column: `model`'s table, `column` as the database names it."""

    model: str
    column: str
    op: str  # eq | flag (a boolean constant) | ne | in | range | isnull | like | ilike | prefix | suffix | contains | icontains | iexact | regex | search | date | year | month | day | func:<name>
    site: Site
    pattern: str | None = None  # a constant LIKE pattern, as written
    leading_wildcard: bool = False  # the pattern may match anywhere: `LIKE '%term'`, `icontains`, `endswith`


# Django lookups and what they ask of an index
_DJANGO_OPS = {
    "exact": "eq", "iexact": "iexact", "in": "in", "gt": "range", "gte": "range", "lt": "range", "lte": "range",
    "range": "range", "isnull": "isnull", "contains": "contains", "icontains": "icontains",
    "startswith": "prefix", "istartswith": "iprefix", "endswith": "suffix", "iendswith": "isuffix",
    "regex": "regex", "iregex": "regex", "search": "search", "date": "date", "year": "year", "month": "month",
    "day": "day", "week_day": "day", "quarter": "month", "week": "month", "hour": "date", "minute": "date",
    "trigram_similar": "trigram", "unaccent": "func:unaccent",
}
_DJANGO_ANYWHERE = frozenset({"contains", "icontains", "suffix", "isuffix"})
_SA_OPS = {"Eq": "eq", "NotEq": "ne", "Gt": "range", "GtE": "range", "Lt": "range", "LtE": "range", "In": "in", "Is": "isnull", "IsNot": "isnull"}
_SA_METHODS = {
    "in_": "in", "like": "like", "ilike": "ilike", "startswith": "prefix", "endswith": "suffix", "contains": "contains",
    "between": "range", "is_": "isnull", "is_not": "isnull", "isnot": "isnull", "__eq__": "eq", "match": "search",
}


def _column(model, name: str) -> str | None:
    """The database column of a model attribute (`organizer` -> `organizer_id`)."""
    if name == "pk":
        for fname, f in model.fields.items():
            if f.primary_key:
                return f.column or fname
        return "id"
    rel = model.relations.get(name)
    if rel is not None:
        return _key_column(model, name, rel.attname)  # a forward FK's own column; None for managers
    f = model.fields.get(name)
    if f is None and name.endswith("_id") and model.framework == "django":
        fk = model.relations.get(name[:-3])  # `filter(user_id=...)`: the ForeignKey's own column
        if fk is not None and fk.attname:
            return _key_column(model, name[:-3], fk.attname)
    if f is None:
        if name == "id" and model.framework == "django":
            return "id"
        for rname, rel in model.relations.items():  # Django's `venue_id=`: the key's own column by its attname
            if rel.attname is not None and rel.attname == name:
                return _key_column(model, rname, name)
        return None
    if f.kind in ("m2m", "relationship", "generic"):
        return None
    return f.column or name


def _key_column(model, field: str, attname: str | None) -> str | None:
    """A key's column: its `db_column` when it has one (`ForeignKey(..., db_column="owner")`
    stores `owner`, not `owner_id`), else its attribute name."""
    f = model.fields.get(field)
    return (f.column or attname) if f is not None and attname is not None else attname


def django_preds(orm, model_name: str, kwargs: dict, site: Site) -> tuple[Pred, ...] | None:
    """The conditions of `filter(**kwargs)`; None when one of them cannot be read."""
    out: list[Pred] = []
    for key, value in kwargs.items():
        if key == "**":
            return None
        model = orm.models.get(model_name)
        parts = key.split(dj.LOOKUP_SEPARATOR)
        pred = None
        for i, part in enumerate(parts):
            if model is None:
                break
            rest = parts[i + 1 :]
            rel = model.relations.get(part)
            if rel is None and model.framework == "django":
                # a reverse relation's query name is the model's name (`post__posted_on`), its
                # accessor `post_set`
                default = model.relations.get(f"{part}_set")
                rel = default if default is not None and default.kind in ("reverse_fk", "reverse_m2m") else None
            if rel is not None and rest and rest[0] not in _DJANGO_OPS:
                model = orm.models.get(rel.target) if rel.target else None  # a join to the next table
                continue
            column = _column(model, part)
            op = _DJANGO_OPS.get(rest[0]) if rest else "eq"
            if op == "eq" and isinstance(getattr(value, "value", None), bool):
                op = "flag"  # `published=True`: a yes/no column an index rarely serves
            if column is None or op is None or len(rest) > 1:
                break
            pattern = value.value if op in ("contains", "icontains", "suffix", "isuffix") and type(value) is Const and isinstance(value.value, str) else None
            pred = Pred(model.qualname, column, op, site, pattern, op in _DJANGO_ANYWHERE)
            break
        if pred is None:
            return None
        out.append(pred)
    return tuple(out)


def sqlalchemy_preds(orm, model_name: str, args: tuple[Sym, ...], evaluate, site: Site) -> tuple[Pred, ...] | None:
    """The conditions of `.filter(...)` / `.where(...)`; None when one cannot be read."""
    out: list[Pred] = []
    stack = list(args)
    while stack:
        s = stack.pop(0)
        pred = _sa_condition(orm, s, evaluate, site)
        if pred is _AND:
            stack[:0] = list(s.args)  # type: ignore[union-attr]
            continue
        if pred is None:
            return None
        out.append(pred)  # type: ignore[arg-type]
    return tuple(out)


_AND = object()


def _attr_column(orm, value) -> tuple[str, str] | None:
    if type(value) is not ModelAttr:
        return None
    model = orm.models.get(value.model)
    column = _column(model, value.name) if model is not None else None
    return (value.model, column) if column else None


def _sa_condition(orm, s: Sym, evaluate, site: Site):
    t = type(s)
    if t is SCall and type(s.func) is SName and s.func.qual.rsplit(".", 1)[-1] == "and_":  # type: ignore[union-attr]
        return _AND
    if t is SOp and s.op == "Compare" and len(s.operands) == 2 and len(s.ops) == 1:  # type: ignore[union-attr]
        op = _SA_OPS.get(s.ops[0])  # type: ignore[union-attr]
        if op is None:
            return None
        for side in s.operands:  # type: ignore[union-attr]
            found = _attr_column(orm, evaluate(side))
            if found is not None:
                other = [o for o in s.operands if o is not side]  # type: ignore[union-attr]
                if op == "eq" and other and type(other[0]) is SConst and type(other[0].value) is bool:  # type: ignore[union-attr]
                    op = "flag"
                return Pred(found[0], found[1], op, site)
            wrapped = _function_of_column(orm, side, evaluate)
            if wrapped is not None:
                return Pred(wrapped[0], wrapped[1], f"func:{wrapped[2]}", site)
        return None
    if t is SCall and type(s.func) is SAttr:  # type: ignore[union-attr]
        op = _SA_METHODS.get(s.func.name)  # type: ignore[union-attr]
        if op is None:
            return None
        found = _attr_column(orm, evaluate(s.func.obj))  # type: ignore[union-attr]
        if found is None:
            return None
        pattern = None
        if op in ("like", "ilike") and s.args and type(s.args[0]) is SConst and isinstance(s.args[0].value, str):  # type: ignore[union-attr]
            pattern = s.args[0].value  # type: ignore[union-attr]
        anywhere = op in ("contains", "suffix") or (op in ("like", "ilike") and bool(s.args) and _starts_with_wildcard(s.args[0]))  # type: ignore[union-attr]
        return Pred(found[0], found[1], op, site, pattern, anywhere)
    return None


def _starts_with_wildcard(s: Sym, depth: int = 0) -> bool:
    """A LIKE pattern that begins with `%` or `_`: `"%" + q`, `f"%{q}%"`, `"%{}".format(q)`."""
    if depth > 6:
        return False
    t = type(s)
    if t is SConst:
        return isinstance(s.value, str) and s.value[:1] in ("%", "_")  # type: ignore[union-attr]
    if t is SOp and s.op in ("JoinedStr", "BinOp") and s.operands:  # type: ignore[union-attr]
        return _starts_with_wildcard(s.operands[0], depth + 1)  # type: ignore[union-attr]
    if t is SCall and type(s.func) is SAttr and s.func.name == "format":  # type: ignore[union-attr]
        return _starts_with_wildcard(s.func.obj, depth + 1)  # type: ignore[union-attr]
    return False


def _function_of_column(orm, s: Sym, evaluate) -> tuple[str, str, str] | None:
    """`func.lower(User.email)`, `func.date(Event.start)`: (model, column, function)."""
    if type(s) is not SCall or type(s.func) is not SAttr or len(s.args) != 1:  # type: ignore[union-attr]
        return None
    owner = s.func.obj  # type: ignore[union-attr]
    if type(owner) is not SName or not owner.qual.endswith(".func"):  # type: ignore[union-attr]
        return None
    found = _attr_column(orm, evaluate(s.args[0]))  # type: ignore[union-attr]
    return (found[0], found[1], s.func.name.lower()) if found else None  # type: ignore[union-attr]


def django_order(orm, model_name: str, args: list, site: Site) -> tuple[Pred, ...] | None:
    """`order_by("-created_at", "title")` as ("order") conditions on columns of the model's table."""
    model = orm.models.get(model_name)
    out: list[Pred] = []
    for a in args:
        value = a.value if type(a) is Const else None
        if not isinstance(value, str) or model is None:
            return None
        name = value.lstrip("-+")
        if dj.LOOKUP_SEPARATOR in name or name == "?":
            return None
        column = _column(model, name)
        if column is None:
            return None
        out.append(Pred(model.qualname, column, "order", site))
    return tuple(out)


def sqlalchemy_order(orm, args: tuple[Sym, ...], evaluate, site: Site) -> tuple[Pred, ...] | None:
    out: list[Pred] = []
    for s in args:
        if type(s) is SCall and type(s.func) is SAttr and s.func.name in ("desc", "asc") and not s.args:  # type: ignore[union-attr]
            s = s.func.obj  # type: ignore[union-attr]
        found = _attr_column(orm, evaluate(s))
        if found is None:
            return None
        out.append(Pred(found[0], found[1], "order", site))
    return tuple(out)


# --- Drizzle (TypeScript): `where(and(eq(posts.userId, id), gte(posts.createdAt, t)))` -------


def drizzle_preds(orm, cond: Sym, evaluate, site: Site) -> tuple[Pred, ...] | None:
    """The conditions of a Drizzle `where(...)`; None when one cannot be read (an `or`, a raw
    `sql` fragment, a callback)."""
    from scalelint.frameworks import drizzle as dz

    out: list[Pred] = []
    stack = [cond]
    while stack:
        s = stack.pop(0)
        if type(s) is not SCall or type(s.func) is not SName:  # type: ignore[union-attr]
            return None
        name = s.func.qual.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        if name == dz.AND:
            stack[:0] = list(s.args)  # type: ignore[union-attr]
            continue
        op = dz.OPERATORS.get(name)
        if op is None or not s.args:  # type: ignore[union-attr]
            return None
        found = _attr_column(orm, evaluate(s.args[0]))  # type: ignore[union-attr]
        if found is None:
            return None
        other = s.args[1] if len(s.args) > 1 else None  # type: ignore[union-attr]
        if op == "eq" and type(other) is SConst and type(other.value) is bool:  # type: ignore[union-attr]
            op = "flag"
        pattern = other.value if op in ("like", "ilike") and type(other) is SConst and isinstance(other.value, str) else None  # type: ignore[union-attr]
        anywhere = op in ("like", "ilike") and other is not None and _starts_with_wildcard(other)
        out.append(Pred(found[0], found[1], op, site, pattern, anywhere))
    return tuple(out)


def drizzle_order(orm, args, evaluate, site: Site) -> tuple[Pred, ...] | None:
    """`orderBy(desc(posts.createdAt), posts.id)` as ("order") conditions."""
    out: list[Pred] = []
    for s in args:
        if type(s) is SCall and type(s.func) is SName and s.func.qual.rsplit(".", 1)[-1] in ("asc", "desc") and len(s.args) == 1:  # type: ignore[union-attr]
            s = s.args[0]  # type: ignore[union-attr]
        found = _attr_column(orm, evaluate(s))
        if found is None:
            return None
        out.append(Pred(found[0], found[1], "order", site))
    return tuple(out)
