"""What a symbolic expression stands for once the project's models are known.

The evaluator (`project.queries`) turns the per-file symbolic trees (`facts.Sym`) into these
values. Anything it cannot pin down is `UNKNOWN`, and rules say nothing about unknowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    framework: str  # django | sqlalchemy
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
    bounded: bool = False
    filtered: bool = False  # some condition narrows the rows (`filter`, `exclude`, `where`, `filter_by`)
    # conditions and ordering on columns (project.predicates.Pred), for the index rules;
    # `opaque`: some condition could not be read (an OR, a Q object, a raw expression)
    preds: tuple = ()
    order: tuple = ()
    opaque: bool = False
    offset: "Site | None" = None  # a row offset that is not a constant (`.offset(n)`, `qs[start:end]`)  # at most a known few rows: filtered on a key (`pk=`, `id__in=`, `Model.id.in_(...)`), sliced or limited


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
class Session:
    """A SQLAlchemy session (or Flask-SQLAlchemy `db.session`)."""


@dataclass(frozen=True)
class Cursor:
    """A DB-API cursor or connection (`connection.cursor()`)."""


@dataclass(frozen=True)
class LoaderOption:
    """A SQLAlchemy loader option: the relation paths it names and the option applied last."""

    paths: tuple[tuple[tuple[str, ...], str], ...]  # (path of relation names, option name)
    everything: bool = False  # `raiseload("*")` / `noload("*")`


@dataclass(frozen=True)
class Prefetch:
    lookup: str
    to_attr: str | None = None
    inner: Query | None = None


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
class Enumerated:
    inner: object  # `enumerate(x)` / `zip(x, ...)`-like wrappers whose element 1 is x's element


@dataclass
class Cost:
    """Work found while evaluating: once per row (SCL101, SCL102) or rows counted the slow way (SCL104)."""

    code: str  # SCL101 | SCL102 | SCL104
    site: Site  # where to report
    message: str
    fix: str
    related: list[tuple[Site, str]] = field(default_factory=list)
    subject: str = ""  # the model it is about, for rule options (SCL103 `small-tables`)
    edits: tuple = ()  # diagnostics.Edit: the fix as text edits, when it can be written
    applicability: str = "display"
