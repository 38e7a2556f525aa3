"""What a symbolic expression stands for once the project's models are known.

The evaluator (`project.evaluator`) turns the per-file symbolic trees (`facts.Sym`) into these
values. Anything it cannot pin down is `UNKNOWN`, and rules say nothing about unknowns. Values
a single data-access library makes (a SQLAlchemy session, a DB-API cursor) are defined in that
library's module (`project.libraries`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scalelint.facts import Span


@dataclass(frozen=True)
class Site:
    """A place in the project: a file and a span in it."""

    path: str
    span: Span


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class ModelRef:
    """An ORM model class (`Event`)."""

    model: str  # qualname


@dataclass(frozen=True)
class ModelAttr:
    """A class attribute of a model, as SQLAlchemy loader options name relations (`Trip.company`)."""

    model: str
    name: str


@dataclass(frozen=True)
class Query:
    """Rows of one model that a query yields when iterated (or will, once executed).

    `loaded`: relation paths fetched with the rows, Django style (`organizer`, `event__organizer`).
    `everything`: no relation read on these rows queries (`select_related()` with no argument,
    `raiseload("*")`, Django 6.1 `fetch_mode(...)`).
    """

    model: str
    framework: str  # the library that runs it (project.libraries): django | sqlalchemy | sqlmodel
    kind: str  # manager | queryset | related | sa_query | select | result | scalars | list | page
    origin: Site | None  # where the query is written (the call that starts it)
    loaded: frozenset[str] = frozenset()
    everything: bool = False
    rows: str = "objects"  # objects | values (dicts, tuples, columns: nothing lazy to read)
    # the Relation whose manager gave these rows (Django pre-seeds its opposite); not compared,
    # so that values stay hashable (evaluations are memoised by their arguments)
    via: object = field(default=None, compare=False)
    cached: bool = False  # a prefetched related manager's rows: no query when read
    fresh: bool = False  # a related manager filtered / ordered: its own query, not the prefetch cache
    owner: "Obj | None" = None  # the instance a related manager / dynamic relation belongs to
    to_attr: tuple[tuple[str, str, frozenset[str]], ...] = ()  # Django Prefetch(to_attr=...): (attribute, relation path, what its queryset loads)
    text: str = ""  # the query as the user wrote it, shortened, for messages
    from_select: bool = False  # rows of a `select()` run by `session.execute/scalars`: `text` is the select
    bounded: bool = False  # at most a known few rows: filtered on a key (`pk=`, `id__in=`, `Model.id.in_(...)`), sliced or limited
    filtered: bool = False  # some condition narrows the rows (`filter`, `exclude`, `where`, `filter_by`)
    # conditions and ordering on columns (project.predicates.Pred), for the index rules;
    # `opaque`: some condition could not be read (an OR, a Q object, a raw expression)
    preds: tuple = ()
    order: tuple = ()
    opaque: bool = False
    page_size: int | None = None  # bounded by a known number of rows (`qs[:5]`, `paginate_by = 6`)
    empty: bool = False  # `Model.objects.none()`: no rows at all (a placeholder another branch replaces)
    offset: "Site | None" = None  # a row offset that is not a constant (`.offset(n)`, `qs[start:end]`)
    # raw SQL (project.raw_sql): the table it reads, and what kind of statement it is
    # (select | insert | update | delete | catalog: a select of the database's own catalog, whose
    # rows are the schema's, not the data's); `model` is the table's model, else `table:<name>`
    table: str = ""
    statement: str = ""


@dataclass(frozen=True)
class Obj:
    """One model instance. `row_of` is the query it is one row of (None: a single object)."""

    model: str
    loaded: frozenset[str] = frozenset()
    everything: bool = False
    row_of: Query | None = None
    path: tuple[str, ...] = ()  # relations followed from the row of `row_of` to reach this object
    preseeded: str | None = None  # the relation Django filled in from the manager that gave this row
    to_attr: tuple[tuple[str, str, frozenset[str]], ...] = ()
    row_site: "Site | None" = None  # the iterable of the loop this row comes from (where an eager load can be added)


@dataclass(frozen=True)
class Bound:
    """A method looked up on a value, waiting for its call (`qs.filter`, `session.get`)."""

    recv: object
    name: str
    site: Site


@dataclass(frozen=True)
class Func:
    """A function or method of the project."""

    qualname: str
    self_value: object = None  # the bound `self` of a method looked up on an instance


@dataclass(frozen=True)
class External:
    """A name from outside the project, qualified (`sqlalchemy.orm.joinedload`, `builtins.len`)."""

    qual: str






@dataclass(frozen=True)
class Instance:
    """An instance of a project class that is not a model (a view), for `self.method()`."""

    cls: str


@dataclass(frozen=True)
class Seq:
    items: tuple[object, ...] = ()
    constant: bool = True  # a literal whose length the code fixes


@dataclass(frozen=True)
class Mapping:
    items: tuple[tuple[object, object], ...] = ()


@dataclass(frozen=True)
class Const:
    value: object


@dataclass(frozen=True)
class Text:
    """A string built from constants and parts unknown here (an f-string's fields, `+`, `%`,
    `.format()`): each unknown part is HOLE. Raw SQL is often written so."""

    value: str


HOLE = "\x00"


@dataclass(frozen=True)
class Enumerated:
    inner: object  # `enumerate(x)` / `zip(x, ...)`-like wrappers whose element 1 is x's element


@dataclass
class Cost:
    """Work found while evaluating: once per row (SCL101, SCL102), every row of a table
    (SCL103), rows counted the slow way (SCL104), a computed offset (SCL604).

    What the cost model needs to judge it: `root`, the function (or view class) whose own
    evaluation found it, however deep the helper it sits in; `handler`, how that root answers
    requests (label, framework), None when it does not; `rows`, the query whose rows drive
    the repetition or the size (the loop's rows for SCL101/SCL102, the listed, counted or paged
    query for SCL103/SCL104/SCL604), None when unknown; `relation`, the relation read (SCL101).
    """

    code: str  # SCL101 | SCL102 | SCL103 | SCL104 | SCL604
    site: Site  # where to report
    message: str
    fix: str
    related: list[tuple[Site, str]] = field(default_factory=list)
    subject: str = ""  # the model it is about, for rule options (SCL103 `small-tables`)
    edits: tuple = ()  # diagnostics.Edit: the fix as text edits, when it can be written
    applicability: str = "display"
    root: str = ""
    handler: tuple[str, str] | None = None
    rows: Query | None = None
    relation: object = None  # project.orm.Relation
    what: str = ""  # SCL104: "count" (rows fetched to be counted) or "existence" (counted to test one exists)
    # the rows of the caller's loop around the one that repeats (a helper looping over one deal's
    # products, called for every payment): the repetition is over both
    outer: Query | None = None


# --- what every library's values have in common ---------------------------------------------

# Query kinds that are not rows yet: a statement a session has to run (`select(Trip)`)
STATEMENT_KINDS = frozenset({"select"})
# ... and those whose rows are not model instances (a `Result` of Row tuples)
NOT_OBJECT_KINDS = frozenset({"select", "result"})
# relation paths in `Query.loaded` / `Obj.loaded` are written Django style, whatever the library
PATH_SEPARATOR = "__"
# the "model" of rows of a table no model maps (raw SQL): `table:events`
TABLE_PREFIX = "table:"


def rows_name(orm, model: str) -> str:
    """How a message names the rows of `model`: the model's name, or the table's."""
    found = orm.models.get(model)
    if found is not None:
        return found.name
    return model[len(TABLE_PREFIX) :] if model.startswith(TABLE_PREFIX) else model.rsplit(".", 1)[-1]


def rows_of(value: object) -> Query | None:
    """The query whose rows iterating `value` yields (through `enumerate(...)`), else None."""
    while type(value) is Enumerated:
        value = value.inner  # type: ignore[union-attr]
    return value if is_rows(value) else None  # type: ignore[return-value]


def is_rows(value: object) -> bool:
    """`value` gives a query's rows when iterated (a raw statement only when it selects data)."""
    if type(value) is Enumerated:
        return is_rows(value.inner)  # type: ignore[union-attr]
    return type(value) is Query and value.kind not in STATEMENT_KINDS and bool(value.model) and value.statement in ("", "select")  # type: ignore[union-attr]


