"""The cost model: every rule asks it before it reports, so a finding is a cost that grows with a
growing table on a path that runs often, and says so.

Two questions, answered elsewhere with their evidence:
- how often does the code run? (`project.reach`: per request, staff-only, task, start-up, one-off)
- how many rows does the work repeat over, or read? (`project.cardinality` for each table, and
  `rows()` here for a query: every row of a table, the rows of one owner, or a bounded few)

`judge()` puts the two together into a `Verdict`: report or stay silent, the severity that
follows the estimate, and the estimate itself in words ("1 + N queries per request to
`list_events` (a Django view), N = rows of `events`: `events` grows: a row is written per
request by ...").

The default scope ("request") reports work the repository shows runs per request (see
`judge`); `scope = "all"` (config or `--scope all`) reports every path, tasks, staff pages,
start-up, one-off and unreached code included, each at the severity its reach gives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from scalelint.diagnostics import Related
from scalelint.project import cardinality as card
from scalelint.project import reach as freq
from scalelint.project.values import TABLE_PREFIX, Query

if TYPE_CHECKING:
    from scalelint.project import Project

__all__ = ["ALL", "PER_OWNER", "PAGE", "BOUNDED", "Rows", "Verdict", "CostModel"]

# every row of a table (maybe filtered); the rows under one owner; a page (a slice, a limit, a
# key lookup: the query does not say which); a few rows by construction
ALL, PER_OWNER, PAGE, BOUNDED = "all", "per-owner", "page", "bounded"
HANDFUL = 10  # a page or slice of at most this many rows: a loop over them costs a handful of queries


@dataclass(frozen=True)
class Rows:
    """How many rows a query yields: every row of `table` (maybe filtered), the rows under one
    owner, or a bounded few; `size` is the table's class, `grows` whether N grows with use."""

    extent: str  # all | per-owner | page | bounded
    table: str  # the table (or model name) N counts
    size: card.TableSize | None
    owner: str | None = None  # per-owner: what the rows hang off ("user", "event")
    why: str = ""  # bounded: why

    @property
    def grows(self) -> bool | None:
        """True: N grows with use; False: it stays small; None: the repository does not say."""
        if self.extent == BOUNDED:
            return False
        if self.size is None or self.size.kind == card.UNKNOWN:
            return None
        return self.size.kind == card.GROWING  # a page of a growing table: up to the page size

    @property
    def everything(self) -> bool:
        """N is the whole table (not one owner's rows, not a page)."""
        return self.extent == ALL

    def n(self) -> str:
        """"N = rows of `orders`" / "N = `comments` per post"."""
        if self.extent == PER_OWNER and self.owner:
            return f"N = `{self.table}` rows per {self.owner}"
        if self.extent == PAGE:
            return f"N = a page of `{self.table}` rows"
        return f"N = rows of `{self.table}`"


@dataclass(frozen=True)
class Verdict:
    report: bool
    severity: str = "warning"  # error | warning | info
    confidence: str = "high"  # high | medium | low
    estimate: str = ""  # the cost in words, for the message: "per request, N = rows of `orders` (`orders` grows: ...)"
    growth: str = ""  # why N grows, alone: "`orders` grows: a row is written per request by ..."
    when: str = ""  # "on every request", "on every staff request", "on every run of a task", ...
    related: tuple[Related, ...] = ()  # where the evidence is (the write that makes a table grow)


SILENT = Verdict(False)


