from scalelint.facts import SAttr, SCall, SConst, SEach, SName, SOp, SParam, SUnknown, Sym
from scalelint.frameworks import caching
from scalelint.project import raw_sql
from scalelint.project.callgraph import children, dotted, walk
from scalelint.project.counting import Parents
from scalelint.project.queries import report_costs
from scalelint.project.values import TABLE_PREFIX, Query
from scalelint.rule import Rule

# query methods that keep every row of the table in the count
_KEEPS_ROWS = frozenset({"all", "join", "outerjoin", "order_by", "select_related", "prefetch_related", "only", "defer", "using", "distinct", "values", "values_list", "options"})
# conditions: a table-wide count when nothing in them comes from the request
_CONDITIONS = frozenset({"filter", "exclude", "filter_by", "where"})
_EXECUTES = frozenset({"execute", "scalar", "scalars", "exec"})
_SELECTS = frozenset({"sqlalchemy.select", "sqlalchemy.sql.select", "sqlalchemy.future.select", "sqlmodel.select"})
_PER_REQUEST_NAMES = frozenset({"request", "g", "session", "current_user", "current_app"})
_MAX_CHAIN = 12
_TIME_TYPES = frozenset({"date", "datetime"})


class UncachedHotCount(Rule):
    code = "SCL401"
    name = "uncached-hot-count"
    summary = "A COUNT over a whole table (or a table-wide condition) run on every request, with no cache in front of it."
    message = "A whole-table COUNT runs on every request"
    fix_title = "Cache the number with a TTL (`cache.get_or_set(key, ..., 300)`), or keep a counter column updated on write"

    def check(self, project, report):
        graph = project.callgraph
        reached = graph.request_path(
            roots=lambda root: root.kind != "signal" and not _cached_where_wired(project, root),
            # a function memoised by a decorator of the project (`@cache_result(ttl=300)`) is
            # cached too: its wrapper asks the cache before calling it
            stop=lambda path, fn: caching.reads_a_cache(fn) or any(caching.reads_a_cache(w) for w in graph.wrappers(path, fn)),
            key="uncached-count",
        )
        costs = project.costs
        reported: set[tuple[str, int, int]] = set()
        narrow = project.settings.scope != "all"
        for qualname, reach in reached.items():
            how_often = costs.frequency(qualname)  # staff-only pages are not counted as hot
            path, fn = graph.functions[qualname]
            counted = _Counts(project, path, fn)
            for sym in walk(fn):
                found = counted.judge(sym)
                if found is None:
                    continue
                span, what, model = found
                if narrow and project.reaches.rare(qualname):
                    break  # a COUNT on an install page or per password reset is no load
                table = model[len(TABLE_PREFIX) :] if model and model.startswith(TABLE_PREFIX) else ""  # raw SQL on a table no model maps
                rows = costs.rows(Query(model, "", "count", None, table=table)) if model else None
                if narrow and (rows is None or rows.grows is not True):
                    continue  # a COUNT costs something only on a table the repository shows growing
                verdict = costs.judge(how_often, rows)
                if not verdict.report:
                    continue
                grows = f" ({verdict.growth})" if verdict.growth else ""
                reported.add((path, span.line, span.column))
                report(
                    path,
                    span,
                    f"{what} {reach.describe()}: the database counts them again {verdict.when}, and the cost grows with the table{grows}",
                    related=[*reach.related(), *verdict.related],
                    severity=verdict.severity,
                    confidence=verdict.confidence,
                )
        # what the query evaluation counts (a paginator's page over a query the view builds):
        # asked of the cost model, which stays silent on one owner's rows and on small tables
        report_costs(project, self.code, report, skip=lambda cost: self._skip(project, cost, reported))

    @staticmethod
    def _skip(project, cost, reported) -> bool:
        site = cost.site
        if (site.path, site.span.line, site.span.column) in reported:
            return True
        found = project.callgraph.functions.get(cost.root)
        if found is None:  # a class-based view's root is its class
            cls = _class_named(project, cost.root)
            return cls is not None and caching.caches_the_class(cls.decorators)
        root = next((r for r in project.callgraph.roots if r.qualname == cost.root), None)
        return caching.reads_a_cache(found[1]) or (root is not None and _cached_where_wired(project, root))


def _class_named(project, qualname: str):
    module = qualname.rpartition(".")[0]
    found = project.find_module(module)
    if found is None:
        return None
    return next((c for c in found[1].classes if c.qualname == qualname), None)


def _cached_where_wired(project, root) -> bool:
    """`path("stats/", cache_page(60)(views.stats))`: the URLconf caches the whole view."""
    if root.wired is None:
        return False
    text = project.text_at(root.wired[0], _line(root.wired[1])) or ""
    return "cache_page(" in text


