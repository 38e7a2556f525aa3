"""What the evaluator found, written as `Cost`s: where each is reported, its message, its fix and
its edit, and what the cost model needs to judge it (the root function, its handler, the rows
that drive the cost, the relation read).

- SCL101: a relation read lazily on each row of a query (N+1);
- SCL102: a query run once per row of a loop over query rows;
- SCL103: a request handler that answers with every row of a growing table (`listing`);
- SCL104: rows fetched only to be counted, counted only to test one exists (`counting`);
- SCL604: a request paging with an offset it computes.

A frame called once per row (anchored) reports at the call in the caller's loop, with the
chain of calls and the place inside as related. What a library would write as the fix (an
eager load, a keyset page) is asked of that library (`project.libraries`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalelint.facts import SCall, SOp
from scalelint.project import counting, listing
from scalelint.project import libraries as libs
from scalelint.project.symbolic import short
from scalelint.project.values import PATH_SEPARATOR, TABLE_PREFIX, Cost, Obj, Query, Site, rows_name

if TYPE_CHECKING:
    from scalelint.project.evaluator import Frame

__all__ = ["record", "paged_count", "counted", "n_plus_one", "relation_per_row", "query_per_row", "count_by_len", "zero_tests", "every_row", "returned", "executed"]

_DEFAULT_BATCH_FIX = "Fetch all the rows in one query before the loop (`__in` / `IN (...)` lookup, or `bulk_create`/`bulk_update` for writes)"


def record(frame: "Frame", code: str, site: Site, message: str, fix: str, related: list, *, edits: tuple = (), rows: Query | None = None, relation=None, what: str = "") -> None:
    """A cost found by `frame`: at the caller's loop when the frame runs once per row of it."""
    if frame.silent:
        return
    outer = None
    if frame.anchor is not None:
        where = frame.anchor.site
        outer = frame.anchor.rows if frame.anchor.rows is not None and frame.anchor.rows != rows else None
        related = [*frame.anchor.chain, (site, "runs here, once per row"), *related, *frame.notes]
    else:
        where = site
        related = [*related, *frame.notes]
    frame.a.add(
        Cost(
            code, where, message, fix, related, edits=edits, applicability="safe" if edits else "display",
            root=frame.root, handler=frame.root_handler, rows=rows, relation=relation, what=what, outer=outer,
        )
    )


# --- SCL101: a lazy relation per row ---------------------------------------------------------


def relation_per_row(frame: "Frame", q: Query, span) -> None:
    """`q` is a relation of a row (`event.tags.all()` for each event): one query per row."""
    owner = q.owner
    assert owner is not None and owner.row_of is not None
    n_plus_one(frame, owner, q.via, frame.site(span), fresh=q.fresh)


def n_plus_one(frame: "Frame", obj: Obj, rel, site: Site, fresh: bool = False) -> None:
    orm = frame.orm
    rows = obj.row_of
    assert rows is not None
    model = orm.models.get(obj.model)
    row_model = orm.models.get(rows.model)
    lib = libs.owner(obj, orm) or libs.of_framework(rows.framework) or libs.Library()
    rows_lib = libs.of_framework(rows.framework) or libs.Library()
    path = PATH_SEPARATOR.join((*obj.path, rel.name))
    kind = lib.relation_label(rel)
    # rows reached through relations of the loop's rows (`event.venue` in a loop over
    # `organizer.events.all()`) are the ones counted
    row_name = (model.name if model else obj.model.rsplit(".", 1)[-1]) if obj.path else (row_model.name if row_model else rows.model.rsplit(".", 1)[-1])
    target = orm.models.get(rel.target) if rel.target else None
    target_name = target.name if target else (rel.target or "the related model").rsplit(".", 1)[-1]
    query = f"`{rows.text}`" if rows.text else "the query"
    message = (
        f"`{rel.name}` of {model.name if model else obj.model} is loaded with one query per {row_name} row "
        f"({kind}, not loaded by {query} that feeds the loop): N rows cost N+1 queries"
    )
    here = (frame.anchor.site if frame.anchor else site).path
    where = f" to `{rows.text}`" if rows.text else " to the query that feeds the loop"
    if rows.origin is not None:
        where += f" (line {rows.origin.span.line})" if rows.origin.path == here else f" ({rows.origin.path}, line {rows.origin.span.line})"
    fix = rows_lib.eager_fix(orm, rows, obj, rel, path, where, fresh)
    related = []
    if rows.origin is not None:
        related.append((rows.origin, "the query that feeds the loop"))
    related.append((Site(rel.path, rel.span), f"`{rel.name}` is declared here ({kind}) and loads {target_name} lazily"))
    edits = () if fresh else rows_lib.eager_edit(frame, rows, obj, rel, path)
    record(frame, "SCL101", site, message, fix, related, edits=edits, rows=rows, relation=rel)


