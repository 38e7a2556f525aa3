"""The limits themselves: documented with their values, enforced where they say, and the
mechanisms behind them (the guarded reader, the time budget, the isolated second look)."""

from __future__ import annotations

import ast
import os
import re
import threading
import time
from pathlib import Path

import pytest

from scalelint import budget, limits, reading
from scalelint.facts import Choice, Const, Unknown

ROOT = Path(__file__).resolve().parents[2]


def test_every_limit_is_documented_with_its_value():
    page = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", page, re.MULTILINE))
    assert rows == {limit.name: limit.shown() for limit in limits.ALL}


def test_limits_read_the_way_scl001_quotes_them():
    assert str(limits.NESTING) == "the nesting limit of 100 levels"
    assert str(limits.FILE_SIZE) == "the file-size limit of 8 MiB"
    assert str(limits.SECOND_LOOK_SIZE) == "the second-look-size limit of 256 KiB"
    assert str(limits.FILE_TIME) == "the file-time limit of 20 s"


# --- the guarded reader ---------------------------------------------------------------------


def test_the_reader_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(reading.NotRegularFile, match="a FIFO"):
        reading.read_bytes(tmp_path / "pipe")
    assert reading.read_head(tmp_path / "pipe", 64) == b""


def test_the_reader_refuses_a_link_to_a_device(tmp_path):
    os.symlink("/dev/zero", tmp_path / "zero.py")
    with pytest.raises(reading.NotRegularFile, match="a character device"):
        reading.read_bytes(tmp_path / "zero.py")


def test_the_reader_stops_at_the_size_cap(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * (limits.KIB + 1))
    small = limits.Limit("test-size", limits.KIB, "bytes")
    with pytest.raises(reading.TooLarge, match="above the test-size limit of 1 KiB"):
        reading.read_bytes(tmp_path / "big", small)
    assert reading.read_bytes(tmp_path / "big") == b"x" * (limits.KIB + 1)


# --- the time budget ------------------------------------------------------------------------


def test_the_budget_stops_a_python_loop_and_restores_the_handler():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(budget.TookTooLong):
        with budget.time_budget(0.2) as enforced:
            assert enforced
            while True:
                pass
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_budget_is_not_swallowed_by_except_exception():
    with pytest.raises(budget.TookTooLong):
        with budget.time_budget(0.1):
            while True:
                try:
                    time.sleep(0.01)
                except Exception:  # noqa: BLE001 - what a library might do
                    pass


def test_the_budget_is_not_enforced_off_the_main_thread():
    seen = []
    worker = threading.Thread(target=lambda: seen.append(budget.time_budget(1).__enter__()))
    worker.start()
    worker.join()
    assert seen == [False]


def test_isolated_work_answers_and_survives_a_crash_or_a_hang():
    assert budget.isolated(lambda: True, 5) is True
    assert budget.isolated(lambda: False, 5) is False
    assert budget.isolated(lambda: os.abort(), 5) is None  # a native crash costs only the child
    started = time.monotonic()
    assert budget.isolated(lambda: time.sleep(30) or True, 0.3) is None
    assert time.monotonic() - started < 5


def _slow_sql(statements: int = 1000) -> str:
    return ";\n".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, a text, b text, c int REFERENCES t0(id))" for i in range(statements)) + ";\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_over_the_time_budget_is_scl001_and_not_cached(tmp_path, monkeypatch, jobs):
    from scalelint import engine
    from scalelint.config import Settings

    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "schema.sql").write_text(_slow_sql())
    for i in range(engine.PARALLEL_THRESHOLD):  # enough files for the process pool when jobs=2
        (project / f"m{i}.py").write_text("x = 1\n")
    engine.lint([project / "m0.py"], Settings(root=project), jobs=1)  # every import done before timing
    monkeypatch.setattr(limits, "FILE_TIME", limits.Limit("file-time", 0.2, "seconds"))
    report = engine.lint([project], Settings(root=project), cache_dir=tmp_path / "cache", jobs=jobs)
    assert [(d.path, d.message) for d in report.diagnostics if d.code == "SCL001"] == [
        ("schema.sql", "took too long: stopped at the file-time limit of 0.2 s; scalelint skipped this file")
    ]
    monkeypatch.setattr(limits, "FILE_TIME", limits.Limit("file-time", 600, "seconds"))
    report = engine.lint([project], Settings(root=project), cache_dir=tmp_path / "cache", jobs=jobs)
    assert not [d for d in report.diagnostics if d.code == "SCL001"]  # read again, not served from the cache


# --- caps on analysis -----------------------------------------------------------------------