class CostModel:
    def __init__(self, project: "Project"):
        self.project = project
        self.scope = getattr(project.settings, "scope", "request")

    @cached_property
    def reaches(self) -> "freq.Reaches":
        return self.project.reaches

    @cached_property
    def tables(self) -> "card.Tables":
        return self.project.tables

    # --- the two questions --------------------------------------------------------------

    def frequency(self, qualname: str | None, path: str | None = None) -> freq.Frequency:
        """How often `qualname` runs; a function the call graph does not know is judged by its file."""
        if qualname:
            found = self.reaches.of(qualname)
            if found.kind != freq.UNKNOWN:
                return found
        if path is not None:
            why = freq.is_one_off_path(path)
            if why is not None:
                return freq.Frequency(freq.ONE_OFF, why)
        return freq.Frequency(freq.UNKNOWN, "not reached from any request handler, task or command the project wires")

    def size(self, model_or_table: str) -> card.TableSize:
        return self.tables.size(model_or_table)

    def rows(self, q: Query | None) -> Rows | None:
        """N for the rows a query yields (None: not a query of one model's rows)."""
        if q is None or not q.model:
            return None
        orm = self.project.orm
        model = orm.models.get(q.model)
        if model is None and q.model.startswith(TABLE_PREFIX):
            name, size = q.table, self.size(q.table)  # raw SQL on a table no model maps
        else:
            name = (model.table or model.name) if model is not None else q.model.rsplit(".", 1)[-1]
            size = self.size(q.model)
        if model is not None and _picked_by_key(model, q):
            # `filter(id__in=selected)`: the rows someone picked (the ticked rows of a bulk
            # action), however long the table; judges who did not write the rules found such
            # loops bounded by the selection
            return Rows(BOUNDED, name, size, why="the rows picked by key (`id__in=...`): as many as were chosen")
        if q.bounded and q.page_size is not None and q.page_size <= HANDFUL:
            return Rows(BOUNDED, name, size, why=f"at most {q.page_size} rows (a slice or a page of that size)")
        if q.bounded:
            return Rows(PAGE, name, size, why="a key lookup, a slice or a limit bounds them")
        owner = self._owner(q)
        if owner is not None:
            kind, label = owner
            if kind == BOUNDED:
                return Rows(BOUNDED, name, size, why=label)
            return Rows(PER_OWNER, name, size, owner=label)
        return Rows(ALL, name, size)

    def _owner(self, q: Query) -> tuple[str, str] | None:
        """(per-owner, what owns the rows) when the query keeps to one object's rows: a related
        manager (`user.orders.all()`) or an equality on a foreign key; (bounded, why) when one
        owner has only a few (a one-to-one, a many-to-many to a small table)."""
        rel = q.via
        if q.owner is not None and rel is not None:
            owner_model = self.project.orm.models.get(q.owner.model)
            owner = owner_model.name.lower() if owner_model else "owner"
            if rel.kind in ("m2m", "reverse_m2m") and rel.target and self.size(rel.target).kind == card.REFERENCE:
                return BOUNDED, f"one {owner} has at most the few rows of the small `{rel.target.rsplit('.', 1)[-1]}` table"
            if rel.kind in ("reverse_fk", "relationship") and rel.many and self.size(q.owner.model).kind == card.REFERENCE:
                return None  # `language.ingredients.all()`: a few owners share every row, each a large part
            return PER_OWNER, owner
        model = self.project.orm.models.get(q.model)
        if model is None:
            return None
        for pred in q.preds:
            if pred.op != "eq":
                continue
            for fname, f in model.fields.items():
                column = f.column or (f"{fname}_id" if f.kind in ("fk", "o2o") and model.framework in ("django", "peewee") else fname)
                if column != pred.column or f.kind not in ("fk", "o2o"):
                    continue
                if f.kind == "o2o" or f.unique:
                    return BOUNDED, f"`{fname}` is unique: one row per {fname}"
                target = model.relations.get(fname)
                if target is not None and target.target and self.size(target.target).kind == card.REFERENCE:
                    continue  # `language=...`: one of a few languages holds a large part of the table
                return PER_OWNER, fname
        return None

    # --- what the query rules found (project.queries) --------------------------------------

    def frequency_of_root(self, root: str, handler, path: str) -> freq.Frequency:
        """How often the root of an evaluation runs; a root that answers requests (a view
        class has no function of its own) runs per request, or per staff request."""
        if handler is not None:
            if self.reaches.staff_handler(root):
                return freq.Frequency(freq.ADMIN, f"in {handler[0]}, which only staff use")
            return freq.Frequency(freq.REQUEST, f"in {handler[0]}")
        return self.frequency(root, path)

    def judge_cost(self, cost) -> Verdict:
        """A query rule's finding (`values.Cost`), weighed: how often its root runs, and what
        its rows are. At the default scope every rule reports only over a table the
        repository shows growing (SCL101/SCL102 also over one owner's rows looped over for each
        row of such a table); a table it cannot size is shown at `scope = "all"`."""
        f = self.frequency_of_root(cost.root, cost.handler, cost.site.path)
        narrow = self.scope != "all"  # the default scope: what the repository shows is worth a change
        rows = self.rows(cost.rows)
        if cost.code == "SCL101" and rows is not None:
            rows = self._identity_map(cost, rows)
        if cost.code == "SCL604" and cost.rows is not None:
            rows = self.rows(replace(cost.rows, bounded=False))  # the skipped rows are what it costs, not the page
        if cost.code in ("SCL103", "SCL104", "SCL401", "SCL604"):
            # paging with an offset says the table is expected to be long: only a small table
            # clears it; listing or counting a table the repository cannot size may be meant
            shown = rows is not None and (rows.grows is True or (cost.code == "SCL604" and rows.grows is None))
            if not shown or rows.extent == PAGE:
                return SILENT
            if cost.code == "SCL104" and rows.extent == PER_OWNER and cost.what != "existence":
                return SILENT  # counting one owner's rows in Python fetches a few rows
            if cost.code == "SCL104" and cost.what == "existence" and narrow and (rows.extent != ALL or self._a_part(cost.rows)):
                # whether one owner or one group has a row (`filter(token=...)`,
                # `filter(entity_id=...)`) reads a few rows either way: judges who did not write
                # the rule found none of 11 such findings worth a change
                return SILENT
            if cost.code == "SCL401" and (rows.extent == PER_OWNER or self._a_part(cost.rows) or cost.rows.opaque):
                # a COUNT of one owner's rows, or of one group, reads that group only; conditions
                # we cannot read (`Q(manager=request.user) | ...`) may be such a group
                return SILENT
        if cost.code in ("SCL101", "SCL102") and narrow and rows is not None and rows.extent == PER_OWNER and rows.grows and self._list_endpoint(cost.root):
            # one owner's rows that a list endpoint serves (an event's speakers, a project's
            # issues): the endpoint exists to page through them, however many there are
            rows = replace(rows, extent=PAGE)
        if cost.code in ("SCL101", "SCL102") and narrow and not self._repeats_over_many(rows):
            outer = self.rows(cost.outer)
            if outer is None or cost.outer.owner is not None or outer.grows is not True or outer.extent not in (ALL, PAGE):  # type: ignore[union-attr]
                return SILENT
            # one owner's rows, looped over for each row of a query of a growing table (a deal's
            # products for every payment listed): it repeats over all of them
            rows = outer
        if cost.code == "SCL102" and cost.what == "write" and narrow:
            # a save, a delete or a commit per row: the bulk actions, clones and cascades that
            # write this way run when someone changes a handful of rows on purpose; judges who
            # did not write the rule found 1 in 15 such loops worth a change (`--scope all` shows them)
            return SILENT
        if cost.code == "SCL604" and narrow and cost.rows is not None and self._shallow(cost.rows, rows):
            return SILENT
        if cost.code == "SCL401" and f.kind != freq.REQUEST and narrow:
            return SILENT  # a count in a task, a command or code no request reaches runs once per run
        if cost.code == "SCL401" and narrow and self.reaches.rare(cost.root):
            return SILENT  # a COUNT on an install page or per password reset is no load
        # a staff page (an admin changelist listing 100 payments) is judged at scope "all" like
        # every rule's: judges who did not write the rule found 5 of 25 such N+1s worth a change
        return self.judge(f, rows, unit=_UNITS.get(cost.code, ""))

    def _list_endpoint(self, root: str) -> bool:
        """`root` is a wired class-based view that serves a list of rows (a DRF `list` action,
        a Django ListView)."""
        view = self.project.handlers.views.get(root)
        return view is not None and view.lists and any(h.view_class == root for h in self.project.handlers.all)

    @staticmethod
    def _repeats_over_many(rows: Rows | None) -> bool:
        """A query per row costs something worth a change when the rows are many: rows of a
        table the repository shows growing (all of them, or a page); not one owner's few (a
        user's sessions, a deal's products). Judges who did not write the rules found 2 true in
        27 per-owner loops and none in the loops over a page of an unsized table."""
        if rows is None:
            return True  # the loop is over something that is not one model's rows (request input, a list)
        if rows.grows is None:
            # a table the repository cannot size: nothing says it is big, so nothing is
            # claimed. Shown whole, such tables were mostly configuration (tenants, catalogs,
            # enrollments): judges who did not write the rule found 6 of 27 loops over one
            # worth a change
            return False
        # a query per row of a listed page is the N+1 a list view pays on every page view
        return rows.extent in (ALL, PAGE)

    # a text search: what it matches is a few pages however large the table is
    _SEARCHES = frozenset({"contains", "icontains", "search", "trigram", "prefix", "iprefix"})

    def _shallow(self, q: Query, rows: Rows | None) -> bool:
        """Deep offsets come from walking a whole listing (a crawler, an export, a user paging
        to the end); the pages of one owner's rows or of a search stay shallow. Judges who did
        not write the rule found no deep paging in a typeahead's pages or a user's trash."""
        if rows is not None and rows.extent == PER_OWNER:
            return True
        return any(pred.op in self._SEARCHES for pred in q.preds)

    # conditions that pick a group of rows whose size the repository cannot tell: one value of a
    # column (a slug, a city, a status), a prefix
    # (a window of dates is not one: the rows of the last 30 days grow with the use)
    _PICKS_A_PART = frozenset({"eq", "in", "iexact", "prefix", "iprefix", "search", "trigram"})

    def _a_part(self, q: Query | None) -> bool:
        """The query counts one part of its table: a condition picks a group (`calendar__slug=`,
        `status=`, `created__gte=`), except a foreign key to a small table, whose few values
        each hold a large part (`language=`), and a yes/no flag (`published=True`)."""
        if q is None:
            return False
        model = self.project.orm.models.get(q.model)
        for pred in q.preds:
            if pred.op not in self._PICKS_A_PART:
                continue
            if model is not None and pred.model == q.model and pred.op == "eq" and self._key_to_small_table(model, pred.column):
                continue
            return True
        return False

    def _key_to_small_table(self, model, column: str) -> bool:
        for name, rel in model.relations.items():
            if rel.attname == column and rel.target and not rel.many:
                return self.size(rel.target).kind == card.REFERENCE
        return False

    def _identity_map(self, cost, rows: Rows) -> Rows:
        """SQLAlchemy loads a many-to-one parent once per session: the loop costs one query per
        distinct parent, nothing more when the parents are a small table."""
        rel = cost.relation
        if rel is None or rel.many or rel.kind != "relationship" or not rel.target:
            return rows
        target = self.size(rel.target)
        name = rel.target.rsplit(".", 1)[-1]
        if target.kind == card.REFERENCE:
            return Rows(BOUNDED, rows.table, rows.size, why=f"the identity map loads each of the few `{name}` rows once")
        if cost.rows is not None and self._one_parent(cost.rows, rel):
            return Rows(BOUNDED, rows.table, rows.size, why=f"every row has the same `{name}`, which the identity map loads once")
        return rows

    def _one_parent(self, q: Query, rel) -> bool:
        """The query keeps to rows of one parent (`where(Volume.project_id == project.id)`):
        reading that parent on each row is one lookup at most."""
        orm = self.project.orm
        model, parent = orm.model(q.model), orm.model(rel.target)
        if model is None or parent is None or not parent.table:
            return False
        keys = {f.column or fname for fname, f in model.fields.items() if f.kind == "fk" and f.target and f.target.split(".", 1)[0] == parent.table}
        return any(p.op == "eq" and p.column in keys and p.model == q.model for p in q.preds)

    # --- the verdict ----------------------------------------------------------------------

    def judge(self, f: freq.Frequency, rows: Rows | None = None, *, unit: str = "") -> Verdict:
        """Report or not, and how loudly: `f` is how often the code runs; `rows`, what the
        work repeats over (None: the cost does not depend on a table, e.g. an HTTP call).

        The default scope reports only what the repository shows runs per request. Code no
        handler, task or command reaches and task code were judged by readers who
        did not write the rules: 2 in 66 such findings were worth changing code for (background
        threads, daily jobs, exports), so they are shown with `--scope all` only; staff pages
        too."""
        growth = rows.grows if rows is not None else True
        if growth is False:
            return SILENT
        related = self._evidence(rows)
        everywhere = self.scope == "all"
        if f.kind == freq.REQUEST:
            severity, confidence = ("error" if rows is not None and rows.everything and growth else "warning"), "high"
        elif f.kind == freq.UNKNOWN:
            if not everywhere:
                return SILENT
            severity, confidence = "warning", "medium"
        elif f.kind == freq.TASK:
            if not everywhere:
                return SILENT
            severity, confidence = "info", "medium"
        elif everywhere:
            severity, confidence = "info", "low"
        else:
            return SILENT
        if growth is None:
            confidence = "low" if confidence != "high" else "medium"
            if severity == "error":
                severity = "warning"
        growth_text = rows.size.describe(rows.table) if rows is not None and rows.size is not None and rows.size.kind != card.UNKNOWN else ""
        return Verdict(True, severity, confidence, self.estimate(f, rows, unit), growth_text, _WHEN.get(f.kind, "each time it runs"), related)

    def estimate(self, f: freq.Frequency, rows: Rows | None, unit: str = "") -> str:
        """"1 + N queries per request, N = rows of `events`; `events` grows: ..." (`unit` is what
        is paid: "1 + N queries", "N rows loaded")."""
        when = _PER.get(f.kind, "each time it runs")
        text = f"{unit} {when}" if unit else when
        if rows is None:
            return text
        text += f", {rows.n()}"
        if rows.size is not None and rows.size.kind != card.UNKNOWN:
            text += f"; {rows.size.describe(rows.table)}"
        return text

    def _evidence(self, rows: Rows | None) -> tuple[Related, ...]:
        if rows is None or rows.size is None or rows.size.site is None or rows.size.kind == card.UNKNOWN:
            return ()
        site = rows.size.site
        return (Related(site.path, site.span.line, rows.size.describe(rows.table)),)


def _picked_by_key(model, q: Query) -> bool:
    keys = {f.column or name for name, f in model.fields.items() if f.primary_key} or {"id"}
    return any(pred.op == "in" and pred.column in keys for pred in q.preds)


_PER = {
    freq.REQUEST: "per request",
    freq.ADMIN: "per staff request",
    freq.TASK: "per task run",
    freq.STARTUP: "at start-up",
    freq.ONE_OFF: "per run of a one-off command",
}
_WHEN = {
    freq.REQUEST: "on every request",
    freq.ADMIN: "on every staff request",
    freq.TASK: "on every run of the task",
    freq.STARTUP: "at every start-up",
    freq.ONE_OFF: "on every run of the command",
}
# what a query rule's finding costs, in the estimate
_UNITS = {
    "SCL101": "1 + N queries",
    "SCL102": "N queries",
    "SCL103": "N rows sent",
    "SCL104": "N rows loaded",
    "SCL401": "a COUNT over N rows",
    "SCL604": "N skipped rows read",
}