# --- SCL102: a query per row ------------------------------------------------------------------


def query_per_row(frame: "Frame", site: Site, what: str, fix: str | None, rows: Query | None, *, write: bool = False) -> None:
    """`what` runs a query each time round a loop over `rows` (the caller's loop, anchored);
    `write`: the query adds, changes or deletes rows (a save, a commit, an INSERT)."""
    if frame.cached:
        return  # a helper that looks in a cache first: most calls do not reach the query
    message = f"{what} runs a query on every iteration of a loop over query rows: N rows cost N queries"
    if frame.anchor is not None:
        rows = frame.anchor.rows
    record(frame, "SCL102", site, message, fix or _DEFAULT_BATCH_FIX, [], rows=rows, what="write" if write else "")


# --- SCL401: a COUNT on every page ------------------------------------------------------------


def paged_count(frame: "Frame", rows: Query, paginator: Site, site: Site) -> None:
    """A paginator's page or total: it counts every row `rows` matches, on each request.
    Reported once per paginator, where it first counts (`get_page()` validates the number
    against `num_pages`, so it counts before `.count` is read)."""
    if frame.cached or rows.cached or rows.bounded:
        return
    once = frame.a.library_memo("paged_counts")
    key = (frame.root, paginator)
    if key in once:
        return
    once[key] = site
    model = frame.orm.models.get(rows.model)
    name = model.name if model else rows.model.rsplit(".", 1)[-1]
    query = f"`{rows.text}`" if rows.text else "the query"
    message = f"the paginator counts every {name} row {query} matches before it gives a page: the database counts them again on every page view"
    fix = "Cache the count (a Paginator subclass whose `count` reads `cache.get_or_set(key, ..., 300)`), or page with a keyset and show no total"
    related = [(paginator, "the paginator is built here")]
    if rows.origin is not None:
        related.append((rows.origin, "the query it counts"))
    record(frame, "SCL401", site, message, fix, related, rows=rows, what="count")


def counted(frame: "Frame", rows: Query, call: SCall, site: Site) -> None:
    """`qs.count()` whose number is used, on whatever path its frame runs: the cost model keeps
    the ones that count a growing table (not one owner's rows, not one group) per request."""
    if frame.cached or rows.cached or rows.bounded or frame.anchor is not None or frame.template:
        return
    if frame.a.parents(frame.fn).only_tested(call):
        return  # a threshold or an existence test: SCL104's
    model = frame.orm.models.get(rows.model)
    name = model.name if model else rows.model.rsplit(".", 1)[-1]
    text = _written(frame, call.span, "", "") or short(call)
    where = f" for {frame.root_handler[0]}" if frame.root_handler else ""
    message = f"`{text}` counts every {name} row it matches{where}: the database counts them again each time, and the cost grows with the table"
    fix = "Cache the number with a TTL (`cache.get_or_set(key, ..., 300)`), or keep a counter column updated on write"
    related = [(rows.origin, "the query it counts")] if rows.origin is not None and rows.origin != site else []
    record(frame, "SCL401", site, message, fix, related, rows=rows, what="count")


# --- SCL104: counting the slow way ------------------------------------------------------------


def count_by_len(frame: "Frame", call: SCall, rows: object, site: Site, per_row: Query | None) -> None:
    """`len(rows)`: a relation per row, a query per row, or rows fetched only to be counted."""
    if type(rows) is not Query or rows.cached:
        return
    if rows.owner is not None and rows.owner.row_of is not None and rows.via is not None:
        relation_per_row(frame, rows, call.span)  # `len(event.tags.all())` for each event
        return
    if per_row is not None:
        if rows.kind in ("queryset", "related", "list"):
            query_per_row(frame, site, f"`len({short(call.args[0])})`", None, per_row)
        return
    found = counting.len_of_rows(
        call, rows, frame.a.sharing(frame.fn), _written(frame, call.span, "len(", ")") or short(call.args[0]), rows_name(frame.orm, rows.model) if rows.model else "Model"
    )
    if found is not None:
        elsewhere = rows.origin is not None and (rows.origin.path, rows.origin.span.line) != (site.path, site.span.line)
        record(frame, "SCL104", site, found.message, found.fix, [(rows.origin, "the query")] if elsewhere else [], rows=rows, what="count")