def single(q: Query) -> object:
    """The one object a query gives (`.get()`, `.first()`, `qs[0]`), with its eager loads."""
    if q.rows != "objects" or not q.model or q.kind in NOT_OBJECT_KINDS:
        return UNKNOWN
    return Obj(q.model, loaded=q.loaded, everything=q.everything)


def merge_values(values: list[object]) -> object:
    """What a name holds when it holds one of `values`: their common part, else UNKNOWN."""
    known = [v for v in values if v is not UNKNOWN]
    if not known or len(known) != len(values):
        return UNKNOWN
    if len(known) > 1 and any(type(v) is Query and v.empty for v in known):
        # `get_base_queryset() or self.queryset` with `queryset = Model.objects.none()`: the
        # empty one yields no rows to read, so the others say what the rows load
        rows = [v for v in known if not (type(v) is Query and v.empty)]
        if rows:
            known = values = rows
    first = known[0]
    if all(v == first for v in known):
        return first
    if all(type(v) is Query for v in known):
        qs: list[Query] = known  # type: ignore[assignment]
        if len({(q.model, q.framework, q.rows) for q in qs}) == 1:
            # what some branch loads may be what the code reads under the same condition
            # (`if expand: qs = qs.prefetch_related("submissions")`): not claimed missing
            loaded = frozenset.union(*(q.loaded for q in qs))
            # the conditions of a branch we can read stand for the query (`if viewer: qs =
            # qs.exclude(blocks=viewer)` leaves the conditions the other branch shows)
            base = next((q for q in qs if not q.opaque), qs[0])
            return replace(base, loaded=loaded, everything=any(q.everything for q in qs), cached=all(q.cached for q in qs))
    return UNKNOWN
