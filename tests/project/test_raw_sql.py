"""Raw SQL read into what the query rules judge (project.raw_sql): tables, conditions pinned to
columns, ordering, limits and offsets, counts, LIKE patterns; what cannot be read is opaque."""

from __future__ import annotations

from projects import build

from scalelint.project import raw_sql
from scalelint.project.values import HOLE


def _stmt(text: str):
    return raw_sql.statement(build({}), text)


def _conds(stmt):
    return {(c.table, c.column, c.op) for c in stmt.conditions}


def test_conditions_order_limit_and_offset():
    s = _stmt("SELECT e.id FROM event e JOIN venue v ON v.id = e.venue_id AND v.city = %s WHERE e.starts > %(t)s AND NOT e.draft ORDER BY e.starts DESC LIMIT 20 OFFSET %s")
    assert (s.kind, s.table, s.limit, s.offset, s.opaque) == ("select", "event", True, "parameter", False)
    assert _conds(s) == {("venue", "city", "eq"), ("event", "starts", "range"), ("event", "draft", "flag")}  # the join's column pair is not a condition
    assert s.order == (("event", "starts"),)


def test_patterns_functions_and_casts():
    s = _stmt("SELECT id FROM users WHERE name ILIKE '%' || ? || '%' AND lower(email) = lower(?) AND created::date = ? AND code LIKE ? || '%'")
    by_column = {c.column: c for c in s.conditions}
    assert by_column["name"].op == "ilike" and by_column["name"].leading_wildcard
    assert by_column["code"].op == "like" and not by_column["code"].leading_wildcard
    assert by_column["email"].op == "func:lower" and by_column["created"].op == "date"


def test_counts_groups_and_writes():
    assert _stmt("SELECT count(*) FROM ticket WHERE event_id = $1").count
    grouped = _stmt("SELECT event_id, count(*) FROM ticket GROUP BY event_id")
    assert grouped.grouped and not grouped.count
    update = _stmt("UPDATE event SET title = %s WHERE id = %s")
    assert (update.kind, update.table, _conds(update)) == ("update", "event", {("event", "id", "eq")})
    assert _stmt("INSERT INTO event (title) VALUES (%s)").kind == "insert"


def test_what_cannot_be_read():
    assert _stmt("SELECT id FROM t WHERE a = 1 OR b = 2").opaque
    assert _stmt(f"SELECT id FROM t WHERE {HOLE}").opaque  # a condition built at run time
    assert _stmt(f"SELECT * FROM {HOLE}") is None  # a table built at run time
    assert _stmt("SELECT * FROM (SELECT 1) AS x").opaque
    assert _stmt("not sql at all") is None and _stmt("SELECT * FROM (") is None
    assert _stmt("SELECT name FROM sqlite_master WHERE type = 'table'").catalog
    assert _stmt("SELECT column_name FROM information_schema.columns").catalog


def test_each_text_is_parsed_once_per_project():
    project = build({})
    first = raw_sql.statement(project, "SELECT id FROM event WHERE city = %s")
    assert raw_sql.statement(project, "SELECT id FROM event WHERE city = %s") is first
    assert len(project.__dict__["_raw_sql"]) == 1
