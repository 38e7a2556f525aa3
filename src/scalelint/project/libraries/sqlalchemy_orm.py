"""The SQLAlchemy ORM, 1.x `Query` and 2.0 `select()`, with what Flask-SQLAlchemy
(`Model.query`, `paginate`, `get_or_404`, `db.select`, `db.session`) and SQLModel
(`sqlmodel.select`, `session.exec`) add to it: sessions, statements, results, loader options,
relationship loader strategies, and what each costs.

`select(Trip)` is a statement, not rows, until a session runs it (`execute` gives a `Result` of
Row tuples, `scalars` the objects); a legacy `session.query(Trip)` runs when iterated or asked
for `all()` / `first()`. A relationship loads per its strategy (`lazy=`) unless a loader option
(`joinedload`, `selectinload`, `raiseload("*")`) on the query says otherwise. Sessions are
recognised by what makes them (`Session()`, `sessionmaker`, `scoped_session`, `db.session`) and by
name (`db: Session = Depends(get_db)` used as one). The tables are in `frameworks.sqlalchemy`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scalelint.facts import SAttr, SCall, SOp, SParam
from scalelint.frameworks import sqlalchemy as sa
from scalelint.project import cost_reports, predicates
from scalelint.project.libraries import PASS, Library
from scalelint.project.libraries import _sql
from scalelint.project.symbolic import callee_name, short, walks
from scalelint.project.values import PATH_SEPARATOR, UNKNOWN, Bound, Const, ModelAttr, ModelRef, Obj, Query, Site, single

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["LIBRARY", "Session", "LoaderOption", "is_session_name"]

SELECT_FUNCS = frozenset({"sqlalchemy.select", "sqlalchemy.future.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select", "sqlmodel.select"})
TEXT_FUNCS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
_OPTION_PREFIXES = tuple(m + "." for m in sa.OPTION_MODULES) + ("sqlalchemy.orm.strategy_options.",)
# Query / Select methods that return the same query
_CHAIN = frozenset(
    {
        "filter", "filter_by", "where", "order_by", "join", "outerjoin", "join_from", "limit", "offset", "distinct",
        "group_by", "having", "select_from", "execution_options", "with_for_update", "params", "correlate",
        "enable_eagerloads", "populate_existing", "autoflush", "yield_per", "slice", "union", "union_all", "unique",
        "apply_labels", "set_label_style", "with_entities", "add_columns",
    }
)
# one object (Flask-SQLAlchemy adds the `_or_404` forms)
_SINGLE = frozenset({"first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "get", "get_or_404", "first_or_404", "one_or_404", "first_or_none"})
_ROWS = frozenset({"all", "fetchall", "unique", "partitions", "yield_per"})
# session / connection methods that run a statement (SQLModel's `exec` gives scalars; Core's
# `exec_driver_sql` takes the driver's own SQL text)
_RUNS = frozenset({"execute", "scalars", "scalar", "stream", "stream_scalars", "exec", "exec_driver_sql"})
_GIVES_SCALARS = frozenset({"scalars", "stream_scalars", "exec"})
# a parameter used with one of these is a session (`db.query(Trip)`, `db.scalars(...)`)
_SESSION_READS = frozenset({"query", "scalars", "scalar", "execute", "get", "get_one", "exec", "exec_driver_sql"})
_SESSION_METHODS = frozenset({"execute", "scalars", "scalar", "stream", "stream_scalars", "exec", "get", "get_one", "commit", "flush", "query"})
# relationships that never query when read
_NEVER_QUERIES = frozenset({"raise", "raise_on_sql", "noload", "write_only"})


@dataclass(frozen=True)
class Session:
    """A SQLAlchemy session (or Flask-SQLAlchemy `db.session`)."""


@dataclass(frozen=True)
class LoaderOption:
    """A loader option: the relation paths it names and the option applied last."""

    paths: tuple[tuple[tuple[str, ...], str], ...]  # (path of relation names, option name)
    everything: bool = False  # `raiseload("*")` / `noload("*")`


def is_session_name(name: str) -> bool:
    return "session" in name.lower()


class SQLAlchemyORM(Library):
    name = "sqlalchemy"
    frameworks = frozenset({"sqlalchemy", "sqlmodel"})
    values = (Session, LoaderOption)

    # --- models and instances ----------------------------------------------------------

    def model_attr(self, frame: "Frame", model, name: str, sym) -> object:
        if name in model.managers:  # Flask-SQLAlchemy's `Model.query`
            return Query(model.qualname, "sqlalchemy", "sa_query", frame.site(sym.span), text=f"{model.name}.{name}")
        if name in model.relations or name in model.columns or name in model.fields:
            return ModelAttr(model.qualname, name)
        return UNKNOWN

    def instance_attr(self, frame: "Frame", obj: Obj, model, name: str, sym) -> object:
        if name == "awaitable_attrs":
            return obj  # `await row.awaitable_attrs.tags` (AsyncAttrs) loads `tags` as reading it would
        rel = model.relations.get(name)
        if rel is None:
            return PASS
        if obj.everything or name in obj.loaded or obj.preseeded == name:
            return frame.loaded_relation(obj, rel, model.framework)
        lazy = rel.lazy
        if lazy in sa.EAGER_STRATEGIES or lazy in _NEVER_QUERIES:
            return frame.loaded_relation(obj, rel, model.framework)
        site = frame.site(sym.span)
        if lazy == "dynamic":
            return Query(rel.target or "", "sqlalchemy", "sa_query", site, via=rel, owner=obj, text=short(sym))
        return frame.lazy_relation(obj, rel, site, model.framework, untargeted=False)

    def attr(self, frame: "Frame", value: object, name: str, site: Site) -> object:
        if type(value) is Query and name == "items" and value.kind == "page":
            return replace(value, kind="list", bounded=True)  # a Flask-SQLAlchemy page's rows
        return Bound(value, name, site)

    def back_reference(self, orm, via) -> str | None:
        # a many-to-one parent is found in the session's identity map
        if not via.opposite or not via.many or via.kind != "relationship" or not via.target:
            return None
        back = orm.relation(via.target, via.opposite)
        return via.opposite if back is not None and not back.many else None

    # --- names from outside the project ------------------------------------------------

    def external(self, frame: "Frame", qual: str, args: list, kwargs: dict, sym, site: Site) -> object:
        if qual in SELECT_FUNCS or (qual.endswith(".select") and len(args) == 1 and type(args[0]) is ModelRef):
            # the second: Flask-SQLAlchemy 3's `db.select(Model)`
            if len(args) == 1 and type(args[0]) is ModelRef:
                return Query(args[0].model, "sqlalchemy", "select", site, text=short(sym))
            if args and all(type(a) is ModelAttr for a in args):
                return Query(args[0].model, "sqlalchemy", "select", site, rows="values", text=short(sym))
            # `select(func.count(...))`, `select(a, b)`: a query, but of no one model's rows
            return Query("", "sqlalchemy", "select", site, rows="values", text=short(sym))
        if qual.startswith(_OPTION_PREFIXES):
            option = qual.rsplit(".", 1)[-1]
            if option in sa.LOADER_OPTIONS:
                return _loader_option(option, args, None)
            if option == "Load":
                return LoaderOption(())
        elif qual in TEXT_FUNCS:
            # a statement we can read is a query like any other; one we cannot is still SQL
            return (_sql.statement(frame, args[0], "sqlalchemy", "select", site) if args else None) or Const("sql")
        if is_session_name(qual.rsplit(".", 1)[-1]):
            return Session()  # `Session()`, `sessionmaker(...)`, `object_session(obj)`, `scoped_session(...)`
        return PASS

    def external_attr(self, frame: "Frame", qual: str, name: str, site: Site) -> object:
        if name == "session" or (is_session_name(name) and not qual.startswith("builtins.")):
            return Session()
        if name in _SESSION_METHODS and is_session_name(qual.rsplit(".", 1)[-1]):
            return Bound(Session(), name, site)  # a module-level `Session = scoped_session(...)`
        return PASS

    def unknown_attr(self, frame: "Frame", sym, name: str, site: Site) -> object:
        if is_session_name(name):
            return Session()
        inner = sym.obj
        if type(inner) is SParam and (is_session_name(inner.name) or name in _SESSION_READS):
            # `db.query(Trip)`, `db.scalars(select(Trip))` on a parameter (FastAPI's
            # `db: Session = Depends(get_db)`): the arguments prove it is a session
            return Bound(Session(), name, site)
        return PASS

    def call(self, frame: "Frame", value: object, sym) -> object:
        return value if type(value) is LoaderOption else PASS

    def unknown_call(self, frame: "Frame", sym) -> object:
        # `Session()` / `SessionLocal()` / `get_session()`
        return Session() if is_session_name(callee_name(sym.func)) else PASS

    # --- methods -----------------------------------------------------------------------

    def method(self, frame: "Frame", bound: Bound, args: list, kwargs: dict, sym, site: Site, per_row: Query | None) -> object:
        recv = bound.recv
        t = type(recv)
        if t is Query:
            return _query_method(frame, recv, bound.name, args, kwargs, sym, site, per_row)
        if t is Session:
            return session_method(frame, bound.name, args, sym, site, per_row)
        if t is LoaderOption:
            return _loader_option(bound.name, args, recv) if bound.name in sa.LOADER_OPTIONS else recv
        if t is ModelAttr and bound.name in _SAME_RELATION:
            return recv  # `selectinload(Fleet.instances.and_(...))` still loads `instances`
        return PASS

    # --- reporting ---------------------------------------------------------------------

    def relation_label(self, rel) -> str:
        return f'a relationship() loaded lazy="{rel.lazy}"'

    def eager_fix(self, orm, rows: Query, obj: Obj, rel, path: str, where: str, fresh: bool = False) -> str:
        model = orm.models.get(obj.model)
        owner = model.name if model else obj.model.rsplit(".", 1)[-1]
        option = "selectinload" if rel.many else "joinedload"
        if obj.path:
            return f"Add a chained `.{option}({owner}.{rel.name})` under the loader option for `{'.'.join(obj.path)}`{where}"
        return f"Add `.options({option}({owner}.{rel.name}))`{where}"


LIBRARY = SQLAlchemyORM()

_BATCH_FIX = "Fetch the rows for all iterations at once before the loop (`.where(Model.id.in_(ids))`) and look them up in a dict"


def _query_method(frame: "Frame", q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site, per_row: Query | None) -> object:
    text = short(sym)
    if name == "options":
        loaded = set(q.loaded)
        everything = q.everything
        for a in args:
            if type(a) is LoaderOption:
                everything = everything or a.everything
                for path, option in a.paths:
                    if option in sa.SILENCING_OPTIONS:
                        loaded.add(PATH_SEPARATOR.join(path))
            else:
                return replace(q, everything=True, text=text)
        return replace(q, loaded=frozenset(loaded), everything=everything, text=text)
    if name in _CHAIN:
        q = _conditions(frame, q, name, args, kwargs, sym, site)
        bounded = q.bounded or name in ("limit", "slice") or _key_filter(frame, q, name, sym, kwargs)
        narrows = name in ("filter", "filter_by", "where", "having") and bool(args or kwargs)
        return replace(q, text=text, bounded=bounded, filtered=q.filtered or narrows)
    if q.kind in ("result", "scalars", "sa_query", "list") and name in _ROWS:
        if q.kind == "sa_query":
            cost_reports.executed(frame, q, site)
        # rows of an executed select() keep its text: that is where a fix goes
        if q.kind == "result":
            return q
        return replace(q, kind="list", text=q.text if q.from_select else text)
    if name == "scalars" and q.kind == "result":
        return replace(q, kind="scalars")
    if name == "paginate":  # Flask-SQLAlchemy
        return replace(q, kind="page", text=text)
    if name in _SINGLE or name in ("count",):
        if q.kind == "sa_query":
            cost_reports.executed(frame, q, site)
        if q.via is not None and q.owner is not None and q.owner.row_of is not None:
            cost_reports.relation_per_row(frame, q, sym.span)
        elif per_row is not None and q.kind in ("sa_query",):
            cost_reports.query_per_row(frame, site, f"`{text}`", _BATCH_FIX, per_row)
        if name in _SINGLE and q.rows == "objects" and q.kind != "result":
            return single(q)
        return UNKNOWN
    return UNKNOWN


def session_method(frame: "Frame", name: str, args: list, sym: SCall, site: Site, per_row: Query | None) -> object:
    """What a session (or a Core connection) method does: run a statement, get, commit."""
    text = short(sym)
    what = f"`{_sql.written(frame, sym)}`"
    if name in _RUNS:
        q = args[0] if args else UNKNOWN
        if _sql.text_of(q) is not None:
            q = _sql.statement(frame, q, "sqlalchemy", "select", site) or q  # SQLAlchemy 1.x and Core take raw SQL text
        cost_reports.executed(frame, q, site)
        if per_row is not None and (type(q) is Query or (type(q) is Const and q.value == "sql")):
            cost_reports.query_per_row(frame, site, what, None, per_row, write=type(q) is Query and q.statement in _sql.WRITES)
        if type(q) is Query and q.kind == "select":
            if name in _GIVES_SCALARS:
                return replace(q, kind="scalars", origin=q.origin or site, from_select=True)
            if name == "scalar":
                return Obj(q.model) if q.rows == "objects" else UNKNOWN
            return replace(q, kind="result", origin=q.origin or site, from_select=True)
        return UNKNOWN
    if name == "connection":
        return Session()  # `session.connection()`: a Core connection runs statements as the session does
    if name in ("get", "get_one"):
        if args and type(args[0]) is ModelRef:
            if per_row is not None:
                cost_reports.query_per_row(frame, site, what, "Load all the rows at once before the loop: `session.scalars(select(M).where(M.id.in_(ids)))`", per_row)
            return Obj(args[0].model)
        return UNKNOWN
    if name in ("commit", "flush") and per_row is not None:
        cost_reports.query_per_row(frame, site, what, "Add the rows in the loop and commit once after it (or use `session.execute(insert(Model), rows)`)", per_row, write=True)
        return UNKNOWN
    if name == "query":
        if len(args) == 1 and type(args[0]) is ModelRef:
            return Query(args[0].model, "sqlalchemy", "sa_query", site, text=text)
        if args and all(type(a) is ModelAttr for a in args):
            return Query(args[0].model, "sqlalchemy", "sa_query", site, rows="values", text=text)
        return UNKNOWN
    return UNKNOWN


def _conditions(frame: "Frame", q: Query, name: str, args: list, kwargs: dict, sym: SCall, site: Site) -> Query:
    """The conditions, ordering and offset the index rules read (`predicates`)."""
    if not q.model:
        return q
    if name in ("filter", "where") and not q.opaque:
        found = predicates.sqlalchemy_preds(frame.orm, q.model, sym.args, frame.eval, site)
        return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
    if name == "filter_by" and not q.opaque:
        found = predicates.django_preds(frame.orm, q.model, kwargs, site)
        return replace(q, preds=q.preds + found) if found is not None else replace(q, opaque=True)
    if name == "order_by":
        order = predicates.sqlalchemy_order(frame.orm, sym.args, frame.eval, site)
        return replace(q, order=order) if order is not None else q
    if name == "offset" and args and type(args[0]) is not Const and not (sym.args and walks(sym.args[0])):
        return replace(q, offset=site)
    return q


def _key_filter(frame: "Frame", q: Query, name: str, sym: SCall, kwargs: dict) -> bool:
    """`.filter(Model.id == x)`, `.where(Model.id.in_(ids))`, `.filter_by(id=x)`: a known few rows."""
    if name == "filter_by":
        return any(frame.orm.is_key(q.model, k) for k in kwargs)
    if name not in ("filter", "where"):
        return False
    for arg in sym.args:
        if type(arg) is SOp and arg.op == "Compare" and arg.ops == ("Eq",):
            sides = arg.operands
        elif type(arg) is SCall and type(arg.func) is SAttr and arg.func.name == "in_":
            sides = (arg.func.obj,)
        else:
            continue
        for side in sides:
            v = frame.eval(side)
            if type(v) is ModelAttr and v.model == q.model and frame.orm.is_key(v.model, v.name):
                return True
    return False


# a relationship attribute narrowed for a loader option: the option still loads that relation
_SAME_RELATION = frozenset({"and_", "of_type"})


def _loader_option(option: str, args: list, parent: LoaderOption | None) -> LoaderOption:
    if args and type(args[0]) is Const and args[0].value == "*":
        silencing = option in sa.SILENCING_OPTIONS
        return LoaderOption(parent.paths if parent else (), everything=silencing or bool(parent and parent.everything))
    names: list[str] = []
    for a in args:
        if type(a) is ModelAttr:
            names.append(a.name)
        elif type(a) is Const and isinstance(a.value, str):
            names.extend(a.value.split("."))
    base: tuple[str, ...] = parent.paths[-1][0] if parent and parent.paths else ()
    paths = list(parent.paths) if parent else []
    if names:
        paths.append(((*base, *names), option))
    return LoaderOption(tuple(paths), everything=bool(parent and parent.everything))
