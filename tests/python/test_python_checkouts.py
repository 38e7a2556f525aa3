CODE = """
import sqlite3
import socket
from contextlib import closing
from psycopg2.pool import ThreadedConnectionPool
from sqlalchemy import create_engine
from myapp.db import db

pool = ThreadedConnectionPool(1, 10, DSN)
engine = create_engine(URL)
warehouse = create_engine(URL2)

def safe_finally():
    conn = pool.getconn()
    try:
        return conn.cursor().fetchall()
    finally:
        pool.putconn(conn)

def safe_with():
    with engine.connect() as conn:
        conn.execute("select 1")

def safe_close_in_finally():
    conn = db.engine.connect()
    try:
        conn.execute("select 1")
    finally:
        conn.close()

def safe_returned():
    conn = pool.getconn()
    return conn

def safe_yielded():
    conn = engine.connect()
    yield conn

def safe_stored(g):
    conn = pool.getconn()
    g.db = conn

def safe_closing():
    conn = pool.getconn()
    with closing(conn):
        pass

def safe_with_variable():
    conn = warehouse.connect()
    with conn:
        conn.execute("x")

def leak_no_release():
    conn = pool.getconn()
    cur = conn.cursor()
    cur.execute("select 1")

def leak_release_not_in_finally():
    conn = pool.getconn()
    conn.cursor().execute("select 1")
    pool.putconn(conn)

class Repo:
    def leak_method(self):
        conn = self.pool.getconn()
        conn.cursor()

    async def leak_async(self):
        conn = await self.engine.connect()
        await conn.execute("x")

def ignored():
    a = sqlite3.connect("x.db")
    s = socket.socket()
    b = s.connect(("host", 1))
    c = other.connect()
    d = pool.getconn
"""


def test_checkouts(facts, span):
    pf, src = facts(CODE)
    got = {c.function: (c.kind, c.receiver, c.returned_safely, c.released) for c in pf.checkouts}
    assert got == {
        "safe_finally": ("getconn", "pool", True, True),
        "safe_with": ("connect", "engine", True, True),
        "safe_close_in_finally": ("connect", "db.engine", True, True),
        "safe_returned": ("getconn", "pool", True, False),
        "safe_yielded": ("connect", "engine", True, False),
        "safe_stored": ("getconn", "pool", True, False),
        "safe_closing": ("getconn", "pool", True, False),
        "safe_with_variable": ("connect", "warehouse", True, False),
        "leak_no_release": ("getconn", "pool", False, False),
        "leak_release_not_in_finally": ("getconn", "pool", False, True),
        "Repo.leak_method": ("getconn", "self.pool", False, False),
        "Repo.leak_async": ("connect", "self.engine", False, False),
    }
    first = pf.checkouts[0]
    assert first.function == "safe_finally"
    assert first.span == span(src, "pool.getconn()")


def test_checkouts_only_in_functions_and_nested_scopes_separate(facts):
    pf, _ = facts(
        """
        conn = engine.connect()

        def outer():
            conn = engine.connect()
            def inner():
                engine.dispose()
                conn.close()
            return inner
        """
    )
    (c,) = pf.checkouts
    assert c.function == "outer" and c.returned_safely is False and c.released is False


def test_global_connection_is_stored(facts):
    pf, _ = facts(
        """
        CONN = None
        def connect():
            global CONN
            CONN = pool.getconn()
        def connect2():
            global C2
            C2 = engine.connect()
        """
    )
    assert [(c.function, c.returned_safely) for c in pf.checkouts] == [("connect", True), ("connect2", True)]