def _fold(source: str, consts=None):
    from scalelint.python.fold import fold

    return fold(ast.parse(source, mode="eval").body, consts)


def test_folded_strings_stop_at_the_length_cap():
    half = Const("x" * (limits.FOLDED_LENGTH.value // 2), None)
    assert _fold("A + A", {"A": half}) == Const("x" * limits.FOLDED_LENGTH.value, _fold("A + A", {"A": half}).span)
    longer = Const("x" * (limits.FOLDED_LENGTH.value // 2 + 1), None)
    assert isinstance(_fold("A + A", {"A": longer}), Unknown)


def test_folded_choices_stop_at_the_cap():
    options = tuple(Const(i, None) for i in range(limits.FOLDED_CHOICES.value // 2))
    assert isinstance(_fold("A if c else B", {"A": Choice(options, None), "B": Choice(options, None)}), Choice)
    more = options + (Const(-1, None),)
    assert isinstance(_fold("A if c else B", {"A": Choice(more, None), "B": Choice(more, None)}), Unknown)


@pytest.mark.parametrize("source", ['float("inf")', 'float("nan")', "1e999", "10**19", "int('9' * 25)", '-float("inf")'])
def test_absurd_numbers_fold_to_unknown(source):
    assert isinstance(_fold(source), Unknown)


def test_ordinary_numbers_still_fold():
    assert _fold('int("8") * 2').value == 16
    assert _fold('float("0.5")').value == 0.5


def _template_read(depth: int):
    """What `{{ row.name }}` reads when `depth` loops over `items` sit between it and the loop
    over `rows` that binds `row`."""
    from scalelint.project.rendering import template_function
    from scalelint.templates import extract_template

    text = "{% for row in rows %}" + "{% for x in items %}" * depth + "{{ row.name }}" + "{% endfor %}" * (depth + 1)
    function = template_function("templates/t.html", extract_template(text, "templates/t.html"))
    return function.uses[-1].sym


def test_a_template_name_is_found_through_ordinary_nesting():
    from scalelint.facts import SAttr, SEach

    read = _template_read(limits.NESTING.value - 1)
    assert isinstance(read, SAttr) and isinstance(read.obj, SEach) and read.obj.loop == 0


def test_a_template_name_under_more_loops_than_the_nesting_cap_is_unknown():
    # A generated template of thousands of nested loops cost one walk per enclosing loop for
    # every read (238 KB: 12 s); past the cap the walk stops and the name is unknown.
    from scalelint.facts import SUnknown

    assert isinstance(_template_read(limits.NESTING.value + 1).obj, SUnknown)


# --- YAML merges ----------------------------------------------------------------------------


def test_merges_keep_their_order_and_explicit_keys_win():
    from scalelint.deploy import yamlnodes as yn

    [doc] = yn.compose_documents("a: &a {x: 1, y: 1}\nb: &b {<<: *a, y: 2, z: 2}\nc:\n  <<: [*b, *a]\n  x: 3\n")
    c = yn.get(doc, "c")
    assert [(k.value, v.value) for k, v in yn.items(c)] == [("x", "3"), ("y", "2"), ("z", "2")]


def test_a_mapping_merging_itself_is_read_once():
    from scalelint.deploy import yamlnodes as yn

    [doc] = yn.compose_documents("web: &w\n  <<: *w\n  command: run\n")
    assert [k.value for k, _ in yn.items(yn.get(doc, "web"))] == ["command"]


# --- SQL statement by statement -------------------------------------------------------------


def test_a_statement_another_dialect_reads_is_not_broken_and_the_first_broken_one_is_found():
    from scalelint.sql import check_sql

    sql = (
        "CREATE TABLE a (id serial PRIMARY KEY);\n"
        "CREATE TABLE `b` (`id` int NOT NULL AUTO_INCREMENT, KEY `k` (`id`)) ENGINE=InnoDB;\n"
        "CREATE TABLE c (id int);\n"
        "CREATE INDEX ON (id);\n"
    )
    [problem] = check_sql(sql)
    assert problem.span.line == 4 and problem.message.startswith("invalid SQL")


def test_ddl_past_the_statement_cap_is_opaque_and_said(monkeypatch):
    from scalelint.schema_sql import read_sql_file
    from scalelint.sql import check_sql

    monkeypatch.setattr(limits, "SQL_STATEMENTS", limits.Limit("sql-statements", 2, "statements"))
    sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE INDEX c_x ON c (x);\n"
    assert [op.op for op in read_sql_file(sql).ops] == ["create_table", "create_table", "opaque"]
    [problem] = check_sql(sql)
    assert problem.severity == "info" and "3 DDL statements, above the sql-statements limit of 2 statements" in problem.message