def _line(n: int):
    from scalelint.facts import Span

    return Span(n, 1, n, 10**6)


class _Counts:
    """Recognises table-wide counts among one function's symbolic values."""

    def __init__(self, project, path: str, fn):
        self.bounds = _time_bounds(fn)
        self.project = project
        self.path = path
        self.fn = fn
        self.seen: set[tuple[int, int]] = set()
        self._parents: Parents | None = None

    def only_tested(self, node: Sym) -> bool:
        if self._parents is None:
            self._parents = Parents(self.fn)
        return self._parents.only_tested(node)

    def judge(self, sym: Sym):
        """(where to report, what is counted) for a table-wide count, else None."""
        t = type(sym)
        if t is SCall and type(sym.func) is SAttr:  # type: ignore[union-attr]
            func: SAttr = sym.func  # type: ignore[assignment, union-attr]
            if func.name == "count" and not sym.args and not sym.kwargs:  # type: ignore[union-attr]
                model = self._query_model(func.obj) if not self.only_tested(sym) else None
                return self._found(func.span, sym, model)  # type: ignore[arg-type]
            if func.name in _EXECUTES and sym.args:  # type: ignore[union-attr]
                return self._executed(sym)  # type: ignore[arg-type]
            if func.name in ("scalar", "one", "scalar_one", "first") and not sym.args:  # type: ignore[union-attr]
                model = self._session_query(func.obj, counting=True)
                return self._found(func.span, sym, model)  # type: ignore[arg-type]
        return None  # a Django Paginator's count is the query evaluation's (cost_reports.paged_count)

    def _found(self, span, whole: Sym, model: str | None):
        if not model or (span.line, span.column) in self.seen:
            return None
        self.seen.add((span.line, span.column))
        text = self.project.text_at(self.path, whole.span) or ""  # type: ignore[union-attr]
        shown = f"`{text}`" if text and "\n" not in text and len(text) <= 80 else f"this `{model.rsplit('.', 1)[-1]}` query"
        return span, f"{shown} counts every `{model.rsplit('.', 1)[-1]}` row it matches", model

    # --- Django querysets and SQLAlchemy queries ------------------------------------------

    def _query_model(self, sym: Sym) -> str | None:
        """The model a query counts when the query keeps the whole table or narrows it only
        with conditions that do not depend on the request: `Event.objects.all()`,
        `Event.objects.filter(public=True)`, `Event.query`, `db.session.query(Event)`."""
        sym = _past_steps(sym, self.bounds)
        if _method(sym) == "query":
            return self._session_query(sym, counting=False)
        if type(sym) is not SAttr:
            return None
        model = self._model(sym.obj)  # type: ignore[union-attr]
        return model.qualname if model is not None and sym.name in model.managers else None  # type: ignore[union-attr]

    def _session_query(self, sym: Sym, *, counting: bool) -> str | None:
        """`session.query(Model)` (counting=False) or `session.query(func.count(...))` (counting=True),
        followed by table-wide conditions."""
        sym = _past_steps(sym, self.bounds)
        if _method(sym) != "query":
            return None
        if not _is_session(sym.func.obj) or len(sym.args) != 1:  # type: ignore[union-attr]
            return None
        if counting:
            return self._counted_model(sym.args[0])  # type: ignore[union-attr]
        model = self._model(sym.args[0])  # type: ignore[union-attr]
        return model.qualname if model is not None else None

    def _executed(self, call: SCall):
        """`session.execute(select(func.count()).select_from(Event))`, `session.scalar(...)`,
        `cursor.execute("SELECT COUNT(*) FROM events")`, `conn.execute(text("..."))`."""
        arg = call.args[0]
        if type(arg) is SCall and dotted(arg.func) in ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text") and arg.args:  # type: ignore[union-attr]
            arg = arg.args[0]  # type: ignore[union-attr]
        sql = raw_sql.sym_text(self.project, arg) if type(arg) in (SConst, SName, SOp) else None
        if sql is not None:
            return self._raw(call, sql) if _counts_a_table(raw_sql.normalised(sql)) else None
        if not _is_session(call.func.obj) and call.func.name != "execute":  # type: ignore[union-attr]
            return None
        sym = _past_steps(arg, self.bounds)
        source: str | None = None
        if _method(sym) == "select_from":
            found = self._model(sym.args[0]) if len(sym.args) == 1 else None  # type: ignore[union-attr]
            if found is None:
                return None  # a subquery or a join: what it counts is not a table
            source = found.qualname
            sym = _past_steps(sym.func.obj, self.bounds)  # type: ignore[union-attr]
        if type(sym) is not SCall or dotted(sym.func) not in _SELECTS:  # type: ignore[union-attr]
            return None
        counted = [m for m in (self._counted_model(a) for a in sym.args) if m is not None]  # type: ignore[union-attr]
        model = next((m for m in counted if m), source if counted else None)  # `func.count()`: the select_from model
        return self._found(call.func.span, call, model) if model else None  # type: ignore[union-attr]

    def _raw(self, call: SCall, sql: str):
        span = call.func.span  # type: ignore[union-attr]
        if (span.line, span.column) in self.seen:
            return None
        self.seen.add((span.line, span.column))
        stmt = raw_sql.statement(self.project, sql)
        table = stmt.table if stmt is not None else None
        model = (self.project.orm.tables.get(table) or f"{TABLE_PREFIX}{table}") if table else None
        return span, "`SELECT COUNT(...)` counts every row of the table it reads", model

    def _counted_model(self, sym: Sym) -> str | None:
        """`func.count(Event.id)` -> Event; `func.count()` -> "" (the table is the one
        `select_from(...)` names); None: not a count, or a count of something else."""
        if type(sym) is not SCall or not (dotted(sym.func) or "").endswith("func.count"):  # type: ignore[union-attr]
            return None
        for a in sym.args:  # type: ignore[union-attr]
            target = a.obj if type(a) is SAttr else a  # type: ignore[union-attr]
            model = self._model(target)
            if model is not None:
                return model.qualname
        return "" if not sym.args else None  # type: ignore[union-attr]

    def _model(self, sym: Sym):
        if type(sym) is not SName:
            return None
        model = self.project.orm.model(sym.qual)  # type: ignore[union-attr]
        return model if model is not None and not model.abstract else None


