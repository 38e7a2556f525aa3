"""Proof by execution for SCL605 (unindexed-foreign-key): SQLite's query planner agrees.

Every section of rules/unindexed-foreign-key.md whose schema is `.sql` files (beside them, the
Python code that uses the keys) has its SQL applied to an in-memory SQLite database (files in the order the schema model replays them, `CONCURRENTLY`
dropped: SQLite has no such word). For each foreign key of the section's schema model, the
plan of `SELECT * FROM child WHERE fk_column = ?` (what a parent's delete and a parent's
"load my children" both run) must be a full `SCAN` exactly where the spec says the key has no
index (an `error` or `todo-error` annotation on its line), and a `SEARCH ... USING INDEX`
elsewhere; SCL605 must report exactly the keys whose plan is a scan, except where the spec
records a known miss or false alarm, and except on tables the cost model says do not grow
(there the scan is real but cheap, and the rule must stay silent), and except keys no code reads
children by (the index would serve no query: silent too), and except keys an SCL601 finding's
index starts with and goes on (that finding's fix must turn the scan into a search). Then the rule's own fix is applied and the plan must turn
into an index search. Sections whose SQL SQLite cannot run (MySQL syntax, `ALTER TABLE ... ADD
CONSTRAINT`, `DO $$ ... $$` blocks) are skipped and counted; the test says how many ran.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from scalelint.api import lint
from scalelint.config import Settings
from scalelint.docs import spec_dir
from scalelint.extract import extract_file
from scalelint.project import Project
from scalelint.project.key_usage import KeyUsage
from scalelint.testing.spec import parse_spec, write_project

SPEC = Path(spec_dir()) / "unindexed-foreign-key.md"
RULE = "unindexed-foreign-key"
MIN_RUN = 5


def plan(db: sqlite3.Connection, table: str, column: str) -> str:
    rows = db.execute(f'EXPLAIN QUERY PLAN SELECT * FROM "{table}" WHERE "{column}" = ?', (1,)).fetchall()
    return " | ".join(row[-1] for row in rows)


def scans(detail: str, table: str) -> bool:
    if re.search(rf"\bSEARCH {re.escape(table)}\b.*\bUSING\b", detail):
        return False
    assert re.search(rf"\bSCAN {re.escape(table)}\b", detail), detail
    return True


def sqlite_text(sql: str) -> str:
    return re.sub(r"\bCONCURRENTLY\b", "", sql, flags=re.IGNORECASE)


def test_sqlite_query_plans_agree_with_the_rule(tmp_path, capsys):
    spec = parse_spec(SPEC)
    ran, skipped, keys, fixed, small, unused = [], [], 0, 0, 0, 0
    for number, section in enumerate(spec.cases()):
        sql = [path for path in section.files if path.endswith(".sql")]
        if not sql or not all(path.endswith((".sql", ".py")) for path in section.files):
            continue
        if section.config and "sql-dialect" in section.config and "postgres" not in section.config:
            skipped.append((section.title, "another database's SQL"))
            continue
        facts = {
            path: extract_file(path, "sql" if path.endswith(".sql") else "python", text.encode())
            for path, text in section.files.items()
        }
        model = Project(Path("."), facts, Settings())
        usage = KeyUsage(model)
        schema = model.schema
        db = sqlite3.connect(":memory:")
        try:
            for migration in schema.migrations:
                db.executescript(sqlite_text(section.files[migration.path]))
        except sqlite3.Error as error:
            skipped.append((section.title, str(error)))
            continue
        ran.append(section.title)
        project = tmp_path / f"s{number}"
        project.mkdir()
        write_project(section, project)
        report = lint([project], cache=False, jobs=1)
        flagged = {}
        composite: list = []  # SCL601 findings whose index starts with a key and goes on
        for d in report.diagnostics:
            if d.code == "SCL605":
                flagged[(Path(d.path).resolve().relative_to(project.resolve()).as_posix(), d.span.line)] = d
            elif d.code == "SCL601" and d.fix is not None:
                composite.append(d)
        notes = {(e.path, e.line): e.kind for e in section.expectations if e.rule == RULE}
        for table in schema.tables.values():
            for fk in table.foreign_keys:
                if fk.declared.path not in sql:
                    continue  # a model in the section's Python, not a table the SQL made
                keys += 1
                where = (fk.declared.path, fk.declared.span.line)
                kind = notes.get(where)
                detail = plan(db, table.name, fk.columns[0])
                scan = scans(detail, table.name)
                if not model.tables.of_schema_table(table).grows:
                    # the scan is real but cheap: the cost model keeps tables that stay small (or
                    # may) out of the rule, scan or not
                    assert where not in flagged and kind not in ("error", "todo-error"), (section.title, table.name, detail)
                    small += 1
                    continue
                if usage.how_used(table, fk) is None:
                    # the scan is real, but no query the code runs would take it
                    assert where not in flagged and kind not in ("error", "todo-error"), (section.title, table.name, detail)
                    unused += 1
                    continue
                covered = [d for d in composite if re.search(rf"`CREATE INDEX[^`]* ON {re.escape(table.name)} \({re.escape(fk.columns[0])}, ", d.fix.title)]
                if covered:
                    # missing-index asks for an index that starts with this key and goes on: the
                    # scan is real, its fix serves the key, and the key is not a second finding
                    assert scan and where not in flagged, (section.title, table.name, detail)
                    db.executescript(sqlite_text(re.search(r"`(CREATE INDEX[^`]*)`", covered[0].fix.title).group(1)))
                    after = plan(db, table.name, fk.columns[0])
                    assert not scans(after, table.name) and "USING INDEX" in after, after
                    fixed += 1
                    continue
                assert scan == (kind in ("error", "todo-error")), (section.title, table.name, fk.columns, kind, detail)
                if kind in ("todo-error", "todo-ok"):
                    continue  # a known miss / false alarm: the spec harness holds the rule to it
                assert (where in flagged) == scan, (section.title, table.name, fk.columns, detail)
                if scan:
                    fix = re.search(r"`(CREATE INDEX[^`]*)`", flagged[where].fix.title)
                    assert fix is not None, flagged[where].fix.title
                    db.executescript(sqlite_text(fix.group(1)))
                    after = plan(db, table.name, fk.columns[0])
                    assert not scans(after, table.name) and "USING INDEX" in after, after
                    fixed += 1
    with capsys.disabled():
        print(f"\nSCL605 on SQLite: {len(ran)} SQL sections ran ({keys} foreign keys planned, {small} on tables that stay small, {unused} no code reads by, {fixed} fixes applied), {len(skipped)} skipped: "
              + "; ".join(f"{title} ({why.splitlines()[0][:60]})" for title, why in skipped))
    assert len(ran) >= MIN_RUN, (ran, skipped)
    assert fixed >= 2
