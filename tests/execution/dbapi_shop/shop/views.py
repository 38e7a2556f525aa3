"""What the event shop's pages do with raw SQL on a DB-API connection (sqlite3), one function per
way of doing it.

tests/execution runs every `case_*(conn)` function against SQLite with N events and counts the
statements the connection runs; scalelint lints this project: a function whose statement count
grows with N must be reported (SCL102 query-in-loop) and one with a constant count must not.
"""

from pathlib import Path

CITIES = ["Lyon", "Oslo", "Porto"]
UNSOLD = "SELECT count(*) FROM ticket WHERE event_id = ? AND sold = 0"
TICKETS_OF_EVENT = (Path(__file__).parent / "sql" / "tickets_of_event.sql").read_text()


def _organizer_name(conn, organizer_id):
    return conn.execute("SELECT name FROM organizer WHERE id = ?", (organizer_id,)).fetchone()[0]


# ---------------------------------------------------------------- a statement per row


# cur.execute() for each row fetched from the same cursor
def case_execute_per_fetched_row(conn):
    cur = conn.cursor()
    cur.execute("SELECT id FROM event")
    counts = {}
    for (event_id,) in cur.fetchall():
        cur.execute("SELECT count(*) FROM ticket WHERE event_id = ?", (event_id,))
        counts[event_id] = cur.fetchone()[0]
    return counts


# a statement for each row of iterating the cursor itself
def case_execute_per_iterated_row(conn):
    cur = conn.cursor()
    cur.execute("SELECT id, organizer_id FROM event")
    return [conn.execute("SELECT name FROM organizer WHERE id = ?", (organizer_id,)).fetchone() for _, organizer_id in cur]


# a statement kept in a module-level constant, run for each row
def case_constant_sql_per_row(conn):
    return {event_id: conn.execute(UNSOLD, (event_id,)).fetchone()[0] for (event_id,) in conn.execute("SELECT id FROM event").fetchall()}


# SQL built with an f-string for each row
def case_fstring_sql_per_row(conn):
    titles = []
    for (organizer_id,) in conn.execute("SELECT organizer_id FROM event").fetchall():
        titles.append(conn.execute(f"SELECT name FROM organizer WHERE id = {int(organizer_id)}").fetchone())
    return titles


# a statement read from a .sql file, run for each row
def case_sql_file_per_row(conn):
    rows = conn.execute("SELECT id FROM event ORDER BY created_at").fetchall()
    return {event_id: conn.execute(TICKETS_OF_EVENT, (event_id,)).fetchall() for (event_id,) in rows}


# a helper that queries, called for each row
def case_helper_per_row(conn):
    return [_organizer_name(conn, organizer_id) for (organizer_id,) in conn.execute("SELECT organizer_id FROM event")]


# an UPDATE and a commit for each row
def case_update_and_commit_per_row(conn):
    cur = conn.cursor()
    cur.execute("SELECT id, title FROM event")
    for event_id, title in cur.fetchall():
        conn.execute("UPDATE event SET title = ? WHERE id = ?", (title.strip(), event_id))
        conn.commit()


# an INSERT for each row, through a second cursor
def case_insert_per_row(conn):
    reader = conn.cursor()
    writer = conn.cursor()
    reader.execute("SELECT id FROM event WHERE city = ?", ("Lyon",))
    for (event_id,) in reader.fetchall():
        writer.execute("INSERT INTO ticket (event_id, sold) VALUES (?, 0)", (event_id,))


# ---------------------------------------------------------------- a constant number of statements


# one JOIN and GROUP BY for every event
def case_one_grouped_query(conn):
    return conn.execute(
        "SELECT e.id, count(t.id) FROM event e LEFT JOIN ticket t ON t.event_id = e.id GROUP BY e.id"
    ).fetchall()


# every organizer fetched at once before the loop, looked up in a dict
def case_lookup_fetched_before_the_loop(conn):
    names = dict(conn.execute("SELECT id, name FROM organizer").fetchall())
    return [names[organizer_id] for (organizer_id,) in conn.execute("SELECT organizer_id FROM event").fetchall()]


# reading each fetched row runs no statement
def case_fetchone_until_done(conn):
    cur = conn.cursor()
    cur.execute("SELECT id, title FROM event")
    titles = []
    for _ in range(3):
        row = cur.fetchone()
        if row is not None:
            titles.append(row[1])
    return titles


# a statement per city of a constant list: as many whatever the rows
def case_query_per_constant_city(conn):
    return {city: conn.execute("SELECT count(*) FROM event WHERE city = ?", (city,)).fetchone()[0] for city in CITIES}


# a statement hoisted before the loop, the loop only computes
def case_hoisted_statement(conn):
    rows = conn.execute("SELECT id, title FROM event").fetchall()
    total = conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    return [(event_id, title, total) for event_id, title in rows]


# one IN (...) statement for the ids of every row
def case_in_list_once(conn):
    ids = [event_id for (event_id,) in conn.execute("SELECT id FROM event").fetchall()]
    marks = ", ".join("?" for _ in ids)
    return conn.execute(f"SELECT event_id, count(*) FROM ticket WHERE event_id IN ({marks}) GROUP BY event_id", ids).fetchall()


# one UPDATE for every row, committed once
def case_one_update(conn):
    conn.execute("UPDATE event SET title = trim(title)")
    conn.commit()


# the rows are counted once, in the database
def case_count_in_the_database(conn):
    return conn.execute("SELECT count(*) FROM event WHERE city = ?", ("Lyon",)).fetchone()[0]