def _method(sym: Sym | None) -> str | None:
    """`x.name(...)` -> "name"."""
    return sym.func.name if type(sym) is SCall and type(sym.func) is SAttr else None  # type: ignore[union-attr]


def _time_bounds(fn) -> frozenset[int]:
    """Parameters annotated as a date or time (`today: date`): a cut-off the same for every
    user (`start_date >= today`), not a key of the user's own rows."""
    out = set()
    for index, ann in fn.annotations:
        name = dotted(ann) or ""
        if name.rsplit(".", 1)[-1] in _TIME_TYPES:
            out.add(index)
    return frozenset(out)


def _past_steps(sym: Sym, bounds: frozenset[int] = frozenset()) -> Sym | None:
    """Down a query chain past the calls that keep the count table-wide (`.all()`,
    `.order_by(...)`, `.filter(public=True)`) to where it starts; None when a condition depends
    on the request."""
    for _ in range(_MAX_CHAIN):
        if type(sym) is not SCall or type(sym.func) is not SAttr:  # type: ignore[union-attr]
            return sym
        method = sym.func.name  # type: ignore[union-attr]
        if method in _CONDITIONS:
            if not all(_table_wide(a, 0, bounds) for a in (*sym.args, *(v for _, v in sym.kwargs))):  # type: ignore[union-attr]
                return None
        elif method not in _KEEPS_ROWS:
            return sym
        sym = sym.func.obj  # type: ignore[union-attr]
    return None


def _is_session(sym: Sym) -> bool:
    """`session`, `db.session`, `self.session`, a `session` parameter, `Session()`, `get_session()`."""
    if type(sym) is SCall:
        sym = sym.func  # type: ignore[union-attr]
    t = type(sym)
    name = sym.name if t is SAttr or t is SParam else sym.qual.rsplit(".", 1)[-1] if t is SName else ""  # type: ignore[union-attr]
    return "session" in name.lower() or name in ("db", "conn", "connection")


def _table_wide(sym: Sym, depth: int, bounds: frozenset[int] = frozenset()) -> bool:
    """Nothing in the condition comes from the request, a parameter (but a time cut-off) or a
    loop: the same rows are counted for every user."""
    if depth > 8:
        return False
    t = type(sym)
    if t is SParam and sym.index in bounds:  # type: ignore[union-attr]
        return True
    if t in (SParam, SEach, SUnknown):
        return False
    if t is SName:
        return sym.qual.rsplit(".", 1)[-1] not in _PER_REQUEST_NAMES  # type: ignore[union-attr]
    return all(_table_wide(c, depth + 1, bounds) for c in children(sym))


def _counts_a_table(sql: str) -> bool:
    """A SELECT whose result is COUNT(...) with no GROUP BY and no parameter in its WHERE."""
    head = sql.lstrip().lower()
    if not head.startswith("select") or "count(" not in head.replace(" ", ""):
        return False
    try:
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(sql, read="postgres")
    except Exception:  # noqa: BLE001 - unreadable SQL: say nothing
        return False
    if not isinstance(tree, exp.Select) or tree.args.get("group") or tree.args.get("joins"):
        return False
    if not any(isinstance(e.unalias(), exp.Count) for e in tree.expressions):
        return False
    where = tree.args.get("where")
    return where is None or not any(where.find_all(exp.Placeholder, exp.Parameter))