def zero_tests(frame: "Frame", op: SOp) -> None:
    """`.count() > 0`, `len(qs) == 0`, `if qs.count():` asked only whether there is a row."""
    for node, how, negated, at in counting.zero_tests(op):
        loop = node.loop if type(node) is SCall else None  # type: ignore[union-attr]
        if (loop is not None and frame.in_data_loop(loop)) or frame.anchor is not None:
            continue  # once per row: query-in-loop (SCL102) says so at the same call
        if how == "count":
            rows = frame.eval(node.func.obj)  # type: ignore[union-attr]
        elif how == "len":
            rows = frame.eval(node.args[0])  # type: ignore[union-attr]
        else:
            rows = frame.eval(node)
        span = at or getattr(node, "span", None)
        if span is None or type(rows) is not Query:
            continue
        text = _written(frame, span, "", "") or short(node)
        found = counting.existence_test(node, how, negated, rows, frame.a.sharing(frame.fn), text)
        if found is not None:
            record(frame, "SCL104", frame.site(span), found.message, found.fix, [], rows=rows, what="existence")


def _written(frame: "Frame", span, prefix: str, suffix: str) -> str | None:
    """The user's own text of a short one-line expression, between `prefix` and `suffix`."""
    text = frame.a.project.text_at(frame.path, span)
    if text is None or len(text) > 80 or not text.startswith(prefix) or not text.endswith(suffix):
        return None
    return text[len(prefix) : len(text) - len(suffix)] or None


# --- SCL103: every row of a table in one response --------------------------------------------


def every_row(frame: "Frame", value: object, site: Site, how: str) -> None:
    """A request handler that loops over, returns or serialises a whole table."""
    if frame.handler is None or not listing.unbounded(value, frame.orm, frame.a.project.schema):
        return
    q: Query = value  # type: ignore[assignment]
    label, framework = frame.handler
    found = listing.listing(q, rows_name(frame.orm, q.model), how, label, framework)
    elsewhere = q.origin is not None and (q.origin.path, q.origin.span.line) != (site.path, site.span.line)
    related = [(q.origin, "the query")] if elsewhere else []
    if frame.silent:
        return
    frame.a.add(
        Cost("SCL103", site, found.message, found.fix, [*related, *frame.notes], subject=_subject(q), root=frame.root, handler=frame.root_handler, rows=q)
    )


def returned(frame: "Frame") -> None:
    """A handler's return values: a whole table returned as the response."""
    for r in frame.fn.returns:
        value = frame.eval(r)
        if type(value) is Query and value.origin is not None:
            executed(frame, value, value.origin)
            every_row(frame, value, value.origin, "returns")


# --- where queries run (the index rules), SCL604 ----------------------------------------------


def executed(frame: "Frame", value: object, site: Site) -> None:
    """A query runs here: what it filters and orders on is kept for the index rules."""
    if type(value) is not Query or not value.model or frame.silent:
        return
    if value.preds or value.order or value.offset:
        key = (site.path, site.span.line, site.span.column)
        known = frame.a.sites.get(key)
        # a helper is evaluated on its own (no handler): the request that calls it, if one does
        # and the table is shown to grow (a helper serves many callers, some on cold paths: the
        # weaker link to the request asks for stronger evidence on the table)
        handler = frame.handler
        if handler is None and _grows(frame, value):
            handler = frame.a.reached_by(frame.root)
        if known is None or (known[2] is None and handler is not None):
            frame.a.sites[key] = (value, site, handler)
    if value.offset is not None and frame.handler is not None:
        _offset_page(frame, value)


def _grows(frame: "Frame", q: Query) -> bool:
    from scalelint.project.cardinality import GROWING

    return frame.a.project.tables.size(q.model).kind == GROWING


def _offset_page(frame: "Frame", q: Query) -> None:
    """SCL604: a request pages through rows with an offset it computes."""
    name = rows_name(frame.orm, q.model)
    label, framework = frame.handler  # type: ignore[misc]
    message = (
        f"{label} pages through {name} rows with an offset computed per request: the database reads and discards "
        f"every skipped row, so each page is slower than the last and deep pages scan the table"
    )
    if q.statement:
        fix = "Page with a keyset instead: `... WHERE id > %s ORDER BY id LIMIT %s` with the last id the client saw"
    else:
        fix = (libs.of_framework(q.framework) or libs.Library()).keyset_fix(name)
    assert q.offset is not None
    related = [(q.origin, "the query")] if q.origin is not None and q.origin.span.line != q.offset.span.line else []
    frame.a.add(Cost("SCL604", q.offset, message, fix, [*related, *frame.notes], subject=_subject(q), root=frame.root, handler=frame.root_handler, rows=q))


def _subject(q: Query) -> str:
    """What rule options name it by: the model, or the table raw SQL reads."""
    return q.table if q.model.startswith(TABLE_PREFIX) else q.model
